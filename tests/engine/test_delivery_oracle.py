"""Spike delivery against a pure-Python oracle on a 3-neuron network: delays
of 1 to 25 steps, both channels, a multapse, and a Poisson source whose
events carry multiplicities > 1.

The oracle replays the recorded spikes of the Poisson source, keeps its own
ring buffer per (neuron, channel), and integrates IF_curr_exp with the exact
propagators written out here; it must reproduce every spike step and the
synaptic currents and voltages to 1e-10 (rounding only).
"""
import numpy as np

from netspec import Net, build

H = 0.1
N_STEPS = 3000
CELL = dict(cm=0.25, tau_m=10.0, tau_syn_E=2.0, tau_syn_I=5.0, v_rest=-70.0, v_reset=-72.0,
            v_thresh=-55.0, tau_refrac=2.0)
I_OFFSET = [0.62, 0.5, 0.7]
# (pre, post, weight, delay ms, receptor); pre "P" is the Poisson source
SYNAPSES = [(0, 1, 0.30, 0.3, "excitatory"), (0, 1, -0.05, 0.3, "inhibitory"),
            (0, 2, -0.20, 1.0, "inhibitory"), (1, 2, 0.15, 0.1, "excitatory"),
            (2, 0, 0.10, 2.5, "excitatory"), ("P", 0, 0.05, 0.5, "excitatory"),
            ("P", 2, -0.01, 0.2, "inhibitory")]


def engine_run():
    net = Net(dt=H, seed=2024)
    cells = net.pop("IF_curr_exp", 3, i_offset=I_OFFSET, initial={"v": [-60.0, -65.0, -70.0]},
                    **CELL)
    src = net.pop("SpikeSourcePoisson", 1, rate=2000.0)
    for pre, post, w, d, rec in SYNAPSES:
        net.connect(src if pre == "P" else cells, cells, [0 if pre == "P" else pre], [post],
                    w, d, rec)
    for var in ("v", "isyn_exc", "isyn_inh"):
        net.record(cells, var)
    net.record(cells, "spikes")
    net.record(src, "spikes")
    backend = build(net)
    backend.run(N_STEPS)
    return backend.fetch_recorded()


def oracle(source_steps):
    """source_steps: list of emission steps of the Poisson source (repeated for
    multiplicity). Returns (spike steps per neuron, V, I_exc, I_inh) at t = k h."""
    tau_m, c, te, ti = CELL["tau_m"], CELL["cm"], CELL["tau_syn_E"], CELL["tau_syn_I"]
    p22 = np.exp(-H / tau_m)
    p20 = tau_m / c * (1 - p22)
    p11 = {0: np.exp(-H / te), 1: np.exp(-H / ti)}
    p21 = {k: ts * tau_m / (c * (tau_m - ts)) * (np.exp(-H / tau_m) - np.exp(-H / ts))
           for k, ts in ((0, te), (1, ti))}
    refrac = int(round(CELL["tau_refrac"] / H))
    depth = 26
    ring = [[[0.0, 0.0] for _ in range(3)] for _ in range(depth)]
    v = [-60.0 - CELL["v_rest"], -65.0 - CELL["v_rest"], 0.0]
    isyn = [[0.0, 0.0] for _ in range(3)]
    r = [0, 0, 0]
    src_count = {}
    for s in source_steps:
        src_count[s] = src_count.get(s, 0) + 1
    out_v, out_e, out_i = [list(np.add(v, CELL["v_rest"]))], [[0.0] * 3], [[0.0] * 3]
    spikes = [[], [], []]
    for s in range(N_STEPS):
        slot = ring[s % depth]
        fired = []
        for n in range(3):
            if r[n] == 0:
                v[n] = v[n] * p22 + isyn[n][0] * p21[0] + isyn[n][1] * p21[1] + I_OFFSET[n] * p20
            else:
                r[n] -= 1
            for ch in (0, 1):
                isyn[n][ch] = isyn[n][ch] * p11[ch] + slot[n][ch]
                slot[n][ch] = 0.0
            if v[n] >= CELL["v_thresh"] - CELL["v_rest"]:
                v[n] = CELL["v_reset"] - CELL["v_rest"]
                r[n] = refrac
                fired.append((n, 1))
                spikes[n].append(s)
        if s in src_count:
            fired.append(("P", src_count[s]))
        for pre, mult in fired:
            for p, post, w, d, rec in SYNAPSES:
                if p == pre:
                    ch = 0 if rec == "excitatory" else 1
                    ring[(s + int(round(d / H))) % depth][post][ch] += w * mult
        out_v.append([x + CELL["v_rest"] for x in v])
        out_e.append([isyn[n][0] for n in range(3)])
        out_i.append([isyn[n][1] for n in range(3)])
    return spikes, np.array(out_v), np.array(out_e), np.array(out_i)


def test_delivery_matches_oracle():
    rec = engine_run()
    cells, src = rec[0], rec[1]
    src_steps = np.rint(src.spike_times / H).astype(int) - 1
    # rate 2000 Hz at dt 0.1 ms: mean 0.2 per step, so some steps carry 2 or more
    assert np.max(np.bincount(src_steps)) >= 2
    spikes, v, ie, ii = oracle(list(src_steps))
    for n in range(3):
        got = np.rint(cells.spike_times[cells.spike_indices == n] / H).astype(int) - 1
        assert len(got) > 5
        np.testing.assert_array_equal(got, spikes[n])
    np.testing.assert_allclose(cells.signals["v"].values, v, rtol=0, atol=1e-10)
    np.testing.assert_allclose(cells.signals["isyn_exc"].values, ie, rtol=0, atol=1e-12)
    np.testing.assert_allclose(cells.signals["isyn_inh"].values, ii, rtol=0, atol=1e-12)
