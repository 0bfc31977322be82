"""GIF_pop_curr_exp on the numba engine: check 13 (NEST's test setting), the
mesoscopic model against 500 GIF_curr_exp neurons, spike multiplicity,
sampling coarser than dt, determinism and reset."""
import numpy as np
import pytest

import pynnlite as sim

#: NEST's test_gif_pop_psc_exp.py: one inhibitory population of 500 with self-coupling
CELL = dict(v_reset=0.0, v_t_star=10.0, v_rest=0.0, delta_v=2.0, cm=0.25, tau_m=20.0,
            tau_refrac=4.0, i_offset=0.5, lambda0=10.0, tau_syn_I=2.0, tau_gamma=[500.0],
            a_gamma=[1.0])
N, DT, T, START = 500, 0.5, 10000.0, 1000.0
WEIGHT = -6.25e-3          # nA (-6.25 pA)
SEEDS = (1, 2, 3, 4, 5)


def _meso(seed, binomial=True, record=("n_events",), interval=DT, t=T):
    sim.setup(timestep=DT, seed=seed)
    pop = sim.Population(1, sim.GIF_pop_curr_exp(N=N, binomial=binomial, **CELL))
    sim.Projection(pop, pop, sim.AllToAllConnector(), sim.StaticSynapse(weight=WEIGHT, delay=1.0),
                   receptor_type="inhibitory")
    pop.record(list(record), sampling_interval=interval)
    pop.record("spikes")
    sim.run(t)
    return pop


def rate_and_variance(seed, binomial=True):
    """NEST's statistics: mean rate and variance of the rate (Hz, Hz^2) of the
    counts sampled every step after 1 s."""
    pop = _meso(seed, binomial)
    counts = pop.get_data("n_events").segments[0].filter(name="n_events")[0].magnitude[1:, 0]
    sim.end()
    counts = counts[int(START / DT):]
    to_hz = 1000.0 / N / DT
    return counts.mean() * to_hz, counts.var() * to_hz * to_hz


@pytest.fixture(scope="module")
def binomial_stats():
    return np.array([rate_and_variance(s) for s in SEEDS])


def test_check13_rate_and_variance_in_nest_test_setting(binomial_stats):
    """Check 13: rate 22 +- 1 Hz and variance 102 +- 6 Hz^2 (NEST's margins), as
    means over five seeds: one run's variance scatters by ~1.5 Hz^2 (NEST 3.10
    itself gives 95.3-98.9 Hz^2 on seeds 1-5, mean 97.0; its test passes for its
    default seed), so the mean is what the margin can be held to."""
    rate, var = binomial_stats.mean(axis=0)
    assert abs(rate - 22.0) <= 1.0, binomial_stats
    assert abs(var - 102.0) <= 6.0, binomial_stats


def test_poisson_draws_give_the_same_statistics(binomial_stats):
    poisson = np.array([rate_and_variance(s, binomial=False) for s in SEEDS[:3]])
    rate, var = poisson.mean(axis=0)
    assert abs(rate - 22.0) <= 1.0 and abs(var - 102.0) <= 6.0, poisson
    # the rate is a population average of 500 neurons over 9 s: it scatters by
    # ~0.01 Hz between runs, so the two draws must agree to 0.1 Hz
    assert abs(rate - binomial_stats[:, 0].mean()) < 0.1


def test_check13_mesoscopic_rate_within_5_percent_of_500_gif_neurons(binomial_stats):
    rates = []
    for seed in (1, 2):
        sim.setup(timestep=DT, seed=seed)
        cells = sim.Population(N, sim.GIF_curr_exp(tau_eta=[], a_eta=[], **CELL),
                               initial_values={"v": 0.0})
        sim.Projection(cells, cells, sim.AllToAllConnector(),
                       sim.StaticSynapse(weight=WEIGHT, delay=1.0), receptor_type="inhibitory")
        cells.record("spikes")
        sim.run(T)
        _, times = cells.get_data().segments[0].spiketrains.multiplexed
        sim.end()
        rates.append((np.asarray(times.magnitude) > START + DT).sum() / N / ((T - START) / 1000.0))
    meso = binomial_stats[:, 0].mean()
    assert abs(np.mean(rates) - meso) < 0.05 * meso, (rates, meso)


def test_spikes_carry_the_multiplicity_and_signals_can_be_sampled_coarser():
    pop = _meso(7, record=("n_events", "mean", "v", "v_t", "isyn_inh"), interval=1.0, t=2000.0)
    seg = pop.get_data().segments[0]
    times = seg.spiketrains[0].magnitude
    n_events = seg.filter(name="n_events")[0]
    sim.end()
    # one recorded spike per neuron that fired: the spikes stamped at a sample
    # time are that step's n_events (sampled every 1 ms = 2 steps)
    assert float(n_events.sampling_period.rescale("ms")) == 1.0 and len(n_events) == 2001
    stamps, per_step = np.unique(times, return_counts=True)
    drawn = n_events.magnitude[:, 0]
    on_samples = np.isin(np.arange(2001) * 1.0, stamps)
    at = np.searchsorted(stamps, np.arange(2001)[on_samples] * 1.0)
    assert np.array_equal(per_step[at], drawn[on_samples])
    assert drawn[~on_samples].sum() == 0
    assert per_step.max() > 1 and per_step.max() <= N


def _run_split(seed, pieces):
    pop = _meso(seed, record=("mean", "v"), t=0.0)
    for piece in pieces:
        sim.run(piece)
    seg = pop.get_data().segments[-1]
    out = (seg.spiketrains[0].magnitude.copy(), seg.filter(name="mean")[0].magnitude.copy())
    sim.end()
    return out


def test_same_seed_same_result_for_split_runs_and_different_seeds_differ():
    whole = _run_split(3, [500.0])
    split = _run_split(3, [120.5, 0.5, 379.0])
    other = _run_split(4, [500.0])
    assert np.array_equal(whole[0], split[0]) and np.array_equal(whole[1], split[1])
    assert not np.array_equal(whole[0], other[0])


def test_reset_starts_the_population_afresh():
    pop = _meso(5, record=("mean",), t=300.0)
    sim.reset()
    sim.run(300.0)
    segs = pop.get_data().segments
    first, second = (s.spiketrains[0].magnitude for s in segs)
    means = [s.filter(name="mean")[0].magnitude for s in segs]
    sim.end()
    # the draws are keyed by step, so the repeated segment is the same realisation
    assert np.array_equal(first, second) and np.array_equal(means[0], means[1])


def test_history_length_follows_nest_rule():
    """NEST's automatic kernel length: the longest lag <= 20 s with kernel >= 0.1
    delta_v, at least 5 tau_m, longer than t_ref."""
    from pynnlite_numba.gif_models import history_length
    # q e^{-t/tau} >= 0.2 mV: t <= tau ln(q / 0.2) = 500 ln 5 ms
    k = history_length(np.array([500.0]), np.array([1.0]), 2.0, 20.0, 4.0, 0.5)
    assert k == int(np.floor(500.0 * np.log(5.0) / 0.5))
    # a kernel that is always small: 5 tau_m
    assert history_length(np.array([10.0]), np.array([0.01]), 2.0, 20.0, 4.0, 0.5) == 200
    # and never shorter than the refractory period
    assert history_length(np.array([10.0]), np.array([0.01]), 2.0, 0.1, 4.0, 0.5) == 9


def test_results_do_not_depend_on_the_number_of_threads():
    runs = []
    for threads in (1, 2):
        sim.setup(timestep=DT, seed=9, threads=threads)
        pop = sim.Population(2, sim.GIF_pop_curr_exp(N=[300, 80], **CELL))
        cells = sim.Population(50, sim.GIF_curr_exp(tau_eta=[], a_eta=[], **CELL))
        sim.Projection(pop, cells, sim.AllToAllConnector(),
                       sim.StaticSynapse(weight=WEIGHT, delay=1.0), receptor_type="inhibitory")
        pop.record(("spikes", "mean"))
        cells.record("spikes")
        sim.run(300.0)
        runs.append([pop.get_data().segments[0].spiketrains[0].magnitude,
                     pop.get_data().segments[0].filter(name="mean")[0].magnitude,
                     cells.get_data().segments[0].spiketrains.multiplexed[1].magnitude])
        sim.end()
    assert all(np.array_equal(a, b) for a, b in zip(*runs))


def test_parameters_change_between_runs_and_the_history_length_stays():
    """As NEST fixes len_kernel at its first initialisation, a changed kernel
    keeps the automatic history length chosen at build (also after reset)."""
    pop = _meso(4, record=("v_t",), t=200.0)
    block = sim.get_simulation()._backend.engine.layout.blocks[0]
    k_built = block.arrays["KS"].copy()
    pop.set(a_gamma=sim.Sequence([3.0]))
    sim.run(200.0)
    sim.reset()
    sim.run(100.0)
    assert np.array_equal(block.arrays["KS"], k_built)
    assert block.arrays["H"].shape[1] == k_built.sum()
    # the new jump is in the free neurons' threshold filter: q tau exp(-dt K / tau)
    tau = CELL["tau_gamma"][0]
    assert block.arrays["QA"][1, 0] == 3.0 * tau * np.exp(-DT * k_built[0] / tau)
    assert len(pop.get_data().segments[1].filter(name="v_t")[0]) == 201
    sim.end()
