"""Generalised integrate-and-fire (GIF) cell types: single neurons with escape
noise, spike-triggered current and moving threshold (Mensi et al. 2012,
Pozzorini et al. 2015), and the mesoscopic population model of Schwalger,
Deger & Gerstner (2017), in which one element stands for a whole population.

Units as everywhere in pynnlite: mV, ms, nA, nF, uS, Hz. The adaptation
kernels are array-valued parameters (one Sequence per neuron, or one list of
numbers shared by all): ``tau_eta`` / ``a_eta`` (spike-triggered current,
ms / nA) and ``tau_gamma`` / ``a_gamma`` (moving threshold, ms / mV); the two
arrays of a pair must have the same length (they may be empty). To change the
number of elements of a kernel, create the cell type with both arrays.
"""
import numpy as np

from ..errors import InvalidParameterValueError
from .base import NON_NEGATIVE, POSITIVE, Constraint, P
from .cells import StandardCellType


def _lengths_match(a, b):
    """Per neuron: the two array-valued parameters have the same length."""
    a, b = np.atleast_1d(a), np.atleast_1d(b)
    a, b = np.broadcast_arrays(a, b)
    return np.array([len(np.atleast_1d(x)) == len(np.atleast_1d(y)) for x, y in zip(a, b)], bool)


def _pair(times, jumps):
    return (lambda p: _lengths_match(p[times], p[jumps]),
            f"{times} and {jumps} of equal length (one jump per time constant)", (times, jumps))


class _GIFBase(StandardCellType):
    """What the GIF cell types share: validation of the kernel arrays."""

    #: array-valued parameters that are time constants (every element > 0)
    _time_constant_arrays = ("tau_eta", "tau_gamma")

    @classmethod
    def check_array_parameter(cls, name, values):
        """Time constants of the kernels must all be > 0 ms."""
        if name not in cls._time_constant_arrays:
            return
        for v in values:
            if len(v) and not (np.asarray(v) > 0).all():
                raise InvalidParameterValueError(name, np.asarray(v).tolist(),
                                                 "time constants > 0 ms", cls.__name__)


def _gif_parameters():
    return {
        "v_rest": P(-65.0, "mV"),
        "cm": P(1.0, "nF", POSITIVE),
        "tau_m": P(20.0, "ms", POSITIVE),
        "tau_refrac": P(4.0, "ms", NON_NEGATIVE),
        "tau_syn_E": P(5.0, "ms", POSITIVE),
        "tau_syn_I": P(5.0, "ms", POSITIVE),
        "v_reset": P(-65.0, "mV"),
        "i_offset": P(0.0, "nA"),
        "delta_v": P(0.5, "mV", POSITIVE),
        "v_t_star": P(-48.0, "mV"),
        "lambda0": P(1.0, "Hz", NON_NEGATIVE),
        "tau_eta": P((1.0, 10.0, 100.0), "ms", array_valued=True),
        "tau_gamma": P((1.0, 10.0, 100.0), "ms", array_valued=True),
        "a_eta": P((1.0, 1.0, 1.0), "nA", array_valued=True),
        "a_gamma": P((1.0, 1.0, 1.0), "mV", array_valued=True),
    }


_GIF_RELATIONS = (_pair("tau_eta", "a_eta"), _pair("tau_gamma", "a_gamma"))


class GIF_curr_exp(_GIFBase):
    """Generalised integrate-and-fire neuron with escape noise and
    decaying-exponential post-synaptic currents (NEST gif_psc_exp).

        cm dv/dt = -(cm / tau_m) (v - v_rest) - sum_i eta_i(t) + i_offset + I_syn + I_stim

    Each spike adds ``a_eta[i]`` (nA) to the spike-triggered current eta_i,
    which decays with ``tau_eta[i]``, and ``a_gamma[i]`` (mV) to the threshold
    element gamma_i, which decays with ``tau_gamma[i]``. The neuron fires in a
    time step with probability 1 - exp(-lambda dt), where
    lambda = lambda0 exp((v - v_t) / delta_v) and v_t = v_t_star + sum_i gamma_i.
    The voltage is not reset in the step of the spike; during the following
    round(tau_refrac / dt) steps it is held at v_reset.

    ``v_t`` (moving threshold) and ``i_eta`` (spike-triggered current) are
    recomputed from the kernel elements in every step and the elements start
    at zero: their initial values only set the sample at t = 0. Input spikes
    act on v within the step they arrive in (as in NEST's gif_psc_exp).
    """
    parameters = _gif_parameters()
    state = {"v": P(-65.0, "mV"), "v_t": P(-48.0, "mV"), "i_eta": P(0.0, "nA"),
             "isyn_exc": P(0.0, "nA"), "isyn_inh": P(0.0, "nA")}
    recordable = ("spikes", "v", "v_t", "i_eta", "isyn_exc", "isyn_inh")
    relations = _GIF_RELATIONS


class GIF_cond_exp(_GIFBase):
    """Generalised integrate-and-fire neuron with escape noise and
    decaying-exponential post-synaptic conductances (PyNN's GIF_cond_exp, NEST
    gif_cond_exp). As :class:`GIF_curr_exp`, with the synaptic current
    g_E (e_rev_E - v) + g_I (e_rev_I - v); v is held (not integrated) while
    refractory, and spikes arriving in a step are added to the conductances
    at its end."""
    parameters = {**_gif_parameters(), "e_rev_E": P(0.0, "mV"), "e_rev_I": P(-70.0, "mV")}
    state = {"v": P(-65.0, "mV"), "v_t": P(-48.0, "mV"), "i_eta": P(0.0, "nA"),
             "gsyn_exc": P(0.0, "uS", NON_NEGATIVE), "gsyn_inh": P(0.0, "uS", NON_NEGATIVE)}
    recordable = ("spikes", "v", "v_t", "i_eta", "gsyn_exc", "gsyn_inh")
    conductance_based = True
    relations = _GIF_RELATIONS


WHOLE_POSITIVE = Constraint(lambda a: (a >= 1) & (a == np.floor(a)), "a whole number >= 1")
KERNEL_LENGTH = Constraint(lambda a: (a == -1) | ((a >= 1) & (a == np.floor(a))),
                           "-1 (chosen automatically) or a whole number of time steps >= 1")
BOOLEAN = Constraint(lambda a: (a == 0) | (a == 1), "True or False")


class GIF_pop_curr_exp(_GIFBase):
    """A finite population of ``N`` GIF neurons simulated at the mesoscopic
    level (Schwalger, Deger & Gerstner 2017, PLoS Comput Biol 13:e1005507;
    NEST gif_pop_psc_exp): each element of a pynnlite Population with this
    cell type is a whole population.

    In every time step the element computes the expected number of its
    neurons that fire (recordable ``mean``), draws the number that do fire
    (``n_events``; Binomial(N, mean / N) if ``binomial`` else Poisson(mean)
    clipped to [0, N]) and emits one spike event with that multiplicity: spike
    recording gives one spike per neuron that fired, and a connection from the
    element delivers multiplicity x weight. The neurons have exponential
    post-synaptic currents (``tau_syn_E`` / ``tau_syn_I``; a weight onto an
    element acts on every one of its neurons), escape noise
    lambda0 exp((v - v_t) / delta_v) and a moving threshold with elements
    ``a_gamma`` (mV) decaying with ``tau_gamma`` (at least one element; use
    a_gamma = 0 for none); there is no spike-triggered current.

    ``len_kernel`` is the number of time steps of spike history kept (-1:
    chosen from the adaptation kernel, as NEST does). The cost per step grows
    with ``len_kernel``, not with N. Recordables: ``v`` and ``v_t`` (membrane
    potential and threshold of the neurons that have not fired within the
    history), ``isyn_exc`` / ``isyn_inh``, ``mean`` and ``n_events``.
    """
    #: an element is a whole population: no single postsynaptic spike train for STDP
    accepts_stdp = False
    parameters = {
        "N": P(100.0, "dimensionless", WHOLE_POSITIVE),
        "v_rest": P(0.0, "mV"),
        "cm": P(0.25, "nF", POSITIVE),
        "tau_m": P(20.0, "ms", POSITIVE),
        "tau_refrac": P(4.0, "ms", NON_NEGATIVE),
        "tau_syn_E": P(3.0, "ms", POSITIVE),
        "tau_syn_I": P(6.0, "ms", POSITIVE),
        "v_reset": P(0.0, "mV"),
        "i_offset": P(0.0, "nA"),
        "delta_v": P(2.0, "mV", POSITIVE),
        "v_t_star": P(15.0, "mV"),
        "lambda0": P(10.0, "Hz", NON_NEGATIVE),
        "tau_gamma": P((300.0,), "ms", array_valued=True),
        "a_gamma": P((0.5,), "mV", array_valued=True),
        "len_kernel": P(-1.0, "dimensionless", KERNEL_LENGTH),
        "binomial": P(1.0, "dimensionless", BOOLEAN),
    }
    state = {"v": P(0.0, "mV"), "v_t": P(15.0, "mV"),
             "isyn_exc": P(0.0, "nA"), "isyn_inh": P(0.0, "nA")}
    recordable = ("spikes", "v", "v_t", "isyn_exc", "isyn_inh", "mean", "n_events")
    relations = (_pair("tau_gamma", "a_gamma"),
                 (lambda p: np.array([len(np.atleast_1d(t)) > 0 for t in
                                      np.atleast_1d(p["tau_gamma"])], bool),
                  "at least one threshold element (a_gamma = 0 for no adaptation)",
                  ("tau_gamma",)))
    _time_constant_arrays = ("tau_gamma",)

    @classmethod
    def convert_units(cls, name, value):
        """``binomial`` also takes True / False."""
        if name == "binomial" and isinstance(value, (bool, np.bool_)):
            return float(value)
        return super().convert_units(name, value)

    @classmethod
    def units(cls):
        return {**super().units(), "mean": "dimensionless", "n_events": "dimensionless"}


#: the GIF cell types, for backends' capability tables
GIF_CELL_TYPES = (GIF_curr_exp, GIF_cond_exp, GIF_pop_curr_exp)

