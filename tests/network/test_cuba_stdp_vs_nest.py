"""CUBA-STDP (seed 000) at reduced size on pynnlite's engine and on NEST, the
identical network from the frontend (same connections, initial weights and
potentials; only the Poisson drive's random numbers differ, each backend
drawing its own): rates and the final E->E weight distribution agree within
10 % (issue 4).

Size: scale 0.2 (2,250 neurons, in-degree 10 % of each population: 180 + 45),
1 s. Over that time STDP moves the mean weight by ~0.2 % and narrows the
distribution by ~6 % (3.00 -> 2.83 pA on both); the mean and std are compared
within 10 %, and the narrowing, the part STDP is responsible for, within 25 %
(seen: 0.171 vs 0.167 pA).

The mean *change* is not compared: it is tiny and depends on when weights are
read. NEST updates a synapse only when a presynaptic spike is delivered
(potentiation by later postsynaptic spikes is pending, and spikes of the last
min_delay slice are not yet delivered); the engine applies both at once. With
identical spike trains (a DC-driven version of this network, first 60 ms) the
two differ by up to 2 % on single synapses for that reason alone.
"""
import importlib.util
import os

import pytest

pytestmark = [pytest.mark.slow, pytest.mark.skipif(importlib.util.find_spec("nest") is None,
                                                   reason="nest-simulator not installed")]

SCRIPT = os.path.join(os.path.dirname(__file__), "..", "..", "examples", "cuba_stdp.py")


def _example():
    spec = importlib.util.spec_from_file_location("example_cuba_stdp", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def runs():
    example = _example()
    return {backend: example.build_and_run(backend, scale=0.2, simtime=1000.0, seed=238,
                                           verbose=False)
            for backend in ("numba", "nest")}


def test_rates_agree(runs):
    ours, nest = runs["numba"], runs["nest"]
    for key in ("exc_rate_hz", "inh_rate_hz"):
        assert abs(ours[key] - nest[key]) <= 0.1 * nest[key], (key, ours[key], nest[key])


def test_weight_distribution_agrees(runs):
    ours, nest = runs["numba"], runs["nest"]
    assert ours["n_plastic"] == nest["n_plastic"]
    for key in ("w_ee_mean", "w_ee_std"):
        assert abs(ours[key] - nest[key]) <= 0.1 * nest[key], (key, ours[key], nest[key])
    # STDP narrows the distribution by the same amount on both
    narrowing = {k: r["w_ee_initial_std"] - r["w_ee_std"] for k, r in runs.items()}
    assert narrowing["nest"] > 0 and abs(narrowing["numba"] - narrowing["nest"]) <= 0.25 * narrowing["nest"]
