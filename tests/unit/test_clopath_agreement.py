"""benchmarks/clopath_agreement.py's statistics on made-up runs: the relative
difference from NEST with its standard error, and the share of 5-seed blocks
within 10 %."""
import importlib.util
import os
import sys

import numpy as np
import pytest

BENCHMARKS = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", "benchmarks"))


@pytest.fixture(scope="module")
def agreement():
    sys.path.insert(0, BENCHMARKS)
    try:
        spec = importlib.util.spec_from_file_location(
            "clopath_agreement", os.path.join(BENCHMARKS, "clopath_agreement.py"))
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
    finally:
        sys.path.remove(BENCHMARKS)
    return module


def _runs(agreement, values):
    """{seed: report} with every statistic equal to values[i] for seed i + 1."""
    return {i + 1: {key: float(v) for key in agreement.STATISTICS} for i, v in enumerate(values)}


def test_relative_difference_and_its_standard_error(agreement):
    nest = [1.0, 2.0, 3.0, 4.0]
    ours = [1.5, 2.5, 3.5, 4.5]
    rows = agreement.table({"nest": _runs(agreement, nest), "numba": _runs(agreement, ours)},
                           [1, 2, 3, 4])
    row = rows["exc_rate_hz"]["numba"]
    assert row["mean"] == pytest.approx(3.0)
    assert row["rel_diff"] == pytest.approx(3.0 / 2.5 - 1.0)
    se = np.std(nest, ddof=1) / 2.0            # the same spread on both sides, 4 seeds
    assert row["se"] == pytest.approx(se)
    assert row["rel_diff_se"] == pytest.approx(np.hypot(se, se) / 2.5)
    assert rows["exc_rate_hz"]["nest"]["rel_diff"] == 0.0


def test_blocks_of_five_seeds(agreement):
    nest = [1.0] * 15
    ours = [1.05] * 5 + [1.2] * 5 + [0.95] * 4 + [0.5]     # within, off by 20 %, off by 14 %
    blocks = agreement.blocks_within({"nest": _runs(agreement, nest),
                                      "numba": _runs(agreement, ours)}, "numba",
                                     list(range(1, 16)))
    assert blocks["blocks"] == 3
    assert blocks["all"] == pytest.approx(1 / 3)
    assert blocks["ee_weight_change_mean"] == pytest.approx(1 / 3)


def test_seed_range(agreement):
    assert agreement.seed_range("3-6") == [3, 4, 5, 6]
    assert agreement.seed_range("7") == [7]
