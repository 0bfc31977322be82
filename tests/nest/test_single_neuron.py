"""The adapter against hand-written native NEST runs of the same neuron: the
same NEST model fed the same input on the same steps must give bit-identical
traces and spike steps (tolerance 0: any difference is a timing or unit bug)."""
import numpy as np
import pytest

from native import run_native
from spec_builder import SpecBuilder
from pynnlite_nest import NestBackend

PARAMS = {
    "IF_curr_exp": dict(cm=0.25, tau_m=10.0, v_rest=-70.0, v_reset=-70.0, v_thresh=-55.0,
                        tau_refrac=2.0, tau_syn_E=2.0, tau_syn_I=4.0, i_offset=0.5),
    "IF_curr_alpha": dict(cm=0.25, tau_m=10.0, v_rest=-70.0, v_reset=-70.0, v_thresh=-55.0,
                          tau_refrac=2.0, tau_syn_E=0.5, tau_syn_I=1.0, i_offset=0.5),
    "IF_cond_exp": dict(cm=0.25, tau_m=10.0, v_rest=-65.0, v_reset=-70.0, v_thresh=-55.0,
                        tau_refrac=2.0, tau_syn_E=2.0, tau_syn_I=4.0, i_offset=0.3,
                        e_rev_E=0.0, e_rev_I=-80.0),
}
SIGNALS = {"IF_curr_exp": ("v", "isyn_exc", "isyn_inh"), "IF_curr_alpha": ("v", "isyn_exc", "isyn_inh"),
           "IF_cond_exp": ("v", "gsyn_exc", "gsyn_inh")}


def _inputs(model, rng, dt, t_stop, n_sources):
    """Spike times on and off the grid, one weight per source, half inhibitory."""
    times = [np.sort(rng.uniform(2 * dt, t_stop - 5.0, 20)) for _ in range(n_sources)]
    scale = 0.02 if model == "IF_cond_exp" else 0.8
    weights = rng.uniform(0.2, 1.0, n_sources) * scale
    inhibitory = np.arange(n_sources) % 2 == 1
    delays = dt * rng.integers(1, 20, n_sources)
    return times, weights, inhibitory, delays


@pytest.mark.parametrize("model", sorted(PARAMS))
@pytest.mark.parametrize("dt", [0.1, 0.01])
def test_traces_identical_to_native_nest(model, dt):
    rng = np.random.default_rng(11)
    t_stop = 60.0
    n_sources = 10
    times, weights, inhibitory, delays = _inputs(model, rng, dt, t_stop, n_sources)
    step = (np.array([1.0, 20.0, 35.5]), np.array([0.3, -0.2, 0.6]))
    v0 = -62.0

    b = SpecBuilder(dt=dt)
    src = b.population("SpikeSourceArray", n_sources, spike_times=times)
    cell = b.population(model, 1, initial={"v": v0}, **PARAMS[model])
    for k in range(n_sources):
        sign = -1.0 if inhibitory[k] and model != "IF_cond_exp" else 1.0
        b.connect(src, cell, [k], [0], sign * weights[k], delays[k],
                  "inhibitory" if inhibitory[k] else "excitatory")
    b.inject("StepCurrentSource", [(cell, [0])], times=step[0], amplitudes=step[1])
    for var in SIGNALS[model]:
        b.record(cell, var)
    b.record(cell, "spikes")
    backend = NestBackend()
    backend.build(b.spec())
    n_steps = int(round(t_stop / dt))
    backend.run(n_steps // 3)
    backend.run(n_steps - n_steps // 3)
    chunk = backend.fetch_recorded()[cell]
    spikes = np.rint(chunk.spike_times / dt).astype(np.int64)

    # native: NEST routes by weight sign; inhibitory conductances negative
    nest_inputs = [(np.ceil(t / dt - 1e-9) * dt, (-1.0 if inhibitory[k] else 1.0) * weights[k] * 1000.0,
                    delays[k]) for k, t in enumerate(times)]
    native, native_spikes = run_native(model, PARAMS[model], v0, dt, t_stop, nest_inputs,
                                       step_current=step, variables=SIGNALS[model])
    assert len(native_spikes) > 0, "the scenario should make the neuron fire"
    np.testing.assert_array_equal(spikes, native_spikes)
    v = chunk.signals["v"]
    assert v.t_start == 0.0 and v.values[0, 0] == v0          # the t=0 sample: initial value
    np.testing.assert_array_equal(v.values[1:, 0], native["v"])
    for var in SIGNALS[model][1:]:
        sig = chunk.signals[var].values[1:, 0]
        factor = 1e-3                                       # pA -> nA, nS -> uS
        # iaf_psc_* currents: the sample at the current time arrives with the next run
        expected = native[var][:len(sig)] * factor
        np.testing.assert_array_equal(sig, expected)
