"""NumbaBackend: pynnlite's own engine behind the Backend interface."""
import time

import numpy as np

from pynnlite.backend import Backend, Capabilities
from pynnlite.errors import NonExistentParameterError, RecordingError
from pynnlite.models.cells import STANDARD_CELL_TYPES
from pynnlite.models.gif import GIF_CELL_TYPES
from pynnlite.models.plasticity import PLASTICITY_COMPONENTS
from pynnlite.models.poisson_generator import PoissonGenerator
from pynnlite.recording import RecordedChunk, SignalChunk

from .connectivity import BUILD_EXTRA_BYTES_PER_SYNAPSE, table_bytes_per_synapse
from .plasticity import BUILD_PEAK_BYTES_PER_PLASTIC_SYNAPSE, PLASTIC_MODELS, STDP, \
    history_length
from .engine import Engine
from .models import MODEL_KERNELS
from .native import NATIVE_CONNECTORS, check_rule, sizes, source_of

_CELLS = {c.__name__: c for c in (*STANDARD_CELL_TYPES, PoissonGenerator, *GIF_CELL_TYPES)}


def _index(obj):
    """A population or projection given as its spec or as its index."""
    return getattr(obj, "index", obj)


#: bytes per neuron of state, constants, spike lists and recording flags (upper bound
#: over the models' struct-of-arrays rows)
BYTES_PER_NEURON = 256
#: the engine's compiled code loaded from numba's cache (the loop and its
#: kernels), whatever the network's size: ~55 MB measured (peak RSS less the
#: tables, ring buffers and neurons, 1e7 native synapses); a frontend
#: projection's freed generation buffers, counted in the current resident
#: memory, are partly reused for it
ENGINE_CODE_BYTES = 56 * 2 ** 20


class NumbaBackend(Backend):
    """The reference engine: a time-driven, event-delivering simulation on a
    fixed grid, compiled with numba (see pynnlite_numba.engine)."""

    name = "numba"
    capabilities = Capabilities(
        cell_types={name: _CELLS[name].recordable for name in MODEL_KERNELS if name in _CELLS},
        synapse_types=("StaticSynapse", "STDPMechanism", "TsodyksMarkramSynapse", "ClopathSynapse",
                       *(c.__name__ for c in PLASTICITY_COMPONENTS)),
        current_sources=("DCSource", "ACSource", "StepCurrentSource", "NoisyCurrentSource"),
        connectors_native=NATIVE_CONNECTORS,
        features=("reset", "multiple_runs", "spike_multiplicity", "set_parameters_between_runs",
                  "counter_based_rng", "weight_recording", "threads", "native_plastic"),
    )

    @classmethod
    def check_native_rule(cls, rule, what):
        """Refuse a native rule the engine cannot draw (native.check_rule)."""
        check_rule(rule, what)

    @classmethod
    def memory_estimate(cls, network):
        """Peak bytes the engine allocates to build and run ``network``: the
        synapse tables (static and plastic) at their build peak, the ring
        buffers (max delay x 2 channels x neurons), the per-neuron blocks (and
        STDP spike histories) and the compiled code. A native projection counts with its size
        (pairwise_bernoulli: the expected one); it needs no bytes in the
        frontend. Compiling the loop on a cold cache needs ~300 MB more, not
        counted."""
        n = network.n_neurons
        max_steps = int(round(network.max_delay / network.dt))
        depth = max_steps + 2
        ring = depth * 2 * n * 8
        neurons = n * BYTES_PER_NEURON
        count = sizes(network.projections, network)
        plastic = sum(count[p.index] for p in network.projections
                      if p.synapse_model in PLASTIC_MODELS)
        static = sum(count.values()) - plastic
        if any(p.synapse_model == STDP for p in network.projections):
            # every neuron's STDP spike history: a ring of (step, multiplicity)
            # entries, its last two steps and multiplicity, its count
            neurons += n * (12 * history_length(max_steps) + 40)
        per_static = table_bytes_per_synapse(n, max_steps) + BUILD_EXTRA_BYTES_PER_SYNAPSE
        return int(static * per_static + plastic * BUILD_PEAK_BYTES_PER_PLASTIC_SYNAPSE
                   + ring + neurons + ENGINE_CODE_BYTES)

    def __init__(self, **options):
        super().__init__(**options)
        self.engine = None
        self.network = None
        #: seconds spent in build() and in compiling (or loading) the loop
        self.timings = {}

    # ------------------------------------------------------------ lifecycle
    def build(self, network):
        """Create the network described by ``network`` (a NetworkSpec), at t = 0,
        and compile the time-step loop for its models (or load it from the
        on-disk cache). ``timings`` then holds build_s (including compile_s)."""
        t0 = time.perf_counter()
        self.network = network
        self._pops = {p.index: p for p in network.populations}
        self._projections = {p.index: p for p in network.projections}
        self.engine = Engine(network)
        self.timings = {"build_s": time.perf_counter() - t0, "compile_s": self.engine.compile_s}

    def run(self, n_steps):
        """Advance the simulation by ``n_steps`` time steps."""
        self.engine.run(int(n_steps))

    def reset(self):
        """Return to t = 0 with the spec's initial values and weights; spikes in
        transit and unfetched recordings are dropped."""
        self.engine.reset()

    @property
    def t(self):
        """Current time (ms)."""
        return self.engine.step * self.engine.dt

    # ------------------------------------------------------------ recording
    def fetch_recorded(self):
        """{population index: RecordedChunk} of everything recorded since the
        previous fetch."""
        chunks = {}
        for pop, (local, times) in self.engine.fetch_spikes().items():
            chunks[pop] = RecordedChunk(spike_indices=local, spike_times=times)
        for (pop, var), (idx, t0, interval, values) in self.engine.fetch_signals().items():
            chunk = chunks.setdefault(pop, RecordedChunk())
            chunk.signals[var] = SignalChunk(indices=idx, t_start=t0, sampling_interval=interval,
                                             values=values)
        return chunks

    # ---------------------------------------------------------- connections
    def get_connection_values(self, projection, name):
        """Current values of 'weight' or 'delay' of one projection, in spec order."""
        self._check_connection_name(projection, name)
        return self.engine.table_of(_index(projection)).get(_index(projection), name)

    def set_connection_values(self, projection, name, values):
        """Overwrite 'weight' or 'delay' of one projection (array in spec order)."""
        self._check_connection_name(projection, name)
        self.engine.table_of(_index(projection)).set(_index(projection), name, values)

    def get_connections(self, projection):
        """(pre, post) population-local indices of one projection, in spec
        order: the frontend's arrays, or a native rule's connections drawn
        again (native.py states their order)."""
        spec = self._projections[_index(projection)]
        if spec.native_rule is None:
            return spec.pre_indices, spec.post_indices
        return source_of(spec, self.network).connections()

    def _check_connection_name(self, projection, name):
        spec = self._projections[_index(projection)]
        names = ("weight", "delay", *spec.synapse_parameters)
        if name not in names:
            raise NonExistentParameterError(name, spec.synapse_model, names)

    def fetch_weights(self):
        """{projection spec index: SignalChunk} of the weights sampled since the
        previous call (Projection.record_weights), sampled inside the loop."""
        return {proj: SignalChunk(indices=np.arange(values.shape[1]), t_start=t0,
                                  sampling_interval=iv, values=values)
                for proj, (t0, iv, values) in self.engine.plastic.fetch_weights().items()}

    # -------------------------------------------------------------- neurons
    def set_parameters(self, population, name, indices, values):
        """Change a parameter of some neurons between runs; takes effect at once."""
        pop = self._pops[_index(population)]
        if name not in pop.parameters:
            raise NonExistentParameterError(name, pop.model, pop.parameters)
        block, cols = self.engine.layout.columns(pop.index, indices)
        if name != "spike_times" and np.asarray(pop.parameters[name]).dtype != object:
            values = np.broadcast_to(np.asarray(values, np.float64), cols.shape)
        block.set_parameters(name, cols, values)

    def get_state(self, population, name, indices):
        """Current values of a state variable (e.g. 'v') of some neurons."""
        block, cols = self._state_block(population, name)
        return block.get_state(name, cols(indices))

    def set_state(self, population, name, indices, values):
        """Overwrite a state variable of some neurons between runs."""
        block, cols = self._state_block(population, name)
        c = cols(indices)
        block.set_state(name, c, np.broadcast_to(np.asarray(values, np.float64), c.shape))

    def _state_block(self, population, name):
        pop = self._pops[_index(population)]
        block = self.engine.layout.pop_block[pop.index]
        if name not in block.model.state:
            raise RecordingError(name, pop.model, block.model.state)
        return block, lambda idx: self.engine.layout.columns(pop.index, idx)[1]
