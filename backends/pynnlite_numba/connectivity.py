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

#: peak bytes per static synapse while the table is built: the concatenated
#: int64 pre/col/delay and float64 weight (32), the row key and permutation
#: (16), then the kept table (14: int32 col, float64 weight, uint16 delay) and
#: the spec's int32 indices still held by the frontend; calibrated against peak
#: RSS at 1e7 synapses (tests/unit/test_memory.py)
BUILD_PEAK_BYTES_PER_SYNAPSE = 62


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


def delay_steps(delays, dt):
    """Delays (ms, on the grid) as whole steps."""
    return np.rint(np.asarray(delays, np.float64) / dt).astype(np.int64)


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
        """Build the CSR from the spec's values (also used by reset)."""
        pre, col, w, d = self._concatenated()
        rows = self._rows(pre, col)
        del pre
        self.row_ptr, order = self._order(rows, col, d)
        del rows
        self.col = col[order].astype(np.int32)
        self.weight = w[order]
        self.max_delay = int(d.max()) if d.size else 1
        self.delay = d[order].astype(np.uint16 if self.max_delay < 65536 else np.int32)
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
