"""VAbenchmarks CUBA and COBA (seed 004) on pynnlite's engine against the same
network written natively in NEST (benchmarks/cases/va_nest.py), over several
seeds (CHECKS.md 20 and 21; issue 2's figures).

Connectivity and initial potentials are drawn independently on each side, so
single runs differ; the statements are about the distribution over seeds:
- CUBA: mean E and I rates within 10 % of NEST's; the per-seed statistics of the
  per-neuron rates and ISI CVs (mean, median) come from the same distribution
  (KS over 10 seeds each, p > 0.01).
- COBA: activity is sustained on both (spikes after the 50 ms stimulus ends),
  mean rates within 15 % of NEST's.

Why per seed and not pooled over neurons: the neurons of one network share its
state, so they are not independent samples. Pooled over neurons, NEST fails the
KS test against itself (seeds 1-5 vs 6-10: CV p = 7e-9, rates p = 0.005, seen
here), so that test would measure seed-to-seed variation, not the simulator.
The test below that runs the identical network on both backends
(same connections, same initial state) shows the engine itself matches NEST
spike for spike.
"""
import os
import sys

import numpy as np
import pytest

CASES = os.path.join(os.path.dirname(__file__), "..", "..", "benchmarks", "cases")
sys.path.insert(0, os.path.abspath(CASES))
import va_pynnlite  # noqa: E402
from common import VA  # noqa: E402



def _per_neuron(result, tstop):
    counts = np.bincount(result["senders"], minlength=VA["n"])
    rates = counts / (tstop / 1000.0)
    order = np.lexsort((result["times"], result["senders"]))
    senders, times = result["senders"][order], result["times"][order]
    isi = np.diff(times)
    same = senders[1:] == senders[:-1]
    cvs = []
    owner = senders[1:][same]
    isi = isi[same]
    n = np.bincount(owner, minlength=VA["n"])
    s1 = np.bincount(owner, weights=isi, minlength=VA["n"])
    s2 = np.bincount(owner, weights=isi ** 2, minlength=VA["n"])
    ok = n >= 3
    mean = s1[ok] / n[ok]
    std = np.sqrt(np.maximum(s2[ok] / n[ok] - mean ** 2, 0.0))
    cvs = std / mean
    return rates, cvs


def _runs(module, benchmark, seeds, tstop):
    return [module.run(benchmark, seed=s, tstop=tstop) for s in seeds]


@pytest.mark.slow
def test_cuba_rates_and_distributions_match_nest():
    pytest.importorskip("nest")
    import va_nest
    from scipy.stats import ks_2samp
    seeds, tstop = range(1, 11), 1000.0
    ours = _runs(va_pynnlite, "CUBA", seeds, tstop)
    theirs = _runs(va_nest, "CUBA", seeds, tstop)
    for key in ("exc_rate_hz", "inh_rate_hz"):
        a = np.mean([r[key] for r in ours])
        b = np.mean([r[key] for r in theirs])
        assert abs(a - b) <= 0.10 * b, f"{key}: pynnlite {a:.3f} Hz, NEST {b:.3f} Hz"
    ours_stats = [_per_neuron(r, tstop) for r in ours]
    nest_stats = [_per_neuron(r, tstop) for r in theirs]
    for k, what in enumerate(("rates", "ISI CVs")):
        for summary in (np.mean, np.median):
            a = [summary(s[k]) for s in ours_stats]
            b = [summary(s[k]) for s in nest_stats]
            p = ks_2samp(a, b).pvalue
            assert p > 0.01, f"per-seed {summary.__name__} of {what} differ from NEST's (KS p={p:.3g})"


@pytest.mark.slow
def test_identical_cuba_network_gives_identical_spikes_on_both_backends():
    pytest.importorskip("nest")
    ours = va_pynnlite.run("CUBA", seed=3, tstop=1000.0, backend="numba")
    theirs = va_pynnlite.run("CUBA", seed=3, tstop=1000.0, backend="nest")
    assert ours["n_synapses"] == theirs["n_synapses"]
    key_a = np.lexsort((ours["senders"], ours["times"]))
    key_b = np.lexsort((theirs["senders"], theirs["times"]))
    assert ours["n_spikes"] == theirs["n_spikes"] > 10000
    assert np.array_equal(ours["senders"][key_a], theirs["senders"][key_b])
    # spike stamps are step multiples computed on each side; equal to rounding
    assert np.allclose(ours["times"][key_a], theirs["times"][key_b], rtol=0, atol=1e-9)


@pytest.mark.slow
def test_coba_share_of_sustained_seeds_and_their_rates_match_nest():
    """Check 21: COBA is bistable (a seed may fall silent after the 50 ms
    stimulus). Over 10 seeds each, the number of seeds with sustained activity
    agrees within 2, and the mean rates of the sustained runs within 10 %.
    NEST takes ~8 s per run here: this test takes ~90 s."""
    pytest.importorskip("nest")
    import va_nest
    tstop, seeds = 1000.0, range(1, 11)
    ours = _runs(va_pynnlite, "COBA", seeds, tstop)
    theirs = _runs(va_nest, "COBA", seeds, tstop)
    stim_end = VA["stim"]["duration"]

    def sustained(runs):
        # activity in the last 100 ms of the run, long after the stimulus stopped
        return [r for r in runs if (r["times"] > tstop - 100.0).sum() > 100]

    ours_on, theirs_on = sustained(ours), sustained(theirs)
    assert abs(len(ours_on) - len(theirs_on)) <= 2, (len(ours_on), len(theirs_on))
    assert len(ours_on) >= 5 and len(theirs_on) >= 5
    for key in ("exc_rate_hz", "inh_rate_hz"):
        a = np.mean([r[key] for r in ours_on])
        b = np.mean([r[key] for r in theirs_on])
        assert abs(a - b) <= 0.10 * b, f"{key}: pynnlite {a:.3f} Hz, NEST {b:.3f} Hz"
    assert stim_end < tstop - 100.0
