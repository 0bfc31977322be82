"""Plastic synapses of the numba engine: STDPMechanism (kernels/stdp.py) and
TsodyksMarkramSynapse (kernels/tsodyks.py), kept apart from the static CSR.

Each plastic ProjectionSpec becomes one group per distinct delay (usually one):
a CSR by presynaptic neuron (for STDP split by target partition, partition.py:
row ``pre * n_parts + part``) in which synapses keep the spec's order within a
row. The STDP store reads each projection from its ConnectionSource
(native.py: the frontend's arrays, or a native rule drawn chunk by chunk) in
two passes: count the synapses of every row, then write each one at the next
free place of its row; where a synapse went is not stored (it would cost 4-8
bytes per synapse) but found by the same passes again when connection values
are read or written. The Tsodyks-Markram and Clopath stores sort frontend
arrays by a stable counting sort whose permutation is recomputed, in linear
time, when needed, and cached for projections of up to ``_CACHE_LIMIT``
synapses.

STDP needs its parameters to be the same for the whole projection (traces are
kept per presynaptic and per postsynaptic neuron, and ``tau_minus`` is a
property of the projection, as PyNN puts it) and the whole delay dendritic
(``dendritic_delay_fraction`` = 1, NEST's semantics).
"""
import dataclasses

import numpy as np
from numba import njit

from pynnlite.errors import InvalidParameterValueError, NoModelAvailableError
from pynnlite.models.cells import StandardCellType
from pynnlite.models.plasticity import power_law_lambda_nA, stdp_exponents

from .connectivity import CHANNEL, _count_rows, delay_steps
from .kernels import stdp as K
from .kernels import tsodyks as T
from .layout import grid_times
from .native import source_of
from .partition import part_of

STDP = "STDPMechanism"
TSODYKS = "TsodyksMarkramSynapse"
#: ClopathSynapse: clopath.py (its store builds on _PlasticStore below)
CLOPATH = "ClopathSynapse"
PLASTIC_MODELS = (STDP, TSODYKS, CLOPATH)
#: STDP parameters of the frontend, by component
STDP_PARAMETERS = ("tau_plus", "tau_minus", "A_plus", "A_minus", "w_min", "w_max", "mu_plus",
                   "mu_minus", "mu", "dendritic_delay_fraction")
TSODYKS_PARAMETERS = ("U", "tau_rec", "tau_facil")
_CACHE_LIMIT = 1 << 24
#: the spike steps in ps_recent of a neuron that has not spiked
_NEVER = -(1 << 62)
#: peak bytes per plastic (STDP) synapse while the store is built: the kept 16
#: (post, weight, transposed index) and little else (count and scatter need
#: only row pointers; a frontend projection's arrays are counted in the
#: frontend's resident memory, a native one is drawn in chunks of a few MB);
#: calibrated like the static table's (peak RSS at 1e7 synapses)
BUILD_PEAK_BYTES_PER_PLASTIC_SYNAPSE = 17


def split_plastic(network):
    """(plastic ProjectionSpecs, the network without them)."""
    plastic = tuple(p for p in network.projections if p.synapse_model in PLASTIC_MODELS)
    rest = tuple(p for p in network.projections if p.synapse_model not in PLASTIC_MODELS)
    return plastic, dataclasses.replace(network, projections=rest)


@njit(cache=True, nogil=True)
def _counting_sort(keys, n_keys, order):
    """Stable sort of positions by key: fills ``order`` and returns row pointers."""
    ptr = np.zeros(n_keys + 1, np.int64)
    for i in range(keys.shape[0]):
        ptr[keys[i] + 1] += 1
    for k in range(n_keys):
        ptr[k + 1] += ptr[k]
    nxt = ptr[:-1].copy()
    for i in range(keys.shape[0]):
        k = keys[i]
        order[nxt[k]] = i
        nxt[k] += 1
    return ptr


@njit(cache=True, nogil=True)
def _counting_sort_parts(pre, post, post_part, n_parts, n_keys, order):
    """Like _counting_sort with key ``pre * n_parts + post_part[post]`` (rows
    split by target partition), without materialising the keys."""
    ptr = np.zeros(n_keys + 1, np.int64)
    for i in range(pre.shape[0]):
        ptr[pre[i] * n_parts + post_part[post[i]] + 1] += 1
    for k in range(n_keys):
        ptr[k + 1] += ptr[k]
    nxt = ptr[:-1].copy()
    for i in range(pre.shape[0]):
        k = pre[i] * n_parts + post_part[post[i]]
        order[nxt[k]] = i
        nxt[k] += 1
    return ptr


@njit(cache=True, nogil=True)
def _scatter_plastic(pre, post, part, n_parts, w, nxt, post_out, w_out, write_post, write_w):
    """Write connections at the next free place of their rows (row
    ``pre * n_parts + part[post]``): the target into post_out, |w| into w_out."""
    for i in range(pre.shape[0]):
        r = pre[i] * n_parts + part[post[i]]
        k = nxt[r]
        nxt[r] = k + 1
        if write_post:
            post_out[k] = post[i]
        if write_w:
            w_out[k] = abs(w[i])


@njit(cache=True, nogil=True)
def _slots(pre, post, part, n_parts, nxt, base, out):
    """out[i] = base + the place _scatter_plastic gives connection i."""
    for i in range(pre.shape[0]):
        r = pre[i] * n_parts + part[post[i]]
        out[i] = base + nxt[r]
        nxt[r] += 1


@njit(cache=True, nogil=True)
def _weights_at(positions, s_now, *arrays):
    """kernels.stdp.weight_at of each position."""
    out = np.empty(positions.shape[0], np.float64)
    for j in range(positions.shape[0]):
        out[j] = K.weight_at(positions[j], s_now, *arrays)
    return out


def history_length(max_delay):
    """Spikes kept per neuron for STDP: a power of two >= the longest delay
    (steps) and >= kernels.stdp.MIN_HISTORY."""
    return 1 << int(np.ceil(np.log2(max(max_delay, K.MIN_HISTORY))))


def _index_dtype(n):
    return np.int32 if n < 2 ** 31 else np.int64


def _homogeneous(values):
    """(True, value) if every entry is the same, else (False, None)."""
    v = np.asarray(values, np.float64)
    if not v.size:
        return True, np.nan
    if v.ndim == 1 and v.strides == (0,):
        return True, float(v[0])
    first = float(v.flat[0])
    return bool((v == first).all()), first


def _celltype(model):
    """The StandardCellType subclass named ``model`` (any module that defines one)."""
    todo = [StandardCellType]
    while todo:
        cls = todo.pop()
        if cls.__name__ == model:
            return cls
        todo.extend(cls.__subclasses__())
    return None


class _Group:
    """The synapses of one projection with one delay."""

    def __init__(self, spec, entries, d):
        self.spec = spec
        self.entries = entries          # spec indices (None: all, in order)
        self.d = d
        self.n = spec.size if entries is None else len(entries)

    def take(self, values):
        """Values of this group's entries, in spec order."""
        values = np.asarray(values)
        if values.ndim == 1 and values.strides == (0,) and values.size:
            return np.broadcast_to(values[:1], (self.n,))
        return values if self.entries is None else values[self.entries]


class _SourceGroup:
    """The STDP synapses of one projection with one delay, read from the
    projection's ConnectionSource (only those with delay ``d`` when
    ``filtered``)."""

    entries = None

    def __init__(self, spec, source, d, filtered, n):
        self.spec, self.source, self.d, self.filtered, self.n = spec, source, d, filtered, n

    def chunks(self, weights=False):
        """(start, indices in the chunk or None for all, pre, post, weights)."""
        for start, pre, post, w, d in self.source.chunks(weights, self.filtered):
            if self.filtered:
                keep = d == self.d
                yield (start, np.flatnonzero(keep), pre[keep], post[keep],
                       None if w is None else w[keep])
            else:
                yield start, None, pre, post, w


class _PlasticStore:
    """Shared by both rules: groups, CSR construction, spec-order positions."""

    def __init__(self, specs, network, layout, bounds=None):
        self.network = network
        self.dt = network.dt
        self.layout = layout
        self.n_total = layout.n_total
        #: target partitions (partition.py): each presynaptic row is split by them
        self.bounds = np.array([0, layout.n_total], np.int64) if bounds is None else bounds
        self.n_parts = len(self.bounds) - 1
        self.projections = {p.index: p for p in specs}
        self.populations = {p.index: p for p in network.populations}
        self.groups = []
        self.by_projection = {}
        for p in specs:
            groups = self._groups_of(p)
            self.by_projection[p.index] = list(range(len(self.groups), len(self.groups) + len(groups)))
            self.groups.extend(groups)
        self._orders = {}
        self._building = True          # orders are kept while the store is being built
        self.max_delay = max([g.d for g in self.groups], default=1)

    def _groups_of(self, p):
        """One _Group per distinct delay of a frontend ProjectionSpec."""
        if p.native_rule is not None:
            raise NoModelAvailableError(
                f"projection '{p.label}': the numba engine draws native rules for StaticSynapse "
                f"and STDPMechanism only, not {p.synapse_model}; use native=False")
        same, first = _homogeneous(p.delays)
        if same:
            return [_Group(p, None, int(delay_steps(first, self.dt)) if p.size else 1)]
        d = delay_steps(p.delays, self.dt)
        return [_Group(p, np.flatnonzero(d == v), int(v)) for v in np.unique(d)]

    def _size(self, p):
        """The number of connections of a projection (its groups')."""
        return sum(self.groups[k].n for k in self.by_projection[p.index])

    def _built(self):
        """End of the build: drop the permutations too large to keep."""
        self._building = False
        self._orders = {k: v for k, v in self._orders.items() if self.groups[k].n <= _CACHE_LIMIT}

    def _group_order(self, k):
        """(row pointers, stable order by row) of group k: one row per
        presynaptic neuron and target partition."""
        if k in self._orders:
            return self._orders[k]
        g = self.groups[k]
        pre = np.ascontiguousarray(g.take(g.spec.pre_indices))
        order = np.empty(g.n, _index_dtype(g.n))
        n_pre = self.layout.pop_size[g.spec.pre]
        if self.n_parts == 1:
            ptr = _counting_sort(pre, n_pre, order)
        else:
            lay = self.layout
            post_part = part_of(self.bounds, lay.pop_offset[g.spec.post]
                                + np.arange(lay.pop_size[g.spec.post]))
            post = np.ascontiguousarray(g.take(g.spec.post_indices))
            ptr = _counting_sort_parts(pre, post, post_part, self.n_parts,
                                       n_pre * self.n_parts, order)
        if g.n <= _CACHE_LIMIT or self._building:
            self._orders[k] = (ptr, order)
        return ptr, order

    def _set_group_entry(self, k, syn0, row0):
        """Group k's row of the integer group table: its populations, ring
        column offset, delay and where its synapses and rows start."""
        lay, g = self.layout, self.groups[k]
        p = g.spec
        self.gi[k, [K.G_PRE0, K.G_NPRE, K.G_POST0, K.G_NPOST]] = (
            lay.pop_offset[p.pre], lay.pop_size[p.pre], lay.pop_offset[p.post],
            lay.pop_size[p.post])
        self.gi[k, K.G_COL0] = CHANNEL[p.receptor_type] * self.n_total + lay.pop_offset[p.post]
        self.gi[k, K.G_D] = g.d
        self.gi[k, K.G_SYN0] = syn0
        self.gi[k, K.G_ROW0] = row0

    def _build_forward(self):
        """Concatenated forward CSR of all groups: the integer group table
        columns for the layout, row pointers and the spec-order permutations."""
        self.gi = np.zeros((len(self.groups), K.G_NI), np.int64)
        rows, syn0, row0 = [], 0, 0
        for k, g in enumerate(self.groups):
            ptr, _ = self._group_order(k)
            self._set_group_entry(k, syn0, row0)
            rows.append(ptr)
            syn0 += g.n
            row0 += len(ptr)
        self.n_syn = syn0
        self.row_ptr = np.concatenate(rows) if rows else np.zeros(1, np.int64)

    def _ordered(self, k, values, dtype):
        """Per-connection values of group k in CSR order."""
        return self._ordered_into(k, values, np.empty(self.groups[k].n, dtype))

    def _ordered_into(self, k, values, out):
        """Write group k's values in CSR order into ``out`` (no temporary copy)."""
        values = self.groups[k].take(values)
        if values.ndim == 1 and values.strides == (0,):
            # one value for all (a zero-stride view): no permutation to apply
            out[:] = values[0] if values.size else 0
            return out
        _, order = self._group_order(k)
        # mode="clip": with the default "raise" numpy buffers the output (a full copy)
        np.take(np.asarray(values, out.dtype), order, out=out, mode="clip")
        return out

    def positions(self, projection):
        """Positions in the concatenated synapse arrays of a projection's
        connections, in spec order."""
        spec = self.projections[projection]
        out = np.empty(spec.size, np.int64)
        for k in self.by_projection[projection]:
            g = self.groups[k]
            _, order = self._group_order(k)
            where = np.empty(g.n, np.int64)
            where[order] = np.arange(g.n, dtype=np.int64)
            where += self.gi[k, K.G_SYN0]
            if g.entries is None:
                out[:] = where
            else:
                out[g.entries] = where
        return out

    def owns(self, projection):
        return projection in self.projections

    def _delays(self, projection):
        spec = self.projections[projection]
        out = np.empty(self._size(spec), np.float64)
        for k in self.by_projection[projection]:
            g = self.groups[k]
            value = grid_times(self.gi[k, K.G_D], self.dt)
            if isinstance(g, _SourceGroup) and g.filtered:
                for start, idx, _, _, _ in g.chunks():
                    out[start + idx] = value
            elif g.entries is None:
                out[:] = value
            else:
                out[g.entries] = value
        return out

    def _set_delays(self, projection, values):
        if not np.array_equal(delay_steps(values, self.dt),
                              delay_steps(self._delays(projection), self.dt)):
            spec = self.projections[projection]
            raise NoModelAvailableError(
                f"the numba engine cannot change the delays of the plastic projection "
                f"'{spec.label}' after it was built (its synapses are grouped by delay)")


class StdpStore(_PlasticStore):
    """All STDPMechanism synapses of a network (kernels/stdp.py)."""

    def __init__(self, specs, network, layout, weight_recordings=(), bounds=None):
        super().__init__(specs, network, layout, bounds)
        self.overrides = {}            # projection -> {parameter: value} set between runs
        for p in specs:
            self._rule(p)              # refuse what the engine cannot do before building
        self._build_forward()
        self._build_transposed()
        n_specs = len(specs)
        self.kseg = np.zeros((n_specs, K.K_NK), np.int64)
        start = 0
        for i, p in enumerate(specs):
            n = layout.pop_size[p.pre]
            self.kseg[i] = (layout.pop_offset[p.pre], n, start)
            for k in self.by_projection[p.index]:
                self.gi[k, K.G_KP0] = start
                self.gi[k, K.G_SPEC] = i
            start += n
        # K+ (value after the last spike, and its step): one copy per target partition
        self.kp = np.zeros((self.n_parts, max(start, 1)), np.float64)
        self.kstep = np.zeros((self.n_parts, max(start, 1)), np.int64)
        self.krate = np.zeros(max(n_specs, 1), np.float64)
        self.etab = np.zeros((max(n_specs, 1), K.DECAY_TABLE_STEPS), np.float64)
        self.flushed = np.full(1, -1, np.int64)
        km = 0
        for k in range(len(self.groups)):
            self.gi[k, K.G_KM0] = km
            km += self.gi[k, K.G_NPOST]
        self.km = np.zeros(max(km, 1), np.float64)
        self.gf = np.zeros((len(self.groups), K.F_NF), np.float64)
        self._spec_slot = {p.index: i for i, p in enumerate(specs)}
        n_hist = max(self.n_total, 1) if self.groups else 1
        c = history_length(self.max_delay) if self.groups else 1
        self.ps_recent = np.zeros((n_hist, K.R_NR), np.int64)
        self.ps_step = np.zeros((n_hist, c), np.int64)
        self.ps_mult = np.zeros((n_hist, c), np.int32)
        self.ps_count = np.zeros(n_hist, np.int64)
        self.set_window(1)
        self.w = np.zeros(max(self.n_syn, 1), np.float64)
        #: the next step to run (the engine's clock; weights are read as of its start)
        self.now = 0
        self._setup_weight_recording(weight_recordings)
        self.reset()
        self._built()

    def set_window(self, steps, step=0):
        """Size the step history for a loop that runs the phase's partitions up
        to ``steps`` steps after the step's spikes were stored (codegen.py's
        windowed loop; 1: in the same step). The history of the steps before
        ``step`` (the next step to run) is kept."""
        H = self.max_delay + steps if self.groups else 1
        n_cap = max(self.n_total, 1) if self.groups else 1
        old = getattr(self, "hist_n", None)
        if old is not None and old.shape[0] == H:
            return
        hist = (np.zeros((H, n_cap), np.int32), np.zeros((H, n_cap), np.int32),
                np.zeros(H, np.int64))
        if old is not None:
            kept = np.arange(max(step - min(H, old.shape[0]), 0), step)
            for new, prev in zip(hist, (self.hist_idx, self.hist_mult, self.hist_n)):
                new[kept % H] = prev[kept % prev.shape[0]]
        self.hist_idx, self.hist_mult, self.hist_n = hist

    # ---------------------------------------------------------------- rules
    def _value(self, p, name):
        """The one value of an STDP parameter for the whole projection."""
        if name in self.overrides.get(p.index, {}):
            return self.overrides[p.index][name]
        same, v = _homogeneous(p.synapse_parameters[name])
        if not same:
            values = np.asarray(p.synapse_parameters[name], float)
            raise NoModelAvailableError(
                f"the numba engine needs one value of '{name}' for the whole STDP projection "
                f"'{p.label}' (traces are per neuron); got values from {values.min()} to "
                f"{values.max()}")
        return v

    def _rule(self, p):
        """(kind, a_plus, a_minus, w_min, w_max, mu_plus, mu_minus, tau_plus, tau_minus)."""
        wd = p.synapse_components.get("weight_dependence")
        td = p.synapse_components.get("timing_dependence")
        if td != "SpikePairRule" or p.synapse_components.get("voltage_dependence"):
            raise NoModelAvailableError(
                f"the numba engine implements STDPMechanism with SpikePairRule and no voltage "
                f"dependence; projection '{p.label}' asks for {td}")
        size = self._size(p)
        if size and self._value(p, "dendritic_delay_fraction") != 1.0:
            raise NoModelAvailableError(
                f"projection '{p.label}': dendritic_delay_fraction="
                f"{self._value(p, 'dendritic_delay_fraction')}; the numba engine (like NEST's "
                "stdp_synapse) treats the whole delay as dendritic: only 1.0 is available")
        if not size:
            return K.KIND_FROZEN, 0.0, 0.0, 0.0, 0.0, 1.0, 1.0, 20.0, 20.0
        v = lambda n: self._value(p, n)       # noqa: E731
        if wd == "PowerLawWeightDependence":
            mu = v("mu")
            rule = (K.KIND_POWER_LAW, float(power_law_lambda_nA(v("A_plus"), mu)), v("A_minus"),
                    0.0, np.inf, mu, 1.0)
        else:
            mu_plus, mu_minus = stdp_exponents(wd, {n: v(n) for n in ("mu_plus", "mu_minus")
                                                    if n in p.synapse_parameters})
            w_min, w_max = v("w_min"), v("w_max")
            kind = K.KIND_FROZEN if w_max == w_min else K.KIND_GUTIG
            rule = (kind, v("A_plus"), v("A_minus"), w_min, w_max, float(mu_plus), float(mu_minus))
        return rule + (v("tau_plus"), v("tau_minus"))

    def _sign(self, p):
        """Weights are kept as magnitudes; inhibitory current weights are negative."""
        cell = _celltype(self.populations[p.post].model)
        conductance = bool(getattr(cell, "conductance_based", False))
        return -1.0 if p.receptor_type == "inhibitory" and not conductance else 1.0

    def _apply_rules(self):
        for p in self.projections.values():
            kind, a_plus, a_minus, w_min, w_max, mu_plus, mu_minus, tau_plus, tau_minus = \
                self._rule(p)
            slot = self._spec_slot[p.index]
            self.krate[slot] = self.dt / tau_plus
            K.fill_decay_table(self.krate[slot], self.etab[slot])
            for k in self.by_projection[p.index]:
                self.gi[k, K.G_KIND] = kind
                self.gf[k, [K.F_A_PLUS, K.F_A_MINUS, K.F_W_MIN, K.F_W_MAX, K.F_MU_PLUS,
                            K.F_MU_MINUS, K.F_SIGN, K.F_DECAY_MINUS]] = (
                    a_plus, a_minus, w_min, w_max, mu_plus, mu_minus, self._sign(p),
                    np.exp(-self.dt / tau_minus))

    # --------------------------------------------------------------- build
    def _groups_of(self, p):
        """One _SourceGroup per distinct delay of a projection (one pass over
        its source counts the delays when they differ)."""
        src = source_of(p, self.network)
        lo, hi = src.delay_bounds()
        if lo == hi:
            return [_SourceGroup(p, src, lo, False, src.size)]
        counts = np.zeros(hi - lo + 1, np.int64)
        for _, _, _, _, d in src.chunks(False, True):
            counts += np.bincount(np.asarray(d) - lo, minlength=len(counts))
        return [_SourceGroup(p, src, lo + int(v), True, int(counts[v]))
                for v in np.flatnonzero(counts)]

    def _post_part(self, g):
        """The target partition of each cell of a group's postsynaptic population."""
        lay = self.layout
        return part_of(self.bounds, lay.pop_offset[g.spec.post]
                       + np.arange(max(lay.pop_size[g.spec.post], 1)))

    def _build_forward(self):
        """Row pointers of every group (one pass over its source counts the
        synapses of each row) and the group table's integer columns."""
        lay = self.layout
        self.gi = np.zeros((len(self.groups), K.G_NI), np.int64)
        rows, syn0, row0 = [], 0, 0
        for k, g in enumerate(self.groups):
            p = g.spec
            if g.n >= 2 ** 31:
                raise NoModelAvailableError(
                    f"projection '{p.label}': {g.n} synapses with one delay; the numba "
                    "engine takes at most 2**31 - 1 per projection and delay")
            ptr = np.zeros(lay.pop_size[p.pre] * self.n_parts + 1, np.int64)
            part = self._post_part(g)
            for _, _, pre, post, _ in g.chunks():
                _count_rows(pre, post, 0, 0, part, self.n_parts, ptr)
            np.cumsum(ptr, out=ptr)
            self._set_group_entry(k, syn0, row0)
            rows.append(ptr)
            syn0 += g.n
            row0 += len(ptr)
        self.n_syn = syn0
        self.row_ptr = np.concatenate(rows) if rows else np.zeros(1, np.int64)

    def _next_free(self, k):
        """The first place of every row of group k (a copy to advance)."""
        r0 = self.gi[k, K.G_ROW0]
        return self.row_ptr[r0:r0 + self.layout.pop_size[self.groups[k].spec.pre]
                            * self.n_parts].copy()

    def positions(self, projection):
        """Positions in the concatenated synapse arrays of a projection's
        connections, in its order (the build's passes again)."""
        spec = self.projections[projection]
        out = np.empty(self._size(spec), np.int64)
        for k in self.by_projection[projection]:
            g = self.groups[k]
            nxt, part, s0 = self._next_free(k), self._post_part(g), self.gi[k, K.G_SYN0]
            for start, idx, pre, post, _ in g.chunks():
                if idx is None:
                    _slots(pre, post, part, self.n_parts, nxt, s0, out[start:start + len(pre)])
                else:
                    slots = np.empty(len(pre), np.int64)
                    _slots(pre, post, part, self.n_parts, nxt, s0, slots)
                    out[start + idx] = slots
        return out

    def _build_transposed(self):
        self.post = np.zeros(max(self.n_syn, 1), np.int32)
        self.tpos = np.zeros(max(self.n_syn, 1), np.int32)
        trows, trow0 = [], 0
        z = np.zeros(0, np.float64)
        for k, g in enumerate(self.groups):
            s0 = self.gi[k, K.G_SYN0]
            post = self.post[s0:s0 + g.n]
            nxt, part = self._next_free(k), self._post_part(g)
            for _, _, pre, pst, _ in g.chunks():
                _scatter_plastic(pre, pst, part, self.n_parts, z, nxt, post, z, True, False)
            tptr = _counting_sort(post, self.layout.pop_size[g.spec.post], self.tpos[s0:s0 + g.n])
            self.gi[k, K.G_TROW0] = trow0
            trows.append(tptr)
            trow0 += len(tptr)
        self.trow_ptr = np.concatenate(trows) if trows else np.zeros(1, np.int64)

    def reset(self):
        """Weights and parameters from the spec, traces and spike history cleared."""
        self.overrides = {}
        self._apply_rules()
        z = np.zeros(0, np.int32)
        for k, g in enumerate(self.groups):
            s0 = self.gi[k, K.G_SYN0]
            w = self.w[s0:s0 + g.n]
            if g.source.weight_value is not None:
                w[:] = abs(g.source.weight_value)
                continue
            nxt, part = self._next_free(k), self._post_part(g)
            for _, _, pre, post, values in g.chunks(weights=True):
                _scatter_plastic(pre, post, part, self.n_parts, values, nxt, z, w, False, True)
        self.kp[:] = 0.0
        self.kstep[:] = 0
        self.flushed[0] = -1
        self.km[:] = 0.0
        self.hist_n[:] = 0
        self.ps_count[:] = 0
        self.ps_recent[:, [K.R_LAST, K.R_PREV]] = _NEVER
        self.ps_recent[:, K.R_MULT] = 0
        self.now = 0

    def arrays(self):
        return (self.gi, self.gf, self.kseg, self.etab, self.krate, self.kp, self.kstep,
                self.flushed, self.km, self.row_ptr, self.trow_ptr, self.post, self.w, self.tpos,
                self.hist_idx, self.hist_mult, self.hist_n, self.ps_recent, self.ps_step,
                self.ps_mult, self.ps_count, self.wr_tab, self.wr_pos, self.wr_sign, self.wr_out)

    def _lazy_arrays(self):
        """The arrays through which pending potentiation is evaluated."""
        return (self.gi, self.gf, self.etab, self.krate, self.kp, self.kstep, self.flushed,
                self.row_ptr, self.post, self.w, self.ps_recent, self.ps_step, self.ps_mult,
                self.ps_count)

    def _weights_at(self, positions, s_now):
        """Weight magnitudes at these positions at the end of step s_now."""
        return _weights_at(positions, s_now, *self._lazy_arrays())

    def current_weights(self, projection):
        """Weight magnitudes of a projection's groups (concatenated, CSR order)
        as of the start of step ``now``: the stored ones plus the potentiation
        still pending. The state is not changed."""
        groups = self.by_projection[projection]
        out = self.w.copy()
        if groups:
            K.effective_weights(self.now - 1, groups[0], groups[-1] + 1, out, *self._lazy_arrays())
        return out

    def flush(self):
        """Apply every pending potentiation (before weights or rule parameters
        change between runs, so that the spikes of the past pair under the old ones)."""
        if self.groups and self.now > 0:
            K.effective_weights(self.now - 1, 0, len(self.groups), self.w, *self._lazy_arrays())
            self.flushed[0] = self.now - 1

    @property
    def nbytes_per_synapse(self):
        """Bytes per synapse of the per-synapse arrays (post, weight, transposed index)."""
        return self.post.itemsize + self.w.itemsize + self.tpos.itemsize

    @property
    def nbytes(self):
        return sum(a.nbytes for a in (self.post, self.w, self.tpos, self.row_ptr, self.trow_ptr,
                                      self.kp, self.kstep, self.km, self.hist_idx, self.hist_mult,
                                      self.ps_recent, self.ps_step, self.ps_mult,
                                      self.ps_count))

    # ------------------------------------------------------- get / set values
    def get(self, projection, name):
        spec = self.projections[projection]
        if name == "weight":
            return self.current_weights(projection)[self.positions(projection)] * self._sign(spec)
        if name == "delay":
            return self._delays(projection)
        if name in spec.synapse_parameters:
            if name in self.overrides.get(projection, {}):
                return np.full(self._size(spec), self.overrides[projection][name])
            # a native rule's parameters are numbers (one for all)
            return np.array(np.broadcast_to(np.asarray(spec.synapse_parameters[name],
                                                       np.float64), (self._size(spec),)))
        raise KeyError(name)

    def set(self, projection, name, values):
        spec = self.projections[projection]
        values = np.broadcast_to(np.asarray(values, np.float64), (self._size(spec),))
        if name == "weight":
            self.flush()
            self.w[self.positions(projection)] = np.abs(values)
        elif name == "delay":
            self._set_delays(projection, values)
        elif name in spec.synapse_parameters:
            same, v = _homogeneous(values)
            if not same:
                raise NoModelAvailableError(
                    f"the numba engine needs one value of '{name}' for the whole STDP projection "
                    f"'{spec.label}'; got values from {values.min()} to {values.max()}")
            # K- keeps its value and decays at the new rate from now on; K+ is
            # evaluated from the last spike at the new rate, as NEST does
            self.flush()
            self.overrides.setdefault(projection, {})[name] = v
            self._apply_rules()
        else:
            raise KeyError(name)

    # ------------------------------------------------------ weight recording
    def _setup_weight_recording(self, weight_recordings):
        self.wr_keys = []
        tab, pos, sign = [], [], []
        first = 0
        for rec in weight_recordings:
            if rec.projection not in self.projections:
                continue
            spec = self.projections[rec.projection]
            p = self.positions(rec.projection)[np.asarray(rec.connections, np.int64)]
            iv = max(1, int(round(rec.sampling_interval / self.dt)))
            row = np.zeros(K.W_NW, np.int64)
            row[[K.W_INTERVAL, K.W_FIRST, K.W_N]] = (iv, first, len(p))
            tab.append(row)
            pos.append(p)
            sign.append(np.full(len(p), self._sign(spec)))
            first += len(p)
            self.wr_keys.append((rec.projection, iv))
        self.wr_tab = np.array(tab, np.int64).reshape(-1, K.W_NW)
        self.wr_pos = np.concatenate(pos) if pos else np.zeros(0, np.int64)
        self.wr_sign = np.concatenate(sign) if sign else np.zeros(0, np.float64)
        self.wr_out = np.zeros(0, np.float64)
        self.wr_pending = {}

    def sample_weights_now(self, step):
        """The samples at t = step * dt taken outside the loop (segment start)."""
        for r, (proj, iv) in enumerate(self.wr_keys):
            first, n = self.wr_tab[r, K.W_FIRST], self.wr_tab[r, K.W_N]
            magnitudes = self._weights_at(self.wr_pos[first:first + n], step - 1)
            values = (magnitudes * self.wr_sign[first:first + n])[None, :]
            self.wr_pending.setdefault(proj, []).append((step // iv, values))

    def prepare_weight_buffers(self, s0, s_end):
        start = 0
        for r in range(len(self.wr_keys)):
            iv, n = self.wr_tab[r, K.W_INTERVAL], self.wr_tab[r, K.W_N]
            self.wr_tab[r, K.W_OUT_START] = start
            self.wr_tab[r, K.W_COUNT] = 0
            start += (s_end // iv - s0 // iv) * n
        self.wr_out = np.zeros(start, np.float64)

    def collect_weight_buffers(self, s0):
        for r, (proj, iv) in enumerate(self.wr_keys):
            count, n, start = (self.wr_tab[r, K.W_COUNT], self.wr_tab[r, K.W_N],
                               self.wr_tab[r, K.W_OUT_START])
            if count:
                values = self.wr_out[start:start + count * n].reshape(count, n).copy()
                self.wr_pending.setdefault(proj, []).append((s0 // iv + 1, values))

    def fetch_weights(self):
        """{projection: (t_start ms, interval ms, samples x connections)}."""
        out = {}
        for proj, iv in self.wr_keys:
            parts = self.wr_pending.get(proj)
            if parts:
                out[proj] = (float(grid_times(parts[0][0] * iv, self.dt)),
                             float(grid_times(iv, self.dt)),
                             np.concatenate([v for _, v in parts], axis=0))
        self.wr_pending = {}
        return out


class TsodyksStore(_PlasticStore):
    """All TsodyksMarkramSynapse synapses of a network (kernels/tsodyks.py)."""

    def __init__(self, specs, network, layout):
        super().__init__(specs, network, layout)
        self._build_forward()
        n = max(self.n_syn, 1)
        self.post = np.zeros(n, np.int32)
        self.weight = np.zeros(n, np.float64)
        self.par = np.zeros((4, n), np.float64)
        self.st = np.zeros((3, n), np.float64)
        last = 0
        for k, g in enumerate(self.groups):
            self.gi[k, K.G_KP0] = last
            last += self.gi[k, K.G_NPRE]
        self.last = np.zeros(max(last, 1), np.int64)
        self.reset()
        self._built()

    def _tau_psc(self, p):
        """The postsynaptic cells' tau_syn of the receptor, per connection (NEST's tau_psc)."""
        from pynnlite.models.plasticity import TsodyksMarkramSynapse
        name = TsodyksMarkramSynapse.TAU_PSC[p.receptor_type]
        tau = np.asarray(self.populations[p.post].parameters[name], np.float64)
        return tau[np.asarray(p.post_indices, np.int64)] if tau.ndim else np.full(p.size, tau)

    def reset(self):
        for k, g in enumerate(self.groups):
            p = g.spec
            s0 = self.gi[k, K.G_SYN0]
            sl = slice(s0, s0 + g.n)
            self.post[sl] = self._ordered(k, p.post_indices, np.int32)
            self.weight[sl] = self._ordered(k, p.weights, np.float64)
            self.par[T.P_U, sl] = self._ordered(k, p.synapse_parameters["U"], np.float64)
            self.par[T.P_TAU_REC, sl] = self._ordered(k, p.synapse_parameters["tau_rec"], np.float64)
            self.par[T.P_TAU_FAC, sl] = self._ordered(k, p.synapse_parameters["tau_facil"],
                                                      np.float64)
            self.par[T.P_TAU_PSC, sl] = self._ordered(k, self._tau_psc(p), np.float64)
            clash = self.par[T.P_TAU_PSC, sl] == self.par[T.P_TAU_REC, sl]
            if clash.any():
                raise InvalidParameterValueError(
                    "tau_rec", float(self.par[T.P_TAU_REC, sl][clash][0]),
                    "a value different from the postsynaptic cell's tau_syn (the propagator is "
                    "singular when they are equal)", TSODYKS)
        self.st[T.S_X] = 1.0
        self.st[T.S_Y] = 0.0
        self.st[T.S_U] = 0.0
        self.last[:] = 0

    def arrays(self):
        return (self.gi, self.row_ptr, self.post, self.weight, self.par, self.st, self.last)

    _ROWS = {"U": T.P_U, "tau_rec": T.P_TAU_REC, "tau_facil": T.P_TAU_FAC}

    def get(self, projection, name):
        pos = self.positions(projection)
        if name == "weight":
            return self.weight[pos].copy()
        if name == "delay":
            return self._delays(projection)
        if name in self._ROWS:
            return self.par[self._ROWS[name], pos].copy()
        raise KeyError(name)

    def set(self, projection, name, values):
        spec = self.projections[projection]
        values = np.broadcast_to(np.asarray(values, np.float64), (spec.size,))
        pos = self.positions(projection)
        if name == "weight":
            self.weight[pos] = values
        elif name == "delay":
            self._set_delays(projection, values)
        elif name in self._ROWS:
            self.par[self._ROWS[name], pos] = values
        else:
            raise KeyError(name)


class PlasticSynapses:
    """The engine's plastic synapses: the phases they add to the loop."""

    def __init__(self, specs, network, layout, bounds=None):
        self.stdp = StdpStore([p for p in specs if p.synapse_model == STDP], network, layout,
                              network.weight_recordings, bounds)
        self.tsodyks = TsodyksStore([p for p in specs if p.synapse_model == TSODYKS], network,
                                    layout)
        from .clopath import ClopathStore
        self.clopath = ClopathStore([p for p in specs if p.synapse_model == CLOPATH], network,
                                    layout)
        self.dt = network.dt
        self._fresh = True             # the stores were just reset by their build

    @property
    def max_delay(self):
        return max(self.stdp.max_delay, self.tsodyks.max_delay, self.clopath.max_delay)

    def owns(self, projection):
        return any(st.owns(projection) for st in (self.stdp, self.tsodyks, self.clopath))

    def set_window(self, steps, step=0):
        """Let the partitioned phases run up to ``steps`` steps behind (StdpStore.set_window)."""
        self.stdp.set_window(steps, step)

    def set_step(self, step):
        """The engine's clock: the next step to run (weights are read as of its start)."""
        self.stdp.now = step

    def store_of(self, projection):
        return next(st for st in (self.stdp, self.tsodyks, self.clopath) if st.owns(projection))

    def get(self, projection, name):
        return self.store_of(projection).get(projection, name)

    def set(self, projection, name, values):
        self.store_of(projection).set(projection, name, values)

    def reset(self):
        if not self._fresh:
            self.stdp.reset()
            self.tsodyks.reset()
            self.clopath.reset()
        self._fresh = False

    def phases(self):
        """(module, function, number of arrays, partitioned) of each phase the
        loop needs; a partitioned phase is three functions, ``<function>_begin``,
        ``_part`` and ``_end`` (codegen.py runs the middle one per target partition)."""
        out = []
        if self.stdp.groups:
            out.append(("pynnlite_numba.kernels.stdp", "stdp_phase", len(self.stdp.arrays()),
                        True))
        if self.tsodyks.groups:
            out.append(("pynnlite_numba.kernels.tsodyks", "tsodyks_phase",
                        len(self.tsodyks.arrays()), False))
        if self.clopath.groups:
            out.append(("pynnlite_numba.kernels.clopath", "clopath_phase",
                        len(self.clopath.arrays()), False))
        return tuple(out)

    def arrays(self):
        out = []
        if self.stdp.groups:
            out += self.stdp.arrays()
        if self.tsodyks.groups:
            out += self.tsodyks.arrays()
        if self.clopath.groups:
            out += self.clopath.arrays()
        return out

    # weight recording (STDP and Clopath synapses)
    def _recording_stores(self):
        return (self.stdp, self.clopath)

    def sample_weights_now(self, step):
        for st in self._recording_stores():
            st.sample_weights_now(step)

    def prepare_weight_buffers(self, s0, s_end):
        for st in self._recording_stores():
            st.prepare_weight_buffers(s0, s_end)

    def collect_weight_buffers(self, s0):
        for st in self._recording_stores():
            st.collect_weight_buffers(s0)

    def fetch_weights(self):
        """{projection: (t_start ms, interval ms, samples x connections)}."""
        return {**self.stdp.fetch_weights(), **self.clopath.fetch_weights()}
