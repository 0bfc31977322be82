"""Rates of SpikeSourcePoisson changed between run() calls take effect at once,
on every installed backend (PyNN#650, NEST#1279: there a change waited for the
next spike at the old rate): with the rate 0 no spike is emitted after the
change, with a new rate the count of the very next 5 ms and of the whole
interval fit it (Poisson counts within 5 sigma).

On the numba engine the new rate holds from the first step after the change.
On NEST a source is a poisson_generator relayed by a parrot_neuron through a
connection of one time step (pynnlite_nest.stimuli), so the spikes of the
first step after a change were drawn before it: the change shows one step
later (no adapter can draw them again: NEST has simulated that step)."""
import numpy as np
import pytest

import pynnlite as sim


def _backends():
    out = ["numba"]
    try:
        import nest  # noqa: F401
        out.append("nest")
    except ImportError:
        pass
    return out


@pytest.mark.parametrize("backend", _backends())
def test_rate_changes_between_runs_act_at_once(backend):
    n, rate = 200, 1000.0
    lag = 0.1 if backend == "nest" else 0.0      # ms, see the module docstring
    sim.setup(timestep=0.1, backend=backend)
    sources = sim.Population(n, sim.SpikeSourcePoisson(rate=0.0))
    sources.record("spikes")
    sim.run(100.0)
    first_half = np.arange(n) < n // 2
    sources.set(rate=np.where(first_half, rate, 0.0))
    sim.run(100.0)
    sources.set(rate=0.0)
    sim.run(100.0)
    trains = sources.get_data().segments[0].spiketrains
    sim.end()
    times = [np.asarray(t) for t in trains]
    ids = np.concatenate([np.full(len(t), i) for i, t in enumerate(times)])
    t = np.concatenate(times)
    outside = (t <= 100.0 + lag + 1e-9) | (t > 200.0 + lag + 1e-9)
    assert not outside.any(), "spikes outside the 1000 Hz window"
    assert first_half[ids].all(), "a source at 0 Hz fired"

    def within(count, expected):
        return abs(count - expected) <= 5 * np.sqrt(expected)

    assert within(len(t), n // 2 * rate * 0.1)
    assert within(((t > 100.0) & (t <= 105.0)).sum(), n // 2 * rate * 0.005)
    # the step right after the change already fires (10 spikes expected)
    assert t.min() <= 100.1 + lag + 1e-9
