"""Small GIF scenarios run through the frontend on a given backend, shared by
the GIF tests: deterministic input (spike trains, a step current with NEST's
timing, an offset current) into a few neurons or two populations."""
import numpy as np

import pynnlite as sim

#: deterministic inputs: two spike trains (exc, inh) and a step current
TRAINS = ([5.0, 20.3, 21.0, 80.0, 150.0], [40.0, 41.2, 120.0])
STEP = {"times": [30.0, 100.0, 160.0], "amplitudes": [0.05, -0.02, 0.1]}

CURR = dict(v_rest=-65.0, cm=0.25, tau_m=12.0, tau_refrac=2.0, tau_syn_E=2.0, tau_syn_I=4.0,
            v_reset=-60.0, i_offset=0.3, delta_v=0.5, v_t_star=-50.0, lambda0=0.0,
            tau_eta=[10.0, 50.0], a_eta=[0.05, 0.02], tau_gamma=[20.0], a_gamma=[3.0])
COND = dict(CURR, e_rev_E=0.0, e_rev_I=-80.0)
#: escape so steep (delta_v 1e-6 mV) that a neuron fires in the step its
#: potential crosses v_t_star + adaptation and never otherwise (the band where
#: the draw matters is ~4e-5 mV wide), so spikes and adaptation are deterministic
STEEP = dict(lambda0=1000.0, delta_v=1e-6, v_t_star=-56.0)


def single_neurons(backend, model, cell, variables, t=200.0, dt=0.1, seed=3, n=3):
    """Record ``variables`` (every step) and spikes of n neurons driven by the
    deterministic inputs; returns {variable: (samples, n)} and 'spikes'."""
    sim.setup(timestep=dt, backend=backend, seed=seed)
    cells = sim.Population(n, model(**cell), initial_values={"v": cell["v_rest"]})
    src = sim.Population(2, sim.SpikeSourceArray(spike_times=[sim.Sequence(x) for x in TRAINS]))
    w_e, w_i = (0.002, 0.004) if model.conductance_based else (0.02, -0.03)
    sim.Projection(src[[0]], cells, sim.AllToAllConnector(), sim.StaticSynapse(weight=w_e, delay=1.0),
                   receptor_type="excitatory")
    sim.Projection(src[[1]], cells, sim.AllToAllConnector(), sim.StaticSynapse(weight=w_i, delay=0.5),
                   receptor_type="inhibitory")
    sim.StepCurrentSource(delay=dt, **STEP).inject_into(cells)
    cells.record(list(variables))
    cells.record("spikes")
    sim.run(t)
    seg = cells.get_data().segments[0]
    out = {v: seg.filter(name=v)[0].magnitude for v in variables}
    out["spikes"] = [st.magnitude for st in seg.spiketrains]
    sim.end()
    return out


POP_VARIABLES = ("v", "mean", "n_events", "v_t", "isyn_exc", "isyn_inh")


def populations(backend, t=300.0, dt=0.5, seed=3):
    """Two GIF_pop_curr_exp elements driven by the deterministic inputs."""
    sim.setup(timestep=dt, backend=backend, seed=seed)
    pop = sim.Population(2, sim.GIF_pop_curr_exp(
        N=[400, 100], v_t_star=[15.0, 12.0], delta_v=2.0, tau_gamma=[100.0, 1000.0],
        a_gamma=[10.0, 1.0], i_offset=0.1))
    src = sim.Population(2, sim.SpikeSourceArray(spike_times=[sim.Sequence(x) for x in TRAINS]))
    sim.Projection(src[[0]], pop, sim.AllToAllConnector(), sim.StaticSynapse(weight=0.3, delay=1.0),
                   receptor_type="excitatory")
    sim.Projection(src[[1]], pop, sim.AllToAllConnector(), sim.StaticSynapse(weight=-0.2, delay=0.5),
                   receptor_type="inhibitory")
    sim.StepCurrentSource(delay=dt, **STEP).inject_into(pop)
    pop.record(list(POP_VARIABLES))
    sim.run(t)
    seg = pop.get_data().segments[0]
    out = {v: seg.filter(name=v)[0].magnitude for v in POP_VARIABLES}
    sim.end()
    return out


def max_difference(a, b):
    """Largest |a - b| over the samples both have (NEST hands over the last
    sample of variables it cannot read back only with the next run)."""
    n = min(len(a), len(b))
    return float(np.abs(np.asarray(a)[:n] - np.asarray(b)[:n]).max())
