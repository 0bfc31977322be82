"""Native NEST connection rules through pynnlite's API (connector(native=True)):
NEST draws the connections at build, and Projection.size/get/set/save report
them; the degree statistics of each rule, the translation of weight and delay
distributions to nest.random, and the errors for what NEST cannot draw natively.

Every statistical check below runs on a fixed seed, so it is deterministic; the
tolerances (5 standard deviations, p > 0.001) say how far a correct draw may lie
from the expectation, not slack for a wrong one.
"""
import numpy as np
import pytest
from scipy import stats

import pynnlite as sim
from pynnlite.errors import (ConnectionError, InvalidParameterValueError, InvalidWeightError,
                             SimulationStateError)
from pynnlite.random import RandomDistribution


@pytest.fixture
def nest_sim():
    sim.setup(timestep=0.1, backend="nest", seed=2024)
    yield sim
    sim.end()


def _pairs(prj):
    rows = np.array(prj.get("weight", format="list"))
    return rows[:, 0].astype(int), rows[:, 1].astype(int), rows[:, 2]


def _cells(n, label=None, **params):
    return sim.Population(n, sim.IF_curr_exp(**params), label=label)


# ------------------------------------------------------------------ degrees

def test_fixed_indegree_every_post_has_exactly_k_distinct_pres(nest_sim):
    pre, post = _cells(50), _cells(400)
    prj = sim.Projection(pre, post, sim.FixedNumberPreConnector(10, native=True),
                         sim.StaticSynapse(weight=0.1, delay=0.5))
    sim.run(0.1)
    i, j, w = _pairs(prj)
    assert prj.size() == 4000 == len(i)
    np.testing.assert_array_equal(np.bincount(j, minlength=400), 10)
    # with_replacement=False (the default) -> allow_multapses=False: pairs distinct
    assert len(np.unique(j * 50 + i)) == 4000
    # order: by post, then pre
    assert np.all(np.diff(j * 50 + i) > 0)
    # presynaptic cells chosen uniformly: 4000 draws over 50 cells, chi-square
    assert stats.chisquare(np.bincount(i, minlength=50)).pvalue > 1e-3
    np.testing.assert_array_equal(w, 0.1)


def test_fixed_outdegree_and_autapses_on_a_population_onto_itself(nest_sim):
    cells = _cells(100)
    prj = sim.Projection(cells, cells, sim.FixedNumberPostConnector(
        5, allow_self_connections=False, native=True), sim.StaticSynapse(weight=0.1))
    sim.run(0.1)
    i, j, _ = _pairs(prj)
    np.testing.assert_array_equal(np.bincount(i, minlength=100), 5)
    assert not np.any(i == j), "allow_self_connections=False -> allow_autapses=False"


def test_fixed_indegree_with_replacement_allows_multapses(nest_sim):
    pre, post = _cells(3), _cells(20)
    prj = sim.Projection(pre, post, sim.FixedNumberPreConnector(
        6, with_replacement=True, native=True), sim.StaticSynapse(weight=0.1))
    sim.run(0.1)
    i, j, _ = _pairs(prj)
    np.testing.assert_array_equal(np.bincount(j, minlength=20), 6)
    # 6 draws from 3 cells: repeats are certain
    assert len(np.unique(j * 3 + i)) < len(i)


def test_fixed_total_number_and_pairwise_bernoulli_counts(nest_sim):
    a, b = _cells(200), _cells(200)
    total = sim.Projection(a, b, sim.FixedTotalNumberConnector(1234, native=True),
                           sim.StaticSynapse(weight=0.1))
    bern = sim.Projection(a, a, sim.FixedProbabilityConnector(
        0.1, allow_self_connections=False, native=True), sim.StaticSynapse(weight=0.1))
    sim.run(0.1)
    assert total.size() == 1234
    i, j, _ = _pairs(bern)
    n_pairs = 200 * 199
    expected, sd = 0.1 * n_pairs, np.sqrt(n_pairs * 0.1 * 0.9)
    assert abs(len(i) - expected) < 5 * sd, (len(i), expected)
    assert not np.any(i == j)
    assert len(np.unique(j * 200 + i)) == len(i)
    # in-degrees Binomial(199, 0.1): mean within 5 standard errors
    indeg = np.bincount(j, minlength=200)
    assert abs(indeg.mean() - 19.9) < 5 * np.sqrt(199 * 0.09 / 200)


def test_all_to_all_and_one_to_one_on_views(nest_sim):
    a, b = _cells(30), _cells(30)
    full = sim.Projection(a[5:15], b[[7, 2, 9]], sim.AllToAllConnector(native=True),
                          sim.StaticSynapse(weight=0.2))
    # a permuted view: one_to_one pairs the cells in the views' order
    one = sim.Projection(a[[4, 0, 8]], b[[1, 6, 3]], sim.OneToOneConnector(native=True),
                         sim.StaticSynapse(weight=0.3))
    sim.run(0.1)
    i, j, _ = _pairs(full)
    assert sorted(zip(i.tolist(), j.tolist())) == [(p, q) for p in range(10) for q in range(3)]
    i, j, w = _pairs(one)
    assert sorted(zip(i.tolist(), j.tolist())) == [(0, 0), (1, 1), (2, 2)]
    # the NEST connections themselves join the right neurons
    conns = sim.get_simulation()._backend.nest.GetConnections(synapse_model="pynnlite_native_1")
    src = np.asarray(conns.get("source")) - a.first_id
    tgt = np.asarray(conns.get("target")) - b.first_id
    assert sorted(zip(src.tolist(), tgt.tolist())) == [(0, 6), (4, 1), (8, 3)]


# ------------------------------------------------------------- distributions

def test_weight_and_delay_distributions_drawn_by_nest(nest_sim):
    pre, post = _cells(100), _cells(100)
    uniform = sim.Projection(pre, post, sim.FixedNumberPreConnector(40, native=True),
                             sim.StaticSynapse(weight=RandomDistribution("uniform", (0.1, 0.2)),
                                               delay=RandomDistribution("uniform_int", (1, 4))))
    lognormal = sim.Projection(pre, post, sim.FixedNumberPreConnector(40, native=True),
                               sim.StaticSynapse(
                                   weight=RandomDistribution("lognormal", (-2.0, 0.5))))
    expo = sim.Projection(pre, post, sim.FixedNumberPreConnector(40, native=True),
                          sim.StaticSynapse(weight=RandomDistribution("exponential", (0.05,))))
    clipped = sim.Projection(pre, post, sim.FixedNumberPreConnector(40, native=True),
                             sim.StaticSynapse(weight=RandomDistribution(
                                 "normal_clipped", mu=0.1, sigma=0.1, low=0.05, high=0.2)))
    sim.run(0.1)
    w = uniform.get("weight", format="list")
    w = np.array(w)[:, 2]
    assert w.min() >= 0.1 and w.max() < 0.2
    # uniform(0.1, 0.2) on 4000 values: KS against the same distribution
    assert stats.kstest(w, stats.uniform(0.1, 0.1).cdf).pvalue > 1e-3
    d = np.array(uniform.get("delay", format="list"))[:, 2]
    # uniform_int(1, 4): 1, 2 or 3 ms, high exclusive as in pynnlite.random
    assert set(np.unique(d).tolist()) == {1.0, 2.0, 3.0}
    # NEST's lognormal and exponential take the same parameters as pynnlite's
    wl = np.array(lognormal.get("weight", format="list"))[:, 2]
    assert stats.kstest(wl, stats.lognorm(s=0.5, scale=np.exp(-2.0)).cdf).pvalue > 1e-3
    we = np.array(expo.get("weight", format="list"))[:, 2]
    assert stats.kstest(we, stats.expon(scale=0.05).cdf).pvalue > 1e-3
    wc = np.array(clipped.get("weight", format="list"))[:, 2]
    assert wc.min() >= 0.05 and wc.max() <= 0.2
    truncated = stats.truncnorm((0.05 - 0.1) / 0.1, (0.2 - 0.1) / 0.1, loc=0.1, scale=0.1)
    assert stats.kstest(wc, truncated.cdf).pvalue > 1e-3


def test_inhibitory_conductance_sign_and_units(nest_sim):
    pre = sim.Population(20, sim.IF_cond_exp())
    post = sim.Population(20, sim.IF_cond_exp())
    prj = sim.Projection(pre, post, sim.AllToAllConnector(native=True),
                         sim.StaticSynapse(weight=RandomDistribution("uniform", (0.01, 0.02)),
                                           delay=0.3), receptor_type="inhibitory")
    sim.run(0.1)
    w = np.array(prj.get("weight", format="list"))[:, 2]
    assert w.min() >= 0.01 and w.max() < 0.02     # uS, positive as in PyNN
    nest = sim.get_simulation()._backend.nest
    conns = nest.GetConnections(synapse_model="pynnlite_native_0")
    nest_w = np.sort(np.asarray(conns.get("weight")))
    # NEST: nS, negative for inhibition; the same values as read through the API
    np.testing.assert_allclose(np.sort(-w * 1000.0), nest_w, rtol=1e-12)
    np.testing.assert_allclose(prj.get("delay", format="list")[0][2], 0.3, rtol=1e-12)


# ---------------------------------------------------- the Projection after build

def test_size_get_set_save_and_reset_after_build(nest_sim, tmp_path):
    pre, post = _cells(10), _cells(8)
    prj = sim.Projection(pre, post, sim.FixedNumberPreConnector(3, native=True),
                         sim.StaticSynapse(weight=0.1, delay=0.5))
    assert "drawn by the backend" in repr(prj)
    assert prj.size() == 24         # a fixed in-degree fixes the count before the draw
    with pytest.raises(SimulationStateError):
        prj.get("weight", format="list")
    sim.run(1.0)
    assert prj.size() == len(prj) == 24
    arr = prj.get("weight", format="array")
    assert arr.shape == (10, 8)
    np.testing.assert_array_equal((~np.isnan(arr)).sum(axis=0), 3)
    new = np.linspace(0.05, 0.5, 24)
    # NEST fixed its delay range at build (0.1 to 0.5 ms here)
    prj.set(weight=new, delay=0.3)
    np.testing.assert_allclose(np.array(prj.get("weight", format="list"))[:, 2], new, rtol=1e-12)
    np.testing.assert_allclose(np.array(prj.get("delay", format="list"))[:, 2], 0.3, rtol=1e-12)
    path = tmp_path / "w.txt"
    prj.save("weight", str(path))
    table = np.loadtxt(path)
    assert table.shape == (24, 3)
    np.testing.assert_allclose(table[:, 2], new, rtol=1e-12)
    sim.reset()
    sim.run(1.0)
    # values set by the user hold again after reset, as on every backend
    np.testing.assert_allclose(np.array(prj.get("weight", format="list"))[:, 2], new, rtol=1e-12)


def test_native_connections_carry_spikes_as_frontend_ones_do():
    def spikes(native):
        sim.setup(timestep=0.1, backend="nest", seed=5)
        src = sim.Population(4, sim.SpikeSourceArray(spike_times=[[5.0], [10.0], [15.0], [20.0]]))
        cells = _cells(4, tau_refrac=2.0)
        sim.Projection(src, cells[::-1], sim.OneToOneConnector(native=native),
                       sim.StaticSynapse(weight=5.0, delay=1.0))
        cells.record("spikes")
        sim.run(40.0)
        out = [np.asarray(st).tolist() for st in cells.get_data().segments[0].spiketrains]
        sim.end()
        return out
    native = spikes(True)
    # one_to_one is deterministic: the same network, so the same spikes
    assert native == spikes(False)
    # cell k gets source 3 - k (reversed view): one spike after each arrival
    for k, train in enumerate(native):
        assert len(train) == 1 and train[0] > 5.0 * (4 - k) + 1.0


def test_memory_check_does_not_block_a_native_projection(nest_sim):
    big = sim.Population(10 ** 6, sim.IF_curr_exp())
    # 1e12 connections: refused when the frontend would generate them ...
    with pytest.raises(MemoryError, match="1000000000000 connections"):
        sim.Projection(big, big, sim.AllToAllConnector(), sim.StaticSynapse(weight=0.1))
    # ... but a native rule generates nothing here (never built in this test)
    prj = sim.Projection(big, big, sim.AllToAllConnector(native=True),
                         sim.StaticSynapse(weight=0.1))
    assert prj._native["rule"] == "all_to_all"


def test_same_seed_same_draw_other_seed_other_draw():
    def draw(seed):
        sim.setup(timestep=0.1, backend="nest", seed=seed)
        a, b = _cells(40), _cells(40)
        weight = RandomDistribution("normal_clipped_to_boundary", (0.2, 0.1, 0.0, 0.4))
        prj = sim.Projection(a, b, sim.FixedProbabilityConnector(0.2, native=True),
                             sim.StaticSynapse(weight=weight))
        sim.run(0.1)
        out = np.array(prj.get("weight", format="list"))
        sim.end()
        return out
    first, again, other = draw(11), draw(11), draw(12)
    np.testing.assert_array_equal(first, again)
    assert first.shape != other.shape or not np.array_equal(first, other)
    assert first[:, 2].min() >= 0.0 and first[:, 2].max() <= 0.4


def test_spec_carries_the_rule_without_arrays():
    sim.setup(timestep=0.1, backend="nest", round_delays=True)
    a, b = _cells(5), _cells(6)
    sim.Projection(a, b[1:4], sim.FixedNumberPreConnector(2, native=True),
                   sim.StaticSynapse(weight=0.1, delay=RandomDistribution("uniform", (0.5, 1.5))))
    spec = sim.get_simulation().network_spec().projections[0]
    assert spec.size == 0 and len(spec.weights) == 0
    rule = spec.native_rule
    assert rule["rule"] == "fixed_indegree" and rule["indegree"] == 2
    assert rule["allow_autapses"] is True and rule["allow_multapses"] is False
    assert rule["pre_cells"] is None and rule["post_cells"].tolist() == [1, 2, 3]
    assert rule["weight"] == 0.1
    assert rule["delay"] == {"distribution": "uniform", "parameters": {"low": 0.5, "high": 1.5}}
    assert rule["delay_range"] == (0.5, 1.5)
    sim.run(0.1)
    # NEST's max_delay covers the rule's range; the drawn delays lie on the grid
    assert sim.get_simulation()._backend.nest.GetKernelStatus("max_delay") >= 1.5
    d = np.array(sim.get_simulation().projections[0].get("delay", format="list"))[:, 2]
    assert d.min() >= 0.5 and d.max() <= 1.5
    np.testing.assert_allclose(d * 10, np.round(d * 10), atol=1e-9)
    sim.end()


# ------------------------------------------------------------------ errors

@pytest.mark.parametrize("weight,match", [
    (RandomDistribution("gamma", (2.0, 0.05)), "nest.random has no gamma"),
    (RandomDistribution("vonmises", (0.0, 1.0)), "nest.random has no vonmises"),
    (np.full(20, 0.1), "a number or a RandomDistribution"),
])
def test_weights_nest_cannot_draw_are_refused(nest_sim, weight, match):
    a, b = _cells(4), _cells(5)
    with pytest.raises(InvalidParameterValueError, match=match):
        sim.Projection(a, b, sim.AllToAllConnector(native=True), sim.StaticSynapse(weight=weight))


def test_rules_and_values_nest_cannot_build_are_refused(nest_sim):
    a, b = _cells(4), _cells(5)
    with pytest.raises(ConnectionError, match="fixed_total_number rule cannot avoid multapses"):
        sim.Projection(a, b, sim.FixedTotalNumberConnector(5, with_replacement=False, native=True))
    with pytest.raises(InvalidParameterValueError, match="bounded distribution"):
        sim.Projection(a, b, sim.AllToAllConnector(native=True), sim.StaticSynapse(
            weight=0.1, delay=RandomDistribution("normal", (1.0, 0.2))))
    with pytest.raises(InvalidParameterValueError, match="round_delays=True"):
        sim.Projection(a, b, sim.AllToAllConnector(native=True), sim.StaticSynapse(
            weight=0.1, delay=RandomDistribution("uniform", (0.5, 1.5))))
    with pytest.raises(InvalidWeightError, match="'inhibitory' receptor"):
        sim.Projection(a, b, sim.AllToAllConnector(native=True), sim.StaticSynapse(
            weight=RandomDistribution("normal", (-0.1, 0.01))), receptor_type="inhibitory")
    with pytest.raises(ConnectionError, match="within one Population"):
        sim.Projection(a + b, b, sim.FixedNumberPreConnector(2, native=True))
    with pytest.raises(ConnectionError, match="StaticSynapse or STDPMechanism, not "
                                              "TsodyksMarkramSynapse.*native=False"):
        sim.Projection(a, b, sim.AllToAllConnector(native=True), sim.TsodyksMarkramSynapse(
            weight=0.1))


def test_one_to_one_with_drawn_weights(nest_sim):
    a, b = _cells(6), _cells(6)
    weight = RandomDistribution("uniform", (0.1, 0.2))
    prj = sim.Projection(a[[1, 3, 5]], b[[0, 2, 4]], sim.OneToOneConnector(native=True),
                         sim.StaticSynapse(weight=weight))
    # NEST pairs sorted node collections: a view in another order cannot draw natively
    with pytest.raises(ConnectionError, match="one_to_one rule pairs cells in the order"):
        sim.Projection(a[[1, 3, 5]], b[[4, 2, 0]], sim.OneToOneConnector(native=True),
                       sim.StaticSynapse(weight=weight))
    sim.run(0.1)
    i, j, w = _pairs(prj)
    assert sorted(zip(i.tolist(), j.tolist())) == [(0, 0), (1, 1), (2, 2)]
    assert w.min() >= 0.1 and w.max() < 0.2 and len(np.unique(w)) == 3


def test_connector_arguments_native_rules_lack():
    with pytest.raises(InvalidParameterValueError, match="NoMutual"):
        sim.FixedProbabilityConnector(0.1, allow_self_connections="NoMutual", native=True)
    with pytest.raises(InvalidParameterValueError, match="an integer with native=True"):
        sim.FixedNumberPreConnector(RandomDistribution("uniform_int", (1, 5)), native=True)
    with pytest.raises(InvalidParameterValueError, match="native"):
        sim.OneToOneConnector(native="yes")
