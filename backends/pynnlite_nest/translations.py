"""Translation tables from pynnlite's standard cell types to NEST models.

pynnlite works in ms, mV, nA, nF, uS; NEST in ms, mV, pA, pF, nS. Every NEST
parameter is a small named function of the pynnlite parameter arrays (no string
evaluation), with the pynnlite names it depends on, so that a change of one
pynnlite parameter recomputes exactly the NEST parameters that use it.
"""
from dataclasses import dataclass

import numpy as np

#: nA -> pA, nF -> pF, uS -> nS
TO_NEST = 1000.0
#: pA -> nA, nS -> uS
FROM_NEST = 1e-3


@dataclass(frozen=True)
class NestParameter:
    """One NEST parameter: its name, how to compute it, and from what."""
    name: str
    depends: tuple
    compute: object          # callable(dict of pynnlite arrays) -> array


def copied(nest_name, pynn_name):
    return NestParameter(nest_name, (pynn_name,), lambda p: np.asarray(p[pynn_name], np.float64))


def scaled(nest_name, pynn_name, factor):
    return NestParameter(nest_name, (pynn_name,),
                         lambda p: np.asarray(p[pynn_name], np.float64) * factor)


def leak_conductance():
    """g_L (nS) = cm / tau_m: NEST's conductance-based models take the leak
    conductance where PyNN gives the membrane time constant."""
    return NestParameter("g_L", ("cm", "tau_m"),
                         lambda p: np.asarray(p["cm"], np.float64) / np.asarray(p["tau_m"], np.float64)
                         * TO_NEST)


@dataclass(frozen=True)
class StateVariable:
    """A pynnlite state variable as NEST sees it: the NEST name, the factor from
    NEST's unit to pynnlite's, and whether NEST lets Python read and write it
    (iaf_psc_* keep their synaptic currents internal: recordable only).
    ``sample_only``: an output the model recomputes every step (GIF's E_sfa,
    gif_pop's mean): never set from initial values, which only set the sample
    at t = 0 (read from NEST if accessible, else the initial value)."""
    nest_name: str
    factor: float = 1.0
    accessible: bool = True
    sample_only: bool = False


@dataclass(frozen=True)
class CellTranslation:
    """How one pynnlite cell type maps onto one NEST neuron model."""
    model: str
    nest_model: str
    parameters: tuple
    state: dict
    #: NEST parameters changed while the adapter emulates a reset (flush)
    threshold: str = "V_th"
    synaptic_time_constants: tuple = ()
    conductance_based: bool = False
    #: list parameters emptied during the flush (clears state NEST does not let be set)
    flush_empty: tuple = ()
    #: (NEST parameter, value) pairs held during the lead-in and the flush
    flush_values: tuple = ()

    def nest_parameters(self, params, changed=None):
        """NEST parameter arrays from pynnlite ones; with ``changed`` (a pynnlite
        name), only the NEST parameters that depend on it."""
        return {p.name: p.compute(params) for p in self.parameters
                if changed is None or changed in p.depends}


_LIF = (
    copied("E_L", "v_rest"),
    scaled("C_m", "cm", TO_NEST),
    copied("t_ref", "tau_refrac"),
    copied("tau_syn_ex", "tau_syn_E"),
    copied("tau_syn_in", "tau_syn_I"),
    scaled("I_e", "i_offset", TO_NEST),
    copied("V_reset", "v_reset"),
    copied("V_th", "v_thresh"),
)

_CURRENT_STATE = {
    "v": StateVariable("V_m"),
    # NEST's iaf_psc_* record I_syn_ex/in but do not expose them as state
    "isyn_exc": StateVariable("I_syn_ex", FROM_NEST, accessible=False),
    "isyn_inh": StateVariable("I_syn_in", FROM_NEST, accessible=False),
}

IF_CURR_EXP = CellTranslation(
    model="IF_curr_exp", nest_model="iaf_psc_exp",
    parameters=_LIF + (copied("tau_m", "tau_m"),),
    state=_CURRENT_STATE, synaptic_time_constants=("tau_syn_ex", "tau_syn_in"))

IF_CURR_ALPHA = CellTranslation(
    model="IF_curr_alpha", nest_model="iaf_psc_alpha",
    parameters=_LIF + (copied("tau_m", "tau_m"),),
    state=_CURRENT_STATE, synaptic_time_constants=("tau_syn_ex", "tau_syn_in"))

IF_COND_EXP = CellTranslation(
    model="IF_cond_exp", nest_model="iaf_cond_exp",
    parameters=_LIF + (leak_conductance(), copied("E_ex", "e_rev_E"), copied("E_in", "e_rev_I")),
    state={"v": StateVariable("V_m"),
           "gsyn_exc": StateVariable("g_ex", FROM_NEST),
           "gsyn_inh": StateVariable("g_in", FROM_NEST)},
    conductance_based=True)

#: pynnlite cell type -> translation, for the neuron models
CELLS = {t.model: t for t in (IF_CURR_EXP, IF_CURR_ALPHA, IF_COND_EXP)}


@dataclass(frozen=True)
class SourceTranslation:
    """A pynnlite spike source: a NEST generator per source, and one
    parrot_neuron per source that re-emits the generator's train, so that every
    target receives the same train (PyNN semantics) and the train can be
    recorded."""
    model: str
    nest_model: str


#: pynnlite spike source -> NEST generator
SOURCES = {
    "SpikeSourcePoisson": SourceTranslation("SpikeSourcePoisson", "poisson_generator"),
    "SpikeSourceArray": SourceTranslation("SpikeSourceArray", "spike_generator"),
}

#: pynnlite electrode -> NEST current generator
ELECTRODES = {
    "DCSource": "dc_generator",
    "ACSource": "ac_generator",
    "StepCurrentSource": "step_current_generator",
    "NoisyCurrentSource": "noise_generator",
}

#: pynnlite synapse type -> NEST synapse model
SYNAPSES = {"StaticSynapse": "static_synapse"}


def weight_sign(conductance_based, receptor_type):
    """Factor that turns a pynnlite weight into NEST's sign convention: NEST
    routes input by the sign of the weight, so inhibitory conductances
    (positive in pynnlite) become negative; current weights keep PyNN's sign."""
    return -1.0 if conductance_based and receptor_type == "inhibitory" else 1.0


# the AdEx family and the parrot neuron (translations_adex.py builds on the helpers above)
from .translations_adex import ADEX_CELLS  # noqa: E402

CELLS.update((t.model, t) for t in ADEX_CELLS)

# the GIF cell types (translations_gif.py builds on the helpers above)
from .translations_gif import GIF_CELLS  # noqa: E402

CELLS.update((t.model, t) for t in GIF_CELLS)
