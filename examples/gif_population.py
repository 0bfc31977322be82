# coding: utf-8
"""Population rate model of generalised integrate-and-fire neurons (seed 003).

NEST's gif_pop_psc_exp example in pynnlite: a Brunel network of two coupled
populations, 800 excitatory and 200 inhibitory GIF neurons with two threshold
adaptation time constants (100 ms and 1 s) and escape noise, simulated twice:

- mesoscopically, with GIF_pop_curr_exp (NEST gif_pop_psc_exp; Schwalger,
  Deger & Gerstner 2017, PLoS Comput Biol 13:e1005507): a Population of two
  elements, each a whole population, whose spike events carry the number of
  neurons that fired;
- microscopically, with 1000 GIF_curr_exp neurons (NEST gif_psc_exp),
  fixed in-degree 20 % (multapses and autapses allowed, as NEST's
  fixed_indegree).

All neurons receive a step of their input (mu = R I) from 24 to 44 mV at
t = 1.5 s. The step current follows NEST's example exactly: its generator is
connected with delay dt, so the amplitude set at 1500 ms acts from the step
after (StepCurrentSource(..., delay=dt)). Weights scale as 1 / in-degree
(J C0 / C), and a weight onto a population element is multiplied by the
connection probability, as in the seed.

The figure shows, like the seed's three figures, the population activities
A_N(t) of both simulations, the mesoscopic model's instantaneous rate
Abar(t) (expected count / N / dt) and the membrane potential of five
excitatory neurons of the microscopic run. The script prints the mean
activity of each population before (500-1500 ms, after the initial
transient) and after the step (1500-2000 ms).

Usage: python gif_population.py [-h] [--level both|meso|micro] [--seed SEED]
                                [--tstop MS] [--scale S] [--threads N]
                                [--figure PATH] simulator

  simulator   backend: numba (pynnlite's engine) or nest
"""
import time

import numpy as np

#: the seed's numbers, in pynnlite units (ms, mV, nA, nF, Hz)
PARAMS = {
    "dt": 0.5, "dt_rec": 1.0, "t_end": 2000.0, "sizes": (800, 200),
    "cell": {"tau_refrac": 4.0, "tau_m": 20.0, "cm": 0.25, "lambda0": 10.0, "delta_v": 2.5,
             "v_reset": 0.0, "v_t_star": 15.0, "v_rest": 0.0, "tau_syn_E": 3.0,
             "tau_syn_I": 6.0, "tau_gamma": (100.0, 1000.0), "a_gamma": (10.0, 1.0)},
    "mu": 24.0,                    # mV: i_offset = mu * g_L
    "J": 0.3, "g": 5.0, "pconn": 0.2, "delay": 1.0,
    "step": 20.0, "t_step": 1500.0,   # jump of mu (mV) and its time (ms)
    "n_record_v": 5,
    "windows": {"before": (500.0, 1500.0), "after": (1500.0, 2000.0)},
}


def sizes(scale=1.0):
    return np.round(np.asarray(PARAMS["sizes"]) * scale).astype(int)


def synaptic_weights(n):
    """Weights (nA) of post i from pre j: J_syn g_syn with J_syn = [J, -g J] C0 / C
    (mV; reference in-degrees C0 = 0.2 x (800, 200)) and g_syn = C_m / tau_syn."""
    p = PARAMS
    c0 = np.array([[800, 200], [800, 200]]) * p["pconn"]
    c = np.vstack((n, n)) * p["pconn"]
    j_syn = np.array([[p["J"], -p["g"] * p["J"]]] * 2) * c0 / c
    cm = p["cell"]["cm"]
    g_syn = np.array([[cm / p["cell"]["tau_syn_E"], cm / p["cell"]["tau_syn_I"]]] * 2)
    return j_syn * g_syn


def _cell_parameters():
    p = PARAMS
    cell = dict(p["cell"])
    g_l = cell["cm"] / cell["tau_m"]
    cell["i_offset"] = p["mu"] * g_l
    return cell, g_l


def _step_source(sim, g_l):
    """The seed's step current: amplitude set at dt (0) and at 1500 ms (step x g_L),
    through a connection of delay dt (NEST's timing)."""
    p = PARAMS
    return sim.StepCurrentSource(times=[p["dt"], p["t_step"]],
                                 amplitudes=[0.0, p["step"] * g_l], delay=p["dt"])


def build_and_run(level, backend="numba", seed=1, tstop=None, scale=1.0, threads=1,
                  record_v=True):
    """Build the seed network at ``level`` ('meso' or 'micro') on ``backend``,
    run it for tstop + dt, and return timings and the activities: ``A_N``
    (Hz, one 1 ms bin per row, one column per population), ``Abar`` (meso) and
    ``V`` (micro: the first five excitatory neurons, mV, one row each)."""
    import pynnlite as sim

    p = PARAMS
    tstop = p["t_end"] if tstop is None else float(tstop)
    n = sizes(scale)
    cell, g_l = _cell_parameters()
    w = synaptic_weights(n)
    t0 = time.perf_counter()
    sim.setup(timestep=p["dt"], backend=backend, seed=seed, threads=threads)
    step = _step_source(sim, g_l)
    if level == "meso":
        pops = sim.Population(2, sim.GIF_pop_curr_exp(N=n, **cell), label="populations")
        for j, receptor in enumerate(("excitatory", "inhibitory")):
            sim.Projection(pops[[j]], pops, sim.AllToAllConnector(),
                           sim.StaticSynapse(weight=(w[:, j] * p["pconn"]).reshape(1, 2),
                                             delay=p["delay"]), receptor_type=receptor)
        pops.record("spikes")
        pops.record("mean", sampling_interval=p["dt_rec"])
        groups = [pops[[0]], pops[[1]]]
        step.inject_into(pops)
    else:
        groups = [sim.Population(int(k), sim.GIF_curr_exp(tau_eta=[], a_eta=[], **cell),
                                 initial_values={"v": 0.0}, label=label)
                  for k, label in zip(n, ("exc", "inh"))]
        for i, post in enumerate(groups):
            for j, (pre, receptor) in enumerate(zip(groups, ("excitatory", "inhibitory"))):
                sim.Projection(pre, post, sim.FixedNumberPreConnector(
                    int(p["pconn"] * n[j]), with_replacement=True, allow_self_connections=True),
                    sim.StaticSynapse(weight=w[i, j], delay=p["delay"]), receptor_type=receptor)
        for g in groups:
            g.record("spikes")
            step.inject_into(g)
        if record_v:
            groups[0][:p["n_record_v"]].record("v", sampling_interval=p["dt_rec"])
    simulation = sim.get_simulation()
    simulation.build()
    build = time.perf_counter() - t0
    compile_s = getattr(simulation._backend, "timings", {}).get("compile_s", 0.0)
    t1 = time.perf_counter()
    sim.run(tstop + p["dt"])                 # as the seed: all of (0, tstop] is recorded
    simulate = time.perf_counter() - t1
    t = np.arange(0.0, tstop, p["dt_rec"])
    bins = np.append(t, t[-1] + p["dt_rec"])
    a_n = np.column_stack([np.histogram(_spike_times(g), bins=bins)[0] / float(k)
                           / p["dt_rec"] * 1000.0 for g, k in zip(groups, n)])
    out = dict(level=level, backend=backend, seed=seed, scale=scale, t=t, A_N=a_n, sizes=n,
               build_s=build - compile_s, compile_s=compile_s, simulate_s=simulate,
               n_spikes=int(np.rint((a_n * p["dt_rec"] / 1000.0 * n).sum())))
    if level == "meso":
        mean = pops.get_data("mean").segments[0].filter(name="mean")[0].magnitude
        out["Abar"] = mean[1:len(t) + 1] / n / p["dt"] * 1000.0
    elif record_v:
        v = groups[0].get_data("v").segments[0].filter(name="v")[0].magnitude
        out["V"] = v[1:len(t) + 1].T
    sim.end()
    return out


def _spike_times(cells):
    """All spike times (ms) of a group of cells (a spike of multiplicity k counts k times)."""
    trains = cells.get_data("spikes").segments[0].spiketrains
    return np.concatenate([st.magnitude for st in trains]) if len(trains) else np.zeros(0)


def activity_means(result):
    """Mean activity (Hz) of each population in the windows before and after the step."""
    t, a = result["t"], result["A_N"]
    return {name: a[(t >= lo) & (t < hi)].mean(axis=0)
            for name, (lo, hi) in PARAMS["windows"].items()}


def plot(meso, micro, path):
    """The seed's figures in one PNG: A_N of both runs, Abar, five V_m traces."""
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    n_v = micro["V"].shape[0] if micro is not None and "V" in micro else 0
    rows = 3 + n_v
    fig, axes = plt.subplots(rows, 1, figsize=(8, 2.0 * 3 + 0.9 * n_v), sharex=True,
                             gridspec_kw={"height_ratios": [2, 2, 2] + [1] * n_v})
    labels = ("excitatory", "inhibitory")
    if meso is not None:
        for k in range(2):
            axes[0].plot(meso["t"], meso["A_N"][:, k], lw=0.6, label=labels[k])
            axes[2].plot(meso["t"], meso["Abar"][:, k], lw=0.8, label=labels[k])
    axes[0].set_ylabel(r"$A_N$ [Hz]")
    axes[0].set_title("Population activities (mesoscopic sim.)")
    axes[0].legend(loc="upper left", fontsize=7)
    if micro is not None:
        for k in range(2):
            axes[1].plot(micro["t"], micro["A_N"][:, k], lw=0.6, label=labels[k])
    axes[1].set_ylabel(r"$A_N$ [Hz]")
    axes[1].set_title("Population activities (microscopic sim.)")
    axes[2].set_ylabel(r"$\bar A$ [Hz]")
    axes[2].set_title("Instantaneous population rate (mesoscopic sim.)")
    for i in range(n_v):
        ax = axes[3 + i]
        ax.plot(micro["t"] + PARAMS["dt_rec"], micro["V"][i], lw=0.6, color="k")
        ax.set_yticks((0, 15, 30))
        if i == 0:
            ax.set_title("5 example GIF neurons (microscopic sim.)")
        if i == n_v // 2:
            ax.set_ylabel("membrane potential [mV]")
    axes[-1].set_xlabel("time [ms]")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def main():
    from pynnlite.utility import get_simulator
    _, options = get_simulator(
        ("--level", "meso, micro or both", {"default": "both", "choices": ["both", "meso", "micro"]}),
        ("--seed", "seed of all random numbers", {"type": int, "default": 1}),
        ("--tstop", "simulated time (ms)", {"type": float, "default": PARAMS["t_end"]}),
        ("--scale", "multiply both population sizes", {"type": float, "default": 1.0}),
        ("--threads", "number of threads", {"type": int, "default": 1}),
        ("--figure", "PNG file for the figure ('' for none)",
         {"default": "gif_population.png"}))
    results = {}
    for level in (("meso", "micro") if options.level == "both" else (options.level,)):
        r = build_and_run(level, options.simulator, options.seed, options.tstop, options.scale,
                          options.threads)
        results[level] = r
        means = activity_means(r)
        print(f"{level:5} ({options.simulator}, seed {options.seed}): build {r['build_s']:.2f} s, "
              f"compile {r['compile_s']:.2f} s, simulate {r['simulate_s']:.2f} s")
        for name, (lo, hi) in PARAMS["windows"].items():
            print(f"      mean activity {name:6} the step ({lo:.0f}-{hi:.0f} ms): "
                  f"E {means[name][0]:6.2f} Hz, I {means[name][1]:6.2f} Hz")
    if options.figure:
        plot(results.get("meso"), results.get("micro"), options.figure)
        print(f"figure written to {options.figure}")


if __name__ == "__main__":
    main()
