"""NEST's HPC benchmark (seed 002) written directly against NEST 3.10, as the
seed does (iaf_psc_alpha, fixed_indegree without autapses and with multapses,
stdp_pl_synapse_hom on E->E, one poisson_generator connected all-to-all, 1,000
recorded excitatory neurons), timed phase by phase: build of nodes, build of
edges (Connect, plus Prepare, where NEST finishes its connection tables),
presimulation and simulation; resident memory after each phase.

Usage: python hpc_nest.py [--threads N] [--scale S] [--simtime MS] [--presimtime MS] [--seed S]
                          [--static]
"""
import argparse
import time

import numpy as np

from common import report
from seeds import HPC as P, hpc_benchmark


def run(scale=1.0, simtime=None, presimtime=None, seed=None, threads=1, plastic=True):
    """Build and run the seed network on NEST; return timings, memory, counts
    and the rate of the recorded neurons."""
    simtime = P["simtime"] if simtime is None else simtime
    presimtime = P["presimtime"] if presimtime is None else presimtime
    seed = P["seed"] if seed is None else seed
    import nest
    nest.set_verbosity("M_ERROR")
    nest.ResetKernel()
    mem = {"rss_0_kb": hpc_benchmark.memory_kb()[1]}
    nest.SetKernelStatus({"resolution": P["dt"], "local_num_threads": threads, "rng_seed": seed})
    NE, NI = int(P["NE"] * scale), int(P["NI"] * scale)
    CE, CI = int(NE / scale), int(NI / scale)
    JE_pA, rate = hpc_benchmark.derived(P)
    s = P["stdp"]
    tic = time.perf_counter()
    params = {"E_L": P["E_L"], "C_m": P["C_m"], "tau_m": P["tau_m"], "t_ref": P["t_ref"],
              "V_th": P["V_th"], "V_reset": P["V_reset"], "tau_syn_ex": P["tau_syn"],
              "tau_syn_in": P["tau_syn"], "tau_minus": s["tau_minus"], "V_m": P["mean_potential"]}
    E = nest.Create("iaf_psc_alpha", NE, params=params)
    I = nest.Create("iaf_psc_alpha", NI, params=params)
    random_vm = nest.random.normal(P["mean_potential"], P["sigma_potential"])
    E.V_m = random_vm
    I.V_m = random_vm
    stimulus = nest.Create("poisson_generator", 1, {"rate": rate})
    recorder = nest.Create("spike_recorder")
    build_nodes = time.perf_counter() - tic
    mem["rss_after_nodes_kb"] = hpc_benchmark.memory_kb()[1]

    tic = time.perf_counter()
    nest.SetDefaults("static_synapse_hpc", {"delay": P["delay"]})
    nest.CopyModel("static_synapse_hpc", "syn_ex", {"weight": JE_pA})
    nest.CopyModel("static_synapse_hpc", "syn_in", {"weight": P["g"] * JE_pA})
    nest.SetDefaults("stdp_pl_synapse_hom_hpc", {"delay": P["delay"], "alpha": s["alpha"],
                                                  "lambda": s["lambda"], "mu": s["mu"],
                                                  "tau_plus": s["tau_plus"], "weight": JE_pA})
    nest.Connect(stimulus, E, "all_to_all", "syn_ex")
    nest.Connect(stimulus, I, "all_to_all", "syn_ex")

    def indegree(n):
        return {"rule": "fixed_indegree", "indegree": n, "allow_autapses": False,
                "allow_multapses": True}

    nest.Connect(E, E, indegree(CE), "stdp_pl_synapse_hom_hpc" if plastic else "syn_ex")
    nest.Connect(I, E, indegree(CI), "syn_in")
    nest.Connect(E, I, indegree(CE), "syn_ex")
    nest.Connect(I, I, indegree(CI), "syn_in")
    n_rec = min(P["Nrec"], NE)
    nest.Connect(E[:n_rec], recorder, "all_to_all", "static_synapse_hpc")
    nest.Prepare()
    build_edges = time.perf_counter() - tic
    mem["rss_after_edges_kb"] = hpc_benchmark.memory_kb()[1]

    tic = time.perf_counter()
    nest.Run(presimtime)
    presim = time.perf_counter() - tic
    mem["rss_after_presim_kb"] = hpc_benchmark.memory_kb()[1]
    presim_spikes = recorder.n_events
    tic = time.perf_counter()
    nest.Run(simtime)
    simulate = time.perf_counter() - tic
    nest.Cleanup()
    mem["rss_after_sim_kb"] = hpc_benchmark.memory_kb()[1]
    all_spikes = recorder.n_events
    rate_sim = (all_spikes - presim_spikes) / (n_rec * simtime / 1000.0)
    N = NE + NI
    return dict(engine="nest", case="HPC benchmark", threads=threads, scale=scale, plastic=plastic,
                build_s=build_nodes + build_edges, build_nodes_s=build_nodes,
                build_edges_s=build_edges, compile_s=0.0, presimulate_s=presim,
                simulate_s=simulate, n_neurons=N, n_synapses=(CE + CI) * N,
                # spikes of the simulation phase, all neurons, from the recorded ones' rate
                n_spikes=int(round(rate_sim * N * simtime / 1000.0)),
                exc_rate_hz=float(rate_sim),
                seed_average_rate_hz=float(all_spikes / (n_rec * simtime / 1000.0)), **mem)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--simtime", type=float, default=None)
    parser.add_argument("--presimtime", type=float, default=None)
    parser.add_argument("--seed", type=int, default=None)
    parser.add_argument("--static", action="store_true", help="static E->E synapses")
    args = parser.parse_args()
    report(**run(args.scale, args.simtime, args.presimtime, args.seed, args.threads,
                 not args.static))


if __name__ == "__main__":
    main()
