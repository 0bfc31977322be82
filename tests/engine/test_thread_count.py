"""How many of setup(threads=N)'s threads the numba engine uses
(partition.threads_to_use): one where the work between two synchronisations
of the threads is too small to share, as in the VA benchmarks, N where it is
large; the results are the same either way."""
import numpy as np
import pytest

import pynnlite as sim
from pynnlite_numba import partition

#: the rule's value as shipped (tests/conftest.py sets it to 0 for every other test)
SHIPPED = 2.5e-4


@pytest.fixture
def shipped_rule(monkeypatch):
    monkeypatch.setattr(partition, "MIN_WORK_PER_THREAD_S", SHIPPED)


def _engine():
    return sim.get_simulation()._backend.engine


def _va_like(threads, n=400, delay=0.2):
    """A VA-style network: IF_curr_exp cells, 2 % random connectivity, short delays."""
    sim.setup(timestep=0.1, backend="numba", seed=3, threads=threads)
    cells = sim.Population(n, sim.IF_curr_exp(tau_m=20.0, v_thresh=-50.0, i_offset=1.0))
    cells.initialize(v=sim.RandomDistribution("uniform", (-65.0, -50.0), rng=sim.NumpyRNG(1)))
    sim.Projection(cells, cells, sim.FixedProbabilityConnector(0.02, rng=sim.NumpyRNG(2)),
                   sim.StaticSynapse(weight=0.05, delay=delay))
    cells.record("spikes")
    return cells


def test_small_network_runs_on_one_thread(shipped_rule):
    _va_like(threads=2)
    sim.run(50.0)
    assert _engine().threads == 1
    assert _engine().n_parts == 1
    sim.end()


def test_the_estimate_decides(shipped_rule):
    """The same network uses both threads once the threshold is below its
    estimated work per window (~0.1 us per neuron and step here)."""
    _va_like(threads=2)
    sim.run(1.0)
    engine = _engine()
    work = partition._costs(engine.network, engine.layout, (), (),
                            engine.network.projections).sum() * partition._UNIT_S * 2
    sim.end()
    partition.MIN_WORK_PER_THREAD_S = work / 2.5
    _va_like(threads=2)
    sim.run(1.0)
    assert _engine().threads == 2 and _engine().n_parts == 2
    partition.MIN_WORK_PER_THREAD_S = work / 1.5
    _va_like(threads=4)
    sim.run(1.0)
    assert _engine().threads == 1
    sim.end()


def test_same_spikes_whichever_count_is_used(monkeypatch):
    """threads=2 on one thread (the rule) and on two (the rule off): the same spikes."""
    spikes, used = [], []
    for threshold in (SHIPPED, 0.0):
        monkeypatch.setattr(partition, "MIN_WORK_PER_THREAD_S", threshold)
        cells = _va_like(threads=2)
        sim.run(200.0)
        used.append(_engine().threads)
        spikes.append([np.asarray(s.magnitude) for s in cells.get_data().segments[0].spiketrains])
        sim.end()
    assert used == [1, 2]
    assert sum(len(s) for s in spikes[0]) > 100
    for a, b in zip(*spikes):
        np.testing.assert_array_equal(a, b)
