"""Declarative model specifications: parameters with defaults, units and
allowed ranges; state variables with initial values; recordables.

A model instance (``IF_curr_exp(tau_m=10.0)``) holds the user's values, which
may be scalars, arrays, RandomDistributions, Sequences or callables of the
neuron index. They are evaluated once, when the network is built, by
:mod:`pynnlite.parameters`, then checked here, before any simulation time.
"""
import math

import numpy as np
import quantities as pq

from ..errors import InvalidParameterValueError, NonExistentParameterError
from ..units import UNITS


# --- constraints: each returns a boolean mask of valid entries and a description

def _finite(a):
    return np.isfinite(a)


class Constraint:
    """An allowed range for a parameter: a vectorised predicate and its wording."""

    def __init__(self, predicate, text):
        self.predicate = predicate
        self.text = text

    def check(self, values):
        values = np.asarray(values, dtype=float)
        return np.asarray(self.predicate(values), dtype=bool) & _finite(values)


ANY = Constraint(lambda a: np.ones(a.shape, bool), "any finite real number")
POSITIVE = Constraint(lambda a: a > 0, "a finite number > 0")
NON_NEGATIVE = Constraint(lambda a: a >= 0, "a finite number >= 0")
PROBABILITY = Constraint(lambda a: (a >= 0) & (a <= 1), "a number in [0, 1]")
NON_NEGATIVE_OR_INF = Constraint(lambda a: (a >= 0) | np.isposinf(a), "a number >= 0 (inf allowed)")


class P:
    """Definition of one parameter or state variable."""

    def __init__(self, default, unit="dimensionless", allowed=ANY, array_valued=False):
        self.default = default
        self.unit = unit
        self.allowed = allowed
        self.array_valued = array_valued


class ModelType:
    """Base of all standard model types (cells, sources, synapses, electrodes).

    Subclasses declare ``parameters`` and ``state`` as {name: P}, and may add
    ``relations``: (callable(params)->mask, text) checks across parameters.
    """
    parameters = {}
    state = {}
    relations = ()

    def __init__(self, **parameters):
        self.parameter_values = {}
        for name, value in parameters.items():
            self._check_name(name, self.parameters)
            self.parameter_values[name] = self.convert_units(name, value)
        for name, value in self.parameter_values.items():
            self.check_scalar(name, value)

    @classmethod
    def _check_name(cls, name, table):
        if name not in table:
            raise NonExistentParameterError(name, cls.__name__, table)

    @classmethod
    def convert_units(cls, name, value):
        """A value given with quantities units, converted to the parameter's
        pynnlite unit; an incompatible unit is rejected by name."""
        if not isinstance(value, pq.Quantity):
            return value
        definition = cls.parameters.get(name) or cls.state.get(name)
        try:
            converted = value.rescale(UNITS[definition.unit]).magnitude
        except ValueError:
            raise InvalidParameterValueError(
                name, value, f"a value in {definition.unit} (or a plain number)", cls.__name__) from None
        return float(converted) if np.ndim(converted) == 0 else np.asarray(converted, float)

    @classmethod
    def check_scalar(cls, name, value):
        """Check a plain number at once; arrays and distributions are checked
        after evaluation (check_values)."""
        definition = cls.parameters.get(name) or cls.state.get(name)
        if definition is None or definition.array_valued:
            return
        if isinstance(value, (bool, str, bytes)):
            raise InvalidParameterValueError(name, value, definition.allowed.text, cls.__name__)
        if isinstance(value, (int, float, np.integer, np.floating)):
            if not definition.allowed.check(np.array([float(value)]))[0]:
                raise InvalidParameterValueError(name, value, definition.allowed.text, cls.__name__)

    @classmethod
    def check_values(cls, name, values, table=None):
        """Check an evaluated array of one parameter; raise naming the first bad value."""
        definition = (table or cls.parameters).get(name) or cls.state.get(name)
        if definition.array_valued:
            return
        values = np.asarray(values)
        if values.dtype == object or not np.issubdtype(values.dtype, np.number):
            raise InvalidParameterValueError(name, values, definition.allowed.text, cls.__name__)
        ok = definition.allowed.check(values)
        if not ok.all():
            bad = values[~ok].flat[0]
            raise InvalidParameterValueError(name, bad, definition.allowed.text, cls.__name__)

    @classmethod
    def check_relations(cls, values):
        """Check constraints that involve several parameters (evaluated arrays)."""
        for predicate, text, names in cls.relations:
            ok = np.atleast_1d(np.asarray(predicate(values), dtype=bool))
            if not ok.all():
                i = int(np.flatnonzero(~ok)[0])
                shown = ", ".join(f"{n}={np.broadcast_to(values[n], ok.shape)[i]!r}" for n in names)
                raise InvalidParameterValueError(names[0], shown, text, cls.__name__)

    @classmethod
    def default_parameters(cls):
        return {n: d.default for n, d in cls.parameters.items()}

    @classmethod
    def default_initial_values(cls):
        return {n: d.default for n, d in cls.state.items()}

    @classmethod
    def get_parameter_names(cls):
        return tuple(cls.parameters)

    @classmethod
    def units(cls):
        return {n: d.unit for n, d in {**cls.parameters, **cls.state}.items()}

    def describe(self):
        values = {**self.default_parameters(), **self.parameter_values}
        return f"{type(self).__name__}({', '.join(f'{k}={v!r}' for k, v in values.items())})"

    __repr__ = describe

    def __getattr__(self, name):
        # parameters read as attributes, as in PyNN (celltype.tau_m)
        if name in type(self).parameters:
            return self.parameter_values.get(name, type(self).parameters[name].default)
        raise AttributeError(name)


def finite_or_inf(x):
    return math.isinf(x) or math.isfinite(x)
