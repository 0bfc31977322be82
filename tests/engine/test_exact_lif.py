"""Check 1: IF_curr_exp and IF_curr_alpha driven by 200 random-weight grid
spikes over 200 ms agree with the closed-form superposition and with NEST
(iaf_psc_exp, iaf_psc_alpha) to 1e-10 mV, for h = 0.1 and 0.01 ms.

Tolerance 1e-10 mV: both sides integrate exactly, so they differ only by
rounding (about 1e-14 mV per step, accumulated over at most 20,000 steps).
"""
import numpy as np
import pytest

from single import random_inputs, run_single
from nest_ref import run_nest

PARAMS = dict(cm=0.25, tau_m=10.0, tau_syn_E=2.0, tau_syn_I=5.0, v_rest=-70.0, v_reset=-70.0,
              v_thresh=-40.0, tau_refrac=2.0, i_offset=0.1)
V0 = -68.0
T = 200.0
TOL = 1e-10


def closed_form(model, p, v0, inputs, t):
    """V(t) of the subthreshold neuron: leak towards v_rest + i_offset * R, plus the
    sum of the PSPs of all inputs. An input spike at t_s with delay d reaches
    I_syn at t_s + d (REFERENCE 2.0/2.1)."""
    tau_m, c = p["tau_m"], p["cm"]
    v = p["v_rest"] + (v0 - p["v_rest"]) * np.exp(-t / tau_m) \
        - p["i_offset"] * tau_m / c * np.expm1(-t / tau_m)
    for ts, w, d in inputs:
        u = t - (ts + d)
        on = u > 0
        u = np.where(on, u, 0.0)
        tau_s = p["tau_syn_E"] if w >= 0 else p["tau_syn_I"]
        if model == "IF_curr_exp":
            if tau_s == tau_m:
                psp = w / c * u * np.exp(-u / tau_m)
            else:
                # tau_s tau_m / (C (tau_m - tau_s)) (exp(-u/tau_m) - exp(-u/tau_s))
                psp = w * tau_s * tau_m / (c * (tau_m - tau_s)) * np.exp(-u / tau_m) \
                    * -np.expm1(-u * (1 / tau_s - 1 / tau_m))
        else:
            # alpha current w e/tau_s u exp(-u/tau_s) through the membrane filter
            if tau_s == tau_m:
                psp = w * np.e / (tau_s * c) * np.exp(-u / tau_m) * u * u / 2
            else:
                a = 1 / tau_s - 1 / tau_m
                # (1 - exp(-a u)(1 + a u)) / a^2, written to avoid cancellation
                core = (-np.expm1(-a * u) - a * u * np.exp(-a * u)) / (a * a)
                psp = w * np.e / (tau_s * c) * np.exp(-u / tau_m) * core
        v = v + np.where(on, psp, 0.0)
    return v


def engine_trace(model, h, inputs, params=PARAMS):
    _, chunk = run_single(model, params, V0, h, T, inputs)
    sig = chunk.signals["v"]
    n = sig.values.shape[0]
    t = sig.t_start + np.arange(n) * sig.sampling_interval
    assert n == int(round(T / h)) + 1          # t = 0 .. T
    assert len(chunk.spike_times) == 0         # the test is subthreshold by design
    return t, sig.values[:, 0]


@pytest.mark.parametrize("model", ["IF_curr_exp", "IF_curr_alpha"])
@pytest.mark.parametrize("h", [0.1, 0.01])
def test_closed_form(model, h):
    inputs = random_inputs(1, h)
    t, v = engine_trace(model, h, inputs)
    ref = closed_form(model, PARAMS, V0, inputs, t)
    assert np.max(np.abs(v - ref)) <= TOL
    # the inputs really move V (a test of a flat trace would prove nothing)
    assert np.ptp(v) > 5.0


@pytest.mark.parametrize("model", ["IF_curr_exp", "IF_curr_alpha"])
def test_singular_tau_m_equals_tau_syn(model):
    """tau_m == tau_syn uses the limit propagators (REFERENCE 2.1, 2.2)."""
    p = dict(PARAMS, tau_syn_E=10.0, tau_syn_I=10.0, v_thresh=0.0)
    inputs = random_inputs(2, 0.1)
    t, v = engine_trace(model, 0.1, inputs, p)
    ref = closed_form(model, p, V0, inputs, t)
    assert np.max(np.abs(v - ref)) <= TOL


@pytest.mark.parametrize("model", ["IF_curr_exp", "IF_curr_alpha"])
@pytest.mark.parametrize("h", [0.1, 0.01])
def test_against_nest(model, h):
    nest = pytest.importorskip("nest")
    inputs = random_inputs(1, h)
    t, v = engine_trace(model, h, inputs)
    tn, vn, _ = run_nest(nest, model, PARAMS, V0, h, T, inputs)
    # NEST has no sample at t = 0
    np.testing.assert_allclose(tn, t[1:], rtol=0, atol=1e-9 * h)
    assert np.max(np.abs(vn - v[1:])) <= TOL
