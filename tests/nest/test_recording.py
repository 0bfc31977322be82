"""Recording through spike_recorder and multimeter back into RecordedChunks:
the t = 0 sample, sampling intervals, split runs, spike stamps and
multiplicity."""
import numpy as np
import pytest

from spec_builder import SpecBuilder
from pynnlite_nest import NestBackend


def _net(dt=0.1, interval=None):
    b = SpecBuilder(dt=dt, min_delay=dt)
    # 2.0 twice: one spike of multiplicity 2; 3.04 is rounded up to the 3.1 ms step
    src = b.population("SpikeSourceArray", 2, spike_times=[[2.0, 2.0, 3.04], [5.0]])
    cells = b.population("IF_curr_exp", 3, i_offset=1.0, tau_refrac=2.0,
                         initial={"v": [-65.0, -60.0, -55.0]})
    b.connect(src, cells, [0, 1], [0, 2], [1.0, 2.0], 0.5)
    b.record(src, "spikes")
    b.record(cells, "spikes")
    b.record(cells, "v", indices=[0, 2], interval=interval)
    b.record(cells, "isyn_exc", indices=[2], interval=interval)
    return b.spec(), src, cells


def _concat(chunks, pop, var):
    sigs = [c[pop].signals[var] for c in chunks if pop in c and var in c[pop].signals]
    return sigs[0].t_start, np.concatenate([s.values for s in sigs])


def test_initial_sample_and_interval():
    spec, src, cells = _net(interval=0.5)
    backend = NestBackend()
    backend.build(spec)
    backend.run(100)                                     # 10 ms
    chunk = backend.fetch_recorded()[cells]
    v = chunk.signals["v"]
    assert v.t_start == 0.0 and v.sampling_interval == 0.5
    assert v.values.shape == (21, 2)                    # T / interval + 1 samples
    np.testing.assert_array_equal(v.indices, [0, 2])
    assert v.values[0].tolist() == [-65.0, -55.0]       # t = 0: the initial values
    # the same network sampled every step: every 5th sample must be the same number
    spec_dt, _, _ = _net(interval=None)
    fine = NestBackend()
    fine.build(spec_dt)
    fine.run(100)
    v_fine = fine.fetch_recorded()[cells].signals["v"].values
    assert v_fine.shape == (101, 2)
    np.testing.assert_array_equal(v.values, v_fine[::5])


def test_split_runs_give_the_same_signal_as_one_run():
    spec, src, cells = _net()
    one = NestBackend()
    one.build(spec)
    one.run(200)
    whole = one.fetch_recorded()
    split = NestBackend()
    split.build(spec)
    chunks = []
    for n in (1, 37, 62, 100):                          # uneven pieces, 200 steps in all
        split.run(n)
        chunks.append(split.fetch_recorded())
    t0, v = _concat(chunks, cells, "v")
    assert t0 == 0.0
    np.testing.assert_array_equal(v, whole[cells].signals["v"].values)
    # the synaptic current's sample at the end of each run comes with the next run
    t0, isyn = _concat(chunks, cells, "isyn_exc")
    whole_isyn = whole[cells].signals["isyn_exc"].values
    assert len(isyn) == len(whole_isyn) == 200          # all but the sample at t = 20 ms
    np.testing.assert_array_equal(isyn, whole_isyn)
    spikes = np.concatenate([c[cells].spike_times for c in chunks if cells in c])
    assert len(spikes) > 0
    np.testing.assert_array_equal(spikes, whole[cells].spike_times)


def test_spike_stamps_and_multiplicity():
    spec, src, cells = _net()
    backend = NestBackend()
    backend.build(spec)
    backend.run(60)
    chunk = backend.fetch_recorded()[src]
    # source spikes are stamped at the grid step ending at or after the given
    # time; a repeated time is one spike of multiplicity 2, recorded twice
    assert chunk.spike_times.tolist() == [2.0, 2.0, 3.1, 5.0]
    assert chunk.spike_indices.tolist() == [0, 0, 0, 1]


def test_input_reaches_target_after_the_delay():
    spec, src, cells = _net()
    backend = NestBackend()
    backend.build(spec)
    backend.run(60)
    isyn = backend.fetch_recorded()[cells].signals["isyn_exc"].values[:, 0]
    # neuron 2 gets source 1's spike stamped 5.0 ms with delay 0.5 ms: the
    # current jumps by 2 nA in the sample at 5.5 ms (REFERENCE.md 2.0)
    assert isyn[54] == 0.0
    assert isyn[55] == pytest.approx(2.0, rel=1e-12)


def test_nothing_recorded_twice_and_fetch_empties():
    spec, src, cells = _net()
    backend = NestBackend()
    backend.build(spec)
    assert backend.fetch_recorded() == {}
    backend.run(50)
    first = backend.fetch_recorded()
    assert backend.fetch_recorded() == {}
    backend.run(0)
    assert backend.fetch_recorded() == {}
    backend.run(50)
    second = backend.fetch_recorded()
    assert second[cells].signals["v"].t_start == 5.1
    assert len(first[cells].signals["v"].values) == 51 and len(second[cells].signals["v"].values) == 50


def test_two_threads_give_the_same_data():
    import dataclasses
    spec, src, cells = _net()
    results = []
    for threads in (1, 2):
        backend = NestBackend()
        backend.build(dataclasses.replace(spec, threads=threads))
        backend.run(150)
        results.append(backend.fetch_recorded())
    one, two = results
    # deterministic input: NEST's threads change the order of events, not the
    # numbers; the adapter sorts events into place, so the data are identical
    for pop in (src, cells):
        np.testing.assert_array_equal(two[pop].spike_times, one[pop].spike_times)
        np.testing.assert_array_equal(two[pop].spike_indices, one[pop].spike_indices)
    np.testing.assert_array_equal(two[cells].signals["v"].values, one[cells].signals["v"].values)
