"""Seed 001 (Clopath): do pynnlite's final E->E weight statistics and
excitatory rate agree with NEST's over many seeds?

Runs the seed network for its 10 s on each engine and seed:

- ``numba``: examples/clopath_bidirectional.py on pynnlite's engine;
- ``nest``: NEST's own script (benchmarks/cases/clopath_nest.py, no pynnlite:
  NEST draws the connections, the weights and the Poisson trains);
- ``pynnlite-nest`` (``--adapter``): the example on pynnlite's NEST backend,
  the numba engine's connectivity with NEST's Poisson trains.

Input trains differ between engines, so each seed gives each engine another
sample of the same random network. It prints, for each statistic of the weight
change (mean, std, min, max over the 90 E->E synapses) and the excitatory rate,
the mean over the seeds on every engine, the relative difference from NEST's
with its standard error, and, over consecutive blocks of 5 seeds, how often
the 5-seed means lie within 10 % of NEST's (the criterion of issue 6) -- for
numba, and for pynnlite's NEST backend as a control: NEST against NEST. The
rows go to benchmarks/results/clopath-agreement-<time>.json.

Usage: python benchmarks/clopath_agreement.py [--seeds FIRST-LAST] [--jobs N] [--adapter]
"""
import argparse
import concurrent.futures
import datetime
import json
import os
import platform
import shutil
import tempfile

import numpy as np

from run import CASES, HERE, run_case

STATISTICS = ("ee_weight_change_mean", "ee_weight_change_std", "ee_weight_change_min",
              "ee_weight_change_max", "exc_rate_hz")
ENGINES = {"numba": ["clopath_pynnlite.py", "--backend", "numba"],
           "nest": ["clopath_nest.py"],
           "pynnlite-nest": ["clopath_pynnlite.py", "--backend", "nest"]}
BLOCK = 5
WITHIN = 0.10


def seed_range(text):
    first, _, last = text.partition("-")
    return list(range(int(first), int(last or first) + 1))


def run_all(engines, seeds, jobs, env):
    """{engine: {seed: report}}, every (engine, seed) in its own process."""
    results = {e: {} for e in engines}
    with concurrent.futures.ThreadPoolExecutor(jobs) as pool:
        futures = {pool.submit(run_case, ENGINES[e] + ["--seed", str(s)], 1, env): (e, s)
                   for s in seeds for e in engines}
        for done, future in enumerate(concurrent.futures.as_completed(futures), 1):
            engine, seed = futures[future]
            results[engine][seed] = future.result()
            if done % 10 == 0 or done == len(futures):
                print(f"  {done}/{len(futures)} runs", flush=True)
    return results


def table(results, seeds):
    """Per statistic and engine: mean over the seeds, its standard error and the
    relative difference from NEST's (with the difference's standard error)."""
    rows = {}
    for key in STATISTICS:
        nest = np.array([results["nest"][s][key] for s in seeds])
        rows[key] = {}
        for engine in results:
            values = np.array([results[engine][s][key] for s in seeds])
            se = values.std(ddof=1) / np.sqrt(len(values))
            diff_se = np.hypot(se, nest.std(ddof=1) / np.sqrt(len(nest)))
            rows[key][engine] = {"mean": float(values.mean()), "se": float(se),
                                 "rel_diff": float(values.mean() / nest.mean() - 1.0),
                                 "rel_diff_se": float(diff_se / abs(nest.mean()))}
    return rows


def blocks_within(results, engine, seeds):
    """Blocks of BLOCK consecutive seeds; for each statistic, the fraction of
    blocks whose mean lies within WITHIN of NEST's, and the fraction where all
    statistics do."""
    blocks = [seeds[i:i + BLOCK] for i in range(0, len(seeds) - BLOCK + 1, BLOCK)]
    hits = {key: [] for key in STATISTICS}
    for block in blocks:
        for key in STATISTICS:
            ours = np.mean([results[engine][s][key] for s in block])
            nest = np.mean([results["nest"][s][key] for s in block])
            hits[key].append(abs(ours / nest - 1.0) <= WITHIN)
    every = np.all([hits[key] for key in STATISTICS], axis=0) if blocks else []
    return {"blocks": len(blocks), **{key: float(np.mean(h)) for key, h in hits.items() if h},
            "all": float(np.mean(every)) if blocks else None}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", default="1-5", help="FIRST-LAST (default 1-5)")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--adapter", action="store_true",
                        help="also run the example on pynnlite's NEST backend")
    parser.add_argument("--out", default=os.path.join(HERE, "results"))
    args = parser.parse_args()
    seeds = seed_range(args.seeds)
    engines = ["numba", "nest"] + (["pynnlite-nest"] if args.adapter else [])
    cache = tempfile.mkdtemp(prefix="pynnlite-numba-cache-")
    env = dict(os.environ, NUMBA_CACHE_DIR=cache, PYNNLITE_CACHE_DIR=cache, PYTHONPATH=CASES)
    try:
        run_case(ENGINES["numba"] + ["--tstop", "100"], 1, env)     # compile once, not per job
        results = run_all(engines, seeds, args.jobs, env)
    finally:
        shutil.rmtree(cache, ignore_errors=True)
    rows = table(results, seeds)
    print(f"\nseed 001, 10 s, seeds {seeds[0]}-{seeds[-1]} ({len(seeds)}): mean over the seeds "
          f"± standard error; difference from NEST's script")
    print(f"{'statistic':24s}" + "".join(f"{e:>22s}" for e in engines) +
          "".join(f"{'vs NEST: ' + e:>26s}" for e in engines if e != "nest"))
    for key, by_engine in rows.items():
        line = f"{key:24s}"
        for e in engines:
            line += f"{by_engine[e]['mean']:>13.6g} ± {by_engine[e]['se']:<7.2g}"
        for e in engines:
            if e != "nest":
                r = by_engine[e]
                line += f"{100 * r['rel_diff']:>+15.1f} % ± {100 * r['rel_diff_se']:4.1f} % "
        print(line)
    blocks = {e: blocks_within(results, e, seeds) for e in engines if e != "nest"}
    for e, b in blocks.items():
        if b["blocks"]:
            print(f"{e}: of {b['blocks']} blocks of {BLOCK} seeds, within {100 * WITHIN:g} % of "
                  f"NEST in every statistic: {100 * b['all']:.0f} %; per statistic: " +
                  ", ".join(f"{k.replace('ee_weight_change_', '')} {100 * b[k]:.0f} %"
                            for k in STATISTICS))
    os.makedirs(args.out, exist_ok=True)
    stamp = datetime.datetime.now().strftime("%Y%m%d-%H%M%S")
    path = os.path.join(args.out, f"clopath-agreement-{stamp}.json")
    with open(path + ".part", "w") as f:
        json.dump({"machine": platform.platform(), "seeds": seeds, "table": rows,
                   "blocks": blocks, "runs": {e: {str(s): r for s, r in v.items()}
                                              for e, v in results.items()}}, f, indent=1)
    os.replace(path + ".part", path)
    print(f"\nresults written to {path}")


if __name__ == "__main__":
    main()
