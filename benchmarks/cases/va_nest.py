"""VA CUBA/COBA written directly against NEST (no pynnlite, no PyNN), the way
a NEST user would: iaf_psc_exp / iaf_cond_exp, pairwise_bernoulli connectivity,
poisson_generator + parrot_neuron stimulus for COBA (PyNN's SpikeSourcePoisson).

Usage: python va_nest.py CUBA|COBA [--threads N] [--tstop MS] [--seed S]
"""
import argparse
import time

import numpy as np

from common import VA, report


def run(benchmark, seed=98765, tstop=1000.0, threads=1):
    """Build and run the network; return timings, counts and the spikes
    (senders as 0-based cell indices, exc first, and times in ms)."""
    args = argparse.Namespace(benchmark=benchmark, seed=seed, tstop=tstop, threads=threads)
    t0 = time.perf_counter()
    import nest
    nest.set_verbosity("M_ERROR")
    nest.ResetKernel()
    nest.SetKernelStatus({"resolution": VA["dt"], "local_num_threads": args.threads,
                          "rng_seed": args.seed})
    b = VA[args.benchmark]
    params = {"C_m": VA["cm"] * 1000.0, "t_ref": VA["t_refrac"],
              "E_L": b["v_rest"], "V_reset": VA["v_reset"], "V_th": VA["v_thresh"]}
    if args.benchmark == "CUBA":
        model = "iaf_psc_exp"
        params.update(tau_m=VA["tau_m"], tau_syn_ex=VA["tau_exc"], tau_syn_in=VA["tau_inh"])
        w_exc, w_inh = b["w_exc"] * 1000.0, b["w_inh"] * 1000.0        # nA -> pA
    else:
        model = "iaf_cond_exp"
        params.update(tau_syn_ex=VA["tau_exc"], tau_syn_in=VA["tau_inh"], g_L=VA["cm"] * 1000.0 / VA["tau_m"],
                      E_ex=VA["e_rev_exc"], E_in=VA["e_rev_inh"])
        w_exc, w_inh = b["w_exc"] * 1000.0, b["w_inh"] * 1000.0        # uS -> nS
    t_build = time.perf_counter()
    exc = nest.Create(model, VA["n_exc"], params=params)
    inh = nest.Create(model, VA["n_inh"], params=params)
    cells = exc + inh
    rng = np.random.default_rng(args.seed)
    cells.V_m = rng.uniform(VA["v_reset"], VA["v_thresh"], VA["n"]).tolist()
    conn = {"rule": "pairwise_bernoulli", "p": VA["pconn"]}
    nest.Connect(exc, cells, conn, {"weight": w_exc, "delay": VA["delay"]})
    nest.Connect(inh, cells, conn, {"weight": w_inh if args.benchmark == "CUBA" else -w_inh,
                                    "delay": VA["delay"]})
    if args.benchmark == "COBA":
        s = VA["stim"]
        gen = nest.Create("poisson_generator", s["n"], params={"rate": s["rate"], "stop": s["duration"]})
        parrots = nest.Create("parrot_neuron", s["n"])
        nest.Connect(gen, parrots, "one_to_one")
        nest.Connect(parrots, cells, {"rule": "pairwise_bernoulli", "p": s["p"]},
                     {"weight": s["weight"] * 1000.0, "delay": VA["dt"]})
    recorder = nest.Create("spike_recorder")
    nest.Connect(cells, recorder)
    nest.Prepare()      # NEST finishes building its connection tables here
    build = time.perf_counter() - t_build
    t_sim = time.perf_counter()
    nest.Run(args.tstop)
    nest.Cleanup()
    simulate = time.perf_counter() - t_sim
    events = recorder.get("events")
    senders = np.asarray(events["senders"]) - exc[0].global_id
    n_syn = nest.GetKernelStatus("num_connections")
    if args.benchmark == "COBA":
        n_syn -= 2 * VA["stim"]["n"]          # the generator -> parrot links are not synapses of the net
    n_spikes = len(senders)
    exc_rate = (senders < VA["n_exc"]).sum() / VA["n_exc"] / (args.tstop / 1000.0)
    inh_rate = (senders >= VA["n_exc"]).sum() / VA["n_inh"] / (args.tstop / 1000.0)
    return dict(engine="nest", case=f"VA {args.benchmark}", threads=args.threads, build_s=build,
                compile_s=0.0, simulate_s=simulate, n_synapses=int(n_syn), n_neurons=VA["n"],
                n_spikes=int(n_spikes), exc_rate_hz=float(exc_rate), inh_rate_hz=float(inh_rate),
                import_s=t_build - t0, senders=senders, times=np.asarray(events["times"]))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("benchmark", choices=["CUBA", "COBA"])
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--tstop", type=float, default=1000.0)
    parser.add_argument("--seed", type=int, default=98765)
    args = parser.parse_args()
    result = run(args.benchmark, args.seed, args.tstop, args.threads)
    del result["senders"], result["times"]
    report(**result)


if __name__ == "__main__":
    main()
