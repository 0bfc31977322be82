"""The connections of PoissonGenerator populations, kept apart from the
spike-driven CSR (connectivity.py): they are not triggered by spikes but draw
in every active step (kernels/drive.py).

Rows by generator (column of the generator block), sorted within a row by
(target, channel, delay); per connection an int32 ring column, a float64 weight
and a uint16 delay in steps (14 bytes). A connection's position in this table
keys its random stream, so the draws depend only on the seed and the network,
never on threads: the table's order does not depend on the number of threads,
and because it is sorted by target, the connections of each target partition
(partition.py) form one stretch of the row, pointed to by ``part_ptr`` (row
``generator * n_parts + part``).

A native projection from a generator (a connector with native=True) is drawn
whole here (native.py), like the frontend's arrays: the table is a sort of
all its connections, and a generator's connections are one per target or so.
"""
import dataclasses

import numpy as np

from pynnlite.errors import ConnectionError

from .connectivity import CHANNEL, delay_steps
from .layout import grid_times
from .native import source_of
from .partition import part_of

GENERATOR = "PoissonGenerator"


def split_network(network):
    """(projections from PoissonGenerator populations, the network without them)."""
    models = {p.index: p.model for p in network.populations}
    drive = tuple(p for p in network.projections if models[p.pre] == GENERATOR)
    rest = tuple(p for p in network.projections if models[p.pre] != GENERATOR)
    return drive, dataclasses.replace(network, projections=rest)


class DriveTable:
    """All PoissonGenerator connections of a network, and their block's arrays."""

    def __init__(self, projections, network, layout, bounds=None):
        self.dt = network.dt
        self.layout = layout
        self.bounds = np.array([0, layout.n_total], np.int64) if bounds is None else bounds
        self.n_parts = len(self.bounds) - 1
        self.projections = {p.index: p for p in projections}
        for p in projections:
            if p.synapse_model != "StaticSynapse":
                raise ConnectionError(
                    f"projection '{p.label}': a PoissonGenerator can only drive StaticSynapse "
                    f"connections, not {p.synapse_model}")
        self.block = next((b for b in layout.blocks if b.model.name == GENERATOR), None)
        self.sources = {p.index: source_of(p, network) for p in projections}
        self.proj_start, self.sizes, start = {}, {}, 0
        for p in projections:
            self.proj_start[p.index] = start
            self.sizes[p.index] = self.sources[p.index].size
            start += self.sizes[p.index]
        self.n_syn = start
        self.build()

    def _concatenated(self):
        nets = list(self.projections.values())
        if not nets:
            z = np.zeros(0, np.int64)
            return z, z, np.zeros(0), z
        lay = self.layout
        pairs = [self.sources[p.index].connections() for p in nets]
        gen = np.concatenate([lay.columns(p.pre, pre)[1] for p, (pre, _) in zip(nets, pairs)])
        col = np.concatenate([lay.internal(p.post, post) + CHANNEL[p.receptor_type] * lay.n_total
                              for p, (_, post) in zip(nets, pairs)])
        w = np.concatenate([self.sources[p.index].weights() for p in nets])
        d = np.concatenate([self.sources[p.index].delay_steps() for p in nets])
        return gen, col, w, d

    def build(self):
        """The table from the spec's values (also used by reset)."""
        gen, col, w, d = self._concatenated()
        post = col % max(self.layout.n_total, 1)
        self.order = np.lexsort((d, col, post, gen))
        n_gen = self.block.n if self.block is not None else 0
        rows = gen * self.n_parts + part_of(self.bounds, post)
        self.part_ptr = np.zeros(n_gen * self.n_parts + 1, np.int64)
        np.cumsum(np.bincount(rows, minlength=n_gen * self.n_parts), out=self.part_ptr[1:])
        self.col = col[self.order].astype(np.int32)
        self.weight = w[self.order]
        self.max_delay = int(d.max()) if d.size else 1
        self.delay = d[self.order].astype(np.uint16 if self.max_delay < 65536 else np.int32)
        self._pos = None
        self.modified = False
        self._publish()

    def _publish(self):
        """Hand the arrays to the generator block (the compiled loop reads them there)."""
        if self.block is not None:
            self.block.arrays.update(dptr=self.part_ptr, dcol=self.col, dw=self.weight,
                                     dd=self.delay)

    def owns(self, projection):
        return projection in self.projections

    def positions(self, projection):
        if self._pos is None:
            self._pos = np.empty(self.n_syn, np.int64)
            self._pos[self.order] = np.arange(self.n_syn, dtype=np.int64)
        start = self.proj_start[projection]
        return self._pos[start:start + self.sizes[projection]]

    def get(self, projection, name):
        pos = self.positions(projection)
        if name == "weight":
            return self.weight[pos].copy()
        if name == "delay":
            return grid_times(self.delay[pos], self.dt)
        raise KeyError(name)

    def set(self, projection, name, values):
        """New values take effect at once; the table keeps its order (and the
        connections their random streams)."""
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
            self._publish()
        else:
            raise KeyError(name)
        self.modified = True

    @property
    def nbytes(self):
        return self.col.nbytes + self.weight.nbytes + self.delay.nbytes + self.part_ptr.nbytes
