"""Bad input is refused before any simulation time is spent (CHECKS.md 24-28),
with an error from pynnlite.errors naming the parameter, the value and what is
allowed. None of these tests runs the engine."""
import math

import numpy as np
import pytest
import quantities as pq

import pynnlite as sim
from pynnlite import errors
from pynnlite.models import STANDARD_CELL_TYPES, STANDARD_CURRENT_SOURCES
from pynnlite.models.base import POSITIVE, NON_NEGATIVE


@pytest.fixture(autouse=True)
def simulation():
    sim.setup(timestep=0.1)
    yield
    sim.end()


def _scalar_parameters(model, constraint):
    return [(model, name) for name, d in model.parameters.items()
            if d.allowed is constraint and not d.array_valued]


POSITIVE_PARAMS = [p for m in STANDARD_CELL_TYPES for p in _scalar_parameters(m, POSITIVE)]
NON_NEGATIVE_PARAMS = [p for m in STANDARD_CELL_TYPES for p in _scalar_parameters(m, NON_NEGATIVE)]
ALL_SCALAR_PARAMS = [(m, n) for m in STANDARD_CELL_TYPES for n, d in m.parameters.items()
                     if not d.array_valued]


@pytest.mark.parametrize("model,name", POSITIVE_PARAMS, ids=lambda x: getattr(x, "__name__", x))
@pytest.mark.parametrize("bad", [0.0, -1.0])
def test_non_positive_values_are_refused(model, name, bad):
    with pytest.raises(errors.InvalidParameterValueError) as info:
        model(**{name: bad})
    message = str(info.value)
    assert name in message and repr(bad) in message and "> 0" in message and model.__name__ in message


@pytest.mark.parametrize("model,name", NON_NEGATIVE_PARAMS, ids=lambda x: getattr(x, "__name__", x))
def test_negative_values_are_refused(model, name):
    with pytest.raises(errors.InvalidParameterValueError, match=name):
        model(**{name: -0.5})


@pytest.mark.parametrize("model,name", ALL_SCALAR_PARAMS, ids=lambda x: getattr(x, "__name__", x))
@pytest.mark.parametrize("bad", [math.nan, math.inf, "fast"])
def test_nan_inf_and_strings_are_refused(model, name, bad):
    with pytest.raises(errors.InvalidParameterValueError, match=name):
        model(**{name: bad})


@pytest.mark.parametrize("model,name", POSITIVE_PARAMS, ids=lambda x: getattr(x, "__name__", x))
def test_bad_value_inside_an_array_is_refused_at_population_creation(model, name):
    values = np.full(5, 1.0)
    values[3] = -2.0
    with pytest.raises(errors.InvalidParameterValueError, match=f"{name}.*-2.0"):
        sim.Population(5, model(**{name: values}))


# AdEx types (those with v_spike) may reset above v_thresh, as NEST's do: their
# rule is v_reset < v_spike (tests/unit/test_adex_models.py)
@pytest.mark.parametrize("model", [m for m in STANDARD_CELL_TYPES
                                   if "v_reset" in m.parameters and "v_spike" not in m.parameters])
def test_reset_at_or_above_threshold_is_refused(model):
    with pytest.raises(errors.InvalidParameterValueError, match="v_reset < v_thresh"):
        sim.Population(3, model(v_reset=-50.0, v_thresh=-50.0))
    p = sim.Population(3, model())
    with pytest.raises(errors.InvalidParameterValueError, match="v_reset"):
        p[1:2].set(v_reset=-40.0)
    assert p.get("v_reset") == model.parameters["v_reset"].default, "a refused set changes nothing"


@pytest.mark.parametrize("model", STANDARD_CELL_TYPES + STANDARD_CURRENT_SOURCES)
def test_unknown_parameter_is_named_with_the_valid_names(model):
    with pytest.raises(errors.NonExistentParameterError) as info:
        model(tau_mm=3.0)
    message = str(info.value)
    assert "tau_mm" in message
    assert all(valid in message for valid in model.parameters)


def test_units_are_converted_or_refused_by_name():
    p = sim.Population(2, sim.IF_curr_exp(tau_m=0.02 * pq.s, cm=250 * pq.pF))
    assert p.get("tau_m") == pytest.approx(20.0) and p.get("cm") == pytest.approx(0.25)
    with pytest.raises(errors.InvalidParameterValueError, match="tau_m.*ms"):
        sim.IF_curr_exp(tau_m=20 * pq.mV)


def test_state_variable_given_to_set_points_to_initialize():
    p = sim.Population(2, sim.IF_curr_exp())
    with pytest.raises(errors.NonExistentParameterError, match="initialize"):
        p.set(v=-60.0)
    with pytest.raises(errors.NonExistentParameterError, match="isyn_exc"):
        p.initialize(u=1.0)


@pytest.mark.parametrize("size", [0, -3, 2.5, True])
def test_population_size_must_be_positive_whole(size):
    with pytest.raises(errors.InvalidParameterValueError, match="size"):
        sim.Population(size, sim.IF_curr_exp())


def test_wrong_number_of_values_is_refused():
    with pytest.raises(errors.InvalidDimensionsError, match="3 values for 4"):
        sim.Population(4, sim.IF_curr_exp(tau_m=[10.0, 20.0, 30.0]))


# --- delays (check 26)

@pytest.mark.parametrize("delay", [0.05, 0.0, -1.0, 0.25, math.nan])
def test_bad_delays_are_refused(delay):
    a = sim.Population(3, sim.IF_curr_exp())
    with pytest.raises(errors.InvalidParameterValueError, match="delay"):
        sim.Projection(a, a, sim.AllToAllConnector(), sim.StaticSynapse(weight=0.1, delay=delay))


def test_delays_are_rounded_only_when_allowed_and_then_with_a_warning():
    sim.setup(timestep=0.1, round_delays=True)
    a = sim.Population(3, sim.IF_curr_exp())
    with pytest.warns(errors.RoundingWarning, match=r"0\.25 -> 0\.2"):
        prj = sim.Projection(a, a, sim.AllToAllConnector(), sim.StaticSynapse(weight=0.1, delay=0.25))
    assert np.allclose(prj.get("delay", format="array"), 0.2)


def test_delay_above_max_delay_is_refused():
    sim.setup(timestep=0.1, min_delay=0.1, max_delay=1.0)
    a = sim.Population(3, sim.IF_curr_exp())
    with pytest.raises(errors.InvalidParameterValueError, match="max_delay"):
        sim.Projection(a, a, sim.AllToAllConnector(), sim.StaticSynapse(weight=0.1, delay=1.5))


# --- connections (check 27)

def test_unknown_receptor_names_the_options():
    a = sim.Population(3, sim.IF_curr_exp())
    with pytest.raises(errors.ConnectionError, match="'gaba'.*excitatory, inhibitory"):
        sim.Projection(a, a, sim.AllToAllConnector(), sim.StaticSynapse(weight=0.1),
                       receptor_type="gaba")


def test_projection_onto_a_spike_source_is_refused():
    a = sim.Population(3, sim.IF_curr_exp())
    s = sim.Population(3, sim.SpikeSourcePoisson())
    with pytest.raises(errors.ConnectionError, match="SpikeSourcePoisson"):
        sim.Projection(a, s, sim.AllToAllConnector())


@pytest.mark.parametrize("receptor,weight", [("inhibitory", 0.1), ("excitatory", -0.1)])
def test_current_based_weight_sign_must_match_receptor(receptor, weight):
    a = sim.Population(3, sim.IF_curr_exp())
    with pytest.raises(errors.InvalidWeightError, match=receptor):
        sim.Projection(a, a, sim.AllToAllConnector(), sim.StaticSynapse(weight=weight),
                       receptor_type=receptor)


def test_conductance_weights_must_be_non_negative():
    a = sim.Population(3, sim.IF_cond_exp())
    with pytest.raises(errors.InvalidWeightError, match="conductance"):
        sim.Projection(a, a, sim.AllToAllConnector(), sim.StaticSynapse(weight=-0.1),
                       receptor_type="inhibitory")


def test_one_to_one_size_mismatch_names_both_sizes():
    a = sim.Population(3, sim.IF_curr_exp())
    b = sim.Population(4, sim.IF_curr_exp())
    with pytest.raises(errors.InvalidDimensionsError, match="3.*4"):
        sim.Projection(a, b, sim.OneToOneConnector())


@pytest.mark.parametrize("p", [-0.1, 1.5, math.nan])
def test_probability_outside_unit_interval_is_refused(p):
    with pytest.raises(errors.InvalidParameterValueError, match="p_connect"):
        sim.FixedProbabilityConnector(p)


# --- recording and running (check 28)

def test_recording_an_unknown_variable_lists_the_valid_ones():
    a = sim.Population(3, sim.IF_curr_exp())
    with pytest.raises(errors.RecordingError) as info:
        a.record("gsyn_exc")
    assert "gsyn_exc" in str(info.value)
    for valid in sim.IF_curr_exp.recordable:
        assert valid in str(info.value)


def test_sampling_interval_must_be_on_the_grid():
    a = sim.Population(3, sim.IF_curr_exp())
    with pytest.raises(errors.InvalidParameterValueError, match="sampling_interval"):
        a.record("v", sampling_interval=0.15)


def test_run_zero_is_a_no_op_and_get_data_still_works():
    a = sim.Population(3, sim.IF_curr_exp())
    a.record("spikes")
    assert sim.run(0) == 0.0
    assert sim.get_current_time() == 0.0
    block = a.get_data()
    assert len(block.segments) == 1


@pytest.mark.parametrize("duration", [-1.0, math.nan, math.inf, 0.05, "10"])
def test_bad_durations_are_refused(duration):
    sim.Population(3, sim.IF_curr_exp())
    with pytest.raises(errors.InvalidParameterValueError, match="simtime"):
        sim.run(duration)
    assert sim.get_current_time() == 0.0


def test_bad_setup_values_are_refused():
    for kwargs, name in [({"timestep": 0}, "timestep"), ({"timestep": -0.1}, "timestep"),
                         ({"timestep": 0.1, "min_delay": 0.05}, "min_delay"),
                         ({"timestep": 0.1, "threads": 0}, "threads"),
                         ({"timestep": 0.1, "seed": -4}, "seed")]:
        with pytest.raises(errors.InvalidParameterValueError, match=name):
            sim.setup(**kwargs)


def test_unknown_backend_lists_the_registered_ones():
    with pytest.raises(errors.BackendError, match="numba"):
        sim.setup(backend="brian9")


def test_step_current_source_needs_matching_increasing_times():
    with pytest.raises(errors.InvalidParameterValueError, match="times"):
        sim.StepCurrentSource(times=[1.0, 2.0], amplitudes=[0.1])
    with pytest.raises(errors.InvalidParameterValueError, match="increasing"):
        sim.StepCurrentSource(times=[2.0, 1.0], amplitudes=[0.1, 0.2])
