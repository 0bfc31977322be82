"""Spike-source kernels: SpikeSourcePoisson and SpikeSourceArray.

Same calling convention as the neuron kernels (see kernels/lif.py); sources take
no input, so ``ring_row`` and ``istim`` are unused.
"""
from numba import njit

from ..rng import POISSON, poisson

# --- SpikeSourcePoisson: per source, the step mean split into chunks (rng.poisson)
POISSON_P = ("lam_chunk", "exp_minus_chunk")
POISSON_I = ("n_chunks", "first_step", "last_step", "gid")


@njit(cache=True, nogil=True, error_model="numpy")
def update_poisson(s, P, I, g0, ring_row, istim, spk_idx, spk_mult, n_spk, seed):
    """Each active step draws k ~ Poisson(rate * dt) from the counter
    (seed, global id, step) and emits one spike of multiplicity k."""
    n = P.shape[1]
    for i in range(n):
        if I[1, i] <= s and s <= I[2, i] and P[0, i] > 0.0:
            k = poisson(seed, POISSON, I[3, i], s, P[0, i], P[1, i], I[0, i])
            if k > 0:
                spk_idx[n_spk] = g0 + i
                spk_mult[n_spk] = k
                n_spk += 1
    return n_spk


# --- SpikeSourceArray: all events of the block sorted by step, and a cursor
#     events[0] = emission step, events[1] = internal index, events[2] = multiplicity


@njit(cache=True, nogil=True, error_model="numpy")
def update_spike_array(s, events, cursor, g0, ring_row, istim, spk_idx, spk_mult, n_spk, seed):
    c = cursor[0]
    n_ev = events.shape[1]
    while c < n_ev and events[0, c] < s:
        c += 1
    while c < n_ev and events[0, c] == s:
        spk_idx[n_spk] = events[1, c]
        spk_mult[n_spk] = events[2, c]
        n_spk += 1
        c += 1
    cursor[0] = c
    return n_spk
