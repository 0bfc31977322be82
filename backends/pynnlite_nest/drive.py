"""PoissonGenerator on NEST: one ``poisson_generator`` per element, connected
directly to its targets, so that NEST draws an independent train for every
connection (its own per-target semantics), with no parrot in between.

Placed in time like the engine's generator: active in the steps whose events
are stamped in (T0 + start, T0 + start + duration]. poisson_generator is
active in the steps that start in (origin + start, origin + stop], so the
segment's origin is T0 - dt (one step earlier than the segment start).
"""
import numpy as np

from .stimuli import subset


class GeneratorPopulation:
    """The NEST nodes of one PoissonGenerator population."""

    def __init__(self, nest, spec):
        self.nest = nest
        self.spec = spec
        self.generators = nest.Create("poisson_generator", spec.size)
        self.params = {k: np.array(v, copy=True) for k, v in spec.parameters.items()}

    @property
    def senders(self):
        """The nodes whose connections reach the targets."""
        return self.generators

    def connect(self, nest, delay_ms):
        """Nothing to connect: the generators reach their targets directly."""

    def place(self, grid, t0, d, indices=None):
        """Set the generators' parameters for a segment starting at step t0."""
        idx = np.arange(self.spec.size) if indices is None else np.unique(indices)
        if not len(idx):
            return
        start = grid.ceil(self.params["start"][idx])
        stop = np.maximum(grid.floor(self.params["start"][idx] + self.params["duration"][idx]),
                          start)
        subset(self.nest, self.generators, idx).set({
            "origin": np.full(len(idx), float(grid.ms(t0 - 1))),
            "rate": np.asarray(self.params["rate"][idx], np.float64),
            "start": grid.ms(start), "stop": grid.time_or_inf(stop)})

    def set_parameters(self, name, indices, values, grid, t0, d):
        self.params[name][np.asarray(indices, np.int64)] = values
        self.place(grid, t0, d, indices)
