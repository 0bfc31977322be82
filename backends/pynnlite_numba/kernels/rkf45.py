"""Adaptive Runge-Kutta-Fehlberg 4(5) integration, step for step as NEST's
GSL-based models do it (aeif_*, aeif_psc_delta_clopath).

NEST integrates these models with GSL's ``gsl_odeiv_evolve_apply`` using the
``rkf45`` stepper and the ``yp`` error control with
``eps_abs = eps_rel = gsl_error_tol`` (default 1e-6). This module is an
independent implementation of that scheme, written from the published method
(Hairer, Norsett & Wanner, Solving ODEs I, table 5.1) and GSL's documented
control rule, so that the engine takes the same sub-steps as NEST:

- one stage of RKF45 (the fifth-order solution is kept; the error estimate is
  the difference to the embedded fourth-order one);
- error control: with D_i = eps_rel * |h y'_i| + eps_abs (y' at the end of
  the step) and r = max_i |err_i| / D_i, a step with r > 1.1 is rejected and
  retried with h * max(0.2, 0.9 r**(-1/5)); an accepted step suggests
  h * min(5, max(1, 0.9 r**(-1/6))) when r < 0.5, else the same h;
- a step never overshoots the end of the interval: it is cut to reach it
  exactly, and the suggestion is computed from the cut step.

The step size suggested at the end of one simulation step is where the next
one starts (NEST keeps it per neuron, starting from min(0.01 ms, dt)).

Local error: at most ~eps per sub-step relative to the scale above (the
fourth-order estimate bounds the error of the fourth-order solution; the
fifth-order one that is kept is more accurate). Measured global errors are in
tests/engine/test_adex.py.

The right-hand side is a compiled function ``rhs(kind, y, f, P, c, mode, i_stim)``
(autonomous within a simulation step) passed in as an argument, so the same
stepper serves every model of the family.
"""
from numba import njit

from .adex_rhs import rhs

#: order used by the step-size rule (GSL reports 5 for rkf45)
ORDER = 5
#: rows of the scratch array ``work``
W_Y0, W_ERR, W_DIN, W_DOUT, W_K2, W_K3, W_K4, W_K5, W_K6, W_TMP = range(10)
N_WORK = 10

# Fehlberg's coefficients (zero entries left out)
_A2, _A3, _A4, _A5, _A6 = 1.0 / 4.0, 3.0 / 8.0, 12.0 / 13.0, 1.0, 1.0 / 2.0
_B31, _B32 = 3.0 / 32.0, 9.0 / 32.0
_B41, _B42, _B43 = 1932.0 / 2197.0, -7200.0 / 2197.0, 7296.0 / 2197.0
_B51, _B52, _B53, _B54 = 8341.0 / 4104.0, -32832.0 / 4104.0, 29440.0 / 4104.0, -845.0 / 4104.0
_B61, _B62, _B63, _B64, _B65 = (-6080.0 / 20520.0, 41040.0 / 20520.0, -28352.0 / 20520.0,
                                9295.0 / 20520.0, -5643.0 / 20520.0)
# fifth-order weights
_C1, _C3, _C4, _C5, _C6 = (902880.0 / 7618050.0, 3953664.0 / 7618050.0, 3855735.0 / 7618050.0,
                           -1371249.0 / 7618050.0, 277020.0 / 7618050.0)
# fifth minus fourth order weights (the error estimate)
_E1, _E3, _E4, _E5, _E6 = 1.0 / 360.0, -128.0 / 4275.0, -2197.0 / 75240.0, 1.0 / 50.0, 2.0 / 55.0

HADJ_DEC, HADJ_NIL, HADJ_INC = -1, 0, 1


@njit(cache=True, nogil=True, error_model="numpy")
def _stage(kind, y, h, work, P, c, mode, i_stim):
    """One RKF45 step of size h from y (in place); k1 = work[W_DIN]. Fills the
    error estimate work[W_ERR] and the derivative at the end work[W_DOUT]."""
    dim = y.shape[0]
    k1 = work[W_DIN]
    k2, k3, k4, k5, k6 = work[W_K2], work[W_K3], work[W_K4], work[W_K5], work[W_K6]
    tmp = work[W_TMP]
    for i in range(dim):
        tmp[i] = y[i] + _A2 * h * k1[i]
    rhs(kind, tmp, k2, P, c, mode, i_stim)
    for i in range(dim):
        tmp[i] = y[i] + h * (_B31 * k1[i] + _B32 * k2[i])
    rhs(kind, tmp, k3, P, c, mode, i_stim)
    for i in range(dim):
        tmp[i] = y[i] + h * (_B41 * k1[i] + _B42 * k2[i] + _B43 * k3[i])
    rhs(kind, tmp, k4, P, c, mode, i_stim)
    for i in range(dim):
        tmp[i] = y[i] + h * (_B51 * k1[i] + _B52 * k2[i] + _B53 * k3[i] + _B54 * k4[i])
    rhs(kind, tmp, k5, P, c, mode, i_stim)
    for i in range(dim):
        tmp[i] = y[i] + h * (_B61 * k1[i] + _B62 * k2[i] + _B63 * k3[i] + _B64 * k4[i]
                             + _B65 * k5[i])
    rhs(kind, tmp, k6, P, c, mode, i_stim)
    for i in range(dim):
        d = _C1 * k1[i] + _C3 * k3[i] + _C4 * k4[i] + _C5 * k5[i] + _C6 * k6[i]
        y[i] += h * d
    rhs(kind, y, work[W_DOUT], P, c, mode, i_stim)
    err = work[W_ERR]
    for i in range(dim):
        err[i] = h * (_E1 * k1[i] + _E3 * k3[i] + _E4 * k4[i] + _E5 * k5[i] + _E6 * k6[i])


@njit(cache=True, nogil=True, error_model="numpy")
def _adjust(work, dim, h_old, eps):
    """The yp step control: (new step, HADJ_DEC / HADJ_NIL / HADJ_INC)."""
    err, yp = work[W_ERR], work[W_DOUT]
    rmax = 2.2250738585072014e-308
    for i in range(dim):
        d0 = eps * abs(h_old * yp[i]) + eps
        r = abs(err[i]) / abs(d0)
        rmax = r if r > rmax else rmax
    if rmax > 1.1:
        r = 0.9 / rmax ** (1.0 / ORDER)
        if r < 0.2:
            r = 0.2
        return r * h_old, HADJ_DEC
    if rmax < 0.5:
        r = 0.9 / rmax ** (1.0 / (ORDER + 1.0))
        if r > 5.0:
            r = 5.0
        if r < 1.0:
            r = 1.0
        return r * h_old, HADJ_INC
    return h_old, HADJ_NIL


@njit(cache=True, nogil=True, error_model="numpy")
def evolve(kind, y, t0, t1, h, eps, work, P, c, mode, i_stim):
    """Advance y from t0 towards t1 by one accepted step (retrying rejected
    ones); returns (time reached, suggested next step)."""
    dim = y.shape[0]
    y0 = work[W_Y0]
    for i in range(dim):
        y0[i] = y[i]
    rhs(kind, y, work[W_DIN], P, c, mode, i_stim)
    dt = t1 - t0
    h0 = h
    while True:
        final = h0 > dt
        if final:
            h0 = dt
        _stage(kind, y, h0, work, P, c, mode, i_stim)
        t = t1 if final else t0 + h0
        h_old = h0
        h0, status = _adjust(work, dim, h_old, eps)
        if status == HADJ_DEC:
            if abs(h0) < abs(h_old) and t + h0 != t:
                for i in range(dim):
                    y[i] = y0[i]
                continue
            h0 = h_old
        return t, h0
