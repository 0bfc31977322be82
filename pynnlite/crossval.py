"""Cross-validation of two backends on one script.

    python -m pynnlite.crossval [options] SCRIPT [ARGS ...]

runs ``SCRIPT BACKEND ARGS`` (the script's first positional argument is the
backend name, as in examples/VAbenchmarks.py) once per backend, each in its
own process with ``PYNNLITE_DUMP`` pointing to a temporary .npz file that
``Simulation.end()`` writes (see :meth:`pynnlite.session.Simulation.dump`).
It then compares:

- connectivity: every projection's (pre, post, weight, delay) must be
  identical, since connectors run in the frontend;
- spikes: identical trains (compared as grid steps) when the network is
  deterministic; otherwise, per population, a two-sample KS test on the
  per-neuron firing rates and on the ISI coefficients of variation.

It prints a report and exits with 1 when the backends disagree (2 when a run
fails).

Caveat on the statistics: the KS tests treat neurons as independent samples.
In a recurrent network they share one trajectory, so two realisations of the
same stochastic network can fail them at alpha = 0.01 without any backend
difference (COBA, NEST against NEST with 1 and 2 threads: CV p = 0.003). Read
a statistical DISAGREE together with the mean rates and CVs, or lower --alpha.
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field

import numpy as np

from .session import DUMP_ENV

#: spike times are compared on this grid (ms) when the dump does not give dt:
#: fine enough to separate any two time steps, coarse enough to ignore rounding
TIME_RESOLUTION = 1e-6

#: fewest neurons with >= 3 spikes for a KS test on CVs
MIN_CV_SAMPLES = 5


@dataclass
class Report:
    """Lines of the comparison and whether the backends agree."""
    lines: list = field(default_factory=list)
    ok: bool = True

    def add(self, line, ok=True):
        self.lines.append(line)
        self.ok = self.ok and ok

    def __str__(self):
        return "\n".join(self.lines)


def load_dump(path):
    """The arrays of a dump and its labels (dict)."""
    with np.load(path, allow_pickle=False) as data:
        arrays = {k: data[k] for k in data.files}
    labels = json.loads(str(arrays.pop("labels")))
    return arrays, labels


def _first_difference(a, b):
    """Index of the first differing entry of two 1-D arrays (or of the length
    mismatch), or None when equal."""
    n = min(len(a), len(b))
    diff = np.flatnonzero(a[:n] != b[:n])
    if len(diff):
        return int(diff[0])
    return None if len(a) == len(b) else n


def compare_connections(a, la, b, lb, report):
    """Projections must be identical: same pre, post, weight and delay, in order."""
    for k, label in enumerate(la["projections"]):
        columns = ("pre", "post", "weight", "delay")
        bad = None
        for col in columns:
            x, y = a[f"prj{k}_{col}"], b[f"prj{k}_{col}"]
            i = _first_difference(x, y)
            if i is not None:
                bad = (col, i, x, y)
                break
        n = len(a[f"prj{k}_pre"])
        if bad is None:
            report.add(f"  connections '{label}': {n} identical")
        else:
            col, i, x, y = bad
            shown = lambda arr: repr(arr[i].item()) if i < len(arr) else "(none)"  # noqa: E731
            report.add(f"  connections '{label}': DIFFER at connection {i} ({col}: "
                       f"{la['backend']} {shown(x)}, {lb['backend']} {shown(y)}; "
                       f"{len(x)} vs {len(y)} entries)", ok=False)


def _spike_table(arrays, k, dt):
    """(step, index) of one population's spikes, sorted by step then index."""
    idx = np.asarray(arrays[f"pop{k}_spike_index"], np.int64)
    steps = np.rint(np.asarray(arrays[f"pop{k}_spike_time"], np.float64) / dt).astype(np.int64)
    order = np.lexsort((idx, steps))
    return steps[order], idx[order]


def compare_spikes_exact(a, la, b, lb, dt, report):
    """Identical spike trains (same neuron, same step) in every population."""
    for k, label in enumerate(la["populations"]):
        if not la["spike_recorded"][k]:
            continue
        sa, ia = _spike_table(a, k, dt)
        sb, ib = _spike_table(b, k, dt)
        i = _first_difference(sa, sb)
        j = _first_difference(ia, ib)
        first = min(x for x in (i, j, np.inf) if x is not None)
        if first == np.inf:
            report.add(f"  spikes '{label}': {len(sa)} identical")
            continue
        first = int(first)
        show = lambda s, ix: (f"neuron {ix[first]} at {s[first] * dt:.6g} ms"  # noqa: E731
                              if first < len(s) else "no more spikes")
        report.add(f"  spikes '{label}': DIFFER at spike {first}: {la['backend']} "
                   f"{show(sa, ia)}, {lb['backend']} {show(sb, ib)} "
                   f"({len(sa)} vs {len(sb)} spikes)", ok=False)


def _rates_and_cvs(arrays, labels, k):
    """Per-neuron rates (Hz) and ISI CVs (neurons with >= 3 spikes)."""
    size, n_rec = labels["sizes"][k], labels["spike_recorded"][k]
    idx = np.asarray(arrays[f"pop{k}_spike_index"], np.int64)
    times = np.asarray(arrays[f"pop{k}_spike_time"], np.float64)
    duration_s = labels["t"] / 1000.0
    counts = np.bincount(idx, minlength=size)
    # all neurons recorded: silent ones count; otherwise only the ones that fired
    neurons = np.arange(size) if n_rec == size else np.unique(idx)
    rates = counts[neurons] / duration_s if duration_s > 0 else np.zeros(len(neurons))
    order = np.lexsort((times, idx))
    idx, times = idx[order], times[order]
    isi = np.diff(times)
    same = idx[1:] == idx[:-1]
    owner = idx[1:][same]
    isi = isi[same]
    n = np.bincount(owner, minlength=size)
    s1 = np.bincount(owner, weights=isi, minlength=size)
    s2 = np.bincount(owner, weights=isi * isi, minlength=size)
    has = n >= 2
    mean = s1[has] / n[has]
    var = np.maximum(s2[has] / n[has] - mean * mean, 0.0)
    cvs = np.sqrt(var) / mean
    return rates, cvs[np.isfinite(cvs)]


def compare_spikes_statistics(a, la, b, lb, alpha, report):
    """Per population: KS tests of per-neuron rates and ISI CVs, p > alpha."""
    from scipy.stats import ks_2samp
    for k, label in enumerate(la["populations"]):
        if not la["spike_recorded"][k]:
            continue
        ra, ca = _rates_and_cvs(a, la, k)
        rb, cb = _rates_and_cvs(b, lb, k)
        if not len(ra) and not len(rb):
            report.add(f"  spikes '{label}': silent on both backends")
            continue
        if not len(ra) or not len(rb):
            report.add(f"  spikes '{label}': DIFFER: silent on "
                       f"{la['backend'] if not len(ra) else lb['backend']} only", ok=False)
            continue
        p_rate = ks_2samp(ra, rb).pvalue
        text = (f"  spikes '{label}': mean rate {ra.mean():.3f} Hz ({la['backend']}) vs "
                f"{rb.mean():.3f} Hz ({lb['backend']}), KS p = {p_rate:.3g}")
        ok = p_rate > alpha
        if len(ca) >= MIN_CV_SAMPLES and len(cb) >= MIN_CV_SAMPLES:
            p_cv = ks_2samp(ca, cb).pvalue
            text += f"; CV {ca.mean():.3f} vs {cb.mean():.3f}, KS p = {p_cv:.3g}"
            ok = ok and p_cv > alpha
        else:
            text += "; too few neurons with >= 3 spikes for a CV test"
        report.add(text + ("" if ok else f"  -> DIFFER (p <= {alpha})"), ok=ok)


def compare_dumps(path_a, path_b, mode="auto", alpha=0.01, dt=None):
    """Compare two dumps; mode 'exact' (deterministic network), 'stats'
    (stochastic) or 'auto' (exact when the dump says the network is
    deterministic, otherwise exact if the spikes agree, else statistics)."""
    a, la = load_dump(path_a)
    b, lb = load_dump(path_b)
    report = Report()
    report.add(f"pynnlite.crossval: {la['backend']} vs {lb['backend']} "
               f"(t = {la['t']:g} ms, seed {la.get('seed')})")
    for key in ("populations", "sizes", "projections"):
        if la[key] != lb[key]:
            report.add(f"  the two runs built different networks ({key}: {la[key]} vs {lb[key]})",
                       ok=False)
            return report
    if la["t"] != lb["t"]:
        report.add(f"  the runs stopped at different times ({la['t']} vs {lb['t']} ms)", ok=False)
    dt = dt or la.get("dt") or TIME_RESOLUTION
    report.add("connectivity:")
    compare_connections(a, la, b, lb, report)
    deterministic = la.get("deterministic", lb.get("deterministic"))
    if mode == "auto" and deterministic is not None:
        mode = "exact" if deterministic else "stats"
    if mode in ("exact", "auto"):
        exact = Report()
        compare_spikes_exact(a, la, b, lb, dt, exact)
        if mode == "exact" or exact.ok:
            report.add("spikes (deterministic network: identical trains expected):")
            for line in exact.lines:
                report.add(line, ok="DIFFER" not in line)
            return report
        report.add("spikes differ between the backends; comparing statistics (use --exact "
                   "to treat the network as deterministic):")
    else:
        report.add("spikes (stochastic network: statistics):")
    compare_spikes_statistics(a, la, b, lb, alpha, report)
    return report


def run_script(script, backend, args, dump_path, timeout=None):
    """Run ``python SCRIPT BACKEND ARGS`` with the dump variable set."""
    env = dict(os.environ)
    env[DUMP_ENV] = dump_path
    return subprocess.run([sys.executable, script, backend, *args], env=env,
                          capture_output=True, text=True, timeout=timeout)


def main(argv=None):
    parser = argparse.ArgumentParser(
        prog="python -m pynnlite.crossval",
        description="Run a script on two backends and compare connectivity and spikes.")
    parser.add_argument("--backends", nargs=2, default=("numba", "nest"), metavar=("A", "B"),
                        help="the two backends (default: numba nest)")
    group = parser.add_mutually_exclusive_group()
    group.add_argument("--exact", dest="mode", action="store_const", const="exact",
                       help="the network is deterministic: spikes must be identical")
    group.add_argument("--stats", dest="mode", action="store_const", const="stats",
                       help="the network is stochastic: compare rate and CV statistics")
    parser.add_argument("--alpha", type=float, default=0.01,
                        help="significance level of the KS tests (default 0.01)")
    parser.add_argument("--timeout", type=float, default=None, help="seconds per run")
    parser.add_argument("--keep", metavar="DIR", help="keep the dumps in DIR")
    parser.add_argument("script", help="the script; its first argument is the backend name")
    parser.add_argument("args", nargs=argparse.REMAINDER, help="further arguments of the script")
    opts = parser.parse_args(argv)
    directory = opts.keep or tempfile.mkdtemp(prefix="pynnlite-crossval-")
    os.makedirs(directory, exist_ok=True)
    dumps = []
    for backend in opts.backends:
        path = os.path.join(directory, f"{backend}.npz")
        if os.path.exists(path):
            os.unlink(path)
        result = run_script(opts.script, backend, opts.args, path, opts.timeout)
        if result.returncode != 0 or not os.path.exists(path):
            why = (f"exit status {result.returncode}" if result.returncode
                   else f"no dump written to {path} (does the script call end()?)")
            print(f"pynnlite.crossval: the run on '{backend}' failed ({why}):\n"
                  + "\n".join((result.stdout + result.stderr).splitlines()[-20:]), file=sys.stderr)
            return 2
        dumps.append(path)
    report = compare_dumps(*dumps, mode=opts.mode or "auto", alpha=opts.alpha)
    print(report)
    print("AGREE" if report.ok else "DISAGREE")
    if not opts.keep:
        for path in dumps:
            os.unlink(path)
        os.rmdir(directory)
    return 0 if report.ok else 1


if __name__ == "__main__":
    sys.exit(main())
