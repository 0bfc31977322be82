"""PoissonGenerator (NEST's poisson_generator): an independent Poisson train
for every connection, drawn while delivering, with no source neuron per target.

The generator block's update kernel emits nothing (a generator has no spike of
its own). Its connections live in a CSR of their own (drive.py: row per
generator, with ring column, weight, delay in steps); in the delivery phase,
for each active generator and each of its connections, :func:`deliver_drive`
draws k ~ Poisson(rate * dt) from the counter (seed, DRIVE, connection
position, step) and adds k * weight to the ring slot read in step s + delay,
as a spike of multiplicity k emitted in step s would be.
"""
import numpy as np
from numba import njit

from ..rng import _C_B, _C_STREAM, _GOLDEN, _S11, _TWO_M53, DRIVE, mix64

# rows of the generator block: the step mean split into chunks (rng.poisson), the active steps
GENERATOR_P = ("lam_chunk", "exp_minus_chunk")
GENERATOR_I = ("n_chunks", "first_step", "last_step")


@njit(cache=True, nogil=True, error_model="numpy")
def update_generator(s, P, I, g0, ring_row, istim, spk_idx, spk_mult, n_spk, seed):
    """A generator emits no spike of its own (see deliver_drive)."""
    return n_spk


@njit(cache=True, nogil=True, error_model="numpy")
def deliver_drive(s, slot, depth, seed, P, I, row_ptr, col, weight, delay, ring):
    """Draw and deliver step ``s`` of every connection of every active generator.

    The draws are rng.poisson(seed, DRIVE, position, s, ...) bit for bit; the
    parts of the counter hash that do not depend on the connection (seed and
    stream, step) are computed once per step.
    """
    for g in range(P.shape[1]):
        lam = P[0, g]
        if I[1, g] > s or s > I[2, g] or lam <= 0.0:
            continue
        exp_minus, n_chunks = P[1, g], I[0, g]
        b = np.uint64(s) * _C_B
        head = mix64(np.uint64(seed) ^ (np.uint64(DRIVE) * _C_STREAM))
        for k in range(row_ptr[g], row_ptr[g + 1]):
            m = 0
            for c in range(n_chunks):
                if c > 0:
                    head_c = mix64(np.uint64(seed) ^ (np.uint64(DRIVE + 16 * c) * _C_STREAM))
                else:
                    head_c = head
                h = mix64(mix64(head_c + np.uint64(k) * _GOLDEN) ^ b)
                u = (np.float64(h >> _S11) + 0.5) * _TWO_M53
                p = exp_minus
                cdf = p
                j = 0
                while u > cdf and p > 0.0:
                    j += 1
                    p *= lam / j
                    cdf += p
                m += j
            if m > 0:
                sl = slot + delay[k]
                if sl >= depth:
                    sl -= depth
                ring[sl, col[k]] += weight[k] * m
