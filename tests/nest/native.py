"""Hand-written native NEST runs of single neurons, to compare the adapter
with (units converted here: nA -> pA, nF -> pF, uS -> nS)."""
import os

import numpy as np

os.environ.setdefault("PYNEST_QUIET", "1")
import nest  # noqa: E402

MODEL = {"IF_curr_exp": "iaf_psc_exp", "IF_curr_alpha": "iaf_psc_alpha",
         "IF_cond_exp": "iaf_cond_exp"}
RECORDABLE = {"v": "V_m", "isyn_exc": "I_syn_ex", "isyn_inh": "I_syn_in",
              "gsyn_exc": "g_ex", "gsyn_inh": "g_in"}


def nest_params(model, p):
    out = {"C_m": p["cm"] * 1000.0, "E_L": p["v_rest"], "V_reset": p["v_reset"],
           "V_th": p["v_thresh"], "t_ref": p["tau_refrac"], "I_e": p["i_offset"] * 1000.0,
           "tau_syn_ex": p["tau_syn_E"], "tau_syn_in": p["tau_syn_I"]}
    if model == "IF_cond_exp":
        out.update(g_L=p["cm"] / p["tau_m"] * 1000.0, E_ex=p["e_rev_E"], E_in=p["e_rev_I"])
    else:
        out["tau_m"] = p["tau_m"]
    return out


def run_native(model, params, v0, h, t_stop, inputs=(), step_current=None, variables=("v",),
               changes=()):
    """One NEST neuron for t_stop ms.

    inputs: (spike times ms, weight in NEST units (pA or nS, signed), delay ms);
    step_current: (times, amplitudes nA) in PyNN's convention (a value for time
    t acts on (t, t+h]); NEST gets the times shifted by -h and delay h, which
    needs every time >= 2h.
    changes: (time ms, {NEST parameter: value}) set between Simulate calls.
    Returns ({variable: samples at h, 2h, ..., t_stop}, spike steps).
    """
    nest.ResetKernel()
    nest.verbosity = nest.VerbosityLevel.ERROR
    nest.resolution = h
    neuron = nest.Create(MODEL[model], params={**nest_params(model, params), "V_m": v0})
    for times, w, d in inputs:
        gen = nest.Create("spike_generator", params={"spike_times": list(times)})
        nest.Connect(gen, neuron, syn_spec={"weight": w, "delay": d})
    if step_current is not None:
        times, amps = step_current
        gen = nest.Create("step_current_generator", params={
            "amplitude_times": [t - h for t in times],
            "amplitude_values": [a * 1000.0 for a in amps]})
        nest.Connect(gen, neuron, syn_spec={"delay": h})
    mm = nest.Create("multimeter", params={"interval": h, "time_in_steps": True,
                                           "record_from": [RECORDABLE[v] for v in variables]})
    nest.Connect(mm, neuron, syn_spec={"delay": h})
    sr = nest.Create("spike_recorder", params={"time_in_steps": True})
    nest.Connect(neuron, sr)
    t = 0.0
    for when, status in sorted(changes, key=lambda c: c[0]):
        nest.Simulate(when - t)
        neuron.set(status)
        t = when
    # the multimeter hands over its last sample one step late: run one more step
    nest.Simulate(t_stop - t + h)
    ev = mm.get("events")
    n_steps = int(round(t_stop / h))
    keep = ev["times"] <= n_steps
    order = np.argsort(ev["times"][keep], kind="stable")
    out = {v: np.asarray(ev[RECORDABLE[v]])[keep][order] for v in variables}
    spikes = np.asarray(sr.get("events")["times"])
    return out, spikes[spikes <= n_steps].astype(np.int64)
