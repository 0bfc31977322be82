"""Parameter values as users give them, and their evaluation per neuron.

Users pass scalars, arrays, lists, :class:`~pynnlite.random.RandomDistribution`
objects, callables of the neuron index, or :class:`Sequence` values (for
parameters whose value per neuron is itself an array, such as spike_times).
Homogeneous values stay lazy (a :class:`lazyarray.larray` over a scalar, no
allocation); random values are drawn once, when the parameter is set, in the
order of the script's calls, so results do not depend on the backend.
"""
import numbers

import numpy as np
from lazyarray import larray

from .errors import InvalidDimensionsError, InvalidParameterValueError


class Sequence:
    """An array-valued parameter value (PyNN's Sequence), e.g. the spike times
    of one SpikeSourceArray neuron."""

    def __init__(self, value):
        self.value = np.asarray(value, dtype=float).ravel()

    def __len__(self):
        return len(self.value)

    def __eq__(self, other):
        other = other.value if isinstance(other, Sequence) else np.asarray(other, float)
        return np.array_equal(self.value, other)

    def __repr__(self):
        return f"Sequence({self.value.tolist()!r})"


def _is_random(value):
    return hasattr(value, "next") and hasattr(value, "name") and hasattr(value, "parameters")


def evaluate_scalar_parameter(value, size, name, model):
    """Values of a scalar-valued parameter for ``size`` neurons, as a larray
    (homogeneous, lazy) or a float array of shape (size,)."""
    if isinstance(value, larray):
        value = value.evaluate(simplify=True)
    if isinstance(value, (numbers.Real, np.floating, np.integer)) and not isinstance(value, bool):
        return larray(float(value), shape=(size,))
    if _is_random(value):
        return np.asarray(value.next(size), dtype=float).reshape(size)
    if callable(value):
        out = np.asarray(value(np.arange(size)), dtype=float)
        if out.shape != (size,):
            raise InvalidDimensionsError(
                f"callable value of '{name}' returned shape {out.shape}; expected ({size},)")
        return out
    if isinstance(value, (list, tuple, np.ndarray)):
        arr = np.asarray(value)
        if arr.dtype == object or not np.issubdtype(arr.dtype, np.number):
            raise InvalidParameterValueError(name, value, "a number, an array of numbers, "
                                             "a RandomDistribution or a callable", model)
        arr = arr.astype(float)
        if arr.shape != (size,):
            raise InvalidDimensionsError(
                f"'{name}' of {model} was given {arr.size} values for {size} neurons")
        return arr
    raise InvalidParameterValueError(name, value, "a number, an array of numbers, "
                                     "a RandomDistribution or a callable", model)


def evaluate_array_parameter(value, size, name, model):
    """Values of an array-valued parameter for ``size`` neurons: an object array
    whose entries are 1-D float arrays (shared when the value is homogeneous)."""
    out = np.empty(size, dtype=object)
    if isinstance(value, Sequence):
        out[:] = [value.value] * size
        return out
    if callable(value) and not isinstance(value, np.ndarray):
        items = [value(i) for i in range(size)]  # noqa: a user callable per neuron (only at build)
        value = items
    if isinstance(value, np.ndarray) and value.dtype != object:
        value = value.tolist() if value.ndim > 1 else value
    if isinstance(value, (list, tuple, np.ndarray)):
        if len(value) and all(isinstance(v, (Sequence, list, tuple, np.ndarray)) for v in value):
            if len(value) != size:
                raise InvalidDimensionsError(
                    f"'{name}' of {model} was given {len(value)} sequences for {size} neurons")
            out[:] = [np.asarray(v.value if isinstance(v, Sequence) else v, float).ravel()
                      for v in value]
            return out
        try:
            shared = np.asarray(value, dtype=float).ravel()
        except (TypeError, ValueError):
            raise InvalidParameterValueError(name, value, "a Sequence of numbers, a list of "
                                             "numbers, or one Sequence per neuron", model) from None
        out[:] = [shared] * size
        return out
    raise InvalidParameterValueError(name, value, "a Sequence of numbers, a list of numbers, "
                                     "or one Sequence per neuron", model)


class ParameterSpace:
    """The parameters (or initial state) of one population: name -> larray or
    array of shape (size,), checked against the model's allowed ranges."""

    def __init__(self, model_class, table, size):
        self.model_class = model_class
        self.table = table          # {name: P}
        self.size = size
        self._values = {}

    def set(self, name, value, indices=None):
        """Evaluate ``value`` for the neurons ``indices`` (all when None), check it
        and store it. Nothing is stored if any value is invalid."""
        model = self.model_class.__name__
        definition = self.table[name]
        value = self.model_class.convert_units(name, value)
        n = self.size if indices is None else len(indices)
        if definition.array_valued:
            new = evaluate_array_parameter(value, n, name, model)
            self._check_array_valued(name, new)
            if indices is None:
                self._values[name] = new
            else:
                full = self.evaluated(name).copy()
                full[indices] = new
                self._values[name] = full
            return
        new = evaluate_scalar_parameter(value, n, name, model)
        values = new.evaluate(simplify=True) if isinstance(new, larray) else new
        self.model_class.check_values(name, np.atleast_1d(values), self.table)
        if indices is None:
            self._values[name] = new
        else:
            full = np.array(self.evaluated(name), dtype=float, copy=True)
            full[indices] = values
            self._values[name] = full

    def _check_array_valued(self, name, values):
        model = self.model_class.__name__
        for v in values:
            if not np.isfinite(v).all():
                raise InvalidParameterValueError(name, v.tolist(), "finite numbers", model)
        checker = getattr(self.model_class, "check_array_parameter", None)
        if checker is not None:
            checker(name, values)

    def evaluated(self, name):
        """Full array of shape (size,) (object array for array-valued parameters)."""
        value = self._values[name]
        if isinstance(value, larray):
            return np.asarray(value.evaluate(simplify=False), dtype=float)
        return value

    def simplified(self, name):
        """A scalar when homogeneous, else the array."""
        value = self._values[name]
        if isinstance(value, larray):
            return value.evaluate(simplify=True)
        if value.dtype != object and value.size and (value == value[0]).all():
            return float(value[0])
        return value

    def names(self):
        return list(self._values)

    def check_relations(self, indices=None):
        """Check the model's cross-parameter relations over all neurons."""
        if not self.model_class.relations:
            return
        values = {n: self.simplified(n) for n in self._values}
        self.model_class.check_relations(values)
