"""A recurrent CUBA network (Vogels & Abbott's parameters, in-degree 80 as in
the 4000-neuron benchmark, 500 neurons, 300 ms) gives spike for spike the same
trains as NEST (iaf_psc_exp, same connections, same initial V): exact
integration and identical timing conventions leave nothing to differ but
rounding, which does not flip a single threshold crossing here."""
import numpy as np
import pytest

from netspec import Net, build

N_E, N_I, H, T = 400, 100, 0.1, 300.0
CELL = dict(tau_m=20.0, cm=0.2, v_rest=-49.0, v_reset=-60.0, v_thresh=-50.0, tau_refrac=5.0,
            tau_syn_E=5.0, tau_syn_I=10.0, i_offset=0.0)
W_E, W_I = 0.27e-3 * 60.0, 4.5e-3 * -20.0


def network(seed=1):
    rng = np.random.default_rng(seed)
    v0 = rng.uniform(-60.0, -50.0, N_E + N_I)
    conns = []
    for pre0, n_pre, w in ((0, N_E, W_E), (N_E, N_I, W_I)):
        mask = rng.random((n_pre, N_E + N_I)) < 80.0 / (N_E + N_I) * (N_E if w > 0 else N_I) / n_pre
        pre, post = np.nonzero(mask)
        conns.append((pre + pre0, post, w))
    return v0, conns


def test_cuba_network_identical_to_nest():
    nest = pytest.importorskip("nest")
    v0, conns = network()
    net = Net(dt=H)
    cells = net.pop("IF_curr_exp", N_E + N_I, initial={"v": v0}, **CELL)
    for pre, post, w in conns:
        net.connect(cells, cells, pre, post, w, 0.2, "excitatory" if w > 0 else "inhibitory")
    net.record(cells, "spikes")
    backend = build(net)
    backend.run(int(round(T / H)))
    chunk = backend.fetch_recorded()[cells]

    nest.ResetKernel()
    nest.verbosity = nest.VerbosityLevel.ERROR
    nest.resolution = H
    nodes = nest.Create("iaf_psc_exp", N_E + N_I, params={
        "C_m": CELL["cm"] * 1000, "tau_m": CELL["tau_m"], "E_L": CELL["v_rest"],
        "V_reset": CELL["v_reset"], "V_th": CELL["v_thresh"], "t_ref": CELL["tau_refrac"],
        "tau_syn_ex": CELL["tau_syn_E"], "tau_syn_in": CELL["tau_syn_I"]})
    nodes.V_m = v0
    gid = np.asarray(nodes.global_id)
    for pre, post, w in conns:
        nest.Connect(gid[pre], gid[post], "one_to_one",
                     {"weight": np.full(len(pre), w * 1000.0), "delay": np.full(len(pre), 0.2)})
    sr = nest.Create("spike_recorder")
    nest.Connect(nodes, sr)
    nest.Simulate(T)
    ev = sr.get("events")

    assert len(chunk.spike_times) > 200
    ours = sorted(zip(np.rint(chunk.spike_times / H).astype(int), chunk.spike_indices))
    theirs = sorted(zip(np.rint(ev["times"] / H).astype(int), ev["senders"] - gid[0]))
    assert ours == theirs
