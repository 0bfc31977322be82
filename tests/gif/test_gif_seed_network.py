"""Seed 003 (examples/gif_population.py) on pynnlite's engine against the
seed run natively on NEST, five seeds: the mean activity of each population
before (500-1500 ms) and after (1500-2000 ms) the current step within 10 % of
NEST's run with the same seed number, and the mesoscopic and microscopic
activities within 15 % of each other (as they are on NEST)."""
import os
import sys

import numpy as np
import pytest

HERE = os.path.dirname(__file__)
sys.path.insert(0, os.path.join(HERE, "..", "..", "examples"))
import gif_population as gp  # noqa: E402

SEEDS = (1, 2, 3, 4, 5)


def _means(result):
    m = gp.activity_means(result)
    return np.array([m["before"], m["after"]])        # (window, population)


@pytest.fixture(scope="module")
def engine_runs():
    return {(level, s): _means(gp.build_and_run(level, "numba", seed=s, record_v=False))
            for level in ("meso", "micro") for s in SEEDS}


@pytest.mark.slow
def test_each_run_within_10_percent_of_nest(engine_runs):
    pytest.importorskip("nest")
    sys.path.insert(0, os.path.join(HERE, "..", "..", "benchmarks", "cases"))
    import gif_nest
    for level in ("meso", "micro"):
        for s in SEEDS:
            ours = engine_runs[(level, s)]
            nest = _means(gif_nest.run(level, seed=s))
            # one run's window means scatter by ~2-4 % between seeds (measured)
            assert (np.abs(ours - nest) <= 0.10 * nest).all(), (level, s, ours, nest)


@pytest.mark.slow
def test_mesoscopic_and_microscopic_within_15_percent(engine_runs):
    meso = np.mean([engine_runs[("meso", s)] for s in SEEDS], axis=0)
    micro = np.mean([engine_runs[("micro", s)] for s in SEEDS], axis=0)
    # the step raises the activity about threefold in both
    assert (meso[1] > 2.5 * meso[0]).all() and (micro[1] > 2.5 * micro[0]).all()
    assert (np.abs(meso - micro) <= 0.15 * micro).all(), (meso, micro)
