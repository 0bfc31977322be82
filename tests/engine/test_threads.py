"""Check 18: with the same seed, 1, 2, 3 and 4 threads give bit-identical
spikes, membrane traces and plastic weights on the numba engine, also when a
run is split and after reset().

The network has every path the threads split (partition.py): splittable
blocks with one and with per-neuron parameter columns, blocks that are updated
on one thread (sources, GIF_cond_exp), heterogeneous delays, a
PoissonGenerator drive, STDP with two weight dependences and delays, Tsodyks-
Markram synapses (run after the partitions) and electrodes.
"""
import numpy as np
import pytest

import pynnlite as sim
from identical import assert_identical

pytestmark = pytest.mark.filterwarnings("ignore:.*delays rounded")

T_MS = 300.0


def _network(threads, seed=7):
    sim.setup(timestep=0.1, backend="numba", seed=seed, threads=threads, round_delays=True)
    rng = np.random.default_rng(3)
    exc = sim.Population(160, sim.IF_curr_exp(tau_m=rng.uniform(15.0, 25.0, 160), v_thresh=-52.0),
                         label="E")
    exc.initialize(v=rng.uniform(-65.0, -53.0, 160))
    inh = sim.Population(45, sim.IF_curr_alpha(v_thresh=-52.0), label="I")
    cond = sim.Population(37, sim.IF_cond_exp(), label="C")
    gif = sim.Population(9, sim.GIF_cond_exp(), label="G")
    drive = sim.Population(1, sim.PoissonGenerator(rate=9000.0), label="drive")
    src = sim.Population(20, sim.SpikeSourcePoisson(rate=rng.uniform(5.0, 40.0, 20)), label="P")
    conn_rng = sim.NumpyRNG(seed=11)
    syn = lambda w, d: sim.StaticSynapse(weight=w, delay=d)     # noqa: E731
    sim.Projection(drive, exc, sim.AllToAllConnector(), syn(0.12, 0.1))
    sim.Projection(drive, inh, sim.AllToAllConnector(), syn(0.12, 0.3))
    sim.Projection(drive, cond, sim.AllToAllConnector(), syn(0.004, 0.2))
    delays = sim.RandomDistribution("uniform", (0.1, 3.0), rng=conn_rng)
    for pre, post, w, rec in ((exc, inh, 0.3, "excitatory"), (inh, exc, -1.0, "inhibitory"),
                              (inh, inh, -0.8, "inhibitory"), (src, cond, 0.01, "excitatory"),
                              (cond, exc, 0.2, "excitatory"), (exc, gif, 0.01, "excitatory"),
                              (gif, cond, 0.02, "excitatory")):
        sim.Projection(pre, post, sim.FixedProbabilityConnector(0.2, rng=conn_rng),
                       syn(w, delays), receptor_type=rec)
    stdp = [
        sim.Projection(exc, exc, sim.FixedProbabilityConnector(0.1, rng=conn_rng),
                       sim.STDPMechanism(sim.SpikePairRule(A_plus=0.02, A_minus=0.021),
                                         sim.MultiplicativeWeightDependence(w_max=0.6),
                                         weight=0.3, delay=1.5)),
        sim.Projection(src, exc, sim.FixedProbabilityConnector(0.3, rng=conn_rng),
                       sim.STDPMechanism(sim.SpikePairRule(A_plus=0.01, A_minus=0.012),
                                         sim.AdditiveWeightDependence(w_max=1.0),
                                         weight=0.4, delay=delays)),
    ]
    tsodyks = sim.Projection(exc, cond, sim.FixedProbabilityConnector(0.2, rng=conn_rng),
                             sim.TsodyksMarkramSynapse(U=0.4, tau_rec=200.0, weight=0.01,
                                                       delay=1.0))
    sim.NoisyCurrentSource(mean=0.1, stdev=0.3, dt=1.0).inject_into(inh)
    for p in (exc, inh, cond, gif, src):
        p.record("spikes")
    exc.record("v", sampling_interval=1.0)
    return (exc, inh, cond, gif, src), stdp + [tsodyks]


def _result(pops, projections):
    out = {}
    for p in pops:
        seg = p.get_data().segments[-1]
        out[p.label] = [np.asarray(st.magnitude) for st in seg.spiketrains]
        if seg.analogsignals:
            out[p.label + ".v"] = np.asarray(seg.analogsignals[0].magnitude)
    for i, prj in enumerate(projections):
        out[f"w{i}"] = np.asarray(prj.get("weight", format="array"))
    return out


def _run(threads, pieces=(T_MS,)):
    pops, projections = _network(threads)
    for t in pieces:
        sim.run(t)
    result = _result(pops, projections)
    backend = sim.get_simulation()._backend
    n_parts = backend.engine.n_parts
    sim.end()
    return result, n_parts


@pytest.fixture(scope="module")
def one_thread():
    result, n_parts = _run(1)
    assert n_parts == 1
    n_spikes = sum(len(st) for k, v in result.items() if isinstance(v, list) for st in v)
    assert n_spikes > 2000          # the network is active: the comparison means something
    return result


@pytest.mark.parametrize("threads", [2, 3, 4])
def test_threads_bit_identical(one_thread, threads):
    result, n_parts = _run(threads)
    assert n_parts == threads
    assert_identical(one_thread, result)


def test_threads_split_run_bit_identical(one_thread):
    result, _ = _run(2, pieces=(100.0, 0.1, 199.9))
    assert_identical(one_thread, result)


def test_weights_moved(one_thread):
    """STDP weights changed during the run, so the equality above covers plasticity."""
    w = one_thread["w0"]
    present = w[~np.isnan(w)]
    assert np.abs(present - 0.3).max() > 1e-3
