"""pynnlite.random: NumpyRNG, RandomDistribution, parameter checks, moments."""
import math

import numpy as np
import pytest
from lazyarray import larray
from scipy import special, stats

from pynnlite import random as prandom
from pynnlite.errors import (InvalidModelError, InvalidParameterValueError,
                             NonExistentParameterError)
from pynnlite.random import GSLRNG, NativeRNG, NumpyRNG, RandomDistribution

N_SAMPLES = 40_000
# Moments are compared within Z standard errors: for a correct sampler a single
# check fails with probability ~6e-7 (two-sided normal tail at 5 sigma).
Z = 5.0


# ---------------------------------------------------------------- NumpyRNG

def test_same_seed_gives_identical_values_and_different_seeds_differ():
    a = NumpyRNG(seed=1234).next(1000, "normal", {"mu": 0.0, "sigma": 1.0})
    b = NumpyRNG(seed=1234).next(1000, "normal", {"mu": 0.0, "sigma": 1.0})
    c = NumpyRNG(seed=1235).next(1000, "normal", {"mu": 0.0, "sigma": 1.0})
    assert np.array_equal(a, b)
    assert not np.array_equal(a, c)


def test_draws_consume_the_stream_in_call_order():
    # two calls of 3 then 5 values equal one call of 8: the stream is consumed in order
    rng = NumpyRNG(seed=7)
    split = np.concatenate((rng.next(3), rng.next(5)))
    assert np.array_equal(split, NumpyRNG(seed=7).next(8))


def test_next_shapes():
    rng = NumpyRNG(seed=3)
    assert np.ndim(rng.next()) == 0
    assert 0.0 <= rng.next() < 1.0
    assert rng.next(0).shape == (0,)
    assert rng.next(4).shape == (4,)
    with pytest.raises(InvalidParameterValueError, match="-1"):
        rng.next(-1)


def test_mask_selects_from_the_full_draw():
    mask = np.array([True, False, True, True, False])
    full = NumpyRNG(seed=11).next(5)
    masked = NumpyRNG(seed=11).next(5, mask=mask)
    assert np.array_equal(masked, full[mask])
    with pytest.raises(InvalidParameterValueError, match="mask"):
        NumpyRNG(seed=11).next(4, mask=mask)


def test_generator_and_delegated_methods():
    rng = NumpyRNG(seed=5)
    assert isinstance(rng.generator, np.random.Generator)
    perm = rng.permutation(10)
    assert sorted(perm.tolist()) == list(range(10))
    assert repr(rng) == "NumpyRNG(seed=5)"


def test_bad_seed_raises():
    for seed in (-1, 1.5, "abc"):
        with pytest.raises(InvalidParameterValueError, match="seed"):
            NumpyRNG(seed=seed)


def test_native_rng_behaves_as_numpy_rng_and_gsl_is_unavailable():
    assert np.array_equal(NativeRNG(seed=2).next(10), NumpyRNG(seed=2).next(10))
    with pytest.raises(InvalidModelError, match="NumpyRNG"):
        GSLRNG(seed=2)


# ---------------------------------------------------------------- RandomDistribution API

def test_positional_and_named_parameters():
    rd = RandomDistribution("uniform", (-70, -50), rng=NumpyRNG(1))
    assert rd.parameters == {"low": -70, "high": -50}
    rd2 = RandomDistribution("normal_clipped", (0.0, 1.0, -1.0, 2.0))
    assert rd2.parameters == {"mu": 0.0, "sigma": 1.0, "low": -1.0, "high": 2.0}
    rd3 = RandomDistribution("gamma", k=2.0, theta=5.0)
    assert rd3.parameters == {"k": 2.0, "theta": 5.0}


def test_repr_like_pynn():
    rd = RandomDistribution("normal", mu=0.5, sigma=0.1, rng=NumpyRNG(seed=9))
    assert repr(rd) == "RandomDistribution('normal', {'mu': 0.5, 'sigma': 0.1}, NumpyRNG(seed=9))"


def test_default_rng_follows_set_default_seed():
    rd = RandomDistribution("normal", (0.0, 1.0))
    prandom.set_default_seed(42)
    first = rd.next(5)
    prandom.set_default_seed(42)
    assert np.array_equal(rd.next(5), first)
    assert rd.rng is prandom.get_default_rng()


def test_same_rng_seed_same_values():
    a = RandomDistribution("uniform", (0, 1), rng=NumpyRNG(31)).next(100)
    b = RandomDistribution("uniform", (0, 1), rng=NumpyRNG(31)).next(100)
    c = RandomDistribution("uniform", (0, 1), rng=NumpyRNG(32)).next(100)
    assert np.array_equal(a, b) and not np.array_equal(a, c)


def test_lazyarray_evaluates_a_random_distribution():
    rd = RandomDistribution("uniform", (2.0, 3.0), rng=NumpyRNG(4))
    values = larray(rd, shape=(6,)).evaluate()
    assert values.shape == (6,)
    assert np.array_equal(values, NumpyRNG(4).next(6, "uniform", {"low": 2.0, "high": 3.0}))


@pytest.mark.parametrize("args, kwargs, parameter, value", [
    (("normal",), {"mu": 0.0, "sigma": -1.0}, "sigma", "-1.0"),
    (("binomial",), {"n": 10, "p": 1.5}, "p", "1.5"),
    (("binomial",), {"n": -3, "p": 0.5}, "n", "-3"),
    (("binomial",), {"n": 2.5, "p": 0.5}, "n", "2.5"),
    (("uniform", (1.0, 0.0)), {}, "low", "1.0"),
    (("uniform_int", (3, 3)), {}, "low", "3"),
    (("uniform_int", (0.5, 3)), {}, "low", "0.5"),
    (("gamma",), {"k": 0.0, "theta": 1.0}, "k", "0.0"),
    (("exponential",), {"beta": -2.0}, "beta", "-2.0"),
    (("poisson",), {"lambda_": -1.0}, "lambda_", "-1.0"),
    (("vonmises",), {"mu": 0.0, "kappa": -1.0}, "kappa", "-1.0"),
    (("lognormal",), {"mu": 0.0, "sigma": float("nan")}, "sigma", "nan"),
    (("normal",), {"mu": "a", "sigma": 1.0}, "mu", "'a'"),
    (("normal_clipped", (0.0, 1.0, 2.0, 1.0)), {}, "low", "2.0"),
    (("normal_clipped", (0.0, 0.0, 1.0, 2.0)), {}, "mu", "0.0"),
])
def test_bad_parameter_values_raise_naming_parameter_and_value(args, kwargs, parameter, value):
    with pytest.raises(InvalidParameterValueError) as info:
        RandomDistribution(*args, **kwargs)
    assert info.value.parameter == parameter
    assert f"'{parameter}'" in str(info.value) and value in str(info.value)


def test_unknown_distribution_lists_the_valid_ones():
    with pytest.raises(InvalidParameterValueError) as info:
        RandomDistribution("gaussian", (0, 1))
    message = str(info.value)
    assert "gaussian" in message
    for name in prandom.available_distributions:
        assert name in message


def test_unknown_missing_and_mixed_parameters():
    with pytest.raises(NonExistentParameterError, match="sd"):
        RandomDistribution("normal", mu=0.0, sd=1.0)
    with pytest.raises(InvalidParameterValueError, match="sigma"):
        RandomDistribution("normal", mu=0.0)
    with pytest.raises(InvalidParameterValueError, match="parameters_pos"):
        RandomDistribution("normal", (0.0,))
    with pytest.raises(InvalidParameterValueError, match="parameters_pos"):
        RandomDistribution("normal", (0.0, 1.0), mu=0.0)
    with pytest.raises(InvalidParameterValueError, match="rng"):
        RandomDistribution("normal", (0.0, 1.0), rng="not an rng")


# ---------------------------------------------------------------- moments vs theory

def _assert_mean_and_variance(x, mean, var):
    """Sample mean within Z standard errors (sd / sqrt(n)); sample variance
    within Z standard errors of the variance, sqrt((m4 - s^4) / n), with the
    fourth central moment m4 estimated from the sample."""
    n = x.size
    assert abs(x.mean() - mean) < Z * math.sqrt(var / n), (x.mean(), mean)
    centred = x - x.mean()
    s2 = centred.var()
    se_var = math.sqrt(max(np.mean(centred ** 4) - s2 ** 2, 0.0) / n)
    assert abs(s2 - var) < Z * se_var, (s2, var, se_var)


THEORY = {
    "uniform": ((-2.0, 3.0), lambda a, b: ((a + b) / 2, (b - a) ** 2 / 12)),
    "uniform_int": ((2, 9), lambda a, b: ((a + b - 1) / 2, ((b - a) ** 2 - 1) / 12)),
    "normal": ((1.5, 0.7), lambda m, s: (m, s ** 2)),
    "lognormal": ((0.2, 0.5), lambda m, s: (math.exp(m + s ** 2 / 2),
                                            (math.exp(s ** 2) - 1) * math.exp(2 * m + s ** 2))),
    "exponential": ((3.0,), lambda b: (b, b ** 2)),
    "gamma": ((2.5, 1.5), lambda k, t: (k * t, k * t ** 2)),
    "poisson": ((4.2,), lambda lam: (lam, lam)),
    "binomial": ((20, 0.3), lambda n, p: (n * p, n * p * (1 - p))),
    "normal_clipped": ((0.0, 1.0, -0.5, 2.0), lambda m, s, lo, hi: (
        stats.truncnorm.mean((lo - m) / s, (hi - m) / s, loc=m, scale=s),
        stats.truncnorm.var((lo - m) / s, (hi - m) / s, loc=m, scale=s))),
}


@pytest.mark.parametrize("name", sorted(THEORY))
def test_sample_moments_match_theory(name):
    params, moments = THEORY[name]
    x = RandomDistribution(name, params, rng=NumpyRNG(1001)).next(N_SAMPLES).astype(float)
    mean, var = moments(*params)
    _assert_mean_and_variance(x, mean, var)


def test_uniform_int_is_in_range_and_high_exclusive():
    x = RandomDistribution("uniform_int", (2, 9), rng=NumpyRNG(3)).next(N_SAMPLES)
    assert x.min() == 2 and x.max() == 8
    assert np.issubdtype(x.dtype, np.integer)


def test_normal_clipped_redraws_into_bounds():
    x = RandomDistribution("normal_clipped", (0.0, 1.0, -0.5, 2.0), rng=NumpyRNG(8)).next(N_SAMPLES)
    assert x.min() >= -0.5 and x.max() <= 2.0
    # no value sits on a bound: out-of-range values are redrawn, not clipped
    assert not np.any(x == -0.5) and not np.any(x == 2.0)


def test_normal_clipped_to_boundary_clips():
    mu, sigma, low, high = 0.0, 1.0, -0.5, 2.0
    x = RandomDistribution("normal_clipped_to_boundary", (mu, sigma, low, high),
                           rng=NumpyRNG(8)).next(N_SAMPLES)
    assert x.min() == low and x.max() == high
    # the share of values set to `low` is P(X < low); within Z binomial standard errors
    p_low = stats.norm.cdf((low - mu) / sigma)
    share = np.mean(x == low)
    assert abs(share - p_low) < Z * math.sqrt(p_low * (1 - p_low) / x.size)


def test_vonmises_circular_mean():
    mu, kappa = 1.0, 2.0
    x = RandomDistribution("vonmises", (mu, kappa), rng=NumpyRNG(21)).next(N_SAMPLES)
    assert np.all(np.abs(x) <= np.pi)
    # E[cos(X - mu)] = I1(kappa) / I0(kappa); E[sin(X - mu)] = 0
    c = np.cos(x - mu)
    s = np.sin(x - mu)
    expected = special.iv(1, kappa) / special.iv(0, kappa)
    assert abs(c.mean() - expected) < Z * c.std() / math.sqrt(x.size)
    assert abs(s.mean()) < Z * s.std() / math.sqrt(x.size)
