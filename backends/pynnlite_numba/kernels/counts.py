"""Random counts from counter-based uniforms: binomial and Poisson numbers.

Each draw is a pure function of (seed, stream, a, b), like every random number
of the engine (rng.py): the j-th uniform a draw consumes is the hash of the
counter, mixed with j. A draw may use a variable number of uniforms
(rejection), but never depends on any other draw, so results do not depend on
threads or on how a run is split.

Algorithms (each exact, i.e. it samples the stated distribution):
- Binomial(n, p): inversion (sequential search from 0) when n min(p, 1-p) < 10,
  else Hormann's BTRD transformed rejection with decomposition (Hormann 1993,
  J Stat Comput Simul 46:101), whose final test uses log-gamma;
- Poisson(mu): inversion when mu < 10, else Hormann's PTRS transformed
  rejection (Hormann 1993, Insurance Math Econ 12:39).
"""
import math

import numpy as np
from numba import njit

from ..rng import hash4, mix64

_C_J = np.uint64(0x9FB21C651E98DF25)
_S11 = np.uint64(11)
_TWO_M53 = 1.0 / 9007199254740992.0


@njit(cache=True, error_model="numpy")
def uniform_j(seed, stream, a, b, j):
    """The j-th uniform number in (0, 1) of the counter (seed, stream, a, b)."""
    h = hash4(seed, stream, a, b)
    if j > 0:
        h = mix64(h ^ (np.uint64(j) * _C_J))
    return (np.float64(h >> _S11) + 0.5) * _TWO_M53


@njit(cache=True, error_model="numpy")
def _binomial_inversion(seed, stream, a, b, n, p):
    """Binomial(n, p) for n p < 10, p <= 1/2: search the CDF from 0."""
    q = 1.0 - p
    ratio = p / q
    scale = (n + 1) * ratio
    start = math.exp(n * math.log1p(-p))
    j = 0
    while True:
        u = uniform_j(seed, stream, a, b, j)
        j += 1
        x = 0
        r = start
        while u > r:
            u -= r
            x += 1
            r *= scale / x - ratio
            if x > n or r <= 0.0:
                break
        if u <= r and x <= n:
            return x


@njit(cache=True, error_model="numpy")
def _log_ratio(k, m, n, log_r):
    """log f(k) / f(m) of the Binomial(n, p) probabilities, log_r = log(p / q)."""
    return (math.lgamma(m + 1.0) - math.lgamma(k + 1.0) + math.lgamma(n - m + 1.0)
            - math.lgamma(n - k + 1.0) + (k - m) * log_r)


@njit(cache=True, error_model="numpy")
def _btrd(seed, stream, a, b, n, p):
    """Binomial(n, p) for n p >= 10, p <= 1/2 (algorithm BTRD)."""
    q = 1.0 - p
    m = math.floor((n + 1) * p)
    r = p / q
    nr = (n + 1) * r
    npq = n * p * q
    sq = math.sqrt(npq)
    bb = 1.15 + 2.53 * sq
    aa = -0.0873 + 0.0248 * bb + 0.01 * p
    c = n * p + 0.5
    alpha = (2.83 + 5.1 / bb) * sq
    vr = 0.92 - 4.2 / bb
    urvr = 0.86 * vr
    log_r = math.log(r)
    j = 0
    while True:
        v = uniform_j(seed, stream, a, b, j)
        j += 1
        if v <= urvr:
            u = v / vr - 0.43
            return int(math.floor((2.0 * aa / (0.5 - abs(u)) + bb) * u + c))
        if v >= vr:
            u = uniform_j(seed, stream, a, b, j) - 0.5
            j += 1
        else:
            u = v / vr - 0.93
            u = math.copysign(0.5, u) - u
            v = uniform_j(seed, stream, a, b, j) * vr
            j += 1
        us = 0.5 - abs(u)
        k = math.floor((2.0 * aa / us + bb) * u + c)
        if k < 0 or k > n:
            continue
        v = v * alpha / (aa / (us * us) + bb)
        km = abs(k - m)
        if km <= 15:
            # recursive evaluation of f(k) / f(m)
            f = 1.0
            if m < k:
                i = m
                while i < k:
                    i += 1
                    f *= nr / i - r
            elif m > k:
                i = k
                while i < m:
                    i += 1
                    v *= nr / i - r
            if v <= f:
                return int(k)
            continue
        # squeeze, then the exact test
        v = math.log(v)
        rho = (km / npq) * (((km / 3.0 + 0.625) * km + 1.0 / 6.0) / npq + 0.5)
        t = -km * km / (2.0 * npq)
        if v < t - rho:
            return int(k)
        if v > t + rho:
            continue
        if v <= _log_ratio(k, m, n, log_r):
            return int(k)


@njit(cache=True, error_model="numpy")
def binomial(seed, stream, a, b, n, p):
    """A Binomial(n, p) number of the counter (seed, stream, a, b)."""
    if n <= 0 or p <= 0.0:
        return 0
    if p >= 1.0:
        return n
    flip = p > 0.5
    pp = 1.0 - p if flip else p
    if n * pp < 10.0:
        k = _binomial_inversion(seed, stream, a, b, n, pp)
    else:
        k = _btrd(seed, stream, a, b, n, pp)
    return n - k if flip else k


@njit(cache=True, error_model="numpy")
def poisson(seed, stream, a, b, mu):
    """A Poisson(mu) number of the counter (seed, stream, a, b)."""
    if mu <= 0.0:
        return 0
    j = 0
    if mu < 10.0:
        start = math.exp(-mu)
        while True:
            u = uniform_j(seed, stream, a, b, j)
            j += 1
            k = 0
            p = start
            while u > p:
                u -= p
                k += 1
                p *= mu / k
                if p <= 0.0:
                    break
            if u <= p:
                return k
    slam = math.sqrt(mu)
    loglam = math.log(mu)
    bb = 0.931 + 2.53 * slam
    aa = -0.059 + 0.02483 * bb
    invalpha = 1.1239 + 1.1328 / (bb - 3.4)
    vr = 0.9277 - 3.6224 / (bb - 2.0)
    while True:
        u = uniform_j(seed, stream, a, b, j) - 0.5
        v = uniform_j(seed, stream, a, b, j + 1)
        j += 2
        us = 0.5 - abs(u)
        k = math.floor((2.0 * aa / us + bb) * u + mu + 0.43)
        if us >= 0.07 and v <= vr:
            return int(k)
        if k < 0 or (us < 0.013 and v > us):
            continue
        if (math.log(v) + math.log(invalpha) - math.log(aa / (us * us) + bb)
                <= -mu + k * loglam - math.lgamma(k + 1.0)):
            return int(k)
