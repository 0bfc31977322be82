"""Projection: connection arrays, weights and delays, get/set formats, and the
split into per-population ProjectionSpecs handed to a backend."""
import numpy as np
import pytest

import pynnlite as sim
from pynnlite import errors
from pynnlite.random import NumpyRNG, RandomDistribution


@pytest.fixture(autouse=True)
def simulation():
    sim.setup(timestep=0.1, seed=7)
    yield
    sim.end()


def test_all_to_all_list_and_array_formats():
    a = sim.Population(3, sim.IF_curr_exp())
    b = sim.Population(2, sim.IF_curr_exp())
    prj = sim.Projection(a, b, sim.AllToAllConnector(), sim.StaticSynapse(weight=0.5, delay=0.3))
    assert prj.size() == len(prj) == 6 and prj.shape == (3, 2)
    rows = prj.get(["weight", "delay"], format="list")
    assert sorted((i, j) for i, j, _, _ in rows) == [(i, j) for i in range(3) for j in range(2)]
    assert all(w == 0.5 and d == pytest.approx(0.3) for _, _, w, d in rows)
    w = prj.get("weight", format="array")
    assert w.shape == (3, 2) and (w == 0.5).all()


def test_missing_pairs_are_nan_and_multiple_synapses_combine():
    a = sim.Population(2, sim.IF_curr_exp())
    conns = [(0, 1, 0.1, 0.1), (0, 1, 0.2, 0.1), (1, 0, 0.3, 0.1)]
    prj = sim.Projection(a, a, sim.FromListConnector(conns))
    summed = prj.get("weight", format="array")
    assert np.isnan(summed[0, 0]) and np.isnan(summed[1, 1])
    assert summed[0, 1] == pytest.approx(0.3) and summed[1, 0] == pytest.approx(0.3)
    assert prj.get("weight", format="array", multiple_synapses="max")[0, 1] == pytest.approx(0.2)
    assert prj.get("weight", format="array", multiple_synapses="first")[0, 1] == pytest.approx(0.1)
    assert prj.get("weight", format="array", multiple_synapses="last")[0, 1] == pytest.approx(0.2)


def test_random_weights_are_drawn_in_connection_order():
    a = sim.Population(20, sim.IF_curr_exp())
    dist = RandomDistribution("normal", mu=1.0, sigma=0.1, rng=NumpyRNG(42))
    prj = sim.Projection(a, a, sim.FixedProbabilityConnector(0.3, rng=NumpyRNG(1)),
                         sim.StaticSynapse(weight=dist))
    expected = RandomDistribution("normal", mu=1.0, sigma=0.1, rng=NumpyRNG(42)).next(prj.size())
    assert np.array_equal(np.array(prj.get("weight", format="list"))[:, 2], expected)


def test_set_weights_scalar_array_and_matrix():
    a = sim.Population(3, sim.IF_curr_exp())
    prj = sim.Projection(a, a, sim.AllToAllConnector(allow_self_connections=False))
    prj.set(weight=0.2)
    assert np.nanmax(prj.get("weight", format="array")) == 0.2
    matrix = np.arange(9.0).reshape(3, 3) / 10
    prj.set(weight=matrix)
    got = prj.get("weight", format="array")
    off = ~np.eye(3, dtype=bool)
    assert np.array_equal(got[off], matrix[off]) and np.isnan(got[~off]).all()
    with pytest.raises(errors.InvalidWeightError):
        prj.set(weight=-1.0)
    with pytest.raises(errors.NonExistentParameterError, match="tau_plus"):
        prj.set(tau_plus=3.0)


def test_default_delay_is_min_delay():
    sim.setup(timestep=0.1, min_delay=0.5)
    a = sim.Population(2, sim.IF_curr_exp())
    prj = sim.Projection(a, a, sim.AllToAllConnector())
    assert np.allclose(prj.get("delay", format="array"), 0.5)


def test_views_and_assemblies_map_to_population_specs():
    a = sim.Population(4, sim.IF_curr_exp(), label="a")
    b = sim.Population(3, sim.IF_curr_exp(), label="b")
    src = a[[1, 3]]
    prj = sim.Projection(src, a + b, sim.AllToAllConnector(), sim.StaticSynapse(weight=0.1))
    net = sim.get_simulation().network_spec()
    specs = [s for s in net.projections if s.label == prj.label]
    assert sorted((s.pre, s.post) for s in specs) == [(a._index, a._index), (a._index, b._index)]
    pairs = set()
    for s in specs:
        target_first = a.first_id if s.post == a._index else b.first_id
        pairs |= {(a.first_id + i, target_first + j) for i, j in zip(s.pre_indices, s.post_indices)}
    expected = {(int(i), int(j)) for i in src.all_cells for j in (a + b).all_cells}
    assert pairs == expected
    assert sum(s.size for s in specs) == prj.size() == 14


def test_save_writes_a_readable_list(tmp_path):
    a = sim.Population(2, sim.IF_curr_exp())
    prj = sim.Projection(a, a, sim.AllToAllConnector(), sim.StaticSynapse(weight=0.25))
    path = tmp_path / "conns.txt"
    prj.save(["weight", "delay"], str(path))
    table = np.loadtxt(path)
    assert table.shape == (4, 4) and (table[:, 2] == 0.25).all()
