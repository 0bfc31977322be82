"""CUBA-STDP (seed 000) on pynnlite: runs examples/cuba_stdp.py's network
(build_and_run) and reports its phases: build (network description,
connection generation and the backend's build, less compile), compile
(loading or compiling the engine's loop), simulate.

Usage: python cuba_stdp_pynnlite.py [--backend numba] [--threads N] [--scale S]
                                    [--simtime MS] [--seed S] [--static]
"""
import argparse

from common import report
from seeds import cuba_stdp


def run(backend="numba", scale=1.0, simtime=None, seed=None, threads=1, plastic=True,
        weights=False):
    # the weights are read only on request: reading 8.1 M of them as PyNN's list
    # costs more memory than the network (and the NEST case reads none either)
    r = cuba_stdp.build_and_run(backend, scale, simtime, seed, threads, plastic, verbose=False,
                                weights=weights)
    rates = r["exc_rate_hz"] * int(cuba_stdp.PARAMS["NE"] * scale) + \
        r["inh_rate_hz"] * int(cuba_stdp.PARAMS["NI"] * scale)
    return dict(r, engine=f"pynnlite-{backend}", case="CUBA-STDP",
                build_s=r["build_s"] - r["compile_s"],
                n_spikes=int(round(rates * r["simtime"] / 1000.0)))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--backend", default="numba")
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--simtime", type=float, default=None)
    parser.add_argument("--tstop", type=float, default=None, help="same as --simtime")
    parser.add_argument("--seed", type=int, default=None)
    parser.add_argument("--static", action="store_true", help="static E->E synapses")
    parser.add_argument("--weights", action="store_true", help="also the final E->E weights")
    args = parser.parse_args()
    report(**run(args.backend, args.scale, args.simtime or args.tstop, args.seed, args.threads,
                 not args.static, args.weights))


if __name__ == "__main__":
    main()
