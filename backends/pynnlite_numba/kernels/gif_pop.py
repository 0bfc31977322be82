"""Update kernel of the mesoscopic GIF population (GIF_pop_curr_exp; NEST
gif_pop_psc_exp; Schwalger, Deger & Gerstner 2017, Figs 11-12; REFERENCE.md 2.5).

Every column of the block is a whole population of N neurons. Beyond the
common P, S and I rows a block has:
- ``TH`` (2, sum K): per population, for each of its K history bins in age
  order (oldest first), the adaptation kernel theta_k and
  theta~_k = delta_v (1 - exp(-theta_k / delta_v)) / N (constants);
- ``QA`` (2, sum J): per threshold element j, exp(-dt / tau_j) and
  q_j tau_j exp(-dt K / tau_j) (constants);
- ``H`` (5, sum K): the ring of history bins of every population, stored in
  ring order: spike counts n, expected survivors m, their variance v, the
  cohorts' membrane potential u and their previous hazard lambda (state);
- ``G`` (sum J): the free neurons' adaptation filters (state).
I rows hold per population its global id (the key of its random stream),
K, the number of refractory bins, where its bins and elements start in
these arrays, its number of elements, and the ring index of the oldest bin.

The order of operations, and the index quirk of NEST's line 11 (the raw bin 0
in place of the oldest), follow NEST's implementation, so that with
deterministic input V and the expected count agree with NEST to rounding
until the first draw differs. The drawn count uses a counter-based stream
keyed by (seed, POPULATION, global id, step).
"""
import math

from numba import njit

from .counts import binomial, poisson, uniform_j

#: random stream of the population draws (residue 10 mod 16, see kernels/gif.py)
POPULATION = 202

POP_P = ("N", "P22", "P20", "P11_exc", "P11_inh", "tau_m", "cm", "tau_syn_E", "tau_syn_I",
         "v_rest", "v_reset", "v_t_star", "lambda0", "delta_v", "i_offset", "h", "binomial")
POP_S = ("v", "isyn_exc", "isyn_inh", "v_t", "mean", "n_events", "x", "z", "lambda_free")
POP_I_PARAMS = ("gid", "len_kernel", "k_ref", "hist_start", "sfa_start", "n_sfa")
POP_I_STATE = ("k0",)

_MIN_DOUBLE = 2.2250738585072014e-308


@njit(cache=True, nogil=True, error_model="numpy")
def _draw(s, seed, gid, n_expect, n, use_binomial):
    """The number of neurons that fire, as NEST's draw_binomial / draw_poisson."""
    if use_binomial:
        return binomial(seed, POPULATION, gid, s, n, n_expect / n)
    if n_expect > n:
        return n
    if n_expect > _MIN_DOUBLE:
        if 1.0 - (n_expect + 1.0) * math.exp(-n_expect) > _MIN_DOUBLE:
            k = poisson(seed, POPULATION, gid, s, n_expect)
        else:
            k = 1 if uniform_j(seed, POPULATION, gid, s, 0) < n_expect else 0
        return min(max(k, 0), n)
    return 0


@njit(cache=True, nogil=True, error_model="numpy")
def _input_drive(P, S, i, in_exc, in_inh, i_stim):
    """h_tot of the step (exact integration of the exponential PSCs, line 10 of
    Fig 11) and the updated synaptic currents."""
    p22, h, tau_m, c_m = P[1, i], P[15, i], P[5, i], P[6, i]
    ts_e, ts_i = P[7, i], P[8, i]
    h_tot = (P[14, i] + i_stim) * P[2, i] + P[9, i]
    a_ex = in_exc / h * (ts_e / c_m)
    a_in = in_inh / h * (ts_i / c_m)
    y_ex = S[1, i] / c_m
    y_in = S[2, i] / c_m
    tmp_ex = ts_e * P[3, i] * (y_ex - a_ex) - p22 * (ts_e * y_ex - tau_m * a_ex)
    tmp_in = ts_i * P[4, i] * (y_in - a_in) - p22 * (ts_i * y_in - tau_m * a_in)
    h_tot += tau_m * (a_ex + tmp_ex / (ts_e - tau_m)) + tau_m * (a_in + tmp_in / (ts_i - tau_m))
    S[1, i] = (a_ex + (y_ex - a_ex) * P[3, i]) * c_m
    S[2, i] = (a_in + (y_in - a_in) * P[4, i]) * c_m
    return h_tot


@njit(cache=True, nogil=True, error_model="numpy")
def update_gif_pop(s, P, S, I, TH, QA, H, G, g0, ring_row, istim, spk_idx, spk_mult, n_spk,
                   seed):
    n_pop = S.shape[1]
    half = ring_row.shape[0] // 2
    for i in range(n_pop):
        h_tot = _input_drive(P, S, i, ring_row[g0 + i], ring_row[half + g0 + i], istim[g0 + i])
        ring_row[g0 + i] = 0.0
        ring_row[half + g0 + i] = 0.0
        n = int(P[0, i])
        p22, e_l, h = P[1, i], P[9, i], P[15, i]
        lambda0, delta_v = P[12, i], P[13, i]
        kk, k_ref, b0, j0, nj, k0 = I[1, i], I[2, i], I[3, i], I[4, i], I[5, i], I[6, i]
        # the free neurons (not fired within the history)
        v = (S[0, i] - e_l) * p22 + h_tot
        theta_hat = P[11, i]
        for j in range(j0, j0 + nj):
            g = G[j] * QA[0, j] + (1.0 - QA[0, j]) * H[0, b0 + k0] / (n * h)
            G[j] = g
            theta_hat += QA[1, j] * g
        lam = lambda0 * math.exp((v - theta_hat) / delta_v)
        p_free = 1.0 - math.exp(-0.0005 * (S[8, i] + lam) * h)
        S[8, i] = lam
        theta_hat -= H[0, b0] * TH[1, b0]
        x_sum = 0.0
        for k in range(b0, b0 + kk):
            x_sum += H[1, k]
        # the cohorts that fired 1 .. K steps ago, oldest first (not the refractory ones)
        w_sum = 0.0
        y_sum = 0.0
        z_sum = 0.0
        th = theta_hat
        for km in range(kk - k_ref):
            k = k0 + km
            if k >= kk:
                k -= kk
            k += b0
            theta = TH[0, b0 + km] + th
            th += H[0, k] * TH[1, b0 + km]
            u = (H[3, k] - e_l) * p22 + h_tot
            H[3, k] = u
            lam_k = lambda0 * math.exp((u - theta) / delta_v)
            p_k = 0.0005 * (lam_k + H[4, k]) * h
            if p_k > 0.01:
                p_k = 1.0 - math.exp(-p_k)
            H[4, k] = lam_k
            y_sum += p_k * H[2, k]
            z_sum += H[2, k]
            w_sum += p_k * H[1, k]
            ompl = 1.0 - p_k
            H[2, k] = ompl * ompl * H[2, k] + p_k * H[1, k]
            H[1, k] = ompl * H[1, k]
        x, z = S[6, i], S[7, i]
        p_lambda = (y_sum + p_free * z) / (z_sum + z) if z_sum + z > 0.0 else 0.0
        n_expect = w_sum + p_free * x + p_lambda * (n - x_sum - x)
        n_fired = _draw(s, seed, I[0, i], n_expect, n, P[16, i] != 0.0)
        ompf = 1.0 - p_free
        oldest = b0 + k0
        S[7, i] = ompf * ompf * z + x * p_free + H[2, oldest]
        S[6, i] = x * ompf + H[1, oldest]
        H[0, oldest] = n_fired
        H[1, oldest] = n_fired
        H[2, oldest] = 0.0
        H[3, oldest] = P[10, i]
        H[4, oldest] = 0.0
        I[6, i] = k0 + 1 if k0 + 1 < kk else 0
        S[0, i] = v
        S[3, i] = theta_hat
        S[4, i] = n_expect
        S[5, i] = n_fired
        if n_fired > 0:
            spk_idx[n_spk] = g0 + i
            spk_mult[n_spk] = n_fired
            n_spk += 1
    return n_spk
