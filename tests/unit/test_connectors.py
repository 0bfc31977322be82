"""pynnlite.connectors: counts, exclusions, statistics (CHECKS 14 and 15), errors, speed."""
import time

import numpy as np
import pytest
from scipy import stats

from pynnlite import connectors as C
from pynnlite.errors import (ConnectionError, InvalidDimensionsError,
                             InvalidParameterValueError)
from pynnlite.random import NumpyRNG, RandomDistribution
from pynnlite.space import Line, Space

ALPHA2 = 0.05   # NEST's level for the KS test of the per-realisation p-values


def context(n_pre, n_post, seed=1, same=False, positions=None, space=None):
    """A projection context; `same` makes post the same cells as pre (autapses possible)."""
    pre = np.arange(100, 100 + n_pre, dtype=np.int64)
    post = pre.copy() if same else np.arange(10_000, 10_000 + n_post, dtype=np.int64)
    pre_pos = post_pos = None
    if positions is not None:
        pre_pos, post_pos = positions
    return C.ConnectionContext(pre, post, NumpyRNG(seed), pre_pos, post_pos, space)


def matrix(conns, n_pre, n_post):
    """Multiplicity matrix (n_pre, n_post)."""
    m = np.zeros((n_pre, n_post), dtype=np.int64)
    np.add.at(m, (conns.pre, conns.post), 1)
    return m


def assert_post_then_pre_order(conns, n_pre):
    keys = conns.post * n_pre + conns.pre
    assert np.all(np.diff(keys) >= 0)


def n_duplicates(conns, n_pre):
    keys = np.sort(conns.post * n_pre + conns.pre)
    return int(np.count_nonzero(keys[1:] == keys[:-1]))


# ---------------------------------------------------------------- CHECK 14: fixed numbers

@pytest.mark.parametrize("k", [1, 7, 30, 45, 59])   # 45, 59: more than half -> complement path
@pytest.mark.parametrize("allow_self", [True, False])
def test_fixed_number_pre_exactly_k_distinct(k, allow_self):
    n = 60
    conns = C.FixedNumberPreConnector(k, allow_self_connections=allow_self).connect(
        context(n, n, seed=k, same=True))
    assert np.array_equal(np.bincount(conns.post, minlength=n), np.full(n, k))
    assert n_duplicates(conns, n) == 0
    if not allow_self:
        assert not np.any(conns.pre == conns.post)
    assert_post_then_pre_order(conns, n)


@pytest.mark.parametrize("k", [3, 25, 40])
def test_fixed_number_post_exactly_k_distinct(k):
    n_pre, n_post = 37, 50
    conns = C.FixedNumberPostConnector(k).connect(context(n_pre, n_post, seed=k))
    assert np.array_equal(np.bincount(conns.pre, minlength=n_pre), np.full(n_pre, k))
    assert n_duplicates(conns, n_pre) == 0
    assert_post_then_pre_order(conns, n_pre)


def test_fixed_number_post_without_self_connections():
    n = 40
    conns = C.FixedNumberPostConnector(39, allow_self_connections=False).connect(
        context(n, n, same=True))
    # 39 of the 39 others: everything but the autapse
    assert np.array_equal(matrix(conns, n, n), 1 - np.eye(n, dtype=np.int64))


def test_fixed_number_with_replacement_counts_and_self_exclusion():
    n = 30
    conns = C.FixedNumberPreConnector(50, with_replacement=True, allow_self_connections=False
                                      ).connect(context(n, n, same=True))
    assert np.array_equal(np.bincount(conns.post, minlength=n), np.full(n, 50))
    assert not np.any(conns.pre == conns.post)
    assert n_duplicates(conns, n) > 0          # 50 draws from 29 cells must repeat
    assert_post_then_pre_order(conns, n)


def test_fixed_number_from_a_random_distribution():
    n = 200
    counts_rd = RandomDistribution("uniform_int", (0, 20), rng=NumpyRNG(5))
    conns = C.FixedNumberPreConnector(counts_rd).connect(context(n, n))
    expected = RandomDistribution("uniform_int", (0, 20), rng=NumpyRNG(5)).next(n)
    assert np.array_equal(np.bincount(conns.post, minlength=n), expected)
    assert n_duplicates(conns, n) == 0


def test_k_larger_than_available_raises():
    with pytest.raises(ConnectionError, match=r"n=11 .* only 10"):
        C.FixedNumberPreConnector(11).connect(context(10, 5))
    with pytest.raises(ConnectionError, match=r"n=10 .* only 9"):
        C.FixedNumberPreConnector(10, allow_self_connections=False).connect(
            context(10, 10, same=True))
    with pytest.raises(ConnectionError, match=r"n=6 .* only 5"):
        C.FixedNumberPostConnector(6).connect(context(3, 5))


def test_views_of_one_population_count_as_self_connections():
    # pre = ids 0..9, post = ids 5..14: five pairs share an id
    ctx = C.ConnectionContext(np.arange(10), np.arange(5, 15), NumpyRNG(3))
    conns = C.FixedNumberPreConnector(9, allow_self_connections=False).connect(ctx)
    assert not np.any(ctx.pre_ids[conns.pre] == ctx.post_ids[conns.post])
    assert np.array_equal(np.bincount(conns.post, minlength=10), np.full(10, 9))
    all_to_all = C.AllToAllConnector(allow_self_connections=False).connect(ctx)
    assert len(all_to_all) == 100 - 5


def _ks_of_chi2(pvalues):
    return stats.kstest(pvalues, "uniform").pvalue


def _binned(expected, observed, e_min=5.0):
    """Merge adjacent degree bins until each expects at least e_min (as NEST
    does), so that Pearson's chi-squared approximation holds."""
    e_bins, o_bins, e_acc, o_acc = [], [], 0.0, 0
    for e, o in zip(expected, observed):
        e_acc += e
        o_acc += o
        if e_acc >= e_min:
            e_bins.append(e_acc)
            o_bins.append(o_acc)
            e_acc, o_acc = 0.0, 0
    e_bins[-1] += e_acc
    o_bins[-1] += o_acc
    return np.array(o_bins), np.array(e_bins)


def test_fixed_number_pre_sources_uniform_two_level():
    # every source equally likely: out-degrees vs N_t * K / N_s per realisation
    # (NEST's fixed_indegree test), KS of the chi-squared p-values over 20 seeds
    n_s, n_t, k = 50, 100, 5
    pvalues = []
    for seed in range(1, 21):
        conns = C.FixedNumberPreConnector(k).connect(context(n_s, n_t, seed=seed))
        out_degrees = np.bincount(conns.pre, minlength=n_s)
        pvalues.append(stats.chisquare(out_degrees, np.full(n_s, n_t * k / n_s)).pvalue)
    assert _ks_of_chi2(pvalues) > ALPHA2


def test_fixed_number_pre_dense_subsets_uniform_two_level():
    # K > N/2 (complement path): each source is chosen by each target with
    # probability K/N, so its out-degree is Binomial(N_t, K/N); chi-squared of
    # the degree histogram per realisation, KS over 20 seeds
    n_s, n_t, k = 40, 200, 30
    degrees = np.arange(n_t + 1)
    pvalues = []
    for seed in range(1, 21):
        conns = C.FixedNumberPreConnector(k).connect(context(n_s, n_t, seed=seed))
        hist = np.bincount(np.bincount(conns.pre, minlength=n_s), minlength=n_t + 1)
        obs, exp = _binned(stats.binom.pmf(degrees, n_t, k / n_s) * n_s, hist)
        pvalues.append(stats.chisquare(obs, exp).pvalue)
    assert _ks_of_chi2(pvalues) > ALPHA2


# ---------------------------------------------------------------- CHECK 15: probability and total number

@pytest.mark.parametrize("fan", ["in", "out"])
def test_fixed_probability_two_level(fan):
    # NEST's pairwise_bernoulli test: p = 0.5, 50 x 50, degree histogram vs
    # binomial per realisation (bins merged to >= 5 expected), KS over 20 seeds
    n_s = n_t = 50
    p = 0.5
    n_pool, n_driver = (n_s, n_t) if fan == "in" else (n_t, n_s)
    degrees = np.arange(n_pool + 1)
    pvalues = []
    for seed in range(1, 21):
        conns = C.FixedProbabilityConnector(p).connect(context(n_s, n_t, seed=seed))
        deg = np.bincount(conns.post if fan == "in" else conns.pre, minlength=n_driver)
        hist = np.bincount(deg, minlength=n_pool + 1)
        obs, exp = _binned(stats.binom.pmf(degrees, n_pool, p) * n_driver, hist)
        pvalues.append(stats.chisquare(obs, exp).pvalue)
    assert _ks_of_chi2(pvalues) > ALPHA2


def test_fixed_probability_pairs_uniform_two_level():
    # per-pair counts summed over 50 realisations of a small 8 x 8 network
    # (p = 0.1) are Binomial(50, p) each: chi-squared of the 64 counts against
    # 50 p, one p-value per block of 50 seeds, KS over 20 blocks
    n, p, reps = 8, 0.1, 50
    pvalues = []
    for block in range(20):
        counts = sum(matrix(C.FixedProbabilityConnector(p).connect(
            context(n, n, seed=1000 * block + r)), n, n) for r in range(reps))
        expected = reps * p
        # Pearson statistic with binomial variance n p (1 - p) per cell, 64 dof
        chi2 = np.sum((counts - expected) ** 2) / (expected * (1 - p))
        pvalues.append(stats.chi2.sf(chi2, n * n))
    assert _ks_of_chi2(pvalues) > ALPHA2


def test_fixed_probability_extremes():
    n = 40
    assert len(C.FixedProbabilityConnector(0.0).connect(context(n, n))) == 0
    full = C.FixedProbabilityConnector(1.0).connect(context(n, n))
    assert len(full) == n * n and n_duplicates(full, n) == 0
    no_self = C.FixedProbabilityConnector(1, allow_self_connections=False).connect(
        context(n, n, same=True))
    assert len(no_self) == n * n - n
    assert not np.any(no_self.pre == no_self.post)
    assert_post_then_pre_order(no_self, n)


def test_fixed_probability_no_mutual():
    n = 20
    conns = C.FixedProbabilityConnector(1.0, allow_self_connections="NoMutual").connect(
        context(n, n, same=True))
    assert len(conns) == n * (n - 1) // 2
    assert np.all(conns.pre > conns.post)


@pytest.mark.parametrize("fan", ["in", "out"])
def test_fixed_total_number_two_level(fan):
    # NEST's fixed_total_number test: in/out-degrees vs N / N_d per realisation
    # (multinomial with replacement), KS of the chi-squared p-values over 200 seeds
    n_s, n_t, total = 20, 30, 600
    n_d = n_t if fan == "in" else n_s
    pvalues = []
    for seed in range(1, 201):
        conns = C.FixedTotalNumberConnector(total).connect(context(n_s, n_t, seed=seed))
        deg = np.bincount(conns.post if fan == "in" else conns.pre, minlength=n_d)
        pvalues.append(stats.chisquare(deg, np.full(n_d, total / n_d)).pvalue)
    assert _ks_of_chi2(pvalues) > ALPHA2


def test_fixed_total_number_counts_and_variants():
    n = 30
    conns = C.FixedTotalNumberConnector(500).connect(context(n, n))
    assert len(conns) == 500
    assert_post_then_pre_order(conns, n)
    distinct = C.FixedTotalNumberConnector(800, with_replacement=False,
                                           allow_self_connections=False).connect(
        context(n, n, same=True))
    assert len(distinct) == 800 and n_duplicates(distinct, n) == 0
    assert not np.any(distinct.pre == distinct.post)
    everything = C.FixedTotalNumberConnector(n * n - n, with_replacement=False,
                                             allow_self_connections=False).connect(
        context(n, n, same=True))
    assert np.array_equal(matrix(everything, n, n), 1 - np.eye(n, dtype=np.int64))
    with pytest.raises(ConnectionError, match=r"n=871 .* only 870"):
        C.FixedTotalNumberConnector(871, with_replacement=False,
                                    allow_self_connections=False).connect(context(n, n, same=True))


# ---------------------------------------------------------------- determinism

RANDOM_CONNECTORS = [
    lambda: C.FixedProbabilityConnector(0.1),
    lambda: C.FixedNumberPreConnector(10),
    lambda: C.FixedNumberPreConnector(40, allow_self_connections=False),
    lambda: C.FixedNumberPostConnector(10, with_replacement=True),
    lambda: C.FixedTotalNumberConnector(300),
    lambda: C.FixedTotalNumberConnector(300, with_replacement=False),
    lambda: C.IndexBasedProbabilityConnector(lambda i, j: np.exp(-np.abs(i - j) / 10.0)),
]


@pytest.mark.parametrize("make", RANDOM_CONNECTORS)
def test_same_seed_identical_different_seed_different(make):
    a = make().connect(context(50, 50, seed=11, same=True))
    b = make().connect(context(50, 50, seed=11, same=True))
    c = make().connect(context(50, 50, seed=12, same=True))
    assert np.array_equal(a.pre, b.pre) and np.array_equal(a.post, b.post)
    assert not (len(a) == len(c) and np.array_equal(a.pre, c.pre) and np.array_equal(a.post, c.post))


def test_connector_rng_overrides_context_rng():
    a = C.FixedProbabilityConnector(0.2, rng=NumpyRNG(77)).connect(context(30, 30, seed=1))
    b = C.FixedProbabilityConnector(0.2, rng=NumpyRNG(77)).connect(context(30, 30, seed=2))
    assert np.array_equal(a.pre, b.pre) and np.array_equal(a.post, b.post)


def test_probability_maps_do_not_depend_on_the_block_size(monkeypatch):
    # one uniform number per pair, drawn by post then pre, whatever the block size
    makers = [lambda: C.IndexBasedProbabilityConnector(lambda i, j: (i + j) % 3 / 3.0),
              lambda: C.DistanceDependentProbabilityConnector("exp(-d / 4.0)")]
    big = [m().connect(_line_context(80, seed=4)) for m in makers]
    monkeypatch.setattr(C, "BLOCK_SIZE", 100)
    small = [m().connect(_line_context(80, seed=4)) for m in makers]
    for x, y in zip(big, small):
        assert np.array_equal(x.pre, y.pre) and np.array_equal(x.post, y.post)


def test_fixed_number_in_small_blocks_keeps_exact_counts(monkeypatch):
    monkeypatch.setattr(C, "BLOCK_SIZE", 100)
    conns = C.FixedNumberPreConnector(30, allow_self_connections=False).connect(
        context(70, 70, same=True))
    assert np.array_equal(np.bincount(conns.post, minlength=70), np.full(70, 30))
    assert n_duplicates(conns, 70) == 0 and not np.any(conns.pre == conns.post)


def test_callback_reports_fractions_ending_with_one(monkeypatch):
    monkeypatch.setattr(C, "BLOCK_SIZE", 200)
    seen = []
    C.FixedNumberPreConnector(10, callback=seen.append).connect(context(50, 100))
    assert len(seen) > 2 and seen[-1] == 1.0
    assert all(0.0 <= f <= 1.0 for f in seen) and seen == sorted(seen)
    seen.clear()
    C.OneToOneConnector(callback=seen.append).connect(context(5, 5))
    assert seen == [1.0]


# ---------------------------------------------------------------- deterministic connectors

def test_all_to_all_and_one_to_one():
    conns = C.AllToAllConnector().connect(context(3, 4))
    assert np.array_equal(matrix(conns, 3, 4), np.ones((3, 4), dtype=np.int64))
    assert_post_then_pre_order(conns, 3)
    no_self = C.AllToAllConnector(allow_self_connections=False).connect(context(5, 5, same=True))
    assert np.array_equal(matrix(no_self, 5, 5), 1 - np.eye(5, dtype=np.int64))
    one = C.OneToOneConnector().connect(context(6, 6))
    assert np.array_equal(one.pre, np.arange(6)) and np.array_equal(one.post, np.arange(6))
    with pytest.raises(InvalidDimensionsError, match=r"n_pre=6 and n_post=7"):
        C.OneToOneConnector().connect(context(6, 7))


def test_array_connector():
    arr = np.array([[1, 0, 1], [0, 0, 1]])
    conns = C.ArrayConnector(arr).connect(context(2, 3))
    assert np.array_equal(matrix(conns, 2, 3), arr)
    assert_post_then_pre_order(conns, 2)
    with pytest.raises(InvalidDimensionsError, match=r"\(2, 3\)"):
        C.ArrayConnector(arr).connect(context(3, 3))
    with pytest.raises(InvalidParameterValueError, match="array"):
        C.ArrayConnector(np.array([[0.5, 1.0]]))


def test_from_list():
    rows = [(2, 0, 0.5, 1.0), (0, 1, 0.25, 2.0), (1, 1, -0.1, 1.5)]
    conns = C.FromListConnector(rows).connect(context(3, 2))
    assert np.array_equal(conns.pre, [2, 0, 1]) and np.array_equal(conns.post, [0, 1, 1])
    assert np.array_equal(conns.attributes["weight"], [0.5, 0.25, -0.1])
    assert np.array_equal(conns.attributes["delay"], [1.0, 2.0, 1.5])
    named = C.FromListConnector([(0, 0, 3.0)], column_names=["U"]).connect(context(1, 1))
    assert np.array_equal(named.attributes["U"], [3.0])
    assert len(C.FromListConnector([]).connect(context(2, 2))) == 0
    with pytest.raises(ConnectionError, match=r"pre index 3 .* size 3"):
        C.FromListConnector([(3, 0)]).connect(context(3, 2))
    with pytest.raises(ConnectionError, match=r"post index 2 .* size 2"):
        C.FromListConnector([(0, 2)]).connect(context(3, 2))
    with pytest.raises(InvalidParameterValueError, match="column_names"):
        C.FromListConnector([(0, 0, 1.0)])
    with pytest.raises(InvalidDimensionsError, match="2 column names"):
        C.FromListConnector([(0, 0, 1.0)], column_names=("weight", "delay"))
    with pytest.raises(InvalidParameterValueError, match="-1"):
        C.FromListConnector([(-1, 0)])


def test_clone_connector():
    class Reference:
        _connections = C.Connections(np.array([0, 2]), np.array([1, 1]), {"weight": np.ones(2)})
    conns = C.CloneConnector(Reference()).connect(context(3, 2))
    assert np.array_equal(conns.pre, [0, 2]) and np.array_equal(conns.post, [1, 1])
    assert conns.attributes == {}
    with pytest.raises(ConnectionError, match="beyond"):
        C.CloneConnector(Reference()).connect(context(2, 2))
    with pytest.raises(ConnectionError, match="_connections"):
        C.CloneConnector(object()).connect(context(2, 2))


def test_csa_connector():
    csa = pytest.importorskip("csa")
    conns = C.CSAConnector(csa.oneToOne).connect(context(4, 4))
    assert np.array_equal(conns.pre, np.arange(4)) and np.array_equal(conns.post, np.arange(4))
    valued = C.CSAConnector(csa.cset(csa.full, 0.5, 1.0)).connect(context(2, 3))
    assert np.array_equal(matrix(valued, 2, 3), np.ones((2, 3), dtype=np.int64))
    assert np.all(valued.attributes["weight"] == 0.5) and np.all(valued.attributes["delay"] == 1.0)
    assert_post_then_pre_order(valued, 2)


# ---------------------------------------------------------------- spatial and index-based

def _line_context(n, seed=1):
    pos = Line(dx=1.0).generate_positions(n)
    return context(n, n, seed=seed, same=True, positions=(pos, pos))


def test_distance_dependent_deterministic_rule():
    n = 10
    conns = C.DistanceDependentProbabilityConnector("d < 1.5", allow_self_connections=False
                                                    ).connect(_line_context(n))
    expected = (np.abs(np.subtract.outer(np.arange(n), np.arange(n))) == 1).astype(np.int64)
    assert np.array_equal(matrix(conns, n, n), expected)


def test_distance_dependent_statistics_and_periodic_space():
    n = 200
    ctx = _line_context(n, seed=3)
    ctx.space = Space(periodic_boundaries=((0, n), None, None))
    conns = C.DistanceDependentProbabilityConnector("exp(-d / 5.0)").connect(ctx)
    d = ctx.space.distances(ctx.pre_positions, ctx.post_positions)
    p = np.exp(-d / 5.0)
    # the count of connections is a sum of independent Bernoullis: within 5 SE
    assert abs(len(conns) - p.sum()) < 5 * np.sqrt(np.sum(p * (1 - p)))
    # periodic: cells 0 and n-1 are neighbours
    far = np.abs(conns.pre - conns.post)
    assert np.any(far == n - 1)


def test_distance_expression_is_restricted():
    for bad in ("__import__('os').getcwd()", "d.__class__", "open('x')", "[x for x in d]",
                "d <"):
        with pytest.raises(InvalidParameterValueError, match="d_expression"):
            C.DistanceDependentProbabilityConnector(bad)
    with pytest.raises(InvalidParameterValueError, match="d_expression"):
        C.DistanceDependentProbabilityConnector("-1 + 0 * d")
    conns = C.DistanceDependentProbabilityConnector(lambda d: d < 1.5).connect(_line_context(5))
    assert len(conns) == 5 + 2 * 4
    with pytest.raises(ConnectionError, match="positions"):
        C.DistanceDependentProbabilityConnector("d < 1").connect(context(3, 3))


def test_index_based_and_displacement_dependent():
    n = 12
    diag = C.IndexBasedProbabilityConnector(lambda i, j: i == j).connect(context(n, n))
    assert np.array_equal(diag.pre, np.arange(n)) and np.array_equal(diag.post, np.arange(n))
    checker = C.IndexBasedProbabilityConnector(lambda i, j: (i + j) % 2 == 0).connect(
        context(n, n + 1))
    assert np.all((checker.pre + checker.post) % 2 == 0) and len(checker) == n * (n + 1) // 2
    right = C.DisplacementDependentProbabilityConnector(lambda disp: disp[0] > 0).connect(
        _line_context(n))
    # post lies to the right of pre: every pair i < j, nothing else
    assert np.all(right.post > right.pre) and len(right) == n * (n - 1) // 2
    with pytest.raises(InvalidParameterValueError, match="index_expression"):
        C.IndexBasedProbabilityConnector(lambda i, j: -1.0 + 0 * i).connect(context(3, 3))


def test_small_world():
    n = 30
    local = C.SmallWorldConnector(degree=1.5, rewiring=0.0, allow_self_connections=False
                                  ).connect(_line_context(n))
    assert np.all(np.abs(local.pre - local.post) == 1)
    rewired = C.SmallWorldConnector(degree=1.5, rewiring=1.0, allow_self_connections=False
                                    ).connect(_line_context(n, seed=2))
    # rewiring moves the presynaptic end only: in-degrees are kept
    assert np.array_equal(np.bincount(rewired.post, minlength=n), np.bincount(local.post, minlength=n))
    assert not np.any(rewired.pre == rewired.post)
    assert np.any(np.abs(rewired.pre - rewired.post) > 1)
    assert_post_then_pre_order(rewired, n)


# ---------------------------------------------------------------- bad parameters

@pytest.mark.parametrize("make, parameter, value", [
    (lambda: C.FixedProbabilityConnector(1.5), "p_connect", "1.5"),
    (lambda: C.FixedProbabilityConnector(-0.1), "p_connect", "-0.1"),
    (lambda: C.FixedNumberPreConnector(-1), "n", "-1"),
    (lambda: C.FixedNumberPostConnector(2.5), "n", "2.5"),
    (lambda: C.FixedTotalNumberConnector(-5), "n", "-5"),
    (lambda: C.AllToAllConnector(allow_self_connections="yes"), "allow_self_connections", "'yes'"),
    (lambda: C.FixedNumberPreConnector(3, allow_self_connections="NoMutual"),
     "allow_self_connections", "'NoMutual'"),
    (lambda: C.FixedProbabilityConnector(0.1, rng="seed"), "rng", "'seed'"),
    (lambda: C.AllToAllConnector(callback=5), "callback", "5"),
    (lambda: C.SmallWorldConnector(2.0, rewiring=2.0), "rewiring", "2.0"),
])
def test_bad_parameters_raise_naming_the_value(make, parameter, value):
    with pytest.raises(InvalidParameterValueError) as info:
        make()
    assert info.value.parameter == parameter and value in str(info.value)


# ---------------------------------------------------------------- speed

def test_va_benchmark_connectivity_is_fast():
    # 4000 cells (3200 exc, 800 inh), p = 0.02, four projections; target
    # "well under 0.1 s" (measured ~0.01 s), best of three against machine noise
    sizes = [(3200, 3200), (3200, 800), (800, 3200), (800, 800)]
    best = np.inf
    for _ in range(3):
        t0 = time.perf_counter()
        total = sum(len(C.FixedProbabilityConnector(0.02).connect(context(a, b, seed=a + b)))
                    for a, b in sizes)
        best = min(best, time.perf_counter() - t0)
    assert abs(total - 0.02 * 4000 ** 2) < 5 * np.sqrt(4000 ** 2 * 0.02 * 0.98)
    assert best < 0.1


@pytest.mark.slow
def test_fixed_number_pre_large_is_fast():
    # 11250 x 11250, n = 1125 without replacement: ~1 s target (measured ~0.6-0.8 s
    # on an idle core); 2.5 s bound since the test machine's 2 cores are shared
    t0 = time.perf_counter()
    conns = C.FixedNumberPreConnector(1125).connect(context(11250, 11250, same=True))
    elapsed = time.perf_counter() - t0
    assert len(conns) == 11250 * 1125
    assert n_duplicates(conns, 11250) == 0
    assert elapsed < 2.5
