"""Check 4: IF_cond_exp (subthreshold) against a DOP853 solution with
rtol 1e-12 (|dV| <= 1e-5 mV) and against NEST iaf_cond_exp (<= 2e-5 mV).

The reference integrates the same ODE between input arrivals, with the
conductance jumps at the arrival grid points (spike stamp + delay), as the
engine and NEST place them (REFERENCE 2.0).
"""
import numpy as np
import pytest
from scipy.integrate import solve_ivp

from nest_ref import run_nest
from single import random_inputs, run_single

P = dict(cm=0.2, tau_m=20.0, tau_syn_E=5.0, tau_syn_I=10.0, v_rest=-60.0, v_reset=-60.0,
         v_thresh=10.0, tau_refrac=5.0, i_offset=0.1, e_rev_E=0.0, e_rev_I=-80.0)
V0 = -65.0
T = 200.0
H = 0.1


def dop853_reference(p, v0, inputs, h, n_samples):
    def rhs(t, y):
        v, ge, gi = y
        return [(-p["cm"] / p["tau_m"] * (v - p["v_rest"]) - ge * (v - p["e_rev_E"])
                 - gi * (v - p["e_rev_I"]) + p["i_offset"]) / p["cm"],
                -ge / p["tau_syn_E"], -gi / p["tau_syn_I"]]
    jumps = {}
    for ts, w, d in inputs:
        jumps.setdefault(int(round((ts + d) / h)), []).append(w)
    t = np.arange(n_samples) * h
    ref = np.empty(n_samples)
    ref[0] = v0
    y = np.array([v0, 0.0, 0.0])
    k0 = 0
    for k1 in sorted(jumps) + [n_samples - 1]:
        if k1 > k0:
            sol = solve_ivp(rhs, (t[k0], t[k1]), y, method="DOP853", rtol=1e-12, atol=1e-14,
                            t_eval=t[k0:k1 + 1])
            ref[k0:k1 + 1] = sol.y[0]
            y = sol.y[:, -1].copy()
        for w in jumps.get(k1, ()):
            y[1 if w >= 0 else 2] += abs(w)
        k0 = k1
    return ref


@pytest.mark.parametrize("w_max", [0.02, 0.05])
def test_cond_exp_accuracy(w_max):
    inputs = random_inputs(4, H, w_range=(-w_max, w_max))
    _, chunk = run_single("IF_cond_exp", P, V0, H, T, inputs)
    v = chunk.signals["v"].values[:, 0]
    assert len(chunk.spike_times) == 0 and np.ptp(v) > 10.0
    ref = dop853_reference(P, V0, inputs, H, len(v))
    assert np.max(np.abs(v - ref)) <= 1e-5
    nest = pytest.importorskip("nest")
    _, vn, _ = run_nest(nest, "IF_cond_exp", P, V0, H, T, [(t, abs(w) if w >= 0 else w, d)
                                                             for t, w, d in inputs])
    assert np.max(np.abs(v[1:] - vn)) <= 2e-5


def test_cond_exp_large_conductance_substeps():
    """Conductances far above the usual range (h g / C up to ~2.5) take the
    substepped path; the error stays within check 4's 1e-5 mV."""
    inputs = random_inputs(4, H, w_range=(-0.5, 0.5))
    _, chunk = run_single("IF_cond_exp", P, V0, H, T, inputs)
    v = chunk.signals["v"].values[:, 0]
    ref = dop853_reference(P, V0, inputs, H, len(v))
    assert np.max(np.abs(v - ref)) <= 1e-5


def test_conductances_decay_exactly():
    """g jumps by the weight at the end of the arrival step and then decays
    as exp(-t / tau_syn) (up to rounding)."""
    inputs = [(10.0, 0.03, 1.0), (20.0, -0.02, 0.5)]
    backend, chunk = run_single("IF_cond_exp", P, V0, H, 60.0, inputs,
                                record=("v", "gsyn_exc", "gsyn_inh"))
    t = np.arange(chunk.signals["gsyn_exc"].values.shape[0]) * H
    ge = np.where(t >= 11.0 - 1e-9, 0.03 * np.exp(-(t - 11.0) / P["tau_syn_E"]), 0.0)
    gi = np.where(t >= 20.5 - 1e-9, 0.02 * np.exp(-(t - 20.5) / P["tau_syn_I"]), 0.0)
    np.testing.assert_allclose(chunk.signals["gsyn_exc"].values[:, 0], ge, rtol=1e-12, atol=0)
    np.testing.assert_allclose(chunk.signals["gsyn_inh"].values[:, 0], gi, rtol=1e-12, atol=0)
