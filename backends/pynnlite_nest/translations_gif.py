"""Translations of the GIF cell types to NEST (gif_psc_exp, gif_cond_exp,
gif_pop_psc_exp).

Units: the kernel jumps a_eta are nA in pynnlite and pA in NEST (q_stc);
a_gamma are mV on both sides (q_sfa); lambda0 is in Hz on both sides (NEST
divides by 1000 internally). The array-valued parameters become per-node
lists (node_status.set_status sets them node by node).

NEST keeps the moving threshold (E_sfa) and the spike-triggered current
(I_stc) as outputs it recomputes every step: they cannot be set, and their
initial values only set the sample at t = 0 (``sample_only``), as on the
engine. The adaptation elements themselves cannot be set either; to clear
them on reset the adapter empties the kernel lists during its flush
(``flush_empty``: NEST then drops the elements and restarts them at zero).
gif_pop_psc_exp re-initialises its whole spike history whenever its state is
set, which the reset does.
"""
import numpy as np

from .translations import (CellTranslation, NestParameter, StateVariable, FROM_NEST, TO_NEST,
                           copied, leak_conductance, scaled)


def per_node_list(nest_name, pynn_name, factor=1.0):
    """An array-valued parameter: one list per node."""
    def compute(p):
        out = np.empty(len(p[pynn_name]), object)
        out[:] = [np.asarray(v, np.float64) * factor for v in p[pynn_name]]
        return out
    return NestParameter(nest_name, (pynn_name,), compute)


def whole(nest_name, pynn_name):
    """An integer NEST parameter."""
    return NestParameter(nest_name, (pynn_name,),
                         lambda p: np.rint(np.asarray(p[pynn_name], np.float64)).astype(np.int64))


def flag(nest_name, pynn_name):
    """A boolean NEST parameter held as 0 / 1 in pynnlite."""
    return NestParameter(nest_name, (pynn_name,), lambda p: np.asarray(p[pynn_name]) != 0)


_ESCAPE = (
    copied("E_L", "v_rest"),
    scaled("C_m", "cm", TO_NEST),
    copied("t_ref", "tau_refrac"),
    copied("tau_syn_ex", "tau_syn_E"),
    copied("tau_syn_in", "tau_syn_I"),
    copied("V_reset", "v_reset"),
    scaled("I_e", "i_offset", TO_NEST),
    copied("Delta_V", "delta_v"),
    copied("V_T_star", "v_t_star"),
    copied("lambda_0", "lambda0"),
)

_KERNELS = (
    per_node_list("tau_stc", "tau_eta"),
    per_node_list("q_stc", "a_eta", TO_NEST),
    per_node_list("tau_sfa", "tau_gamma"),
    per_node_list("q_sfa", "a_gamma"),
)

_OUTPUTS = {"v_t": StateVariable("E_sfa", accessible=False, sample_only=True),
            "i_eta": StateVariable("I_stc", FROM_NEST, accessible=False, sample_only=True)}

GIF_CURR_EXP = CellTranslation(
    model="GIF_curr_exp", nest_model="gif_psc_exp",
    parameters=_ESCAPE + (leak_conductance(),) + _KERNELS,
    state={"v": StateVariable("V_m"), **_OUTPUTS,
           "isyn_exc": StateVariable("I_syn_ex", FROM_NEST, accessible=False),
           "isyn_inh": StateVariable("I_syn_in", FROM_NEST, accessible=False)},
    threshold="V_T_star", synaptic_time_constants=("tau_syn_ex", "tau_syn_in"),
    flush_empty=("tau_stc", "q_stc", "tau_sfa", "q_sfa"))

GIF_COND_EXP = CellTranslation(
    model="GIF_cond_exp", nest_model="gif_cond_exp",
    parameters=_ESCAPE + (leak_conductance(), copied("E_ex", "e_rev_E"),
                          copied("E_in", "e_rev_I")) + _KERNELS,
    state={"v": StateVariable("V_m"), **_OUTPUTS,
           "gsyn_exc": StateVariable("g_ex", FROM_NEST),
           "gsyn_inh": StateVariable("g_in", FROM_NEST)},
    threshold="V_T_star", conductance_based=True,
    flush_empty=("tau_stc", "q_stc", "tau_sfa", "q_sfa"))

GIF_POP_CURR_EXP = CellTranslation(
    model="GIF_pop_curr_exp", nest_model="gif_pop_psc_exp",
    parameters=_ESCAPE + (copied("tau_m", "tau_m"), whole("N", "N"),
                          whole("len_kernel", "len_kernel"), flag("BinoRand", "binomial"),
                          per_node_list("tau_sfa", "tau_gamma"),
                          per_node_list("q_sfa", "a_gamma")),
    state={"v": StateVariable("V_m"),
           "v_t": StateVariable("E_sfa", accessible=False, sample_only=True),
           "isyn_exc": StateVariable("I_syn_ex", FROM_NEST),
           "isyn_inh": StateVariable("I_syn_in", FROM_NEST),
           "mean": StateVariable("mean", sample_only=True),
           "n_events": StateVariable("n_events", sample_only=True)},
    threshold="V_T_star", synaptic_time_constants=("tau_syn_ex", "tau_syn_in"))

GIF_CELLS = (GIF_CURR_EXP, GIF_COND_EXP, GIF_POP_CURR_EXP)
