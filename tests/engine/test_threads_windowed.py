"""Check 18 for the windowed loop: threads exchange spikes once per window of
min-delay steps (codegen.py), and every result stays bit-identical to one
thread's: spikes and STDP weights, over 1, 2, 3 and 4 threads, split runs, a
delay change between runs that shortens the window, and reset().

The network has every path the windowed loop replays: static synapses with
heterogeneous delays, STDP with two weight dependences (one projection from a
spike source), a PoissonGenerator drive, electrodes (DC and step currents on
some neurons, noise), splittable blocks and blocks updated whole on one thread (sources,
GIF_cond_exp), and signals sampled by every thread from its own columns.
Sampling weights needs the step-by-step loop (test_threads.py covers that one).
"""
import numpy as np
import pytest

import pynnlite as sim
from identical import assert_identical

pytestmark = pytest.mark.filterwarnings("ignore:.*delays rounded")

T_MS = 300.0
MIN_DELAY = 1.0     # ms: a window of 10 steps


def _network(threads, seed=5, min_delay=MIN_DELAY):
    extra = {} if min_delay is None else {"min_delay": min_delay}
    sim.setup(timestep=0.1, backend="numba", seed=seed, threads=threads, round_delays=True,
              **extra)
    rng = np.random.default_rng(4)
    exc = sim.Population(170, sim.IF_curr_exp(tau_m=rng.uniform(15.0, 25.0, 170), v_thresh=-52.0),
                         label="E")
    exc.initialize(v=rng.uniform(-65.0, -53.0, 170))
    inh = sim.Population(43, sim.IF_curr_alpha(v_thresh=-52.0), label="I")
    gif = sim.Population(11, sim.GIF_cond_exp(), label="G")
    cond = sim.Population(29, sim.IF_cond_exp(), label="C")
    drive = sim.Population(1, sim.PoissonGenerator(rate=9000.0), label="drive")
    src = sim.Population(20, sim.SpikeSourcePoisson(rate=rng.uniform(5.0, 40.0, 20)), label="P")
    arr = sim.Population(3, sim.SpikeSourceArray(spike_times=[[5.0, 50.0, 120.0], [7.5],
                                                              [1.0, 2.0, 250.0]]), label="A")
    conn_rng = sim.NumpyRNG(seed=13)
    syn = lambda w, d: sim.StaticSynapse(weight=w, delay=d)     # noqa: E731
    sim.Projection(drive, exc, sim.AllToAllConnector(), syn(0.12, 1.0))
    sim.Projection(drive, inh, sim.AllToAllConnector(), syn(0.12, 1.3))
    sim.Projection(drive, cond, sim.AllToAllConnector(), syn(0.004, 1.2))
    delays = sim.RandomDistribution("uniform", (1.0, 3.0), rng=conn_rng)
    static = {}
    for pre, post, w, rec in ((exc, inh, 0.3, "excitatory"), (inh, exc, -1.0, "inhibitory"),
                              (inh, inh, -0.8, "inhibitory"), (src, cond, 0.01, "excitatory"),
                              (cond, exc, 0.2, "excitatory"), (exc, gif, 0.01, "excitatory"),
                              (gif, cond, 0.02, "excitatory"), (arr, exc, 2.0, "excitatory")):
        static[(pre.label, post.label)] = sim.Projection(
            pre, post, sim.FixedProbabilityConnector(0.2, rng=conn_rng), syn(w, delays),
            receptor_type=rec)
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
    sim.NoisyCurrentSource(mean=0.1, stdev=0.3, dt=1.0).inject_into(inh)
    sim.DCSource(amplitude=0.4, start=20.0, stop=200.0).inject_into(exc[::7])
    sim.StepCurrentSource(times=[30.0, 90.0, 150.0], amplitudes=[0.3, -0.1, 0.5]).inject_into(
        inh[::3])
    for p in (exc, inh, gif, cond, src, arr):
        p.record("spikes")
    exc[5:60:3].record("v", sampling_interval=0.5)     # columns on both sides of a cut
    gif.record(["v", "i_eta"])                          # a block updated whole on one thread
    return (exc, inh, gif, cond, src), stdp, static


def _result(pops, projections):
    out = {}
    for p in pops:
        seg = p.get_data().segments[-1]
        out[p.label] = [np.asarray(st.magnitude) for st in seg.spiketrains]
        for sig in seg.analogsignals:
            out[f"{p.label}.{sig.name}"] = np.asarray(sig.magnitude)
            out[f"{p.label}.{sig.name}.t0"] = float(sig.t_start)
    for i, prj in enumerate(projections):
        out[f"w{i}"] = np.asarray(prj.get("weight", format="array"))
    return out


def _run(threads, pieces=(T_MS,), shorten_after_first=False):
    # without setup(min_delay=...), delays below the shortest one are allowed later
    pops, stdp, static = _network(threads, min_delay=None if shorten_after_first else MIN_DELAY)
    engine_windows = []
    for k, t in enumerate(pieces):
        sim.run(t)
        engine = sim.get_simulation()._backend.engine
        engine_windows.append((engine.windowed, engine.window, engine.n_parts))
        if shorten_after_first and k == 0:
            # a shorter delay than the window: the window must shrink, in flight spikes kept
            static[("E", "I")].set(delay=0.5)
    result = _result(pops, stdp)
    sim.end()
    return result, engine_windows


@pytest.fixture(scope="module")
def one_thread():
    result, windows = _run(1)
    assert windows == [(False, 1, 1)]
    n_spikes = sum(len(st) for v in result.values() if isinstance(v, list) for st in v)
    assert n_spikes > 2000          # the network is active: the comparison means something
    return result


@pytest.mark.parametrize("threads", [2, 3, 4])
def test_windowed_bit_identical(one_thread, threads):
    result, windows = _run(threads)
    assert windows == [(True, 10, threads)]      # the windowed loop ran, 10 steps per window
    assert_identical(one_thread, result)


def test_windowed_split_run_bit_identical(one_thread):
    result, windows = _run(2, pieces=(100.0, 0.1, 0.7, 199.2))
    assert all(w[0] for w in windows)
    assert_identical(one_thread, result)


def test_window_shrinks_when_delays_do():
    expected, _ = _run(1, pieces=(60.0, 240.0), shorten_after_first=True)
    result, windows = _run(3, pieces=(60.0, 240.0), shorten_after_first=True)
    assert [w[1] for w in windows] == [10, 5]
    assert_identical(expected, result)


def test_windowed_reset_bit_identical(one_thread):
    pops, stdp, _ = _network(2)
    sim.run(80.0)
    sim.reset()
    sim.run(T_MS)
    result = _result(pops, stdp)
    sim.end()
    for key, value in one_thread.items():
        if isinstance(value, np.ndarray) and key.startswith("w"):
            np.testing.assert_array_equal(value, result[key], err_msg=key)


def test_weights_moved(one_thread):
    """STDP weights changed during the run, so the equality above covers plasticity."""
    w = one_thread["w0"]
    present = w[~np.isnan(w)]
    assert np.abs(present - 0.3).max() > 1e-3


def test_roles_taken_over_when_the_parallel_layer_runs_fewer_threads(one_thread, monkeypatch):
    """The barrier never waits for a thread the parallel layer did not start:
    here it runs one thread where the loop expects three, and that thread
    takes over the two unclaimed partitions (kernels/sync.py) after its wait."""
    import numba
    from pynnlite_numba import engine as engine_module

    def one_thread_running(n):
        numba.set_num_threads(1)
        return int(n)
    monkeypatch.setattr(engine_module, "use_threads", one_thread_running)
    result, windows = _run(3)
    assert windows == [(True, 10, 3)]
    assert_identical(one_thread, result)
