"""Right-hand sides of the AdEx family (NEST aeif_cond_exp, aeif_cond_alpha,
aeif_psc_delta_clopath) and the parameter / state rows they read.

``rhs_<model>(y, f, P, c, mode, i_stim)`` writes dy/dt of one neuron into f:
P column c holds its parameters, ``mode`` says whether it is free,
refractory or clamped, i_stim is the electrode current of the step. They are
inlined into the RKF45 stepper at its one call site (kernels/rkf45.py). V is
bounded by v_spike in the equations (so exp() cannot overflow; NEST does the
same), replaced by v_reset while refractory and by v_clamp while clamped;
dV/dt is then 0 (and dw/dt too while clamped).
"""
import numpy as np
from numba import njit

FREE, REFRACTORY, CLAMPED = 0, 1, 2
#: NEST's gsl_error_tol default (absolute and relative)
GSL_ERROR_TOL = 1e-6

# ------------------------------------------------ conductance-based AdEx
COND_P = ("g_L", "E_L", "delta_T", "v_peak", "v_reset", "C_m", "a", "tau_w", "b", "v_th",
          "e_rev_E", "e_rev_I", "tau_syn_E", "tau_syn_I", "i_offset", "h", "eps",
          "refrac_steps", "spike_at", "g0_exc", "g0_inh")
(_GL, _EL, _DT, _VPEAK, _VRESET, _CM, _A, _TAUW, _B, _VTH, _EE, _EI, _TE, _TI, _IOFF, _H, _EPS,
 _REF, _SPIKE_AT, _G0E, _G0I) = range(len(COND_P))
COND_EXP_S = ("v", "gsyn_exc", "gsyn_inh", "w", "h_int")
COND_ALPHA_S = ("v", "dg_exc", "gsyn_exc", "dg_inh", "gsyn_inh", "w", "h_int")
COND_I = ("refrac_count",)


@njit(cache=True, nogil=True, error_model="numpy", inline="always")
def _spike_current(P, c, v, v_th):
    d = P[_DT, c]
    return 0.0 if d == 0.0 else P[_GL, c] * d * np.exp((v - v_th) / d)


@njit(cache=True, nogil=True, error_model="numpy", inline="always")
def rhs_cond_exp(y, f, P, c, mode, i_stim):
    """aeif_cond_exp: y = (V, g_exc, g_inh, w)."""
    v = P[_VRESET, c] if mode == REFRACTORY else min(y[0], P[_VPEAK, c])
    i_exc = y[1] * (v - P[_EE, c])
    i_inh = y[2] * (v - P[_EI, c])
    i_spike = _spike_current(P, c, v, P[_VTH, c])
    if mode == REFRACTORY:
        f[0] = 0.0
    else:
        f[0] = (-P[_GL, c] * (v - P[_EL, c]) + i_spike - i_exc - i_inh - y[3] + P[_IOFF, c]
                + i_stim) / P[_CM, c]
    f[1] = -y[1] / P[_TE, c]
    f[2] = -y[2] / P[_TI, c]
    f[3] = (P[_A, c] * (v - P[_EL, c]) - y[3]) / P[_TAUW, c]


@njit(cache=True, nogil=True, error_model="numpy", inline="always")
def rhs_cond_alpha(y, f, P, c, mode, i_stim):
    """aeif_cond_alpha: y = (V, dg_exc, g_exc, dg_inh, g_inh, w)."""
    v = P[_VRESET, c] if mode == REFRACTORY else min(y[0], P[_VPEAK, c])
    i_exc = y[2] * (v - P[_EE, c])
    i_inh = y[4] * (v - P[_EI, c])
    i_spike = _spike_current(P, c, v, P[_VTH, c])
    if mode == REFRACTORY:
        f[0] = 0.0
    else:
        f[0] = (-P[_GL, c] * (v - P[_EL, c]) + i_spike - i_exc - i_inh - y[5] + P[_IOFF, c]
                + i_stim) / P[_CM, c]
    f[1] = -y[1] / P[_TE, c]
    f[2] = y[1] - y[2] / P[_TE, c]
    f[3] = -y[3] / P[_TI, c]
    f[4] = y[3] - y[4] / P[_TI, c]
    f[5] = (P[_A, c] * (v - P[_EL, c]) - y[5]) / P[_TAUW, c]


# ---------------------------------------------------------------- Clopath
CLOPATH_P = ("g_L", "E_L", "delta_T", "v_peak", "v_reset", "v_clamp", "C_m", "a", "tau_w", "b",
             "i_sp", "tau_z", "v_th_rest", "v_th_max", "tau_v_th", "tau_u_plus", "tau_u_minus",
             "tau_u_bar", "i_offset", "theta_plus", "theta_minus", "A_LTP", "A_LTD",
             "A_LTD_const", "u_ref_sq", "h", "eps", "refrac_steps", "clamp_steps", "ubar_len")
(_CGL, _CEL, _CDT, _CVPEAK, _CVRESET, _CVCLAMP, _CCM, _CA, _CTAUW, _CB, _CISP, _CTAUZ, _CVTR,
 _CVTMAX, _CTAUVT, _CTUP, _CTUM, _CTUB, _CIOFF, _CTHP, _CTHM, _CALTP, _CALTD, _CCONST, _CUREF,
 _CH, _CEPS, _CREF, _CCLAMP, _CULEN) = range(len(CLOPATH_P))
CLOPATH_S = ("v", "w", "z", "v_th", "u_bar_plus", "u_bar_minus", "u_bar_bar", "h_int", "ltp",
             "ltd")
CLOPATH_I = ("refrac_count", "clamp_count", "ubar_index")
_DIM = 7
CLOPATH_DIM = _DIM
_ROW_HINT, _ROW_LTP, _ROW_LTD = 7, 8, 9


@njit(cache=True, nogil=True, error_model="numpy", inline="always")
def rhs_clopath(y, f, P, c, mode, i_stim):
    """aeif_psc_delta_clopath: y = (V, w, z, V_T, u+, u-, ū)."""
    if mode == CLAMPED:
        v = P[_CVCLAMP, c]
    elif mode == REFRACTORY:
        v = P[_CVRESET, c]
    else:
        v = min(y[0], P[_CVPEAK, c])
    d = P[_CDT, c]
    i_spike = 0.0 if d == 0.0 else P[_CGL, c] * d * np.exp((v - y[3]) / d)
    if mode == FREE:
        f[0] = (-P[_CGL, c] * (v - P[_CEL, c]) + i_spike - y[1] + y[2] + P[_CIOFF, c]
                + i_stim) / P[_CCM, c]
    else:
        f[0] = 0.0
    f[1] = 0.0 if mode == CLAMPED else (P[_CA, c] * (v - P[_CEL, c]) - y[1]) / P[_CTAUW, c]
    f[2] = -y[2] / P[_CTAUZ, c]
    f[3] = -(y[3] - P[_CVTR, c]) / P[_CTAUVT, c]
    f[4] = (-y[4] + v) / P[_CTUP, c]
    f[5] = (-y[5] + v) / P[_CTUM, c]
    f[6] = (-y[6] + y[5]) / P[_CTUB, c]
