"""Timing of the numba engine on the VA benchmarks (Brette et al. 2007), built
directly from a NetworkSpec: 4000 neurons (3200 exc, 800 inh), p = 0.02,
delay 0.2 ms, dt 0.1 ms, 1 s. Not a test; run:

    python tests/engine/bench_va.py [cuba|coba] [--t MS]
"""
import argparse
import time

import numpy as np

from netspec import Net

N_E, N_I, P_CONN = 3200, 800, 0.02


def random_pairs(rng, n_pre, n_post, p):
    """FixedProbability connectivity without autapses handling (pre, post arrays)."""
    mask = rng.random((n_pre, n_post)) < p
    pre, post = np.nonzero(mask)
    return pre, post


def va_net(kind, seed=98765):
    rng = np.random.default_rng(seed)
    net = Net(dt=0.1, seed=seed)
    if kind == "cuba":
        cell = dict(tau_m=20.0, cm=0.2, v_rest=-49.0, v_reset=-60.0, v_thresh=-50.0,
                    tau_refrac=5.0, tau_syn_E=5.0, tau_syn_I=10.0, i_offset=0.0)
        w_e, w_i = 0.27e-3 * (0 - (-60)), 4.5e-3 * (-80 + 60)
        model = "IF_curr_exp"
    else:
        cell = dict(tau_m=20.0, cm=0.2, v_rest=-60.0, v_reset=-60.0, v_thresh=-50.0,
                    tau_refrac=5.0, tau_syn_E=5.0, tau_syn_I=10.0, i_offset=0.0,
                    e_rev_E=0.0, e_rev_I=-80.0)
        w_e, w_i = 4e-3, 51e-3
        model = "IF_cond_exp"
    n = N_E + N_I
    v0 = rng.uniform(-60.0, -50.0, n)
    exc = net.pop(model, N_E, initial={"v": v0[:N_E]}, **cell)
    inh = net.pop(model, N_I, initial={"v": v0[N_E:]}, **cell)
    for pre_pop, n_pre, w, rec in ((exc, N_E, w_e, "excitatory"), (inh, N_I, w_i, "inhibitory")):
        for post_pop, n_post in ((exc, N_E), (inh, N_I)):
            pre, post = random_pairs(rng, n_pre, n_post, P_CONN)
            net.connect(pre_pop, post_pop, pre, post, w, 0.2, rec)
    if kind == "coba":
        ext = net.pop("SpikeSourcePoisson", 20, rate=100.0, start=0.0, duration=50.0)
        for post_pop, n_post in ((exc, N_E), (inh, N_I)):
            pre, post = random_pairs(rng, 20, n_post, 0.01)
            net.connect(ext, post_pop, pre, post, 0.1, 0.2, "excitatory")
    net.record(exc, "spikes")
    net.record(inh, "spikes")
    net.record(exc, "v", indices=[0, 1])
    return net, (exc, inh)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("kind", nargs="?", default="cuba")
    ap.add_argument("--t", type=float, default=1000.0)
    args = ap.parse_args()
    net, (exc, inh) = va_net(args.kind)
    spec = net.spec()
    from pynnlite_numba import NumbaBackend
    b = NumbaBackend()
    b.build(spec)
    t0 = time.perf_counter()
    b.run(int(round(args.t / spec.dt)))
    t1 = time.perf_counter()
    rec = b.fetch_recorded()
    n_spk = sum(len(rec[p].spike_times) for p in (exc, inh))
    rate = n_spk / (N_E + N_I) / (args.t / 1000.0)
    compile_s = b.timings["compile_s"]
    print(f"{args.kind}: synapses {spec.n_connections}, build {b.timings['build_s'] - compile_s:.3f} s, "
          f"compile/load {compile_s:.3f} s, simulate {args.t:.0f} ms {t1 - t0:.3f} s, "
          f"rate {rate:.2f} Hz, CSR {b.engine.synapses.nbytes / spec.n_connections:.1f} B/synapse")


if __name__ == "__main__":
    main()
