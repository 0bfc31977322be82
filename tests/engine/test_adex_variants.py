"""The two kernel variants of the AdEx family agree exactly.

A population whose parameters differ between neurons is updated by the
per-neuron-column kernel (``update_<model>``), a population with one value
per parameter by the ``_uniform`` kernel (literal column 0). Both run the same
operations on the same numbers, so every neuron of a heterogeneous population
must follow, bit for bit, the trajectory of a one-neuron population with its
parameters and its input (tolerance 0: any difference means a kernel reads the
wrong column or integrates differently).
"""
import numpy as np
import pytest

from netspec import Net, build

N = 4
T_STOP = 150.0
H = 0.1
NAMES = {"EIF_cond_exp_isfa_ista": ("v", "w", "gsyn_exc", "gsyn_inh"),
         "EIF_cond_alpha_isfa_ista": ("v", "w", "gsyn_exc", "gsyn_inh"),
         "EIF_psc_delta_clopath": ("v", "w", "z", "v_th", "u_bar_plus", "u_bar_minus",
                                   "u_bar_bar")}


def _inputs(model, rng):
    """Per neuron: (source indices, weights) of its connections from 30 sources
    with 40 Hz Poisson-like trains (fixed spike times)."""
    trains = [np.round(np.sort(rng.uniform(1.0, T_STOP - 1.0, rng.poisson(6))), 1)
              for _ in range(30)]
    delta = model == "EIF_psc_delta_clopath"
    conns = []
    for _ in range(N):
        src = np.sort(rng.choice(30, 12, replace=False))
        w = rng.uniform(-3.0, 6.0, 12) if delta else rng.uniform(-0.02, 0.04, 12)
        conns.append((src, w))
    return trains, conns


def _run(model, params, trains, conns):
    """One population of len(conns) neurons, run step by step; returns the
    block's state (S: all state rows, including the adaptive step and the
    Clopath entries; I: the counters) after every step, as (steps, rows,
    neurons), the recorded signals (steps x neurons each), the spike (index,
    time) pairs and the number of parameter columns."""
    net = Net(dt=H)
    src = net.pop("SpikeSourceArray", len(trains), spike_times=trains)
    cell = net.pop(model, len(conns), **params)
    delta = model == "EIF_psc_delta_clopath"
    for k, (pre, w) in enumerate(conns):
        for mask, receptor in ((w >= 0, "excitatory"), (w < 0, "inhibitory")):
            if mask.any():
                net.connect(src, cell, pre[mask], np.full(mask.sum(), k),
                            w[mask] if delta else np.abs(w[mask]), 1.0, receptor)
    for name in NAMES[model]:
        net.record(cell, name)
    net.record(cell, "spikes")
    backend = build(net)
    block = next(b for b in backend.engine.layout.blocks if b.model.name == model)
    states, counters = [], []
    for _ in range(int(round(T_STOP / H))):
        backend.run(1)
        states.append(block.arrays["S"].copy())
        counters.append(block.arrays["I"].copy())
    chunk = backend.fetch_recorded()[cell]
    return (np.array(states), np.array(counters),
            {n: chunk.signals[n].values for n in NAMES[model]},
            list(zip(chunk.spike_indices, chunk.spike_times)), block.arrays["P"].shape[1])


@pytest.mark.parametrize("model", sorted(NAMES))
def test_per_neuron_kernel_equals_uniform_kernel(model):
    rng = np.random.default_rng(11)
    trains, conns = _inputs(model, rng)
    params = {"i_offset": np.array([0.35, 0.5, 0.7, 0.9]),
              "tau_w": np.array([90.0, 144.0, 200.0, 60.0]),
              "tau_refrac": np.array([0.0, 0.5, 1.0, 2.0])}
    if model == "EIF_psc_delta_clopath":
        params["tau_u_bar_plus"] = np.array([7.0, 4.0, 12.0, 9.0])
        params["delay_u_bars"] = np.array([5.0, 2.0, 8.0, 5.0])
    else:
        params["tau_syn_E"] = np.array([5.0, 3.0, 8.0, 2.0])
        params["tau_syn_I"] = np.array([5.0, 9.0, 4.0, 6.0])
    states, counters, sig, spikes, n_cols = _run(model, params, trains, conns)
    assert n_cols == N                      # the per-neuron kernel ran
    n_spiking = 0
    for k in range(N):
        one = {name: v[k:k + 1] for name, v in params.items()}
        states_k, counters_k, sig_k, spikes_k, n_cols_k = _run(model, one, trains, [conns[k]])
        assert n_cols_k == 1                # the uniform kernel ran
        np.testing.assert_array_equal(states[:, :, k], states_k[:, :, 0])
        np.testing.assert_array_equal(counters[:, :, k], counters_k[:, :, 0])
        for name in NAMES[model]:
            np.testing.assert_array_equal(sig[name][:, k], sig_k[name][:, 0], err_msg=name)
        mine = [t for i, t in spikes if i == k]
        assert mine == [t for _, t in spikes_k]
        n_spiking += len(mine) > 0
    assert n_spiking >= 2                   # spikes, resets and refractoriness are compared too
