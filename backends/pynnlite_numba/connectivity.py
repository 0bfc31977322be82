"""Static synapses in compressed rows by presynaptic internal index.

Per synapse: ``col``, the ring column channel * n_total + post (uint16 while
2 * n_total <= 65536, else int32), ``weight`` (float64, signed as given) and
``delay`` in steps (uint8 below 256 steps, uint16 below 65536, else int32):
11 to 16 bytes per synapse (HPC benchmark: 11). Each row is split by target
partition (partition.py: row ``pre * n_parts + part``, one part per thread),
and sorted within a part by (delay, column) so that delivery walks the ring
buffers in order.

The table is built from each projection's ConnectionSource (native.py): the
frontend's arrays or a native rule drawn chunk by chunk. One pass counts the
connections of every row, a second writes each connection at the next free
place of its row (so a row holds its connections in projection order), then
the few rows not already in (delay, column) order are sorted stably. Where a
projection's connections went is not stored: ``positions()`` replays the
same passes (drawing a native rule again) when connection values are asked
for, and keeps the result.
"""
import numpy as np
from numba import njit

from pynnlite.errors import ConnectionError, NoModelAvailableError

from .layout import grid_times
from .native import delay_steps, source_of
from .partition import part_of

CHANNEL = {"excitatory": 0, "inhibitory": 1}

#: bytes per static synapse of the kept table beyond its col and delay
#: (float64 weight), and the largest col and delay: see table_bytes_per_synapse
WEIGHT_BYTES = 8
#: peak bytes per static synapse of the build beyond the kept table: a
#: frontend projection's delays in steps while its rows are counted (int64,
#: heterogeneous delays only) and page-granular slack; the frontend's own
#: int32 indices are counted in the frontend's resident memory, a native
#: projection has none (its chunks are a few MB). Calibrated against peak RSS at
#: 1e7 synapses (tests/unit/test_memory.py)
BUILD_EXTRA_BYTES_PER_SYNAPSE = 1


@njit(cache=True, nogil=True)
def _csr_order(rows, n_rows, d, col, n2, order):
    """Fill ``order`` with the CSR order (by row, then delay, then ring column,
    stable) and return the row pointers: a counting sort by row, then a stable
    sort of the rows not already in (delay, column) order. The table's order,
    on concatenated arrays (SynapseTable.build reaches it without them; this
    is its statement, tests/engine/test_csr_order.py)."""
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




@njit(cache=True, nogil=True)
def _replay(pre, post, pre0, post0, col0, part, n_parts, d, ptr, col, delay, n2, eq, out, start,
            record):
    """Where the build put each of these connections (the next ones of their
    rows, in projection order): the first place of its (delay, column) key in
    the sorted row, plus the number of earlier connections with that key
    (``eq``, per place). Writes out[start + i] when ``record``."""
    for i in range(pre.shape[0]):
        r = (pre0 + pre[i]) * n_parts + part[post0 + post[i]]
        key = d[i] * n2 + col0 + post[i]
        lo, hi = ptr[r], ptr[r + 1]
        while lo < hi:
            mid = (lo + hi) >> 1
            if delay[mid] * n2 + col[mid] < key:
                lo = mid + 1
            else:
                hi = mid
        if record:
            out[start + i] = lo + eq[lo]
        eq[lo] += 1


def col_dtype(n_total):
    """The smallest type holding every ring column (2 channels x n_total)."""
    return np.uint16 if 2 * max(n_total, 1) <= 1 << 16 else np.int32


def delay_dtype(max_delay):
    """The smallest type holding delays up to ``max_delay`` steps."""
    if max_delay < 1 << 8:
        return np.uint8
    return np.uint16 if max_delay < 1 << 16 else np.int32


def table_bytes_per_synapse(n_total, max_delay):
    """Bytes per static synapse of the kept table for a network of n_total
    neurons whose longest delay is max_delay steps."""
    return (np.dtype(col_dtype(n_total)).itemsize + WEIGHT_BYTES
            + np.dtype(delay_dtype(max_delay)).itemsize)


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
        self.sources = {p.index: source_of(p, network) for p in network.projections}
        self.build()

    def _where(self, p):
        """(pre offset, post offset, ring column offset) of a projection."""
        lay = self.layout
        return (lay.pop_offset[p.pre], lay.pop_offset[p.post],
                lay.pop_offset[p.post] + CHANNEL[p.receptor_type] * lay.n_total)

    def build(self):
        """Build the CSR from the sources (also used by reset): count the
        connections of every row, then write each projection's connections,
        chunk by chunk, at the next free places of their rows, then sort the
        few rows not already in (delay, column) order."""
        n_total = max(self.n_total, 1)
        part = part_of(self.bounds, np.arange(n_total))
        self.max_delay = max([s.delay_bounds()[1] for s in self.sources.values() if s.size],
                             default=1)
        ptr = np.zeros(self.n_total * self.n_parts + 1, np.int64)
        self.sizes = {}
        for index, src in self.sources.items():
            pre0, post0, _ = self._where(self.projections[index])
            n = 0
            for _, pre, post, _, _ in src.chunks(False, False):
                _count_rows(pre, post, pre0, post0, part, self.n_parts, ptr)
                n += len(pre)
            self.sizes[index] = n
        np.cumsum(ptr, out=ptr)
        self.n_syn = int(ptr[-1])
        self.col = np.empty(self.n_syn, col_dtype(self.n_total))
        self.weight = np.empty(self.n_syn, np.float64)
        self.delay = np.empty(self.n_syn, delay_dtype(self.max_delay))
        nxt = ptr[:-1].copy()
        for index, src in self.sources.items():
            pre0, post0, col0 = self._where(self.projections[index])
            for _, pre, post, w, d in src.chunks(True, True):
                _scatter(pre, post, pre0, post0, col0, part, self.n_parts, w, d, nxt, self.col,
                         self.weight, self.delay)
        del nxt
        _sort_rows(ptr, self.col, self.weight, self.delay, np.int64(2 * n_total))
        self.row_ptr = ptr
        self._pos = {}
        self.modified = False

    def positions(self, projection):
        """CSR positions of one projection's connections, in its order."""
        if projection not in self._pos:
            self._pos.update(self._replay({projection}))
        return self._pos[projection]

    def _replay(self, wanted):
        """{projection: positions} for the projections in ``wanted``: the
        build's passes again over every projection sharing rows with them, up
        to the last one wanted. Valid while the table holds the delays it was
        built with (set() keeps every position before changing a delay)."""
        n_total = max(self.n_total, 1)
        part = part_of(self.bounds, np.arange(n_total))
        rows_of = {self.projections[k].pre for k in wanted}
        last = max(list(self.projections).index(k) for k in wanted)
        eq = np.zeros(self.n_syn, np.int32)
        dtype = np.int32 if self.n_syn < 2 ** 31 else np.int64
        out = {}
        z = np.zeros(0, dtype)
        for i, (index, src) in enumerate(self.sources.items()):
            p = self.projections[index]
            if i > last:
                break
            if p.pre not in rows_of:
                continue
            record = index in wanted
            pos = np.empty(self.sizes[index], dtype) if record else z
            pre0, post0, col0 = self._where(p)
            for start, pre, post, _, d in src.chunks(False, True):
                _replay(pre, post, pre0, post0, col0, part, self.n_parts, d, self.row_ptr,
                        self.col, self.delay, np.int64(2 * n_total), eq, pos, start, record)
            if record:
                out[index] = pos
        return out

    def size(self, projection):
        return self.sizes[projection]

    def get(self, projection, name):
        pos = self.positions(projection)
        if name == "weight":
            return self.weight[pos]
        if name == "delay":
            return grid_times(self.delay[pos], self.dt)
        raise KeyError(name)

    def set(self, projection, name, values):
        if name == "delay":
            # a changed delay leaves its row out of order: keep every position first
            missing = set(self.projections) - set(self._pos)
            if missing:
                self._pos.update(self._replay(missing))
        pos = self.positions(projection)
        values = np.broadcast_to(np.asarray(values, np.float64), pos.shape)
        if name == "weight":
            self.weight[pos] = values
        elif name == "delay":
            d = delay_steps(values, self.dt)
            new_max = max(self.max_delay, int(d.max()) if d.size else 1)
            wider = delay_dtype(new_max)
            if np.dtype(wider).itemsize > self.delay.itemsize:
                self.delay = self.delay.astype(wider)
            self.delay[pos] = d
            self.max_delay = new_max
        else:
            raise KeyError(name)
        self.modified = True

    @property
    def nbytes(self):
        return self.col.nbytes + self.weight.nbytes + self.delay.nbytes + self.row_ptr.nbytes
