"""Translations of the AdEx cell types and the parrot neuron to NEST
(aeif_cond_exp, aeif_cond_alpha, aeif_psc_delta_clopath, parrot_neuron).

Units: PyNN's ``a`` is in nS like NEST's; ``b``, ``i_sp``, ``i_offset`` and
``w`` are nA in pynnlite and pA in NEST; weights onto the delta-synapse
Clopath cell are voltage jumps in mV on both sides.

These models have no threshold the adapter could lift out of reach while it
flushes the network for a reset (NEST refuses a V_peak that would overflow
exp() at a spike), so ``threshold`` is None: see NestBackend.reset. On NEST a
reset also keeps z, V_th, the clamp and the u+/u- delay lines (NEST does not
let them be set); the numba engine restores them.
"""
import numpy as np

from .translations import (CellTranslation, NestParameter, StateVariable, FROM_NEST, TO_NEST,
                           copied, leak_conductance, scaled)

_ADEX_COMMON = (
    scaled("C_m", "cm", TO_NEST),
    leak_conductance(),
    copied("t_ref", "tau_refrac"),
    copied("V_peak", "v_spike"),
    copied("V_reset", "v_reset"),
    copied("E_L", "v_rest"),
    scaled("I_e", "i_offset", TO_NEST),
    copied("a", "a"),
    scaled("b", "b", TO_NEST),
    copied("Delta_T", "delta_T"),
    copied("tau_w", "tau_w"),
)

_COND = _ADEX_COMMON + (
    copied("V_th", "v_thresh"),
    copied("E_ex", "e_rev_E"),
    copied("tau_syn_ex", "tau_syn_E"),
    copied("E_in", "e_rev_I"),
    copied("tau_syn_in", "tau_syn_I"),
)

_COND_STATE = {"v": StateVariable("V_m"), "w": StateVariable("w", FROM_NEST),
               "gsyn_exc": StateVariable("g_ex", FROM_NEST),
               "gsyn_inh": StateVariable("g_in", FROM_NEST)}

EIF_COND_EXP = CellTranslation(
    model="EIF_cond_exp_isfa_ista", nest_model="aeif_cond_exp", parameters=_COND,
    state=_COND_STATE, threshold=None, conductance_based=True)

EIF_COND_ALPHA = CellTranslation(
    model="EIF_cond_alpha_isfa_ista", nest_model="aeif_cond_alpha", parameters=_COND,
    state=_COND_STATE, threshold=None, conductance_based=True)


def _flag(nest_name, pynn_name):
    """A boolean NEST parameter held as 0/1 in pynnlite."""
    return NestParameter(nest_name, (pynn_name,), lambda p: np.asarray(p[pynn_name]) != 0)


EIF_PSC_DELTA_CLOPATH = CellTranslation(
    model="EIF_psc_delta_clopath", nest_model="aeif_psc_delta_clopath",
    parameters=_ADEX_COMMON + (
        copied("V_clamp", "v_clamp"),
        copied("t_clamp", "t_clamp"),
        copied("V_th_rest", "v_thresh"),
        copied("V_th_max", "v_thresh_max"),
        copied("tau_V_th", "tau_v_thresh"),
        scaled("I_sp", "i_sp", TO_NEST),
        copied("tau_z", "tau_z"),
        copied("tau_u_bar_plus", "tau_u_bar_plus"),
        copied("tau_u_bar_minus", "tau_u_bar_minus"),
        copied("tau_u_bar_bar", "tau_u_bar_bar"),
        copied("theta_plus", "theta_plus"),
        copied("theta_minus", "theta_minus"),
        copied("A_LTP", "A_LTP"),
        copied("A_LTD", "A_LTD"),
        _flag("A_LTD_const", "A_LTD_const"),
        copied("u_ref_squared", "u_ref_squared"),
        copied("delay_u_bars", "delay_u_bars"),
    ),
    state={"v": StateVariable("V_m"), "w": StateVariable("w", FROM_NEST),
           "u_bar_plus": StateVariable("u_bar_plus"),
           "u_bar_minus": StateVariable("u_bar_minus"),
           "u_bar_bar": StateVariable("u_bar_bar"),
           # NEST records z and V_th but does not let Python read or set them
           "z": StateVariable("z", FROM_NEST, accessible=False),
           "v_th": StateVariable("V_th", accessible=False)},
    threshold=None,
    # no Clopath entries while the adapter runs NEST outside the segment: NEST
    # keeps them (its "clear" does not reach them) and a synapse would read them
    flush_values=(("theta_minus", 1e30),))

PARROT_NEURON = CellTranslation(
    model="ParrotNeuron", nest_model="parrot_neuron", parameters=(), state={}, threshold=None)

#: weight unit of the connections onto each model, as a factor to NEST's: the
#: delta-synapse Clopath cell takes a voltage jump (mV) on both sides
WEIGHT_FACTOR = {"EIF_psc_delta_clopath": 1.0 / TO_NEST}

ADEX_CELLS = (EIF_COND_EXP, EIF_COND_ALPHA, EIF_PSC_DELTA_CLOPATH, PARROT_NEURON)
