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
tests/engine/test_adex_engine.py.

The right-hand side ``rhs(y, f, P, c, mode, i_stim)`` (autonomous within a
simulation step) is an argument of ``evolve``, so the same stepper serves
every model of the family. ``evolve`` is inlined (``inline="always"``) into
one small compiled function per model (kernels/adex.py, ``_evolve_<model>``),
which passes the model's right-hand side, itself inlined: its one call site is
the loop over the stage evaluations, so each model compiles one copy of it
(not one per stage) and a network compiles only the models it uses.
"""
import numpy as np
from numba import njit

#: order used by the step-size rule (GSL reports 5 for rkf45)
ORDER = 5
#: rows of the scratch array ``work``: the stage derivatives k1..k6 are
#: consecutive (k_j in row W_DIN + j - 1)
W_Y0, W_DOUT, W_TMP, W_DIN, W_K2, W_K3, W_K4, W_K5, W_K6 = range(9)
N_WORK = 9

# Fehlberg's coefficients (zero entries left out)
_A2 = 1.0 / 4.0
_B31, _B32 = 3.0 / 32.0, 9.0 / 32.0
_B41, _B42, _B43 = 1932.0 / 2197.0, -7200.0 / 2197.0, 7296.0 / 2197.0
_B51, _B52, _B53, _B54 = 8341.0 / 4104.0, -32832.0 / 4104.0, 29440.0 / 4104.0, -845.0 / 4104.0
_B61, _B62, _B63, _B64, _B65 = (-6080.0 / 20520.0, 41040.0 / 20520.0, -28352.0 / 20520.0,
                                9295.0 / 20520.0, -5643.0 / 20520.0)
#: row j (2..5): the weights of k1..k_j in the argument of k_{j+1} (k2's, A2 h k1,
#: is computed as written)
_B_TABLE = np.array([[0.0] * 5, [_A2, 0.0, 0.0, 0.0, 0.0], [_B31, _B32, 0.0, 0.0, 0.0],
                     [_B41, _B42, _B43, 0.0, 0.0], [_B51, _B52, _B53, _B54, 0.0],
                     [_B61, _B62, _B63, _B64, _B65]])
# fifth-order weights
_C1, _C3, _C4, _C5, _C6 = (902880.0 / 7618050.0, 3953664.0 / 7618050.0, 3855735.0 / 7618050.0,
                           -1371249.0 / 7618050.0, 277020.0 / 7618050.0)
# fifth minus fourth order weights (the error estimate)
_E1, _E3, _E4, _E5, _E6 = 1.0 / 360.0, -128.0 / 4275.0, -2197.0 / 75240.0, 1.0 / 50.0, 2.0 / 55.0


@njit(cache=True, nogil=True, error_model="numpy", inline="always")
def evolve(rhs, y, t0, t1, h, eps, work, P, c, mode, i_stim):
    """Advance y from t0 towards t1 by one accepted step (retrying rejected
    ones); returns (time reached, suggested next step). ``rhs``: the model's
    right-hand side (see the module docstring)."""
    dim = y.shape[0]
    y0, tmp, yp = work[W_Y0], work[W_TMP], work[W_DOUT]
    for i in range(dim):
        y0[i] = y[i]
    dt = t1 - t0
    h0 = h
    first = 0                   # k1 = f(y0) once: a retried step reuses it
    while True:
        final = h0 > dt
        if final:
            h0 = dt
        for j in range(first, 7):
            if j == 0:                  # k1
                x = y
            elif j == 1:                # k2
                for i in range(dim):
                    tmp[i] = y[i] + _A2 * h0 * work[W_DIN, i]
                x = tmp
            elif j < 6:                 # k_{j+1}, summed in the order of Fehlberg's table
                for i in range(dim):
                    acc = _B_TABLE[j, 0] * work[W_DIN, i]
                    for m in range(1, j):
                        acc = acc + _B_TABLE[j, m] * work[W_DIN + m, i]
                    tmp[i] = y[i] + h0 * acc
                x = tmp
            else:                       # the fifth-order solution, and y' at its end
                for i in range(dim):
                    d = (_C1 * work[W_DIN, i] + _C3 * work[W_K3, i] + _C4 * work[W_K4, i]
                         + _C5 * work[W_K5, i] + _C6 * work[W_K6, i])
                    y[i] += h0 * d
                x = y
            rhs(x, work[W_DOUT if j == 6 else W_DIN + j], P, c, mode, i_stim)
        first = 1
        t = t1 if final else t0 + h0
        h_old = h0
        # the yp step control: r = max_i |err_i| / D_i
        rmax = 2.2250738585072014e-308
        for i in range(dim):
            err = h_old * (_E1 * work[W_DIN, i] + _E3 * work[W_K3, i] + _E4 * work[W_K4, i]
                           + _E5 * work[W_K5, i] + _E6 * work[W_K6, i])
            d0 = eps * abs(h_old * yp[i]) + eps
            r = abs(err) / abs(d0)
            rmax = r if r > rmax else rmax
        if rmax > 1.1:
            r = 0.9 / rmax ** (1.0 / ORDER)
            if r < 0.2:
                r = 0.2
            h0 = r * h_old
            if abs(h0) < abs(h_old) and t + h0 != t:
                for i in range(dim):        # rejected: retry from y0 with the smaller step
                    y[i] = y0[i]
                continue
            h0 = h_old
        elif rmax < 0.5:
            r = 0.9 / rmax ** (1.0 / (ORDER + 1.0))
            if r > 5.0:
                r = 5.0
            if r < 1.0:
                r = 1.0
            h0 = r * h_old
        return t, h0
