"""The Backend interface of the numba engine: recording conventions, state and
parameter access, connection values, reset, spike-array timing and the
electrode conventions (DC, AC, noise)."""
import numpy as np
import pytest

from pynnlite.backend import load_backend
from pynnlite.errors import NoModelAvailableError, NonExistentParameterError

from netspec import Net, build

H = 0.1


def test_entry_point():
    from pynnlite_numba import NumbaBackend
    assert load_backend("numba") is NumbaBackend
    assert NumbaBackend.name == "numba"
    assert "v" in NumbaBackend.capabilities.cell_types["IF_cond_exp"]


def test_spike_array_timing_and_multiplicity():
    """A spike at t is emitted in the step ending at the first grid point >= t
    (t on the grid within 1e-9 dt is stamped t); two spikes in one step are one
    event of multiplicity 2: recorded twice, delivered with twice the weight."""
    net = Net(dt=H)
    src = net.pop("SpikeSourceArray", 2, spike_times=[[1.0, 2.0 + 1e-12, 3.05, 4.01, 4.09],
                                                      [0.3 - 1e-12]])
    cell = net.pop("IF_curr_exp", 1, tau_syn_E=2.0, v_thresh=100.0)
    net.connect(src, cell, [0], [0], 0.5, 0.1)
    net.record(src, "spikes")
    net.record(cell, "isyn_exc")
    backend = build(net)
    backend.run(60)
    rec = backend.fetch_recorded()
    np.testing.assert_array_equal(rec[src].spike_indices, [1, 0, 0, 0, 0, 0])
    np.testing.assert_array_equal(rec[src].spike_times, [0.3, 1.0, 2.0, 3.1, 4.1, 4.1])
    isyn = rec[cell].signals["isyn_exc"].values[:, 0]
    # the 4.1 ms event arrives 0.1 ms later with weight 2 * 0.5
    assert isyn[42] == pytest.approx(isyn[41] * np.exp(-H / 2.0) + 1.0, rel=1e-13)


def test_signal_sampling_and_fetch():
    net = Net(dt=H)
    cell = net.pop("IF_curr_exp", 3, i_offset=0.5)
    net.record(cell, "v", indices=[0, 2], interval=1.0)
    backend = build(net)
    backend.run(25)
    first = backend.fetch_recorded()[cell].signals["v"]
    assert first.t_start == 0.0 and first.sampling_interval == 1.0
    assert first.values.shape == (3, 2)                   # t = 0, 1, 2
    np.testing.assert_array_equal(first.indices, [0, 2])
    backend.run(25)
    second = backend.fetch_recorded()[cell].signals["v"]
    assert second.t_start == 3.0 and second.values.shape == (3, 2)   # t = 3, 4, 5
    assert backend.fetch_recorded() == {}
    np.testing.assert_allclose(second.values[-1], backend.get_state(cell, "v", [0, 2]))


def test_run_zero_gives_initial_sample():
    net = Net(dt=H)
    cell = net.pop("IF_cond_exp", 2, initial={"v": [-61.0, -62.0]})
    net.record(cell, "v")
    backend = build(net)
    backend.run(0)
    sig = backend.fetch_recorded()[cell].signals["v"]
    np.testing.assert_array_equal(sig.values, [[-61.0, -62.0]])


def test_state_and_parameters():
    net = Net(dt=H)
    cell = net.pop("IF_curr_exp", 4, v_rest=-65.0, initial={"v": -65.0})
    backend = build(net)
    np.testing.assert_array_equal(backend.get_state(cell, "v", [0, 3]), [-65.0, -65.0])
    backend.set_state(cell, "v", [1], [-55.5])
    assert backend.get_state(cell, "v", [1])[0] == -55.5
    # changing v_rest keeps the absolute membrane potential
    backend.set_parameters(cell, "v_rest", [1, 2], -60.0)
    np.testing.assert_array_equal(backend.get_state(cell, "v", [0, 1, 2]), [-65.0, -55.5, -65.0])
    backend.run(1000)
    v = backend.get_state(cell, "v", np.arange(4))
    decay = np.exp(-100.0 / 20.0)
    np.testing.assert_allclose(v, [-65.0, -60.0 + 4.5 * decay, -60.0 - 5.0 * decay, -65.0],
                               rtol=1e-12)
    # i_offset acts from the next step on
    backend.set_parameters(cell, "i_offset", [3], 1.0)
    backend.run(1)
    p22 = np.exp(-H / 20.0)
    assert backend.get_state(cell, "v", [3])[0] == pytest.approx(-65.0 + 20.0 * (1 - p22), rel=1e-12)
    with pytest.raises(NonExistentParameterError):
        backend.set_parameters(cell, "tau_x", [0], 1.0)


def test_connection_values_and_delay_change():
    net = Net(dt=H)
    src = net.pop("SpikeSourceArray", 2, spike_times=[[1.0], [2.0]])
    cell = net.pop("IF_curr_exp", 3, v_thresh=100.0)
    pre, post = [1, 0, 0, 1], [2, 2, 0, 1]
    weights, delays = [0.1, 0.2, 0.3, 0.4], [0.5, 0.1, 1.0, 0.2]
    prj = net.connect(src, cell, pre, post, weights, delays)
    net.record(cell, "isyn_exc")
    backend = build(net)
    np.testing.assert_array_equal(backend.get_connection_values(prj, "weight"), weights)
    np.testing.assert_allclose(backend.get_connection_values(prj, "delay"), delays, rtol=1e-12)
    backend.set_connection_values(prj, "weight", [1.0, 2.0, 3.0, 4.0])
    backend.set_connection_values(prj, "delay", [0.5, 0.1, 5.0, 0.2])  # deeper ring
    np.testing.assert_array_equal(backend.get_connection_values(prj, "weight"), [1, 2, 3, 4])
    backend.run(100)
    isyn = backend.fetch_recorded()[cell].signals["isyn_exc"].values
    # neuron 0: the 1.0 ms spike with the new delay 5.0 ms and weight 3
    assert isyn[59, 0] == 0.0 and isyn[60, 0] == 3.0
    backend.reset()
    np.testing.assert_array_equal(backend.get_connection_values(prj, "weight"), weights)
    with pytest.raises(NonExistentParameterError):
        backend.get_connection_values(prj, "tau_plus")


def test_reset_drops_spikes_in_transit():
    net = Net(dt=H)
    src = net.pop("SpikeSourceArray", 1, spike_times=[[0.5]])
    cell = net.pop("IF_curr_exp", 1, v_thresh=100.0, initial={"v": -65.0})
    net.connect(src, cell, [0], [0], 1.0, 2.0)
    net.record(cell, "isyn_exc")
    backend = build(net)
    backend.run(10)                                       # the spike is in the ring
    backend.set_state(cell, "v", [0], -50.0)
    backend.reset()
    assert backend.get_state(cell, "v", [0])[0] == -65.0
    backend.run(30)
    isyn = backend.fetch_recorded()[cell].signals["isyn_exc"].values[:, 0]
    assert len(isyn) == 31 and isyn[25] == 1.0 and isyn[24] == 0.0   # once, after the reset


def _current_trace(model, t_ms=50.0, **kwargs):
    """The electrode current of every step, recovered from V of three passive
    neurons: V(s+1) = V(s) P22 + I(s) P20 (exact integration)."""
    net = Net(dt=H, seed=9)
    cell = net.pop("IF_curr_exp", 3, tau_m=10.0, cm=1.0, v_rest=0.0, v_thresh=1e9,
                   initial={"v": 0.0})
    net.inject(model, [(cell, [0, 1, 2])], **kwargs)
    net.record(cell, "v")
    backend = build(net)
    backend.run(int(round(t_ms / H)))
    v = backend.fetch_recorded()[cell].signals["v"].values
    p22 = np.exp(-H / 10.0)
    return (v[1:] - v[:-1] * p22) / (10.0 * (1 - p22))   # current of step s (nA)


def test_dc_source_window():
    i = _current_trace("DCSource", amplitude=0.7, start=10.0, stop=20.05)
    s = np.arange(len(i))
    on = (s * H >= 10.0 - 1e-9) & (s * H < 20.05)
    np.testing.assert_allclose(i[:, 0], np.where(on, 0.7, 0.0), atol=1e-9)


def test_ac_source_value_at_step_start():
    i = _current_trace("ACSource", amplitude=0.5, offset=0.1, frequency=40.0, phase=30.0,
                       start=5.0)
    t = np.arange(len(i)) * H
    expect = np.where(t >= 5.0 - 1e-9, 0.1 + 0.5 * np.sin(2 * np.pi * 40.0 * t / 1000.0
                                                           + np.pi / 6), 0.0)
    np.testing.assert_allclose(i[:, 0], expect, atol=1e-9)


def test_noisy_source_statistics():
    """A new N(mean, stdev) value every dt_noise ms, independent per target."""
    i = _current_trace("NoisyCurrentSource", t_ms=2000.0, mean=0.2, stdev=0.5, dt=0.5)
    blocks = i.reshape(-1, 5, 3)
    np.testing.assert_allclose(blocks, np.broadcast_to(blocks[:, :1, :], blocks.shape), atol=1e-9)
    x = blocks[:, 0, :]                                    # 4000 values per target
    assert abs(x.mean() - 0.2) < 4 * 0.5 / np.sqrt(x.size)
    assert abs(x.std() - 0.5) < 0.02
    assert abs(np.corrcoef(x[:, 0], x[:, 1])[0, 1]) < 0.1


def test_unknown_model_refused():
    net = Net(dt=H)
    net.pop("IF_curr_exp", 1)
    spec = net.spec()
    bad = type(spec.populations[0])(**{**spec.populations[0].__dict__, "model": "HH_cond_exp"})
    from pynnlite_numba import NumbaBackend
    with pytest.raises(NoModelAvailableError, match="HH_cond_exp"):
        NumbaBackend().build(type(spec)(**{**spec.__dict__, "populations": (bad,)}))


@pytest.mark.parametrize("model", ["IF_curr_exp", "IF_curr_alpha", "IF_cond_exp"])
def test_shared_block_equals_separate_runs(model):
    """Populations of one model share a block (per-neuron parameter columns);
    each neuron must behave exactly as when simulated alone (single-column
    parameters): same code path results, bit for bit."""
    taus = [12.0, 20.0, 31.0]
    offsets = [0.9, 0.7, 1.1]

    def run(pops):
        net = Net(dt=H, seed=5)
        # created first, so that its global ids (its random streams) never change
        src = net.pop("SpikeSourcePoisson", 5, rate=800.0)
        ids = [net.pop(model, 1, tau_m=t, i_offset=i, v_thresh=-52.0, v_reset=-66.0,
                       tau_refrac=1.5, initial={"v": -60.0}) for t, i in pops]
        for k in ids:
            net.connect(src, k, np.arange(5), np.zeros(5), 0.2 if model != "IF_cond_exp" else 0.01,
                        0.3)
            net.record(k, "v")
            net.record(k, "spikes")
        backend = build(net)
        backend.run(1500)
        rec = backend.fetch_recorded()
        return [(rec[k].spike_times, rec[k].signals["v"].values[:, 0]) for k in ids]

    together = run(list(zip(taus, offsets)))
    for n, pair in enumerate(zip(taus, offsets)):
        alone = run([pair])[0]
        assert len(alone[0]) > 3
        np.testing.assert_array_equal(together[n][0], alone[0])
        np.testing.assert_array_equal(together[n][1], alone[1])


def test_spike_buffer_growth_and_partial_recording():
    """Far more spikes than the initial buffer: the loop returns early, the
    buffer grows, and the result equals a run fetched every millisecond.
    Only the requested neurons are recorded."""
    def run(pieces):
        net = Net(dt=H, seed=8)
        src = net.pop("SpikeSourcePoisson", 600, rate=1000.0)
        net.record(src, "spikes", indices=np.arange(0, 600, 2))
        backend = build(net)
        idx, times = [], []
        for n in pieces:
            backend.run(n)
            c = backend.fetch_recorded()[src]
            idx.append(c.spike_indices)
            times.append(c.spike_times)
        return np.concatenate(idx), np.concatenate(times)

    idx, times = run([1000])
    assert len(times) > 20000 and np.all(idx % 2 == 0)
    idx2, times2 = run([10] * 100)
    np.testing.assert_array_equal(idx, idx2)
    np.testing.assert_array_equal(times, times2)


def test_spike_times_changed_between_runs():
    """New spike times act from the current step on; times already past are not
    replayed."""
    net = Net(dt=H)
    src = net.pop("SpikeSourceArray", 2, spike_times=[[1.0, 8.0], [2.0]])
    net.record(src, "spikes")
    backend = build(net)
    backend.run(50)
    backend.set_parameters(src, "spike_times", np.array([0, 1]),
                           np.array([np.array([3.0, 6.0, 7.5]), np.array([5.1, 5.2])], dtype=object))
    backend.run(50)
    c = backend.fetch_recorded()[src]
    np.testing.assert_array_equal(c.spike_indices, [0, 1, 1, 1, 0, 0])
    np.testing.assert_array_equal(c.spike_times, [1.0, 2.0, 5.1, 5.2, 6.0, 7.5])
