"""NestBackend: pynnlite networks simulated by NEST.

The adapter receives the same NetworkSpec as pynnlite's engine (connections
already drawn by the frontend) and builds it with one ``nest.Create`` per
population and one ``nest.Connect`` per projection. Times follow NEST's grid
conventions, which are pynnlite's (REFERENCE.md 2.0).

Segments and NEST's clock
-------------------------
NEST has no way to set its clock back, so pynnlite's t = 0 of a segment is
NEST's step ``T0``. ``build`` starts the network after a short lead-in (T0 > 0)
so that electrodes and sources can be scheduled for the very first step;
``reset`` emulates PyNN's reset:

1. the neurons' thresholds are raised out of reach and the synaptic time
   constants of current-based cells are made tiny (NEST does not let Python
   set I_syn), then NEST runs a flush long enough for every spike in transit
   to arrive, for refractoriness to end and for the synaptic currents to
   decay to exactly zero;
2. thresholds and time constants are restored, the state is set to the spec's
   initial values, sources and electrodes are rescheduled for the new T0;
3. everything NEST recorded up to T0 is dropped.

What differs from the engine: spikes in transit are delivered during the flush
instead of being discarded (their effect is then overwritten), NEST's clock
keeps running (kernel status ``biological_time`` is not pynnlite's time), and
random streams (Poisson sources, noise) continue rather than restart.
Connection weights and delays set with ``set_connection_values`` persist
across a reset (static synapses hold no state).

Threads: ``spec.threads`` becomes NEST's local_num_threads; events are sorted
into place, so the data do not depend on it. MPI: ``num_processes`` and
``rank`` come from NEST, but per-neuron arrays and recordings assume one
process (not yet tested with an MPI build of NEST).
"""
import numpy as np

from pynnlite.backend import Backend, Capabilities
from pynnlite.errors import (BackendError, NoModelAvailableError, NonExistentParameterError,
                             RecordingError, SimulationStateError)
from pynnlite.models.cells import STANDARD_CELL_TYPES
from pynnlite.models.gif import GIF_CELL_TYPES
from pynnlite.models.plasticity import PLASTICITY_COMPONENTS
from pynnlite.models.poisson_generator import PoissonGenerator
from pynnlite.recording import SignalChunk

from .connections import Connections
from .drive import GeneratorPopulation
from .kernel import Grid, lcm_steps, nest_module, nest_seed, set_quiet
from .native import NATIVE_CONNECTORS, check_rule
from .node_status import assign, copy_parameters, set_status
from .plasticity import Plasticity
from .recorders import Recorders, node_values
from .stimuli import Electrode, SourcePopulation
from .translations import CELLS, ELECTRODES, SOURCES, SYNAPSES

_RECORDABLE = {c.__name__: c.recordable for c in (*STANDARD_CELL_TYPES, PoissonGenerator,
                                                   *GIF_CELL_TYPES)}

#: a threshold no neuron reaches while the adapter flushes the network (mV)
_UNREACHABLE_THRESHOLD = 1e30
#: tau_syn = dt / 700 makes NEST's decay factor exp(-700) ~ 1e-304 per step,
#: so that synaptic currents underflow to exactly zero within three steps
_FLUSH_DECAY = 700.0
#: spike-free steps at the end of a flush (enough for the underflow above)
_QUIET_STEPS = 4

#: the NestBackend instance whose network NEST holds (NEST has one kernel per process)
_owner = None


def _index(obj):
    return getattr(obj, "index", obj)


class NestBackend(Backend):
    """Runs a pynnlite network on NEST (nest-simulator 3.x)."""

    name = "nest"
    capabilities = Capabilities(
        cell_types={name: _RECORDABLE[name] for name in (*CELLS, *SOURCES, "PoissonGenerator")},
        synapse_types=(*SYNAPSES, "STDPMechanism", "TsodyksMarkramSynapse", "ClopathSynapse",
                       *(c.__name__ for c in PLASTICITY_COMPONENTS)),
        current_sources=tuple(ELECTRODES),
        connectors_native=NATIVE_CONNECTORS,
        features=("reset", "multiple_runs", "spike_multiplicity", "set_parameters_between_runs",
                  "weight_recording", "threads", "native_plastic"),
    )

    def __init__(self, **options):
        super().__init__(**options)
        self.network = None

    # ------------------------------------------------------------ lifecycle

    def build(self, network):
        """Create the network on a freshly reset NEST kernel, at t = 0."""
        global _owner
        self._check_supported(network)
        nest = self.nest = nest_module()
        _owner = self
        self.network = network
        self.grid = grid = Grid(network.dt)
        self._pops = {p.index: p for p in network.populations}
        has_signals = (any(r.variable != "spikes" for r in network.recordings)
                       or bool(network.weight_recordings))
        # a multimeter connected with delay dt lags by one step only (see recorders)
        self.delay_steps = 1 if has_signals else max(1, int(grid.steps(network.min_delay)))
        delay_ms = float(grid.ms(self.delay_steps))
        try:
            nest.ResetKernel()
            set_quiet(nest)
            nest.set(resolution=grid.dt, local_num_threads=int(network.threads),
                     rng_seed=nest_seed(network.seed))
            nest.set(min_delay=delay_ms,
                     max_delay=float(max(network.max_delay, delay_ms, network.min_delay)))
            self._create(network, delay_ms)
        except Exception as exc:
            self._reraise(exc, "building the network")
        intervals = self.recorders.intervals
        self.sample_lcm = lcm_steps(intervals)
        lead_in = self._aligned(self.delay_steps + 1)
        self._t0 = 0
        self._now = 0
        self._start_segment(lead_in)
        self.connections.map(self._nodes_of)
        self.plasticity.start_recording(self.connections, self._t0)

    def _create(self, network, delay_ms):
        nest = self.nest
        self.cells = {}
        self.sources = {}
        self._params = {}
        for pop in network.populations:
            if pop.model in CELLS:
                tr = CELLS[pop.model]
                params = copy_parameters(pop.parameters)
                self._params[pop.index] = params
                self.cells[pop.index] = nest.Create(tr.nest_model, pop.size)
                set_status(self.cells[pop.index], tr.nest_parameters(params))
            else:
                kind = GeneratorPopulation if pop.model == "PoissonGenerator" else SourcePopulation
                src = kind(nest, pop)
                src.connect(nest, delay_ms)
                self.sources[pop.index] = src
        self.plasticity = Plasticity(nest, network, None, network.weight_recordings)
        self.plasticity.set_tau_minus(self._nodes_of)
        self.connections = Connections(
            nest, network, ids_of=lambda i: self._nodes_of(i)[0].global_id,
            conductance_of=lambda i: self._pops[i].model in CELLS and CELLS[
                self._pops[i].model].conductance_based, grid=self.grid,
            plasticity=self.plasticity)
        self.connections.connect()
        self.electrodes = []
        for spec in network.current_sources:
            el = Electrode(nest, spec)
            ids = [self.cells[p][0].global_id + np.asarray(idx, np.int64) for p, idx in spec.targets]
            el.connect(nest, np.concatenate(ids) if ids else np.zeros(0, np.int64), delay_ms)
            self.electrodes.append(el)
        state_tables = {p.index: CELLS[p.model].state for p in network.populations
                        if p.model in CELLS}
        self.recorders = Recorders(nest, network, self._nodes_of, state_tables, self.grid, delay_ms)

    def _nodes_of(self, pop):
        """The nodes that emit (and receive) the spikes of a population."""
        if pop in self.cells:
            return self.cells[pop]
        return self.sources[pop].senders

    def _aligned(self, steps):
        """The first multiple of every sampling interval at or after ``steps``,
        so that NEST's samples (at multiples of the interval) fall on the
        segment's sampling grid."""
        return -(-int(steps) // self.sample_lcm) * self.sample_lcm

    def _start_segment(self, t0):
        """Schedule stimuli for a segment starting at NEST step t0, run NEST
        quietly up to t0 and set the initial state there."""
        nest = self.nest
        try:
            for src in self.sources.values():
                src.place(self.grid, t0, self.delay_steps)
            for el in self.electrodes:
                el.place(self.grid, t0, self.delay_steps)
            self._silence(True)
            nest.Simulate(float(self.grid.ms(t0 - self._now)))
            self._silence(False)
            self._set_initial_state()
        except Exception as exc:
            self._reraise(exc, "starting a segment")
        self.recorders.discard(self._t0, t0)
        self._t0 = self._now = t0
        self.recorders.start_segment()
        self._initial_sample_due = True

    def _silence(self, on):
        """Thresholds out of reach and synaptic currents decaying at once (on),
        or the spec's values back (off)."""
        for index, nodes in self.cells.items():
            tr = CELLS[self._pops[index].model]
            n = self._pops[index].size
            if on:
                # threshold None: a model whose spikes the adapter cannot prevent
                # (see translations_adex)
                status = ({} if tr.threshold is None
                          else {tr.threshold: np.full(n, _UNREACHABLE_THRESHOLD)})
                for name in tr.synaptic_time_constants:
                    status[name] = np.full(n, self.grid.dt / _FLUSH_DECAY)
                for name in tr.flush_empty:
                    status[name] = []
                for name, value in tr.flush_values:
                    status[name] = np.full(n, value)
            else:
                names = (tr.threshold, *tr.synaptic_time_constants, *tr.flush_empty,
                         *(name for name, _ in tr.flush_values))
                status = {k: v for k, v in tr.nest_parameters(self._params[index]).items()
                          if k in names}
            set_status(nodes, status)

    def _set_initial_state(self):
        for index, nodes in self.cells.items():
            pop = self._pops[index]
            status = {}
            for name, var in CELLS[pop.model].state.items():
                if var.accessible and not var.sample_only:
                    status[var.nest_name] = np.asarray(pop.initial_values[name], np.float64) / var.factor
            nodes.set(status)

    def run(self, n_steps):
        """Advance the simulation by ``n_steps`` time steps."""
        self._check_owner()
        if self._initial_sample_due:
            self.recorders.initial_samples(lambda pop: self._pops[pop].initial_values)
            self.plasticity.initial_samples(self.connections)
            self._initial_sample_due = False
        n_steps = int(n_steps)
        if n_steps > 0:
            self.plasticity.write_amplitudes(self.connections)
            try:
                self.nest.Simulate(float(self.grid.ms(n_steps)))
            except Exception as exc:
                self._reraise(exc, "simulating")
            self._now += n_steps
        self.recorders.collect(self._t0, self._now)
        # the spikes of the last step reach their synapses in the next Simulate
        self.plasticity.collect(self._now - self._t0 - 1)

    def reset(self):
        """Back to t = 0 with the spec's initial values (emulated, see the module
        docstring)."""
        self._check_owner()
        refractory = [int(self.grid.steps(np.max(self._params[i].get("tau_refrac", 0.0))))
                      for i in self.cells if self._pops[i].size]
        max_delay = int(self.grid.steps(self.nest.GetKernelStatus("max_delay")))
        flush = max(max_delay + 2 * self.delay_steps + _QUIET_STEPS, max(refractory, default=0) + 2,
                    self.delay_steps + 1)
        self._start_segment(self._aligned(self._now + flush))
        self.plasticity.restart(self.connections, self._nodes_of)
        self.plasticity.start_recording(self.connections, self._t0)

    def end(self):
        """Release NEST's network (the kernel is reset)."""
        global _owner
        if _owner is self and self.network is not None:
            self.nest.ResetKernel()
            _owner = None
        self.network = None

    # ------------------------------------------------------------ recording

    def fetch_recorded(self):
        """{population index: RecordedChunk} recorded since the previous call."""
        self._check_owner()
        return self.recorders.fetch()

    def fetch_weights(self):
        """{projection spec index: SignalChunk} of the weights sampled since the
        previous call, from NEST's weight_recorder (see pynnlite_nest.plasticity)."""
        self._check_owner()
        return {index: SignalChunk(indices=np.arange(values.shape[1]), t_start=t0,
                                   sampling_interval=iv, values=values)
                for index, (t0, iv, values) in self.plasticity.fetch(self.grid.dt).items()}

    # ---------------------------------------------------------- connections

    def get_connection_values(self, projection, name):
        """Current 'weight' (nA or uS) or 'delay' (ms) of one projection, in the
        spec's order."""
        self._check_owner()
        return self.connections.get(_index(projection), name)

    def get_connections(self, projection):
        """(pre, post) population-local indices of one projection, in spec
        order; for a native rule, the connections NEST drew (sorted by post,
        pre, weight, delay)."""
        self._check_owner()
        index = _index(projection)
        if self.connections.native.owns(index):
            return self.connections.pairs(index)
        spec = self.connections.projections[index]
        return spec.pre_indices, spec.post_indices

    @classmethod
    def check_native_rule(cls, rule, what):
        """Refuse a native rule NEST cannot draw (fixed_total_number without
        multapses, a distribution nest.random lacks), naming it."""
        check_rule(rule, what)

    def set_connection_values(self, projection, name, values):
        """Overwrite 'weight' or 'delay' of one projection (values in spec order)."""
        self._check_owner()
        try:
            self.connections.set(_index(projection), name, values)
        except (NonExistentParameterError, ValueError):
            raise
        except Exception as exc:
            self._reraise(exc, f"setting '{name}' of projection {_index(projection)}")

    # -------------------------------------------------------------- neurons

    def set_parameters(self, population, name, indices, values):
        """Change a parameter of some neurons between runs; takes effect at once."""
        self._check_owner()
        index = _index(population)
        pop = self._pops[index]
        if name not in pop.parameters:
            raise NonExistentParameterError(name, pop.model, pop.parameters)
        indices = np.asarray(indices, np.int64)
        try:
            if index in self.sources:
                self.sources[index].set_parameters(name, indices, values, self.grid, self._t0,
                                                   self.delay_steps)
                return
            params = self._params[index]
            assign(params[name], indices, values)
            set_status(self.cells[index], CELLS[pop.model].nest_parameters(params, changed=name))
        except Exception as exc:
            self._reraise(exc, f"setting parameter '{name}' of population '{pop.label}'")

    def get_state(self, population, name, indices):
        """Current values of a state variable (e.g. 'v') of some neurons."""
        self._check_owner()
        nodes, var = self._state_variable(population, name)
        return node_values(nodes, var.nest_name)[np.asarray(indices, np.int64)] * var.factor

    def set_state(self, population, name, indices, values):
        """Overwrite a state variable of some neurons between runs."""
        self._check_owner()
        nodes, var = self._state_variable(population, name)
        current = node_values(nodes, var.nest_name)
        current[np.asarray(indices, np.int64)] = np.asarray(values, np.float64) / var.factor
        nodes.set({var.nest_name: current})

    def _state_variable(self, population, name):
        pop = self._pops[_index(population)]
        if pop.model not in CELLS or name not in CELLS[pop.model].state:
            state = CELLS[pop.model].state if pop.model in CELLS else {}
            raise RecordingError(name, pop.model, state)
        tr = CELLS[pop.model]
        var = tr.state[name]
        if not var.accessible:
            raise NoModelAvailableError(
                f"the NEST backend cannot read or set '{name}' of {pop.model}: NEST's "
                f"{tr.nest_model} keeps {var.nest_name} internal (it can only be recorded)")
        return self.cells[pop.index], var

    # ------------------------------------------------------------------ MPI

    def num_processes(self):
        return int(nest_module().NumProcesses())

    def rank(self):
        return int(nest_module().Rank())

    # -------------------------------------------------------------- helpers

    def _check_supported(self, network):
        """Refuse, before anything is created, what the adapter cannot build."""
        caps = self.capabilities
        populations = {p.index: p for p in network.populations}
        for pop in network.populations:
            if pop.model not in caps.cell_types:
                raise NoModelAvailableError(
                    f"the NEST backend has no cell type {pop.model}; it has: "
                    f"{', '.join(sorted(caps.cell_types))}")
            if pop.model in CELLS:
                for name, var in CELLS[pop.model].state.items():
                    values = np.asarray(pop.initial_values.get(name, 0.0), np.float64)
                    if not var.accessible and not var.sample_only and np.any(values != 0.0):
                        raise NoModelAvailableError(
                            f"the NEST backend cannot start '{pop.label}' ({pop.model}) with "
                            f"{name} != 0: NEST's {CELLS[pop.model].nest_model} does not let "
                            f"{var.nest_name} be set; initial {name} must be 0")
        for prj in network.projections:
            if prj.synapse_model not in caps.synapse_types:
                raise NoModelAvailableError(
                    f"the NEST backend has no synapse type {prj.synapse_model}; it has: "
                    f"{', '.join(caps.synapse_types)}")
        for src in network.current_sources:
            if src.model not in caps.current_sources:
                raise NoModelAvailableError(
                    f"the NEST backend has no current source {src.model}; it has: "
                    f"{', '.join(caps.current_sources)}")
        for rec in network.recordings:
            model = populations[rec.population].model
            if rec.variable not in caps.cell_types[model]:
                raise RecordingError(rec.variable, model, caps.cell_types[model])

    def _check_owner(self):
        if self.network is None:
            raise SimulationStateError("the NEST backend has no network: call build() first "
                                       "(or the simulation has ended)")
        if _owner is not self:
            raise SimulationStateError(
                "NEST holds a newer network: NEST has one kernel per process, and building "
                "another NEST network replaced this one")

    def _reraise(self, exc, doing):
        """NEST's own errors become a BackendError that says what was being done;
        anything else propagates unchanged."""
        nest_error = getattr(self.nest, "NESTError", None)
        if nest_error is not None and isinstance(exc, nest_error):
            raise BackendError(f"NEST refused {doing}: {exc}") from exc
        raise exc
