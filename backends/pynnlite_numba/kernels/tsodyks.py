"""Tsodyks-Markram synapses in the compiled loop (NEST's tsodyks_synapse).

Groups, one per (projection, delay), each a CSR by presynaptic neuron: per
synapse the postsynaptic index ``post`` (int32), the weight (signed as given),
the parameters U, tau_rec, tau_fac, tau_psc (rows of ``par``) and the state
x, y, u (rows of ``st``); per (group, presynaptic neuron) the step stamp of its
last spike (``last``, 0 at the start, as NEST's t_lastspike = 0).

At a presynaptic spike at t (stamp), with h = t - t_last, each synapse
propagates u, x, y exactly over h (u decays with tau_fac, y with tau_psc, the
inactive resources 1 - x - y recover with tau_rec), then u += U (1 - u), the
released amount u x moves from x to y and weight * u * x is delivered with the
synapse's delay, in NEST's order of operations.
"""
import numpy as np
from numba import njit

from .stdp import G_COL0, G_D, G_NPRE, G_PRE0, G_ROW0, G_SYN0, G_KP0

# rows of ``par`` and ``st``
P_U, P_TAU_REC, P_TAU_FAC, P_TAU_PSC = range(4)
S_X, S_Y, S_U = range(3)


@njit(cache=True, nogil=True, error_model="numpy")
def tsodyks_phase(s, slot, depth, dt, ring, n_spk, spk_idx, spk_mult, gi, row_ptr, post, weight,
                  par, st, last):
    stamp = s + 1
    for g in range(gi.shape[0]):
        pre0, npre = gi[g, G_PRE0], gi[g, G_NPRE]
        sl = slot + gi[g, G_D]
        if sl >= depth:
            sl -= depth
        ring_row = ring[sl]
        syn0, row0, col0, l0 = gi[g, G_SYN0], gi[g, G_ROW0], gi[g, G_COL0], gi[g, G_KP0]
        for j in range(n_spk):
            i = spk_idx[j] - pre0
            if i < 0 or i >= npre:
                continue
            h = (stamp - last[l0 + i]) * dt
            m = float(spk_mult[j])
            for k in range(syn0 + row_ptr[row0 + i], syn0 + row_ptr[row0 + i + 1]):
                tau_fac, tau_psc, tau_rec = par[P_TAU_FAC, k], par[P_TAU_PSC, k], par[P_TAU_REC, k]
                puu = 0.0 if tau_fac == 0.0 else np.exp(-h / tau_fac)
                pyy = np.exp(-h / tau_psc)
                pzz = np.exp(-h / tau_rec)
                pxy = ((pzz - 1.0) * tau_rec - (pyy - 1.0) * tau_psc) / (tau_psc - tau_rec)
                pxz = 1.0 - pzz
                x, y, u = st[S_X, k], st[S_Y, k], st[S_U, k]
                z = 1.0 - x - y
                u *= puu
                x += pxy * y + pxz * z
                y *= pyy
                u += par[P_U, k] * (1.0 - u)
                delta = u * x
                x -= delta
                y += delta
                st[S_X, k], st[S_Y, k], st[S_U, k] = x, y, u
                ring_row[col0 + post[k]] += delta * weight[k] * m
            last[l0 + i] = stamp
