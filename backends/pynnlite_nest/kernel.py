"""Access to the nest module, imported only when a network is built, and the
time grid shared by the adapter's modules.

Importing pynnlite_nest does not import NEST, so the backend's capabilities
can be listed (README table, early errors) on a machine without NEST.
"""
import math
import os

import numpy as np

from pynnlite.errors import BackendError

_nest = None


def nest_module():
    """The nest module, imported quietly on first use."""
    global _nest
    if _nest is None:
        os.environ.setdefault("PYNEST_QUIET", "1")      # no banner on import
        try:
            import nest
        except ImportError as exc:
            raise BackendError(
                "the 'nest' backend needs nest-simulator (import nest failed: "
                f"{exc}); install it, e.g. 'pip install pynnlite[nest]' or from "
                "https://nest-simulator.org") from exc
        _nest = nest
    return _nest


def set_quiet(nest):
    """Only errors from NEST's own logging."""
    if hasattr(nest, "VerbosityLevel"):
        nest.verbosity = nest.VerbosityLevel.ERROR
    else:                                              # NEST < 3.9
        nest.set_verbosity("M_ERROR")


#: NEST accepts rng_seed in [1, 2**32 - 1]
_MAX_SEED = 2 ** 32 - 1


def nest_seed(seed):
    """NEST's rng_seed for a pynnlite seed: the seed itself when NEST accepts
    it, otherwise a value derived from it in NEST's range."""
    seed = int(seed)
    if 1 <= seed <= _MAX_SEED:
        return seed
    return seed % (_MAX_SEED - 1) + 1


class Grid:
    """The time grid of one simulation: whole steps of ``dt`` ms.

    Times are kept as integer steps and turned into ms only at the edges, with
    the same rounding as the numba engine, so both backends stamp a spike of
    step k with the identical float."""

    #: tolerance (in steps) for a time that is meant to lie on the grid
    EPS = 1e-9

    def __init__(self, dt):
        self.dt = float(dt)
        per_ms = 1.0 / self.dt
        self._per_ms = round(per_ms) if abs(per_ms - round(per_ms)) < 1e-9 * per_ms else None

    def ms(self, steps):
        """Grid times of ``steps`` (ms); decimal steps give correctly rounded
        values (12.3, not 12.300000000000001)."""
        steps = np.asarray(steps, np.float64)
        if self._per_ms:
            return steps / self._per_ms
        return steps * self.dt

    def steps(self, ms):
        """Nearest whole number of steps of a time meant to be on the grid."""
        return np.rint(np.asarray(ms, np.float64) / self.dt).astype(np.int64)

    def ceil(self, ms):
        """First step at or after ``ms`` (an infinite time gives a huge step)."""
        ms = np.asarray(ms, np.float64)
        finite = np.isfinite(ms)
        out = np.full(ms.shape, np.iinfo(np.int64).max // 4, np.int64)
        out[finite] = np.ceil(ms[finite] / self.dt - self.EPS).astype(np.int64)
        return out if out.ndim else int(out)

    def floor(self, ms):
        """Last step at or before ``ms``."""
        ms = np.asarray(ms, np.float64)
        finite = np.isfinite(ms)
        out = np.full(ms.shape, np.iinfo(np.int64).max // 4, np.int64)
        out[finite] = np.floor(ms[finite] / self.dt + self.EPS).astype(np.int64)
        return out if out.ndim else int(out)

    def time_or_inf(self, steps):
        """Grid time of ``steps``, or inf for the huge step that stands for never."""
        steps = np.asarray(steps, np.int64)
        out = self.ms(steps)
        return np.where(steps >= np.iinfo(np.int64).max // 4, np.inf, out)


def lcm_steps(values):
    """Least common multiple of positive step counts (1 for none)."""
    out = 1
    for v in values:
        out = out * int(v) // math.gcd(out, int(v))
    return out
