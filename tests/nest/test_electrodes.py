"""Electrode timing on NEST: an amplitude in force from time t acts on the step
(t, t + dt] (PyNN's convention), also at t = 0 and after a reset.

The input of each step is recovered from the membrane trace of a neuron that
never fires: V(k+1) = P22 V(k) + P20 I(k), with V relative to v_rest."""
import numpy as np
import pytest

from spec_builder import SpecBuilder
from pynnlite_nest import NestBackend

DT = 0.1
CM, TAU_M = 0.25, 10.0
P22 = np.exp(-DT / TAU_M)
P20 = TAU_M / CM * (1.0 - P22)
#: recovering I divides rounding errors of V (~1e-14 mV) by P20 (~4e-3 MOhm·ms/nF)
TOL_NA = 1e-9


def _step_inputs(model, n_steps=400, reset_first=False, **params):
    b = SpecBuilder(dt=DT, min_delay=DT)
    cell = b.population("IF_curr_exp", 1, cm=CM, tau_m=TAU_M, v_rest=0.0, v_reset=0.0,
                        v_thresh=1e9, initial={"v": 0.0})
    b.inject(model, [(cell, [0])], **params)
    b.record(cell, "v")
    backend = NestBackend()
    backend.build(b.spec())
    if reset_first:
        backend.run(123)
        backend.fetch_recorded()
        backend.reset()
    backend.run(n_steps)
    v = backend.fetch_recorded()[cell].signals["v"].values[:, 0]
    return (v[1:] - P22 * v[:-1]) / P20         # I of the steps (k dt, (k+1) dt]


@pytest.mark.parametrize("reset_first", [False, True])
def test_dc_source_from_time_zero(reset_first):
    i = _step_inputs("DCSource", reset_first=reset_first, amplitude=0.5, start=0.0, stop=12.3)
    expected = np.where(np.arange(400) < 123, 0.5, 0.0)     # steps starting in [0, 12.3)
    np.testing.assert_allclose(i, expected, rtol=0, atol=TOL_NA)


def test_dc_source_off_grid_start():
    i = _step_inputs("DCSource", amplitude=-0.2, start=2.05, stop=np.inf)
    # on the engine, a source acts on steps that start at or after its start time
    expected = np.where(np.arange(400) >= 21, -0.2, 0.0)
    np.testing.assert_allclose(i, expected, rtol=0, atol=TOL_NA)


@pytest.mark.parametrize("reset_first", [False, True])
def test_step_current_source(reset_first):
    i = _step_inputs("StepCurrentSource", reset_first=reset_first,
                     times=np.array([0.0, 5.0, 17.3]), amplitudes=np.array([0.1, 0.4, -0.3]))
    k = np.arange(400)
    expected = np.select([k < 50, k < 173], [0.1, 0.4], -0.3)
    np.testing.assert_allclose(i, expected, rtol=0, atol=TOL_NA)


@pytest.mark.parametrize("reset_first", [False, True])
def test_ac_source_phase_and_time_origin(reset_first):
    f, phase = 80.0, 30.0
    i = _step_inputs("ACSource", reset_first=reset_first, amplitude=0.3, offset=0.05,
                     frequency=f, phase=phase, start=1.0, stop=np.inf)
    t = np.arange(400) * DT                  # start of each step: the value in force there
    expected = np.where(t >= 1.0 - 1e-12,
                        0.05 + 0.3 * np.sin(2 * np.pi * f * t / 1000.0 + np.deg2rad(phase)), 0.0)
    # NEST's sine is propagated step by step: a few ulps per step on top of TOL_NA
    np.testing.assert_allclose(i, expected, rtol=0, atol=1e-8)


def test_noisy_current_source_statistics():
    i = _step_inputs("NoisyCurrentSource", n_steps=4000, mean=0.2, stdev=0.5, dt=0.5, start=0.0,
                     stop=np.inf)
    # a new value every 5 steps, constant in between
    blocks = i.reshape(-1, 5)
    np.testing.assert_allclose(blocks, blocks[:, :1].repeat(5, axis=1), rtol=0, atol=TOL_NA)
    values = blocks[:, 0]                     # 800 independent normal draws
    # mean within 4 standard errors (0.5 / sqrt(800) = 0.018 nA); sd within 10 %
    assert abs(values.mean() - 0.2) < 4 * 0.5 / np.sqrt(800)
    assert values.std() == pytest.approx(0.5, rel=0.1)
