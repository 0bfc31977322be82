"""Random number generators and distributions, with PyNN's ``pyNN.random`` API.

Classes:
    NumpyRNG           - wraps a :class:`numpy.random.Generator` (PCG64 seeded
                         through a :class:`numpy.random.SeedSequence`)
    NativeRNG          - in pynnlite the same as NumpyRNG (see its docstring)
    GSLRNG             - not available; raises InvalidModelError
    RandomDistribution - produces random numbers from a named distribution

Every random number pynnlite uses is drawn in the frontend, in a documented
order, so a network is identical on every backend for a given seed: the same
seed and the same sequence of calls give bit-identical values.
"""
import math
import numbers

import numpy as np
from lazyarray import VectorizedIterable

from pynnlite.errors import (InvalidModelError, InvalidParameterValueError,
                             NonExistentParameterError)

#: distribution name -> parameter names, in the order positional parameters take
available_distributions = {
    "binomial": ("n", "p"),
    "gamma": ("k", "theta"),
    "exponential": ("beta",),
    "lognormal": ("mu", "sigma"),
    "normal": ("mu", "sigma"),
    "normal_clipped": ("mu", "sigma", "low", "high"),
    "normal_clipped_to_boundary": ("mu", "sigma", "low", "high"),
    "poisson": ("lambda_",),
    "uniform": ("low", "high"),
    "uniform_int": ("low", "high"),
    "vonmises": ("mu", "kappa"),
}

#: for normal_clipped: the most redraw rounds before giving up (each round
#: redraws, at once, every value still outside [low, high])
MAX_REDRAWS = 1000


def _require(ok, parameter, value, allowed, model):
    if not ok:
        raise InvalidParameterValueError(parameter, value, allowed, model=model)


def _is_number(x):
    return isinstance(x, numbers.Real) and not isinstance(x, bool)


def check_parameters(distribution, parameters):
    """Check a distribution name and its parameter dict, raising
    InvalidParameterValueError or NonExistentParameterError that names the
    offending parameter, its value and what is allowed. Returns a new dict of
    plain Python numbers."""
    if distribution not in available_distributions:
        raise InvalidParameterValueError(
            "distribution", distribution,
            "one of " + ", ".join(sorted(available_distributions)))
    model = f"RandomDistribution('{distribution}')"
    expected = available_distributions[distribution]
    for name in parameters:
        if name not in expected:
            raise NonExistentParameterError(name, model, expected)
    for name in expected:
        if name not in parameters:
            raise InvalidParameterValueError(
                name, None, f"a number (all of {', '.join(expected)} are required)", model=model)
    p = {}
    for name in expected:
        value = parameters[name]
        if isinstance(value, np.ndarray) and value.ndim == 0:
            value = value.item()
        elif isinstance(value, np.generic):
            value = value.item()
        _require(_is_number(value), name, value, "a real number", model)
        # only the bounds of the clipped normal may be infinite (one-sided clipping)
        infinite_ok = distribution.startswith("normal_clipped") and name in ("low", "high")
        _require(not math.isnan(value) and (infinite_ok or math.isfinite(value)),
                 name, value, "a finite number", model)
        p[name] = value

    def positive(name):
        _require(p[name] > 0, name, p[name], "> 0", model)

    def non_negative(name):
        _require(p[name] >= 0, name, p[name], ">= 0", model)

    def integer(name):
        _require(float(p[name]).is_integer(), name, p[name], "an integer", model)
        p[name] = int(p[name])

    if distribution == "binomial":
        integer("n")
        non_negative("n")
        _require(0 <= p["p"] <= 1, "p", p["p"], "0 <= p <= 1", model)
    elif distribution == "gamma":
        positive("k")
        positive("theta")
    elif distribution == "exponential":
        positive("beta")
    elif distribution in ("lognormal", "normal"):
        non_negative("sigma")
    elif distribution.startswith("normal_clipped"):
        non_negative("sigma")
        _require(p["low"] <= p["high"], "low", p["low"], f"<= high ({p['high']})", model)
        if distribution == "normal_clipped":
            mass = _normal_mass(p["mu"], p["sigma"], p["low"], p["high"])
            # with (almost) no probability mass in [low, high] redrawing never ends
            _require(mass > 1e-6, "mu", p["mu"],
                     f"a value leaving some probability in [low, high] = [{p['low']}, {p['high']}] "
                     f"for sigma={p['sigma']} (mass there: {mass:.3g})", model)
    elif distribution == "poisson":
        non_negative("lambda_")
    elif distribution == "uniform":
        _require(p["low"] <= p["high"], "low", p["low"], f"<= high ({p['high']})", model)
    elif distribution == "uniform_int":
        integer("low")
        integer("high")
        _require(p["low"] < p["high"], "low", p["low"],
                 f"< high ({p['high']}); high is exclusive", model)
    elif distribution == "vonmises":
        non_negative("kappa")
    return p


def _normal_mass(mu, sigma, low, high):
    """Probability that N(mu, sigma) falls in [low, high]."""
    if sigma == 0:
        return 1.0 if low <= mu <= high else 0.0

    def cdf(x):
        return 0.5 * math.erfc(-(x - mu) / (sigma * math.sqrt(2)))
    return cdf(high) - cdf(low)


class NumpyRNG:
    """Wrapper for a :class:`numpy.random.Generator` (PCG64, seeded through a
    :class:`numpy.random.SeedSequence`).

    Arguments:
        `seed`:
            a non-negative integer, or None for a seed taken from the operating
            system's entropy (then `seed` stays None and `entropy` holds it).
        `parallel_safe`:
            kept for PyNN compatibility. pynnlite draws every value in one
            process, so results never depend on the number of processes.

    ``generator`` is the numpy Generator itself (connectors draw from it);
    attributes not defined here (``permutation``, ``choice``, ``normal``, ...)
    are looked up on it, as PyNN's NumpyRNG does with numpy's RandomState.
    """

    def __init__(self, seed=None, parallel_safe=True):
        if seed is not None:
            if isinstance(seed, np.integer):
                seed = int(seed)
            if not isinstance(seed, int) or isinstance(seed, bool) or seed < 0:
                raise InvalidParameterValueError("seed", seed, "a non-negative integer or None",
                                                 model=type(self).__name__)
        self.seed = seed
        self.parallel_safe = bool(parallel_safe)
        self.seed_sequence = np.random.SeedSequence(seed)
        self.entropy = self.seed_sequence.entropy
        self.generator = np.random.Generator(np.random.PCG64(self.seed_sequence))

    def __repr__(self):
        return f"{type(self).__name__}(seed={self.seed!r})"

    def __getattr__(self, name):
        # only called for names not found normally; guard the attributes set in
        # __init__ so that copy/pickle (which bypass __init__) do not recurse
        if name.startswith("_") or name in ("generator", "seed_sequence", "seed"):
            raise AttributeError(name)
        return getattr(self.generator, name)

    def next(self, n=None, distribution="uniform", parameters=None, mask=None):
        """Return `n` random numbers from the named distribution.

        If:
            * `n` is None, return a single number (one value is drawn),
            * `n` >= 1, return a numpy array of `n` values,
            * `n` is 0, return an empty array,
            * `n` < 0, raise InvalidParameterValueError.

        With `distribution` None or 'uniform' and no `parameters`, the values
        are uniform in [0, 1). `mask` (a boolean array of length `n`, or an
        index array) selects which of the `n` drawn values are returned; all
        `n` are always drawn, so the selected values do not depend on the mask
        (PyNN's parallel-safe behaviour). If `n` is None and a boolean mask is
        given, `n` is the length of the mask.
        """
        if distribution is None:
            distribution = "uniform"
        if parameters is None:
            # only uniform has defaults (0, 1); any other name raises here,
            # naming the unknown distribution or its first missing parameter
            parameters = {"low": 0.0, "high": 1.0} if distribution == "uniform" else {}
        parameters = check_parameters(distribution, parameters)
        if mask is not None:
            mask = np.asarray(mask)
            if n is None and mask.dtype == bool:
                n = mask.size
        scalar = n is None
        if scalar:
            size = 1
        else:
            if isinstance(n, np.integer):
                n = int(n)
            if not isinstance(n, int) or isinstance(n, bool) or n < 0:
                raise InvalidParameterValueError("n", n, "a non-negative integer or None",
                                                 model=f"{type(self).__name__}.next")
            size = n
        values = self._draw(distribution, parameters, size)
        if scalar and mask is None:
            return values[0]
        if mask is not None:
            if mask.dtype == bool and mask.shape != (size,):
                raise InvalidParameterValueError("mask", f"boolean array of shape {mask.shape}",
                                                 f"shape ({size},)")
            values = values[mask]
        return values

    # PyNN aliases
    def random(self, n=None, distribution="uniform", parameters=None, mask=None):
        """Alias of :meth:`next`."""
        return self.next(n, distribution, parameters, mask)

    def sample(self, n=None, distribution="uniform", parameters=None, mask=None):
        """Alias of :meth:`next`."""
        return self.next(n, distribution, parameters, mask)

    def _draw(self, name, p, size):
        g = self.generator
        if name == "uniform":
            return g.uniform(p["low"], p["high"], size)
        if name == "uniform_int":
            return g.integers(p["low"], p["high"], size)
        if name == "normal":
            return g.normal(p["mu"], p["sigma"], size)
        if name == "normal_clipped":
            return self._normal_clipped(p, size)
        if name == "normal_clipped_to_boundary":
            return np.clip(g.normal(p["mu"], p["sigma"], size), p["low"], p["high"])
        if name == "lognormal":
            return g.lognormal(p["mu"], p["sigma"], size)
        if name == "exponential":
            return g.exponential(p["beta"], size)
        if name == "gamma":
            return g.gamma(p["k"], p["theta"], size)
        if name == "poisson":
            return g.poisson(p["lambda_"], size)
        if name == "binomial":
            return g.binomial(p["n"], p["p"], size)
        if name == "vonmises":
            return g.vonmises(p["mu"], p["kappa"], size)
        raise AssertionError(name)  # check_parameters admits only the names above

    def _normal_clipped(self, p, size):
        """Normal values, those outside [low, high] redrawn (all of them at once
        per round) until every value lies inside."""
        g = self.generator
        values = g.normal(p["mu"], p["sigma"], size)
        bad = np.flatnonzero((values < p["low"]) | (values > p["high"]))
        rounds = 0
        while bad.size:
            rounds += 1
            if rounds > MAX_REDRAWS:
                raise InvalidParameterValueError(
                    "mu", p["mu"], f"a parameterisation that puts values into "
                    f"[{p['low']}, {p['high']}] within {MAX_REDRAWS} redraws",
                    model="RandomDistribution('normal_clipped')")
            redrawn = g.normal(p["mu"], p["sigma"], bad.size)
            values[bad] = redrawn
            bad = bad[(redrawn < p["low"]) | (redrawn > p["high"])]
        return values

    def describe(self):
        """A one-line human-readable description."""
        return f"{self!r}: numpy Generator(PCG64), parallel safe: {self.parallel_safe}"


class NativeRNG(NumpyRNG):
    """Signals, in PyNN, that the simulator's own RNG should be used.

    In pynnlite it is the same as :class:`NumpyRNG`: every random number is
    drawn in the frontend so that a network is identical on every backend.
    """


class GSLRNG:
    """PyNN's wrapper for the GNU Scientific Library generators. Not available
    in pynnlite: constructing one raises InvalidModelError."""

    def __init__(self, seed=None, type="mt19937", parallel_safe=True):  # noqa: A002 - PyNN's name
        raise InvalidModelError(
            "GSLRNG is not available in pynnlite (no GSL binding is used); "
            f"use pynnlite.random.NumpyRNG(seed={seed!r}) instead")


_default_rng = NumpyRNG()


def set_default_seed(seed):
    """Replace the module-level default generator (used by every
    RandomDistribution and structure given no rng) by ``NumpyRNG(seed)``.
    The simulation session calls this from setup()."""
    global _default_rng
    _default_rng = NumpyRNG(seed)
    return _default_rng


def get_default_rng():
    """The module-level default NumpyRNG."""
    return _default_rng


def as_rng(rng, parameter="rng"):
    """Return `rng` if it is a NumpyRNG, the default generator if it is None;
    raise InvalidParameterValueError otherwise."""
    if rng is None:
        return _default_rng
    if not isinstance(rng, NumpyRNG):
        raise InvalidParameterValueError(parameter, rng, "a pynnlite.random.NumpyRNG or None")
    return rng


class RandomDistribution(VectorizedIterable):
    """
    Produces random numbers from a given distribution: ``next(n)`` returns an
    array of `n` values.

    Arguments:
        `distribution`:
            the name of a random number distribution (see below).
        `parameters_pos`:
            parameters of the distribution, provided as a tuple, in the order
            given in `pynnlite.random.available_distributions`.
        `rng`:
            a :class:`NumpyRNG`; if None, the module-level default generator
            (seeded by ``setup(seed=...)``) at the time values are drawn.
        `parameters_named`:
            parameters of the distribution, provided as keyword arguments.

    Parameters may be provided either through `parameters_pos` or through
    `parameters_named`, but not both. All parameters must be provided; there
    are no defaults.

    >>> rd = RandomDistribution('uniform', (-70, -50))
    >>> rd = RandomDistribution('normal', mu=0.5, sigma=0.1)
    >>> rd = RandomDistribution('gamma', k=2.0, theta=5.0, rng=NumpyRNG(seed=8658764))

    ==========================  ====================  =============================================
    Name                        Parameters            Comments
    --------------------------  --------------------  ---------------------------------------------
    binomial                    n, p
    gamma                       k, theta              shape k, scale theta (mean k*theta)
    exponential                 beta                  mean beta
    lognormal                   mu, sigma             of the underlying normal
    normal                      mu, sigma
    normal_clipped              mu, sigma, low, high  values outside [low, high] are redrawn
    normal_clipped_to_boundary  mu, sigma, low, high  values below/above low/high become low/high
    poisson                     lambda_               trailing underscore: lambda is a keyword
    uniform                     low, high             [low, high)
    uniform_int                 low, high             integers in [low, high), high exclusive
    vonmises                    mu, kappa
    ==========================  ====================  =============================================
    """

    def __init__(self, distribution, parameters_pos=None, rng=None, **parameters_named):
        if distribution not in available_distributions:
            raise InvalidParameterValueError(
                "distribution", distribution,
                "one of " + ", ".join(sorted(available_distributions)))
        self.name = distribution
        expected = available_distributions[distribution]
        if parameters_pos is not None and parameters_named:
            raise InvalidParameterValueError(
                "parameters_pos", parameters_pos,
                f"either positional or named parameters, not both (named: {parameters_named})",
                model=f"RandomDistribution('{distribution}')")
        if parameters_pos is not None:
            if isinstance(parameters_pos, dict):
                parameters = dict(parameters_pos)
            else:
                parameters_pos = tuple(np.atleast_1d(parameters_pos).tolist()) \
                    if not isinstance(parameters_pos, (tuple, list)) else tuple(parameters_pos)
                if len(parameters_pos) != len(expected):
                    raise InvalidParameterValueError(
                        "parameters_pos", parameters_pos,
                        f"{len(expected)} values: ({', '.join(expected)})",
                        model=f"RandomDistribution('{distribution}')")
                parameters = dict(zip(expected, parameters_pos))
        else:
            parameters = parameters_named
        self.parameters = check_parameters(distribution, parameters)
        self.rng = rng

    @property
    def rng(self):
        """The NumpyRNG values are drawn from (the default one if none was given)."""
        return self._rng if self._rng is not None else _default_rng

    @rng.setter
    def rng(self, rng):
        if rng is not None:
            as_rng(rng)
        self._rng = rng

    def next(self, n=None, mask=None, mask_local=None):
        """Return `n` random numbers from the distribution (a single number if
        `n` is None). See :meth:`NumpyRNG.next` for `mask`; `mask_local` is
        PyNN's older name for it."""
        if mask is None:
            mask = mask_local
        return self.rng.next(n, self.name, self.parameters, mask)

    def __repr__(self):
        return f"RandomDistribution('{self.name}', {self.parameters}, {self.rng!r})"

    __str__ = __repr__
