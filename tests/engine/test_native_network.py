"""Native connection rules in a running network on the numba engine: the
draw is the same over builds and thread counts, the built tables hold exactly
the connections get_connections reports, a network drawn natively and the
same network given as a FromListConnector of those connections give
bit-identical spikes and STDP weights, and get/set, record_weights and save
work on native projections."""
import numpy as np
import pytest

import pynnlite as sim
from native_network import (JE, JI, connection_lists, excitatory_and_inhibitory,
                            indegree_projections, power_law_stdp, recorded_spikes, values)
from pynnlite.errors import SimulationStateError

T_MS = 200.0
N_E, N_I, K_E, K_I = 240, 60, 60, 15


def _network(threads=1, conns=None, native=True):
    """A small HPC-like network: E->E STDP, the rest static, each by fixed
    in-degree (native) or from the given lists; a PoissonGenerator drive."""
    sim.setup(timestep=0.1, min_delay=0.5, max_delay=2.0, seed=5, threads=threads)
    E, I, _ = excitatory_and_inhibitory(N_E, N_I)
    drive = sim.Population(1, sim.PoissonGenerator(rate=11000.0), label="drive")
    for target in (E, I):
        sim.Projection(drive, target, sim.AllToAllConnector(),
                       sim.StaticSynapse(weight=0.08, delay=0.5))
    delays = sim.RandomDistribution("uniform_int", (1, 3))
    plan = [(E, E, K_E, power_law_stdp, "excitatory"),
            (I, E, K_I, lambda: sim.StaticSynapse(weight=JI, delay=delays), "inhibitory"),
            (E, I, K_E, lambda: sim.StaticSynapse(
                weight=sim.RandomDistribution("uniform", (0.03, 0.09)), delay=1.0), "excitatory"),
            (I, I, K_I, lambda: sim.StaticSynapse(weight=JI, delay=0.5), "inhibitory")]
    projections = indegree_projections(plan, conns, native)
    E.record("spikes")
    I.record("spikes")
    return (E, I), projections


def _tables():
    """Copies of the engine's synapse arrays (static CSR and STDP store), after
    building the network."""
    sim.get_simulation().build()
    eng = sim.get_simulation()._backend.engine
    syn, st = eng.synapses, eng.plastic.stdp
    return [a.copy() for a in (syn.row_ptr, syn.col, syn.weight, syn.delay, st.row_ptr, st.post,
                               st.w, st.tpos, st.trow_ptr)]


@pytest.fixture(scope="module")
def native_run():
    """The native network, built and run on one thread."""
    pops, projections = _network()
    before = _tables()
    # the connections and initial values, as get() reports them before any plasticity
    initial = connection_lists(projections)
    sim.run(T_MS)
    result = dict(initial=initial, tables=before, spikes=recorded_spikes(pops),
                  weights=values(projections[0], "weight"))
    sim.end()
    return result


def test_draw_follows_the_rule(native_run):
    for conns, (n_post, k) in zip(native_run["initial"],
                                  [(N_E, K_E), (N_E, K_I), (N_I, K_E), (N_I, K_I)]):
        post = conns[:, 1].astype(int)
        np.testing.assert_array_equal(post, np.repeat(np.arange(n_post), k))
    ee, ie, ei, ii = native_run["initial"]
    assert not (ee[:, 0] == ee[:, 1]).any() and not (ii[:, 0] == ii[:, 1]).any()
    assert set(np.unique(ie[:, 3])) == {1.0, 2.0}          # uniform_int (1, 3) ms
    assert 0.03 <= ei[:, 2].min() and ei[:, 2].max() < 0.09 and len(np.unique(ei[:, 2])) > 100
    n_spikes = len(native_run["spikes"][1]) + len(native_run["spikes"][3])
    assert n_spikes > 2000         # the network is active: the comparisons below mean something
    # STDP changed the weights (so equal weights below cover plasticity)
    assert np.abs(native_run["weights"] - JE).max() > 1e-4


@pytest.mark.parametrize("threads", [1, 2, 3])
def test_same_draw_and_run_over_builds_and_threads(native_run, threads):
    pops, projections = _network(threads)
    sim.get_simulation().build()
    conns = connection_lists(projections)
    sim.run(T_MS)
    spikes = recorded_spikes(pops)
    weights = values(projections[0], "weight")
    sim.end()
    for a, b in zip(native_run["initial"], conns):
        np.testing.assert_array_equal(a, b)
    for a, b in zip(native_run["spikes"], spikes):
        np.testing.assert_array_equal(a, b)
    np.testing.assert_array_equal(native_run["weights"], weights)


def test_from_list_of_the_drawn_connections_is_bit_identical(native_run):
    """The tables built from the draw equal those built from its list, and the
    runs give the same spikes and STDP weights, bit for bit."""
    conns = [c[:, :2] for c in native_run["initial"]]
    lists = [np.column_stack([c[:, :2], c[:, 2], c[:, 3]]) for c in native_run["initial"]]
    assert all(len(c) for c in conns)
    pops, projections = _network(conns=lists)
    tables = _tables()
    sim.run(T_MS)
    spikes = recorded_spikes(pops)
    weights = values(projections[0], "weight")
    sim.end()
    for a, b in zip(native_run["tables"], tables):
        assert a.dtype == b.dtype
        np.testing.assert_array_equal(a, b)
    for a, b in zip(native_run["spikes"], spikes):
        np.testing.assert_array_equal(a, b)
    np.testing.assert_array_equal(native_run["weights"], weights)


def test_get_set_record_weights_and_save(tmp_path):
    _, projections = _network()
    ee, ie = projections[0], projections[1]
    with pytest.raises(SimulationStateError, match="exist after the first run"):
        ie.get("weight")
    assert ee.size() == N_E * K_E             # known before the build: the rule fixes it
    ee.record_weights(sampling_interval=10.0, indices=[0, 5, 17])
    sim.run(50.0)
    # get: order of the draw (by target, then k), the connections of get_connections
    i, j, w, d = np.array(ee.get(["weight", "delay"], format="list")).T
    np.testing.assert_array_equal(j, np.repeat(np.arange(N_E), K_E))
    assert np.all(d == 1.0)
    # record_weights: the recorded columns are the connections asked for
    history = ee.get_weight_history()
    assert history.shape == (6, 3)            # t = 0, 10, ..., 50 ms
    np.testing.assert_array_equal(np.asarray(history.magnitude)[-1], w[[0, 5, 17]])
    # set: weights and delays of a static native projection, read back in the same order
    new_w = np.linspace(-0.5, -0.1, ie.size())
    ie.set(weight=new_w, delay=2.0)
    np.testing.assert_array_equal(values(ie, "weight"), new_w)
    assert np.all(values(ie, "delay") == 2.0)
    # set on the STDP projection: weights, and a parameter of the rule
    ee.set(weight=0.07)
    assert np.all(values(ee, "weight") == 0.07)
    ee.set(tau_plus=20.0)
    assert np.all(values(ee, "tau_plus") == 20.0)
    sim.run(10.0)
    # save: the connections and values, atomically written
    path = tmp_path / "ie.txt"
    ie.save(["weight", "delay"], str(path))
    saved = np.loadtxt(path)
    np.testing.assert_array_equal(saved[:, 1], np.repeat(np.arange(N_E), K_I))
    np.testing.assert_allclose(saved[:, 2], new_w, rtol=1e-15)     # text round trip of floats
    sim.end()


def test_reset_restores_drawn_values_and_user_set_ones():
    pops, projections = _network()
    ee, ei = projections[0], projections[2]
    sim.run(30.0)
    first = recorded_spikes(pops)
    drawn = values(ei, "weight")
    assert np.abs(values(ee, "weight") - JE).max() > 0     # STDP moved the weights
    sim.reset()
    sim.run(30.0)
    again = recorded_spikes(pops)
    assert len(first[1]) > 0
    for a, b in zip(first, again):      # the drawn network again, from its initial values
        np.testing.assert_array_equal(a, b)
    ee.set(weight=0.05)
    sim.reset()                         # values set by the user are re-applied after reset
    assert np.all(values(ee, "weight") == 0.05)
    np.testing.assert_array_equal(drawn, values(ei, "weight"))
    sim.end()


def _drive_and_parrots(native):
    """A PoissonGenerator driving cells, and spike sources relayed by parrots,
    with native rules (or the frontend's lists of the same connections)."""
    sim.setup(timestep=0.1, min_delay=0.2, seed=9)
    drive = sim.Population(2, sim.PoissonGenerator(rate=[8000.0, 3000.0]), label="drive")
    cells = sim.Population(30, sim.IF_curr_exp(), label="cells")
    src = sim.Population(10, sim.SpikeSourcePoisson(rate=50.0), label="src")
    parrots = sim.Population(20, sim.ParrotNeuron(), label="parrots")
    weight = sim.RandomDistribution("uniform", (0.1, 0.3))
    rules = [(drive, cells, sim.FixedNumberPreConnector(2, native=True), 0.2),
             (src, parrots, sim.FixedNumberPreConnector(3, native=True), 0.4),
             (parrots, cells, sim.FixedProbabilityConnector(0.3, native=True), weight)]
    projections = []
    for k, (pre, post, connector, w) in enumerate(rules):
        if native is not True:
            connector = sim.FromListConnector(native[k], column_names=["weight", "delay"])
        projections.append(sim.Projection(pre, post, connector,
                                          sim.StaticSynapse(weight=w, delay=0.5)))
    cells.record("spikes")
    parrots.record("spikes")
    sim.run(100.0)
    out = dict(spikes=recorded_spikes((cells, parrots)), lists=connection_lists(projections))
    sim.end()
    return out


def test_native_drive_and_parrot_inputs_equal_their_lists():
    native = _drive_and_parrots(True)
    # onto parrots the weights are reported as given (the engine delivers 1)
    assert np.all(native["lists"][1][:, 2] == 0.4)
    assert 0.1 <= native["lists"][2][:, 2].min() and native["lists"][2][:, 2].max() < 0.3
    assert len(native["spikes"][1]) > 50 and len(native["spikes"][3]) > 50
    listed = _drive_and_parrots([c[:, :4] for c in native["lists"]])
    for a, b in zip(native["lists"], listed["lists"]):
        np.testing.assert_array_equal(a, b)
    for a, b in zip(native["spikes"], listed["spikes"]):
        np.testing.assert_array_equal(a, b)
