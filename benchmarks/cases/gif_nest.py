"""Seed 003 written directly against NEST (no pynnlite, no PyNN), as NEST's
gif_pop_psc_exp example does it: a Brunel network of 800 excitatory and 200
inhibitory GIF neurons with a current step at 1.5 s, simulated either at the
mesoscopic level (two gif_pop_psc_exp nodes) or microscopically (1000
gif_psc_exp neurons, fixed in-degree).

``--scale`` multiplies both population sizes (the synaptic weights scale as
1 / in-degree, as the seed computes them); the mesoscopic model's cost should
not grow with it.

Usage: python gif_nest.py meso|micro [--scale S] [--tstop MS] [--seed S] [--threads N]
"""
import argparse
import time

import numpy as np

from common import report

#: the seed's numbers (NEST units: ms, mV, pA, pF)
DT, DT_REC, T_END = 0.5, 1.0, 2000.0
T_REF, TAU_M, MU, C, DELTA_U, V_RESET, V_TH = 4.0, 20.0, 24.0, 10.0, 2.5, 0.0, 15.0
TAU_THETA = [100.0, 1000.0]
J_THETA = [1000.0, 1000.0]                 # mV ms; q_sfa = J_theta / tau_theta
J, G, PCONN, DELAY = 0.3, 5.0, 0.2, 1.0
TAU_EX, TAU_IN = 3.0, 6.0
STEP, T_STEP = 20.0, 1500.0                # jump of mu (mV) and its time
C_M = 250.0


def sizes(scale):
    return np.round(np.array([4, 1]) * 200 * scale).astype(int)


def synaptic_weights(n):
    """J_syn (mV), scaled as 1 / in-degree from the reference in-degrees 160 / 40."""
    c0 = np.array([[800, 200], [800, 200]]) * PCONN
    c = np.vstack((n, n)) * PCONN
    return np.array([[J, -G * J], [J, -G * J]]) * c0 / c


def run(level, seed=1, tstop=T_END, threads=1, scale=1.0):
    """Build and run; return timings, A_N (Hz per 1 ms bin and population),
    Abar (mesoscopic) or the first five excitatory V_m traces (microscopic)."""
    t0 = time.perf_counter()
    import nest
    if hasattr(nest, "VerbosityLevel"):
        nest.verbosity = nest.VerbosityLevel.ERROR
    else:
        nest.set_verbosity("M_ERROR")
    nest.ResetKernel()
    nest.resolution = DT
    nest.local_num_threads = threads
    nest.rng_seed = seed
    n = sizes(scale)
    g_l = C_M / TAU_M
    j_syn = synaptic_weights(n)
    g_syn = np.array([[C_M / TAU_EX, C_M / TAU_IN]] * 2)
    common = {"C_m": C_M, "I_e": MU * g_l, "lambda_0": C, "Delta_V": DELTA_U,
              "tau_sfa": TAU_THETA, "q_sfa": list(np.array(J_THETA) / np.array(TAU_THETA)),
              "V_T_star": V_TH, "V_reset": V_RESET, "t_ref": T_REF,
              "tau_syn_ex": max(TAU_EX, DT), "tau_syn_in": max(TAU_IN, DT), "E_L": 0.0}
    t_build = time.perf_counter()
    if level == "meso":
        pops = nest.Create("gif_pop_psc_exp", 2)
        pops.set([dict(common, tau_m=TAU_M, N=int(k), len_kernel=-1) for k in n])
        pops = [pops[0], pops[1]]
        for i in range(2):
            for j in range(2):
                nest.Connect(pops[j], pops[i], syn_spec={
                    "weight": j_syn[i, j] * g_syn[i, j] * PCONN, "delay": DELAY})
        mm = nest.Create("multimeter", params={"record_from": ["n_events", "mean"],
                                               "interval": DT_REC})
        nest.Connect(mm, pops[0] + pops[1])
    else:
        pops = [nest.Create("gif_psc_exp", int(k)) for k in n]
        for p in pops:
            p.set(dict(common, g_L=g_l, V_m=0.0))
        for i in range(2):
            for j in range(2):
                nest.Connect(pops[j], pops[i],
                             {"rule": "fixed_indegree", "indegree": int(PCONN * n[j])},
                             {"weight": j_syn[i, j] * g_syn[i, j], "delay": DELAY})
        mm = nest.Create("multimeter", params={"record_from": ["V_m"], "interval": DT_REC})
        nest.Connect(mm, pops[0][:5])
    recorders = []
    for p in pops:
        sr = nest.Create("spike_recorder", params={"time_in_steps": True})
        nest.Connect(p, sr, syn_spec={"weight": 1.0, "delay": DT})
        recorders.append(sr)
    for p in pops:
        step = nest.Create("step_current_generator", params={
            "amplitude_times": [DT, T_STEP], "amplitude_values": [0.0, STEP * g_l],
            "stop": tstop})
        nest.Connect(step, p, syn_spec={"weight": 1.0, "delay": DT})
    nest.Prepare()
    build = time.perf_counter() - t_build
    t_sim = time.perf_counter()
    nest.Run(tstop + DT)
    nest.Cleanup()
    simulate = time.perf_counter() - t_sim
    t = np.arange(0.0, tstop, DT_REC)
    bins = np.append(t, t[-1] + DT_REC)
    a_n = np.column_stack([
        np.histogram(np.asarray(sr.get("events", "times")) * DT, bins=bins)[0] / float(k)
        / DT_REC * 1000.0 for sr, k in zip(recorders, n)])
    events = mm.get("events")
    out = dict(engine="nest", case=f"GIF {level}" + (f" x{scale:g}" if scale != 1 else ""),
               threads=threads, build_s=build, compile_s=0.0, simulate_s=simulate,
               n_neurons=int(n.sum()), n_synapses=int(nest.GetKernelStatus("num_connections")),
               n_spikes=int(sum(len(sr.get("events", "times")) for sr in recorders)),
               exc_rate_hz=float(a_n[:, 0].mean()), inh_rate_hz=float(a_n[:, 1].mean()),
               import_s=t_build - t0, t=t, A_N=a_n)
    senders = np.asarray(events["senders"])
    if level == "meso":
        abar = [np.asarray(events["mean"])[senders == p.global_id][:len(t)] / k / DT * 1000.0
                for p, k in zip(pops, n)]
        out["Abar"] = np.column_stack(abar)
    else:
        ids = sorted(set(senders.tolist()))
        out["V"] = np.array([np.asarray(events["V_m"])[senders == g] for g in ids])
    return out


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("level", choices=["meso", "micro"])
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--tstop", type=float, default=T_END)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    result = run(args.level, args.seed, args.tstop, args.threads, args.scale)
    for key in ("t", "A_N", "Abar", "V"):
        result.pop(key, None)
    report(**result)


if __name__ == "__main__":
    main()
