"""Standard models: cells, spike sources, synapses and electrodes."""
from .base import ModelType
from .cells import (StandardCellType, IF_curr_exp, IF_curr_alpha, IF_cond_exp,
                    SpikeSourcePoisson, SpikeSourceArray, STANDARD_CELL_TYPES)
from .synapses import StandardSynapseType, StaticSynapse, STANDARD_SYNAPSE_TYPES
from .plasticity import (STDPMechanism, SpikePairRule, AdditiveWeightDependence,
                         MultiplicativeWeightDependence,
                         AdditivePotentiationMultiplicativeDepression, GutigWeightDependence,
                         PowerLawWeightDependence, TsodyksMarkramSynapse)
from .electrodes import (StandardCurrentSource, DCSource, ACSource, NoisyCurrentSource,
                         StepCurrentSource, STANDARD_CURRENT_SOURCES)
from .poisson_generator import PoissonGenerator
from .gif import GIF_curr_exp, GIF_cond_exp, GIF_pop_curr_exp, GIF_CELL_TYPES
from .adex import (EIF_cond_exp_isfa_ista, EIF_cond_alpha_isfa_ista, EIF_psc_delta_clopath,
                   ParrotNeuron, ClopathSynapse, ADEX_CELL_TYPES)
