"""TsodyksMarkramSynapse on the numba engine: the PSC amplitude of every spike vs
an independent replay of the Tsodyks-Markram model (NEST's tsodyks_synapse,
propagated exactly between spikes), for depressing and facilitating
parameters; tau_psc taken from the postsynaptic tau_syn_E.

The amplitude of each arrival is read from the recorded I_syn of an
IF_curr_exp cell: I[k] = I[k-1] * exp(-dt/tau_syn) + input. Tolerance rtol 1e-9:
the subtraction loses at most a few ulps of I relative to the input.
"""
import math

import numpy as np
import pytest

import pynnlite as sim
from pynnlite.errors import ConnectionError, InvalidParameterValueError

DT = 0.1
TAU_SYN = 3.0


def reference_amplitudes(times, weight, U, tau_rec, tau_fac, tau_psc):
    """weight * u * x at each spike; x, y, u start at 1, 0, 0 and the last
    spike time at 0, as in NEST."""
    x, y, u, t_last = 1.0, 0.0, 0.0, 0.0
    out = []
    for t in times:
        h = t - t_last
        u = u * (math.exp(-h / tau_fac) if tau_fac > 0 else 0.0)
        z = 1.0 - x - y
        # x recovers from the inactive pool z, fed meanwhile by the decay of y
        pyy, pzz = math.exp(-h / tau_psc), math.exp(-h / tau_rec)
        x = x + z * (1.0 - pzz) + y * (tau_psc * (1.0 - pyy) - tau_rec * (1.0 - pzz)) / (
            tau_psc - tau_rec)
        y = y * pyy
        u = u + U * (1.0 - u)
        released = u * x
        x -= released
        y += released
        out.append(weight * released)
        t_last = t
    return np.array(out)


@pytest.mark.parametrize("U,tau_rec,tau_facil", [(0.5, 800.0, 0.0), (0.03, 100.0, 1000.0),
                                                  (0.2, 50.0, 20.0)])
def test_psc_amplitudes_match_model(U, tau_rec, tau_facil):
    rng = np.random.default_rng(4)
    times = np.unique(np.round(np.cumsum(rng.exponential(15.0, 40)) / DT)) * DT
    times = times[times < 480.0]
    sim.setup(timestep=DT, backend="numba")
    src = sim.Population(1, sim.SpikeSourceArray(spike_times=times))
    cell = sim.Population(1, sim.IF_curr_exp(tau_syn_E=TAU_SYN, cm=100.0))
    cell.record("isyn_exc")
    delay = 1.0
    sim.Projection(src, cell, sim.OneToOneConnector(),
                   sim.TsodyksMarkramSynapse(U=U, tau_rec=tau_rec, tau_facil=tau_facil,
                                             weight=2.0, delay=delay))
    sim.run(500.0)
    i_syn = cell.get_data().segments[0].analogsignals[0].magnitude[:, 0]
    jumps = i_syn[1:] - i_syn[:-1] * math.exp(-DT / TAU_SYN)
    # a spike stamped t is read in the step ending at t + delay, i.e. shows in the
    # sample at t + delay, which is jumps[(t + delay) / dt - 1]
    arrival = np.round((times + delay) / DT).astype(int)
    got = jumps[arrival - 1]
    expected = reference_amplitudes(times, 2.0, U, tau_rec, tau_facil, TAU_SYN)
    np.testing.assert_allclose(got, expected, rtol=1e-9)
    # no input anywhere else
    others = np.setdiff1d(np.arange(len(jumps)), arrival - 1)
    assert np.abs(jumps[others]).max() < 1e-12
    sim.end()


def test_tau_rec_equal_to_tau_syn_and_targets_refused():
    sim.setup(timestep=DT, backend="numba")
    src = sim.Population(1, sim.SpikeSourceArray(spike_times=[1.0]))
    cell = sim.Population(1, sim.IF_curr_exp(tau_syn_E=TAU_SYN))
    sim.Projection(src, cell, sim.OneToOneConnector(),
                   sim.TsodyksMarkramSynapse(tau_rec=TAU_SYN, weight=1.0))
    with pytest.raises(InvalidParameterValueError, match="tau_rec.*3.0"):
        sim.run(1.0)
    sim.end()
    sim.setup(timestep=DT, backend="numba")
    src = sim.Population(1, sim.SpikeSourceArray(spike_times=[1.0]))
    with pytest.raises(ConnectionError, match="takes no synaptic input"):
        sim.Projection(src, src, sim.OneToOneConnector(), sim.TsodyksMarkramSynapse(weight=1.0))
    sim.end()
