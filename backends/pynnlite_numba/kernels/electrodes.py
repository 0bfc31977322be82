"""Electrode currents of one step.

PyNN's convention: an amplitude that takes effect at time t is the constant
input of the step (t, t + dt]; step s therefore uses the value in force at
t = s * dt. The currents of all sources are summed into ``istim`` (nA, one
entry per internal neuron index); the neuron kernels add i_offset.
"""
import numpy as np
from numba import njit

from ..rng import NOISE, normal

DC, AC, STEP, NOISY = 0, 1, 2, 3
#: columns of the float parameter table
F_AMPLITUDE, F_OFFSET, F_FREQUENCY, F_PHASE, F_MEAN, F_STDEV = range(6)
N_F = 6
#: columns of the integer parameter table: active for first <= s < stop;
#: NOISY draws a new value every ``period`` steps
I_FIRST, I_STOP, I_PERIOD = range(3)
N_I = 3


@njit(cache=True, nogil=True, error_model="numpy")
def inject_currents(s, dt, seed, kind, fpar, ipar, tptr, tstep, tamp, gptr, gtgt, gid, istim,
                    first, stop):
    """The electrode current of step s of every target ``first <= i < stop`` into ``istim``."""
    n_src = kind.shape[0]
    if n_src == 0:
        return
    for j in range(gptr[0], gptr[n_src]):
        if first <= gtgt[j] < stop:
            istim[gtgt[j]] = 0.0
    for k in range(n_src):
        if s < ipar[k, I_FIRST] or s >= ipar[k, I_STOP]:
            continue
        kd = kind[k]
        if kd == NOISY:
            period = ipar[k, I_PERIOD]
            interval = (s - ipar[k, I_FIRST]) // period
            for j in range(gptr[k], gptr[k + 1]):
                if first <= gtgt[j] < stop:
                    istim[gtgt[j]] += fpar[k, F_MEAN] + fpar[k, F_STDEV] * normal(
                        seed, NOISE + 16 * k, gid[j], interval)
            continue
        if kd == DC:
            amp = fpar[k, F_AMPLITUDE]
        elif kd == AC:
            t = s * dt
            amp = fpar[k, F_OFFSET] + fpar[k, F_AMPLITUDE] * np.sin(
                2.0 * np.pi * fpar[k, F_FREQUENCY] * t / 1000.0 + fpar[k, F_PHASE] * np.pi / 180.0)
        else:
            lo = tptr[k]
            hi = tptr[k + 1]
            # last change at or before step s (binary search)
            while lo < hi:
                mid = (lo + hi) // 2
                if tstep[mid] <= s:
                    lo = mid + 1
                else:
                    hi = mid
            if lo == tptr[k]:
                continue
            amp = tamp[lo - 1]
        for j in range(gptr[k], gptr[k + 1]):
            if first <= gtgt[j] < stop:
                istim[gtgt[j]] += amp
