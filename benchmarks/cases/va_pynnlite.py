"""VA CUBA/COBA built with pynnlite's API (what examples/VAbenchmarks.py
builds), timed phase by phase: build (network description and connection
generation, plus the backend's build), compile (loading or compiling the
engine's kernels, reported by the backend), simulate.

Usage: python va_pynnlite.py CUBA|COBA [--backend numba] [--threads N] [--tstop MS] [--seed S]
"""
import argparse
import time

import numpy as np

from common import VA, report


def run(benchmark, seed=98765, tstop=1000.0, threads=1, backend="numba"):
    """Build and run the network; return timings, counts and the spikes
    (senders as 0-based cell indices, exc first, and times in ms)."""
    args = argparse.Namespace(benchmark=benchmark, seed=seed, tstop=tstop, threads=threads,
                              backend=backend)
    t0 = time.perf_counter()
    import pynnlite as sim
    from pynnlite.random import NumpyRNG, RandomDistribution
    t_build = time.perf_counter()
    b = VA[args.benchmark]
    sim.setup(timestep=VA["dt"], min_delay=VA["delay"], max_delay=1.0, backend=args.backend,
              threads=args.threads, seed=args.seed)
    params = dict(tau_m=VA["tau_m"], cm=VA["cm"], v_rest=b["v_rest"], v_reset=VA["v_reset"],
                  v_thresh=VA["v_thresh"], tau_refrac=VA["t_refrac"], tau_syn_E=VA["tau_exc"],
                  tau_syn_I=VA["tau_inh"])
    if args.benchmark == "CUBA":
        celltype = sim.IF_curr_exp(**params)
    else:
        celltype = sim.IF_cond_exp(e_rev_E=VA["e_rev_exc"], e_rev_I=VA["e_rev_inh"], **params)
    exc = sim.Population(VA["n_exc"], celltype, label="exc")
    inh = sim.Population(VA["n_inh"], celltype, label="inh")
    rng = NumpyRNG(seed=args.seed)
    v_init = RandomDistribution("uniform", low=VA["v_reset"], high=VA["v_thresh"], rng=rng)
    exc.initialize(v=v_init)
    inh.initialize(v=v_init)
    connector = sim.FixedProbabilityConnector(VA["pconn"], rng=rng)
    exc_syn = sim.StaticSynapse(weight=b["w_exc"], delay=VA["delay"])
    inh_syn = sim.StaticSynapse(weight=b["w_inh"], delay=VA["delay"])
    projections = [sim.Projection(pre, post, connector, syn, receptor_type=rec)
                   for pre, syn, rec in ((exc, exc_syn, "excitatory"), (inh, inh_syn, "inhibitory"))
                   for post in (exc, inh)]
    if args.benchmark == "COBA":
        s = VA["stim"]
        stim = sim.Population(s["n"], sim.SpikeSourcePoisson(rate=s["rate"], duration=s["duration"]))
        for post in (exc, inh):
            projections.append(sim.Projection(stim, post, sim.FixedProbabilityConnector(s["p"], rng=rng),
                                              sim.StaticSynapse(weight=s["weight"])))
    exc.record("spikes")
    inh.record("spikes")
    simulation = sim.get_simulation()
    simulation.build()
    build = time.perf_counter() - t_build
    compile_s = getattr(simulation._backend, "timings", {}).get("compile_s", 0.0)
    t_sim = time.perf_counter()
    sim.run(args.tstop)
    simulate = time.perf_counter() - t_sim
    records = simulation._segments[-1]
    e_idx, e_t = records.record_of(exc._index).spikes()
    i_idx, i_t = records.record_of(inh._index).spikes()
    result = dict(engine=f"pynnlite-{args.backend}", case=f"VA {args.benchmark}",
                  threads=args.threads,
                  threads_used=getattr(getattr(simulation._backend, "engine", None), "threads",
                                       args.threads),
                  build_s=build - compile_s, compile_s=compile_s,
                  simulate_s=simulate, n_synapses=int(sum(p.size() for p in projections)),
                  n_neurons=VA["n"], n_spikes=int(len(e_t) + len(i_t)),
                  exc_rate_hz=len(e_t) / VA["n_exc"] / (args.tstop / 1000.0),
                  inh_rate_hz=len(i_t) / VA["n_inh"] / (args.tstop / 1000.0),
                  import_s=t_build - t0,
                  senders=np.concatenate([e_idx, i_idx + VA["n_exc"]]),
                  times=np.concatenate([e_t, i_t]))
    sim.end()
    return result


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("benchmark", choices=["CUBA", "COBA"])
    parser.add_argument("--backend", default="numba")
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--tstop", type=float, default=1000.0)
    parser.add_argument("--seed", type=int, default=98765)
    args = parser.parse_args()
    result = run(args.benchmark, args.seed, args.tstop, args.threads, args.backend)
    del result["senders"], result["times"]
    report(**result)


if __name__ == "__main__":
    main()
