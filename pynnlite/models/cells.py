"""Standard cell types, with PyNN's names, defaults and units.

Units: mV, ms, nA, nF, uS. Each type says which variables it can record and
which receptor types it has. Weights onto current-based cells are in nA (the
inhibitory ones negative, as in PyNN); onto conductance-based cells in uS.
"""
import numpy as np

from .base import ModelType, P, ANY, POSITIVE, NON_NEGATIVE


class StandardCellType(ModelType):
    """A neuron model. ``conductance_based`` tells how weights are interpreted."""
    recordable = ("spikes",)
    receptor_types = ("excitatory", "inhibitory")
    conductance_based = False
    injectable = True
    is_source = False


def _lif_parameters(tau_syn):
    return {
        "v_rest": P(-65.0, "mV"),
        "cm": P(1.0, "nF", POSITIVE),
        "tau_m": P(20.0, "ms", POSITIVE),
        "tau_refrac": P(0.1, "ms", NON_NEGATIVE),
        "tau_syn_E": P(tau_syn, "ms", POSITIVE),
        "tau_syn_I": P(tau_syn, "ms", POSITIVE),
        "i_offset": P(0.0, "nA"),
        "v_reset": P(-65.0, "mV"),
        "v_thresh": P(-50.0, "mV"),
    }


_RESET_BELOW_THRESHOLD = (
    (lambda p: p["v_reset"] < p["v_thresh"], "v_reset < v_thresh", ("v_reset", "v_thresh")),
)


class IF_curr_exp(StandardCellType):
    """Leaky integrate-and-fire neuron with a fixed threshold and decaying-exponential
    post-synaptic currents (NEST iaf_psc_exp), integrated exactly."""
    parameters = _lif_parameters(5.0)
    state = {"v": P(-65.0, "mV"), "isyn_exc": P(0.0, "nA"), "isyn_inh": P(0.0, "nA")}
    recordable = ("spikes", "v", "isyn_exc", "isyn_inh")
    relations = _RESET_BELOW_THRESHOLD


class IF_curr_alpha(StandardCellType):
    """Leaky integrate-and-fire neuron with alpha-function post-synaptic currents
    (NEST iaf_psc_alpha), integrated exactly."""
    parameters = _lif_parameters(0.5)
    state = {"v": P(-65.0, "mV"), "isyn_exc": P(0.0, "nA"), "isyn_inh": P(0.0, "nA")}
    recordable = ("spikes", "v", "isyn_exc", "isyn_inh")
    relations = _RESET_BELOW_THRESHOLD


class IF_cond_exp(StandardCellType):
    """Leaky integrate-and-fire neuron with decaying-exponential post-synaptic
    conductances (NEST iaf_cond_exp)."""
    parameters = {**_lif_parameters(5.0),
                  "e_rev_E": P(0.0, "mV"),
                  "e_rev_I": P(-70.0, "mV")}
    state = {"v": P(-65.0, "mV"), "gsyn_exc": P(0.0, "uS", NON_NEGATIVE),
             "gsyn_inh": P(0.0, "uS", NON_NEGATIVE)}
    recordable = ("spikes", "v", "gsyn_exc", "gsyn_inh")
    conductance_based = True
    relations = _RESET_BELOW_THRESHOLD


class SpikeSourcePoisson(StandardCellType):
    """Spike source firing a Poisson process at ``rate`` from ``start`` for
    ``duration`` ms. As in PyNN, each source emits one train, received identically
    by all its targets. A change of rate between runs takes effect at once."""
    parameters = {"rate": P(1.0, "Hz", NON_NEGATIVE),
                  "start": P(0.0, "ms", NON_NEGATIVE),
                  "duration": P(1e10, "ms", NON_NEGATIVE)}
    state = {}
    recordable = ("spikes",)
    receptor_types = ()
    injectable = False
    is_source = True


class SpikeSourceArray(StandardCellType):
    """Spike source emitting at the given times (ms; each rounded to the grid
    step that ends at or after it, as NEST's spike_generator does)."""
    parameters = {"spike_times": P((), "ms", array_valued=True)}
    state = {}

    @classmethod
    def check_array_parameter(cls, name, values):
        """Spike times must be > 0 ms and in non-decreasing order."""
        from ..errors import InvalidParameterValueError
        for times in values:
            if len(times) and (times[0] <= 0 or (np.diff(times) < 0).any()):
                raise InvalidParameterValueError(
                    name, times.tolist()[:10], "times > 0 ms in non-decreasing order", cls.__name__)
    recordable = ("spikes",)
    receptor_types = ()
    injectable = False
    is_source = True


STANDARD_CELL_TYPES = (IF_curr_exp, IF_curr_alpha, IF_cond_exp, SpikeSourcePoisson, SpikeSourceArray)

# the AdEx family and the parrot neuron (adex.py builds on StandardCellType above)
from .adex import ADEX_CELL_TYPES  # noqa: E402

STANDARD_CELL_TYPES += ADEX_CELL_TYPES
