"""Same seed, same network and spikes; different seed, different realisation
(CHECKS.md 16-19). Connectivity is generated in the frontend, so its identity
across thread counts and backends holds by construction; these tests make
sure nothing (a default rng, a thread-dependent path) breaks that."""
import numpy as np
import pytest

import pynnlite as sim
from pynnlite.random import RandomDistribution


def _network(seed, threads):
    sim.setup(timestep=0.1, seed=seed, threads=threads)
    exc = sim.Population(80, sim.IF_curr_exp(v_rest=-49.0, v_reset=-60.0, v_thresh=-50.0,
                                             tau_refrac=5.0, cm=0.2))
    inh = sim.Population(20, sim.IF_curr_exp(v_rest=-49.0, v_reset=-60.0, v_thresh=-50.0,
                                             tau_refrac=5.0, cm=0.2))
    exc.initialize(v=RandomDistribution("uniform", low=-60.0, high=-50.0))
    inh.initialize(v=RandomDistribution("uniform", low=-60.0, high=-50.0))
    noise = sim.Population(10, sim.SpikeSourcePoisson(rate=200.0))
    prjs = [
        sim.Projection(exc, exc + inh, sim.FixedProbabilityConnector(0.1),
                       sim.StaticSynapse(weight=RandomDistribution("normal", mu=0.02, sigma=0.002),
                                         delay=0.5)),
        sim.Projection(inh, exc + inh, sim.FixedNumberPreConnector(5),
                       sim.StaticSynapse(weight=-0.08, delay=0.5), receptor_type="inhibitory"),
        sim.Projection(noise, exc, sim.FixedNumberPostConnector(8), sim.StaticSynapse(weight=0.05)),
    ]
    exc.record(["spikes", "v"])
    return exc, prjs


def _connections(prjs):
    return [np.array(p.get(["weight", "delay"], format="list")) for p in prjs]


def _spikes(pop):
    seg = pop.get_data().segments[-1]
    return [np.asarray(st.magnitude) for st in seg.spiketrains], seg.filter(name="v")[0].magnitude


@pytest.mark.parametrize("threads", [2, 4])
def test_connection_lists_identical_for_any_thread_count(threads):
    _, prjs = _network(5, 1)
    reference = _connections(prjs)
    _, prjs = _network(5, threads)
    for a, b in zip(reference, _connections(prjs)):
        assert np.array_equal(a, b)
    sim.end()


def test_reruns_and_split_runs_are_bit_identical():
    pop, _ = _network(9, 1)
    sim.run(200.0)
    ref_spikes, ref_v = _spikes(pop)
    assert sum(len(s) for s in ref_spikes) > 50
    for chunks in ([200.0], [20.0] * 10, [0.1, 37.3, 100.0, 62.6]):
        pop, _ = _network(9, 1)
        for c in chunks:
            sim.run(c)
        spikes, v = _spikes(pop)
        assert all(np.array_equal(a, b) for a, b in zip(ref_spikes, spikes)), chunks
        assert np.array_equal(ref_v, v), chunks
    sim.end()


def test_different_seeds_give_different_realisations():
    pop, prjs = _network(1, 1)
    sim.run(100.0)
    conns_a, (spikes_a, _) = _connections(prjs), _spikes(pop)
    pop, prjs = _network(2, 1)
    sim.run(100.0)
    conns_b, (spikes_b, _) = _connections(prjs), _spikes(pop)
    assert not all(a.shape == b.shape and np.array_equal(a, b) for a, b in zip(conns_a, conns_b))
    assert not all(np.array_equal(a, b) for a, b in zip(spikes_a, spikes_b))
    sim.end()
