"""pynnlite: PyNN-style spiking network descriptions, run on pynnlite's own
numba engine or on NEST.

A PyNN script ports by changing its imports::

    import pynnlite as sim
    from pynnlite.random import NumpyRNG, RandomDistribution
"""
__version__ = "0.1.0.dev0"

from .session import (setup, end, run, run_for, run_until, reset, get_current_time,
                      get_time_step, get_min_delay, get_max_delay, num_processes, rank,
                      Simulation, get_simulation, set_default_backend)
from .models import (IF_curr_exp, IF_curr_alpha, IF_cond_exp, SpikeSourcePoisson,
                     SpikeSourceArray, StaticSynapse, DCSource, ACSource, NoisyCurrentSource,
                     StepCurrentSource, PoissonGenerator)
from .models import GIF_curr_exp, GIF_cond_exp, GIF_pop_curr_exp
from .models import (EIF_cond_exp_isfa_ista, EIF_cond_alpha_isfa_ista, EIF_psc_delta_clopath,
                     ParrotNeuron, ClopathSynapse)
from .models.plasticity import (STDPMechanism, SpikePairRule, AdditiveWeightDependence,
                                MultiplicativeWeightDependence,
                                AdditivePotentiationMultiplicativeDepression,
                                GutigWeightDependence, PowerLawWeightDependence,
                                TsodyksMarkramSynapse)
from .populations import Population, PopulationView, Assembly, ID
from .projections import Projection
from .connectors import (AllToAllConnector, OneToOneConnector, FixedProbabilityConnector,
                         FixedNumberPreConnector, FixedNumberPostConnector,
                         FixedTotalNumberConnector, FromListConnector, ArrayConnector,
                         CSAConnector, DistanceDependentProbabilityConnector,
                         IndexBasedProbabilityConnector,
                         DisplacementDependentProbabilityConnector, CloneConnector)
from .parameters import Sequence
from .random import NumpyRNG, RandomDistribution
from .space import Space, Line, Grid2D, Grid3D, RandomStructure, Cuboid, Sphere
from . import errors, random, space, parameters, utility
from .procedural import create, connect, record, set, initialize  # noqa: A004 - PyNN's names

try:  # SmallWorldConnector is optional in the connector module
    from .connectors import SmallWorldConnector  # noqa: F401
except ImportError:
    pass

__all__ = [name for name in dir() if not name.startswith("_")]
