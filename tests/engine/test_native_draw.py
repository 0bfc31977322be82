"""Native connection rules drawn by the numba engine (pynnlite_numba/native.py):
what each rule draws (exact counts, autapses, multapses), the uniformity of
the draw (chi-squared tests), its independence of the chunk size, drawn
weights and delays, and the errors for what the engine cannot draw.

Statistical tests use one fixed seed each, so they are deterministic; the
significance level says how unlikely the observed deviation would be for a
correct sampler (a failure at 1e-3 is a bug, not bad luck, unless the seed
was changed)."""
import numpy as np
import pytest
from numba import njit
from scipy import stats

import pynnlite as sim
from pynnlite.errors import ConnectionError, InvalidParameterValueError
from pynnlite.network import NetworkSpec, PopulationSpec, ProjectionSpec
from pynnlite_numba import native as N
from pynnlite_numba.rng import CONNECT, hash4

ALPHA = 1e-3    # significance of every chi-squared test here


def _net(sizes, seed=12345):
    pops = tuple(PopulationSpec(index=i, label=f"p{i}", model="IF_curr_exp", size=n, first_id=0,
                                parameters={}, initial_values={}) for i, n in enumerate(sizes))
    return NetworkSpec(dt=0.1, min_delay=0.1, max_delay=10.0, seed=seed, threads=1,
                       populations=pops, projections=(), current_sources=(), recordings=())


def _spec(pre, post, index=0, weight=0.1, delay=1.0, delay_range=(1.0, 1.0), **rule):
    base = dict(allow_autapses=True, allow_multapses=True, pre_cells=None, post_cells=None,
                weight=weight, delay=delay, delay_range=delay_range)
    base.update(rule)
    empty = np.zeros(0, np.int32)
    return ProjectionSpec(index=index, label="prj", pre=pre, post=post, pre_indices=empty,
                          post_indices=empty, weights=np.zeros(0), delays=np.zeros(0),
                          receptor_type="excitatory", native_rule=base)


def _draw(spec, net, chunk=N.CHUNK):
    src = N.NativeSource(spec, net, chunk=chunk)
    pre, post = src.connections()
    return src, pre.astype(np.int64), post.astype(np.int64)


def _chi2_uniform(counts):
    """p-value of counts under the uniform distribution over their bins."""
    return stats.chisquare(counts).pvalue


@njit
def _hash_via_prefix(seed, stream, a, b):
    return N._hash(N._prefix(seed, stream, a), b)


@njit
def _below_many(seed, m, n):
    out = np.empty(n, np.int64)
    for i in range(n):
        out[i] = N._below(hash4(seed, CONNECT, 0, i), m)
    return out


def test_counter_is_the_engines_hash4():
    # the draw's per-cell prefix is hash4 factored: same numbers for (seed, stream, a, b)
    for args in [(1, 4, 5, 6), (2 ** 62, CONNECT, (3 << 32) + 17, 12345), (0, 5, 0, 0)]:
        assert _hash_via_prefix(*args) == hash4(*args)


@pytest.mark.parametrize("m", [1, 7, 9000])
def test_integer_draw_is_uniform(m):
    q = _below_many(3, m, 200000)
    assert q.min() >= 0 and q.max() < m
    if m > 1:
        bins = np.bincount(q, minlength=m) if m <= 50 else np.bincount(q * 50 // m, minlength=50)
        assert _chi2_uniform(bins) > ALPHA


def test_fixed_indegree_with_replacement_no_autapses():
    n, k = 300, 40
    net = _net([n])
    src, pre, post = _draw(_spec(0, 0, rule="fixed_indegree", indegree=k, allow_autapses=False),
                           net)
    assert src.size == len(pre) == n * k
    np.testing.assert_array_equal(post, np.repeat(np.arange(n), k))   # by target, then k
    assert not (pre == post).any()
    # the others of each target, relabelled 0 .. n-2, are equally likely
    rel = pre - (pre > post)
    assert _chi2_uniform(np.bincount(rel, minlength=n - 1)) > ALPHA
    # and every source overall
    assert _chi2_uniform(np.bincount(pre, minlength=n)) > ALPHA
    pairs = pre * n + post
    assert len(np.unique(pairs)) < len(pairs)          # multapses do occur (expected ~780)


def test_fixed_indegree_without_replacement():
    n_pre, n_post, k = 50, 2000, 30
    net = _net([n_pre, n_post])
    _, pre, post = _draw(_spec(0, 1, rule="fixed_indegree", indegree=k, allow_multapses=False),
                         net)
    assert len(pre) == n_post * k
    per_target = pre.reshape(n_post, k)
    assert all(len(set(row)) == k for row in per_target)          # no multapses
    # each source is in a target's subset with probability k / n_pre
    assert _chi2_uniform(np.bincount(pre, minlength=n_pre)) > ALPHA
    # Floyd's subset is uniform: all pairs of sources equally often together
    # (tested on the smallest source pair counts: pair (0, 1) vs (0, 2) ... by chi2 on sources
    # co-occurring with source 0)
    with0 = per_target[(per_target == 0).any(axis=1)]
    others = with0[with0 != 0]
    assert _chi2_uniform(np.bincount(others, minlength=n_pre)[1:]) > ALPHA


def test_fixed_indegree_on_views_and_self_exclusion_in_views():
    net = _net([20])
    pre_cells = np.array([3, 5, 7, 9, 11])
    post_cells = np.array([5, 0, 9])
    _, pre, post = _draw(_spec(0, 0, rule="fixed_indegree", indegree=200, allow_autapses=False,
                               pre_cells=pre_cells, post_cells=post_cells), net)
    np.testing.assert_array_equal(post, np.repeat(post_cells, 200))
    assert set(pre) <= set(pre_cells) and not (pre == post).any()
    # target 0 is not among the sources: all 5 are allowed; target 5: only 4
    assert set(pre[post == 0]) == set(pre_cells)
    assert set(pre[post == 5]) == set(pre_cells) - {5}


@pytest.mark.parametrize("rule", [
    dict(rule="fixed_indegree", indegree=17, allow_autapses=False),
    dict(rule="fixed_indegree", indegree=17, allow_multapses=False),
    dict(rule="fixed_outdegree", outdegree=9, allow_autapses=False),
    dict(rule="all_to_all", allow_autapses=False),
    dict(rule="one_to_one"),
    dict(rule="pairwise_bernoulli", p=0.3, allow_autapses=False),
    dict(rule="fixed_total_number", N=4321, allow_autapses=False),
])
def test_same_draw_for_any_chunk_size(rule):
    net = _net([60])
    weight = {"distribution": "normal_clipped",
              "parameters": {"mu": 0.5, "sigma": 0.2, "low": 0.3, "high": 0.9}}
    delay = {"distribution": "uniform_int", "parameters": {"low": 1, "high": 4}}
    spec = _spec(0, 0, weight=weight, delay=delay, delay_range=(1.0, 3.0), **rule)
    ref = N.NativeSource(spec, net)
    pre, post = ref.connections()
    w, d = ref.weights(), ref.delay_steps()
    for chunk in (1, 13):
        src = N.NativeSource(spec, net, chunk=chunk)
        p2, q2 = src.connections()
        np.testing.assert_array_equal(pre, p2)
        np.testing.assert_array_equal(post, q2)
        np.testing.assert_array_equal(w, src.weights())
        np.testing.assert_array_equal(d, src.delay_steps())
        assert src.size == len(pre)


def test_other_rules_draw_what_they_say():
    net = _net([40, 30])
    # all_to_all without autapses: every other pair once, by target then source
    _, pre, post = _draw(_spec(0, 0, rule="all_to_all", allow_autapses=False), net)
    expect = [(i, j) for j in range(40) for i in range(40) if i != j]
    assert list(zip(pre.tolist(), post.tolist())) == expect
    # one_to_one on views pairs them in order
    _, pre, post = _draw(_spec(0, 1, rule="one_to_one", pre_cells=np.array([4, 2, 9]),
                               post_cells=np.array([0, 7, 1])), net)
    assert list(zip(pre.tolist(), post.tolist())) == [(4, 0), (2, 7), (9, 1)]
    # fixed_outdegree: exact out-degree, by source then k
    _, pre, post = _draw(_spec(0, 0, rule="fixed_outdegree", outdegree=12,
                               allow_autapses=False), net)
    np.testing.assert_array_equal(pre, np.repeat(np.arange(40), 12))
    assert not (pre == post).any()


def test_pairwise_bernoulli_count_and_uniformity():
    n_pre, n_post, p = 200, 300, 0.1
    net = _net([n_pre, n_post])
    src, pre, post = _draw(_spec(0, 1, rule="pairwise_bernoulli", p=p), net)
    n = n_pre * n_post
    # total count: binomial(n, p); 4 standard deviations
    assert abs(len(pre) - n * p) < 4 * np.sqrt(n * p * (1 - p))
    assert src.size == len(pre)
    assert len(np.unique(pre * n_post + post)) == len(pre)          # no multapses
    assert np.all(np.diff(post) >= 0)                               # by target
    assert _chi2_uniform(np.bincount(pre, minlength=n_pre)) > ALPHA
    assert _chi2_uniform(np.bincount(post, minlength=n_post)) > ALPHA


def test_fixed_total_number_pairs_are_uniform_without_autapses():
    n = 12
    net = _net([n])
    _, pre, post = _draw(_spec(0, 0, rule="fixed_total_number", N=60000, allow_autapses=False),
                         net)
    assert len(pre) == 60000 and not (pre == post).any()
    pairs = pre * n + post
    allowed = np.array([i * n + j for i in range(n) for j in range(n) if i != j])
    counts = np.bincount(pairs, minlength=n * n)[allowed]
    assert _chi2_uniform(counts) > ALPHA


def test_drawn_weights_and_delays():
    net = _net([100, 100])
    weight = {"distribution": "uniform", "parameters": {"low": 0.2, "high": 0.6}}
    delay = {"distribution": "uniform", "parameters": {"low": 0.5, "high": 3.0}}
    src = N.NativeSource(_spec(0, 1, rule="fixed_indegree", indegree=100, weight=weight,
                               delay=delay, delay_range=(0.5, 3.0)), net)
    w, d = src.weights(), src.delay_steps()
    assert 0.2 <= w.min() and w.max() < 0.6
    # mean of 10^4 uniforms: standard error 0.4 / sqrt(12 * 10^4) = 0.0012; 5 of them
    assert abs(w.mean() - 0.4) < 0.006
    assert d.min() == 5 and d.max() == 30          # 0.5 .. 3.0 ms rounded to 0.1 ms steps
    for name, params, check in [
            ("normal_clipped", {"mu": 0.0, "sigma": 1.0, "low": -0.5, "high": 2.0},
             lambda v: -0.5 <= v.min() and v.max() <= 2.0),
            ("normal_clipped_to_boundary", {"mu": 0.0, "sigma": 1.0, "low": -0.5, "high": 2.0},
             lambda v: v.min() == -0.5 and v.max() <= 2.0),
            ("uniform_int", {"low": 2, "high": 5}, lambda v: set(np.unique(v)) == {2, 3, 4}),
            ("normal", {"mu": 1.0, "sigma": 2.0},
             lambda v: abs(v.mean() - 1.0) < 5 * 2.0 / 100 and abs(v.std() - 2.0) < 0.1),
            ("lognormal", {"mu": 0.0, "sigma": 0.5}, lambda v: v.min() > 0
             and abs(np.log(v).mean()) < 5 * 0.5 / 100),
            ("exponential", {"beta": 2.0}, lambda v: v.min() > 0 and abs(v.mean() - 2.0) < 0.1)]:
        src = N.NativeSource(_spec(0, 1, rule="fixed_indegree", indegree=100,
                                   weight={"distribution": name, "parameters": params}), net)
        assert check(src.weights()), name
    # drawn per connection from its own counter: another projection index, other values
    other = N.NativeSource(_spec(0, 1, index=3, rule="fixed_indegree", indegree=100,
                                 weight=weight, delay=delay, delay_range=(0.5, 3.0)), net)
    assert not np.array_equal(other.weights(), w)


# ---------------------------------------------------------------- errors

@pytest.fixture
def numba_sim():
    sim.setup(timestep=0.1, backend="numba", seed=1)
    yield
    sim.end()


def test_what_the_engine_cannot_draw_is_refused(numba_sim):
    a, b = sim.Population(4, sim.IF_curr_exp()), sim.Population(5, sim.IF_curr_exp())
    with pytest.raises(InvalidParameterValueError, match="gamma"):
        sim.Projection(a, b, sim.AllToAllConnector(native=True), sim.StaticSynapse(
            weight=sim.RandomDistribution("gamma", (2.0, 0.05))))
    with pytest.raises(ConnectionError, match="fixed_total_number with multapses only"):
        sim.Projection(a, b, sim.FixedTotalNumberConnector(5, with_replacement=False, native=True))
    with pytest.raises(ConnectionError, match="not TsodyksMarkramSynapse"):
        sim.Projection(a, b, sim.AllToAllConnector(native=True),
                       sim.TsodyksMarkramSynapse(weight=0.1))
    with pytest.raises(InvalidParameterValueError, match="tau_plus.*a number when the connector"):
        sim.Projection(a, b, sim.AllToAllConnector(native=True), sim.STDPMechanism(
            sim.SpikePairRule(tau_plus=sim.RandomDistribution("uniform", (10.0, 20.0))),
            sim.AdditiveWeightDependence(w_max=1.0), weight=0.5))
    with pytest.raises(InvalidParameterValueError, match=r"weight.*\[w_min, w_max\]"):
        sim.Projection(a, b, sim.AllToAllConnector(native=True), sim.STDPMechanism(
            sim.SpikePairRule(), sim.AdditiveWeightDependence(w_max=1.0),
            weight=sim.RandomDistribution("uniform", (0.5, 1.5))))


def test_too_large_indegree_without_replacement_is_refused_at_build(numba_sim):
    a = sim.Population(6, sim.IF_curr_exp())
    sim.Projection(a, a, sim.FixedNumberPreConnector(6, allow_self_connections=False,
                                                     native=True), sim.StaticSynapse(weight=0.1))
    with pytest.raises(ConnectionError, match="indegree 6 needs 6 allowed partner.*only 5"):
        sim.run(0.1)
