"""PyNN's procedural API: create, connect, record, set, initialize."""
from .connectors import FixedProbabilityConnector
from .models.synapses import StaticSynapse
from .populations import Population
from .projections import Projection


def create(cellclass, cellparams=None, n=1):
    """Create n cells of the given type; returns a Population."""
    return Population(n, cellclass, cellparams)


def connect(pre, post, weight=0.0, delay=None, receptor_type=None, p=1, rng=None):
    """Connect every cell of ``pre`` to every cell of ``post`` with probability p."""
    synapse = StaticSynapse(weight=weight, delay=delay)
    return Projection(pre, post, FixedProbabilityConnector(p, rng=rng), synapse,
                      receptor_type=receptor_type)


def record(variables, source, filename, sampling_interval=None, annotations=None):
    """Record variables of ``source``; the data are written to filename at end()."""
    source.record(variables, to_file=filename, sampling_interval=sampling_interval)


def set(cells, **parameters):  # noqa: A001 - PyNN's name
    """Set parameters of cells."""
    cells.set(**parameters)


def initialize(cells, **initial_values):
    """Set initial values of cells' state variables."""
    cells.initialize(**initial_values)
