"""Exact-integration propagators, computed once per dt for every neuron.

The formulas are those of NEST 3.10 (Rotter & Diesmann 1999; IAFPropagator in
libnestutil), evaluated with the same expressions so that voltages agree with
NEST to rounding. All inputs are arrays in pynnlite units (ms, nF, nA, mV); the
propagators map nA to mV (nA / nF = mV / ms).

The singular case tau_m == tau_syn (and its numerically unstable neighbourhood)
falls back to the limit propagators, as NEST does:
P_VI = h / C * exp(-h / tau_m) and, for alpha currents,
P_VdI = h**2 / (2 C) * exp(-h / tau_m).
"""
import numpy as np

#: NEST's NUMERICAL_STABILITY_FACTOR_: the regular alpha formula for P_VdI is
#: used if h > factor * tau_m**2 / |tau_m - tau_syn|
_STABILITY_FACTOR = 1e-7


def _p_vi(h, tau_syn, tau_m, c_m):
    """Propagator from a synaptic current to V over h (P21 of iaf_psc_exp, P32 of
    iaf_psc_alpha), with the singular fallback. Returns (P_VI, beta, gamma, expm1)."""
    tau_syn, tau_m, c_m = np.broadcast_arrays(*(np.asarray(x, dtype=np.float64)
                                                for x in (tau_syn, tau_m, c_m)))
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        beta = tau_syn * tau_m / (tau_m - tau_syn)
        gamma = beta / c_m
        inv_beta = (tau_m - tau_syn) / (tau_syn * tau_m)
        exp_h_tau_syn = np.exp(-h / tau_syn)
        expm1_h_tau = np.expm1(h * inv_beta)
        p32 = gamma * exp_h_tau_syn * expm1_h_tau
    regular = np.isfinite(p32) & (np.abs(p32) >= np.finfo(np.float64).tiny) & (p32 > 0)
    singular = h / c_m * np.exp(-h / tau_m)
    return np.where(regular, p32, singular), beta, gamma, exp_h_tau_syn, expm1_h_tau


def psc_exp(h, tau_syn, tau_m, c_m):
    """P21 of iaf_psc_exp: the contribution of I_syn(t) to V(t + h)."""
    return _p_vi(h, tau_syn, tau_m, c_m)[0]


def psc_alpha(h, tau_syn, tau_m, c_m):
    """(P31, P32) of iaf_psc_alpha: contributions of dI_syn(t) and I_syn(t) to V(t + h)."""
    p32, beta, gamma, exp_h_tau_syn, expm1_h_tau = _p_vi(h, tau_syn, tau_m, c_m)
    tau_syn, tau_m, c_m = np.broadcast_arrays(*(np.asarray(x, dtype=np.float64)
                                                for x in (tau_syn, tau_m, c_m)))
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        h_min_regular = _STABILITY_FACTOR * tau_m * tau_m / np.abs(tau_m - tau_syn)
        p31_regular = gamma * exp_h_tau_syn * (beta * expm1_h_tau - h)
    p31_singular = 0.5 * h * h / c_m * np.exp(-h / tau_m)
    p31 = np.where(h > h_min_regular, p31_regular, p31_singular)
    return p31, p32


def membrane(h, tau_m, c_m):
    """(P22, P20, expm1(-h/tau_m), P30) of the leaky membrane: V decay and the
    contribution of a constant current over h. P20 is iaf_psc_exp's form,
    P30 iaf_psc_alpha's (they differ only in rounding)."""
    tau_m = np.asarray(tau_m, dtype=np.float64)
    c_m = np.asarray(c_m, dtype=np.float64)
    p22 = np.exp(-h / tau_m)
    p20 = tau_m / c_m * (1.0 - p22)
    expm1 = np.expm1(-h / tau_m)
    p30 = -tau_m / c_m * expm1
    return p22, p20, expm1, p30


def refractory_steps(tau_refrac, h):
    """round(t_ref / h): the number of steps a neuron stays refractory."""
    return np.floor(np.asarray(tau_refrac, dtype=np.float64) / h + 0.5).astype(np.int64)
