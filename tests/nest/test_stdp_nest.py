"""Check 7 with NEST: the spike-pairing protocol of tests/engine/stdp_protocol.py
(10 rules x 3 delays x 4 pairs = 120 combinations, coincident spikes) run
through the adapter on NEST's stdp_synapse / stdp_pl_synapse_hom, and NEST
natively (spike_generator -> parrot_neuron pairs, weight_recorder), both
against the independent reference; Tsodyks-Markram PSC amplitudes vs NEST's
tsodyks_synapse; the adapter's reset, errors and weight recording.

Tolerance rtol 1e-7 (the check's figure for NEST): NEST works in pA, so every
weight passes through a factor 1000 and back, and it computes time
differences from its own tic-based times; both move results by ~1e-15
relative, while a wrong pairing moves them by > 1e-4.
"""
import os
import sys

import numpy as np
import pytest

import pynnlite as sim
from pynnlite.errors import InvalidParameterValueError, NoModelAvailableError

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "engine"))
import stdp_protocol as proto  # noqa: E402
from stdp_reference import weights_after_pre_spikes  # noqa: E402

RTOL = 1e-7


@pytest.fixture(scope="module")
def lag():
    return proto.trigger_lag("nest")


@pytest.mark.parametrize("delay", proto.DELAYS)
def test_adapter_matches_reference(delay, lag):
    sim.setup(timestep=proto.DT, backend="nest")
    projections, post, pres, w0 = proto.build(seed=11, delay=delay, lag=lag)
    sim.run(proto.T_STOP)
    n = 0
    for label, wd, a_plus, a_minus, tp, tm in proto.RULES:
        rule = proto.reference_rule(label, a_plus, a_minus, tp, tm, wd())
        post_trains = proto.post_trains(post, label)
        for pair in range(proto.N_PAIRS):
            expected = weights_after_pre_spikes(list(pres[pair]), list(post_trains[pair]), delay,
                                                rule, w0[label][pair])
            got = proto.weights_at_pre_spikes(projections[label], pair, pres[pair])
            np.testing.assert_allclose(got, expected, rtol=RTOL, atol=0,
                                       err_msg=f"{label}, delay {delay}, pair {pair}")
            n += 1
    assert n == 40
    sim.end()


def _native_weights(pre_times, post_times, delay, model, params, w0_pA):
    """NEST alone: parrots re-emit the given trains; the weight_recorder logs the
    weight sent with every presynaptic spike."""
    import nest
    nest.ResetKernel()
    nest.set(resolution=proto.DT, min_delay=proto.DT, max_delay=max(delay, proto.DT) + proto.DT)
    gen_pre = nest.Create("spike_generator", params={"spike_times": list(pre_times)})
    gen_post = nest.Create("spike_generator", params={"spike_times": list(post_times)})
    p_pre, p_post = nest.Create("parrot_neuron", 2)
    nest.Connect(gen_pre, p_pre, syn_spec={"delay": proto.DT})
    # post spikes arrive at the parrot one step after the generator's times
    nest.Connect(gen_post, p_post, syn_spec={"delay": proto.DT})
    p_post.set(tau_minus=params.pop("tau_minus"))
    wr = nest.Create("weight_recorder")
    nest.CopyModel(model, "native_stdp", {"weight_recorder": wr, **params})
    # port 1: the parrot does not re-emit the plastic input
    nest.Connect(p_pre, p_post, syn_spec={"synapse_model": "native_stdp", "weight": w0_pA,
                                          "delay": delay, "receptor_type": 1})
    nest.Simulate(proto.T_STOP + 10.0)
    ev = wr.get("events")
    return np.asarray(ev["times"]), np.asarray(ev["weights"]) / 1000.0


@pytest.mark.parametrize("delay", (0.1, 1.5))
def test_native_nest_matches_reference(delay):
    """NEST's own stdp_synapse / stdp_pl_synapse_hom on the protocol's trains:
    the weight after every presynaptic spike equals the reference's. The
    parrots shift both trains by one step, which the reference is given."""
    rng = np.random.default_rng(21)
    n = 0
    for label, wd, a_plus, a_minus, tp, tm in proto.RULES:
        dep = wd()
        rule = proto.reference_rule(label, a_plus, a_minus, tp, tm, dep)
        for pair in range(2):
            post = proto.grid(np.cumsum(rng.exponential(20.0, 25)))
            post = post[post < proto.T_STOP - 20]
            chosen = rng.choice(post, 5, replace=False)
            pre = proto.grid(np.concatenate([np.cumsum(rng.exponential(30.0, 15)),
                                             chosen + delay, chosen + delay + proto.DT]))
            pre = pre[pre < proto.T_STOP - 20]
            w0 = 0.03
            if rule["kind"] == "power_law":
                model = "stdp_pl_synapse_hom"
                params = {"tau_plus": tp, "lambda": a_plus, "alpha": a_minus / a_plus,
                          "mu": dep.mu, "tau_minus": tm}
            else:
                model = "stdp_synapse"
                params = {"tau_plus": tp, "lambda": a_plus, "alpha": a_minus / a_plus,
                          "mu_plus": rule["mu_plus"], "mu_minus": rule["mu_minus"],
                          "Wmax": dep.w_max * 1000.0, "tau_minus": tm}
            times, weights = _native_weights(pre, post, delay, model, params, w0 * 1000.0)
            shifted_pre, shifted_post = pre + proto.DT, post + proto.DT
            np.testing.assert_allclose(times, shifted_pre, rtol=0, atol=1e-9)
            expected = weights_after_pre_spikes(list(shifted_pre), list(shifted_post), delay,
                                                rule, w0)
            np.testing.assert_allclose(weights, expected, rtol=RTOL, atol=0, err_msg=label)
            n += 1
    assert n == 20


def test_tsodyks_amplitudes_match_nest():
    """The same network on both backends: the postsynaptic current of a cell
    driven through a TsodyksMarkramSynapse agrees sample for sample."""
    traces = {}
    times = proto.grid(np.cumsum(np.random.default_rng(8).exponential(12.0, 30)))
    for backend in ("numba", "nest"):
        sim.setup(timestep=0.1, backend=backend)
        src = sim.Population(1, sim.SpikeSourceArray(spike_times=times[times < 290]))
        cell = sim.Population(1, sim.IF_curr_exp(tau_syn_E=3.0, cm=100.0))
        cell.record(["v", "isyn_exc"])
        sim.Projection(src, cell, sim.OneToOneConnector(),
                       sim.TsodyksMarkramSynapse(U=0.1, tau_rec=200.0, tau_facil=500.0,
                                                 weight=2.0, delay=1.0))
        sim.run(300.0)
        seg = cell.get_data().segments[0]
        traces[backend] = {s.name: s.magnitude[:, 0] for s in seg.analogsignals}
        sim.end()
    n = len(traces["nest"]["isyn_exc"])          # NEST returns the last sample of a run later
    # currents of the two backends agree to rounding (pA <-> nA, NEST's own ops order)
    np.testing.assert_allclose(traces["numba"]["isyn_exc"][:n], traces["nest"]["isyn_exc"],
                               rtol=1e-9, atol=1e-12)
    assert traces["nest"]["isyn_exc"].max() > 0.1


def test_reset_restores_weights_and_repeats_segment(lag):
    sim.setup(timestep=proto.DT, backend="nest")
    projections, post, pres, w0 = proto.build(seed=3, delay=1.0, lag=lag, rules=proto.RULES[2:4])
    sim.run(200.0)
    first = {k: p.get_weight_history().magnitude for k, p in projections.items()}
    for k, prj in projections.items():
        assert not np.array_equal(prj.get("weight", format="array").diagonal(), w0[k])
    sim.reset()
    for k, prj in projections.items():
        assert np.array_equal(prj.get("weight", format="array").diagonal(), w0[k])
    sim.run(200.0)
    for k, prj in projections.items():
        # traces, histories and Kplus start afresh: the second segment repeats the first
        np.testing.assert_allclose(prj.get_weight_history().magnitude, first[k], rtol=1e-12)
    sim.end()


def test_nest_refusals():
    sim.setup(timestep=0.1, backend="nest")
    src = sim.Population(2, sim.SpikeSourceArray(spike_times=[[1.0]] * 2))
    cells = sim.Population(2, sim.IF_curr_exp())
    sim.Projection(src, cells, sim.AllToAllConnector(), sim.STDPMechanism(
        sim.SpikePairRule(), sim.AdditiveWeightDependence(w_min=0.01, w_max=0.1), weight=0.05))
    with pytest.raises(InvalidParameterValueError, match="w_min.*0.01.*NEST"):
        sim.run(1.0)
    sim.end()
    sim.setup(timestep=0.1, backend="nest")
    src = sim.Population(2, sim.SpikeSourceArray(spike_times=[[1.0]] * 2))
    cells = sim.Population(2, sim.IF_curr_exp())
    for tau_minus, label in ((20.0, "A"), (30.0, "B")):
        sim.Projection(src, cells, sim.AllToAllConnector(), sim.STDPMechanism(
            sim.SpikePairRule(tau_minus=tau_minus), sim.AdditiveWeightDependence(w_max=0.1),
            weight=0.05), label=label)
    with pytest.raises(NoModelAvailableError, match=r"'A' \(tau_minus=20.0\).*'B' \(tau_minus=30.0\)"):
        sim.run(1.0)
    sim.end()
