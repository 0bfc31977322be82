"""Memory estimates (CHECKS.md 29): a network too big for memory is refused
with a MemoryError naming the estimate before anything is allocated, and the
estimate is close to the real peak."""
import subprocess
import sys
import textwrap

import pytest

import pynnlite as sim
from pynnlite import memory


@pytest.fixture(autouse=True)
def simulation():
    sim.setup(timestep=0.1)
    yield
    sim.end()


def test_projection_too_big_is_refused_before_connecting():
    big = sim.Population(10 ** 6, sim.IF_curr_exp())
    before = memory.resident_bytes()
    with pytest.raises(MemoryError, match=r"estimated .*\(\d+ bytes\).*available") as info:
        sim.Projection(big, big, sim.AllToAllConnector(), sim.StaticSynapse(weight=0.1))
    assert "1000000000000 connections" in str(info.value)
    assert memory.resident_bytes() - before < 50 * 2 ** 20, "nothing large was allocated"
    assert sim.get_simulation().projections == []


def test_build_too_big_is_refused_before_the_backend_allocates(monkeypatch):
    a = sim.Population(1000, sim.IF_curr_exp())
    sim.Projection(a, a, sim.FixedProbabilityConnector(0.1), sim.StaticSynapse(weight=0.1))
    estimate = sim.get_simulation().memory_estimate()
    assert estimate["backend"] > 100000 * 14            # at least the kept synapse table
    monkeypatch.setattr(memory, "available_bytes", lambda: estimate["backend"] - 1)
    with pytest.raises(MemoryError, match="building the network.*estimated"):
        sim.run(1.0)
    assert sim.get_simulation()._backend is None and sim.get_current_time() == 0.0


@pytest.mark.slow
@pytest.mark.parametrize("native,plastic", [(False, False), (True, False), (True, True)])
def test_estimate_is_within_20_percent_of_peak_rss_at_1e5_neurons_1e7_synapses(native, plastic):
    # The estimate covers the network, not compiling the engine's loop (a first
    # run with a cold numba cache needs ~300 MB more for LLVM): a first run of
    # the same network compiles everything into the cache, the second is measured.
    # Native projections: the backend draws them, the frontend holds nothing.
    script = textwrap.dedent("""
        import sys
        import pynnlite as sim
        from pynnlite.memory import peak_resident_bytes
        sim.setup(timestep=0.1)
        cells = sim.Population(int(sys.argv[1]), sim.IF_curr_exp())
        if sys.argv[3] == "1":
            synapse = sim.STDPMechanism(sim.SpikePairRule(),
                                        sim.AdditiveWeightDependence(w_max=0.1),
                                        weight=0.01, delay=1.0)
        else:
            synapse = sim.StaticSynapse(weight=0.01, delay=1.0)
        sim.Projection(cells, cells, sim.FixedNumberPreConnector(100, native=sys.argv[2] == "1"),
                       synapse)
        cells.record("spikes")
        estimate = sim.get_simulation().memory_estimate()["total"]
        sim.run(10.0)
        peak = peak_resident_bytes()   # not ru_maxrss: a vforked child inherits the parent's
        print(estimate, peak)
    """)
    args = [sys.executable, "-c", script, "100000", str(int(native)), str(int(plastic))]
    subprocess.run(args, capture_output=True, check=True)
    out = subprocess.run(args, capture_output=True, text=True, check=True)
    estimate, peak = map(int, out.stdout.split())
    assert 1 / 1.2 <= peak / estimate <= 1.2, (estimate, peak)
