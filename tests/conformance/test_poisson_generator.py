"""PoissonGenerator (NEST's poisson_generator) on every installed backend:
each connection gets its own Poisson train (check 9 style statistics), active
in (start, start + duration], rate changes acting at once.

A generator is not recordable, so the trains are read back from the targets:
IF_curr_exp cells with an unreachable threshold and tau_syn_E = dt, weight
1 nA, integrate I(k) = I(k-1) exp(-1) + (events arriving in step k-1), so
round(I(k) - exp(-1) I(k-1)) is the number of events that arrived; the
residual is rounding (< 1e-12 here). Jittering every event uniformly inside its
step turns the counts per step into an exact Poisson process (as in
tests/engine/test_poisson.py), whose ISIs must be exponential.
"""
import numpy as np
import pytest
from scipy import stats

import pynnlite as sim
from backends import backend_params
from pynnlite.errors import ConnectionError, RecordingError
from pynnlite.models.synapses import StandardSynapseType

DT = 0.1
DELAY = 0.3
DECAY = np.exp(-1.0)          # exp(-dt / tau_syn_E) with tau_syn_E = dt


def _network(backend, rate, connections, n_cells, seed=17, **gen_params):
    sim.setup(timestep=DT, backend=backend, seed=seed)
    gen = sim.Population(1, sim.PoissonGenerator(rate=rate, **gen_params), label="gen")
    cells = sim.Population(n_cells, sim.IF_curr_exp(tau_syn_E=DT, v_rest=0.0, v_reset=0.0,
                                                    v_thresh=1e9), label="cells")
    sim.Projection(gen, cells, sim.FromListConnector([(0, j) for j in connections]),
                   sim.StaticSynapse(weight=1.0, delay=DELAY))
    cells.record("isyn_exc")
    return gen, cells


def _arrivals(cells):
    """Events that arrived per step (rows: steps 0.., columns: cells)."""
    sig = np.asarray(cells.get_data().segments[-1].analogsignals[0], np.float64)
    counts = sig[1:] - DECAY * sig[:-1]
    k = np.rint(counts)
    assert np.abs(counts - k).max() < 1e-9       # the replay is exact up to rounding
    return k.astype(np.int64)


@pytest.fixture(params=backend_params())
def backend(request):
    yield request.param
    sim.end()


def test_rate_cv_and_independence(backend):
    """1000 Hz for 100 s into three cells, the third by two connections."""
    rate, t = 1000.0, 100_000.0
    _, cells = _network(backend, rate, [0, 1, 2, 2], 3)
    sim.run(t)
    k = _arrivals(cells)
    n_steps = k.shape[0]
    lam = rate * DT / 1000.0
    rng = np.random.default_rng(3)
    isis = []
    for j in (0, 1):
        steps = np.repeat(np.arange(n_steps), k[:, j])
        # rate per target within 4 sigma of the Poisson expectation
        assert abs(len(steps) - lam * n_steps) < 4 * np.sqrt(lam * n_steps)
        isis.append(np.diff(np.sort((steps + rng.uniform(0.0, 1.0, len(steps))) * DT)))
        cv = isis[-1].std() / isis[-1].mean()
        # 1e5 ISIs: standard error of the CV 0.003, check 9's bound 0.01
        assert abs(cv - 1.0) < 0.01
    isi = np.concatenate(isis)
    assert stats.kstest(isi, "expon", args=(0, 1000.0 / rate)).pvalue > 0.01
    # two targets: independent trains (|r| within 4 standard errors of 0)
    r = np.corrcoef(k[:, 0], k[:, 1])[0, 1]
    assert abs(r) < 4.0 / np.sqrt(n_steps)
    # two connections to one cell: independent, so the sum is Poisson(2 lam)
    # (Fano factor 1; a shared train would give 2 and only even counts);
    # standard error of the Fano factor here ~0.003
    both = k[:, 2]
    assert abs(both.mean() - 2 * lam) < 4 * np.sqrt(2 * lam / n_steps)
    assert abs(both.var() / both.mean() - 1.0) < 0.02
    assert (both % 2 == 1).mean() > 0.1


def test_active_window(backend):
    """Events stamped in (start, start + duration] arrive after the delay:
    emitted in steps s with start <= s dt and (s + 1) dt <= start + duration."""
    _, cells = _network(backend, 50_000.0, [0, 1], 2, start=20.0, duration=30.0)
    sim.run(80.0)
    k = _arrivals(cells)
    d = int(round(DELAY / DT))
    active = np.flatnonzero(k.sum(axis=1))
    # at 5 events per step per cell, an empty active step has probability e^-10
    assert active[0] == 200 + d and active[-1] == 499 + d
    assert len(active) == 300


def test_rate_change_between_runs_acts_at_once(backend):
    gen, cells = _network(backend, 0.0, [0, 1], 2)
    sim.run(10.0)
    gen.set(rate=50_000.0)
    sim.run(5.0)
    gen.set(rate=0.0)
    sim.run(5.0)
    k = _arrivals(cells)
    d = int(round(DELAY / DT))
    active = np.flatnonzero(k.sum(axis=1))
    assert active[0] == 100 + d and active[-1] == 149 + d and len(active) == 50
    # 5 events per step and cell over 50 steps: 500 expected, 4 sigma
    assert abs(k.sum() - 500) < 4 * np.sqrt(500)


def test_same_seed_same_trains_and_split_runs():
    """numba engine: the draws are a function of (seed, connection, step)."""
    runs = []
    for pieces in (1, 4):
        _, cells = _network("numba", 3000.0, [0, 1, 1], 2, seed=9)
        for _ in range(pieces):
            sim.run(200.0 / pieces)
        runs.append(_arrivals(cells))
        sim.end()
    np.testing.assert_array_equal(runs[0], runs[1])
    _, cells = _network("numba", 3000.0, [0, 1, 1], 2, seed=10)
    sim.run(200.0)
    assert not np.array_equal(_arrivals(cells), runs[0])
    sim.end()


class _Plastic(StandardSynapseType):
    """Stands for any synapse type other than StaticSynapse."""
    parameters = dict(sim.StaticSynapse.parameters)


def test_misuse_is_refused():
    sim.setup(timestep=DT, backend="numba")
    gen = sim.Population(2, sim.PoissonGenerator(rate=10.0))
    cells = sim.Population(2, sim.IF_curr_exp())
    with pytest.raises(RecordingError, match="PoissonGenerator"):
        gen.record("spikes")
    with pytest.raises(ConnectionError, match="StaticSynapse"):
        sim.Projection(gen, cells, sim.AllToAllConnector(), _Plastic(weight=0.1, delay=0.1))
    with pytest.raises(ConnectionError, match="PoissonGenerator"):
        sim.Projection(cells, gen, sim.AllToAllConnector())
    sim.end()
