"""examples/cuba_stdp.py (seed 000) and examples/hpc_benchmark.py (seed 002)
run as a user runs them, on small networks: they print what their seeds print
(CUBA-STDP: the summary with the seed's synapse count; HPC: the seed's log
lines), with plausible values."""
import importlib.util
import os
import re
import subprocess
import sys

import pytest

EXAMPLES = os.path.join(os.path.dirname(__file__), "..", "..", "examples")
BACKENDS = ["numba", pytest.param("nest", marks=pytest.mark.skipif(
    importlib.util.find_spec("nest") is None, reason="nest-simulator not installed"))]


def _run(tmp_path, script, *args):
    out = subprocess.run([sys.executable, os.path.abspath(os.path.join(EXAMPLES, script)), *args],
                         capture_output=True, text=True, cwd=tmp_path, timeout=300)
    assert out.returncode == 0, out.stderr[-3000:]
    return out.stdout


@pytest.mark.parametrize("backend", BACKENDS)
def test_cuba_stdp_prints_the_seed_summary(tmp_path, backend):
    stdout = _run(tmp_path, "cuba_stdp.py", backend, "--scale", "0.1", "--simtime", "100")
    summary = {k.strip(): v.strip() for k, v in
               (line.split(":", 1) for line in stdout.split("Brunel Network Simulation")[1]
                .splitlines() if ":" in line)}
    NE, NI = 900, 225
    CE, CI, n_rec = 90, 22, 225
    N = NE + NI
    assert summary["Number of Neurons"] == str(N)
    # the seed's count: recurrent, recorder and Poisson connections
    assert summary["Number of Synapses"] == str((CE + CI) * N + 2 * n_rec + N)
    for key in ("Excitatory rate", "Inhibitory rate"):
        rate = float(summary[key].split()[0])
        assert 1.0 < rate < 200.0, (key, rate)
    float(summary["Building time"].split()[0]), float(summary["Simulation time"].split()[0])
    mean, std = map(float, re.findall(r"mean ([\d.]+) pA, std ([\d.]+) pA",
                                      summary["E->E weights"])[0])
    # initial normal(35, 3) pA, bounded by [0, 70] pA; 100 ms of STDP moves them little
    assert 30.0 < mean < 40.0 and 1.0 < std < 6.0


# NEST's adapter reads every connection's status once (~10 us each): a smaller network there
@pytest.mark.parametrize("backend,scale", [
    ("numba", 0.02),
    pytest.param("nest", 0.01, marks=[pytest.mark.slow, *BACKENDS[1].marks])])
def test_hpc_benchmark_logs_what_the_seed_logs(tmp_path, backend, scale):
    stdout = _run(tmp_path, "hpc_benchmark.py", backend, "--scale", str(scale), "--presimtime", "10",
                  "--simtime", "20")
    logged = {}
    for line in stdout.splitlines():
        m = re.match(r"(\d+) 0 (\S+) # (.+)$", line)
        if m:
            logged[m.group(3)] = float(m.group(2))
    for name in ("build_time_nodes", "build_edge_time", "presim_time", "sim_time"):
        assert logged[name] > 0.0, name
    for when in ("0", "after_nodes", "after_edges", "after_presim", "after_sim"):
        assert logged[f"virt_mem_{when}"] >= logged[f"rss_{when}"] > 0, when
    # the edges (1-2.5 M connections) take memory
    assert logged["rss_after_edges"] > logged["rss_after_nodes"]
    assert logged["average rate"] >= 0.0 and logged["rate in the simulation phase"] >= 0.0
    # in-degree 9,000 + 2,250 whatever the scale (computed as the seed does)
    NE, NI = int(9000 * scale), int(2250 * scale)
    n = int(re.search(r"(\d+) neurons, (\d+) synapses", stdout).group(2))
    assert n == (int(NE / scale) + int(NI / scale)) * (NE + NI)
