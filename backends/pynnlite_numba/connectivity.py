"""Static synapses in compressed rows by presynaptic internal index.

Per synapse: ``col`` (int32 ring column channel * n_total + post), ``weight``
(float64, signed as given) and ``delay`` in steps (uint16, int32 beyond
65535 steps): 14 bytes per synapse. Each row is split by target partition
(partition.py: row ``pre * n_parts + part``, one part per thread), and sorted
within a part by (delay, column) so that delivery walks the ring buffers in
order. The permutation back to each ProjectionSpec's order is computed only
when connection values are asked for.
"""
import numpy as np
from numba import njit

from pynnlite.errors import ConnectionError, NoModelAvailableError

from .layout import grid_times
from .partition import part_of

CHANNEL = {"excitatory": 0, "inhibitory": 1}

#: peak bytes per static synapse while the table is built: the kept table (14:
#: int32 col, float64 weight, uint16 delay), written in place from the spec's
#: int32 indices still held by the frontend (8) and its values; calibrated
#: against peak RSS at 1e7 synapses (tests/unit/test_memory.py)
BUILD_PEAK_BYTES_PER_SYNAPSE = 20


@njit(cache=True, nogil=True)
def _csr_order(rows, n_rows, d, col, n2, order):
    """Fill ``order`` with the CSR order (by row, then delay, then ring column,
    stable) and return the row pointers: a counting sort by row, then a stable
    sort of the rows not already in (delay, column) order. Connectors generate
    their connections by target, so rows are usually in order already and the
    whole sort costs O(n)."""
    ptr = np.zeros(n_rows + 1, np.int64)
    for i in range(rows.shape[0]):
        ptr[rows[i] + 1] += 1
    for r in range(n_rows):
        ptr[r + 1] += ptr[r]
    nxt = ptr[:-1].copy()
    for i in range(rows.shape[0]):
        r = rows[i]
        order[nxt[r]] = i
        nxt[r] += 1
    for r in range(n_rows):
        a, b = ptr[r], ptr[r + 1]
        in_order = True
        for k in range(a + 1, b):
            i, j = order[k - 1], order[k]
            if d[j] * n2 + col[j] < d[i] * n2 + col[i]:
                in_order = False
                break
        if not in_order:
            seg = order[a:b].copy()
            keys = d[seg] * n2 + col[seg]
            order[a:b] = seg[np.argsort(keys, kind="mergesort")]
    return ptr


@njit(cache=True, nogil=True)
def _count_rows(pre, post, pre0, post0, part, n_parts, ptr):
    """ptr[row + 1] += 1 for every connection of one projection (pre/post local
    indices; ``part``: the partition of every internal index)."""
    for i in range(pre.shape[0]):
        ptr[(pre0 + pre[i]) * n_parts + part[post0 + post[i]] + 1] += 1


@njit(cache=True, nogil=True)
def _scatter(pre, post, pre0, post0, col0, part, n_parts, w, d, nxt, col, weight, delay):
    """Write one projection's connections at the next free place of their rows:
    in spec order within each row, as a stable counting sort by row would."""
    for i in range(pre.shape[0]):
        r = (pre0 + pre[i]) * n_parts + part[post0 + post[i]]
        k = nxt[r]
        nxt[r] = k + 1
        col[k] = col0 + post[i]
        weight[k] = w[i]
        delay[k] = d[i]


@njit(cache=True, nogil=True)
def _sort_rows(ptr, col, weight, delay, n2):
    """Put every row not yet in (delay, column) order into it, stably."""
    for r in range(ptr.shape[0] - 1):
        a, b = ptr[r], ptr[r + 1]
        in_order = True
        for k in range(a + 1, b):
            if delay[k] * n2 + col[k] < delay[k - 1] * n2 + col[k - 1]:
                in_order = False
                break
        if not in_order:
            keys = delay[a:b].astype(np.int64) * n2 + col[a:b]
            perm = np.argsort(keys, kind="mergesort")
            col[a:b] = col[a:b][perm]
            weight[a:b] = weight[a:b][perm]
            delay[a:b] = delay[a:b][perm]


def delay_steps(delays, dt):
    """Delays (ms, on the grid) as whole steps; one value for all (a
    zero-stride view) stays a zero-stride view."""
    delays = np.asarray(delays, np.float64)
    if delays.ndim == 1 and delays.strides == (0,) and delays.size:
        return np.broadcast_to(np.int64(np.rint(delays[0] / dt)), delays.shape)
    return np.rint(delays / dt).astype(np.int64)


def _indices(values):
    """Connection indices as an integer array numba can read (no copy if they are one)."""
    values = np.asarray(values)
    return values if values.dtype.kind in "iu" else values.astype(np.int64)


class SynapseTable:
    """All static synapses of a network in CSR form."""

    def __init__(self, network, layout, bounds=None):
        self.dt = network.dt
        self.n_total = layout.n_total
        self.bounds = np.array([0, layout.n_total], np.int64) if bounds is None else bounds
        self.n_parts = len(self.bounds) - 1
        self.projections = {p.index: p for p in network.projections}
        for p in network.projections:
            if p.synapse_model != "StaticSynapse":
                raise NoModelAvailableError(
                    f"the numba backend has no synapse type '{p.synapse_model}' (projection "
                    f"'{p.label}'); available: StaticSynapse")
            if p.receptor_type not in CHANNEL:
                raise ConnectionError(
                    f"projection '{p.label}': receptor_type '{p.receptor_type}' does not exist; "
                    f"allowed: {', '.join(CHANNEL)}")
        self.layout = layout
        self.proj_start = {}
        start = 0
        for p in network.projections:
            self.proj_start[p.index] = start
            start += p.size
        self.n_syn = start
        self._pos = None
        self.build()

    def _concatenated(self):
        """pre, col, weight, delay-steps of all projections, in spec order."""
        nets = list(self.projections.values())
        if not nets:
            z = np.zeros(0, np.int64)
            return z, z, np.zeros(0), z
        lay = self.layout
        pre = np.concatenate([lay.internal(p.pre, p.pre_indices) for p in nets])
        col = np.concatenate([lay.internal(p.post, p.post_indices) + CHANNEL[p.receptor_type] * lay.n_total
                              for p in nets])
        w = np.concatenate([np.asarray(p.weights, np.float64) for p in nets])
        d = np.concatenate([delay_steps(p.delays, self.dt) for p in nets])
        return pre, col, w, d

    def _rows(self, pre, col):
        """Row of each synapse: presynaptic neuron, then target partition."""
        if self.n_parts == 1:
            return pre
        return pre * self.n_parts + part_of(self.bounds, col % max(self.n_total, 1))

    def _order(self, rows, col, d):
        """(row pointers, CSR order): by row, then delay, then ring column;
        stable, so equal keys keep the spec order."""
        n_rows = self.n_total * self.n_parts
        order = np.empty(rows.shape[0], np.int64)
        ptr = _csr_order(rows, n_rows, d, col, np.int64(2 * max(self.n_total, 1)), order)
        return ptr, order

    def build(self):
        """Build the CSR from the spec's values (also used by reset): count the
        connections of every row, then write each projection's connections
        straight into their rows (no concatenated copy of the spec), then sort
        the few rows not already in (delay, column) order. The result is the
        order of ``_order`` on the concatenated spec."""
        lay = self.layout
        n_total = max(self.n_total, 1)
        part = part_of(self.bounds, np.arange(n_total))
        nets = list(self.projections.values())
        delays = [delay_steps(p.delays, self.dt) for p in nets]
        self.max_delay = max([int(d.max()) for d in delays if d.size], default=1)
        n_rows = self.n_total * self.n_parts
        ptr = np.zeros(n_rows + 1, np.int64)
        for p in nets:
            _count_rows(_indices(p.pre_indices), _indices(p.post_indices), lay.pop_offset[p.pre],
                        lay.pop_offset[p.post], part, self.n_parts, ptr)
        np.cumsum(ptr, out=ptr)
        self.col = np.empty(self.n_syn, np.int32)
        self.weight = np.empty(self.n_syn, np.float64)
        self.delay = np.empty(self.n_syn, np.uint16 if self.max_delay < 65536 else np.int32)
        nxt = ptr[:-1].copy()
        for p, d in zip(nets, delays):
            _scatter(_indices(p.pre_indices), _indices(p.post_indices), lay.pop_offset[p.pre],
                     lay.pop_offset[p.post], lay.pop_offset[p.post] + CHANNEL[p.receptor_type]
                     * lay.n_total, part, self.n_parts, np.asarray(p.weights, np.float64), d, nxt,
                     self.col, self.weight, self.delay)
        _sort_rows(ptr, self.col, self.weight, self.delay, np.int64(2 * n_total))
        self.row_ptr = ptr
        self._pos = None
        self.modified = False

    def positions(self, projection):
        """CSR positions of one projection's connections, in its spec order."""
        if self._pos is None:
            pre, col, _, d = self._concatenated()
            _, order = self._order(self._rows(pre, col), col, d)
            self._pos = np.empty(self.n_syn, np.int64)
            self._pos[order] = np.arange(self.n_syn, dtype=np.int64)
        start = self.proj_start[projection]
        return self._pos[start:start + self.projections[projection].size]

    def get(self, projection, name):
        pos = self.positions(projection)
        if name == "weight":
            return self.weight[pos].copy()
        if name == "delay":
            return grid_times(self.delay[pos], self.dt)
        raise KeyError(name)

    def set(self, projection, name, values):
        pos = self.positions(projection)
        values = np.broadcast_to(np.asarray(values, np.float64), pos.shape)
        if name == "weight":
            self.weight[pos] = values
        elif name == "delay":
            d = delay_steps(values, self.dt)
            new_max = max(self.max_delay, int(d.max()) if d.size else 1)
            if new_max >= 65536 and self.delay.dtype != np.int32:
                self.delay = self.delay.astype(np.int32)
            self.delay[pos] = d
            self.max_delay = new_max
        else:
            raise KeyError(name)
        self.modified = True

    @property
    def nbytes(self):
        return self.col.nbytes + self.weight.nbytes + self.delay.nbytes + self.row_ptr.nbytes
