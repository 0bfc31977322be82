# coding: utf-8
"""Clopath rule: bidirectional connections (seed 001).

NEST's example clopath_synapse_small_network.py in pynnlite, adapted from
Clopath et al. (2010) Nature Neuroscience 13:344, fig. 5: ten excitatory and
three inhibitory AdEx neurons with Clopath traces (EIF_psc_delta_clopath),
randomly connected and driven by 500 Poisson sources whose rates follow a
Gaussian profile (amplitude 30 Hz x 1.75, sd 10 sources) centred every
100 ms on one of ten equally spaced positions, drawn at random. Input ->
excitatory and excitatory -> excitatory synapses are ClopathSynapses; the
example shows that the rule can make connections bidirectional.

As in the seed: the excitatory -> excitatory weights start at 0.25 mV
(w_max 0.75), input -> excitatory ones uniform in [0.5, 2] mV (w_max 3),
input -> inhibitory static uniform in [0, 0.5] mV; every excitatory cell
projects onto the inhibitory ones with a fixed in-degree of 8 and every
inhibitory cell onto 6 excitatory ones (weights 1 mV, depolarising as in the
seed; multapses allowed, as NEST's rules); all delays 0.1 ms; initial
potentials normal(-60, 25) mV. Each Poisson source drives exactly one target
train (the seed's poisson_generator -> parrot_neuron pair), so
SpikeSourcePoisson, one shared train per source, is the seed's model. The
seed's b = 0.0805 is in NEST's pA.

Run as the seed writes it, the weights barely move (A_LTP = 8e-6,
A_LTD = 14e-6, ten times smaller than in the paper). ``--paper`` takes the
learning rates of Clopath et al. 2010 (A_LTP = 8e-5, A_LTD = 14e-5, NEST's
defaults) and simulates 40 s, long enough for strong connections to form and
to become bidirectional as in the paper's fig. 5. It also sets the
homeostatic reference u_ref^2 (A_LTD scaled by ū̄^2 / u_ref^2) to E_L^2:
NEST's ū̄ is the absolute filtered potential (about E_L), not the
depolarisation of the paper, so the seed's u_ref^2 = 3600 mV^2 makes
depression 1.4 times the paper's A_LTD at rest, and with the paper's rates
the input weights then decay until the network falls silent before any
structure forms; with u_ref^2 = E_L^2 depression has the paper's amplitude at
rest and grows with depolarisation.

``--frozen`` replaces the Poisson sources by fixed trains drawn with numpy
from the same rates (SpikeSourceArray), so that two backends simulate the
same input, spike for spike.

The script prints the change of the excitatory -> excitatory weights
(mean, std, min, max), the excitatory and inhibitory rates, the number of
excitatory pairs whose weights both exceed w_max / 2 (bidirectional) and of
those where only one does (unidirectional), and plots the weight-change
matrix as NEST's example does.

Usage: python clopath_bidirectional.py [-h] [--seed SEED] [--paper] [--time MS]
                                       [--frozen] [--figure PATH] simulator

  simulator   backend: numba (pynnlite's engine) or nest
"""
import time

import numpy as np

#: the seed's numbers (pynnlite units: ms, mV, nA, nF)
PARAMS = {
    "dt": 0.1, "delay": 0.1, "t_sim": 10000.0, "interval": 100.0,
    "n_exc": 10, "n_inh": 3, "n_input": 500,
    "cell": {"g_L_nS": 30.0, "cm": 0.281, "tau_u_bar_plus": 7.0, "tau_u_bar_minus": 10.0,
             "tau_w": 144.0, "a": 4.0, "delta_T": 2.0, "v_spike": 20.0, "t_clamp": 2.0,
             "A_LTP": 8.0e-6, "A_LTD": 14.0e-6, "A_LTD_const": False, "b": 0.0805e-3,
             "u_ref_squared": 60.0 ** 2},
    # Clopath et al. 2010's rates; u_ref^2 = E_L^2, see the module docstring
    "paper_rates": {"A_LTP": 8.0e-5, "A_LTD": 14.0e-5, "u_ref_squared": 70.6 ** 2},
    "paper_time": 40000.0,
    "v_init": (-60.0, 25.0),
    "pg_A": 30.0, "pg_sigma": 10.0, "pg_factor": 1.75,
    "w_input_exc": (0.5, 2.0), "wmax_input_exc": 3.0,
    "w_input_inh": (0.0, 0.5),
    "w_exc_exc": 0.25, "wmax_exc_exc": 0.75,
    "w_exc_inh": 1.0, "indegree_exc_inh": 8,
    "w_inh_exc": 1.0, "outdegree_inh_exc": 6,
}


def rate_profile(mu):
    """Rates (Hz) of the 500 sources for a Gaussian centred on source ``mu``."""
    p = PARAMS
    j = np.arange(p["n_input"])
    return p["pg_A"] * np.exp(-(j - mu) ** 2 / (2 * p["pg_sigma"] ** 2)) * p["pg_factor"]


def frozen_trains(seed, centres, t_sim):
    """The input as fixed spike trains, drawn here with numpy: per source and time
    step a Poisson count of mean rate * dt, stamped at the end of the step (as
    SpikeSourcePoisson's spikes are). Both backends then see the same input."""
    p = PARAMS
    rng = np.random.default_rng([seed, 1])
    per = int(round(p["interval"] / p["dt"]))
    parts = []
    for k, c in enumerate(centres):
        counts = rng.poisson(rate_profile(25 + 50 * int(c))[:, None] * p["dt"] / 1000.0,
                             (p["n_input"], per))
        src, step = np.nonzero(counts)
        reps = counts[src, step]
        parts.append((np.repeat(src, reps), np.repeat(k * per + step + 1, reps)))
    src = np.concatenate([a for a, _ in parts])
    steps = np.concatenate([b for _, b in parts])
    order = np.lexsort((steps, src))
    src, steps = src[order], steps[order]
    bounds = np.searchsorted(src, np.arange(p["n_input"] + 1))
    return [np.round(steps[bounds[i]:bounds[i + 1]] * p["dt"], 10) for i in range(p["n_input"])]


def build(sim, seed, paper=False, trains=None):
    """The network on the current simulator; returns (exc, inh, inputs, exc->exc
    projection). ``trains``: fixed input spike trains instead of Poisson sources."""
    p = PARAMS
    rng = sim.NumpyRNG(seed=seed)
    c = {**p["cell"], **(p["paper_rates"] if paper else {})}
    cell = sim.EIF_psc_delta_clopath(
        cm=c["cm"], tau_m=c["cm"] / (c["g_L_nS"] / 1000.0),
        **{k: v for k, v in c.items() if k not in ("g_L_nS", "cm")})
    exc = sim.Population(p["n_exc"], cell, label="excitatory")
    inh = sim.Population(p["n_inh"], cell, label="inhibitory")
    source = (sim.SpikeSourcePoisson(rate=0.0) if trains is None
              else sim.SpikeSourceArray(spike_times=[sim.Sequence(t) for t in trains]))
    inputs = sim.Population(p["n_input"], source, label="input")
    d = p["delay"]
    uniform = lambda lo, hi: sim.RandomDistribution("uniform", (lo, hi), rng=rng)  # noqa: E731
    sim.Projection(inputs, exc, sim.AllToAllConnector(),
                   sim.ClopathSynapse(weight=uniform(*p["w_input_exc"]), delay=d,
                                      w_max=p["wmax_input_exc"]), label="input->exc")
    sim.Projection(inputs, inh, sim.AllToAllConnector(),
                   sim.StaticSynapse(weight=uniform(*p["w_input_inh"]), delay=d),
                   label="input->inh")
    ee = sim.Projection(exc, exc, sim.AllToAllConnector(allow_self_connections=False),
                        sim.ClopathSynapse(weight=p["w_exc_exc"], delay=d,
                                           w_max=p["wmax_exc_exc"]), label="exc->exc")
    sim.Projection(exc, inh, sim.FixedNumberPreConnector(p["indegree_exc_inh"],
                                                         with_replacement=True, rng=rng),
                   sim.StaticSynapse(weight=p["w_exc_inh"], delay=d), label="exc->inh")
    # the seed's inhibitory -> excitatory weights are +1 (depolarising): kept as they are
    sim.Projection(inh, exc, sim.FixedNumberPostConnector(p["outdegree_inh_exc"],
                                                          with_replacement=True, rng=rng),
                   sim.StaticSynapse(weight=p["w_inh_exc"], delay=d), label="inh->exc")
    for pop in (exc, inh):
        pop.initialize(v=sim.RandomDistribution("normal", p["v_init"], rng=rng))
    exc.record("spikes")
    inh.record("spikes")
    return exc, inh, inputs, ee


def run_network(backend, seed=1, paper=False, t_sim=None, threads=1, frozen=False):
    """Build and run the network on ``backend``; returns a dict of results:
    the E->E weight matrix before and after, rates, timings. ``frozen``: the
    input as fixed spike trains drawn from the same rates (frozen_trains)."""
    import pynnlite as sim
    p = PARAMS
    if t_sim is None:
        t_sim = p["paper_time"] if paper else p["t_sim"]
    t0 = time.perf_counter()
    sim.setup(timestep=p["dt"], min_delay=p["delay"], backend=backend, threads=threads,
              rng_seed=seed)
    centres = np.random.default_rng(seed).integers(0, 10, int(round(t_sim / p["interval"])))
    trains = frozen_trains(seed, centres, t_sim) if frozen else None
    exc, inh, inputs, ee = build(sim, seed, paper, trains)
    w_before = ee.get("weight", format="array")
    simulation = sim.get_simulation()
    simulation.build()
    compile_s = getattr(simulation._backend, "timings", {}).get("compile_s", 0.0)
    t_built = time.perf_counter()
    if frozen:
        sim.run(t_sim)
    for k in centres if not frozen else ():
        inputs.set(rate=rate_profile(25 + 50 * int(k)))
        sim.run(p["interval"])
    t_run = time.perf_counter()
    w_after = ee.get("weight", format="array")
    rates = [float(np.mean([len(st) for st in pop.get_data().segments[0].spiketrains]))
             / (t_sim / 1000.0) for pop in (exc, inh)]
    n_synapses = sum(prj.size() for prj in simulation.projections)
    sim.end()
    return {"w_before": w_before, "w_after": w_after, "rate_exc": rates[0], "rate_inh": rates[1],
            "build_s": t_built - t0 - compile_s, "compile_s": compile_s,
            "run_s": t_run - t_built, "t_sim": t_sim,
            "n_synapses": n_synapses}


def summary(res):
    """The figures the example prints: statistics of the E->E weight change and
    the numbers of bidirectional and unidirectional strong pairs."""
    off = ~np.eye(PARAMS["n_exc"], dtype=bool)
    change = (res["w_after"] - res["w_before"])[off]
    strong = res["w_after"] > PARAMS["wmax_exc_exc"] / 2
    np.fill_diagonal(strong, False)
    both = strong & strong.T
    return {"mean": change.mean(), "std": change.std(), "min": change.min(), "max": change.max(),
            "mean_weight": res["w_after"][off].mean(), "max_weight": res["w_after"][off].max(),
            "bidirectional": int(both.sum() // 2),
            "unidirectional": int((strong & ~strong.T).sum())}


def plot(res, path, title):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    change = res["w_after"] - res["w_before"]
    np.fill_diagonal(change, 0.0)
    fig, ax = plt.subplots(figsize=(5.5, 4.5))
    image = ax.imshow(change, cmap="viridis")
    fig.colorbar(image, ax=ax, label="weight change (mV)")
    ticks = np.arange(0, PARAMS["n_exc"], 2)
    ax.set_xticks(ticks, [str(t + 1) for t in ticks])
    ax.set_yticks(ticks, [str(t + 1) for t in ticks])
    ax.set_xlabel("to neuron")
    ax.set_ylabel("from neuron")
    ax.set_title(title, fontsize=9)
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)


def main():
    from pynnlite.utility import get_simulator
    sim, options = get_simulator(
        ("--seed", "seed of the random numbers", {"type": int, "default": 1}),
        ("--paper", "learning rates of Clopath et al. 2010 and a longer run",
         {"action": "store_true"}),
        ("--time", "simulated time (ms); default 10 s, 40 s with --paper", {"type": float}),
        ("--frozen", "fixed input trains drawn with numpy (the same on every backend) "
                     "instead of Poisson sources", {"action": "store_true"}),
        ("--figure", "file for the weight-change matrix",
         {"default": "clopath_bidirectional.png"}))
    res = run_network(options.simulator, options.seed, options.paper, options.time,
                      frozen=options.frozen)
    s = summary(res)
    mode = "paper learning rates" if options.paper else "seed parameters"
    print(f"{options.simulator}, {mode}, seed {options.seed}, {res['t_sim'] / 1000:g} s simulated")
    print(f"build {res['build_s']:.2f} s, compile {res['compile_s']:.2f} s, "
          f"simulation {res['run_s']:.2f} s")
    print(f"rates: excitatory {res['rate_exc']:.2f} Hz, inhibitory {res['rate_inh']:.2f} Hz")
    print(f"E->E weights (start 0.25 mV): mean {s['mean_weight']:.4f}, max {s['max_weight']:.4f}")
    print(f"E->E weight change: mean {s['mean']:.5f}, std {s['std']:.5f}, "
          f"min {s['min']:.5f}, max {s['max']:.5f} mV")
    print(f"excitatory pairs with both weights above w_max/2: {s['bidirectional']} "
          f"bidirectional; unidirectional strong connections: {s['unidirectional']}")
    plot(res, options.figure, f"Change of E->E weights ({options.simulator}, {mode}, "
                              f"seed {options.seed})")
    print(f"figure: {options.figure}")


if __name__ == "__main__":
    main()
