"""Update kernels of the AdEx family: EIF_cond_exp_isfa_ista (NEST
aeif_cond_exp), EIF_cond_alpha_isfa_ista (aeif_cond_alpha) and
EIF_psc_delta_clopath (aeif_psc_delta_clopath).

Each step of each neuron is integrated with the adaptive RKF45 scheme of
kernels/rkf45.py, in sub-steps, and the events inside a step follow NEST's
update functions (REFERENCE 2.3):

- conductance models: after every sub-step, V is held at v_reset while
  refractory; else reaching the spike value (v_spike, or v_thresh when
  delta_T = 0) resets V, adds b to w and starts round(t_refrac/dt) refractory
  steps. The spikes arriving in the step are added to g (exp) or dg (alpha,
  times e / tau_syn) at the end of the step, so they act from the next step.
- Clopath model: the step's delta input is added to V after the first sub-step
  (unless clamped or refractory, when it is dropped); a spike clamps V to
  v_clamp for round(t_clamp/dt) steps, with w += b, z = i_sp, V_T = v_thresh_max;
  when the clamp ends V is reset and refractoriness starts. At the end of the
  step the filtered potentials u+, u- go into the delay lines (``U``) and the
  step's Clopath entries are computed (S rows ``ltp`` and ``ltd``: the weight
  change per unit x̄ for potentiation, the depression), read by the Clopath
  synapses in the plasticity phase.

In the right-hand sides V is bounded by v_spike (so exp() cannot overflow;
NEST does the same), replaced by v_reset while refractory and by v_clamp
while clamped; dV/dt is then 0 (and dw/dt too while clamped).

Kernels loop over neurons one by one (the adaptive sub-steps differ per
neuron); parameter rows P have one column, or one per neuron.
"""
import numpy as np
from numba import njit

from .adex_rhs import (
    CLAMPED, CLOPATH, COND_ALPHA, COND_EXP, FREE, REFRACTORY, _B, _CALTD, _CALTP, _CB,
    _CCLAMP, _CCONST, _CDT, _CEPS, _CH, _CISP, _CREF, _CTHM, _CTHP, _CULEN, _CUREF, _CVCLAMP,
    _CVPEAK, _CVRESET, _CVTMAX, _DIM, _EPS, _G0E, _G0I, _H, _REF, _ROW_HINT, _ROW_LTD,
    _ROW_LTP, _SPIKE_AT, _VRESET
)
from .rkf45 import N_WORK, evolve


@njit(cache=True, nogil=True, error_model="numpy")
def _cond_neuron(kind, i, y, work, S, I, P, c, i_stim, w_row):
    """Integrate one step of one conductance-based neuron; returns its spike count."""
    dim = y.shape[0]
    for k in range(dim):
        y[k] = S[k, i]
    h_int = S[dim, i]
    r = I[0, i]
    h = P[_H, c]
    eps = P[_EPS, c]
    refrac = int(P[_REF, c])
    spikes = 0
    t = 0.0
    while t < h:
        t, h_int = evolve(kind, y, t, h, h_int, eps, work, P, c,
                          REFRACTORY if r > 0 else FREE, i_stim)
        if r > 0:
            y[0] = P[_VRESET, c]
        elif y[0] >= P[_SPIKE_AT, c]:
            y[0] = P[_VRESET, c]
            y[w_row] += P[_B, c]
            r = refrac + 1 if refrac > 0 else 0
            spikes += 1
    if r > 0:
        r -= 1
    for k in range(dim):
        S[k, i] = y[k]
    S[dim, i] = h_int
    I[0, i] = r
    return spikes


@njit(cache=True, nogil=True, error_model="numpy")
def _emit(F, g0, n, spk_idx, spk_mult, n_spk):
    """Append the neurons with F[i] > 0 spikes (multiplicity F[i])."""
    for i in range(n):
        if F[i] > 0:
            spk_idx[n_spk] = g0 + i
            spk_mult[n_spk] = F[i]
            n_spk += 1
    return n_spk


@njit(cache=True, nogil=True, error_model="numpy")
def _cond_neuron_step(kind, i, c, y, work, S, I, P, ring_row, half, g0, istim):
    """One step of neuron i (parameter column c): integrate, then the step's
    conductance jumps; returns its spike count (at most 255)."""
    if kind == COND_EXP:
        spikes = _cond_neuron(COND_EXP, i, y, work, S, I, P, c, istim[g0 + i], 3)
        S[1, i] += ring_row[g0 + i]
        S[2, i] += ring_row[half + g0 + i]
    else:
        spikes = _cond_neuron(COND_ALPHA, i, y, work, S, I, P, c, istim[g0 + i], 5)
        S[1, i] += ring_row[g0 + i] * P[_G0E, c]
        S[3, i] += ring_row[half + g0 + i] * P[_G0I, c]
    ring_row[g0 + i] = 0.0
    ring_row[half + g0 + i] = 0.0
    return min(spikes, 255)


@njit(cache=True, nogil=True, error_model="numpy")
def _cond_block(kind, P, S, I, F, W, g0, ring_row, istim, spk_idx, spk_mult, n_spk, uniform):
    """All neurons of a block; W holds the scratch rows (y, then the RKF45 work
    rows). ``uniform``: one parameter column (the literal column 0 lets the
    compiler keep the parameters in registers)."""
    n = S.shape[1]
    half = ring_row.shape[0] // 2
    y = W[0]
    work = W[1:]
    if uniform:
        for i in range(n):
            F[i] = _cond_neuron_step(kind, i, 0, y, work, S, I, P, ring_row, half, g0, istim)
    else:
        for i in range(n):
            F[i] = _cond_neuron_step(kind, i, i, y, work, S, I, P, ring_row, half, g0, istim)
    return _emit(F, g0, n, spk_idx, spk_mult, n_spk)


@njit(cache=True, nogil=True, error_model="numpy")
def update_aeif_cond_exp(s, P, S, I, F, W, g0, ring_row, istim, spk_idx, spk_mult, n_spk, seed):
    return _cond_block(COND_EXP, P, S, I, F, W, g0, ring_row, istim, spk_idx, spk_mult, n_spk,
                       False)


@njit(cache=True, nogil=True, error_model="numpy")
def update_aeif_cond_exp_uniform(s, P, S, I, F, W, g0, ring_row, istim, spk_idx, spk_mult, n_spk,
                                 seed):
    return _cond_block(COND_EXP, P, S, I, F, W, g0, ring_row, istim, spk_idx, spk_mult, n_spk,
                       True)


@njit(cache=True, nogil=True, error_model="numpy")
def update_aeif_cond_alpha(s, P, S, I, F, W, g0, ring_row, istim, spk_idx, spk_mult, n_spk, seed):
    return _cond_block(COND_ALPHA, P, S, I, F, W, g0, ring_row, istim, spk_idx, spk_mult, n_spk,
                       False)


@njit(cache=True, nogil=True, error_model="numpy")
def update_aeif_cond_alpha_uniform(s, P, S, I, F, W, g0, ring_row, istim, spk_idx, spk_mult,
                                   n_spk, seed):
    return _cond_block(COND_ALPHA, P, S, I, F, W, g0, ring_row, istim, spk_idx, spk_mult, n_spk,
                       True)


@njit(cache=True, nogil=True, error_model="numpy")
def _clopath_neuron(i, y, work, S, I, U, P, c, inp, i_stim):
    """Integrate one step of one Clopath neuron, update its delay lines and
    Clopath entries; returns its spike count."""
    for k in range(_DIM):
        y[k] = S[k, i]
    h_int = S[_ROW_HINT, i]
    r = I[0, i]
    clamp = I[1, i]
    h = P[_CH, c]
    eps = P[_CEPS, c]
    refrac = int(P[_CREF, c])
    clamp_steps = int(P[_CCLAMP, c])
    spikes = 0
    t = 0.0
    while t < h:
        mode = CLAMPED if clamp > 0 else (REFRACTORY if r > 0 else FREE)
        t, h_int = evolve(CLOPATH, y, t, h, h_int, eps, work, P, c, mode, i_stim)
        if r == 0 and clamp == 0:
            y[0] += inp
        inp = 0.0           # the step's input is consumed by the first sub-step
        v_peak = y[3] if P[_CDT, c] == 0.0 else P[_CVPEAK, c]
        if y[0] >= v_peak and clamp == 0:
            y[0] = P[_CVCLAMP, c]
            y[1] += P[_CB, c]
            y[2] = P[_CISP, c]
            y[3] = P[_CVTMAX, c]
            clamp = clamp_steps + 1 if clamp_steps > 0 else 0
            spikes += 1
        elif clamp == 1:
            y[0] = P[_CVRESET, c]
            clamp = 0
            r = refrac + 1 if refrac > 0 else 0
        if r > 0:
            y[0] = P[_CVRESET, c]
    # delay lines of u+ and u- (written, then the oldest entry read)
    length = int(P[_CULEN, c])
    half = U.shape[0] // 2
    j = I[2, i]
    U[j, i] = y[4]
    U[half + j, i] = y[5]
    j = j + 1 if j + 1 < length else 0
    I[2, i] = j
    u_plus_del = U[j, i]
    u_minus_del = U[half + j, i]
    v = y[0]
    ltp = 0.0
    if v > P[_CTHP, c] and u_plus_del > P[_CTHM, c]:
        ltp = P[_CALTP, c] * (v - P[_CTHP, c]) * (u_plus_del - P[_CTHM, c]) * h
    ltd = 0.0
    if u_minus_del > P[_CTHM, c]:
        if P[_CCONST, c] != 0.0:
            ltd = P[_CALTD, c] * (u_minus_del - P[_CTHM, c])
        else:
            ltd = P[_CALTD, c] * y[6] * y[6] * (u_minus_del - P[_CTHM, c]) / P[_CUREF, c]
    if clamp > 0:
        clamp -= 1
    if r > 0:
        r -= 1
    for k in range(_DIM):
        S[k, i] = y[k]
    S[_ROW_HINT, i] = h_int
    S[_ROW_LTP, i] = ltp
    S[_ROW_LTD, i] = ltd
    I[0, i] = r
    I[1, i] = clamp
    return spikes


@njit(cache=True, nogil=True, error_model="numpy")
def _clopath_block(P, S, I, F, U, W, g0, ring_row, istim, spk_idx, spk_mult, n_spk, uniform):
    n = S.shape[1]
    half = ring_row.shape[0] // 2
    y = W[0]
    work = W[1:]
    for i in range(n):
        inp = ring_row[g0 + i] + ring_row[half + g0 + i]
        ring_row[g0 + i] = 0.0
        ring_row[half + g0 + i] = 0.0
        if uniform:
            spikes = _clopath_neuron(i, y, work, S, I, U, P, 0, inp, istim[g0 + i])
        else:
            spikes = _clopath_neuron(i, y, work, S, I, U, P, i, inp, istim[g0 + i])
        F[i] = min(spikes, 255)
    return _emit(F, g0, n, spk_idx, spk_mult, n_spk)


@njit(cache=True, nogil=True, error_model="numpy")
def update_aeif_psc_delta_clopath(s, P, S, I, F, U, W, g0, ring_row, istim, spk_idx, spk_mult,
                                  n_spk, seed):
    return _clopath_block(P, S, I, F, U, W, g0, ring_row, istim, spk_idx, spk_mult, n_spk, False)


@njit(cache=True, nogil=True, error_model="numpy")
def update_aeif_psc_delta_clopath_uniform(s, P, S, I, F, U, W, g0, ring_row, istim, spk_idx,
                                          spk_mult, n_spk, seed):
    return _clopath_block(P, S, I, F, U, W, g0, ring_row, istim, spk_idx, spk_mult, n_spk, True)
