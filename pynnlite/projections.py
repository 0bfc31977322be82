"""Projection: the connections between two groups of cells, held as arrays.

The connector runs when the Projection is created, in the frontend, so every
backend receives the identical list of connections for the same seed (unless
the connector is native and the backend draws it: see pynnlite.native_rules). Weights
and delays are evaluated per connection in the order the connector returns its
connections (its docstring states that order). After the network is built,
weights and delays live in the backend; get() and set() go through it.
"""
import os
import tempfile
import warnings

import numpy as np

from . import memory, native_rules
from .connectors import ConnectionContext
from .errors import (ConnectionError, InvalidDimensionsError, InvalidModelError,
                     InvalidParameterValueError, InvalidWeightError, NonExistentParameterError,
                     RecordingError, RoundingWarning, SimulationStateError)
from .models.synapses import StaticSynapse, StandardSynapseType
from .network import ProjectionSpec
from .populations import Assembly


def _evaluate_per_connection(value, n, name, pre, post, synapse_model):
    """Values of a connection attribute for n connections given (pre, post)."""
    if hasattr(value, "next") and hasattr(value, "parameters"):
        return np.asarray(value.next(n), dtype=float).reshape(n)
    if isinstance(value, (int, float, np.integer, np.floating)) and not isinstance(value, bool):
        # homogeneous: a read-only zero-stride view, no memory per connection
        return np.broadcast_to(np.float64(value), (n,))
    arr = np.asarray(value, dtype=float)
    if arr.ndim == 1 and arr.shape == (n,):
        return arr.copy()
    if arr.ndim == 2:
        return arr[pre, post]
    raise InvalidParameterValueError(
        name, value, f"a number, a RandomDistribution, {n} values (one per connection) or an "
        "(n_pre, n_post) array", synapse_model)


class Projection:
    """Connections from ``presynaptic_population`` to ``postsynaptic_population``
    made by ``connector``, with ``synapse_type`` (default StaticSynapse()), onto
    ``receptor_type`` ('excitatory' unless given)."""

    def __init__(self, presynaptic_population, postsynaptic_population, connector,
                 synapse_type=None, source=None, receptor_type=None, space=None, label=None):
        self.pre = presynaptic_population
        self.post = postsynaptic_population
        self._simulation = sim = self.pre._simulation
        sim._check_can_add("Projection")
        self.connector = connector
        self.synapse_type = synapse_type if synapse_type is not None else StaticSynapse()
        if not isinstance(self.synapse_type, StandardSynapseType):
            raise ConnectionError(f"synapse_type must be a synapse type such as StaticSynapse(), "
                                  f"not {self.synapse_type!r}")
        self.source = source
        self.receptor_type = receptor_type or "excitatory"
        self.space = space
        self._check_receptor()
        for celltype in self._post_celltypes():
            self.synapse_type.check_target(celltype, self.receptor_type)
        self._check_static_source()
        self.label = label or f"{self.pre.label}→{self.post.label}"
        self._native = native_rules.rule_for(self, f"Projection '{self.label}'") \
            if native_rules.uses_native(connector, sim) else None
        if self._native is None:
            self._generate(connector, space)
        else:
            # drawn by the backend at build; fetched from it on first use
            self._conns = None
            self._values = {name: None for name in
                            ("weight", "delay", *self._native["synapse_parameters"])}
        self._spec_map = []     # [(spec index, selection of this projection's connections)]
        self._user_set = set()  # attributes changed by set(): re-applied after reset()
        self._weight_recording = None   # pynnlite.weight_recording.WeightRecording
        sim._register_projection(self)

    def _generate(self, connector, space):
        """Run the connector and evaluate weights, delays and other attributes
        per connection."""
        sim = self._simulation
        expected = connector.expected_size(self.pre.size, self.post.size)
        if expected is not None:
            values = {**self.synapse_type.default_parameters(), **self.synapse_type.parameter_values}
            heterogeneous = sum(1 for v in values.values()
                                if v is not None and not isinstance(v, (int, float)))
            memory.check_fits(memory.connection_bytes(expected, heterogeneous),
                              f"Projection {self.pre.label}→{self.post.label} "
                              f"({expected} connections)")
        context = ConnectionContext(
            pre_ids=self.pre.all_cells, post_ids=self.post.all_cells, rng=sim._next_rng(),
            pre_positions=self._positions_of(self.pre), post_positions=self._positions_of(self.post),
            space=space)
        self._connections = _compact(connector.connect(context), self.pre.size, self.post.size)
        pre_idx, post_idx = self._connections.pre, self._connections.post
        n = len(pre_idx)
        values = {**self.synapse_type.default_parameters(), **self.synapse_type.parameter_values}
        attributes = dict(self._connections.attributes)
        if values.get("delay") is None and "delay" not in attributes:
            values["delay"] = sim.min_delay
        model = type(self.synapse_type).__name__
        self._values = {}
        for name, value in values.items():
            if name in attributes:
                value = attributes.pop(name)
            self._values[name] = _evaluate_per_connection(value, n, name, pre_idx, post_idx, model)
        if attributes:
            bad = sorted(attributes)[0]
            raise NonExistentParameterError(bad, model, self.synapse_type.parameters)
        self._values["delay"] = self._checked_delays(self._values["delay"])
        self.synapse_type.validate(self._values)
        self._check_weights(self._values["weight"])

    @property
    def _connections(self):
        """The connections (a connectors.Connections); for a native rule, those
        the backend drew, fetched once after build."""
        if self._conns is None:
            self._conns, values = native_rules.drawn_connections(self)
            self._values.update(values)
        return self._conns

    @_connections.setter
    def _connections(self, connections):
        self._conns = connections

    # --- checks

    def _post_celltypes(self):
        return [root.celltype for root, _ in self.post._parts()]

    def _check_receptor(self):
        for celltype in self._post_celltypes():
            allowed = type(celltype).receptor_types
            if not allowed:
                raise ConnectionError(
                    f"{type(celltype).__name__} in '{self.post.label}' takes no synaptic input; "
                    "it cannot be the target of a Projection")
            if self.receptor_type not in allowed:
                raise ConnectionError(
                    f"unknown receptor_type '{self.receptor_type}' for {type(celltype).__name__}; "
                    f"allowed: {', '.join(allowed)}")

    def _check_static_source(self):
        # a PoissonGenerator draws per connection: nothing a plastic synapse could pair with
        for root, _ in self.pre._parts():
            if getattr(root.celltype, "static_only", False) and not isinstance(
                    self.synapse_type, StaticSynapse):
                raise ConnectionError(
                    f"{type(root.celltype).__name__} in '{root.label}' can only drive "
                    f"StaticSynapse connections, not {type(self.synapse_type).__name__}")

    @staticmethod
    def _positions_of(cells):
        try:
            parts = cells._parts()
            return np.concatenate([root._positions() if idx is None else root._positions()[:, idx]
                                   for root, idx in parts], axis=1)
        except ImportError:
            return None

    def _post_is_conductance(self):
        """Per connection: is the target conductance-based?"""
        parts = self.post._parts()
        flags = {root.celltype.conductance_based for root, _ in parts}
        if len(flags) == 1:
            return np.broadcast_to(flags.pop(), (self.size(),))
        sizes = np.array([root.size if idx is None else len(idx) for root, idx in parts])
        flags = np.array([root.celltype.conductance_based for root, _ in parts])
        owner = np.searchsorted(np.cumsum(sizes), self._connections.post, side="right")
        return flags[owner]

    def _check_weights(self, weights, values=None):
        model = type(self.synapse_type).__name__
        # plastic types: weights within their bounds (on the magnitude)
        self.synapse_type.check_weights(weights, self._values if values is None else values)
        if weights.ndim == 1 and weights.strides == (0,) and len(weights):
            weights = weights[:1]      # homogeneous: one value stands for all
        if not np.isfinite(weights).all():
            raise InvalidParameterValueError("weight", weights[~np.isfinite(weights)][0],
                                             "finite numbers", model)
        conductance = self._post_is_conductance()[:len(weights)] if len(weights) else np.zeros(0, bool)
        if (weights[conductance] < 0).any():
            raise InvalidWeightError(
                f"weight {weights[conductance][weights[conductance] < 0][0]!r} of {model} onto a "
                "conductance-based cell: conductance weights must be >= 0 (uS)")
        current = weights[~conductance]
        if self.receptor_type == "inhibitory" and (current > 0).any():
            raise InvalidWeightError(
                f"weight {current[current > 0][0]!r} onto the 'inhibitory' receptor of a "
                "current-based cell: weights must be <= 0 (nA), as in PyNN")
        if self.receptor_type == "excitatory" and (current < 0).any():
            raise InvalidWeightError(
                f"weight {current[current < 0][0]!r} onto the 'excitatory' receptor of a "
                "current-based cell: weights must be >= 0 (nA); use receptor_type='inhibitory'")

    def _checked_delays(self, delays):
        return self._simulation._check_delays(delays, type(self.synapse_type).__name__)

    # --- PyNN API

    def size(self, gather=True):
        """The number of connections (of a native rule before the network is
        built: the number its rule fixes, see pynnlite.native_rules)."""
        if self._native is not None and self._conns is None and self._simulation._backend is None:
            planned = native_rules.planned_size(self)
            if planned is not None:
                return planned
        return len(self._connections.pre)

    def __len__(self):
        return self.size()

    @property
    def shape(self):
        return (self.pre.size, self.post.size)

    def _current(self, name):
        if name not in self._values:
            raise NonExistentParameterError(name, type(self.synapse_type).__name__,
                                            self._values.keys())
        n = len(self._connections.pre)     # a native projection before build raises here
        sim = self._simulation
        if sim._backend is not None and self._spec_map:
            values = np.empty(n, float)
            for spec_index, selection in self._spec_map:
                values[selection] = sim._backend.get_connection_values(spec_index, name)
            return values
        return self._values[name]

    def get(self, attribute_names, format="list", gather=True, with_address=True,
            multiple_synapses="sum"):
        """Connection attributes ('weight', 'delay', ...). format='list' gives
        tuples (i, j, value, ...) (i, j local to pre and post); format='array' gives
        an (n_pre, n_post) array per attribute, NaN where unconnected, several
        connections between one pair combined by ``multiple_synapses``
        ('sum', 'min', 'max', 'first', 'last')."""
        names = [attribute_names] if isinstance(attribute_names, str) else list(attribute_names)
        columns = [self._current(n) for n in names]
        pre, post = self._connections.pre, self._connections.post
        if format == "list":
            # zip over Python lists: ten times faster than row-wise conversion at 1e7 rows
            lists = [np.asarray(c, float).tolist() for c in columns]
            if with_address:
                lists = [np.asarray(pre).tolist(), np.asarray(post).tolist()] + lists
            return list(zip(*lists))
        if format != "array":
            raise InvalidParameterValueError("format", format, "'list' or 'array'", "Projection.get")
        arrays = [self._as_matrix(c, multiple_synapses) for c in columns]
        return arrays[0] if isinstance(attribute_names, str) else arrays

    def _as_matrix(self, values, how):
        pre, post = self._connections.pre, self._connections.post
        flat = pre.astype(np.int64) * self.post.size + post
        out = np.full(self.pre.size * self.post.size, np.nan)
        if how == "sum":
            acc = np.zeros_like(out)
            np.add.at(acc, flat, values)
            seen = np.zeros(out.size, bool)
            seen[flat] = True
            out[seen] = acc[seen]
        elif how in ("min", "max"):
            fill = np.inf if how == "min" else -np.inf
            acc = np.full(out.size, fill)
            (np.minimum if how == "min" else np.maximum).at(acc, flat, values)
            out[flat] = acc[flat]
        elif how == "last":
            out[flat] = values
        elif how == "first":
            out[flat[::-1]] = values[::-1]
        else:
            raise InvalidParameterValueError("multiple_synapses", how,
                                             "'sum', 'min', 'max', 'first' or 'last'", "Projection.get")
        return out.reshape(self.pre.size, self.post.size)

    def set(self, **attributes):
        """Set connection attributes: a number, a RandomDistribution, one value per
        connection, or an (n_pre, n_post) array. Takes effect at once."""
        pre, post = self._connections.pre, self._connections.post
        model = type(self.synapse_type).__name__
        for name, value in attributes.items():
            if name not in self._values:
                raise NonExistentParameterError(name, model, self._values.keys())
            new = _evaluate_per_connection(value, self.size(), name, pre, post, model)
            if name == "weight":
                self._check_weights(new)
            elif name == "delay":
                new = self._checked_delays(new)
            else:
                self.synapse_type.validate({**self._values, name: new})
            if name in ("w_min", "w_max"):
                self._check_weights(self._values["weight"], {**self._values, name: new})
            self._values[name] = new
            self._user_set.add(name)
            sim = self._simulation
            if sim._backend is not None:
                for spec_index, selection in self._spec_map:
                    sim._backend.set_connection_values(spec_index, name, new[selection])

    def save(self, attribute_names, file, format="list", gather=True, with_address=True):
        """Write connection attributes to a text file (atomically)."""
        names = [attribute_names] if isinstance(attribute_names, str) else list(attribute_names)
        if format == "list":
            table = np.array(self.get(names, format="list", with_address=with_address), float)
            header = " ".join((["i", "j"] if with_address else []) + names)
        else:
            table = self.get(names[0], format="array")
            header = names[0]
        directory = os.path.dirname(os.path.abspath(file))
        fd, tmp = tempfile.mkstemp(dir=directory, prefix=".pynnlite-", suffix=".tmp")
        try:
            with os.fdopen(fd, "w") as f:
                np.savetxt(f, table.reshape(len(table), -1) if table.size else table, header=header)
                f.flush()
                os.fsync(f.fileno())
            os.replace(tmp, file)
        except BaseException:
            if os.path.exists(tmp):
                os.unlink(tmp)
            raise

    def _size_text(self):
        if getattr(self, "_conns", None) is None and self._simulation._backend is None:
            return "connections drawn by the backend at build"
        return f"{self.size()} connections"

    def describe(self, template=None, engine=None):
        return (f"Projection '{self.label}' from '{self.pre.label}' ({self.pre.size} cells) to "
                f"'{self.post.label}' ({self.post.size} cells): {self._size_text()} made by "
                f"{type(self.connector).__name__}, {self.synapse_type!r}, receptor "
                f"'{self.receptor_type}'")

    def __repr__(self):
        return f"Projection('{self.label}', {self._size_text()})"

    # --- weight recording (pynnlite.weight_recording)

    def record_weights(self, sampling_interval=None, indices=None):
        """Record the weights of this projection's connections (all, or those at
        ``indices`` in the order of get()) every ``sampling_interval`` ms (default:
        the time step), from the first run() on; call before the first run().
        get_weight_history() returns them as a neo AnalogSignal."""
        from .weight_recording import WeightRecording, checked_indices
        sim = self._simulation
        if sim._backend is not None:
            raise SimulationStateError(
                "record_weights() must be called before the first run(); "
                f"projection '{self.label}' asked after the network was built")
        if not self.synapse_type.plastic_weights:
            raise InvalidModelError(
                f"{type(self.synapse_type).__name__} has fixed weights; record_weights() needs "
                "a synapse type whose weights change (e.g. STDPMechanism)")
        interval = sim._check_sampling_interval(sampling_interval)
        self._weight_recording = WeightRecording(checked_indices(indices, self.size()), interval)

    def get_weight_history(self, segment=-1):
        """The recorded weights of one segment (default: the current one) as a 2-D
        neo AnalogSignal, one column per recorded connection (array annotations
        connection_index, presynaptic_index, postsynaptic_index)."""
        from .weight_recording import analog_signal
        if self._weight_recording is None:
            raise RecordingError("weight", f"Projection '{self.label}'",
                                 ["nothing: call record_weights() before run()"])
        sim = self._simulation
        sim._fetch_recorded()
        n = len(sim._segments)
        if not -n <= segment < n:
            raise InvalidParameterValueError("segment", segment, f"-{n} .. {n - 1}",
                                             "get_weight_history")
        return analog_signal(self, self._weight_recording, segment % n)

    # --- build

    def _specs(self, first_index):
        """ProjectionSpecs (one per pair of populations involved), numbered from
        first_index; remembers which of this projection's connections each holds."""
        if self._native is not None:
            return [native_rules.spec_of(self, first_index)]
        pre_parts, post_parts = self.pre._parts(), self.post._parts()
        if (len(pre_parts) == 1 and pre_parts[0][1] is None
                and len(post_parts) == 1 and post_parts[0][1] is None):
            # whole population to whole population: the arrays are the spec's, no copies
            index = first_index
            extra = {n: v for n, v in self._values.items() if n not in ("weight", "delay")}
            self._spec_map = [(index, slice(None))]
            return [ProjectionSpec(
                index=index, label=self.label, pre=pre_parts[0][0]._index,
                post=post_parts[0][0]._index, pre_indices=self._connections.pre,
                post_indices=self._connections.post, weights=self._values["weight"],
                delays=self._values["delay"], receptor_type=self.receptor_type,
                synapse_model=type(self.synapse_type).__name__, synapse_parameters=extra,
                synapse_components=self.synapse_type.components)]
        pre_pop, pre_local = _locate(self.pre, self._connections.pre)
        post_pop, post_local = _locate(self.post, self._connections.post)
        n_pops = len(self._simulation.populations)
        key = pre_pop * n_pops + post_pop
        specs, self._spec_map = [], []
        # a handful of population pairs: bincount finds them without sorting all connections
        present = np.flatnonzero(np.bincount(key, minlength=1)) if len(key) else np.zeros(0, int)
        if len(present) == 0 and self.pre._parts() and self.post._parts():
            present = np.array([self.pre._parts()[0][0]._index * n_pops
                                + self.post._parts()[0][0]._index])
        for k in present:
            selection = np.arange(len(key)) if len(present) == 1 else np.flatnonzero(key == k)
            index = first_index + len(specs)
            extra = {n: v[selection] for n, v in self._values.items() if n not in ("weight", "delay")}
            specs.append(ProjectionSpec(
                index=index, label=self.label, pre=int(k // n_pops), post=int(k % n_pops),
                pre_indices=pre_local[selection], post_indices=post_local[selection],
                weights=self._values["weight"][selection], delays=self._values["delay"][selection],
                receptor_type=self.receptor_type, synapse_model=type(self.synapse_type).__name__,
                synapse_parameters=extra, synapse_components=self.synapse_type.components))
            self._spec_map.append((index, selection))
        return specs


def _compact(connections, n_pre, n_post):
    """Connections with int32 indices when the sizes allow (half the memory)."""
    if max(n_pre, n_post) < 2 ** 31:
        if connections.pre.dtype != np.int32:
            connections.pre = connections.pre.astype(np.int32)
        if connections.post.dtype != np.int32:
            connections.post = connections.post.astype(np.int32)
    return connections


def _locate(cells, local):
    """For group-local indices, the registry index of each cell's Population and
    its index within that Population."""
    parts = cells._parts()
    sizes = np.array([root.size if idx is None else len(idx) for root, idx in parts])
    starts = np.concatenate([[0], np.cumsum(sizes)[:-1]])
    owner = np.searchsorted(np.cumsum(sizes), local, side="right")
    pop_index = np.array([root._index for root, _ in parts])[owner]
    within = local - starts[owner]
    root_local = np.empty_like(local)
    for k, (root, idx) in enumerate(parts):
        chosen = owner == k
        root_local[chosen] = within[chosen] if idx is None else idx[within[chosen]]
    return pop_index.astype(np.int64), root_local.astype(np.int64)
