"""STDP projections drawn natively by NEST (connector(native=True) with an
STDPMechanism): NEST draws the connections into the projection's own copy of
stdp_synapse / stdp_pl_synapse_hom; the network then runs as the same
connections given as a FromListConnector do, and get/set (weights and rule
parameters), record_weights and reset work on it as on a frontend projection."""
import numpy as np
import pytest

import pynnlite as sim
from native_network import (JE, JI, connection_lists, excitatory_and_inhibitory,
                            indegree_projections, power_law_stdp, recorded_spikes, values)

pytest.importorskip("nest")

T_MS = 200.0
N_E, N_I, K_E, K_I = 160, 40, 40, 10


def _multiplicative():
    return sim.STDPMechanism(
        sim.SpikePairRule(tau_plus=20.0, tau_minus=20.0, A_plus=0.01, A_minus=0.012),
        sim.MultiplicativeWeightDependence(w_min=0.0, w_max=0.2),
        weight=sim.RandomDistribution("uniform", (0.03, 0.09)), delay=0.5)


def _network(conns=None):
    """E->E power-law STDP, E->I multiplicative STDP with drawn weights, the
    rest static; every projection a fixed in-degree drawn by NEST, or the
    given lists."""
    sim.setup(timestep=0.1, min_delay=0.5, max_delay=2.0, backend="nest", seed=5)
    E, I, rng = excitatory_and_inhibitory(N_E, N_I)
    drive = sim.Population(20, sim.SpikeSourceArray(
        spike_times=[np.sort(rng.uniform(0.5, T_MS, 400)).round(1) for _ in range(20)]))
    for target in (E, I):
        sim.Projection(drive, target, sim.AllToAllConnector(),
                       sim.StaticSynapse(weight=0.12, delay=0.5))
    plan = [(E, E, K_E, power_law_stdp, "excitatory"),
            (I, E, K_I, lambda: sim.StaticSynapse(weight=JI, delay=1.5), "inhibitory"),
            (E, I, K_E, _multiplicative, "excitatory"),
            (I, I, K_I, lambda: sim.StaticSynapse(weight=JI, delay=0.5), "inhibitory")]
    projections = indegree_projections(plan, conns)
    E.record("spikes")
    I.record("spikes")
    return (E, I), projections


RECORDED = [0, 5, 17, 301]


def _run(conns=None):
    """Build (drawn, or from ``conns``), run, and return what it did."""
    pops, projections = _network(conns)
    projections[0].record_weights(sampling_interval=10.0, indices=RECORDED)
    sim.get_simulation().build()
    initial = connection_lists(projections)          # no spike has moved a weight yet
    sim.run(T_MS)
    result = dict(initial=initial, spikes=recorded_spikes(pops),
                  weights=[values(projections[k], "weight") for k in (0, 2)],
                  history=np.asarray(projections[0].get_weight_history().magnitude))
    sim.end()
    return result


@pytest.fixture(scope="module")
def native_run():
    return _run()


def test_nest_draws_the_stdp_projections_by_their_rule(native_run):
    ee, ie, ei, ii = native_run["initial"]
    for conns, n_post, k in ((ee, N_E, K_E), (ei, N_I, K_E)):
        assert len(conns) == n_post * k
        np.testing.assert_array_equal(np.bincount(conns[:, 1].astype(int), minlength=n_post), k)
    assert not np.any(ee[:, 0] == ee[:, 1])                  # no autapses
    assert np.all(ee[:, 2] == JE) and np.all(ee[:, 3] == 1.0)
    assert 0.03 <= ei[:, 2].min() and ei[:, 2].max() <= 0.09 and np.std(ei[:, 2]) > 0.01
    assert np.all(ei[:, 3] == 0.5)


def test_the_drawn_network_runs_as_its_list(native_run):
    """The same connections from a FromListConnector: the same spikes, the
    same STDP weights and the same recorded weight histories (NEST orders each
    target's connections by source either way)."""
    assert len(native_run["spikes"][1]) > 100
    listed = _run(conns=native_run["initial"])
    for a, b in zip(native_run["spikes"], listed["spikes"]):
        np.testing.assert_array_equal(a, b)
    for a, b, initial in zip(native_run["weights"], listed["weights"],
                             native_run["initial"][0::2]):
        np.testing.assert_allclose(a, b, rtol=1e-12)
        assert np.abs(a - initial[:, 2]).max() > 1e-4               # STDP moved them
    history = native_run["history"]
    assert history.shape == listed["history"].shape and history.shape[1] == len(RECORDED)
    np.testing.assert_allclose(history, listed["history"], rtol=1e-12)
    np.testing.assert_array_equal(history[0], JE)
    assert np.abs(history[-1] - JE).max() > 1e-4


def test_get_set_and_reset():
    _, projections = _network()
    ee, ei = projections[0], projections[2]
    assert ee.size() == N_E * K_E                     # the rule fixes it before the build
    sim.get_simulation().build()
    drawn_ei = values(ei, "weight")
    sim.run(100.0)
    assert np.abs(values(ee, "weight") - JE).max() > 1e-4
    # the rule's parameters, one value for the projection, read and written
    assert np.all(values(ee, "tau_plus") == 15.0)
    ee.set(tau_plus=20.0)
    ei.set(A_plus=0.02)
    assert np.all(values(ee, "tau_plus") == 20.0) and np.all(values(ei, "A_plus") == 0.02)
    ei.set(weight=0.05)
    assert np.all(values(ei, "weight") == 0.05)
    sim.run(10.0)
    sim.reset()
    # back to the weights NEST drew, but the ones the user set hold again
    np.testing.assert_array_equal(values(ee, "weight"), JE)
    np.testing.assert_array_equal(values(ei, "weight"), 0.05)
    assert not np.array_equal(drawn_ei, 0.05)
    sim.run(10.0)
    sim.end()

