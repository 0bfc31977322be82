"""Helpers shared by the native-rule network tests of both backends
(tests/engine/test_native_network.py, tests/nest/test_native_plastic.py)."""
import numpy as np

import pynnlite as sim


#: the weights of the HPC-like test networks (E->E STDP, inhibitory static)
JE, JI = 0.06, -0.3


def power_law_stdp():
    """The HPC benchmark's power-law STDP, scaled to the small test networks."""
    return sim.STDPMechanism(
        sim.SpikePairRule(tau_plus=15.0, tau_minus=30.0, A_plus=0.1, A_minus=0.0051),
        sim.PowerLawWeightDependence(mu=0.4), weight=JE, delay=1.0)


def excitatory_and_inhibitory(n_e, n_i):
    """Populations E and I of IF_curr_alpha cells with fast synapses, their
    potentials drawn uniformly from -65 to -52 mV."""
    rng = np.random.default_rng(1)
    cell = sim.IF_curr_alpha(tau_syn_E=0.5, tau_syn_I=0.5)
    E = sim.Population(n_e, cell, label="E")
    I = sim.Population(n_i, cell, label="I")
    E.initialize(v=rng.uniform(-65.0, -52.0, n_e))
    I.initialize(v=rng.uniform(-65.0, -52.0, n_i))
    return E, I, rng


def indegree_projections(plan, conns=None, native=True):
    """One Projection per (pre, post, in-degree, synapse factory, receptor) of
    ``plan``: a fixed in-degree with multapses and without autapses, or, where
    ``conns`` is given, the k-th list of (i, j, weight, delay) rows."""
    projections = []
    for k, (pre, post, n, synapse, receptor) in enumerate(plan):
        if conns is None:
            connector = sim.FixedNumberPreConnector(n, with_replacement=True,
                                                    allow_self_connections=False, native=native)
        else:
            connector = sim.FromListConnector(conns[k], column_names=["weight", "delay"])
        projections.append(sim.Projection(pre, post, connector, synapse(), receptor_type=receptor))
    return projections


def recorded_spikes(pops):
    """The last segment's spikes of each population: ids and times, in time order."""
    out = []
    for p in pops:
        ids, times = p.get_data().segments[-1].spiketrains.multiplexed
        order = np.lexsort((np.asarray(ids), np.asarray(times)))
        out += [np.asarray(ids)[order], np.asarray(times)[order]]
    return out


def values(projection, name):
    """One attribute of every connection, in the projection's order."""
    return np.asarray(projection.get(name, format="list", with_address=False)).ravel()


def connection_lists(projections):
    """Each projection's (i, j, weight, delay) rows."""
    return [np.array(p.get(["weight", "delay"], format="list")) for p in projections]
