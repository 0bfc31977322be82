"""Adaptive exponential integrate-and-fire (AdEx) cell types, the Clopath
synapse and the parrot neuron.

- EIF_cond_exp_isfa_ista / EIF_cond_alpha_isfa_ista: PyNN's AdEx neurons
  (Brette and Gerstner 2005) with conductance-based exponential / alpha-function
  synapses (NEST aeif_cond_exp / aeif_cond_alpha).
- EIF_psc_delta_clopath: NEST's aeif_psc_delta_clopath, the AdEx neuron of
  Clopath et al. (2010, Nat Neurosci 13:344) with delta synapses (a weight is a
  jump of the membrane potential, in mV), a spike clamp, an adaptive threshold,
  a depolarising spike afterpotential and the low-pass filtered membrane
  potentials u_bar_plus, u_bar_minus, u_bar_bar that the Clopath rule reads.
- ClopathSynapse: NEST's clopath_synapse (voltage-based STDP); it can only end
  on a cell type that keeps the Clopath traces (EIF_psc_delta_clopath).
- ParrotNeuron: NEST's parrot_neuron; re-emits every spike it receives, with
  its multiplicity, one time step later than the arrival (weights are ignored).

Units as everywhere in pynnlite (mV, ms, nA, nF, uS), except ``a`` in nS, as
in PyNN. The AdEx equations (EIF_cond_*; the Clopath cell adds z, the moving
threshold V_T and the filtered potentials, see REFERENCE 2.3)::

    cm dv/dt = -g_L (v - v_rest) + g_L delta_T exp((v - V_T) / delta_T)
               - w + I_syn + i_offset + I_stim                (g_L = cm / tau_m)
    tau_w dw/dt = a (v - v_rest) - w

A spike is emitted when v reaches ``v_spike`` (``v_thresh`` when delta_T = 0);
then w += b. All these models are integrated with NEST's adaptive
Runge-Kutta-Fehlberg 4(5) scheme (error tolerance 1e-6), sub-step for sub-step.
"""
import numpy as np

from ..errors import ConnectionError
from .base import ANY, NON_NEGATIVE, POSITIVE, P
from .cells import StandardCellType
from .synapses import StandardSynapseType

#: largest (v_spike - v_thresh) / delta_T that cannot overflow exp() at a spike
#: (NEST's limit: log(DBL_MAX / 1e20))
MAX_EXP_ARGUMENT = float(np.log(np.finfo(float).max / 1e20))


def _exp_safe(peak, threshold):
    """NEST's guard against exp() overflowing at a spike."""
    def ok(p):
        d = np.asarray(p["delta_T"], float)
        with np.errstate(divide="ignore", invalid="ignore"):
            return (d == 0) | ((np.asarray(p[peak], float) - np.asarray(p[threshold], float)) / d
                               < MAX_EXP_ARGUMENT)
    return (ok, f"({peak} - {threshold}) / delta_T < {MAX_EXP_ARGUMENT:.1f} (exp() would "
                f"overflow at a spike)", (peak, threshold, "delta_T"))


_ADEX_PARAMETERS = {
    "cm": P(0.281, "nF", POSITIVE),
    "tau_refrac": P(0.1, "ms", NON_NEGATIVE),
    "v_spike": P(-40.0, "mV"),
    "v_reset": P(-70.6, "mV"),
    "v_rest": P(-70.6, "mV"),
    "tau_m": P(9.3667, "ms", POSITIVE),
    "i_offset": P(0.0, "nA"),
    "a": P(4.0, "nS"),
    "b": P(0.0805, "nA"),
    "delta_T": P(2.0, "mV", NON_NEGATIVE),
    "tau_w": P(144.0, "ms", POSITIVE),
    "v_thresh": P(-50.4, "mV"),
    "e_rev_E": P(0.0, "mV"),
    "tau_syn_E": P(5.0, "ms", POSITIVE),
    "e_rev_I": P(-80.0, "mV"),
    "tau_syn_I": P(5.0, "ms", POSITIVE),
}

_ADEX_RELATIONS = (
    (lambda p: np.asarray(p["v_reset"]) < np.asarray(p["v_spike"]), "v_reset < v_spike",
     ("v_reset", "v_spike")),
    (lambda p: np.asarray(p["v_spike"]) >= np.asarray(p["v_thresh"]), "v_spike >= v_thresh",
     ("v_spike", "v_thresh")),
    _exp_safe("v_spike", "v_thresh"),
)


class _AdExBase(StandardCellType):
    recordable = ("spikes", "v", "w", "gsyn_exc", "gsyn_inh")
    conductance_based = True
    parameters = _ADEX_PARAMETERS
    state = {"v": P(-70.6, "mV"), "w": P(0.0, "nA"),
             "gsyn_exc": P(0.0, "uS", NON_NEGATIVE), "gsyn_inh": P(0.0, "uS", NON_NEGATIVE)}
    relations = _ADEX_RELATIONS


class EIF_cond_exp_isfa_ista(_AdExBase):
    """Exponential integrate-and-fire neuron with spike-triggered and
    sub-threshold adaptation currents (isfa, ista) and decaying-exponential
    post-synaptic conductances (Brette and Gerstner 2005; NEST aeif_cond_exp)."""


class EIF_cond_alpha_isfa_ista(_AdExBase):
    """Exponential integrate-and-fire neuron with spike-triggered and
    sub-threshold adaptation currents (isfa, ista) and alpha-function
    post-synaptic conductances (Brette and Gerstner 2005; NEST aeif_cond_alpha)."""


class EIF_psc_delta_clopath(StandardCellType):
    """AdEx neuron with the voltage traces of the Clopath rule (NEST
    aeif_psc_delta_clopath; Clopath et al. 2010).

    Synapses are delta pulses: a weight (mV) is added to v, excitatory >= 0,
    inhibitory <= 0. After a spike, v is clamped to ``v_clamp`` for
    ``t_clamp`` ms, then reset to ``v_reset`` (and held there ``tau_refrac``
    ms); at the spike w += b, the afterpotential current z jumps to ``i_sp`` and
    the threshold V_T to ``v_thresh_max``. Between spikes z decays with
    ``tau_z`` and V_T relaxes to ``v_thresh`` with ``tau_v_thresh``::

        cm dv/dt = -g_L (v - v_rest) + g_L delta_T exp((v - V_T) / delta_T)
                   - w + z + i_offset + I_stim
        tau_u_bar_plus  du+/dt = v - u+        tau_u_bar_minus du-/dt = v - u-
        tau_u_bar_bar   dū/dt  = u- - ū

    The Clopath rule (ClopathSynapse) reads u+ and u- delayed by
    ``delay_u_bars`` ms, and the plasticity parameters below: potentiation
    ``A_LTP`` (1/mV^2) when v > ``theta_plus`` and u+ > ``theta_minus``;
    depression ``A_LTD`` (1/mV) when u- > ``theta_minus``, scaled by
    ū^2 / ``u_ref_squared`` unless ``A_LTD_const`` (a boolean).
    Recordable besides the state: ``z`` (nA) and ``v_th`` (V_T, mV).

    As in NEST, the delayed u+/u- read in the first ``delay_u_bars`` ms of a
    simulation are 0 mV (the delay line starts empty)."""
    parameters = {
        "cm": P(0.281, "nF", POSITIVE),
        "tau_m": P(281.0 / 30.0, "ms", POSITIVE),
        "v_rest": P(-70.6, "mV"),
        "v_reset": P(-60.0, "mV"),
        "v_spike": P(33.0, "mV"),
        "v_clamp": P(33.0, "mV"),
        "t_clamp": P(2.0, "ms", NON_NEGATIVE),
        "tau_refrac": P(0.0, "ms", NON_NEGATIVE),
        "i_offset": P(0.0, "nA"),
        "delta_T": P(2.0, "mV", NON_NEGATIVE),
        "v_thresh": P(-50.4, "mV"),
        "v_thresh_max": P(30.4, "mV"),
        "tau_v_thresh": P(50.0, "ms", POSITIVE),
        "a": P(4.0, "nS"),
        "b": P(0.0805, "nA"),
        "tau_w": P(144.0, "ms", POSITIVE),
        "i_sp": P(0.4, "nA"),
        "tau_z": P(40.0, "ms", POSITIVE),
        "tau_u_bar_plus": P(7.0, "ms", POSITIVE),
        "tau_u_bar_minus": P(10.0, "ms", POSITIVE),
        "tau_u_bar_bar": P(500.0, "ms", POSITIVE),
        "theta_plus": P(-45.3, "mV"),
        "theta_minus": P(-70.6, "mV"),
        # >= 0: potentiation only raises weights (the engine sums pending entries)
        "A_LTP": P(8.0e-5, "dimensionless", NON_NEGATIVE),
        "A_LTD": P(14.0e-5, "dimensionless", ANY),
        "A_LTD_const": P(1.0, "dimensionless", ANY),
        "u_ref_squared": P(60.0, "dimensionless", POSITIVE),
        "delay_u_bars": P(5.0, "ms", NON_NEGATIVE),
    }
    state = {"v": P(-70.6, "mV"), "w": P(0.0, "nA"), "u_bar_plus": P(-70.6, "mV"),
             "u_bar_minus": P(-70.6, "mV"), "u_bar_bar": P(-70.6, "mV")}
    recordable = ("spikes", "v", "w", "z", "v_th", "u_bar_plus", "u_bar_minus", "u_bar_bar")
    receptor_types = ("excitatory", "inhibitory")
    conductance_based = False
    #: the weight of a synapse onto this cell is a voltage jump (mV), not a current
    delta_synapses = True
    #: keeps the traces a ClopathSynapse needs
    clopath_traces = True
    relations = (
        (lambda p: np.asarray(p["v_reset"]) < np.asarray(p["v_spike"]), "v_reset < v_spike",
         ("v_reset", "v_spike")),
        (lambda p: np.asarray(p["v_spike"]) >= np.asarray(p["v_thresh"]), "v_spike >= v_thresh",
         ("v_spike", "v_thresh")),
        (lambda p: np.asarray(p["v_thresh_max"]) >= np.asarray(p["v_thresh"]),
         "v_thresh_max >= v_thresh", ("v_thresh_max", "v_thresh")),
        (lambda p: np.isin(np.asarray(p["A_LTD_const"], float), (0.0, 1.0)),
         "A_LTD_const True or False", ("A_LTD_const",)),
        _exp_safe("v_spike", "v_thresh"),
    )

    #: recordable but not initialisable (NEST does not let them be set)
    _recorded_only = {"z": "nA", "v_th": "mV"}

    @classmethod
    def units(cls):
        return {**super().units(), **cls._recorded_only}

    @classmethod
    def convert_units(cls, name, value):
        # A_LTD_const is a flag: True/False become 1.0/0.0 (parameters are numbers)
        if name == "A_LTD_const" and isinstance(value, (bool, np.bool_)):
            return float(value)
        return super().convert_units(name, value)


class ParrotNeuron(StandardCellType):
    """Re-emits every spike it receives (NEST parrot_neuron): a spike arriving in
    a time step leaves the parrot at the end of that step, with the same
    multiplicity; the weights of incoming connections are ignored. Useful to
    record or to share a train, or as the presynaptic partner of plastic
    synapses in NEST-style scripts (a SpikeSourcePoisson serves as well)."""
    parameters = {}
    state = {}
    recordable = ("spikes",)
    receptor_types = ("excitatory",)
    conductance_based = False
    injectable = False


class ClopathSynapse(StandardSynapseType):
    """Voltage-based STDP of Clopath et al. (2010), NEST's clopath_synapse.

    The presynaptic trace x̄ (time constant ``tau_x``, ms) jumps by 1/tau_x at
    each presynaptic spike. At a presynaptic spike at t (d: the delay, all of it
    dendritic): first the potentiation entries the postsynaptic neuron wrote
    in (t_last - d, t - d] raise the weight by A_LTP (v - theta_plus)
    (u+ - theta_minus) dt x̄(t_e + d) each (capped at ``w_max``); then the
    depression written at exactly t - d lowers it (floored at ``w_min``); the
    spike is transmitted with the new weight. An event of multiplicity k counts
    once. Weights in mV (the target is a delta-synapse cell); w_min <= weight
    <= w_max with the sign of the weight."""
    plastic = True
    plastic_weights = True
    parameters = {"weight": P(0.5, "mV"), "delay": P(None, "ms"),
                  "tau_x": P(15.0, "ms", POSITIVE),
                  "w_min": P(0.0, "mV"), "w_max": P(100.0, "mV")}

    @classmethod
    def check_scalar(cls, name, value):
        if name == "delay" and value is None:
            return
        super().check_scalar(name, value)

    def check_target(self, celltype, receptor_type):
        """Only a cell type that keeps the Clopath traces can be the target."""
        if not getattr(type(celltype), "clopath_traces", False):
            raise ConnectionError(
                f"ClopathSynapse cannot connect onto {type(celltype).__name__}: the Clopath rule "
                "reads the filtered membrane potentials of the postsynaptic neuron, which only "
                "EIF_psc_delta_clopath keeps")

    def validate(self, values):
        """w_min <= w_max, and the weight between them (NEST's sign rules)."""
        for name in ("tau_x", "w_min", "w_max"):
            if name in values:
                type(self).check_values(name, values[name])
        from ..errors import InvalidParameterValueError
        w_min, w_max = np.asarray(values["w_min"], float), np.asarray(values["w_max"], float)
        bad = np.atleast_1d(w_min > w_max)
        if bad.any():
            i = int(np.flatnonzero(bad)[0])
            raise InvalidParameterValueError(
                "w_min", f"w_min={np.broadcast_to(w_min, bad.shape)[i]!r}, "
                f"w_max={np.broadcast_to(w_max, bad.shape)[i]!r}", "w_min <= w_max",
                "ClopathSynapse")

    def check_weights(self, weights, values):
        """NEST's rule: w_min has the weight's sign (or is 0), w_max the weight's
        sign and is not 0."""
        from ..errors import InvalidWeightError
        w = np.asarray(weights, float)
        w_min = np.broadcast_to(np.asarray(values["w_min"], float), w.shape)
        w_max = np.broadcast_to(np.asarray(values["w_max"], float), w.shape)
        positive = w >= 0
        bad = (positive != (w_min >= 0)) | (positive != (w_max > 0))
        if bad.any():
            i = int(np.flatnonzero(bad)[0])
            raise InvalidWeightError(
                f"ClopathSynapse weight {w[i]!r} with w_min={w_min[i]!r}, w_max={w_max[i]!r}: "
                "w_min and w_max must have the weight's sign (w_max != 0), as in NEST")


ADEX_CELL_TYPES = (EIF_cond_exp_isfa_ista, EIF_cond_alpha_isfa_ista, EIF_psc_delta_clopath,
                   ParrotNeuron)
