"""Counter-based random numbers for the engine.

Every random number is a pure function of (seed, stream, a, b): for example
(seed, POISSON, global neuron id, step). Nothing is carried from one draw to the
next, so results do not depend on the number of threads, on the order in which
neurons are updated or on how a simulation is split into run() calls.

The hash is a short sponge over splitmix64's finaliser (Steele, Lea & Flood 2014),
which passes BigCrush on counter input.
"""
import numpy as np
from numba import njit

#: stream identifiers: one per kind of random quantity
POISSON = 1
NOISE = 2
#: PoissonGenerator: one draw per (connection, step), kernels/drive.py
DRIVE = 3
#: native connection rules (native.py): which cells connect, keyed by
#: (projection, target or source cell), (k-th connection or candidate); their
#: weights and delays when drawn from a RandomDistribution, with the same keys.
#: A redraw (rejection) r uses the stream + 16 * r, as poisson's chunks do.
CONNECT = 4
WEIGHT = 5
DELAY = 6

_GOLDEN = np.uint64(0x9E3779B97F4A7C15)
_M1 = np.uint64(0xBF58476D1CE4E5B9)
_M2 = np.uint64(0x94D049BB133111EB)
_C_STREAM = np.uint64(0xD1B54A32D192ED03)
_C_B = np.uint64(0xAEF17502108EF2D9)
_S30 = np.uint64(30)
_S27 = np.uint64(27)
_S31 = np.uint64(31)
_S11 = np.uint64(11)
_TWO_M53 = 1.0 / 9007199254740992.0


@njit(cache=True, error_model="numpy")
def mix64(z):
    """splitmix64 finaliser: a bijection of uint64 with full avalanche."""
    z = (z ^ (z >> _S30)) * _M1
    z = (z ^ (z >> _S27)) * _M2
    return z ^ (z >> _S31)


@njit(cache=True, error_model="numpy")
def hash4(seed, stream, a, b):
    """64 random bits for the counter (seed, stream, a, b); all int64 >= 0."""
    h = mix64(np.uint64(seed) ^ (np.uint64(stream) * _C_STREAM))
    h = mix64(h + np.uint64(a) * _GOLDEN)
    h = mix64(h ^ (np.uint64(b) * _C_B))
    return h


@njit(cache=True, error_model="numpy")
def uniform(seed, stream, a, b):
    """A uniform number in the open interval (0, 1)."""
    return (np.float64(hash4(seed, stream, a, b) >> _S11) + 0.5) * _TWO_M53


@njit(cache=True)
def poisson(seed, stream, a, b, lam_chunk, exp_minus_chunk, n_chunks):
    """A Poisson(n_chunks * lam_chunk) number by inversion.

    Large means are split into n_chunks independent Poisson(lam_chunk) draws
    (lam_chunk <= 20, so exp(-lam_chunk) never underflows); chunk c uses the
    stream ``stream + 16 * c`` so every chunk has its own counter.
    """
    total = 0
    for c in range(n_chunks):
        u = uniform(seed, stream + 16 * c, a, b)
        p = exp_minus_chunk
        cdf = p
        k = 0
        while u > cdf and p > 0.0:
            k += 1
            p *= lam_chunk / k
            cdf += p
        total += k
    return total


@njit(cache=True)
def normal(seed, stream, a, b):
    """A standard normal number (Box-Muller on two counters)."""
    u1 = uniform(seed, stream, a, 2 * b)
    u2 = uniform(seed, stream, a, 2 * b + 1)
    return np.sqrt(-2.0 * np.log(u1)) * np.cos(2.0 * np.pi * u2)


def poisson_chunks(lam):
    """Split per-step means ``lam`` (array) into (lam_chunk, exp(-lam_chunk), n_chunks)
    for :func:`poisson`."""
    lam = np.asarray(lam, dtype=np.float64)
    n = np.maximum(1, np.ceil(lam / 20.0)).astype(np.int64)
    chunk = lam / n
    return chunk, np.exp(-chunk), n
