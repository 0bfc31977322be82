"""The NEST backend through pynnlite's frontend: a PyNN-style script with
sim.setup(backend="nest") records, changes, resets and writes neo data as on
the engine."""
import neo
import numpy as np
import pytest

import pynnlite as sim


@pytest.fixture
def nest_sim():
    sim.setup(timestep=0.1, backend="nest", seed=321)
    yield sim
    sim.end()


def _network():
    times = [[2.0, 9.0, 15.0], [4.0, 4.0, 20.0], [11.0]]
    src = sim.Population(3, sim.SpikeSourceArray(spike_times=times), label="input")
    cells = sim.Population(4, sim.IF_curr_alpha(i_offset=0.4, tau_refrac=2.0), label="cells")
    cells.initialize(v=np.array([-65.0, -63.0, -61.0, -59.0]))
    prj = sim.Projection(src, cells, sim.AllToAllConnector(),
                         sim.StaticSynapse(weight=0.6, delay=0.5))
    cells.record(["spikes", "v"])
    src.record("spikes")
    return src, cells, prj


def test_get_data_write_data_and_reset(nest_sim, tmp_path):
    src, cells, prj = _network()
    sim.run(30.0)
    assert sim.get_current_time() == 30.0
    cells.set(i_offset=0.5)
    cells.initialize(v=-55.0)
    sim.run(10.0)
    sim.reset()
    sim.run(40.0)
    block = cells.get_data()
    assert len(block.segments) == 2
    for seg in block.segments:
        v = seg.analogsignals[0]
        assert v.shape == (401, 4) and float(v.sampling_period.rescale("ms")) == 0.1
        assert len(seg.spiketrains) == 4
    # segment 2 starts again from the initial values at t = 0
    v1 = np.asarray(block.segments[0].analogsignals[0])
    v2 = np.asarray(block.segments[1].analogsignals[0])
    np.testing.assert_array_equal(v2[0], [-65.0, -63.0, -61.0, -59.0])
    # changed i_offset stays after the reset, so the two segments differ
    assert not np.array_equal(v1, v2)
    s_src = src.get_data().segments[1].spiketrains
    assert [list(np.asarray(st)) for st in s_src] == [[2.0, 9.0, 15.0], [4.0, 4.0, 20.0], [11.0]]
    path = tmp_path / "cells.pkl"
    cells.write_data(str(path))
    back = neo.io.PickleIO(str(path)).read_block()
    np.testing.assert_array_equal(np.asarray(back.segments[1].analogsignals[0]), v2)
    assert prj.get("weight", format="array").tolist() == [[0.6] * 4] * 3


def test_projection_set_and_counts(nest_sim):
    src, cells, prj = _network()
    sim.run(10.0)
    prj.set(weight=np.array([0.1, 0.2, 0.3, 0.4] * 3))
    np.testing.assert_array_equal(np.array(prj.get("weight", format="list"))[:, 2],
                                  [0.1, 0.2, 0.3, 0.4] * 3)
    sim.run(10.0)
    counts = cells.get_spike_counts()
    assert sum(counts.values()) == sum(len(st) for st in cells.get_data().segments[0].spiketrains)
    assert sim.num_processes() == 1 and sim.rank() == 0
