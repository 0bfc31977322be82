"""NetworkSpec: the frozen, validated, vectorised description a backend builds.

The frontend produces it; a backend only reads it. Every value is plain numpy
data in pynnlite units (ms, mV, nA, nF, uS, Hz), already checked against the
model's allowed ranges. Indices are population-local (0 .. size-1).
"""
from dataclasses import dataclass, field

import numpy as np


@dataclass(frozen=True)
class PopulationSpec:
    """One population of a single model.

    parameters / initial_values map PyNN names to arrays of shape (size,).
    A parameter whose value per neuron is itself an array (SpikeSourceArray's
    spike_times, StepCurrentSource's times) is an object array of 1-D float arrays.
    """
    index: int
    label: str
    model: str
    size: int
    first_id: int
    parameters: dict
    initial_values: dict


@dataclass(frozen=True)
class ProjectionSpec:
    """The connections between two populations, as parallel arrays (COO).

    pre_indices / post_indices are local to the pre and post populations.
    weights are signed as the user gave them (PyNN: negative for inhibitory
    current-based synapses), in nA (current) or uS (conductance); delays in ms,
    already on the time grid. synapse_parameters holds further per-connection
    arrays (plasticity parameters and state), each of shape (n,).
    """
    index: int
    label: str
    pre: int
    post: int
    pre_indices: np.ndarray
    post_indices: np.ndarray
    weights: np.ndarray
    delays: np.ndarray
    receptor_type: str
    synapse_model: str = "StaticSynapse"
    synapse_parameters: dict = field(default_factory=dict)
    #: the parts of a composite synapse type by class name, e.g. for STDPMechanism
    #: {'timing_dependence': 'SpikePairRule', 'weight_dependence':
    #: 'MultiplicativeWeightDependence', 'voltage_dependence': None}; {} otherwise
    synapse_components: dict = field(default_factory=dict)
    #: None, or a connection rule the backend draws itself (a connector made
    #: with native=True, on a backend listing it in Capabilities.connectors_native).
    #: Then pre_indices, post_indices, weights and delays are empty, and the dict
    #: holds, in NEST's vocabulary: 'rule' ('all_to_all', 'one_to_one',
    #: 'pairwise_bernoulli', 'fixed_indegree', 'fixed_outdegree',
    #: 'fixed_total_number'), its parameter ('p', 'indegree', 'outdegree' or 'N'),
    #: 'allow_autapses', 'allow_multapses'; 'pre_cells' / 'post_cells' (the
    #: population-local indices taking part, in the projection's order; None for
    #: the whole population); 'weight' and 'delay', each a number or
    #: {'distribution': name, 'parameters': {...}} as pynnlite.random names them;
    #: 'delay_range' (lowest, highest possible delay, ms, on the grid);
    #: 'synapse_model' and 'synapse_parameters' (the synapse type's other
    #: parameters, one number each: a plastic type is native only on a backend
    #: whose Capabilities.features list 'native_plastic'). The backend reports
    #: the connections it made with Backend.get_connections.
    native_rule: dict | None = None

    @property
    def size(self):
        """Number of connections in the arrays (0 for a native rule before the
        backend has drawn it; see Backend.get_connections)."""
        return len(self.pre_indices)


@dataclass(frozen=True)
class CurrentSourceSpec:
    """An electrode injecting into the listed neurons.

    parameters: scalars for DCSource/ACSource/NoisyCurrentSource, and 1-D arrays
    ``times`` / ``amplitudes`` for StepCurrentSource.
    targets: tuple of (population index, local index array).
    """
    index: int
    model: str
    parameters: dict
    targets: tuple


@dataclass(frozen=True)
class RecordingSpec:
    """Record ``variable`` ('spikes' or a state variable) of the given neurons of
    one population, every ``sampling_interval`` ms (ignored for spikes)."""
    population: int
    variable: str
    indices: np.ndarray
    sampling_interval: float


@dataclass(frozen=True)
class WeightRecordingSpec:
    """Sample the weights of some connections of one ProjectionSpec every
    ``sampling_interval`` ms (as signals: after the update, at t = k * interval,
    plus t = 0 at the start of a segment). ``connections`` are indices into the
    ProjectionSpec's arrays."""
    projection: int
    connections: np.ndarray
    sampling_interval: float


@dataclass(frozen=True)
class NetworkSpec:
    """Everything a backend needs to build a network."""
    dt: float
    min_delay: float
    max_delay: float
    seed: int
    threads: int
    populations: tuple
    projections: tuple
    current_sources: tuple
    recordings: tuple
    options: dict = field(default_factory=dict)
    weight_recordings: tuple = ()

    @property
    def n_neurons(self):
        return sum(p.size for p in self.populations)

    @property
    def n_connections(self):
        return sum(p.size for p in self.projections)
