# coding: utf-8
"""NEST's HPC benchmark (seed 002) in pynnlite: a balanced random network of
scale * 11,250 neurons with power-law STDP on the excitatory-excitatory
synapses (Morrison, Aertsen & Diesmann 2007; Helias et al. 2012; Kunkel et
al. 2014).

iaf_psc_alpha neurons (IF_curr_alpha: alpha-shaped currents with a peak of
``weight``), 11,250 inputs per neuron whatever the scale (fixed in-degree
9,000 excitatory + 2,250 inhibitory, multapses allowed, no autapses), E->E
synapses with NEST's stdp_pl_synapse_hom (PowerLawWeightDependence: lambda 0.1
for weights in pA, alpha 0.0513, mu 0.4, tau_plus 15 ms, tau_minus 30 ms),
static synapses elsewhere, and an independent Poisson drive of ~20.9 kHz per
neuron (PoissonGenerator, NEST's poisson_generator). The PSP amplitude JE =
0.14 mV is converted into a PSC peak in pA as the seed does (then to nA).

The fixed in-degree projections are drawn natively, as the seed draws them
(NEST's fixed_indegree): ``FixedNumberPreConnector(..., native=True)``, so the
backend draws the 126.6 M connections at build instead of the frontend
generating and keeping them. The numba engine draws them chunk by chunk with
its counter-based generator (a pure function of the seed; pynnlite_numba's
native.py), NEST with its own generator, E->E STDP synapses included on both.
The two backends therefore draw different (equally distributed) networks. ``--frontend`` generates every
projection in the frontend instead (the same network on every backend).

As the seed warns, at scale 1 the in-degree is large compared with the
network: inputs are strongly correlated, weights grow and the network drifts
towards synchrony, hence the short 50 ms presimulation and 250 ms simulation.
Below a scale of about 0.5 it turns synchronous at once (use such scales as
load tests only).

The run is logged as the seed logs it (``<line> <rank> <value> # <what>``):
build time of nodes and of edges, memory after nodes, after edges, after the
presimulation and after the simulation (virtual size and resident set, kB),
presimulation and simulation times, and the average rate of the recorded
excitatory neurons. ``average rate`` is the seed's formula (all recorded
spikes, presimulation included, divided by Nrec * simtime); ``rate in the
simulation phase`` counts only the spikes of the simulation phase.

Usage: python hpc_benchmark.py [-h] [--scale SCALE] [--simtime MS] [--presimtime MS]
                               [--seed SEED] [--threads N] [--static] [--frontend] simulator
"""
import os
import time

import numpy as np
from scipy.special import lambertw

#: the seed's parameters (NEST units where the seed gives them: pA, pF)
PARAMS = {
    "scale": 1.0, "simtime": 250.0, "presimtime": 50.0, "dt": 0.1, "Nrec": 1000,
    "NE": 9000, "NI": 2250,
    "tau_m": 10.0, "C_m": 250.0, "t_ref": 0.5, "V_th": 20.0, "V_reset": 0.0, "E_L": 0.0,
    "tau_syn": 0.32582722403722841,
    "mean_potential": 5.7, "sigma_potential": 7.2,
    "delay": 1.5, "JE": 0.14, "g": -5.0, "eta": 1.685,
    "stdp": {"alpha": 0.0513, "lambda": 0.1, "mu": 0.4, "tau_plus": 15.0, "tau_minus": 30.0},
    "seed": 12345,
}


def psc_peak_per_psp_peak(tau_m, tau_syn, C_m):
    """PSC amplitude (pA) that gives a 1 mV PSP peak at rest (iaf_psc_alpha):
    the seed's convert_synapse_weight, with scipy's Lambert W (branch -1)."""
    a = tau_m / tau_syn
    b = 1.0 / tau_syn - 1.0 / tau_m
    t_rise = 1.0 / b * (-lambertw(-np.exp(-1.0 / a) / a, k=-1).real - 1.0 / a)
    v_max = np.exp(1.0) / (tau_syn * C_m * b) * (
        (np.exp(-t_rise / tau_m) - np.exp(-t_rise / tau_syn)) / b
        - t_rise * np.exp(-t_rise / tau_syn))
    return 1.0 / v_max


def derived(p=PARAMS):
    """JE in pA and the Poisson rate per neuron (Hz), as the seed computes them."""
    CE = p["NE"]     # int(NE / scale) with NE = 9000 * scale
    JE_pA = psc_peak_per_psp_peak(p["tau_m"], p["tau_syn"], p["C_m"]) * p["JE"]
    nu_thresh = p["V_th"] / (CE * p["tau_m"] / p["C_m"] * JE_pA * np.exp(1.0) * p["tau_syn"])
    return JE_pA, nu_thresh * p["eta"] * CE * 1000.0


def memory_kb():
    """(virtual size, resident set, peak resident set) of this process, kB."""
    out = {}
    with open("/proc/self/status") as f:
        for line in f:
            key, _, value = line.partition(":")
            if key in ("VmSize", "VmRSS", "VmHWM"):
                out[key] = int(value.split()[0])
    return out.get("VmSize", 0), out.get("VmRSS", 0), out.get("VmHWM", 0)


class Logger:
    """Prints ``<line> <rank> <value> # <name>`` as the seed's Logger does, and
    keeps the values."""

    def __init__(self, verbose=True, rank=0):
        self.values, self.line, self.verbose, self.rank = {}, 0, verbose, rank

    def log(self, value, name):
        self.values[name] = value
        if self.verbose:
            print(f"{self.line} {self.rank} {value} # {name}", flush=True)
        self.line += 1

    def memory(self, when):
        virt, rss, peak = memory_kb()
        self.log(virt, f"virt_mem_{when}")
        self.log(rss, f"rss_{when}")
        self.values[f"peak_rss_{when}"] = peak


def build_and_run(backend="numba", scale=1.0, simtime=None, presimtime=None, seed=None,
                  threads=1, plastic=True, verbose=True, native=True):
    """Build the seed network on ``backend``, presimulate, simulate; return the
    logged values (times in s, memory in kB) and the counts. ``native``: the
    backend draws the in-degree projections (where it can), else the frontend
    generates them."""
    import pynnlite as sim
    from pynnlite.random import NumpyRNG, RandomDistribution
    from pynnlite.utility import spike_digest

    p = PARAMS
    simtime = p["simtime"] if simtime is None else float(simtime)
    presimtime = p["presimtime"] if presimtime is None else float(presimtime)
    seed = p["seed"] if seed is None else int(seed)
    log = Logger(verbose)
    log.memory("0")

    tic = time.perf_counter()
    NE, NI = int(p["NE"] * scale), int(p["NI"] * scale)
    CE, CI = int(NE / scale), int(NI / scale)
    JE_pA, rate = derived(p)
    JE = JE_pA / 1000.0                                    # pA -> nA
    sim.setup(timestep=p["dt"], min_delay=p["delay"], max_delay=p["delay"], backend=backend,
              seed=seed, threads=threads)
    cell = sim.IF_curr_alpha(v_rest=p["E_L"], cm=p["C_m"] / 1000.0, tau_m=p["tau_m"],
                             tau_refrac=p["t_ref"], v_thresh=p["V_th"], v_reset=p["V_reset"],
                             tau_syn_E=p["tau_syn"], tau_syn_I=p["tau_syn"], i_offset=0.0)
    E = sim.Population(NE, cell, label="E")
    I = sim.Population(NI, cell, label="I")
    rng = NumpyRNG(seed=seed)
    v_init = RandomDistribution("normal", mu=p["mean_potential"], sigma=p["sigma_potential"],
                                rng=rng)
    E.initialize(v=v_init)
    I.initialize(v=v_init)
    E_stimulus = sim.Population(1, sim.PoissonGenerator(rate=rate), label="E_stimulus")
    log.log(time.perf_counter() - tic, "build_time_nodes")
    log.memory("after_nodes")

    tic = time.perf_counter()
    syn_ex = sim.StaticSynapse(weight=JE, delay=p["delay"])
    syn_in = sim.StaticSynapse(weight=p["g"] * JE, delay=p["delay"])
    if plastic:
        s = p["stdp"]
        syn_ee = sim.STDPMechanism(
            timing_dependence=sim.SpikePairRule(tau_plus=s["tau_plus"], tau_minus=s["tau_minus"],
                                                A_plus=s["lambda"],
                                                A_minus=s["lambda"] * s["alpha"]),
            weight_dependence=sim.PowerLawWeightDependence(mu=s["mu"]),
            weight=JE, delay=p["delay"])
    else:
        syn_ee = syn_ex

    caps = sim.get_simulation().backend_class.capabilities
    native_plastic = native and plastic and "native_plastic" in caps.features

    def indegree(n, native=native):
        return sim.FixedNumberPreConnector(n, with_replacement=True, allow_self_connections=False,
                                           rng=rng, native=native)

    sim.Projection(E_stimulus, E, sim.AllToAllConnector(), syn_ex, receptor_type="excitatory")
    sim.Projection(E_stimulus, I, sim.AllToAllConnector(), syn_ex, receptor_type="excitatory")
    ee = indegree(CE, native_plastic or (native and not plastic))
    projections = [sim.Projection(E, E, ee, syn_ee, receptor_type="excitatory"),
                   sim.Projection(I, E, indegree(CI), syn_in, receptor_type="inhibitory"),
                   sim.Projection(E, I, indegree(CE), syn_ex, receptor_type="excitatory"),
                   sim.Projection(I, I, indegree(CI), syn_in, receptor_type="inhibitory")]
    n_rec = min(p["Nrec"], NE)
    E[:n_rec].record("spikes")
    simulation = sim.get_simulation()
    simulation.build()
    log.log(time.perf_counter() - tic, "build_edge_time")
    log.memory("after_edges")

    tic = time.perf_counter()
    sim.run(presimtime)
    log.log(time.perf_counter() - tic, "presim_time")
    log.memory("after_presim")
    presim_spikes = E[:n_rec].mean_spike_count() * n_rec

    tic = time.perf_counter()
    sim.run(simtime)
    log.log(time.perf_counter() - tic, "sim_time")
    log.memory("after_sim")
    all_spikes = E[:n_rec].mean_spike_count() * n_rec
    log.log(all_spikes / (n_rec * simtime) * 1e3, "average rate")
    log.log((all_spikes - presim_spikes) / (n_rec * simtime) * 1e3,
            "rate in the simulation phase")

    result = dict(log.values, backend=backend, scale=scale, simtime=simtime,
                  presimtime=presimtime, seed=seed, threads=threads, plastic=plastic,
                  native=native,
                  # every target has CE + CI inputs (asking native projections for
                  # their size() would fetch all their connections from the backend)
                  n_neurons=NE + NI, n_synapses=(NE + NI) * (CE + CI),
                  n_rec=n_rec, n_spikes_sim=int(round(all_spikes - presim_spikes)),
                  compile_s=dict(getattr(simulation._backend, "timings", {})).get("compile_s", 0.0),
                  poisson_rate_hz=rate, JE_pA=JE_pA, spike_digest=spike_digest(E))
    sim.end()
    return result


def main():
    from pynnlite.utility import get_simulator
    _, options = get_simulator(
        ("--scale", "network size = scale * 11,250 neurons (in-degree stays 11,250)",
         {"type": float, "default": PARAMS["scale"]}),
        ("--simtime", "simulated time after the presimulation (ms)",
         {"type": float, "default": PARAMS["simtime"]}),
        ("--presimtime", "presimulation time (ms)", {"type": float, "default": PARAMS["presimtime"]}),
        ("--seed", "seed of all random numbers", {"type": int, "default": PARAMS["seed"]}),
        ("--threads", "number of threads", {"type": int, "default": 1}),
        ("--static", "static E->E synapses instead of power-law STDP", {"action": "store_true"}),
        ("--frontend", "generate the in-degree projections in the frontend instead of drawing "
         "them natively in the backend (the default: FixedNumberPreConnector(native=True), "
         "NEST's fixed_indegree)", {"action": "store_true"}))
    r = build_and_run(options.simulator, options.scale, options.simtime, options.presimtime,
                      options.seed, options.threads, plastic=not options.static,
                      native=not options.frontend)
    print(f"\n{r['n_neurons']} neurons, {r['n_synapses']} synapses; peak resident memory "
          f"{r['peak_rss_after_sim'] / 1e6:.2f} GB = "
          f"{r['peak_rss_after_sim'] * 1024 / r['n_synapses']:.1f} bytes per synapse; "
          f"process {os.getpid()}")


if __name__ == "__main__":
    main()
