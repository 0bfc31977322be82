"""Spike sources on NEST: Poisson trains inside (start, start + duration],
one train per source shared by all its targets (PyNN semantics)."""
import numpy as np

from spec_builder import SpecBuilder
from pynnlite_nest import NestBackend


def test_poisson_window_and_rate():
    b = SpecBuilder(dt=0.1, min_delay=0.1, seed=99)
    src = b.population("SpikeSourcePoisson", 200, rate=500.0, start=10.0, duration=40.0)
    b.record(src, "spikes")
    backend = NestBackend()
    backend.build(b.spec())
    backend.run(700)
    times = backend.fetch_recorded()[src].spike_times
    # stamps in (start, start + duration], as the engine emits them
    assert times.min() > 10.0 and times.max() <= 50.0
    assert np.any(np.isclose(times, 10.1)) and np.any(np.isclose(times, 50.0))
    # 200 x 500 Hz x 40 ms = 4000 expected; Poisson sd 63; 5 sd bounds
    assert abs(len(times) - 4000) < 5 * np.sqrt(4000)


def test_every_target_receives_the_same_train():
    b = SpecBuilder(dt=0.1, min_delay=0.1)
    src = b.population("SpikeSourcePoisson", 1, rate=300.0)
    cells = b.population("IF_curr_exp", 3)
    b.connect(src, cells, [0, 0, 0], [0, 1, 2], 0.5, [1.0, 1.0, 2.0])
    b.record(src, "spikes")
    b.record(cells, "isyn_exc")
    backend = NestBackend()
    backend.build(b.spec())
    backend.run(1000)
    rec = backend.fetch_recorded()
    isyn = rec[cells].signals["isyn_exc"].values
    assert len(rec[src].spike_times) > 10                # 30 expected in 100 ms
    # identical input to neurons 0 and 1; neuron 2 sees it 10 steps later
    np.testing.assert_array_equal(isyn[:, 0], isyn[:, 1])
    np.testing.assert_array_equal(isyn[10:, 2], isyn[:-10, 0])
    # and the input is exactly the recorded train: jumps of 0.5 nA per spike
    # (multiplicity counted), one delay (10 steps) after each stamp
    steps = np.rint(rec[src].spike_times / 0.1).astype(int)
    arriving = np.bincount(steps + 10, minlength=len(isyn))[:len(isyn)]
    decay = np.exp(-0.1 / 5.0)
    jumps = isyn[1:, 0] - decay * isyn[:-1, 0]
    np.testing.assert_allclose(jumps, 0.5 * arriving[1:], rtol=0, atol=1e-12)


def test_spike_source_array_recorded_like_the_engine():
    b = SpecBuilder(dt=0.25, min_delay=0.25)
    src = b.population("SpikeSourceArray", 3, spike_times=[[0.1, 0.25, 0.26], [], [7.0, 7.0]])
    b.record(src, "spikes", indices=[0, 2])
    backend = NestBackend()
    backend.build(b.spec())
    backend.run(40)
    chunk = backend.fetch_recorded()[src]
    # times rounded up to the grid step that ends at or after them
    assert chunk.spike_times.tolist() == [0.25, 0.25, 0.5, 7.0, 7.0]
    assert chunk.spike_indices.tolist() == [0, 0, 0, 2, 2]
