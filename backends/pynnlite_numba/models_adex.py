"""ModelKernel entries of the AdEx family and the parrot neuron (see
models.py for what an entry holds). Parameters arrive in PyNN units; the
kernels work in ms, mV, nA, nF, uS (so ``a`` in nS is divided by 1000 and
g_L = cm / tau_m)."""
import numpy as np

from . import propagators as prop
from .kernels import adex_rhs as adex
from .kernels.rkf45 import N_WORK
from .models import ModelKernel

#: NEST starts every neuron's adaptive step at min(0.01 ms, dt)
FIRST_STEP_MS = 0.01


def scratch(dim):
    """Scratch rows of an AdEx kernel: the state vector, then RKF45's work rows."""
    return np.zeros((1 + N_WORK, dim), np.float64)


def _ones(p):
    return np.ones_like(np.asarray(p["cm"], np.float64))


# ------------------------------------------------ EIF_cond_*_isfa_ista

def _derive_cond(p, dt):
    delta_t = np.asarray(p["delta_T"], np.float64)
    return {
        "g_L": p["cm"] / p["tau_m"], "E_L": p["v_rest"], "delta_T": delta_t,
        "v_peak": p["v_spike"], "v_reset": p["v_reset"], "C_m": p["cm"], "a": p["a"] / 1000.0,
        "tau_w": p["tau_w"], "b": p["b"], "v_th": p["v_thresh"], "e_rev_E": p["e_rev_E"],
        "e_rev_I": p["e_rev_I"], "tau_syn_E": p["tau_syn_E"], "tau_syn_I": p["tau_syn_I"],
        "i_offset": p["i_offset"], "h": dt * _ones(p), "eps": adex.GSL_ERROR_TOL * _ones(p),
        "refrac_steps": prop.refractory_steps(p["tau_refrac"], dt),
        # delta_T = 0 is the integrate-and-fire limit: the spike is at v_thresh
        "spike_at": np.where(delta_t > 0, p["v_spike"], p["v_thresh"]),
        "g0_exc": np.e / np.asarray(p["tau_syn_E"], np.float64),
        "g0_inh": np.e / np.asarray(p["tau_syn_I"], np.float64),
    }


def _init_cond_exp(values, p):
    # h_int (the adaptive step) is set by _step_arrays, which knows dt
    return {"v": values["v"], "gsyn_exc": values["gsyn_exc"], "gsyn_inh": values["gsyn_inh"],
            "w": values["w"], "h_int": np.full(len(values["v"]), FIRST_STEP_MS)}


def _init_cond_alpha(values, p):
    zero = np.zeros(len(values["v"]))
    return {"v": values["v"], "dg_exc": zero, "gsyn_exc": values["gsyn_exc"], "dg_inh": zero,
            "gsyn_inh": values["gsyn_inh"], "w": values["w"],
            "h_int": np.full(len(values["v"]), FIRST_STEP_MS)}


_COND_STATE = {"v": ("v", None), "w": ("w", None), "gsyn_exc": ("gsyn_exc", None),
               "gsyn_inh": ("gsyn_inh", None)}


def _step_arrays(params, dt, arrays):
    """The first adaptive step, min(0.01 ms, dt), at build and reset; the
    kernel's scratch rows W (state vector and RKF45 work rows)."""
    arrays["S"][-1] = min(FIRST_STEP_MS, dt)
    return {"W": scratch(len(arrays["S"]) - 1)}


EIF_COND_EXP = ModelKernel(
    name="EIF_cond_exp_isfa_ista", kernel=("pynnlite_numba.kernels.adex", "update_aeif_cond_exp"),
    arrays=("P", "S", "I", "F", "W"), p_rows=adex.COND_P, s_rows=adex.COND_EXP_S,
    i_state=adex.COND_I,
    derive=_derive_cond, init_state=_init_cond_exp, state=_COND_STATE, init_arrays=_step_arrays)

EIF_COND_ALPHA = ModelKernel(
    name="EIF_cond_alpha_isfa_ista",
    kernel=("pynnlite_numba.kernels.adex", "update_aeif_cond_alpha"),
    arrays=("P", "S", "I", "F", "W"), p_rows=adex.COND_P, s_rows=adex.COND_ALPHA_S,
    i_state=adex.COND_I, derive=_derive_cond, init_state=_init_cond_alpha, state=_COND_STATE,
    init_arrays=_step_arrays)


# ------------------------------------------------------ EIF_psc_delta_clopath

def _delay_line_length(p, dt):
    """Entries of the u+/u- delay lines: round(delay_u_bars / dt) + 1 (NEST)."""
    return np.rint(np.asarray(p["delay_u_bars"], np.float64) / dt).astype(np.int64) + 1


def _derive_clopath(p, dt):
    one = _ones(p)
    return {
        "g_L": p["cm"] / p["tau_m"], "E_L": p["v_rest"], "delta_T": p["delta_T"],
        "v_peak": p["v_spike"], "v_reset": p["v_reset"], "v_clamp": p["v_clamp"], "C_m": p["cm"],
        "a": p["a"] / 1000.0, "tau_w": p["tau_w"], "b": p["b"], "i_sp": p["i_sp"],
        "tau_z": p["tau_z"], "v_th_rest": p["v_thresh"], "v_th_max": p["v_thresh_max"],
        "tau_v_th": p["tau_v_thresh"], "tau_u_plus": p["tau_u_bar_plus"],
        "tau_u_minus": p["tau_u_bar_minus"], "tau_u_bar": p["tau_u_bar_bar"],
        "i_offset": p["i_offset"], "theta_plus": p["theta_plus"], "theta_minus": p["theta_minus"],
        "A_LTP": p["A_LTP"], "A_LTD": p["A_LTD"], "A_LTD_const": p["A_LTD_const"],
        "u_ref_sq": p["u_ref_squared"], "h": dt * one, "eps": adex.GSL_ERROR_TOL * one,
        "refrac_steps": prop.refractory_steps(p["tau_refrac"], dt),
        "clamp_steps": prop.refractory_steps(p["t_clamp"], dt),
        "ubar_len": _delay_line_length(p, dt) * one,
    }


def _init_clopath(values, p):
    n = len(values["v"])
    zero = np.zeros(n)
    return {"v": values["v"], "w": values["w"], "z": zero,
            "v_th": np.broadcast_to(np.asarray(p["v_thresh"], np.float64), (n,)),
            "u_bar_plus": values["u_bar_plus"], "u_bar_minus": values["u_bar_minus"],
            "u_bar_bar": values["u_bar_bar"], "h_int": np.full(n, FIRST_STEP_MS),
            "ltp": zero, "ltd": zero}


def _clopath_delay_lines(params, dt, arrays):
    """The u+/u- delay lines: empty (0 mV, as in NEST) at build and reset."""
    n = arrays["S"].shape[1]
    length = int(_delay_line_length(params, dt).max()) if n else 1
    arrays["S"][adex.CLOPATH_S.index("h_int")] = min(FIRST_STEP_MS, dt)
    return {"U": np.zeros((2 * length, n), np.float64), "W": scratch(adex.CLOPATH_DIM)}


def _grow_delay_lines(params, dt, arrays):
    """A longer delay_u_bars set between runs needs longer delay lines."""
    n = arrays["S"].shape[1]
    length = int(_delay_line_length(params, dt).max()) if n else 1
    old = arrays.get("U")
    if old is not None and old.shape[0] >= 2 * length:
        return {}
    new = np.zeros((2 * length, n), np.float64)
    if old is not None:
        half = old.shape[0] // 2
        new[:half] = old[:half]
        new[length:length + half] = old[half:]
    return {"U": new}


EIF_PSC_DELTA_CLOPATH = ModelKernel(
    name="EIF_psc_delta_clopath",
    kernel=("pynnlite_numba.kernels.adex", "update_aeif_psc_delta_clopath"),
    arrays=("P", "S", "I", "F", "U", "W"), p_rows=adex.CLOPATH_P, s_rows=adex.CLOPATH_S,
    i_state=adex.CLOPATH_I, derive=_derive_clopath, init_state=_init_clopath,
    state={"v": ("v", None), "w": ("w", None), "z": ("z", None), "v_th": ("v_th", None),
           "u_bar_plus": ("u_bar_plus", None), "u_bar_minus": ("u_bar_minus", None),
           "u_bar_bar": ("u_bar_bar", None)},
    derive_arrays=_grow_delay_lines, init_arrays=_clopath_delay_lines)


# ------------------------------------------------------------- ParrotNeuron

PARROT_NEURON = ModelKernel(
    name="ParrotNeuron", kernel=("pynnlite_numba.kernels.parrot", "update_parrot"),
    arrays=("I",), i_state=("count",), derive=lambda p, dt: {})

ADEX_MODEL_KERNELS = (EIF_COND_EXP, EIF_COND_ALPHA, EIF_PSC_DELTA_CLOPATH, PARROT_NEURON)
