"""Seed 003 built with pynnlite's API (what examples/gif_population.py
builds), mesoscopic (GIF_pop_curr_exp) or microscopic (GIF_curr_exp), timed
phase by phase: build (network description and connections, plus the
backend's build), compile (loading or compiling the engine's kernels),
simulate (the seed's 2 s plus one step).

Usage: python gif_pynnlite.py meso|micro [--scale S] [--backend numba] [--threads N]
                              [--tstop MS] [--seed S]
"""
import argparse
import importlib.util
import os

import numpy as np

from common import report

_EXAMPLE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "examples",
                        "gif_population.py")


def example():
    """The example module (examples/ is not a package)."""
    spec = importlib.util.spec_from_file_location("gif_population", _EXAMPLE)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def run(level, seed=1, tstop=2000.0, threads=1, scale=1.0, backend="numba"):
    gp = example()
    r = gp.build_and_run(level, backend, seed=seed, tstop=tstop, scale=scale, threads=threads,
                         record_v=False)
    n = r["sizes"]
    n_syn = 4 if level == "meso" else int(gp.PARAMS["pconn"] * n.sum() * n.sum())
    return dict(engine=f"pynnlite-{backend}",
                case=f"GIF {level}" + (f" x{scale:g}" if scale != 1 else ""), threads=threads,
                build_s=r["build_s"], compile_s=r["compile_s"], simulate_s=r["simulate_s"],
                n_neurons=int(n.sum()), n_synapses=n_syn, n_spikes=r["n_spikes"],
                exc_rate_hz=float(np.mean(r["A_N"][:, 0])),
                inh_rate_hz=float(np.mean(r["A_N"][:, 1])), t=r["t"], A_N=r["A_N"])


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("level", choices=["meso", "micro"])
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--backend", default="numba")
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--tstop", type=float, default=2000.0)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    result = run(args.level, args.seed, args.tstop, args.threads, args.scale, args.backend)
    del result["t"], result["A_N"]
    report(**result)


if __name__ == "__main__":
    main()
