"""Check 9: SpikeSourcePoisson statistics, and PyNN's shared-train semantics.

Counts per step are Poisson and, given the counts, the spike times of a
Poisson process are uniform within each step; jittering every spike uniformly
inside its step therefore gives an exact Poisson process, whose ISIs must pass
a KS test against the exponential (p > 0.01) with |CV - 1| < 0.01. 100 s of
10 sources: 1e5 ISIs at 100 Hz (CV standard error 0.003), 1e6 at 1000 Hz.
"""
import numpy as np
import pytest
from scipy import stats

from netspec import Net, build

H = 0.1


def poisson_trains(rate, n, t_ms, seed=11, start=0.0, duration=1e10):
    net = Net(dt=H, seed=seed)
    src = net.pop("SpikeSourcePoisson", n, rate=rate, start=start, duration=duration)
    net.record(src, "spikes")
    backend = build(net)
    backend.run(int(round(t_ms / H)))
    chunk = backend.fetch_recorded()[src]
    return chunk.spike_indices, chunk.spike_times


@pytest.mark.parametrize("rate", [100.0, 1000.0])
def test_isi_exponential(rate):
    idx, times = poisson_trains(rate, 10, 100_000.0)
    rng = np.random.default_rng(5)
    jittered = times - rng.uniform(0.0, H, len(times))
    isis = []
    for k in range(10):
        isis.append(np.diff(np.sort(jittered[idx == k])))
    isi = np.concatenate(isis)
    n_expected = rate * 100.0 * 10
    # count within 4 sigma of the Poisson expectation
    assert abs(len(times) - n_expected) < 4 * np.sqrt(n_expected)
    cv = isi.std() / isi.mean()
    assert abs(cv - 1.0) < 0.01
    p = stats.kstest(isi, "expon", args=(0, 1000.0 / rate)).pvalue
    assert p > 0.01


def test_start_and_duration():
    """Active in the steps with start <= s dt and (s + 1) dt <= start + duration:
    spikes are stamped in (start, start + duration]."""
    idx, times = poisson_trains(5000.0, 5, 100.0, start=20.0, duration=30.0)
    assert times.min() > 20.0 and times.max() <= 50.0 + 1e-9
    assert times.min() < 20.5 and times.max() > 49.5


def test_all_targets_receive_the_recorded_train():
    """PyNN semantics: one train per source, identical for every target; each
    spike of multiplicity k adds k * weight to the current."""
    net = Net(dt=H, seed=3)
    src = net.pop("SpikeSourcePoisson", 1, rate=3000.0)
    cells = net.pop("IF_curr_exp", 2, tau_syn_E=5.0, v_thresh=100.0)
    net.connect(src, cells, [0, 0], [0, 1], 0.1, 0.1)
    net.record(src, "spikes")
    net.record(cells, "isyn_exc")
    backend = build(net)
    backend.run(500)
    rec = backend.fetch_recorded()
    isyn = rec[cells].signals["isyn_exc"].values
    np.testing.assert_array_equal(isyn[:, 0], isyn[:, 1])
    # replay: I(k) = I(k-1) exp(-h/tau) + 0.1 * (spikes emitted in step k - 2)
    steps = np.rint(rec[src].spike_times / H).astype(int) - 1
    arrivals = np.bincount(steps + 1, minlength=502)[:501]
    assert arrivals.max() >= 2
    expect = np.zeros(501)
    decay = np.exp(-H / 5.0)
    for k in range(1, 501):
        expect[k] = expect[k - 1] * decay + 0.1 * arrivals[k - 1]
    np.testing.assert_allclose(isyn[:, 0], expect, rtol=1e-12, atol=1e-14)


def test_rate_change_between_runs_acts_at_once():
    net = Net(dt=H, seed=1)
    src = net.pop("SpikeSourcePoisson", 20, rate=0.0)
    net.record(src, "spikes")
    backend = build(net)
    backend.run(1000)
    assert len(backend.fetch_recorded()[src].spike_times) == 0
    backend.set_parameters(src, "rate", np.arange(20), 2000.0)
    backend.run(10)
    times = backend.fetch_recorded()[src].spike_times
    assert len(times) > 0 and times.min() > 100.0 and times.max() <= 101.0 + 1e-9
