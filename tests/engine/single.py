"""One neuron driven by grid spikes (one SpikeSourceArray neuron per input spike,
so every spike has its own weight), run on the numba engine."""
import numpy as np

from netspec import Net, build


def random_inputs(seed, h, n=200, t_max=190.0, w_range=(-0.6, 0.6), delay=1.0):
    """n distinct grid spike times in (0, t_max] with uniform random weights."""
    rng = np.random.default_rng(seed)
    steps = np.sort(rng.choice(np.arange(1, int(round(t_max / h)) + 1), n, replace=False))
    times = steps * h
    weights = rng.uniform(*w_range, n)
    return [(t, w, delay) for t, w in zip(times, weights)]


def run_single(model, params, v0, h, t_stop, inputs=(), receptor_by_sign=True, step_current=None,
               record=("v",), interval=None):
    """Simulate one neuron; returns (backend, chunk of the neuron)."""
    net = Net(dt=h)
    inputs = list(inputs)
    if inputs:
        src = net.pop("SpikeSourceArray", len(inputs), spike_times=[[t] for t, _, _ in inputs])
    cell = net.pop(model, 1, initial={"v": v0}, **params)
    if inputs:
        w = np.array([x[1] for x in inputs])
        d = np.array([x[2] for x in inputs])
        k = np.arange(len(inputs))
        exc = w >= 0 if receptor_by_sign else np.ones(len(w), bool)
        for mask, receptor in ((exc, "excitatory"), (~exc, "inhibitory")):
            if mask.any():
                weights = w[mask] if model != "IF_cond_exp" else np.abs(w[mask])
                net.connect(src, cell, k[mask], np.zeros(mask.sum()), weights, d[mask], receptor)
    if step_current is not None:
        net.inject("StepCurrentSource", [(cell, [0])], times=np.asarray(step_current[0], float),
                   amplitudes=np.asarray(step_current[1], float))
    for var in record:
        net.record(cell, var, interval=interval)
    net.record(cell, "spikes")
    backend = build(net)
    backend.run(int(round(t_stop / h)))
    return backend, backend.fetch_recorded()[cell]
