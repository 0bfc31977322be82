"""Seed 001 written directly against NEST (no pynnlite), as NEST's example
clopath_synapse_small_network.py does it: 10 excitatory and 3 inhibitory
aeif_psc_delta_clopath neurons, 500 poisson_generators each relayed by a
parrot_neuron, Clopath synapses input -> excitatory and excitatory ->
excitatory, the generators' rates set to a Gaussian profile every 100 ms
(100 Simulate calls of 100 ms). Timed phase by phase: build (nodes and
connections), simulate.

Usage: python clopath_nest.py [--tstop MS] [--seed S] [--threads N]
"""
import argparse
import time

import numpy as np

from common import report


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--tstop", type=float, default=10000.0)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    import nest
    nest.verbosity = nest.VerbosityLevel.ERROR
    nest.ResetKernel()
    nest.resolution = 0.1
    nest.local_num_threads = args.threads
    nest.rng_seed = args.seed
    delay = 0.1
    t_import = time.perf_counter()
    params = {"V_m": -30.6, "g_L": 30.0, "w": 0.0, "tau_u_bar_plus": 7.0,
              "tau_u_bar_minus": 10.0, "tau_w": 144.0, "a": 4.0, "C_m": 281.0, "Delta_T": 2.0,
              "V_peak": 20.0, "t_clamp": 2.0, "A_LTP": 8.0e-6, "A_LTD": 14.0e-6,
              "A_LTD_const": False, "b": 0.0805, "u_ref_squared": 60.0 ** 2}
    exc = nest.Create("aeif_psc_delta_clopath", 10, params)
    inh = nest.Create("aeif_psc_delta_clopath", 3, params)
    parrots = nest.Create("parrot_neuron", 500)
    pg = nest.Create("poisson_generator", 500)
    nest.Connect(pg, parrots, "one_to_one", {"synapse_model": "static_synapse", "weight": 1.0,
                                             "delay": delay})
    nest.CopyModel("clopath_synapse", "clopath_input_to_exc", {"Wmax": 3.0})
    nest.Connect(parrots, exc, {"rule": "all_to_all"},
                 {"synapse_model": "clopath_input_to_exc",
                  "weight": nest.random.uniform(0.5, 2.0), "delay": delay})
    nest.Connect(parrots, inh, {"rule": "all_to_all"},
                 {"synapse_model": "static_synapse", "weight": nest.random.uniform(0.0, 0.5),
                  "delay": delay})
    nest.CopyModel("clopath_synapse", "clopath_exc_to_exc", {"Wmax": 0.75})
    nest.Connect(exc, exc, {"rule": "all_to_all", "allow_autapses": False},
                 {"synapse_model": "clopath_exc_to_exc", "weight": 0.25, "delay": delay})
    nest.Connect(exc, inh, {"rule": "fixed_indegree", "indegree": 8},
                 {"synapse_model": "static_synapse", "weight": 1.0, "delay": delay})
    nest.Connect(inh, exc, {"rule": "fixed_outdegree", "outdegree": 6},
                 {"synapse_model": "static_synapse", "weight": 1.0, "delay": delay})
    exc.V_m = nest.random.normal(-60.0, 25.0)
    inh.V_m = nest.random.normal(-60.0, 25.0)
    sr = nest.Create("spike_recorder")
    nest.Connect(exc + inh, sr)
    w0 = np.array(nest.GetConnections(exc, exc).weight)
    t_build = time.perf_counter()
    rng = np.random.default_rng(args.seed)
    j = np.arange(500)
    for _ in range(int(round(args.tstop / 100.0))):
        mu = 25 + int(rng.integers(0, 10)) * 50
        pg.rate = 30.0 * np.exp(-(j - mu) ** 2 / (2 * 10.0 ** 2)) * 1.75
        nest.Simulate(100.0)
    t_sim = time.perf_counter()
    ev = sr.get("events")
    senders = np.asarray(ev["senders"])
    change = np.array(nest.GetConnections(exc, exc).weight) - w0
    report(engine="nest", case="Clopath (seed 001)", threads=args.threads,
           build_s=t_build - t_import, compile_s=0.0, simulate_s=t_sim - t_build,
           n_neurons=13, n_synapses=int(nest.num_connections),
           exc_rate_hz=float(np.isin(senders, exc.tolist()).sum() / 10 / (args.tstop / 1000.0)),
           inh_rate_hz=float(np.isin(senders, inh.tolist()).sum() / 3 / (args.tstop / 1000.0)),
           **{f"ee_weight_change_{k}": float(getattr(np, k)(change))
              for k in ("mean", "std", "min", "max")})


if __name__ == "__main__":
    main()
