"""Population, PopulationView and Assembly: ids, indexing, parameters, initial
values, recording requests. No simulation is run here."""
import numpy as np
import pytest

import pynnlite as sim
from pynnlite import errors
from pynnlite.random import NumpyRNG, RandomDistribution


@pytest.fixture(autouse=True)
def simulation():
    sim.setup(timestep=0.1, seed=11)
    yield
    sim.end()


def test_ids_are_contiguous_and_unique_across_populations():
    a = sim.Population(4, sim.IF_curr_exp(), label="a")
    b = sim.Population(3, sim.IF_cond_exp(), label="b")
    assert a.all_cells.tolist() == list(range(a.first_id, a.first_id + 4))
    assert b.first_id == a.first_id + 4
    assert int(a[2]) == a.first_id + 2 and a[2].parent is a and a[-1].index == 3
    assert a.id_to_index(a.first_id + 3) == 3


def test_views_by_slice_array_mask_and_tuple_select_the_same_cells():
    p = sim.Population(10, sim.IF_curr_exp())
    by_slice = p[2:8:2]
    by_array = p[np.array([2, 4, 6])]
    by_mask = p[np.isin(np.arange(10), [2, 4, 6])]
    by_tuple = p[2, 4, 6]
    for view in (by_slice, by_array, by_mask, by_tuple):
        assert view.size == 3
        assert view.all_cells.tolist() == (p.first_id + np.array([2, 4, 6])).tolist()
        assert view.grandparent is p
    nested = p[1:9][::2]        # cells 1, 3, 5, 7
    assert nested.all_cells.tolist() == (p.first_id + np.array([1, 3, 5, 7])).tolist()
    nested.label = "odd cells"
    assert nested.label == "odd cells"


def test_view_refuses_repeated_cells_and_bad_masks():
    p = sim.Population(5, sim.IF_curr_exp())
    with pytest.raises(errors.InvalidDimensionsError):
        p[[1, 1]]
    with pytest.raises(errors.InvalidDimensionsError):
        p[np.ones(4, bool)]
    with pytest.raises(IndexError):
        p[[7]]


def test_set_and_get_through_views_and_distributions():
    p = sim.Population(6, sim.IF_curr_exp())
    assert p.get("tau_m") == 20.0                              # homogeneous -> scalar
    p[1:3].set(tau_m=[11.0, 12.0])
    assert p.get("tau_m").tolist() == [20.0, 11.0, 12.0, 20.0, 20.0, 20.0]
    assert p[1:3].get("tau_m").tolist() == [11.0, 12.0]
    p.set(i_offset=lambda i: 0.1 * i)
    assert np.allclose(p.get("i_offset"), 0.1 * np.arange(6))
    draws = RandomDistribution("uniform", low=5.0, high=6.0, rng=NumpyRNG(3))
    p.set(tau_syn_E=draws)
    expected = RandomDistribution("uniform", low=5.0, high=6.0, rng=NumpyRNG(3)).next(6)
    assert np.array_equal(p.get("tau_syn_E"), expected)        # drawn once, in call order
    assert p.get(["tau_m", "cm"])[1] == 1.0


def test_initial_v_defaults_to_v_rest_and_initialize_takes_distributions():
    p = sim.Population(5, sim.IF_curr_exp(v_rest=-58.0))
    assert p.initial_values["v"] == -58.0
    p.initialize(v=RandomDistribution("uniform", (-60.0, -50.0), rng=NumpyRNG(5)))
    v = p.initial_values["v"]
    assert v.shape == (5,) and ((v >= -60) & (v < -50)).all()
    p[0:2].initialize(v=-70.0)
    assert p.initial_values["v"][:2].tolist() == [-70.0, -70.0]


def test_assembly_spans_populations_and_splits_values_in_order():
    a = sim.Population(3, sim.IF_curr_exp(), label="a")
    b = sim.Population(2, sim.IF_curr_exp(), label="b")
    asm = a + b
    assert asm.size == 5 and asm.get_population("b") is b
    assert asm.all_cells.tolist() == a.all_cells.tolist() + b.all_cells.tolist()
    asm.set(tau_m=np.arange(1.0, 6.0))
    assert a.get("tau_m").tolist() == [1.0, 2.0, 3.0] and b.get("tau_m").tolist() == [4.0, 5.0]
    assert int(asm[4]) == int(b[1])
    sub = asm[[1, 3]]
    assert sub.all_cells.tolist() == [int(a[1]), int(b[0])]
    with pytest.raises(KeyError, match="labels"):
        asm.get_population("c")
    bigger = asm + sim.Population(1, sim.IF_cond_exp(), label="c")
    assert len(bigger.populations) == 3 and bigger.size == 6


def test_recording_requests_are_stored_per_cell():
    p = sim.Population(6, sim.IF_curr_exp())
    p[[0, 2]].record("v", sampling_interval=1.0)
    p.record("spikes")
    assert np.flatnonzero(p._recording["v"]).tolist() == [0, 2]
    assert p._sampling_interval["v"] == 1.0
    assert p._recording["spikes"].all()
    with pytest.raises(errors.InvalidParameterValueError, match="sampling_interval"):
        p[[3]].record("v", sampling_interval=0.5)   # one interval per variable and population
    p.record(None)
    assert not p._recording["spikes"].any()


def test_structure_gives_positions():
    p = sim.Population(4, sim.IF_curr_exp(), structure=sim.Line(dx=2.0))
    assert p.positions.shape == (3, 4)
    assert np.allclose(p.positions[0], [0.0, 2.0, 4.0, 6.0])
    assert np.allclose(p[1:3].positions[0], [2.0, 4.0])


def test_creation_after_build_is_refused():
    p = sim.Population(2, sim.IF_curr_exp())
    sim.run(0.1)
    with pytest.raises(errors.SimulationStateError, match="before the first run"):
        sim.Population(2, sim.IF_curr_exp())
