"""The simulation session: time step, delays, seed, backend, and the objects
that make up the network.

A :class:`Simulation` is explicit; the module-level ``setup``/``run``/``end``
of PyNN delegate to a replaceable default (``get_simulation()``), which is
created by ``setup()``. The network is built on the backend at the first run;
after that, parameters, initial values and connection attributes may change
between runs (they take effect at once), but the structure may not.
"""
import json
import math
import os
import tempfile
import warnings

import numpy as np

from . import memory
from .backend import load_backend
from .errors import (InvalidParameterValueError, NoModelAvailableError, RoundingWarning,
                     SimulationStateError)
from .network import CurrentSourceSpec, NetworkSpec, PopulationSpec, RecordingSpec
from .recording import SegmentData

#: environment variable: when set, end() dumps connections and spikes to this .npz path
DUMP_ENV = "PYNNLITE_DUMP"

#: seed used when setup() is given none: scripts are reproducible by default (as NEST's)
DEFAULT_SEED = 1234567

_default_backend = "numba"
_current = None


def set_default_backend(name):
    """Choose the backend the next setup() uses when it is given none."""
    global _default_backend
    _default_backend = name


def get_simulation():
    """The current default Simulation (created by setup())."""
    if _current is None:
        raise SimulationStateError("no simulation: call setup() first")
    return _current


def _grid_steps(value, dt, name, what):
    """value/dt as a whole number of steps, or an error naming the value."""
    steps = value / dt
    whole = round(steps)
    if not math.isfinite(steps) or abs(steps - whole) > 1e-9 * max(1.0, abs(steps)):
        raise InvalidParameterValueError(name, value, f"a multiple of the time step {dt} ms", what)
    return int(whole)


def _sorted_unique(values):
    """np.unique by sorting (np.unique's own path is slow on large arrays here)."""
    values = np.sort(values)
    keep = np.ones(len(values), bool)
    keep[1:] = values[1:] != values[:-1]
    return values[keep]


class Simulation:
    """One simulated network: its clock, its objects and its backend."""

    def __init__(self, timestep=0.1, min_delay="auto", max_delay=None, backend=None,
                 seed=None, rng_seed=None, threads=1, round_delays=False, **extra):
        for name, value in (("timestep", timestep),):
            if isinstance(value, bool) or not isinstance(value, (int, float)) or not (
                    math.isfinite(value) and value > 0):
                raise InvalidParameterValueError(name, value, "a finite number > 0 (ms)", "setup")
        self.dt = float(timestep)
        if min_delay == "auto" or min_delay is None:
            self._min_delay_given = False
            self.min_delay = self.dt
        else:
            if not (isinstance(min_delay, (int, float)) and math.isfinite(min_delay)
                    and min_delay >= self.dt * (1 - 1e-9)):
                raise InvalidParameterValueError("min_delay", min_delay,
                                                 f"'auto' or a number >= the time step ({self.dt} ms)",
                                                 "setup")
            self._min_delay_given = True
            self.min_delay = float(min_delay)
        if max_delay is not None and not (isinstance(max_delay, (int, float))
                                          and max_delay >= self.min_delay):
            raise InvalidParameterValueError("max_delay", max_delay,
                                             f"None or a number >= min_delay ({self.min_delay} ms)",
                                             "setup")
        self.max_delay = None if max_delay is None else float(max_delay)
        if not isinstance(threads, (int, np.integer)) or isinstance(threads, bool) or threads < 1:
            raise InvalidParameterValueError("threads", threads, "a whole number >= 1", "setup")
        self.threads = int(threads)
        seed = seed if seed is not None else rng_seed
        if seed is None:
            seed = DEFAULT_SEED
        if not isinstance(seed, (int, np.integer)) or isinstance(seed, bool) or seed < 0:
            raise InvalidParameterValueError("seed", seed, "a whole number >= 0", "setup")
        self.seed = int(seed)
        self.round_delays = bool(round_delays)
        self.backend_name = backend or _default_backend
        self.backend_class = load_backend(self.backend_name)
        self.options = extra
        self.populations = []
        self.projections = []
        self.current_sources = []
        self._write_on_end = []
        self._next_id = 1
        self._rng_counter = 0
        self._step = 0
        self._backend = None
        self._segments = [SegmentData(0)]
        self._segment_annotations = [{}]
        from . import random as _random
        _random.set_default_seed(self.seed)

    # --- registration (called by Population, Projection, current sources)

    def _check_can_add(self, what):
        if self._backend is not None:
            raise SimulationStateError(
                f"cannot create a {what} after the network was built by run(); create all "
                "populations, projections and current sources before the first run()")

    def _register_population(self, population):
        self._check_can_add("Population")
        population._index = len(self.populations)
        population.first_id = self._next_id
        self._next_id += population.size
        self.populations.append(population)

    def _register_projection(self, projection):
        self.projections.append(projection)

    def _register_current_source(self, source):
        self._check_can_add(type(source).__name__)
        self.current_sources.append(source)

    def _next_rng(self):
        """A NumpyRNG for a connector given none: one stream per call, derived
        from the seed, so connectivity depends only on the seed and the order of
        Projection creation."""
        from .random import NumpyRNG
        self._rng_counter += 1
        seq = np.random.SeedSequence(self.seed, spawn_key=(0x70726f6a, self._rng_counter))
        return NumpyRNG(seed=int(seq.generate_state(1, np.uint64)[0] >> np.uint64(1)))

    # --- checks shared by the frontend objects

    def _check_delays(self, delays, model):
        delays = np.asarray(delays, dtype=float)
        if delays.ndim == 1 and delays.strides == (0,) and len(delays):
            # homogeneous (a zero-stride view): check one value, keep the view
            return np.broadcast_to(self._check_delays(delays[:1].copy(), model)[0], delays.shape)
        if not np.isfinite(delays).all():
            raise InvalidParameterValueError("delay", delays[~np.isfinite(delays)][0],
                                             "finite numbers (ms)", model)
        steps = delays / self.dt
        rounded = np.round(steps)
        off = np.abs(steps - rounded) > 1e-9 * np.maximum(1.0, np.abs(steps))
        if off.any():
            bad = delays[off][0]
            if not self.round_delays:
                raise InvalidParameterValueError(
                    "delay", bad, f"a multiple of the time step {self.dt} ms (or setup("
                    "round_delays=True) to round delays to the grid)", model)
            warnings.warn(f"{int(off.sum())} delays rounded to the {self.dt} ms grid, e.g. "
                          f"{bad} -> {np.round(bad / self.dt) * self.dt} ms", RoundingWarning)
        delays = rounded * self.dt
        low = self.min_delay if self._min_delay_given else self.dt
        if (delays < low * (1 - 1e-9)).any():
            raise InvalidParameterValueError("delay", delays[delays < low * (1 - 1e-9)][0],
                                             f">= {'min_delay' if self._min_delay_given else 'the time step'}"
                                             f" ({low} ms)", model)
        if self.max_delay is not None and (delays > self.max_delay * (1 + 1e-9)).any():
            raise InvalidParameterValueError("delay", delays[delays > self.max_delay * (1 + 1e-9)][0],
                                             f"<= max_delay ({self.max_delay} ms)", model)
        return delays

    def _check_sampling_interval(self, interval):
        if interval is None:
            return self.dt
        if not isinstance(interval, (int, float, np.floating)) or not interval > 0:
            raise InvalidParameterValueError("sampling_interval", interval,
                                             f"a multiple of the time step {self.dt} ms", "record")
        return _grid_steps(float(interval), self.dt, "sampling_interval", "record") * self.dt

    # --- changes between runs

    def _parameter_changed(self, population, name, indices):
        if self._backend is not None:
            values = population._parameters.evaluated(name)
            idx = np.arange(population.size) if indices is None else np.asarray(indices)
            self._backend.set_parameters(population._index, name, idx, values[idx])

    def _state_changed(self, population, name, indices):
        if self._backend is not None:
            values = population._initial.evaluated(name)
            idx = np.arange(population.size) if indices is None else np.asarray(indices)
            self._backend.set_state(population._index, name, idx, values[idx])

    def _recording_changed(self, population):
        if self._backend is not None:
            raise SimulationStateError(
                "recording must be set up before the first run(); "
                f"'{population.label}' asked for a change after the network was built")

    def _current_source_changed(self, source):
        if self._backend is not None:
            raise SimulationStateError(
                "current-source parameters cannot change after the network was built "
                "(create the source with its final times and amplitudes)")

    # --- build and run

    def network_spec(self):
        """The validated NetworkSpec of everything created so far."""
        populations = []
        for pop in self.populations:
            populations.append(PopulationSpec(
                index=pop._index, label=pop.label, model=type(pop.celltype).__name__,
                size=pop.size, first_id=pop.first_id,
                parameters={n: pop._parameters.evaluated(n) for n in pop._parameters.names()},
                initial_values={n: pop._initial.evaluated(n) for n in pop._initial.names()}))
        projections = []
        for prj in self.projections:
            projections.extend(prj._specs(len(projections)))
        sources = []
        for source in self.current_sources:
            targets = {}
            for cells in source.targets:
                for root, idx in cells._parts():
                    chosen = np.arange(root.size) if idx is None else np.asarray(idx)
                    targets.setdefault(root._index, []).append(chosen)
            sources.append(CurrentSourceSpec(
                index=len(sources), model=type(source).__name__, parameters=source.values(),
                targets=tuple((p, _sorted_unique(np.concatenate(ix))) for p, ix in targets.items())))
        recordings = []
        for pop in self.populations:
            for variable, mask in pop._recording.items():
                if mask.any():
                    recordings.append(RecordingSpec(
                        population=pop._index, variable=variable, indices=np.flatnonzero(mask),
                        sampling_interval=pop._sampling_interval.get(variable, self.dt)))
        max_delay = max([self.min_delay] + [float(p.delays.max()) for p in projections if p.size]
                        + [p.native_rule["delay_range"][1] for p in projections if p.native_rule])
        return NetworkSpec(
            dt=self.dt, min_delay=self.min_delay, max_delay=max(max_delay, self.max_delay or 0.0),
            seed=self.seed, threads=self.threads, populations=tuple(populations),
            projections=tuple(projections), current_sources=tuple(sources),
            recordings=tuple(recordings), options=dict(self.options),
            weight_recordings=tuple(self._weight_recording_specs()))

    def _weight_recording_specs(self):
        """WeightRecordingSpecs of every projection that records its weights
        (after network_spec() numbered the ProjectionSpecs)."""
        out = []
        for prj in self.projections:
            if prj._weight_recording is not None:
                out.extend(prj._weight_recording.specs(prj._spec_map, prj.size()))
        return out

    def _check_capabilities(self, network):
        caps = self.backend_class.capabilities
        if caps is None:
            return
        for pop in network.populations:
            if pop.model not in caps.cell_types:
                raise NoModelAvailableError(
                    f"the '{self.backend_name}' backend has no cell type {pop.model}; it has: "
                    f"{', '.join(sorted(caps.cell_types))}")
        for prj in network.projections:
            for model in (prj.synapse_model, *filter(None, prj.synapse_components.values())):
                if model not in caps.synapse_types:
                    raise NoModelAvailableError(
                        f"the '{self.backend_name}' backend has no synapse type {model} "
                        f"(projection '{prj.label}'); it has: {', '.join(caps.synapse_types)}")
        if network.weight_recordings and "weight_recording" not in caps.features:
            raise NoModelAvailableError(
                f"the '{self.backend_name}' backend cannot record weights (record_weights)")
        for src in network.current_sources:
            if src.model not in caps.current_sources:
                raise NoModelAvailableError(
                    f"the '{self.backend_name}' backend has no current source {src.model}; "
                    f"it has: {', '.join(caps.current_sources)}")

    def memory_estimate(self, network=None):
        """Estimated bytes this simulation will hold at its peak, by component:
        what the process holds now (``current``, including the frontend's
        connections), the backend's build and state (``backend``), and ``total``."""
        network = network or self.network_spec()
        current = memory.resident_bytes() if self._backend is None else 0
        estimate = getattr(self.backend_class, "memory_estimate", None)
        backend = int(estimate(network)) if estimate and self._backend is None else 0
        return {"current": current, "backend": backend, "total": current + backend}

    def build(self):
        """Build the network on the backend (done by the first run()). A network
        whose estimated memory exceeds what is available is refused first."""
        if self._backend is not None:
            return
        network = self.network_spec()
        self._check_capabilities(network)
        needed = self.memory_estimate(network)["backend"]
        memory.check_fits(needed, f"building the network on the '{self.backend_name}' backend "
                                  f"({network.n_neurons} neurons, {network.n_connections} connections)")
        backend = self.backend_class(threads=self.threads, **self.options)
        backend.build(network)
        self._backend = backend
        self._fetch_recorded()

    def run(self, simtime, callbacks=None):
        """Advance the simulation by ``simtime`` ms (a multiple of the time step).
        run(0) does nothing. Returns the current time."""
        if isinstance(simtime, bool) or not isinstance(simtime, (int, float, np.integer, np.floating)):
            raise InvalidParameterValueError("simtime", simtime, "a number of ms >= 0", "run")
        if not math.isfinite(simtime) or simtime < 0:
            raise InvalidParameterValueError("simtime", simtime, "a finite number of ms >= 0", "run")
        n_steps = _grid_steps(float(simtime), self.dt, "simtime", "run")
        if callbacks:
            return self._run_with_callbacks(n_steps, callbacks)
        if n_steps == 0:
            return self.t
        self.build()
        self._backend.run(n_steps)
        self._step += n_steps
        self._fetch_recorded()
        return self.t

    def _run_with_callbacks(self, n_steps, callbacks):
        """PyNN's callbacks: each is called with the current time and returns the
        time of its next call."""
        end = self._step + n_steps
        next_call = {i: self.t for i in range(len(callbacks))}
        while self._step < end:
            due = min(next_call.values())
            target = min(end, max(self._step, _grid_steps(round(due / self.dt) * self.dt, self.dt,
                                                          "callback time", "run")))
            if target > self._step:
                self.run((target - self._step) * self.dt)
            for i, cb in enumerate(callbacks):
                if next_call[i] <= self.t + 1e-12:
                    next_call[i] = cb(self.t)
        return self.t

    def run_until(self, tstop, callbacks=None):
        """Run until time ``tstop`` (ms)."""
        return self.run(tstop - self.t, callbacks)

    @property
    def t(self):
        return self._step * self.dt

    def reset(self, annotations=None):
        """Go back to t = 0: state variables to their initial values, connection
        weights and delays to the values they were last given (by the connector or
        by Projection.set; changes made by plasticity are discarded), spikes in
        transit dropped. Recording continues in a new neo Segment; earlier
        segments are kept."""
        if self._backend is not None:
            self._fetch_recorded()
            self._backend.reset()
            # the backend restores the spec's values; values the user set since are
            # the ones that hold at t = 0 again (on every backend alike)
            for prj in self.projections:
                for name in prj._user_set:
                    for spec_index, selection in prj._spec_map:
                        self._backend.set_connection_values(spec_index, name,
                                                            prj._values[name][selection])
        self._step = 0
        self._segments.append(SegmentData(len(self._segments)))
        self._segment_annotations.append(dict(annotations or {}))
        if self._backend is not None:
            self._fetch_recorded()

    def end(self):
        """Write data requested with record(to_file=...) and release the backend."""
        for cells, filename in self._write_on_end:
            cells.write_data(filename, overwrite=True)
        self._write_on_end = []
        if os.environ.get(DUMP_ENV) and self._backend is not None:
            self.dump(os.environ[DUMP_ENV])
        if self._backend is not None:
            self._backend.end()
            self._backend = None

    def is_deterministic(self):
        """True when nothing in the network draws random numbers while running
        (no SpikeSourcePoisson or PoissonGenerator, no NoisyCurrentSource)."""
        from .models import NoisyCurrentSource, PoissonGenerator, SpikeSourcePoisson
        return not (any(isinstance(p.celltype, (SpikeSourcePoisson, PoissonGenerator))
                        for p in self.populations)
                    or any(isinstance(c, NoisyCurrentSource) for c in self.current_sources))

    def dump(self, path):
        """Write the network's connections and the current segment's spikes to an
        .npz file (used by pynnlite.crossval to compare backends):
        ``prj{k}_pre``/``_post`` (projection-local indices), ``prj{k}_weight``,
        ``prj{k}_delay`` for each Projection in creation order; ``pop{k}_spike_index``,
        ``pop{k}_spike_time`` and ``pop{k}_recorded`` (indices recording spikes) for
        each Population; ``labels`` (JSON: populations, projections, backend, t, dt,
        deterministic)."""
        self._fetch_recorded()
        arrays = {}
        for k, prj in enumerate(self.projections):
            arrays[f"prj{k}_pre"] = prj._connections.pre
            arrays[f"prj{k}_post"] = prj._connections.post
            arrays[f"prj{k}_weight"] = prj._current("weight")
            arrays[f"prj{k}_delay"] = prj._current("delay")
        for k, pop in enumerate(self.populations):
            index, times = self._segments[-1].record_of(k).spikes()
            arrays[f"pop{k}_spike_index"] = index
            arrays[f"pop{k}_spike_time"] = times
            arrays[f"pop{k}_recorded"] = np.flatnonzero(pop._recording.get("spikes", np.zeros(0, bool)))
        arrays["labels"] = np.array(json.dumps({
            "populations": [p.label for p in self.populations],
            "sizes": [p.size for p in self.populations],
            "spike_recorded": [int(p._recording.get("spikes", np.zeros(0, bool)).sum())
                               for p in self.populations],
            "projections": [p.label for p in self.projections],
            "backend": self.backend_name, "t": self.t, "seed": self.seed, "dt": self.dt,
            "deterministic": self.is_deterministic()}))
        directory = os.path.dirname(os.path.abspath(path))
        fd, tmp = tempfile.mkstemp(dir=directory, prefix=".pynnlite-dump-", suffix=".npz")
        os.close(fd)
        try:
            np.savez(tmp, **arrays)
            os.replace(tmp, path)
        except BaseException:
            if os.path.exists(tmp):
                os.unlink(tmp)
            raise

    # --- recorded data

    def _fetch_recorded(self):
        if self._backend is None:
            return
        segment = self._segments[-1]
        for pop_index, chunk in self._backend.fetch_recorded().items():
            segment.add(pop_index, chunk)
        weights = self._backend.fetch_weights()
        if weights:
            owner = {spec: prj for prj in self.projections for spec, _ in prj._spec_map}
            for spec_index, chunk in weights.items():
                owner[spec_index]._weight_recording.add(segment.index, spec_index, chunk)
        segment.t_stop = self.t

    def _records_of(self, pop_index):
        return [seg.record_of(pop_index) for seg in self._segments]

    def _segment_t_stops(self):
        return [seg.t_stop for seg in self._segments]

    def _clear_records(self, pop_index):
        for seg in self._segments:
            seg.populations.pop(pop_index, None)

    def _block_annotations(self):
        from . import __version__
        return {"simulator": f"pynnlite ({self.backend_name})", "pynnlite_version": __version__,
                "dt": self.dt, "seed": self.seed, "threads": self.threads}


# --- PyNN's module-level functions

def setup(timestep=0.1, min_delay="auto", max_delay=None, **extra_params):
    """Start a new simulation and make it the default. Extra parameters: backend
    ('numba', 'nest', ...), seed (or rng_seed), threads, round_delays; further
    keys are handed to the backend. Returns the MPI rank (0)."""
    global _current
    if _current is not None:
        _current.end()
    _current = Simulation(timestep, min_delay, max_delay, **extra_params)
    return 0


def end(compatible_output=True):
    """Finish the simulation: write data requested with record(to_file=...)."""
    global _current
    if _current is not None:
        _current.end()
    _current = None


def run(simtime, callbacks=None):
    return get_simulation().run(simtime, callbacks)


run_for = run


def run_until(time_point, callbacks=None):
    return get_simulation().run_until(time_point, callbacks)


def reset(annotations=None):
    get_simulation().reset(annotations)


def get_current_time():
    return get_simulation().t


def get_time_step():
    return get_simulation().dt


def get_min_delay():
    return get_simulation().min_delay


def get_max_delay():
    sim = get_simulation()
    return sim.max_delay if sim.max_delay is not None else sim.network_spec().max_delay


def num_processes():
    sim = _current
    return sim._backend.num_processes() if sim is not None and sim._backend else 1


def rank():
    sim = _current
    return sim._backend.rank() if sim is not None and sim._backend else 0
