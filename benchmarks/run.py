"""Side-by-side benchmarks: pynnlite's engine and NEST on the seed networks.

Each case runs in its own process (so peak memory and first-run compile time
are measured honestly), interleaved engine by engine, repeated, and the median
of each phase is reported with the ratio pynnlite / NEST. Results are also
written as JSON to benchmarks/results/.

Usage: python benchmarks/run.py [--quick] [--repeat N] [--threads N] [--cases va-cuba,va-coba]
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
}

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
    for key in PHASES + ("exc_rate_hz", "inh_rate_hz"):
        if key in merged:
            merged[key] = statistics.median(r[key] for r in results)
    merged["repeats"] = len(results)
    return merged


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="one repeat, shorter simulations")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--cases", default=",".join(BENCHMARKS))
    parser.add_argument("--out", default=os.path.join(HERE, "results"))
    args = parser.parse_args()
    repeat = 1 if args.quick else args.repeat
    extra = ["--tstop", "200"] if args.quick else []
    have_nest = importlib.util.find_spec("nest") is not None
    cache = tempfile.mkdtemp(prefix="pynnlite-numba-cache-")
    env = dict(os.environ, NUMBA_CACHE_DIR=cache, PYNNLITE_CACHE_DIR=cache, PYTHONPATH=CASES)
    rows = []
    try:
        for name in args.cases.split(","):
            ours, nest = BENCHMARKS[name]
            first = run_case(ours, args.threads, env, extra)      # empty cache: compiles
            results = {"pynnlite": [], "nest": []}
            for _ in range(repeat):                               # interleaved
                results["pynnlite"].append(run_case(ours, args.threads, env, extra))
                if have_nest:
                    results["nest"].append(run_case(nest, args.threads, env, extra))
            row = {"case": name, "pynnlite": median_of(results["pynnlite"]),
                   "first_run_compile_s": first["compile_s"]}
            if have_nest:
                row["nest"] = median_of(results["nest"])
            rows.append(row)
            print_row(row)
    finally:
        shutil.rmtree(cache, ignore_errors=True)
    os.makedirs(args.out, exist_ok=True)
    stamp = datetime.datetime.now().strftime("%Y%m%d-%H%M%S")
    path = os.path.join(args.out, f"bench-{stamp}.json")
    with open(path, "w") as f:
        json.dump({"machine": platform.platform(), "cpus": os.cpu_count(), "threads": args.threads,
                   "quick": args.quick, "rows": rows}, f, indent=1)
    print(f"\nresults written to {path}")


def print_row(row):
    ours, nest = row["pynnlite"], row.get("nest")
    print(f"\n== {row['case']} ({ours['n_neurons']} neurons, {ours['n_synapses']} synapses, "
          f"{ours['threads']} thread(s), median of {ours['repeats']})")
    print(f"{'':22}{'pynnlite':>12}{'NEST':>12}{'ratio':>9}")
    for key, label, scale in (("build_s", "build (s)", 1), ("simulate_s", "simulate (s)", 1),
                              ("peak_rss_bytes", "peak memory (MB)", 1e-6)):
        a = ours[key] * scale
        b = nest[key] * scale if nest else float("nan")
        print(f"{label:22}{a:12.3f}{b:12.3f}{a / b if nest else float('nan'):9.3f}")
    print(f"{'compile, first run (s)':22}{row['first_run_compile_s']:12.3f}")
    print(f"{'compile, cached (s)':22}{ours['compile_s']:12.3f}")
    for key, label in (("exc_rate_hz", "exc rate (Hz)"), ("inh_rate_hz", "inh rate (Hz)")):
        print(f"{label:22}{ours[key]:12.2f}{nest[key] if nest else float('nan'):12.2f}")
    events = ours["n_spikes"] * ours["n_synapses"] / ours["n_neurons"]
    print(f"{'events/s (M)':22}{events / ours['simulate_s'] / 1e6:12.2f}"
          f"{(nest['n_spikes'] * nest['n_synapses'] / nest['n_neurons'] / nest['simulate_s'] / 1e6) if nest else float('nan'):12.2f}")


if __name__ == "__main__":
    main()
