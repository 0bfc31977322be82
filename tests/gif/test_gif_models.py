"""The GIF cell types refuse bad input by name before anything runs
(CHECKS.md 24, 25, 27, 28), take array-valued kernels as Sequences or lists,
and StepCurrentSource takes a delay (NEST's step_current_generator timing)."""
import math

import numpy as np
import pytest

import pynnlite as sim
from pynnlite import errors
from pynnlite.models.base import NON_NEGATIVE, POSITIVE
from pynnlite.models.gif import GIF_CELL_TYPES
from pynnlite.parameters import Sequence


@pytest.fixture(autouse=True)
def simulation():
    sim.setup(timestep=0.5)
    yield
    sim.end()


SCALARS = [(m, n) for m in GIF_CELL_TYPES for n, d in m.parameters.items() if not d.array_valued]
POSITIVE_PARAMS = [(m, n) for m, n in SCALARS if m.parameters[n].allowed is POSITIVE]
NON_NEGATIVE_PARAMS = [(m, n) for m, n in SCALARS if m.parameters[n].allowed is NON_NEGATIVE]


def _id(x):
    return getattr(x, "__name__", x)


@pytest.mark.parametrize("model,name", POSITIVE_PARAMS, ids=_id)
@pytest.mark.parametrize("bad", [0.0, -1.0])
def test_non_positive_values_are_refused(model, name, bad):
    with pytest.raises(errors.InvalidParameterValueError) as info:
        model(**{name: bad})
    assert name in str(info.value) and repr(bad) in str(info.value) and model.__name__ in str(info.value)


@pytest.mark.parametrize("model,name", NON_NEGATIVE_PARAMS, ids=_id)
def test_negative_values_are_refused(model, name):
    with pytest.raises(errors.InvalidParameterValueError, match=name):
        model(**{name: -0.5})


@pytest.mark.parametrize("model,name", SCALARS, ids=_id)
@pytest.mark.parametrize("bad", [math.nan, math.inf, "fast"])
def test_nan_inf_and_strings_are_refused(model, name, bad):
    with pytest.raises(errors.InvalidParameterValueError, match=name):
        model(**{name: bad})


@pytest.mark.parametrize("model", GIF_CELL_TYPES, ids=_id)
def test_unknown_parameter_lists_the_valid_names(model):
    with pytest.raises(errors.NonExistentParameterError) as info:
        model(tau_mm=3.0)
    assert all(valid in str(info.value) for valid in model.parameters)


@pytest.mark.parametrize("model", GIF_CELL_TYPES, ids=_id)
def test_kernel_time_constants_must_be_positive(model):
    with pytest.raises(errors.InvalidParameterValueError, match="tau_gamma.*-2.0.*> 0"):
        sim.Population(2, model(tau_gamma=[1.0, -2.0], a_gamma=[1.0, 1.0]))


@pytest.mark.parametrize("model", GIF_CELL_TYPES, ids=_id)
def test_kernel_arrays_of_a_pair_must_have_equal_length(model):
    with pytest.raises(errors.InvalidParameterValueError, match="tau_gamma and a_gamma of equal length"):
        sim.Population(2, model(tau_gamma=[10.0, 100.0], a_gamma=[1.0]))


def test_population_model_needs_a_threshold_element_and_whole_sizes():
    with pytest.raises(errors.InvalidParameterValueError, match="at least one threshold element"):
        sim.Population(1, sim.GIF_pop_curr_exp(tau_gamma=[], a_gamma=[]))
    for name, bad in (("N", 2.5), ("N", 0.0), ("len_kernel", 0.0), ("len_kernel", 3.5),
                      ("binomial", 0.5)):
        with pytest.raises(errors.InvalidParameterValueError, match=name):
            sim.GIF_pop_curr_exp(**{name: bad})


def test_array_parameters_per_neuron_shared_or_empty():
    cells = sim.Population(3, sim.GIF_curr_exp(
        tau_eta=[Sequence([5.0]), Sequence([5.0, 50.0]), Sequence([])],
        a_eta=[Sequence([0.1]), Sequence([0.1, 0.2]), Sequence([])],
        tau_gamma=[10.0, 100.0], a_gamma=[1.0, 2.0]))
    eta = cells.get("tau_eta")
    assert [len(x) for x in eta] == [1, 2, 0]
    assert all(np.array_equal(x, [10.0, 100.0]) for x in cells.get("tau_gamma"))


def test_binomial_takes_booleans_and_recordables_have_units():
    pops = sim.Population(2, sim.GIF_pop_curr_exp(N=[800, 200], binomial=False))
    assert pops.get("binomial") == 0.0 and list(pops.get("N")) == [800.0, 200.0]
    units = sim.GIF_pop_curr_exp.units()
    assert units["mean"] == units["n_events"] == "dimensionless" and units["v_t"] == "mV"
    with pytest.raises(errors.RecordingError, match="mean"):
        sim.Population(2, sim.GIF_curr_exp()).record("mean")


def test_step_current_delay_must_be_non_negative():
    with pytest.raises(errors.InvalidParameterValueError, match="delay"):
        sim.StepCurrentSource(times=[1.0], amplitudes=[0.1], delay=-0.5)


def test_step_current_delay_off_the_grid_is_refused_before_running():
    cells = sim.Population(1, sim.GIF_curr_exp(lambda0=0.0))
    sim.StepCurrentSource(times=[1.0], amplitudes=[0.1], delay=0.25).inject_into(cells)
    with pytest.raises(errors.InvalidParameterValueError, match="delay.*multiple of the time step"):
        sim.run(1.0)
