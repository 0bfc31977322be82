"""Check 11: ParrotNeuron (NEST parrot_neuron) on every installed backend.
Every spike leaves the parrot one connection delay after it left its source,
with its multiplicity, whatever the weight; a 1 MHz Poisson source passes
through two parrots in a row with its count (within 3 sigma of rate x time)."""
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
def test_parrot_repeats_spikes_after_the_delay(backend):
    times = [1.0, 2.05, 2.1, 5.0, 5.0, 5.0, 7.3]
    sim.setup(timestep=0.1, backend=backend)
    src = sim.Population(1, sim.SpikeSourceArray(spike_times=times))
    first = sim.Population(2, sim.ParrotNeuron())
    second = sim.Population(1, sim.ParrotNeuron())
    prj = sim.Projection(src, first, sim.AllToAllConnector(),
                         sim.StaticSynapse(weight=2.5, delay=0.3))
    sim.Projection(first, second, sim.AllToAllConnector(), sim.StaticSynapse(weight=0.7, delay=1.0))
    for p in (src, first, second):
        p.record("spikes")
    sim.run(12.0)
    data = [[np.asarray(t) for t in p.get_data().segments[0].spiketrains] for p in (src, first, second)]
    weights = prj.get("weight", format="array")
    sim.end()
    emitted = data[0][0]        # 2.05 is emitted at the end of its step, 2.1
    np.testing.assert_allclose(emitted, [1.0, 2.1, 2.1, 5.0, 5.0, 5.0, 7.3], atol=1e-9)
    for train in data[1]:
        np.testing.assert_allclose(train, emitted + 0.3, atol=1e-9)
    # both first-stage parrots feed the second one: every spike twice
    np.testing.assert_allclose(data[2][0], np.sort(np.repeat(emitted + 1.3, 2)), atol=1e-9)
    assert np.all(weights == 2.5)     # the weight is kept (and reported), not used


@pytest.mark.parametrize("backend", _backends())
def test_one_megahertz_through_two_parrots(backend):
    rate, t_stop = 1e6, 20.0
    sim.setup(timestep=0.1, backend=backend)
    src = sim.Population(1, sim.SpikeSourcePoisson(rate=rate))
    a = sim.Population(1, sim.ParrotNeuron())
    b = sim.Population(1, sim.ParrotNeuron())
    sim.Projection(src, a, sim.OneToOneConnector(), sim.StaticSynapse(weight=1.0, delay=0.1))
    sim.Projection(a, b, sim.OneToOneConnector(), sim.StaticSynapse(weight=1.0, delay=0.1))
    for p in (src, a, b):
        p.record("spikes")
    sim.run(t_stop + 0.2)
    counts = [len(p.get_data().segments[0].spiketrains[0]) for p in (src, a, b)]
    trains = [np.asarray(p.get_data().segments[0].spiketrains[0]) for p in (src, b)]
    sim.end()
    # the source's spikes in (0, t_stop] reach the second parrot 0.2 ms later
    n_src = int((trains[0] <= t_stop + 1e-9).sum())
    expected = rate * t_stop / 1000.0
    assert abs(n_src - expected) <= 3 * np.sqrt(expected)
    assert int(((trains[1] > 0.2 + 1e-9) & (trains[1] <= t_stop + 0.2 + 1e-9)).sum()) == n_src
