"""Frontend of the AdEx family, the parrot neuron and the Clopath synapse:
defaults, units and the errors raised before any simulation (check 24)."""
import numpy as np
import pytest
import quantities as pq

import pynnlite as sim
from pynnlite import errors
from pynnlite.models.adex import ADEX_CELL_TYPES, MAX_EXP_ARGUMENT

ADEX = [m for m in ADEX_CELL_TYPES if "v_spike" in m.parameters]


@pytest.fixture(autouse=True)
def _session():
    sim.setup(timestep=0.1, backend="numba")
    yield
    sim.end()


@pytest.mark.parametrize("model", ADEX, ids=lambda m: m.__name__)
def test_reset_at_or_above_spike_value_is_refused(model):
    with pytest.raises(errors.InvalidParameterValueError, match="v_reset < v_spike"):
        sim.Population(2, model(v_reset=40.0, v_spike=40.0))
    # resetting above v_thresh is allowed (bursting AdEx; NEST's pairing protocol)
    sim.Population(2, model(v_reset=-49.6, v_thresh=-50.4))


@pytest.mark.parametrize("model", ADEX, ids=lambda m: m.__name__)
def test_exponential_overflow_is_refused(model):
    """NEST's guard: (v_spike - v_thresh) / delta_T must stay below
    log(DBL_MAX / 1e20), else exp() overflows at a spike."""
    bad = (50.0 + 60.0) / (MAX_EXP_ARGUMENT + 1.0)
    with pytest.raises(errors.InvalidParameterValueError, match="overflow"):
        sim.Population(1, model(v_spike=50.0, v_thresh=-60.0, delta_T=bad))
    sim.Population(1, model(v_spike=50.0, v_thresh=-60.0, delta_T=0.0))   # the IF limit


def test_adaptation_conductance_in_nS_and_quantities():
    cell = sim.EIF_cond_exp_isfa_ista(a=0.004 * pq.uS, b=80.5 * pq.pA)
    assert cell.a == pytest.approx(4.0) and cell.b == pytest.approx(0.0805)


def test_clopath_flags_and_ranges():
    assert sim.EIF_psc_delta_clopath(A_LTD_const=False).A_LTD_const == 0.0
    with pytest.raises(errors.InvalidParameterValueError, match="A_LTP"):
        sim.EIF_psc_delta_clopath(A_LTP=-1e-5)
    with pytest.raises(errors.InvalidParameterValueError, match="A_LTD_const"):
        sim.Population(1, sim.EIF_psc_delta_clopath(A_LTD_const=0.5))
    with pytest.raises(errors.InvalidParameterValueError, match="v_thresh_max"):
        sim.Population(1, sim.EIF_psc_delta_clopath(v_thresh_max=-60.0))
    units = sim.EIF_psc_delta_clopath.units()
    assert units["z"] == "nA" and units["v_th"] == "mV"
    with pytest.raises(errors.NonExistentParameterError):
        sim.Population(1, sim.EIF_psc_delta_clopath(), initial_values={"z": 0.1})


def test_clopath_weight_signs_follow_nest():
    src = sim.Population(2, sim.SpikeSourcePoisson(rate=5.0))
    cells = sim.Population(2, sim.EIF_psc_delta_clopath())
    with pytest.raises(errors.InvalidWeightError, match="w_max"):
        sim.Projection(src, cells, sim.AllToAllConnector(),
                       sim.ClopathSynapse(weight=0.5, w_min=-1.0, w_max=3.0))
    with pytest.raises(errors.InvalidParameterValueError, match="w_min <= w_max"):
        sim.Projection(src, cells, sim.AllToAllConnector(),
                       sim.ClopathSynapse(weight=0.5, w_min=2.0, w_max=1.0))
    prj = sim.Projection(src, cells, sim.AllToAllConnector(),
                         sim.ClopathSynapse(weight=-0.5, w_min=-3.0, w_max=-0.1),
                         receptor_type="inhibitory")
    assert np.all(prj.get("weight", format="array") == -0.5)


def test_parrot_takes_no_current_and_one_receptor():
    parrots = sim.Population(2, sim.ParrotNeuron())
    with pytest.raises(errors.InvalidModelError):
        sim.DCSource(amplitude=1.0).inject_into(parrots)
    with pytest.raises(errors.ConnectionError, match="receptor_type"):
        sim.Projection(parrots, parrots, sim.OneToOneConnector(), receptor_type="inhibitory")
