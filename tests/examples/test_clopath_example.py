"""examples/clopath_bidirectional.py (seed 001): runs as a user runs it, the
seed's network behaves as NEST's does (the E->E weights barely move), and with
the same input trains (--frozen) the numba engine and NEST simulate the same
network spike for spike."""
import importlib.util
import os
import subprocess
import sys

import numpy as np
import pytest

SCRIPT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", "examples",
                                      "clopath_bidirectional.py"))


def _example():
    spec = importlib.util.spec_from_file_location("clopath_bidirectional", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_script_prints_figures_and_writes_the_matrix(tmp_path):
    figure = tmp_path / "matrix.png"
    out = subprocess.run([sys.executable, SCRIPT, "numba", "--time", "1000", "--figure", str(figure)],
                         capture_output=True, text=True, cwd=tmp_path, timeout=300)
    assert out.returncode == 0, out.stderr[-3000:]
    assert "E->E weight change: mean" in out.stdout
    assert "bidirectional" in out.stdout and "unidirectional" in out.stdout
    assert figure.stat().st_size > 10_000


def test_seed_network_weights_barely_move():
    """NEST, 3 seeds: mean E->E weight 0.253-0.257 after 10 s, none above 0.5.
    The engine, seed 1 (deterministic): the same ranges, within the spread of
    NEST's seeds (0.250-0.260; measured 0.2530)."""
    cb = _example()
    res = cb.run_network("numba", seed=1)
    s = cb.summary(res)
    assert 0.250 <= s["mean_weight"] <= 0.260
    assert s["max_weight"] < 0.5 and s["bidirectional"] == 0
    assert 0.5 < res["rate_exc"] < 10.0


def test_frozen_input_same_network_as_nest():
    """The same input trains on both backends: the same excitatory spikes and
    E->E weights within rel 1e-4 after 2 s (the engine reproduces NEST's
    integration and Clopath rule; the remaining differences come from the NEST
    adapter's lead-in, which fills two entries of NEST's u+/u- delay lines
    before t = 0; measured 2e-7 mV)."""
    pytest.importorskip("nest")
    cb = _example()
    a = cb.run_network("numba", seed=3, t_sim=2000.0, frozen=True)
    b = cb.run_network("nest", seed=3, t_sim=2000.0, frozen=True)
    assert a["rate_exc"] == b["rate_exc"] and a["rate_exc"] > 0.5
    np.testing.assert_allclose(a["w_after"], b["w_after"], rtol=1e-4)
    assert np.nanmax(np.abs(a["w_after"] - a["w_before"])) > 1e-3     # the weights did change
