"""pynnlite.crossval: comparison of two backends' dumps, and one run of the
command on a small script (numba vs nest)."""
import json
import os
import subprocess
import sys
import textwrap

import numpy as np
import pytest

from pynnlite.crossval import compare_dumps


def _dump(path, backend, spikes, weights, t=1000.0, sizes=(100,)):
    arrays = {"prj0_pre": np.arange(len(weights)), "prj0_post": np.arange(len(weights)) % sizes[0],
              "prj0_weight": np.asarray(weights, float), "prj0_delay": np.full(len(weights), 0.5)}
    for k, (idx, times) in enumerate(spikes):
        arrays[f"pop{k}_spike_index"] = np.asarray(idx, np.int64)
        arrays[f"pop{k}_spike_time"] = np.asarray(times, float)
    arrays["labels"] = np.array(json.dumps({
        "populations": [f"p{k}" for k in range(len(spikes))], "sizes": list(sizes),
        "spike_recorded": list(sizes), "projections": ["a→b"], "backend": backend, "t": t,
        "seed": 1}))
    np.savez(path, **arrays)
    return str(path)


def _poisson(rng, n, rate, t_ms):
    counts = rng.poisson(rate * t_ms / 1000.0, n)
    idx = np.repeat(np.arange(n), counts)
    return idx, np.round(rng.uniform(0, t_ms, len(idx)), 1)


def test_identical_runs_agree(tmp_path):
    rng = np.random.default_rng(1)
    spikes = [_poisson(rng, 100, 10.0, 1000.0)]
    a = _dump(tmp_path / "a.npz", "numba", spikes, [0.1, 0.2, 0.3])
    b = _dump(tmp_path / "b.npz", "nest", spikes, [0.1, 0.2, 0.3])
    report = compare_dumps(a, b)
    assert report.ok, str(report)
    assert "3 identical" in str(report) and "identical trains expected" in str(report)


def test_different_weight_and_spike_are_reported(tmp_path):
    idx, times = np.array([0, 1, 2]), np.array([1.0, 2.0, 3.0])
    a = _dump(tmp_path / "a.npz", "numba", [(idx, times)], [0.1, 0.2, 0.3], sizes=(3,))
    b = _dump(tmp_path / "b.npz", "nest", [(idx, times + [0, 0.1, 0])], [0.1, 0.25, 0.3], sizes=(3,))
    report = compare_dumps(a, b, mode="exact")
    assert not report.ok
    text = str(report)
    assert "DIFFER at connection 1 (weight: numba 0.2, nest 0.25" in text
    assert "DIFFER at spike 1: numba neuron 1 at 2 ms, nest neuron 1 at 2.1 ms" in text


def test_statistics_for_stochastic_runs(tmp_path):
    rng = np.random.default_rng(2)
    a = _dump(tmp_path / "a.npz", "numba", [_poisson(rng, 200, 20.0, 2000.0)], [0.1], t=2000.0,
              sizes=(200,))
    b = _dump(tmp_path / "b.npz", "nest", [_poisson(rng, 200, 20.0, 2000.0)], [0.1], t=2000.0,
              sizes=(200,))
    c = _dump(tmp_path / "c.npz", "nest", [_poisson(rng, 200, 30.0, 2000.0)], [0.1], t=2000.0,
              sizes=(200,))
    same = compare_dumps(a, b)
    # independent Poisson samples of the same process: the KS tests pass at
    # alpha = 0.01 for this seed (a 1 % false alarm rate in general)
    assert same.ok, str(same)
    assert "KS p" in str(same)
    # 20 Hz vs 30 Hz over 200 neurons: rates differ by ~10 standard errors
    assert not compare_dumps(a, c).ok


@pytest.mark.slow
def test_command_on_a_small_script(tmp_path):
    script = tmp_path / "net.py"
    script.write_text(textwrap.dedent("""
        import sys
        import numpy as np
        import pynnlite as sim
        sim.setup(timestep=0.1, backend=sys.argv[1], seed=5)
        rng = np.random.default_rng(3)
        times = [np.sort(rng.uniform(1, 200, 10)) for _ in range(20)]
        src = sim.Population(20, sim.SpikeSourceArray(spike_times=times), label="src")
        cells = sim.Population(50, sim.IF_curr_exp(tau_refrac=2.0, i_offset=0.6), label="cells")
        sim.Projection(src, cells, sim.FixedProbabilityConnector(0.3),
                       sim.StaticSynapse(weight=0.4, delay=0.5))
        sim.Projection(cells, cells, sim.FixedNumberPreConnector(4, with_replacement=True),
                       sim.StaticSynapse(weight=-0.2, delay=1.0), receptor_type="inhibitory")
        cells.record("spikes")
        sim.run(200.0)
        sim.end()
    """))
    result = subprocess.run([sys.executable, "-m", "pynnlite.crossval", str(script)],
                            capture_output=True, text=True, timeout=120,
                            cwd=os.path.dirname(os.path.dirname(os.path.dirname(__file__))))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "AGREE" in result.stdout and "identical trains expected" in result.stdout
