"""Units, signs and names as NEST receives them, and clear errors for what the
NEST backend lacks."""
import nest
import pytest

from spec_builder import SpecBuilder
from pynnlite.errors import (InvalidParameterValueError, NoModelAvailableError, RecordingError)
from pynnlite.network import PopulationSpec
from pynnlite_nest import NestBackend


def _cond_net():
    b = SpecBuilder(dt=0.1)
    src = b.population("SpikeSourceArray", 2, spike_times=[[1.0], [2.0]])
    cells = b.population("IF_cond_exp", 3, cm=0.5, tau_m=25.0, i_offset=0.15, e_rev_E=5.0,
                         e_rev_I=-75.0, initial={"v": -60.0, "gsyn_exc": 0.002})
    b.connect(src, cells, [0, 0], [0, 1], [0.004, 0.006], 0.3, "excitatory")
    b.connect(src, cells, [1], [2], [0.05], 0.2, "inhibitory")
    return b, src, cells


def test_parameters_in_nest_units():
    b, src, cells = _cond_net()
    backend = NestBackend()
    backend.build(b.spec())
    nodes = backend.cells[cells]
    status = nodes.get(["C_m", "g_L", "I_e", "E_ex", "E_in", "V_m", "g_ex", "tau_syn_ex", "V_th"])
    # exact factors of 1000 and g_L = cm / tau_m: the arithmetic is the same,
    # so equality to the last bit is expected
    assert status["C_m"] == (500.0,) * 3
    assert status["g_L"] == (0.5 / 25.0 * 1000.0,) * 3
    assert status["I_e"] == (150.0,) * 3
    assert status["E_ex"] == (5.0,) * 3 and status["E_in"] == (-75.0,) * 3
    assert status["tau_syn_ex"] == (5.0,) * 3 and status["V_th"] == (-50.0,) * 3
    assert status["V_m"] == (-60.0,) * 3            # initial values set after the lead-in
    assert status["g_ex"] == (2.0,) * 3              # uS -> nS
    assert backend.get_state(cells, "gsyn_exc", [0, 2]).tolist() == [0.002, 0.002]


def test_inhibitory_conductance_weights_negated_in_nest():
    b, src, cells = _cond_net()
    backend = NestBackend()
    backend.build(b.spec())
    conns = nest.GetConnections(source=backend.sources[src].parrots, target=backend.cells[cells])
    got = sorted(zip(conns.get("target"), conns.get("weight")))
    first = backend.cells[cells][0].global_id
    # NEST routes input by sign: the inhibitory conductance arrives as -50 nS
    assert got == [(first, 4.0), (first + 1, 6.0), (first + 2, -50.0)]
    # and comes back in pynnlite's convention
    assert backend.get_connection_values(1, "weight").tolist() == [0.05]
    assert backend.get_connection_values(0, "weight").tolist() == [0.004, 0.006]


def test_recorded_units_and_signs():
    b = SpecBuilder(dt=0.1)
    src = b.population("SpikeSourceArray", 1, spike_times=[[1.0]])
    curr = b.population("IF_curr_exp", 1)
    cond = b.population("IF_cond_exp", 1)
    b.connect(src, curr, [0], [0], [-0.5], 0.1, "inhibitory")
    b.connect(src, cond, [0], [0], [0.01], 0.1, "inhibitory")
    b.record(curr, "isyn_inh")
    b.record(cond, "gsyn_inh")
    backend = NestBackend()
    backend.build(b.spec())
    backend.run(30)
    rec = backend.fetch_recorded()
    isyn = rec[curr].signals["isyn_inh"].values[:, 0]
    gsyn = rec[cond].signals["gsyn_inh"].values[:, 0]
    # the spike stamped 1.0 ms with delay 0.1 ms lands in the step ending 1.1 ms:
    # sample 11 holds the full jump, in nA (negative) and uS (positive)
    assert isyn[10] == 0.0 and isyn[11] == pytest.approx(-0.5, rel=1e-12)
    assert gsyn[10] == 0.0 and gsyn[11] == pytest.approx(0.01, rel=1e-12)


def test_unsupported_initial_synaptic_current_is_refused():
    b = SpecBuilder()
    b.population("IF_curr_exp", 2, initial={"isyn_exc": 0.1})
    with pytest.raises(NoModelAvailableError, match="isyn_exc.*I_syn_ex"):
        NestBackend().build(b.spec())


def test_synaptic_current_not_readable_as_state():
    b = SpecBuilder()
    cells = b.population("IF_curr_alpha", 2)
    backend = NestBackend()
    backend.build(b.spec())
    with pytest.raises(NoModelAvailableError, match="isyn_inh.*iaf_psc_alpha"):
        backend.get_state(cells, "isyn_inh", [0])
    with pytest.raises(NoModelAvailableError):
        backend.set_state(cells, "isyn_exc", [0], [0.1])
    with pytest.raises(RecordingError, match="gsyn_exc"):
        backend.get_state(cells, "gsyn_exc", [0])


def test_unknown_model_and_recordable_refused_before_building():
    b = SpecBuilder()
    b.population("IF_curr_exp", 1)
    spec = b.spec()
    odd = PopulationSpec(index=1, label="odd", model="HH_cond_exp", size=1, first_id=5,
                         parameters={}, initial_values={})
    bad = type(spec)(**{**spec.__dict__, "populations": spec.populations + (odd,)})
    with pytest.raises(NoModelAvailableError, match="HH_cond_exp.*IF_cond_exp"):
        NestBackend().build(bad)
    b.record(0, "gsyn_exc")
    with pytest.raises(RecordingError, match="gsyn_exc"):
        NestBackend().build(b.spec())


def test_delay_beyond_nest_max_delay_refused():
    b = SpecBuilder(dt=0.1, min_delay=0.1)
    src = b.population("SpikeSourceArray", 1, spike_times=[[1.0]])
    cells = b.population("IF_curr_exp", 1)
    b.connect(src, cells, [0], [0], [0.5], 1.0)
    backend = NestBackend()
    backend.build(b.spec())
    backend.set_connection_values(0, "delay", [0.5])
    assert backend.get_connection_values(0, "delay").tolist() == [0.5]
    with pytest.raises(InvalidParameterValueError, match="delay.*max_delay"):
        backend.set_connection_values(0, "delay", [2.0])
    assert backend.get_connection_values(0, "delay").tolist() == [0.5]


def test_threads_seed_and_resolution_passed_to_nest():
    b = SpecBuilder(dt=0.05, seed=4321, threads=2)
    b.population("IF_curr_exp", 4)
    NestBackend().build(b.spec())
    status = nest.GetKernelStatus(["resolution", "local_num_threads", "rng_seed"])
    assert status == (0.05, 2, 4321)
