"""Update kernels of the current-based integrate-and-fire models, integrated
exactly with precomputed propagators (NEST iaf_psc_exp, iaf_psc_alpha).

Every kernel updates one struct-of-arrays block for one step and appends the
neurons that fire to the step's spike list. The signature is the engine's
common one: ``(s, <block arrays>, g0, ring_row, istim, spk_idx, spk_mult,
n_spk, seed) -> n_spk``, where ``g0`` is the block's first internal index,
``ring_row`` the ring-buffer slot due in step ``s`` (excitatory inputs of all
neurons, then inhibitory ones; read and cleared here) and ``istim`` the
electrode current of step ``s``. See kernels/common.py for the two passes and
the single-column (homogeneous) parameter layout; each kernel comes in two
variants, ``update_<model>`` (one parameter column per neuron) and
``update_<model>_uniform`` (one column for all), and the generated loop calls
the one that fits the block, so only that one is compiled.

The voltage is kept relative to the resting potential, as in NEST, and the
operations are written in NEST's order, so traces agree with NEST to rounding.
"""
from numba import njit

from .common import collect_spikes

# --- IF_curr_exp (iaf_psc_exp): rows of P, S and I
EXP_P = ("P22", "P21_exc", "P21_inh", "P20", "P11_exc", "P11_inh", "i_offset",
         "theta_rel", "v_reset_rel", "refrac_steps", "v_rest")
EXP_S = ("v_rel", "isyn_exc", "isyn_inh")
EXP_I = ("refrac_count",)


@njit(cache=True, nogil=True, error_model="numpy")
def _exp_step(v, i_exc, i_inh, r, in_exc, in_inh, i_stim,
              p22, p21e, p21i, p20, p11e, p11i, i_offset, theta, v_reset, refrac):
    v_free = v * p22 + i_exc * p21e + i_inh * p21i + (i_offset + i_stim) * p20
    v = v_free if r == 0 else v
    r = r - 1 if r > 0 else r
    # input read in step s reaches I_syn at the end of the step, V from step s+1
    i_exc = i_exc * p11e + in_exc
    i_inh = i_inh * p11i + in_inh
    spike = v >= theta
    v = v_reset if spike else v
    r = refrac if spike else r
    return v, i_exc, i_inh, r, spike


@njit(cache=True, nogil=True, error_model="numpy")
def update_iaf_psc_exp_uniform(s, P, S, I, F, g0, ring_row, istim, spk_idx, spk_mult, n_spk,
                               seed):
    n = S.shape[1]
    half = ring_row.shape[0] // 2
    in_exc = ring_row[g0:g0 + n]
    in_inh = ring_row[half + g0:half + g0 + n]
    i_stim = istim[g0:g0 + n]
    v_, ie_, ii_, r_ = S[0], S[1], S[2], I[0]
    p22, p21e, p21i, p20 = P[0, 0], P[1, 0], P[2, 0], P[3, 0]
    p11e, p11i, i_off, theta, v_reset = P[4, 0], P[5, 0], P[6, 0], P[7, 0], P[8, 0]
    refrac = int(P[9, 0])
    for i in range(n):
        v, ie, ii, r, sp = _exp_step(v_[i], ie_[i], ii_[i], r_[i], in_exc[i], in_inh[i],
                                     i_stim[i], p22, p21e, p21i, p20, p11e, p11i, i_off,
                                     theta, v_reset, refrac)
        v_[i], ie_[i], ii_[i], r_[i], F[i] = v, ie, ii, r, sp
        in_exc[i] = 0.0
        in_inh[i] = 0.0
    return collect_spikes(F, g0, spk_idx, spk_mult, n_spk)


@njit(cache=True, nogil=True, error_model="numpy")
def update_iaf_psc_exp(s, P, S, I, F, g0, ring_row, istim, spk_idx, spk_mult, n_spk, seed):
    n = S.shape[1]
    half = ring_row.shape[0] // 2
    in_exc = ring_row[g0:g0 + n]
    in_inh = ring_row[half + g0:half + g0 + n]
    i_stim = istim[g0:g0 + n]
    v_, ie_, ii_, r_ = S[0], S[1], S[2], I[0]
    p22, p21e, p21i, p20 = P[0], P[1], P[2], P[3]
    p11e, p11i, i_off, theta, v_reset, refrac = P[4], P[5], P[6], P[7], P[8], P[9]
    for i in range(n):
        v, ie, ii, r, sp = _exp_step(v_[i], ie_[i], ii_[i], r_[i], in_exc[i], in_inh[i],
                                     i_stim[i], p22[i], p21e[i], p21i[i], p20[i], p11e[i],
                                     p11i[i], i_off[i], theta[i], v_reset[i], int(refrac[i]))
        v_[i], ie_[i], ii_[i], r_[i], F[i] = v, ie, ii, r, sp
        in_exc[i] = 0.0
        in_inh[i] = 0.0
    return collect_spikes(F, g0, spk_idx, spk_mult, n_spk)


# --- IF_curr_alpha (iaf_psc_alpha)
ALPHA_P = ("P30", "expm1_tau_m", "P31_exc", "P32_exc", "P31_inh", "P32_inh",
           "P11_exc", "P21_exc", "P11_inh", "P21_inh", "psc_init_exc", "psc_init_inh",
           "i_offset", "theta_rel", "v_reset_rel", "refrac_steps", "v_rest")
ALPHA_S = ("v_rel", "isyn_exc", "disyn_exc", "isyn_inh", "disyn_inh")
ALPHA_I = ("refrac_count",)


@njit(cache=True, nogil=True, error_model="numpy")
def _alpha_step(y3, i_exc, di_exc, i_inh, di_inh, r, in_exc, in_inh, i_stim,
                p30, expm1, p31e, p32e, p31i, p32i, p11e, p21e, p11i, p21i, init_e, init_i,
                i_offset, theta, v_reset, refrac):
    y_free = (p30 * (i_stim + i_offset) + p31e * di_exc + p32e * i_exc + p31i * di_inh
              + p32i * i_inh + expm1 * y3 + y3)
    y3 = y_free if r == 0 else y3
    r = r - 1 if r > 0 else r
    i_exc = p21e * di_exc + p11e * i_exc
    di_exc = di_exc * p11e + init_e * in_exc
    i_inh = p21i * di_inh + p11i * i_inh
    di_inh = di_inh * p11i + init_i * in_inh
    spike = y3 >= theta
    y3 = v_reset if spike else y3
    r = refrac if spike else r
    return y3, i_exc, di_exc, i_inh, di_inh, r, spike


@njit(cache=True, nogil=True, error_model="numpy")
def update_iaf_psc_alpha_uniform(s, P, S, I, F, g0, ring_row, istim, spk_idx, spk_mult, n_spk,
                                 seed):
    n = S.shape[1]
    half = ring_row.shape[0] // 2
    in_exc = ring_row[g0:g0 + n]
    in_inh = ring_row[half + g0:half + g0 + n]
    i_stim = istim[g0:g0 + n]
    y_, ie_, die_, ii_, dii_, r_ = S[0], S[1], S[2], S[3], S[4], I[0]
    p30, expm1, p31e, p32e, p31i, p32i = P[0, 0], P[1, 0], P[2, 0], P[3, 0], P[4, 0], P[5, 0]
    p11e, p21e, p11i, p21i, init_e, init_i = P[6, 0], P[7, 0], P[8, 0], P[9, 0], P[10, 0], P[11, 0]
    i_off, theta, v_reset, refrac = P[12, 0], P[13, 0], P[14, 0], int(P[15, 0])
    for i in range(n):
        y, ie, die, ii, dii, r, sp = _alpha_step(
            y_[i], ie_[i], die_[i], ii_[i], dii_[i], r_[i], in_exc[i], in_inh[i], i_stim[i],
            p30, expm1, p31e, p32e, p31i, p32i, p11e, p21e, p11i, p21i, init_e, init_i,
            i_off, theta, v_reset, refrac)
        y_[i], ie_[i], die_[i], ii_[i], dii_[i], r_[i], F[i] = y, ie, die, ii, dii, r, sp
        in_exc[i] = 0.0
        in_inh[i] = 0.0
    return collect_spikes(F, g0, spk_idx, spk_mult, n_spk)


@njit(cache=True, nogil=True, error_model="numpy")
def update_iaf_psc_alpha(s, P, S, I, F, g0, ring_row, istim, spk_idx, spk_mult, n_spk, seed):
    n = S.shape[1]
    half = ring_row.shape[0] // 2
    in_exc = ring_row[g0:g0 + n]
    in_inh = ring_row[half + g0:half + g0 + n]
    i_stim = istim[g0:g0 + n]
    y_, ie_, die_, ii_, dii_, r_ = S[0], S[1], S[2], S[3], S[4], I[0]
    for i in range(n):
        y, ie, die, ii, dii, r, sp = _alpha_step(
            y_[i], ie_[i], die_[i], ii_[i], dii_[i], r_[i], in_exc[i], in_inh[i], i_stim[i],
            P[0, i], P[1, i], P[2, i], P[3, i], P[4, i], P[5, i], P[6, i], P[7, i], P[8, i],
            P[9, i], P[10, i], P[11, i], P[12, i], P[13, i], P[14, i], int(P[15, i]))
        y_[i], ie_[i], die_[i], ii_[i], dii_[i], r_[i], F[i] = y, ie, die, ii, dii, r, sp
        in_exc[i] = 0.0
        in_inh[i] = 0.0
    return collect_spikes(F, g0, spk_idx, spk_mult, n_spk)
