"""Reference runs of single NEST neurons for the engine tests (nest module used
directly; units converted here: nA -> pA, nF -> pF, uS -> nS)."""
import numpy as np

NEST_MODEL = {"IF_curr_exp": "iaf_psc_exp", "IF_curr_alpha": "iaf_psc_alpha",
              "IF_cond_exp": "iaf_cond_exp"}


def nest_params(model, p, v0):
    """PyNN parameters of one neuron as NEST's."""
    out = {"C_m": p["cm"] * 1000.0, "E_L": p["v_rest"], "V_reset": p["v_reset"],
           "V_th": p["v_thresh"], "t_ref": p["tau_refrac"], "I_e": p["i_offset"] * 1000.0,
           "tau_syn_ex": p["tau_syn_E"], "tau_syn_in": p["tau_syn_I"], "V_m": v0}
    if model == "IF_cond_exp":
        out.update(g_L=p["cm"] / p["tau_m"] * 1000.0, E_ex=p["e_rev_E"], E_in=p["e_rev_I"])
    else:
        out["tau_m"] = p["tau_m"]
    return out


def run_nest(nest, model, params, v0, h, t_stop, spikes=(), step_current=None, record="V_m"):
    """Simulate one NEST neuron for t_stop ms at resolution h.

    spikes: iterable of (time ms, weight nA or uS, delay ms): one spike_generator
    per input spike so that every spike has its own weight.
    step_current: (times ms, amplitudes nA) in pynnlite's convention; NEST gets
    a step_current_generator with times shifted by -h, connected with delay h.
    Returns (sample times, samples, spike times): samples at k*h, k >= 1.
    """
    nest.ResetKernel()
    nest.verbosity = nest.VerbosityLevel.ERROR
    nest.resolution = h
    neuron = nest.Create(NEST_MODEL[model], params=nest_params(model, params, v0))
    max_delay = h
    for t, w, d in spikes:
        gen = nest.Create("spike_generator", params={"spike_times": [float(t)]})
        nest.Connect(gen, neuron, syn_spec={"weight": float(w) * 1000.0, "delay": float(d)})
        max_delay = max(max_delay, d)
    if step_current is not None:
        times, amps = step_current
        gen = nest.Create("step_current_generator", params={
            "amplitude_times": [float(t - h) for t in times],
            "amplitude_values": [float(a) * 1000.0 for a in amps]})
        nest.Connect(gen, neuron, syn_spec={"delay": h})
    mm = nest.Create("multimeter", params={"interval": h, "record_from": [record]})
    nest.Connect(mm, neuron)
    sr = nest.Create("spike_recorder")
    nest.Connect(neuron, sr)
    # data can lag by up to min_delay: simulate a little longer and cut
    nest.Simulate(t_stop + 2 * max_delay + 2 * h)
    ev = mm.get("events")
    keep = ev["times"] <= t_stop + 1e-9 * h
    order = np.argsort(ev["times"][keep])
    times = ev["times"][keep][order]
    samples = ev[record][keep][order]
    st = sr.get("events")["times"]
    return times, samples, np.sort(st[st <= t_stop + 1e-9 * h])
