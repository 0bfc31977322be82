"""Build NetworkSpec objects directly, without the frontend, for tests that
run the same network on every backend."""
import numpy as np

from pynnlite.models.cells import STANDARD_CELL_TYPES
from pynnlite.network import (CurrentSourceSpec, NetworkSpec, PopulationSpec, ProjectionSpec,
                              RecordingSpec)

CELLS = {c.__name__: c for c in STANDARD_CELL_TYPES}


class SpecBuilder:
    """Collects populations, projections, electrodes and recordings; ``spec()``
    returns the frozen NetworkSpec (min/max delay from the projections)."""

    def __init__(self, dt=0.1, seed=12345, threads=1, min_delay=None):
        self.dt, self.seed, self.threads, self.min_delay = dt, seed, threads, min_delay
        self.pops, self.projs, self.sources, self.recs = [], [], [], []
        self._next_id = 1

    def population(self, model, size, initial=None, **params):
        """Index of a new population; parameters default to the model's."""
        cell = CELLS[model]
        p = {}
        for name, default in cell.default_parameters().items():
            value = params.pop(name, default)
            if cell.parameters[name].array_valued:
                arr = np.empty(size, object)
                arr[:] = [np.asarray(v, float) for v in value]
                p[name] = arr
            else:
                p[name] = np.broadcast_to(np.asarray(value, float), (size,)).copy()
        if params:
            raise KeyError(f"unknown parameters {sorted(params)}")
        init = {n: np.full(size, float(d)) for n, d in cell.default_initial_values().items()}
        for name, value in (initial or {}).items():
            init[name] = np.broadcast_to(np.asarray(value, float), (size,)).copy()
        index = len(self.pops)
        self.pops.append(PopulationSpec(index=index, label=f"pop{index}", model=model, size=size,
                                        first_id=self._next_id, parameters=p, initial_values=init))
        self._next_id += size
        return index

    def connect(self, pre, post, pre_idx, post_idx, weights, delays, receptor="excitatory"):
        n = len(pre_idx)
        self.projs.append(ProjectionSpec(
            index=len(self.projs), label=f"prj{len(self.projs)}", pre=pre, post=post,
            pre_indices=np.asarray(pre_idx, np.int64), post_indices=np.asarray(post_idx, np.int64),
            weights=np.broadcast_to(np.asarray(weights, float), (n,)).copy(),
            delays=np.broadcast_to(np.asarray(delays, float), (n,)).copy(),
            receptor_type=receptor))
        return len(self.projs) - 1

    def inject(self, model, targets, **params):
        """targets: [(population, local indices), ...]."""
        self.sources.append(CurrentSourceSpec(
            index=len(self.sources), model=model, parameters=params,
            targets=tuple((pop, np.asarray(idx, np.int64)) for pop, idx in targets)))
        return len(self.sources) - 1

    def record(self, pop, variable, indices=None, interval=None):
        size = self.pops[pop].size
        self.recs.append(RecordingSpec(
            population=pop, variable=variable,
            indices=np.arange(size) if indices is None else np.asarray(indices, np.int64),
            sampling_interval=interval or self.dt))

    def spec(self):
        delays = [float(d) for p in self.projs for d in np.atleast_1d(p.delays)]
        min_delay = self.min_delay or min(delays, default=self.dt)
        return NetworkSpec(dt=self.dt, min_delay=min_delay,
                           max_delay=max(delays + [min_delay]), seed=self.seed,
                           threads=self.threads, populations=tuple(self.pops),
                           projections=tuple(self.projs), current_sources=tuple(self.sources),
                           recordings=tuple(self.recs))


def run_ms(backend, t_ms, dt):
    backend.run(int(round(t_ms / dt)))
