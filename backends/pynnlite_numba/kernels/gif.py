"""Update kernels of the generalised integrate-and-fire neurons with escape
noise: GIF_curr_exp (NEST gif_psc_exp) and GIF_cond_exp (NEST gif_cond_exp).

Same calling convention as kernels/lif.py, plus two block arrays for the
adaptation kernels: ``Q`` (2, n_elements, columns), the per-step decay factor
exp(-dt / tau) (row 0) and the jump per spike (row 1) of every element, the
spike-triggered current elements (eta, nA) first and the threshold elements
(gamma, mV) after them; and ``E`` (n_elements, neurons), their values.
Neurons with fewer elements than the block's longest kernel have elements
with jump 0, which stay 0. ``Q`` has a single column when every neuron has
the same kernels.

One step, in NEST's order (REFERENCE.md 2.4):
1. i_eta = sum of eta elements and v_t = v_t_star + sum of gamma elements, as
   they are at the start of the step; then every element decays;
2. the synaptic currents decay and the input arriving in this step is added
   (it acts on v in this same step);
3. if not refractory: v is integrated over the step; the neuron fires with
   probability 1 - exp(-lambda dt), lambda = lambda0 exp((v - v_t) / delta_v),
   decided by a uniform number of the counter (seed, ESCAPE, global id, step);
   on a spike every element jumps and the refractory count starts (v is not
   reset in the spike's step);
4. if refractory: the count goes down and v is held at v_reset.

GIF_curr_exp integrates v exactly (NEST's propagators). GIF_cond_exp uses the
Lawson-RK4 step of kernels/cond.py around the leak at the step start
(substeps for very large conductances), the stc current entering as a
constant; while refractory the conductances decay exactly and v is held.
"""
import math

from numba import njit

from ..rng import uniform
from .common import collect_spikes
from .cond import Z_MAX, _lawson, _substepped

#: random stream of the escape decisions (residue 9 mod 16: never shared with
#: the chunked streams POISSON + 16 c or the electrode streams NOISE + 16 k)
ESCAPE = 201

GIF_CURR_P = ("P33", "P30", "P31", "P21_exc", "P21_inh", "P11_exc", "P11_inh", "v_rest",
              "i_offset", "v_reset", "v_t_star", "lambda0", "delta_v", "h", "refrac_steps",
              "n_stc")
GIF_CURR_S = ("v", "isyn_exc", "isyn_inh", "v_t", "i_eta")
GIF_COND_P = ("g_leak", "v_rest", "e_rev_E", "e_rev_I", "inv_cm", "i_offset", "v_reset",
              "v_t_star", "lambda0", "delta_v", "h", "tau_syn_E", "tau_syn_I", "expm1_half_exc",
              "expm1_exc", "expm1_half_inh", "expm1_inh", "refrac_steps", "n_stc")
GIF_COND_S = ("v", "gsyn_exc", "gsyn_inh", "v_t", "i_eta")
GIF_I_PARAMS = ("gid",)
GIF_I_STATE = ("refrac_count",)


@njit(cache=True, nogil=True, error_model="numpy")
def _adaptation(Q, E, i, cq, n_stc, v_t_star):
    """(stc, sfa) at the start of the step; then every element decays."""
    stc = 0.0
    for k in range(n_stc):
        stc += E[k, i]
        E[k, i] = Q[0, k, cq] * E[k, i]
    sfa = v_t_star
    for k in range(n_stc, E.shape[0]):
        sfa += E[k, i]
        E[k, i] = Q[0, k, cq] * E[k, i]
    return stc, sfa


@njit(cache=True, nogil=True, error_model="numpy")
def _escape(s, seed, gid, v, sfa, lambda0, delta_v, h):
    """Whether the neuron fires in step s (NEST: u < -expm1(-lambda h))."""
    lam = lambda0 * math.exp((v - sfa) / delta_v)
    if lam > 0.0:
        return uniform(seed, ESCAPE, gid, s) < -math.expm1(-lam * h)
    return False


@njit(cache=True, nogil=True, error_model="numpy")
def _jump(Q, E, i, cq):
    for k in range(E.shape[0]):
        E[k, i] += Q[1, k, cq]


@njit(cache=True, nogil=True, error_model="numpy")
def _gif_psc_exp(s, P, S, I, F, Q, E, g0, ring_row, istim, spk_idx, spk_mult, n_spk, seed, sp):
    """All neurons of the block; ``sp`` is 0 when P has a single column."""
    n = S.shape[1]
    half = ring_row.shape[0] // 2
    sq = 0 if Q.shape[2] == 1 else 1
    n_stc = int(P[15, 0])
    for i in range(n):
        c = i * sp
        stc, sfa = _adaptation(Q, E, i, i * sq, n_stc, P[10, c])
        ie = S[1, i] * P[5, c] + ring_row[g0 + i]
        ii = S[2, i] * P[6, c] + ring_row[half + g0 + i]
        ring_row[g0 + i] = 0.0
        ring_row[half + g0 + i] = 0.0
        v = S[0, i]
        spike = False
        if I[1, i] == 0:
            v = (P[1, c] * (istim[g0 + i] + P[8, c] - stc) + P[0, c] * v + P[2, c] * P[7, c]
                 + ie * P[3, c] + ii * P[4, c])
            spike = _escape(s, seed, I[0, i], v, sfa, P[11, c], P[12, c], P[13, c])
            if spike:
                _jump(Q, E, i, i * sq)
                I[1, i] = int(P[14, c])
        else:
            I[1, i] -= 1
            v = P[9, c]
        S[0, i] = v
        S[1, i] = ie
        S[2, i] = ii
        S[3, i] = sfa
        S[4, i] = stc
        F[i] = spike
    return collect_spikes(F, g0, spk_idx, spk_mult, n_spk)


@njit(cache=True, nogil=True, error_model="numpy")
def update_gif_psc_exp(s, P, S, I, F, Q, E, g0, ring_row, istim, spk_idx, spk_mult, n_spk, seed):
    return _gif_psc_exp(s, P, S, I, F, Q, E, g0, ring_row, istim, spk_idx, spk_mult, n_spk,
                        seed, 1)


@njit(cache=True, nogil=True, error_model="numpy")
def update_gif_psc_exp_uniform(s, P, S, I, F, Q, E, g0, ring_row, istim, spk_idx, spk_mult,
                               n_spk, seed):
    return _gif_psc_exp(s, P, S, I, F, Q, E, g0, ring_row, istim, spk_idx, spk_mult, n_spk,
                        seed, 0)


@njit(cache=True, nogil=True, error_model="numpy")
def _gif_cond_exp(s, P, S, I, F, Q, E, g0, ring_row, istim, spk_idx, spk_mult, n_spk, seed, sp):
    n = S.shape[1]
    half = ring_row.shape[0] // 2
    sq = 0 if Q.shape[2] == 1 else 1
    n_stc = int(P[18, 0])
    for i in range(n):
        c = i * sp
        stc, sfa = _adaptation(Q, E, i, i * sq, n_stc, P[7, c])
        v, ge, gi = S[0, i], S[1, i], S[2, i]
        g_l, e_l, e_e, e_i, inv_c, h = P[0, c], P[1, c], P[2, c], P[3, c], P[4, c], P[10, c]
        if I[1, i] == 0:
            i_tot = P[5, c] + istim[g0 + i] - stc
            z = h * (g_l + ge + gi) * inv_c
            if z <= Z_MAX:
                v, ge, gi = _lawson(v, ge, gi, i_tot, g_l, e_l, e_e, e_i, inv_c, h, P[13, c],
                                    P[14, c], P[15, c], P[16, c], math.exp(-0.5 * z))
            else:
                v, ge, gi = _substepped(v, ge, gi, i_tot, g_l, e_l, e_e, e_i, inv_c, h,
                                        P[11, c], P[12, c])
        else:
            ge = ge + ge * P[14, c]
            gi = gi + gi * P[16, c]
        ge += ring_row[g0 + i]
        gi += ring_row[half + g0 + i]
        ring_row[g0 + i] = 0.0
        ring_row[half + g0 + i] = 0.0
        spike = False
        if I[1, i] == 0:
            spike = _escape(s, seed, I[0, i], v, sfa, P[8, c], P[9, c], h)
            if spike:
                _jump(Q, E, i, i * sq)
                I[1, i] = int(P[17, c])
        else:
            I[1, i] -= 1
            v = P[6, c]
        S[0, i] = v
        S[1, i] = ge
        S[2, i] = gi
        S[3, i] = sfa
        S[4, i] = stc
        F[i] = spike
    return collect_spikes(F, g0, spk_idx, spk_mult, n_spk)


@njit(cache=True, nogil=True, error_model="numpy")
def update_gif_cond_exp(s, P, S, I, F, Q, E, g0, ring_row, istim, spk_idx, spk_mult, n_spk, seed):
    return _gif_cond_exp(s, P, S, I, F, Q, E, g0, ring_row, istim, spk_idx, spk_mult, n_spk,
                         seed, 1)


@njit(cache=True, nogil=True, error_model="numpy")
def update_gif_cond_exp_uniform(s, P, S, I, F, Q, E, g0, ring_row, istim, spk_idx, spk_mult,
                                n_spk, seed):
    return _gif_cond_exp(s, P, S, I, F, Q, E, g0, ring_row, istim, spk_idx, spk_mult, n_spk,
                         seed, 0)
