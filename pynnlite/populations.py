"""Population, PopulationView and Assembly.

A view is an index array into its parent; there are no per-neuron objects.
Everything that works on a group of cells (record, get_data, set, initialize,
...) works through ``_parts()``: the list of (Population, local indices) pairs
that make up the group, in the group's own order. A Population is one part, a
view is one part with an index array, an Assembly is the concatenation of its
members' parts.
"""
import numpy as np

from . import neo_output
from .errors import (InvalidDimensionsError, InvalidModelError, NonExistentParameterError,
                     NothingToWriteError, RecordingError, InvalidParameterValueError)
from .models.cells import StandardCellType
from .parameters import ParameterSpace, Sequence
from .session import get_simulation


class ID(int):
    """The global id of one cell, with a link to its population (PyNN's ID)."""

    def __new__(cls, value, parent, index):
        obj = int.__new__(cls, value)
        obj.parent = parent
        obj.index = index
        return obj

    @property
    def celltype(self):
        return self.parent.celltype

    def get_parameters(self):
        return {n: self.parent._parameters.evaluated(n)[self.index]
                for n in self.parent._parameters.names()}

    def set_parameters(self, **parameters):
        self.parent[[self.index]].set(**parameters)

    @property
    def position(self):
        return self.parent.positions[:, self.index]


def _split_value(value, sizes):
    """Split a value given for a whole group into one value per part."""
    total = int(sum(sizes))
    if hasattr(value, "next") and hasattr(value, "parameters"):       # RandomDistribution
        drawn = np.asarray(value.next(total), dtype=float).reshape(total)
        return np.split(drawn, np.cumsum(sizes)[:-1])
    if callable(value):
        evaluated = np.asarray(value(np.arange(total)), dtype=float)
        return np.split(evaluated, np.cumsum(sizes)[:-1])
    if isinstance(value, (list, tuple, np.ndarray)) and not isinstance(value, Sequence):
        arr = np.asarray(value, dtype=object if len(value) and isinstance(value[0], Sequence) else None)
        if arr.ndim >= 1 and len(arr) == total and (arr.dtype == object or arr.ndim == 1):
            return np.split(arr, np.cumsum(sizes)[:-1])
        if len(sizes) == 1:
            return [value]
        raise InvalidDimensionsError(f"{len(value)} values given for {total} cells")
    return [value] * len(sizes)


class _CellGroup:
    """What Population, PopulationView and Assembly share: operations over parts."""

    def _parts(self):
        raise NotImplementedError

    # --- identity

    @property
    def all_cells(self):
        """Global ids of all cells, in the group's order."""
        return np.concatenate([root.first_id + (np.arange(root.size) if idx is None else idx)
                               for root, idx in self._parts()]).astype(np.int64)

    def __len__(self):
        return self.size

    def __add__(self, other):
        return Assembly(self, other)

    def id_to_index(self, id):
        """The group-local index of a global id (or of an array of ids)."""
        ids = self.all_cells
        order = np.argsort(ids)
        wanted = np.atleast_1d(np.asarray(id, dtype=np.int64))
        pos = np.searchsorted(ids, wanted, sorter=order)
        pos = np.minimum(pos, len(ids) - 1)
        found = order[pos]
        if (ids[found] != wanted).any():
            raise IndexError(f"id(s) {wanted[ids[found] != wanted].tolist()} not in {self.label}")
        return int(found[0]) if np.isscalar(id) else found

    # --- parameters and state

    def set(self, **parameters):
        """Set parameters of the cells (scalars, arrays, RandomDistributions,
        callables of the index, Sequences). Takes effect at once, also between runs."""
        parts = self._parts()
        sizes = [root.size if idx is None else len(idx) for root, idx in parts]
        for name, value in parameters.items():
            for (root, idx), piece in zip(parts, _split_value(value, sizes)):
                root._set_parameter(name, piece, idx)

    def initialize(self, **initial_values):
        """Set initial values of state variables (e.g. v). Applies at t = 0 and
        after reset(); between runs it also sets the current state."""
        parts = self._parts()
        sizes = [root.size if idx is None else len(idx) for root, idx in parts]
        for name, value in initial_values.items():
            for (root, idx), piece in zip(parts, _split_value(value, sizes)):
                root._set_initial_value(name, piece, idx)

    def get(self, parameter_names, gather=True, simplify=True):
        """Parameter values: a scalar per name when homogeneous and simplify is
        True, else an array in the group's order. A list of names gives a list."""
        names = [parameter_names] if isinstance(parameter_names, str) else list(parameter_names)
        out = []
        for name in names:
            pieces = [root._get_parameter(name, idx) for root, idx in self._parts()]
            if pieces[0].dtype == object:
                values = np.concatenate(pieces)
            else:
                values = np.concatenate([np.asarray(p, float) for p in pieces])
                if simplify and values.size and (values == values[0]).all():
                    values = float(values[0])
            out.append(values)
        return out[0] if isinstance(parameter_names, str) else out

    # --- recording

    def record(self, variables, to_file=None, sampling_interval=None):
        """Record 'spikes' and/or state variables of these cells. None stops
        recording. ``to_file`` writes the data at end()."""
        if variables is None:
            variables = ()
        elif isinstance(variables, str):
            variables = (variables,) if variables != "all" else None
        for root, idx in self._parts():
            root._set_recording(variables, idx, sampling_interval, enable=bool(variables))
        if to_file is not None:
            self._simulation._write_on_end.append((self, to_file))

    def _neo_parts(self):
        parts = []
        for root, idx in self._parts():
            wanted = np.arange(root.size) if idx is None else np.sort(idx)
            parts.append(root._neo_part(wanted))
        return parts

    def get_data(self, variables="all", gather=True, clear=False, annotations=None):
        """Recorded data as a neo.Block with one Segment per run between resets."""
        sim = self._simulation
        sim._fetch_recorded()
        block = neo_output.build_block(
            self._neo_parts(), sim._segment_t_stops(), variables=variables,
            name=self.label, description=self.describe(),
            annotations={**sim._block_annotations(), **(annotations or {})},
            segment_annotations=sim._segment_annotations)
        if clear:
            for root, _ in self._parts():
                sim._clear_records(root._index)
        return block

    def write_data(self, io, variables="all", gather=True, clear=False, annotations=None,
                   overwrite=False):
        """Write recorded data to a neo file (.pkl, or .nix with nixio) or through a
        neo IO object. The write is atomic: an interrupted write leaves any earlier
        file intact. An existing file is refused unless overwrite=True."""
        block = self.get_data(variables, gather=gather, clear=False, annotations=annotations)
        try:
            neo_output.write_block(block, io, overwrite=overwrite)
        except NothingToWriteError as exc:
            raise NothingToWriteError(f"nothing recorded for '{self.label}' (call record() "
                                      "before run())") from exc
        if clear:
            for root, _ in self._parts():
                self._simulation._clear_records(root._index)

    def get_spike_counts(self, gather=True):
        """{global id: number of spikes} in the current segment, for recorded cells."""
        sim = self._simulation
        sim._fetch_recorded()
        counts = {}
        for part in self._neo_parts():
            counts.update(neo_output.spike_counts(part, -1))
        return counts

    def mean_spike_count(self, gather=True):
        """Mean number of spikes per recorded cell in the current segment (over all
        parts of an Assembly together)."""
        counts = self.get_spike_counts()
        return float(np.mean(list(counts.values()))) if counts else 0.0

    # --- electrodes

    def inject(self, current_source):
        """Inject ``current_source`` into these cells."""
        current_source.inject_into(self)


class BasePopulation(_CellGroup):
    """What Population and PopulationView share."""

    def __getitem__(self, index):
        if isinstance(index, (int, np.integer)):
            n = self.size
            if not -n <= index < n:
                raise IndexError(f"index {index} out of range for '{self.label}' of size {n}")
            root, idx = self._parts()[0]
            local = int(index % n) if idx is None else int(idx[index])
            return ID(root.first_id + local, root, local)
        return PopulationView(self, index)

    def __iter__(self):
        for i in range(self.size):
            yield self[i]

    def sample(self, n, rng=None):
        """A view of n cells chosen at random without replacement."""
        from .random import NumpyRNG
        rng = rng or NumpyRNG()
        chosen = rng.generator.choice(self.size, size=n, replace=False)
        return PopulationView(self, np.sort(chosen))

    @property
    def local_cells(self):
        return self.all_cells

    @property
    def positions(self):
        root, idx = self._parts()[0]
        return root._positions() if idx is None else root._positions()[:, idx]

    def describe(self, template=None, engine=None):
        return f"{type(self).__name__} '{self.label}' of {self.size} {type(self.celltype).__name__}"

    def annotate(self, **annotations):
        self.annotations.update(annotations)


class Population(BasePopulation):
    """A group of ``size`` cells of one type (PyNN's Population)."""

    def __init__(self, size, cellclass, cellparams=None, structure=None, initial_values=None,
                 label=None):
        self._simulation = get_simulation()
        if isinstance(size, (tuple, list)):
            size = int(np.prod(size))
        if not isinstance(size, (int, np.integer)) or isinstance(size, bool) or size <= 0:
            raise InvalidParameterValueError("size", size, "a whole number > 0", "Population")
        self.size = int(size)
        if isinstance(cellclass, type) and issubclass(cellclass, StandardCellType):
            cellclass = cellclass(**(cellparams or {}))
        elif not isinstance(cellclass, StandardCellType):
            raise InvalidModelError(f"cellclass must be a cell type such as IF_curr_exp, not {cellclass!r}")
        elif cellparams:
            raise InvalidModelError("give parameters either in the cell type or in cellparams, not both")
        self.celltype = cellclass
        self.structure = structure
        self.annotations = {}
        self._position_cache = None
        self._parameters = ParameterSpace(type(cellclass), type(cellclass).parameters, self.size)
        for name, value in {**cellclass.default_parameters(), **cellclass.parameter_values}.items():
            self._parameters.set(name, value)
        self._parameters.check_relations()
        self._initial = ParameterSpace(type(cellclass), type(cellclass).state, self.size)
        initial = cellclass.default_initial_values()
        if "v" in initial and "v_rest" in self._parameters.names():
            initial["v"] = self._parameters.simplified("v_rest")
        for name, value in {**initial, **(initial_values or {})}.items():
            self._check_state_name(name)
            self._initial.set(name, value)
        self._recording = {}             # variable -> bool array
        self._sampling_interval = {}     # variable -> ms
        self._simulation._register_population(self)
        self.label = label or f"population{self._index}"

    def _parts(self):
        return [(self, None)]

    # --- parameter storage used through _CellGroup

    def _check_state_name(self, name):
        if name not in type(self.celltype).state:
            raise NonExistentParameterError(name, type(self.celltype).__name__,
                                            type(self.celltype).state)

    def _set_parameter(self, name, value, indices):
        model = type(self.celltype)
        if name not in model.parameters:
            if name in model.state:
                raise NonExistentParameterError(
                    f"{name} (a state variable: use initialize({name}=...))", model.__name__,
                    model.parameters)
            raise NonExistentParameterError(name, model.__name__, model.parameters)
        previous = self._parameters._values.get(name)
        self._parameters.set(name, value, indices)
        try:
            self._parameters.check_relations()
        except Exception:
            self._parameters._values[name] = previous
            raise
        self._simulation._parameter_changed(self, name, indices)

    def _get_parameter(self, name, indices):
        model = type(self.celltype)
        if name not in model.parameters:
            raise NonExistentParameterError(name, model.__name__, model.parameters)
        values = self._parameters.evaluated(name)
        return values if indices is None else values[indices]

    def _set_initial_value(self, name, value, indices):
        self._check_state_name(name)
        self._initial.set(name, value, indices)
        self._simulation._state_changed(self, name, indices)

    @property
    def initial_values(self):
        return {n: self._initial.simplified(n) for n in self._initial.names()}

    def _set_recording(self, variables, indices, sampling_interval, enable=True):
        model = type(self.celltype)
        if variables is None:
            variables = model.recordable
        for variable in variables:
            if variable not in model.recordable:
                raise RecordingError(variable, model.__name__, model.recordable)
        sim = self._simulation
        interval = sim._check_sampling_interval(sampling_interval)
        if not enable:
            for mask in self._recording.values():
                mask[slice(None) if indices is None else indices] = False
            sim._recording_changed(self)
            return
        for variable in variables:
            mask = self._recording.setdefault(variable, np.zeros(self.size, bool))
            if variable != "spikes":
                old = self._sampling_interval.get(variable)
                if old is not None and mask.any() and abs(old - interval) > 1e-12:
                    raise InvalidParameterValueError(
                        "sampling_interval", interval,
                        f"the interval already used for '{variable}' of '{self.label}' ({old} ms)",
                        model.__name__)
                self._sampling_interval[variable] = interval
            mask[slice(None) if indices is None else indices] = True
        sim._recording_changed(self)

    def _neo_part(self, wanted):
        units = type(self.celltype).units()
        recorded = self._recording.get("spikes", np.zeros(self.size, bool))
        return neo_output.PopulationPart(
            label=self.label, celltype=type(self.celltype).__name__, first_id=self.first_id,
            indices=wanted, spike_recorded=np.flatnonzero(recorded), units=units,
            records=self._simulation._records_of(self._index))

    def _positions(self):
        if self._position_cache is None:
            from .space import Line
            structure = self.structure or Line()
            self._position_cache = np.asarray(structure.generate_positions(self.size), float)
        return self._position_cache

    def _set_positions(self, value):
        value = np.asarray(value, float)
        if value.shape != (3, self.size):
            raise InvalidDimensionsError(f"positions must have shape (3, {self.size}), not {value.shape}")
        self._position_cache = value

    positions = property(BasePopulation.positions.fget, _set_positions)


class PopulationView(BasePopulation):
    """A subset of a Population (or of another view), by slice, index array,
    boolean mask or tuple of indices. It holds only the index array."""

    def __init__(self, parent, selector, label=None):
        self.parent = parent
        self._simulation = parent._simulation
        root, parent_idx = parent._parts()[0]
        n = parent.size
        if isinstance(selector, slice):
            local = np.arange(n)[selector]
        else:
            sel = np.asarray(selector)
            if sel.dtype == bool:
                if sel.shape != (n,):
                    raise InvalidDimensionsError(f"mask of shape {sel.shape} for {n} cells")
                local = np.flatnonzero(sel)
            else:
                local = sel.astype(np.int64).ravel()
                if local.size and (local.min() < -n or local.max() >= n):
                    raise IndexError(f"indices out of range for '{parent.label}' of size {n}")
                local = local % n if local.size else local
        if len(np.unique(local)) != len(local):
            raise InvalidDimensionsError("a PopulationView cannot hold a cell twice")
        self.mask = local
        self._root = root
        self._root_indices = local if parent_idx is None else parent_idx[local]
        self.size = len(local)
        self.celltype = root.celltype
        self.annotations = {}
        self.label = label or f"view of {parent.label}"

    @property
    def grandparent(self):
        return self._root

    def _parts(self):
        return [(self._root, self._root_indices)]

    @property
    def initial_values(self):
        return {n: self._root._initial.evaluated(n)[self._root_indices]
                for n in self._root._initial.names()}


class Assembly(_CellGroup):
    """A group of populations and views, possibly of different cell types."""

    def __init__(self, *populations, label=None):
        members = []
        for p in populations:
            members.extend(p.populations if isinstance(p, Assembly) else [p])
        if not members:
            raise InvalidDimensionsError("an Assembly needs at least one population")
        self.populations = members
        self._simulation = members[0]._simulation
        self.label = label or "assembly of " + ", ".join(p.label for p in members)
        self.annotations = {}

    def _parts(self):
        return [part for p in self.populations for part in p._parts()]

    @property
    def size(self):
        return sum(p.size for p in self.populations)

    def __add__(self, other):
        return Assembly(*self.populations, *(other.populations if isinstance(other, Assembly) else [other]))

    def __iadd__(self, other):
        self.populations.extend(other.populations if isinstance(other, Assembly) else [other])
        return self

    def __getitem__(self, index):
        ids = self.all_cells
        if isinstance(index, (int, np.integer)):
            boundaries = np.cumsum([p.size for p in self.populations])
            k = int(np.searchsorted(boundaries, index % self.size, side="right"))
            start = 0 if k == 0 else boundaries[k - 1]
            return self.populations[k][int(index % self.size - start)]
        chosen = np.arange(len(ids))[index] if isinstance(index, slice) else np.asarray(index)
        boundaries = np.concatenate([[0], np.cumsum([p.size for p in self.populations])])
        views = []
        for k, p in enumerate(self.populations):
            inside = chosen[(chosen >= boundaries[k]) & (chosen < boundaries[k + 1])] - boundaries[k]
            if len(inside):
                views.append(p[inside])
        return Assembly(*views)

    def get_population(self, label):
        """The member population (or view) with this label."""
        for p in self.populations:
            if p.label == label:
                return p
        raise KeyError(f"no population labelled '{label}' in this assembly; "
                       f"labels: {[p.label for p in self.populations]}")

    @property
    def conductance_based(self):
        return all(p.celltype.conductance_based for p in self.populations)

    def describe(self, template=None, engine=None):
        return f"Assembly '{self.label}' of {len(self.populations)} populations, {self.size} cells"
