"""Standard synapse types (plastic ones in plasticity.py)."""
from .base import ModelType, P, ANY, NON_NEGATIVE


class StandardSynapseType(ModelType):
    """A synapse model; ``weight`` and ``delay`` are common to all."""
    plastic = False
    #: True when the weights change while the network runs (Projection.record_weights)
    plastic_weights = False

    @property
    def components(self):
        """Class names of the parts of a composite type (STDPMechanism); {} otherwise."""
        return {}

    def check_target(self, celltype, receptor_type):
        """Raise ConnectionError if this synapse cannot connect onto ``celltype``."""

    def validate(self, values):
        """Check evaluated per-connection values other than weight and delay."""
        for name, v in values.items():
            if name not in ("weight", "delay"):
                type(self).check_values(name, v)

    def check_weights(self, weights, values):
        """Raise if evaluated weights do not suit this synapse type (given the
        other evaluated per-connection ``values``); plastic types check bounds."""


class StaticSynapse(StandardSynapseType):
    """Fixed weight and delay. The delay (ms) defaults to the simulation's
    min_delay when not given."""
    parameters = {"weight": P(0.0, "nA"), "delay": P(None, "ms")}

    @classmethod
    def check_scalar(cls, name, value):
        if name == "delay" and value is None:
            return
        super().check_scalar(name, value)


STANDARD_SYNAPSE_TYPES = (StaticSynapse,)
