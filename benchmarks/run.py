"""Side-by-side benchmarks: pynnlite's engine and NEST on the seed networks.

Each case runs in its own process (so peak memory and first-run compile time
are measured honestly), interleaved engine by engine, repeated, and the median
of each phase is reported with the ratio pynnlite / NEST. Results are also
written as JSON to benchmarks/results/.

Usage: python benchmarks/run.py [--quick] [--repeat N] [--threads N] [--scaling M]
                                [--cases va-cuba,va-coba,cuba-stdp,hpc]

--scaling M also runs every case on M threads (both engines, each M-thread run
next to its --threads run) and prints each engine's speed-up from --threads to M threads, and whether
pynnlite's spikes on M threads are identical to those on --threads (the
examples' spike_digest, where the case reports one).

The plastic seeds are long at full size (NEST: CUBA-STDP ~1 min, the HPC
benchmark at scale 1 ~2.5 min and 4.3 GB); the HPC benchmark runs once (the
seed's own practice), whatever --repeat says. --quick runs every case once on
a reduced network (fewer steps; the plastic seeds also at a smaller scale).
First-run compile time is measured on the reduced network, with an empty cache.
"""
import argparse
import datetime
import importlib.util
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
CASES = os.path.join(HERE, "cases")

#: case name -> (pynnlite command, NEST-native command), as argument lists for cases/
BENCHMARKS = {
    "va-cuba": (["va_pynnlite.py", "CUBA"], ["va_nest.py", "CUBA"]),
    "va-coba": (["va_pynnlite.py", "COBA"], ["va_nest.py", "COBA"]),
    "cuba-stdp": (["cuba_stdp_pynnlite.py"], ["cuba_stdp_nest.py"]),
    "hpc": (["hpc_pynnlite.py"], ["hpc_nest.py"]),
    # seed 003: GIF populations; the mesoscopic rows at N x10 and x100 show
    # that its cost does not grow with the number of neurons it stands for
    "gif-meso": (["gif_pynnlite.py", "meso"], ["gif_nest.py", "meso"]),
    "gif-meso-x10": (["gif_pynnlite.py", "meso", "--scale", "10"],
                     ["gif_nest.py", "meso", "--scale", "10"]),
    "gif-meso-x100": (["gif_pynnlite.py", "meso", "--scale", "100"],
                      ["gif_nest.py", "meso", "--scale", "100"]),
    "gif-micro": (["gif_pynnlite.py", "micro"], ["gif_nest.py", "micro"]),
    # seed 001: 13 Clopath AdEx neurons, 500 Poisson inputs, 100 runs of 100 ms
    "clopath": (["clopath_pynnlite.py"], ["clopath_nest.py"]),
}

#: arguments of the reduced run of each case (--quick, and the cold-compile run)
QUICK = {
    "va-cuba": ["--tstop", "200"],
    "va-coba": ["--tstop", "200"],
    "cuba-stdp": ["--scale", "0.2", "--simtime", "200"],
    "hpc": ["--scale", "0.1", "--presimtime", "20", "--simtime", "50"],
    "gif-meso": ["--tstop", "200"],
    "gif-meso-x10": ["--tstop", "200"],
    "gif-meso-x100": ["--tstop", "200"],
    "gif-micro": ["--tstop", "200"],
    "clopath": ["--tstop", "2000"],
}

#: cases that run once whatever --repeat says
SINGLE = ("hpc",)

PHASES = ("build_s", "compile_s", "simulate_s", "peak_rss_bytes")


def run_case(args, threads, env, extra=()):
    command = [sys.executable, os.path.join(CASES, args[0]), *args[1:], "--threads", str(threads), *extra]
    out = subprocess.run(command, capture_output=True, text=True, env=env, cwd=CASES)
    for line in out.stdout.splitlines():
        if line.startswith("BENCH "):
            return json.loads(line[6:])
    raise RuntimeError(f"{' '.join(command)} failed:\n{out.stdout[-2000:]}\n{out.stderr[-3000:]}")


def median_of(results):
    merged = dict(results[0])
    for key in PHASES + ("exc_rate_hz", "inh_rate_hz", "presimulate_s", "n_spikes"):
        if key in merged:
            merged[key] = statistics.median(r[key] for r in results)
    merged["repeats"] = len(results)
    return merged


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="one repeat, shorter simulations")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--scaling", type=int, default=0,
                        help="also run on this many threads and print the speed-up")
    parser.add_argument("--cases", default=",".join(BENCHMARKS))
    parser.add_argument("--out", default=os.path.join(HERE, "results"))
    args = parser.parse_args()
    have_nest = importlib.util.find_spec("nest") is not None
    cache = tempfile.mkdtemp(prefix="pynnlite-numba-cache-")
    env = dict(os.environ, NUMBA_CACHE_DIR=cache, PYNNLITE_CACHE_DIR=cache, PYTHONPATH=CASES)
    rows = []
    try:
        for name in args.cases.split(","):
            ours, nest = BENCHMARKS[name]
            repeat = 1 if args.quick or name in SINGLE else args.repeat
            extra = QUICK[name] if args.quick else []
            cold = extra if name.startswith("va-") else QUICK[name]
            first = run_case(ours, args.threads, env, cold)       # empty cache: compiles
            results = {"pynnlite": [], "nest": []}
            scaled = {"pynnlite": [], "nest": []}
            for _ in range(repeat):
                # interleaved, and the M-thread runs next to the 1-thread ones, so
                # that a drift of the machine's speed hits both sides of a ratio alike
                for threads, into in ((args.threads, results), (args.scaling, scaled)):
                    if not threads:
                        continue
                    into["pynnlite"].append(run_case(ours, threads, env, extra))
                    if have_nest:
                        into["nest"].append(run_case(nest, threads, env, extra))
            row = {"case": name, "pynnlite": median_of(results["pynnlite"]),
                   "first_run_compile_s": first["compile_s"],
                   "runs": {k: [_sim_s(r) for r in v] for k, v in results.items() if v}}
            if have_nest:
                row["nest"] = median_of(results["nest"])
            if args.scaling:
                row["scaling"] = {k: median_of(v) for k, v in scaled.items() if v}
                row["scaling"]["runs"] = {k: [_sim_s(r) for r in v] for k, v in scaled.items() if v}
                reference = results["pynnlite"][0].get("spike_digest")
                row["scaling"]["spikes_identical"] = [
                    None if reference is None else r.get("spike_digest") == reference
                    for r in scaled["pynnlite"]]
            rows.append(row)
            print_row(row)
    finally:
        shutil.rmtree(cache, ignore_errors=True)
    os.makedirs(args.out, exist_ok=True)
    stamp = datetime.datetime.now().strftime("%Y%m%d-%H%M%S")
    path = os.path.join(args.out, f"bench-{stamp}.json")
    with open(path, "w") as f:
        json.dump({"machine": platform.platform(), "cpus": os.cpu_count(), "threads": args.threads,
                   "scaling": args.scaling, "quick": args.quick, "rows": rows}, f, indent=1)
    print(f"\nresults written to {path}")


def events_per_s(r):
    """Synaptic events per second of the timed simulation: spikes times the
    mean out-degree (the Poisson drive not counted)."""
    return r["n_spikes"] * r["n_synapses"] / r["n_neurons"] / r["simulate_s"]


def print_row(row):
    ours, nest = row["pynnlite"], row.get("nest")
    nan = float("nan")
    print(f"\n== {row['case']} ({ours['n_neurons']} neurons, {ours['n_synapses']} synapses, "
          f"{ours['threads']} thread(s), median of {ours['repeats']})")
    print(f"{'':22}{'pynnlite':>12}{'NEST':>12}{'ratio':>9}")
    lines = [("build_s", "build (s)", lambda r: r["build_s"]),
             ("presimulate_s", "presimulate (s)", lambda r: r["presimulate_s"]),
             ("simulate_s", "simulate (s)", lambda r: r["simulate_s"]),
             ("peak_rss_bytes", "peak memory (MB)", lambda r: r["peak_rss_bytes"] * 1e-6),
             ("peak_rss_bytes", "bytes per synapse", lambda r: r["peak_rss_bytes"] / r["n_synapses"]),
             ("n_spikes", "events/s (M)", lambda r: events_per_s(r) * 1e-6)]
    for key, label, value in lines:
        if key not in ours:
            continue
        a = value(ours)
        b = value(nest) if nest and key in nest else nan
        print(f"{label:22}{a:12.3f}{b:12.3f}{a / b:9.3f}")
    print(f"{'compile, first run (s)':22}{row['first_run_compile_s']:12.3f}")
    print(f"{'compile, cached (s)':22}{ours['compile_s']:12.3f}")
    for key, label in (("exc_rate_hz", "exc rate (Hz)"), ("inh_rate_hz", "inh rate (Hz)")):
        if key in ours:
            print(f"{label:22}{ours[key]:12.2f}{nest.get(key, nan) if nest else nan:12.2f}")
    if "scaling" in row:
        print_scaling(row)


def _sim_s(r):
    """Simulated wall time of a case (presimulation included where there is one)."""
    return r["simulate_s"] + r.get("presimulate_s", 0.0)


def print_scaling(row):
    ours, nest, sc = row["pynnlite"], row.get("nest"), row["scaling"]
    nan = float("nan")
    m = sc["pynnlite"]["threads"]
    a, b = _sim_s(sc["pynnlite"]), _sim_s(sc["nest"]) if "nest" in sc else nan
    print(f"{f'simulate, {m} threads (s)':22}{a:12.3f}{b:12.3f}{a / b:9.3f}")
    b0 = _sim_s(nest) if nest else nan
    label = f"speed-up {ours['threads']} -> {m} threads"
    print(f"{label:22}{_sim_s(ours) / a:12.2f}{b0 / b:12.2f}")
    ones, ms = row["runs"]["pynnlite"], sc["runs"]["pynnlite"]
    print(f"{'pynnlite runs (s)':22}" + "  ".join(f"{a:.3f}/{b:.3f}" for a, b in zip(ones, ms))
          + f"   ({ours['threads']}/{m} threads, in run order)")
    used = sc["pynnlite"].get("threads_used", m)
    if used != m:
        print(f"{'':22}(pynnlite's engine used {used} of the {m} threads: too little work per window)")
    same = sc["spikes_identical"]
    if any(x is None for x in same):
        print(f"{'spikes identical':22}{'not reported':>12}")
    else:
        print(f"{'spikes identical':22}{'yes' if all(same) else 'NO':>12}   "
              f"({sum(same)} of {len(same)} runs)")


if __name__ == "__main__":
    main()
