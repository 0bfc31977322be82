"""Standard synapse types."""
from .base import ModelType, P, ANY, NON_NEGATIVE


class StandardSynapseType(ModelType):
    """A synapse model; ``weight`` and ``delay`` are common to all."""
    plastic = False


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
