"""NEST's HPC benchmark (seed 002) on pynnlite: runs examples/hpc_benchmark.py's
network (build_and_run) and reports its phases: build (nodes and edges,
including the backend's build, less compile), compile, presimulate, simulate;
resident memory after each phase. The in-degree projections are drawn by the
backend (native=True, as the seed's fixed_indegree); --frontend generates
them in the frontend.

Usage: python hpc_pynnlite.py [--backend numba] [--threads N] [--scale S]
                              [--simtime MS] [--presimtime MS] [--seed S] [--static]
                              [--frontend]
"""
import argparse

from common import report
from seeds import hpc_benchmark


def run(backend="numba", scale=1.0, simtime=None, presimtime=None, seed=None, threads=1,
        plastic=True, native=True):
    r = hpc_benchmark.build_and_run(backend, scale, simtime, presimtime, seed, threads, plastic,
                                    verbose=False, native=native)
    rate = r["rate in the simulation phase"]
    return dict(
        engine=f"pynnlite-{backend}", case="HPC benchmark", threads=threads, scale=scale,
        plastic=plastic, native=native,
        build_s=r["build_time_nodes"] + r["build_edge_time"] - r["compile_s"],
        build_nodes_s=r["build_time_nodes"], build_edges_s=r["build_edge_time"],
        compile_s=r["compile_s"], presimulate_s=r["presim_time"], simulate_s=r["sim_time"],
        n_neurons=r["n_neurons"], n_synapses=r["n_synapses"],
        # spikes of the simulation phase, all neurons, from the recorded ones' rate
        n_spikes=int(round(rate * r["n_neurons"] * r["simtime"] / 1000.0)),
        exc_rate_hz=rate, seed_average_rate_hz=r["average rate"],
        spike_digest=r["spike_digest"],
        **{f"{k}_kb": r[k] for k in ("rss_0", "rss_after_nodes", "rss_after_edges",
                                      "rss_after_presim", "rss_after_sim")})


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--backend", default="numba")
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--simtime", type=float, default=None)
    parser.add_argument("--presimtime", type=float, default=None)
    parser.add_argument("--seed", type=int, default=None)
    parser.add_argument("--static", action="store_true", help="static E->E synapses")
    parser.add_argument("--frontend", action="store_true",
                        help="generate the in-degree projections in the frontend")
    args = parser.parse_args()
    report(**run(args.backend, args.scale, args.simtime, args.presimtime, args.seed,
                 args.threads, not args.static, not args.frontend))


if __name__ == "__main__":
    main()
