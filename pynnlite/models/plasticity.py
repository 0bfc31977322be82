"""Plastic synapse types: STDP (a timing dependence combined with a weight
dependence, PyNN's STDPMechanism) and Tsodyks-Markram short-term plasticity.

Semantics are NEST's (REFERENCE.md 2.7, 2.8), on every backend:

- all-to-all spike pairing with exponential traces: K+ of the presynaptic
  spikes (time constant ``tau_plus``), K- of the postsynaptic spikes
  (``tau_minus``); an event of multiplicity k counts once in K+ and k times in K-;
- the whole delay is dendritic (``dendritic_delay_fraction = 1``): a
  postsynaptic spike at t_j reaches the synapse at t_j + d, a presynaptic spike
  at t_i at once. A presynaptic spike at t depresses the weight with K- of the
  postsynaptic spikes that reached the synapse strictly before t; a
  postsynaptic spike potentiates it with K+ of the presynaptic spikes strictly
  before t_j + d. A pre and a post spike meeting at the synapse at the same
  time do not pair; potentiation by postsynaptic spikes up to and including
  t - d comes before the depression at t;
- the weight changes before the spike is transmitted (the new weight is the one
  delivered).

Weight dependences are written, as in NEST's stdp_synapse, on the normalised
weight x = (w - w_min) / (w_max - w_min) (NEST: w / Wmax, i.e. w_min = 0):

    potentiation  x <- min(1, x + A_plus  * (1 - x)**mu_plus * K+)
    depression    x <- max(0, x - A_minus * x**mu_minus      * K-)

with (mu_plus, mu_minus) = (0, 0) additive, (1, 1) multiplicative, (0, 1)
additive potentiation / multiplicative depression, and Gütig's own. NEST's
parameters are lambda = A_plus, alpha = A_minus / A_plus, Wmax = w_max (NEST
requires w_min = 0). Weights onto inhibitory current-based receptors are
negative (PyNN); the bounds then apply to the weight's magnitude.

PowerLawWeightDependence is NEST's stdp_pl_synapse_hom (Morrison, Aertsen and
Diesmann 2007): potentiation w <- w + lambda * w**mu * K+ (no upper bound),
depression w <- max(0, w - lambda * alpha * w * K-), where lambda = A_plus and
lambda * alpha = A_minus. **Units:** w**mu makes lambda depend on the weight's
unit; A_plus is taken as NEST's published lambda for weights in pA (or nS), and
pynnlite converts it for its own nA (uS): lambda_nA = A_plus * 1000**(mu - 1).
All its parameters must be the same for the whole projection.
"""
import numpy as np

from ..errors import ConnectionError, InvalidParameterValueError, NonExistentParameterError
from .base import ModelType, P, NON_NEGATIVE, POSITIVE, PROBABILITY
from .synapses import StandardSynapseType


def _check_bounds(cls, values):
    """w_min <= w_max on scalars or evaluated arrays."""
    if "w_min" in values and "w_max" in values:
        w_min, w_max = values["w_min"], values["w_max"]
        if all(isinstance(v, (int, float, np.integer, np.floating, np.ndarray)) for v in (w_min, w_max)):
            bad = np.atleast_1d(np.asarray(w_min, float) > np.asarray(w_max, float))
            if bad.any():
                i = int(np.flatnonzero(bad)[0])
                shown = (f"w_min={float(np.broadcast_to(w_min, bad.shape)[i])!r}, "
                         f"w_max={float(np.broadcast_to(w_max, bad.shape)[i])!r}")
                raise InvalidParameterValueError("w_min", shown, "w_min <= w_max", cls.__name__)


def _one_if_homogeneous(values):
    """A 1-D array; a zero-stride (homogeneous) view becomes its single value."""
    a = np.atleast_1d(np.asarray(values, float))
    return a[:1] if a.ndim == 1 and len(a) and a.strides == (0,) else a


class STDPTimingDependence(ModelType):
    """Base of the timing dependences of an STDPMechanism."""


class STDPWeightDependence(ModelType):
    """Base of the weight dependences of an STDPMechanism."""
    #: NEST stdp_synapse's (mu_plus, mu_minus), or None when given as parameters
    exponents = None

    def __init__(self, **parameters):
        super().__init__(**parameters)
        _check_bounds(type(self), {**self.default_parameters(), **self.parameter_values})


class SpikePairRule(STDPTimingDependence):
    """The weight change depends only on the relative timing of spike pairs; all
    pairs count (all-to-all, cf. Song and Abbott). ``tau_plus``/``tau_minus``:
    time constants (ms) of the potentiation / depression sides of the STDP curve;
    ``A_plus``/``A_minus``: their amplitudes (dimensionless, scaled by the weight
    dependence)."""
    parameters = {"tau_plus": P(20.0, "ms", POSITIVE), "tau_minus": P(20.0, "ms", POSITIVE),
                  "A_plus": P(0.01, "dimensionless", NON_NEGATIVE),
                  "A_minus": P(0.01, "dimensionless", NON_NEGATIVE)}

    def __init__(self, tau_plus=20.0, tau_minus=20.0, A_plus=0.01, A_minus=0.01):
        super().__init__(tau_plus=tau_plus, tau_minus=tau_minus, A_plus=A_plus, A_minus=A_minus)


_BOUNDS = {"w_min": P(0.0, "nA", NON_NEGATIVE), "w_max": P(1.0, "nA", NON_NEGATIVE)}


class AdditiveWeightDependence(STDPWeightDependence):
    """The amplitude of the weight change does not depend on the weight:
    A_plus * (w_max - w_min) for potentiation, A_minus * (w_max - w_min) for
    depression; the new weight is clipped to [w_min, w_max] (nA or uS)."""
    parameters = dict(_BOUNDS)
    exponents = (0.0, 0.0)

    def __init__(self, w_min=0.0, w_max=1.0):
        super().__init__(w_min=w_min, w_max=w_max)


class MultiplicativeWeightDependence(STDPWeightDependence):
    """The amplitude of the weight change depends on the weight: for depression
    Δw ∝ w - w_min, for potentiation Δw ∝ w_max - w (nA or uS)."""
    parameters = dict(_BOUNDS)
    exponents = (1.0, 1.0)

    def __init__(self, w_min=0.0, w_max=1.0):
        super().__init__(w_min=w_min, w_max=w_max)


class AdditivePotentiationMultiplicativeDepression(STDPWeightDependence):
    """Potentiation of fixed amplitude (Δw ∝ w_max - w_min); depression that
    depends on the weight (Δw ∝ w - w_min)."""
    parameters = dict(_BOUNDS)
    exponents = (0.0, 1.0)

    def __init__(self, w_min=0.0, w_max=1.0):
        super().__init__(w_min=w_min, w_max=w_max)


class GutigWeightDependence(STDPWeightDependence):
    """Gütig et al. (2003): potentiation ∝ (w_max - w)**mu_plus, depression
    ∝ (w - w_min)**mu_minus (in the normalised weight, see the module doc)."""
    parameters = {**_BOUNDS, "mu_plus": P(0.5, "dimensionless", NON_NEGATIVE),
                  "mu_minus": P(0.5, "dimensionless", NON_NEGATIVE)}

    def __init__(self, w_min=0.0, w_max=1.0, mu_plus=0.5, mu_minus=0.5):
        super().__init__(w_min=w_min, w_max=w_max, mu_plus=mu_plus, mu_minus=mu_minus)


class PowerLawWeightDependence(STDPWeightDependence):
    """NEST's stdp_pl_synapse_hom (Morrison et al. 2007): potentiation
    λ·w**mu·K+ without upper bound, depression λα·w·K-, weights floored at 0.
    With SpikePairRule, λ = A_plus **for weights in pA** (NEST's published
    values; pynnlite rescales it to nA: λ_nA = A_plus·1000**(mu-1)) and
    λα = A_minus. Weights must be >= 0 and every parameter homogeneous."""
    parameters = {"mu": P(0.4, "dimensionless", NON_NEGATIVE)}

    def __init__(self, mu=0.4):
        super().__init__(mu=mu)


def power_law_lambda_nA(A_plus, mu):
    """λ for weights in nA (uS) from NEST's λ for weights in pA (nS)."""
    return np.asarray(A_plus, float) * 1000.0 ** (np.asarray(mu, float) - 1.0)


class STDPMechanism(StandardSynapseType):
    """A spike-timing-dependent plastic synapse: ``timing_dependence`` (a
    SpikePairRule) combined with ``weight_dependence`` (Additive, Multiplicative,
    AdditivePotentiationMultiplicativeDepression, Gutig or PowerLaw);
    ``voltage_dependence`` is not supported (None). ``dendritic_delay_fraction``
    says which part of the delay is dendritic; pynnlite implements NEST's
    semantics, where all of it is (1.0, the only value the backends accept).

    The parameters of the parts become parameters of the synapse: Projection.get
    and set take 'tau_plus', 'w_max', ... as well as 'weight' and 'delay'."""
    plastic = True
    plastic_weights = True
    parameters = {"weight": P(0.0, "nA"), "delay": P(None, "ms"),
                  "dendritic_delay_fraction": P(1.0, "dimensionless", PROBABILITY),
                  **SpikePairRule.parameters, **GutigWeightDependence.parameters,
                  **PowerLawWeightDependence.parameters}

    def __init__(self, timing_dependence=None, weight_dependence=None, voltage_dependence=None,
                 dendritic_delay_fraction=1.0, weight=0.0, delay=None):
        timing_dependence = timing_dependence if timing_dependence is not None else SpikePairRule()
        weight_dependence = (weight_dependence if weight_dependence is not None
                             else AdditiveWeightDependence())
        if not isinstance(timing_dependence, STDPTimingDependence):
            raise InvalidParameterValueError("timing_dependence", timing_dependence,
                                             "a timing dependence such as SpikePairRule()",
                                             "STDPMechanism")
        if not isinstance(weight_dependence, STDPWeightDependence):
            raise InvalidParameterValueError(
                "weight_dependence", weight_dependence,
                "a weight dependence such as MultiplicativeWeightDependence()", "STDPMechanism")
        if voltage_dependence is not None:
            raise InvalidParameterValueError("voltage_dependence", voltage_dependence,
                                             "None (no voltage dependence is implemented)",
                                             "STDPMechanism")
        self.timing_dependence = timing_dependence
        self.weight_dependence = weight_dependence
        self.voltage_dependence = None
        own = {"dendritic_delay_fraction": dendritic_delay_fraction, "weight": weight}
        if delay is not None:
            own["delay"] = delay
        super().__init__(**own)
        for part in (timing_dependence, weight_dependence):
            self.parameter_values.update(part.parameter_values)

    # the parameter set depends on the parts: these are instance methods here
    def _parts_defaults(self):
        out = {"weight": 0.0, "delay": None, "dendritic_delay_fraction": 1.0}
        for part in (self.timing_dependence, self.weight_dependence):
            out.update(part.default_parameters())
        return out

    def default_parameters(self):
        return self._parts_defaults()

    def get_parameter_names(self):
        return tuple(self._parts_defaults())

    @classmethod
    def check_scalar(cls, name, value):
        if name == "delay" and value is None:
            return
        super().check_scalar(name, value)

    @property
    def components(self):
        """Class names of the parts, as handed to backends (ProjectionSpec)."""
        return {"timing_dependence": type(self.timing_dependence).__name__,
                "weight_dependence": type(self.weight_dependence).__name__,
                "voltage_dependence": None}

    def validate(self, values):
        """Check evaluated per-connection values (after the connector ran)."""
        for name, v in values.items():
            if name in ("weight", "delay"):
                continue
            if name not in self._parts_defaults():
                raise NonExistentParameterError(name, "STDPMechanism", self._parts_defaults())
            type(self).check_values(name, _one_if_homogeneous(v))
        _check_bounds(type(self), {n: _one_if_homogeneous(values[n])
                                   for n in ("w_min", "w_max") if n in values})

    def check_weights(self, weights, values):
        """Initial weights must lie in [w_min, w_max] (their magnitude, for the
        negative weights of inhibitory current synapses); power-law weights >= 0."""
        w = _one_if_homogeneous(weights)
        if isinstance(self.weight_dependence, PowerLawWeightDependence):
            if (w < 0).any():
                raise InvalidParameterValueError(
                    "weight", float(w[w < 0][0]), "weights >= 0 (PowerLawWeightDependence is "
                    "defined for excitatory weights only)", "STDPMechanism")
            return
        lo, hi = _one_if_homogeneous(values["w_min"]), _one_if_homogeneous(values["w_max"])
        if len(w) == 1 and (len(lo) > 1 or len(hi) > 1):
            w = np.broadcast_to(w, (max(len(lo), len(hi)),))
        magnitude = np.abs(w)
        bad = (magnitude < lo) | (magnitude > hi)
        if bad.any():
            i = int(np.flatnonzero(bad)[0])
            raise InvalidParameterValueError(
                "weight", float(np.broadcast_to(w, bad.shape)[i]),
                f"a weight in [w_min, w_max] = [{np.broadcast_to(lo, bad.shape)[i]}, "
                f"{np.broadcast_to(hi, bad.shape)[i]}] (magnitude, for inhibitory weights)",
                "STDPMechanism")

    def check_target(self, celltype, receptor_type):
        """STDP needs a postsynaptic neuron that emits its own spikes."""
        if getattr(celltype, "is_source", False) or not getattr(celltype, "accepts_stdp", True):
            raise ConnectionError(
                f"STDPMechanism cannot connect onto {type(celltype).__name__}: it keeps no "
                "postsynaptic spike trace; STDP needs a spiking point-neuron target")

    def describe(self):
        return (f"STDPMechanism({self.timing_dependence!r}, {self.weight_dependence!r}, "
                f"weight={self.parameter_values.get('weight')!r}, "
                f"delay={self.parameter_values.get('delay')!r})")

    __repr__ = describe


class TsodyksMarkramSynapse(StandardSynapseType):
    """Synapse with short-term depression and facilitation (Tsodyks, Uziel and
    Markram 2000), NEST's tsodyks_synapse: at each presynaptic spike the use
    variable u (decaying with ``tau_facil``, ms; no facilitation when 0) jumps by
    U·(1 - u), a fraction u of the recovered resources x becomes active (y),
    which decays with the postsynaptic cell's synaptic time constant (tau_psc =
    tau_syn_E or tau_syn_I of the receptor, as PyNN does) and recovers with
    ``tau_rec`` (ms); the amplitude transmitted is weight·u·x. Start: x = 1,
    y = 0, u = 0. tau_rec must differ from the cell's tau_syn."""
    plastic = True
    parameters = {"weight": P(0.0, "nA"), "delay": P(None, "ms"),
                  "U": P(0.5, "dimensionless", PROBABILITY),
                  "tau_rec": P(100.0, "ms", POSITIVE),
                  "tau_facil": P(0.0, "ms", NON_NEGATIVE)}

    @classmethod
    def check_scalar(cls, name, value):
        if name == "delay" and value is None:
            return
        super().check_scalar(name, value)

    #: receptor type -> the postsynaptic parameter that is NEST's tau_psc
    TAU_PSC = {"excitatory": "tau_syn_E", "inhibitory": "tau_syn_I"}

    def check_target(self, celltype, receptor_type):
        name = self.TAU_PSC.get(receptor_type)
        if name is None or name not in type(celltype).parameters:
            raise ConnectionError(
                f"TsodyksMarkramSynapse cannot connect onto {type(celltype).__name__} "
                f"(receptor '{receptor_type}'): it takes the PSC time constant from the cell's "
                f"{name or 'tau_syn_E/tau_syn_I'}, which this cell type does not have")


PLASTICITY_COMPONENTS = (SpikePairRule, AdditiveWeightDependence, MultiplicativeWeightDependence,
                         AdditivePotentiationMultiplicativeDepression, GutigWeightDependence,
                         PowerLawWeightDependence)


def stdp_exponents(weight_dependence, parameters):
    """NEST stdp_synapse's (mu_plus, mu_minus) for a weight dependence (class
    name) and the projection's synapse parameters (Gütig's are given)."""
    cls = {c.__name__: c for c in PLASTICITY_COMPONENTS}[weight_dependence]
    if cls.exponents is not None:
        return cls.exponents
    return parameters["mu_plus"], parameters["mu_minus"]
