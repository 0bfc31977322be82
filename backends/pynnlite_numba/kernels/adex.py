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
neuron); parameter rows P have one column (the ``_uniform`` kernels read the
literal column 0) or one per neuron. The per-neuron step is inlined into each
kernel (``inline="always"``) and calls the model's RKF45 stepper, one compiled
function per model with its right-hand side inlined at its one call site
(rkf45.py): a network compiles only the kernels it uses, each with one copy of
its right-hand side. The stepper stays a function of its own because numba's
inlining copies the callee's IR at a cost that grows fast with its size.
"""
from numba import njit

from .adex_rhs import (
    CLAMPED, FREE, REFRACTORY, _B, _CALTD, _CALTP, _CB, _CCLAMP, _CCONST, _CDT, _CEPS, _CH,
    _CISP, _CREF, _CTHM, _CTHP, _CULEN, _CUREF, _CVCLAMP, _CVPEAK, _CVRESET, _CVTMAX, _DIM, _EPS,
    _G0E, _G0I, _H, _REF, _ROW_HINT, _ROW_LTD, _ROW_LTP, _SPIKE_AT, _VRESET, rhs_clopath,
    rhs_cond_alpha, rhs_cond_exp
)
from .rkf45 import evolve


# The RKF45 stepper of each model (rkf45.evolve with the model's right-hand
# side, both inlined).

@njit(cache=True, nogil=True, error_model="numpy")
def _evolve_cond_exp(y, t0, t1, h, eps, work, P, c, mode, i_stim):
    return evolve(rhs_cond_exp, y, t0, t1, h, eps, work, P, c, mode, i_stim)


@njit(cache=True, nogil=True, error_model="numpy")
def _evolve_cond_alpha(y, t0, t1, h, eps, work, P, c, mode, i_stim):
    return evolve(rhs_cond_alpha, y, t0, t1, h, eps, work, P, c, mode, i_stim)


@njit(cache=True, nogil=True, error_model="numpy")
def _evolve_clopath(y, t0, t1, h, eps, work, P, c, mode, i_stim):
    return evolve(rhs_clopath, y, t0, t1, h, eps, work, P, c, mode, i_stim)


@njit(cache=True, nogil=True, error_model="numpy", inline="always")
def _cond_neuron(stepper, w_row, i, y, work, S, I, P, c, i_stim):
    """Integrate one step of one conductance-based neuron (``stepper``: the
    model's _evolve_*, w in state row ``w_row``); returns its spike count (at
    most 255)."""
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
        t, h_int = stepper(y, t, h, h_int, eps, work, P, c, REFRACTORY if r > 0 else FREE,
                           i_stim)
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
    return min(spikes, 255)


@njit(cache=True, nogil=True, error_model="numpy")
def _emit(F, g0, n, spk_idx, spk_mult, n_spk):
    """Append the neurons with F[i] > 0 spikes (multiplicity F[i])."""
    for i in range(n):
        if F[i] > 0:
            spk_idx[n_spk] = g0 + i
            spk_mult[n_spk] = F[i]
            n_spk += 1
    return n_spk


# The conductance kernels: W holds the scratch rows (y, then the RKF45 work
# rows). The spikes arriving in the step are added to g (exp) or dg (alpha,
# times e / tau_syn) after the integration, so they act from the next step.

@njit(cache=True, nogil=True, error_model="numpy")
def update_aeif_cond_exp(s, P, S, I, F, W, g0, ring_row, istim, spk_idx, spk_mult, n_spk, seed):
    n = S.shape[1]
    half = ring_row.shape[0] // 2
    y, work = W[0], W[1:]
    for i in range(n):
        F[i] = _cond_neuron(_evolve_cond_exp, 3, i, y, work, S, I, P, i, istim[g0 + i])
        S[1, i] += ring_row[g0 + i]
        S[2, i] += ring_row[half + g0 + i]
        ring_row[g0 + i] = 0.0
        ring_row[half + g0 + i] = 0.0
    return _emit(F, g0, n, spk_idx, spk_mult, n_spk)


@njit(cache=True, nogil=True, error_model="numpy")
def update_aeif_cond_exp_uniform(s, P, S, I, F, W, g0, ring_row, istim, spk_idx, spk_mult, n_spk,
                                 seed):
    n = S.shape[1]
    half = ring_row.shape[0] // 2
    y, work = W[0], W[1:]
    for i in range(n):
        F[i] = _cond_neuron(_evolve_cond_exp, 3, i, y, work, S, I, P, 0, istim[g0 + i])
        S[1, i] += ring_row[g0 + i]
        S[2, i] += ring_row[half + g0 + i]
        ring_row[g0 + i] = 0.0
        ring_row[half + g0 + i] = 0.0
    return _emit(F, g0, n, spk_idx, spk_mult, n_spk)


@njit(cache=True, nogil=True, error_model="numpy")
def update_aeif_cond_alpha(s, P, S, I, F, W, g0, ring_row, istim, spk_idx, spk_mult, n_spk, seed):
    n = S.shape[1]
    half = ring_row.shape[0] // 2
    y, work = W[0], W[1:]
    for i in range(n):
        F[i] = _cond_neuron(_evolve_cond_alpha, 5, i, y, work, S, I, P, i, istim[g0 + i])
        S[1, i] += ring_row[g0 + i] * P[_G0E, i]
        S[3, i] += ring_row[half + g0 + i] * P[_G0I, i]
        ring_row[g0 + i] = 0.0
        ring_row[half + g0 + i] = 0.0
    return _emit(F, g0, n, spk_idx, spk_mult, n_spk)


@njit(cache=True, nogil=True, error_model="numpy")
def update_aeif_cond_alpha_uniform(s, P, S, I, F, W, g0, ring_row, istim, spk_idx, spk_mult,
                                   n_spk, seed):
    n = S.shape[1]
    half = ring_row.shape[0] // 2
    y, work = W[0], W[1:]
    for i in range(n):
        F[i] = _cond_neuron(_evolve_cond_alpha, 5, i, y, work, S, I, P, 0, istim[g0 + i])
        S[1, i] += ring_row[g0 + i] * P[_G0E, 0]
        S[3, i] += ring_row[half + g0 + i] * P[_G0I, 0]
        ring_row[g0 + i] = 0.0
        ring_row[half + g0 + i] = 0.0
    return _emit(F, g0, n, spk_idx, spk_mult, n_spk)


@njit(cache=True, nogil=True, error_model="numpy", inline="always")
def _clopath_neuron(i, y, work, S, I, U, P, c, inp, i_stim):
    """Integrate one step of one Clopath neuron (``inp``: the step's delta
    input), update its delay lines and Clopath entries; returns its spike
    count (at most 255)."""
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
        t, h_int = _evolve_clopath(y, t, h, h_int, eps, work, P, c, mode, i_stim)
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
    return min(spikes, 255)


@njit(cache=True, nogil=True, error_model="numpy")
def update_aeif_psc_delta_clopath(s, P, S, I, F, U, W, g0, ring_row, istim, spk_idx, spk_mult,
                                  n_spk, seed):
    n = S.shape[1]
    half = ring_row.shape[0] // 2
    y, work = W[0], W[1:]
    for i in range(n):
        inp = ring_row[g0 + i] + ring_row[half + g0 + i]
        ring_row[g0 + i] = 0.0
        ring_row[half + g0 + i] = 0.0
        F[i] = _clopath_neuron(i, y, work, S, I, U, P, i, inp, istim[g0 + i])
    return _emit(F, g0, n, spk_idx, spk_mult, n_spk)


@njit(cache=True, nogil=True, error_model="numpy")
def update_aeif_psc_delta_clopath_uniform(s, P, S, I, F, U, W, g0, ring_row, istim, spk_idx,
                                          spk_mult, n_spk, seed):
    n = S.shape[1]
    half = ring_row.shape[0] // 2
    y, work = W[0], W[1:]
    for i in range(n):
        inp = ring_row[g0 + i] + ring_row[half + g0 + i]
        ring_row[g0 + i] = 0.0
        ring_row[half + g0 + i] = 0.0
        F[i] = _clopath_neuron(i, y, work, S, I, U, P, 0, inp, istim[g0 + i])
    return _emit(F, g0, n, spk_idx, spk_mult, n_spk)
