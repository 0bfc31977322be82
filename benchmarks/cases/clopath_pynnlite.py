"""Seed 001 built with pynnlite's API (what examples/clopath_bidirectional.py
builds: 13 Clopath AdEx neurons, 500 Poisson sources whose rates change every
100 ms, Clopath synapses), timed phase by phase: build (network description,
connections and the backend's build), compile (loading or compiling the
engine's loop), simulate (the seed's 10 s, in 100 run() calls; on a cold
cache it also compiles the source kernel for per-source rates, at the first
rate change).

Usage: python clopath_pynnlite.py [--backend numba] [--threads N] [--tstop MS] [--seed S]
"""
import argparse
import importlib.util
import os

from common import report

_EXAMPLE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "examples",
                        "clopath_bidirectional.py")


def example():
    """The example module (examples/ is not a package)."""
    spec = importlib.util.spec_from_file_location("clopath_bidirectional", _EXAMPLE)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--backend", default="numba")
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--tstop", type=float, default=10000.0)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    cb = example()
    r = cb.run_network(args.backend, args.seed, t_sim=args.tstop, threads=args.threads)
    s = cb.summary(r)
    report(engine=f"pynnlite-{args.backend}", case="Clopath (seed 001)", threads=args.threads,
           build_s=r["build_s"], compile_s=r["compile_s"], simulate_s=r["run_s"],
           n_neurons=13, n_synapses=r["n_synapses"], exc_rate_hz=r["rate_exc"],
           inh_rate_hz=r["rate_inh"],
           **{f"ee_weight_change_{k}": float(s[k]) for k in ("mean", "std", "min", "max")})


if __name__ == "__main__":
    main()
