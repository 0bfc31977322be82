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

from pynnlite.errors import ConnectionError, NoModelAvailableError

from .layout import grid_times
from .partition import part_of

CHANNEL = {"excitatory": 0, "inhibitory": 1}

#: peak bytes per static synapse while the table is built: the concatenated
#: int64 pre/col/delay and float64 weight (32), the sort key and permutation
#: (16), then the kept table (14: int32 col, float64 weight, uint16 delay) and
#: the spec's int32 indices still held by the frontend; calibrated against peak
#: RSS at 1e7 synapses (tests/unit/test_memory.py)
BUILD_PEAK_BYTES_PER_SYNAPSE = 62


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
        """The CSR order: by row, then delay, then ring column; stable, so
        equal keys keep the spec order."""
        n2 = np.int64(2 * max(self.n_total, 1))
        dmax = np.int64(d.max() + 1 if d.size else 1)
        n_rows = (self.n_total + 1) * self.n_parts
        if n_rows * float(dmax) * float(n2) < 2.0 ** 62:
            return np.argsort((rows * dmax + d) * n2 + col, kind="stable")
        return np.lexsort((col, d, rows))

    def build(self):
        """Build the CSR from the spec's values (also used by reset)."""
        pre, col, w, d = self._concatenated()
        rows = self._rows(pre, col)
        del pre
        order = self._order(rows, col, d)
        n_rows = self.n_total * self.n_parts
        self.row_ptr = np.zeros(n_rows + 1, np.int64)
        np.cumsum(np.bincount(rows, minlength=n_rows), out=self.row_ptr[1:])
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
            order = self._order(self._rows(pre, col), col, d)
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
