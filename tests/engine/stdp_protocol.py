"""The spike-pairing protocol of check 7, shared by the engine and NEST tests.

Each network holds pairs of one presynaptic SpikeSourceArray neuron and one
postsynaptic IF_curr_exp neuron that a trigger source makes fire at chosen
times; every STDP rule of RULES is one one-to-one projection over all pairs.
Presynaptic trains are Poisson spikes plus spikes placed exactly at a
postsynaptic spike's arrival t_j + d (coincident: no pairing), one step before
and one step after it, and short bursts, so that every ordering NEST
distinguishes occurs. The postsynaptic cells are insensitive to the plastic
input (large capacitance, tiny weights), and the reference uses the spike
times actually recorded anyway.
"""
import numpy as np

import pynnlite as sim

DT = 0.1
T_STOP = 400.0
N_PAIRS = 4
#: large capacitance: the plastic weights (<= 0.06 nA) move V by microvolts
POST = dict(cm=50.0, tau_m=20.0, tau_syn_E=0.5, tau_syn_I=0.5, v_rest=-65.0, v_reset=-65.0,
            v_thresh=-50.0, tau_refrac=0.5)
TRIGGER_WEIGHT = 5000.0

#: (label, weight dependence factory, A_plus, A_minus); A_plus of the power law is
#: NEST's lambda for weights in pA
WEIGHT_DEPENDENCES = (
    ("additive", lambda: sim.AdditiveWeightDependence(w_min=0.0, w_max=0.06), 0.02, 0.025),
    ("multiplicative", lambda: sim.MultiplicativeWeightDependence(w_min=0.0, w_max=0.06), 0.05,
     0.06),
    ("add_pot_mult_dep", lambda: sim.AdditivePotentiationMultiplicativeDepression(
        w_min=0.0, w_max=0.06), 0.02, 0.05),
    ("gutig", lambda: sim.GutigWeightDependence(w_min=0.0, w_max=0.06, mu_plus=0.5,
                                                mu_minus=0.3), 0.04, 0.05),
    ("power_law", lambda: sim.PowerLawWeightDependence(mu=0.4), 0.1, 0.1 * 0.0513 * 20),
)
TAUS = ((20.0, 20.0), (15.0, 30.0))
RULES = tuple((f"{name}_tp{tp:g}_tm{tm:g}", wd, a_plus, a_minus, tp, tm)
              for name, wd, a_plus, a_minus in WEIGHT_DEPENDENCES for tp, tm in TAUS)
DELAYS = (0.1, 1.0, 2.5)


def grid(times):
    return np.unique(np.round(np.asarray(times) / DT).astype(np.int64)) * DT


def trigger_lag(backend):
    """Time from a trigger spike to the postsynaptic spike it causes (ms)."""
    sim.setup(timestep=DT, backend=backend)
    trig = sim.Population(1, sim.SpikeSourceArray(spike_times=[10.0]))
    post = sim.Population(1, sim.IF_curr_exp(**POST))
    post.record("spikes")
    sim.Projection(trig, post, sim.OneToOneConnector(),
                   sim.StaticSynapse(weight=TRIGGER_WEIGHT, delay=DT))
    sim.run(20.0)
    t = post.get_data().segments[0].spiketrains[0].magnitude
    sim.end()
    assert len(t) == 1
    return float(t[0]) - 10.0


def trains(seed, delay, lag):
    """(trigger times, presynaptic times) per pair, on the grid."""
    rng = np.random.default_rng(seed)
    triggers, pres = [], []
    for _ in range(N_PAIRS):
        trig = grid(np.cumsum(rng.exponential(1000.0 / 30.0, 30)))
        trig = trig[(trig > 5.0) & (trig < T_STOP - 40.0)]
        keep = np.concatenate([[True], np.diff(trig) > 2.0])    # beyond refractoriness
        trig = trig[keep]
        post = trig + lag
        chosen = rng.choice(post, min(len(post), 6), replace=False)
        pre = [np.cumsum(rng.exponential(1000.0 / 25.0, 20)),
               chosen + delay, chosen + delay + DT, chosen[:3] + delay - DT,
               chosen[3:] + delay + rng.uniform(-8, 8, len(chosen[3:]))]
        burst = rng.uniform(20, T_STOP - 60)
        pre.append(burst + DT * np.arange(0, 40, 4))
        pre = grid(np.concatenate(pre))
        triggers.append(trig)
        pres.append(pre[(pre > 0) & (pre < T_STOP - 5.0)])
    return triggers, pres


def build(seed, delay, lag, rules=RULES, receptor="excitatory"):
    """The protocol network (after setup()): returns (projections by label,
    postsynaptic population by label, pre trains, initial weights by label).
    Rules with different tau_minus target different (identically driven)
    postsynaptic populations, since NEST keeps tau_minus on the neuron."""
    triggers, pres = trains(seed, delay, lag)
    trig = sim.Population(N_PAIRS, sim.SpikeSourceArray(spike_times=triggers))
    pre = sim.Population(N_PAIRS, sim.SpikeSourceArray(spike_times=pres))
    posts = {}
    for tm in sorted({r[5] for r in rules}):
        posts[tm] = sim.Population(N_PAIRS, sim.IF_curr_exp(**POST), label=f"post_tm{tm:g}")
        posts[tm].record("spikes")
        sim.Projection(trig, posts[tm], sim.OneToOneConnector(),
                       sim.StaticSynapse(weight=TRIGGER_WEIGHT, delay=DT))
    rng = np.random.default_rng(seed + 1)
    sign = -1.0 if receptor == "inhibitory" else 1.0
    projections, w0, post = {}, {}, {}
    for label, wd, a_plus, a_minus, tp, tm in rules:
        post[label] = posts[tm]
        w0[label] = sign * rng.uniform(0.01, 0.05, N_PAIRS)
        syn = sim.STDPMechanism(
            timing_dependence=sim.SpikePairRule(tau_plus=tp, tau_minus=tm, A_plus=a_plus,
                                                A_minus=a_minus),
            weight_dependence=wd(), weight=w0[label], delay=delay)
        prj = sim.Projection(pre, post[label], sim.OneToOneConnector(), syn, receptor_type=receptor,
                             label=label)
        prj.record_weights(DT)
        projections[label] = prj
    return projections, post, pres, w0


def reference_rule(label, a_plus, a_minus, tp, tm, wd):
    """The rule as the reference (stdp_reference) takes it, weights in nA."""
    if label.startswith("power_law"):
        lam = a_plus * 1000.0 ** (wd.mu - 1.0)        # NEST's pA lambda -> nA
        return dict(kind="power_law", **{"lambda": lam}, alpha=a_minus / lam, mu=wd.mu,
                    tau_plus=tp, tau_minus=tm)
    mu = {"additive": (0.0, 0.0), "multiplicative": (1.0, 1.0),
          "add_pot_mult_dep": (0.0, 1.0)}.get(label.split("_tp")[0])
    if mu is None:
        mu = (wd.mu_plus, wd.mu_minus)
    return dict(kind="gutig", **{"lambda": a_plus}, alpha=a_minus / a_plus, mu_plus=mu[0],
                mu_minus=mu[1], w_min=wd.w_min, w_max=wd.w_max, tau_plus=tp, tau_minus=tm)


def weights_at_pre_spikes(prj, pair, pre_times):
    """The recorded weight of connection ``pair`` right after each presynaptic spike."""
    sig = prj.get_weight_history()
    col = int(np.flatnonzero(sig.array_annotations["connection_index"] == pair)[0])
    steps = np.round(np.asarray(pre_times) / DT).astype(np.int64)
    return sig.magnitude[steps, col]


def post_trains(post, label):
    """Recorded spike times of the postsynaptic cells of one rule, per pair."""
    return [st.magnitude for st in post[label].get_data().segments[0].spiketrains]
