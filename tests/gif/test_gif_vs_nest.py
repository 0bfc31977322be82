"""GIF models on pynnlite's engine against NEST (gif_psc_exp, gif_cond_exp,
gif_pop_psc_exp) under deterministic input, the same script on both backends;
and the seed network's mesoscopic run through pynnlite on NEST against the
seed written natively for NEST."""
import os
import sys

import numpy as np
import pytest

pytest.importorskip("nest")

import pynnlite as sim  # noqa: E402

sys.path.insert(0, os.path.dirname(__file__))
import gif_scenarios as sc  # noqa: E402

CURR_VARIABLES = ("v", "v_t", "i_eta")


def test_gif_curr_exp_traces_agree_with_nest_without_spikes():
    a = sc.single_neurons("numba", sim.GIF_curr_exp, sc.CURR, CURR_VARIABLES)
    b = sc.single_neurons("nest", sim.GIF_curr_exp, sc.CURR, CURR_VARIABLES)
    assert 0 < np.ptp(a["v"]) and not any(len(s) for s in a["spikes"] + b["spikes"])
    # exact propagators in NEST's order: agreement to rounding (check: 1e-9 mV)
    assert sc.max_difference(a["v"], b["v"]) < 1e-9


def test_gif_curr_exp_spikes_and_adaptation_agree_with_nest():
    cell = dict(sc.CURR, **sc.STEEP)
    a = sc.single_neurons("numba", sim.GIF_curr_exp, cell, CURR_VARIABLES)
    b = sc.single_neurons("nest", sim.GIF_curr_exp, cell, CURR_VARIABLES)
    assert min(len(s) for s in a["spikes"]) > 5
    assert all(np.array_equal(x, y) for x, y in zip(a["spikes"], b["spikes"]))
    for name in CURR_VARIABLES:
        # v, the moving threshold and the spike-triggered current (rounding only)
        assert sc.max_difference(a[name], b[name]) < 1e-9, name


def test_gif_curr_exp_agrees_with_nest_until_the_first_escape():
    """Ordinary escape noise: the random streams differ, so the traces agree
    until the first spike of either backend, then part."""
    cell = dict(sc.CURR, lambda0=5.0, v_t_star=-52.0, tau_refrac=4.0)
    a = sc.single_neurons("numba", sim.GIF_curr_exp, cell, ("v",), n=5)
    b = sc.single_neurons("nest", sim.GIF_curr_exp, cell, ("v",), n=5)
    first = min(min(s[0] for s in r["spikes"] if len(s)) for r in (a, b))
    k = int(round(first / 0.1))          # samples before the first spike's step ends
    assert k > 50
    assert sc.max_difference(a["v"][:k], b["v"][:k]) < 1e-9


def test_gif_cond_exp_agrees_with_nest():
    a = sc.single_neurons("numba", sim.GIF_cond_exp, sc.COND, ("v", "gsyn_exc", "gsyn_inh"))
    b = sc.single_neurons("nest", sim.GIF_cond_exp, sc.COND, ("v", "gsyn_exc", "gsyn_inh"))
    # different integrators (Lawson-RK4 here, NEST's adaptive RKF45): check 4's
    # tolerance for conductance models; measured 1.4e-9 mV
    assert sc.max_difference(a["v"], b["v"]) < 2e-5
    assert sc.max_difference(a["gsyn_exc"], b["gsyn_exc"]) < 1e-9


def test_gif_cond_exp_spikes_and_adaptation_agree_with_nest():
    cell = dict(sc.COND, **sc.STEEP)
    a = sc.single_neurons("numba", sim.GIF_cond_exp, cell, ("v", "v_t", "i_eta"))
    b = sc.single_neurons("nest", sim.GIF_cond_exp, cell, ("v", "v_t", "i_eta"))
    assert min(len(s) for s in a["spikes"]) > 5
    assert all(np.array_equal(x, y) for x, y in zip(a["spikes"], b["spikes"]))
    assert sc.max_difference(a["v_t"], b["v_t"]) < 1e-9
    assert sc.max_difference(a["v"], b["v"]) < 2e-5


def test_gif_population_agrees_with_nest_until_the_first_spike():
    a = sc.populations("numba")
    b = sc.populations("nest")
    # the free neurons' potential and the synaptic currents do not depend on
    # the draws: the whole run agrees to rounding
    for name in ("v", "isyn_exc", "isyn_inh"):
        assert sc.max_difference(a[name], b[name]) < 1e-9, name
    # the expected count agrees until the first draw of a spike on either side
    first = min(np.argmax(r["n_events"].sum(axis=1) > 0) for r in (a, b))
    assert first > 20 and a["mean"][first].max() > 0
    assert sc.max_difference(a["mean"][:first + 1], b["mean"][:first + 1]) < 1e-9 * a["mean"].max()
    assert sc.max_difference(a["v_t"][:first + 1], b["v_t"][:first + 1]) < 1e-9


def test_seed_mesoscopic_run_through_pynnlite_on_nest_is_nests_own():
    """Seed 003 at the mesoscopic level, 300 ms, written with pynnlite and run on
    NEST, against the seed written for NEST (same rng_seed): the weights (x pconn),
    delays and the step current's timing (delay = dt) are NEST's, so the
    activities are identical."""
    here = os.path.dirname(__file__)
    sys.path.insert(0, os.path.join(here, "..", "..", "examples"))
    sys.path.insert(0, os.path.join(here, "..", "..", "benchmarks", "cases"))
    import gif_nest
    import gif_population
    ours = gif_population.build_and_run("meso", "nest", seed=2, tstop=300.0)
    native = gif_nest.run("meso", seed=2, tstop=300.0)
    assert ours["A_N"].sum() > 0
    assert np.array_equal(ours["A_N"], native["A_N"])
    assert np.allclose(ours["Abar"], native["Abar"], rtol=1e-12, atol=0.0)


def _reset_and_change(backend, model, cell):
    """Run, reset, run again, then change the threshold kernel's jumps and run on."""
    sim.setup(timestep=0.1, backend=backend, seed=3)
    cells = sim.Population(2, model(**cell), initial_values={"v": cell["v_rest"]})
    sim.StepCurrentSource(delay=0.1, **sc.STEP).inject_into(cells)
    cells.record(["v", "v_t"])
    cells.record("spikes")
    sim.run(200.0)
    sim.reset()
    sim.run(200.0)
    cells.set(a_gamma=sim.Sequence([6.0]))
    sim.run(100.0)
    segs = cells.get_data().segments
    out = [([st.magnitude for st in s.spiketrains], s.filter(name="v")[0].magnitude) for s in segs]
    sim.end()
    return out


@pytest.mark.parametrize("model,cell", [(sim.GIF_curr_exp, sc.CURR), (sim.GIF_cond_exp, sc.COND)],
                         ids=["GIF_curr_exp", "GIF_cond_exp"])
def test_reset_clears_the_adaptation_and_kernels_change_between_runs(model, cell):
    """NEST does not let the adaptation elements be set: the adapter empties the
    kernels during its reset flush, so the second segment repeats the first;
    a changed kernel then acts the same on both backends."""
    cell = dict(cell, **sc.STEEP)
    ours, nest = _reset_and_change("numba", model, cell), _reset_and_change("nest", model, cell)
    for run in (ours, nest):
        (spikes0, v0), (spikes1, v1) = run
        assert all(np.array_equal(a, b[b <= 200.0]) for a, b in zip(spikes0, spikes1))
        assert sc.max_difference(v0, v1[:len(v0)]) < 1e-9
    # the segment after the change (200-300 ms) is the same on both backends
    assert all(np.array_equal(a, b) for a, b in zip(ours[1][0], nest[1][0]))
    assert min(len(s[s > 200.0]) for s in ours[1][0]) > 2
    assert sc.max_difference(ours[1][1], nest[1][1]) < 2e-5
