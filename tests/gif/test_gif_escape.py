"""Check 12: the escape noise of the GIF neurons fits its formula.

With the membrane potential held at a constant v (no input, v = v_rest, no
adaptation, no refractoriness), a GIF neuron fires in each step independently
with probability p = 1 - exp(-lambda0 exp((v - v_t_star) / delta_v) dt), so
its spike count in a bin of L steps is Binomial(L, p). Five voltage levels,
200 neurons each, counts in 10 ms bins; a chi-square test of the counts
against Binomial(L, p) per seed and over all 10 seeds together.
"""
import numpy as np
import pytest
from scipy import stats

import pynnlite as sim

DT, T, BIN = 0.1, 500.0, 10.0
LEVELS = np.array([-3.0, -1.5, 0.0, 1.0, 2.0])     # v - v_t_star (mV), delta_v = 1 mV
N_PER_LEVEL = 200
LAMBDA0 = 50.0                                       # Hz
SEEDS = range(1, 11)


def _counts(model, seed):
    sim.setup(timestep=DT, seed=seed)
    v = np.repeat(LEVELS, N_PER_LEVEL)
    cells = sim.Population(len(v), model(v_rest=v, v_reset=0.0, v_t_star=0.0, delta_v=1.0,
                                         lambda0=LAMBDA0, tau_refrac=0.0, tau_eta=[], a_eta=[],
                                         tau_gamma=[], a_gamma=[]),
                           initial_values={"v": v})
    cells.record("spikes")
    cells[::N_PER_LEVEL].record("v")
    sim.run(T)
    trace = cells.get_data("v").segments[0].filter(name="v")[0].magnitude
    index, times = cells.get_data("spikes").segments[0].spiketrains.multiplexed
    sim.end()
    # the potential really is clamped (to rounding)
    assert np.abs(trace - LEVELS[None, :]).max() < 1e-12
    n_bins = int(round(T / BIN))
    b = np.minimum((np.asarray(times.magnitude) / BIN - 1e-9).astype(int), n_bins - 1)
    neuron = np.asarray(index) - cells.first_id
    counts = np.bincount(neuron * n_bins + b, minlength=len(v) * n_bins)
    return counts.reshape(len(LEVELS), -1)


def _chi2(counts):
    """Chi-square of the bin counts of each level against Binomial(L, p): (statistic, dof)."""
    steps = int(round(BIN / DT))
    p = 1.0 - np.exp(-LAMBDA0 * np.exp(LEVELS) * DT / 1000.0)
    total, dof = 0.0, 0
    for k, level_counts in enumerate(counts):
        n = level_counts.size
        dist = stats.binom(steps, p[k])
        top = max(1, int(dist.ppf(1 - 1e-3)))
        observed = np.bincount(np.minimum(level_counts, top), minlength=top + 1)
        expected = n * np.append(dist.pmf(np.arange(top)), dist.sf(top - 1))
        # merge cells until each expects >= 5 (from the upper tail down)
        while len(expected) > 1 and expected[-1] < 5:
            expected[-2] += expected[-1]
            observed[-2] += observed[-1]
            expected, observed = expected[:-1], observed[:-1]
        if len(expected) < 2:
            continue
        total += ((observed - expected) ** 2 / expected).sum()
        dof += len(expected) - 1
    return total, dof


@pytest.mark.parametrize("model", [sim.GIF_curr_exp, sim.GIF_cond_exp], ids=lambda m: m.__name__)
def test_escape_counts_fit_the_hazard(model):
    per_seed, total, dof = [], 0.0, 0
    for seed in SEEDS:
        chi2, d = _chi2(_counts(model, seed))
        per_seed.append(stats.chi2.sf(chi2, d))
        total += chi2
        dof += d
    # each seed: 10 tests at 0.001 keep the chance of a false alarm near 1 %
    assert min(per_seed) > 1e-3, per_seed
    assert stats.chi2.sf(total, dof) > 0.01, (total, dof)


def test_mean_counts_match_the_hazard_to_three_standard_errors():
    """A direct look at the rate: mean spikes per bin per level, pooled over seeds."""
    steps = int(round(BIN / DT))
    p = 1.0 - np.exp(-LAMBDA0 * np.exp(LEVELS) * DT / 1000.0)
    counts = np.concatenate([_counts(sim.GIF_curr_exp, s) for s in (21, 22, 23)], axis=1)
    mean = counts.mean(axis=1)
    se = np.sqrt(steps * p * (1 - p) / counts.shape[1])
    assert (np.abs(mean - steps * p) < 3 * se).all(), (mean, steps * p, se)
