"""The backend interface and the registry of backends.

A backend turns a :class:`~pynnlite.network.NetworkSpec` into a running network.
It registers itself under the entry-point group ``pynnlite.backends`` so that a
third party can add one without touching pynnlite:

    [options.entry_points]
    pynnlite.backends =
        mysim = mypackage:MySimBackend

The frontend calls, in this order: ``build(network)`` once; then any number of
``run(n_steps)``, ``fetch_recorded()``, ``get_*``/``set_*``; ``reset()`` to go
back to t = 0 with the initial values of the spec; ``end()``.
"""
from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from importlib.metadata import entry_points

from .errors import BackendError


@dataclass(frozen=True)
class Capabilities:
    """What a backend implements, used for early errors and the README table.

    cell_types maps a model name to the tuple of variables it can record.
    connectors_native names the connectors whose rule the backend draws itself
    when a connector is made with native=True (see pynnlite.connectors).
    """
    cell_types: dict
    synapse_types: tuple
    current_sources: tuple
    connectors_native: tuple = ()
    features: tuple = field(default_factory=tuple)


class Backend(ABC):
    """Base class of every backend. Methods receive validated data only."""

    #: the name users pass to setup(backend=...)
    name = None
    capabilities = None

    def __init__(self, **options):
        self.options = options

    @abstractmethod
    def build(self, network):
        """Create the network described by ``network`` (a NetworkSpec), at t = 0."""

    @abstractmethod
    def run(self, n_steps):
        """Advance the simulation by ``n_steps`` time steps."""

    @abstractmethod
    def fetch_recorded(self):
        """Return {population index: RecordedChunk} for everything recorded since
        the previous call (or since build/reset)."""

    @abstractmethod
    def get_connection_values(self, projection, name):
        """Current values of a connection attribute ('weight', 'delay', or a
        synapse parameter/state) of one ProjectionSpec, in the spec's order."""

    @abstractmethod
    def set_connection_values(self, projection, name, values):
        """Overwrite a connection attribute (array in the spec's order)."""

    def get_connections(self, projection):
        """(pre, post): the population-local indices of the connections of one
        ProjectionSpec, in the order of get_connection_values. For a spec with a
        native_rule these are the connections the backend drew at build."""
        raise NotImplementedError(f"the '{self.name}' backend does not report its connections")

    @classmethod
    def check_native_rule(cls, rule, what):
        """Raise a pynnlite error if this backend cannot build ``rule`` (a
        ProjectionSpec.native_rule) of a connector it lists in
        Capabilities.connectors_native; ``what`` names the projection. Called
        when the Projection is created. The default accepts every rule."""

    @abstractmethod
    def set_parameters(self, population, name, indices, values):
        """Change a parameter of some neurons between runs; takes effect at once."""

    @abstractmethod
    def get_state(self, population, name, indices):
        """Current values of a state variable (e.g. 'v') of some neurons."""

    @abstractmethod
    def set_state(self, population, name, indices, values):
        """Overwrite a state variable of some neurons between runs."""

    @abstractmethod
    def reset(self):
        """Return to t = 0: state from the spec's initial values, spikes in
        transit dropped, connection values back to the spec's (the frontend then
        re-applies any values the user set since, with set_connection_values)."""

    def fetch_weights(self):
        """Return {projection spec index: SignalChunk} of the weights sampled for
        the network's WeightRecordingSpecs since the previous call (columns in
        the order of the spec's ``connections``). Backends that cannot record
        weights keep this default and do not list "weight_recording" in their
        capability features."""
        return {}

    def end(self):
        """Release resources. The default does nothing."""

    def num_processes(self):
        return 1

    def rank(self):
        return 0


_GROUP = "pynnlite.backends"


def available_backends():
    """Names of all registered backends (installed or not importable)."""
    return sorted({ep.name for ep in entry_points(group=_GROUP)})


def load_backend(name):
    """The Backend subclass registered under ``name``."""
    matches = [ep for ep in entry_points(group=_GROUP) if ep.name == name]
    if not matches:
        raise BackendError(
            f"unknown backend '{name}'; registered backends: {', '.join(available_backends()) or 'none'}"
            " (is pynnlite installed with 'pip install -e .'?)")
    try:
        cls = matches[0].load()
    except ImportError as exc:
        raise BackendError(f"backend '{name}' is registered but cannot be imported: {exc}") from exc
    if not (isinstance(cls, type) and issubclass(cls, Backend)):
        raise BackendError(f"entry point '{name}' does not name a pynnlite Backend subclass")
    return cls
