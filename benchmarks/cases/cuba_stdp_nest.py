"""CUBA-STDP (seed 000) written directly against NEST 3.10, as the seed does
(iaf_psc_exp, fixed_indegree with autapses and multapses, stdp_synapse on
E->E, one poisson_generator per population connected all-to-all, 500
recorded neurons per population), timed phase by phase: build (Create and
Connect, plus Prepare, where NEST finishes its connection tables), simulate.

Usage: python cuba_stdp_nest.py [--threads N] [--scale S] [--simtime MS] [--seed S]
"""
import argparse
import time

import numpy as np

from common import report
from seeds import CUBA_STDP as P


def run(scale=1.0, simtime=None, seed=None, threads=1, weights=False):
    """Build and run the seed network on NEST; return timings, counts, rates
    and, with ``weights``, the final E->E weight distribution (pA -> nA, as
    pynnlite reports it; slow: NEST builds a status dictionary per connection,
    read here 1e5 at a time, ~10 us each)."""
    simtime = P["simtime"] if simtime is None else simtime
    seed = P["seed"] if seed is None else seed
    import nest
    nest.set_verbosity("M_ERROR")
    nest.ResetKernel()
    nest.SetKernelStatus({"resolution": P["dt"], "local_num_threads": threads, "rng_seed": seed})
    NE, NI = int(P["NE"] * scale), int(P["NI"] * scale)
    N = NE + NI
    CE, CI = int(NE * P["epsilon"]), int(NI * P["epsilon"])
    n_rec = min(P["Nrec"], NE, NI)
    c = P["cell"]
    JE = P["JE"] * 1000.0                          # nA -> pA
    t_build = time.perf_counter()
    nest.SetDefaults("iaf_psc_exp", {"E_L": c["v_rest"], "V_th": c["v_thresh"],
                                     "V_reset": c["v_reset"], "C_m": c["cm"] * 1000.0,
                                     "tau_m": c["tau_m"], "t_ref": c["tau_refrac"],
                                     "tau_syn_ex": c["tau_syn_E"], "tau_syn_in": c["tau_syn_I"],
                                     "tau_minus": P["stdp"]["tau_minus"]})
    E = nest.Create("iaf_psc_exp", NE)
    I = nest.Create("iaf_psc_exp", NI)
    E_stimulus = nest.Create("poisson_generator", params={"rate": P["rate"]})
    I_stimulus = nest.Create("poisson_generator", params={"rate": P["rate"]})
    E_recorder = nest.Create("spike_recorder")
    I_recorder = nest.Create("spike_recorder")
    v = np.random.default_rng(seed).normal(P["v_mean"], P["v_sigma"], N)
    (E + I).V_m = np.minimum(v, c["v_thresh"] - 0.1)
    nest.CopyModel("static_synapse", "syn_ex", {"weight": JE, "delay": P["delay"]})
    nest.CopyModel("static_synapse", "syn_in", {"weight": -JE * P["g"], "delay": P["delay"]})
    s = P["stdp"]
    nest.SetDefaults("stdp_synapse", {"delay": P["delay"], "alpha": s["alpha"],
                                      "lambda": s["lambda"], "tau_plus": s["tau_plus"],
                                      "Wmax": s["w_max"] * 1000.0, "mu_plus": 1.0,
                                      "mu_minus": 1.0})
    nest.Connect(E_stimulus, E, "all_to_all", "syn_ex")
    nest.Connect(I_stimulus, I, "all_to_all", "syn_ex")
    nest.Connect(E, E, {"rule": "fixed_indegree", "indegree": CE},
                 {"synapse_model": "stdp_synapse",
                  "weight": nest.random.normal(JE, P["sigma_w"] * 1000.0)})
    nest.Connect(E, I, {"rule": "fixed_indegree", "indegree": CE}, "syn_ex")
    nest.Connect(I, E, {"rule": "fixed_indegree", "indegree": CI}, "syn_in")
    nest.Connect(I, I, {"rule": "fixed_indegree", "indegree": CI}, "syn_in")
    nest.Connect(E[:n_rec], E_recorder)
    nest.Connect(I[:n_rec], I_recorder)
    nest.Prepare()
    build = time.perf_counter() - t_build
    t_sim = time.perf_counter()
    nest.Run(simtime)
    nest.Cleanup()
    simulate = time.perf_counter() - t_sim
    rate_e = E_recorder.n_events / (n_rec * simtime / 1000.0)
    rate_i = I_recorder.n_events / (n_rec * simtime / 1000.0)
    n_syn = (CE + CI) * N
    result = dict(engine="nest", case="CUBA-STDP", threads=threads, scale=scale, build_s=build,
                compile_s=0.0, simulate_s=simulate, n_neurons=N, n_synapses=n_syn,
                n_spikes=int(round((rate_e * NE + rate_i * NI) * simtime / 1000.0)),
                exc_rate_hz=float(rate_e), inh_rate_hz=float(rate_i))
    if weights:
        conns = nest.GetConnections(E, E)
        n = len(conns)
        w = np.concatenate([np.atleast_1d(conns[i:min(n, i + 100_000)].get("weight"))
                            for i in range(0, n, 100_000)]) / 1000.0
        result.update(w_ee_mean=float(w.mean()), w_ee_std=float(w.std()))
    return result


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--simtime", type=float, default=None)
    parser.add_argument("--tstop", type=float, default=None, help="same as --simtime")
    parser.add_argument("--seed", type=int, default=None)
    parser.add_argument("--weights", action="store_true", help="also the final E->E weights")
    args = parser.parse_args()
    report(**run(args.scale, args.simtime or args.tstop, args.seed, args.threads, args.weights))


if __name__ == "__main__":
    main()
