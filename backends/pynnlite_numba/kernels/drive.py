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


#: length of the cumulative Poisson table: the inversion compares u with all of
#: its entries at once (no branch per term); P(k >= 16) < 1e-8 for a mean <= 3
_TABLE = 16
#: connections whose uniforms are drawn in one pass (a buffer on the stack)
_BLOCK = 256


@njit(cache=True, nogil=True, error_model="numpy")
def _poisson_table(lam, exp_minus, table):
    """table[j] = P(k <= j) summed in rng.poisson's order; +inf from the first
    term that underflows (where rng.poisson stops). Returns True when the table
    ends before any underflow (a draw beyond it continues term by term)."""
    p = exp_minus
    cdf = p
    table[0] = cdf
    for j in range(1, table.shape[0]):
        p *= lam / j
        if p <= 0.0:
            table[j:] = np.inf
            return False
        cdf += p
        table[j] = cdf
    return True


@njit(cache=True, nogil=True, error_model="numpy")
def _tail(u, lam, exp_minus, n_terms):
    """rng.poisson's inversion continued after its first ``n_terms`` terms."""
    p = exp_minus
    cdf = p
    for j in range(1, n_terms):
        p *= lam / j
        cdf += p
    j = n_terms - 1
    while u > cdf and p > 0.0:
        j += 1
        p *= lam / j
        cdf += p
    return j


@njit(cache=True, nogil=True, error_model="numpy")
def deliver_drive(s, slot, depth, seed, P, I, row_ptr, col, weight, delay, ring, part, n_parts):
    """Draw and deliver step ``s`` of every connection of every active generator
    whose target lies in partition ``part`` (``row_ptr``: one row per generator
    and partition, drive.py).

    The counts are rng.poisson(seed, DRIVE, position, s, ...) exactly: the same
    uniforms (the parts of the counter hash that do not depend on the
    connection are computed once per step) and the same inversion, done by
    counting the entries of the cumulative table below u, block by block.
    """
    table = np.empty(_TABLE)
    u = np.empty(_BLOCK)
    m = np.zeros(_BLOCK, np.int64)
    j_c = np.zeros(_BLOCK, np.int64)
    b = np.uint64(s) * _C_B
    for g in range(P.shape[1]):
        lam = P[0, g]
        if I[1, g] > s or s > I[2, g] or lam <= 0.0:
            continue
        exp_minus, n_chunks = P[1, g], I[0, g]
        open_end = _poisson_table(lam, exp_minus, table)
        row = g * n_parts + part
        for k0 in range(row_ptr[row], row_ptr[row + 1], _BLOCK):
            n = min(_BLOCK, row_ptr[row + 1] - k0)
            m[:n] = 0
            for c in range(n_chunks):
                head = mix64(np.uint64(seed) ^ (np.uint64(DRIVE + 16 * c) * _C_STREAM))
                for i in range(n):
                    h = mix64(mix64(head + np.uint64(k0 + i) * _GOLDEN) ^ b)
                    u[i] = (np.float64(h >> _S11) + 0.5) * _TWO_M53
                for i in range(n):
                    x = u[i]
                    j = 0
                    for t in range(_TABLE):
                        j += x > table[t]
                    j_c[i] = j
                if open_end:
                    for i in range(n):
                        if j_c[i] == _TABLE:
                            j_c[i] = _tail(u[i], lam, exp_minus, _TABLE)
                for i in range(n):
                    m[i] += j_c[i]
            for i in range(n):
                k = k0 + i
                sl = slot + delay[k]
                if sl >= depth:
                    sl -= depth
                # unconditional: adding 0.0 changes nothing, a branch per draw costs more
                ring[sl, col[k]] += weight[k] * m[i]
