"""Check 17: with the same seed, spikes and V are bit-identical across
reruns, fresh builds, reset() and any split of the run (1 x T, 10 x T/10,
uneven pieces). Different seeds give different Poisson realisations."""
import numpy as np
import pytest

from netspec import Net, build

T_STEPS = 2000          # 200 ms at dt 0.1


def mixed_net(seed=42):
    """Every model and electrode of the engine in one small recurrent network."""
    rng = np.random.default_rng(0)
    net = Net(dt=0.1, seed=seed)
    cond = net.pop("IF_cond_exp", 40, initial={"v": rng.uniform(-65, -55, 40)},
                   tau_refrac=2.0, v_rest=-60.0, v_reset=-60.0, v_thresh=-50.0, cm=0.2, tau_m=20.0)
    curr = net.pop("IF_curr_exp", 30, initial={"v": rng.uniform(-65, -55, 30)},
                   tau_m=rng.uniform(15, 25, 30), v_thresh=-50.0, v_reset=-65.0, tau_refrac=1.0)
    alpha = net.pop("IF_curr_alpha", 20, v_thresh=-52.0, v_reset=-65.0, tau_syn_E=1.0)
    pois = net.pop("SpikeSourcePoisson", 10, rate=rng.uniform(50, 500, 10))
    arr = net.pop("SpikeSourceArray", 3, spike_times=[[1.0, 5.0, 5.02, 90.0], [33.3], []])
    for pre, post, w, rec in ((pois, cond, 0.02, "excitatory"), (pois, curr, 0.8, "excitatory"),
                              (pois, alpha, 0.5, "excitatory"), (cond, curr, 0.3, "excitatory"),
                              (curr, cond, 0.01, "inhibitory"), (curr, alpha, -0.4, "inhibitory"),
                              (alpha, curr, 0.2, "excitatory"), (arr, cond, 0.05, "excitatory")):
        n_pre, n_post = net.pops[pre].size, net.pops[post].size
        mask = rng.random((n_pre, n_post)) < 0.3
        i, j = np.nonzero(mask)
        net.connect(pre, post, i, j, w * rng.uniform(0.5, 1.5, len(i)),
                    rng.integers(1, 30, len(i)) * 0.1, rec)
    net.inject("NoisyCurrentSource", [(curr, np.arange(30))], mean=0.3, stdev=0.2, dt=0.5)
    net.inject("ACSource", [(alpha, np.arange(20))], amplitude=0.3, offset=0.6, frequency=20.0)
    net.inject("DCSource", [(cond, np.arange(0, 40, 2))], amplitude=0.15, start=20.0, stop=150.0)
    for p in (cond, curr, alpha, pois, arr):
        net.record(p, "spikes")
    for p in (cond, curr, alpha):
        net.record(p, "v", interval=0.5)
    return net


def collect(backend, pieces):
    chunks = []
    for n in pieces:
        backend.run(n)
        chunks.append(backend.fetch_recorded())
    spikes, signals = {}, {}
    for ch in chunks:
        for pop, c in ch.items():
            s = spikes.setdefault(pop, [[], []])
            s[0].append(c.spike_indices)
            s[1].append(c.spike_times)
            for var, sig in c.signals.items():
                signals.setdefault((pop, var), []).append(sig.values)
    spikes = {p: (np.concatenate(a), np.concatenate(b)) for p, (a, b) in spikes.items()}
    signals = {k: np.concatenate(v) for k, v in signals.items()}
    return spikes, signals


def assert_identical(a, b):
    assert a[0].keys() == b[0].keys()
    for p in a[0]:
        np.testing.assert_array_equal(a[0][p][0], b[0][p][0])
        np.testing.assert_array_equal(a[0][p][1], b[0][p][1])
    assert a[1].keys() == b[1].keys()
    for k in a[1]:
        np.testing.assert_array_equal(a[1][k], b[1][k])


@pytest.fixture(scope="module")
def reference():
    return collect(build(mixed_net()), [T_STEPS])


def test_network_is_active(reference):
    spikes, signals = reference
    counts = [len(spikes[p][0]) for p in range(5)]
    assert all(c > 10 for c in counts[:4]), counts       # every model fires
    assert signals[(0, "v")].shape == (T_STEPS // 5 + 1, 40)


@pytest.mark.parametrize("pieces", [[T_STEPS // 10] * 10, [1, 333, 1, 7, 658, 1000],
                                    [T_STEPS - 1, 1]])
def test_split_runs_identical(reference, pieces):
    assert_identical(collect(build(mixed_net()), pieces), reference)


def test_rerun_after_reset_identical(reference):
    backend = build(mixed_net())
    collect(backend, [T_STEPS // 2])
    backend.reset()
    assert_identical(collect(backend, [T_STEPS]), reference)


def test_other_seed_differs(reference):
    other = collect(build(mixed_net(seed=43)), [T_STEPS])
    assert not np.array_equal(other[0][3][1], reference[0][3][1])
