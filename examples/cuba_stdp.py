# coding: utf-8
"""CUBA-STDP: benchmark 5 of the simulator review (seed 000), in pynnlite.

Brette et al. (2007) J Comput Neurosci 23: 349-398, benchmark 5 as NEST's
example writes it: a Brunel-type network of 9,000 excitatory and 2,250
inhibitory leaky integrate-and-fire neurons with exponential synaptic
currents (IF_curr_exp = NEST iaf_psc_exp), each receiving 10 % of each
population as inputs (fixed in-degree, multapses and autapses allowed, as
NEST's fixed_indegree), multiplicative STDP on the excitatory-excitatory
synapses (NEST stdp_synapse with mu_plus = mu_minus = 1, alpha 1.05,
Wmax 70 pA, initial weights normal(35, 3) pA) and static synapses elsewhere,
driven by an independent 4,050 Hz Poisson train per neuron (PoissonGenerator,
NEST's poisson_generator). 2 s of simulated time.

NEST's parameters are converted to pynnlite's units (pA -> nA, pF -> nF);
NEST defaults the seed relies on are written out (t_ref 2 ms, tau_syn 2 ms,
tau_plus = tau_minus = 20 ms, lambda = A_plus 0.01, so A_minus = alpha *
lambda = 0.0105).

Usage: python cuba_stdp.py [-h] [--scale SCALE] [--simtime MS] [--seed SEED]
                           [--threads N] [--static] simulator

  simulator   backend: numba (pynnlite's engine) or nest

--scale multiplies both population sizes, keeping the connection probability
(so the in-degrees shrink with the network, as the seed computes them): a
quick, smaller network, not the benchmark's dynamics.
"""
import time

import numpy as np

#: the seed's parameters, in pynnlite units (ms, mV, nA, nF, Hz)
PARAMS = {
    "NE": 9000, "NI": 2250, "epsilon": 0.1, "dt": 0.1, "simtime": 2000.0, "Nrec": 500,
    "cell": {"v_rest": 0.0, "v_reset": 0.0, "v_thresh": 20.0, "cm": 0.25, "tau_m": 20.0,
             "tau_refrac": 2.0, "tau_syn_E": 2.0, "tau_syn_I": 2.0, "i_offset": 0.0},
    "v_mean": 7.0, "v_sigma": 5.0,            # initial V_m, clipped to below V_th - 0.1
    "delay": 1.5, "JE": 0.035, "g": 5.0,      # PSC amplitude 35 pA; inhibitory -g * JE
    "sigma_w": 0.003,                         # E->E initial weights normal(JE, 3 pA)
    "stdp": {"tau_plus": 20.0, "tau_minus": 20.0, "lambda": 0.01, "alpha": 1.05,
             "w_max": 2.0 * 0.035},
    "rate": 900.0 * 4.5,                      # Poisson drive per neuron (Hz)
    "seed": 238,
}


def build_and_run(backend="numba", scale=1.0, simtime=None, seed=None, threads=1,
                  plastic=True, verbose=True, weights=True):
    """Build the seed network on ``backend``, run it, and return a dict of
    timings, counts, rates and (``weights``) the initial and final E->E weight
    distributions."""
    import pynnlite as sim
    from pynnlite.random import NumpyRNG, RandomDistribution
    from pynnlite.utility import spike_digest

    p = PARAMS
    simtime = p["simtime"] if simtime is None else float(simtime)
    seed = p["seed"] if seed is None else int(seed)
    say = print if verbose else (lambda *a: None)
    NE, NI = int(p["NE"] * scale), int(p["NI"] * scale)
    N = NE + NI
    CE, CI = int(NE * p["epsilon"]), int(NI * p["epsilon"])
    n_rec = min(p["Nrec"], NE, NI)

    t_start = time.perf_counter()
    sim.setup(timestep=p["dt"], min_delay=p["delay"], max_delay=p["delay"], backend=backend,
              seed=seed, threads=threads)
    rng = NumpyRNG(seed=seed)
    say("Creating excitatory population ...")
    E = sim.Population(NE, sim.IF_curr_exp(**p["cell"]), label="E")
    say("Creating inhibitory population ...")
    I = sim.Population(NI, sim.IF_curr_exp(**p["cell"]), label="I")
    say("Creating stimulus generators ...")
    E_stimulus = sim.Population(1, sim.PoissonGenerator(rate=p["rate"]), label="E_stimulus")
    I_stimulus = sim.Population(1, sim.PoissonGenerator(rate=p["rate"]), label="I_stimulus")
    say("Configuring neuron parameters ...")
    v_init = RandomDistribution("normal_clipped_to_boundary", mu=p["v_mean"], sigma=p["v_sigma"],
                                low=-np.inf, high=p["cell"]["v_thresh"] - 0.1, rng=rng)
    E.initialize(v=v_init)
    I.initialize(v=v_init)

    syn_ex = sim.StaticSynapse(weight=p["JE"], delay=p["delay"])
    syn_in = sim.StaticSynapse(weight=-p["g"] * p["JE"], delay=p["delay"])
    w_ee = RandomDistribution("normal", mu=p["JE"], sigma=p["sigma_w"], rng=rng)
    if plastic:
        s = p["stdp"]
        syn_ee = sim.STDPMechanism(
            timing_dependence=sim.SpikePairRule(tau_plus=s["tau_plus"], tau_minus=s["tau_minus"],
                                                A_plus=s["lambda"],
                                                A_minus=s["alpha"] * s["lambda"]),
            weight_dependence=sim.MultiplicativeWeightDependence(w_min=0.0, w_max=s["w_max"]),
            weight=w_ee, delay=p["delay"], dendritic_delay_fraction=1.0)
    else:
        syn_ee = sim.StaticSynapse(weight=w_ee, delay=p["delay"])

    def indegree(n):
        # NEST's fixed_indegree defaults: autapses and multapses allowed
        return sim.FixedNumberPreConnector(n, with_replacement=True, allow_self_connections=True,
                                           rng=rng)

    say("Connecting stimulus generators ...")
    sim.Projection(E_stimulus, E, sim.AllToAllConnector(), syn_ex, receptor_type="excitatory")
    sim.Projection(I_stimulus, I, sim.AllToAllConnector(), syn_ex, receptor_type="excitatory")
    say("Connecting excitatory -> excitatory population ...")
    ee = sim.Projection(E, E, indegree(CE), syn_ee, receptor_type="excitatory")
    say("Connecting excitatory -> inhibitory population ...")
    ei = sim.Projection(E, I, indegree(CE), syn_ex, receptor_type="excitatory")
    say("Connecting inhibitory -> excitatory population ...")
    ie = sim.Projection(I, E, indegree(CI), syn_in, receptor_type="inhibitory")
    say("Connecting inhibitory -> inhibitory population ...")
    ii = sim.Projection(I, I, indegree(CI), syn_in, receptor_type="inhibitory")
    say("Connecting spike recorders ...")
    E[:n_rec].record("spikes")
    I[:n_rec].record("spikes")
    if weights:
        w0 = np.asarray(ee.get("weight", format="list", with_address=False), np.float64).ravel()
    simulation = sim.get_simulation()
    simulation.build()
    build_time = time.perf_counter() - t_start
    timings = dict(getattr(simulation._backend, "timings", {}))

    say("Simulating ...")
    t0 = time.perf_counter()
    sim.run(simtime)
    sim_time = time.perf_counter() - t0

    def rate(pop):
        # the seed's compute_rate: spikes of the recorded cells / (Nrec * simtime)
        return pop[:n_rec].mean_spike_count() * 1000.0 / simtime

    result = dict(
        backend=backend, scale=scale, simtime=simtime, seed=seed, threads=threads, plastic=plastic,
        build_s=build_time, compile_s=timings.get("compile_s", 0.0), simulate_s=sim_time,
        n_neurons=N, n_synapses_seed=(CE + CI) * N + n_rec * 2 + N,
        n_synapses=int(ee.size() + ei.size() + ie.size() + ii.size()),
        n_plastic=int(ee.size()), exc_rate_hz=rate(E), inh_rate_hz=rate(I),
        spike_digest=spike_digest(E, I))
    if weights:
        w = np.asarray(ee.get("weight", format="list", with_address=False), np.float64).ravel()
        result.update(w_ee_mean=float(w.mean()), w_ee_std=float(w.std()),
                      w_ee_initial_mean=float(w0.mean()), w_ee_initial_std=float(w0.std()))
    sim.end()
    return result


def report(r):
    """Print the summary the seed prints, plus the E->E weight distribution."""
    print("\n" + "=" * 60)
    print("Brunel Network Simulation" + ("" if r["plastic"] else " (E->E static)"))
    print("=" * 60)
    print(f"Building time : {r['build_s']:.2f} s")
    print(f"Simulation time : {r['simulate_s']:.2f} s")
    print(f"Number of Neurons : {r['n_neurons']}")
    print(f"Number of Synapses: {r['n_synapses_seed']}")
    print(f"Excitatory rate : {r['exc_rate_hz']:.2f} spikes/s")
    print(f"Inhibitory rate : {r['inh_rate_hz']:.2f} spikes/s")
    print(f"E->E weights : mean {r['w_ee_mean'] * 1000:.3f} pA, std {r['w_ee_std'] * 1000:.3f} pA "
          f"({r['n_plastic']} synapses; initially {r['w_ee_initial_mean'] * 1000:.3f} pA, "
          f"{r['w_ee_initial_std'] * 1000:.3f} pA)")
    print("=" * 60 + "\n")


def main():
    from pynnlite.utility import get_simulator
    _, options = get_simulator(
        ("--scale", "multiply both population sizes (in-degrees follow)",
         {"type": float, "default": 1.0}),
        ("--simtime", "simulated time (ms)", {"type": float, "default": PARAMS["simtime"]}),
        ("--seed", "seed of all random numbers", {"type": int, "default": PARAMS["seed"]}),
        ("--threads", "number of threads", {"type": int, "default": 1}),
        ("--static", "static E->E synapses instead of STDP", {"action": "store_true"}))
    report(build_and_run(options.simulator, options.scale, options.simtime, options.seed,
                         options.threads, plastic=not options.static))


if __name__ == "__main__":
    main()
