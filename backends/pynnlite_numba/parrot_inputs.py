"""Static connections onto ParrotNeuron: a parrot counts the spikes that
arrive (NEST's parrot_neuron ignores the weights), so the engine delivers
them with weight 1 and keeps the weights the user gave (or set) only to
report them."""
import dataclasses

import numpy as np

from .native import source_of

PARROT = "ParrotNeuron"


def unit_weights(network):
    """(the network with weight 1 on every connection onto a parrot,
    ParrotWeights holding the given weights). A native rule keeps drawing
    its connections; its weight becomes the number 1 and its drawn weights
    are held."""
    parrots = {p.index for p in network.populations if p.model == PARROT}
    held, projections = {}, []
    for p in network.projections:
        if p.post in parrots and p.native_rule is not None:
            held[p.index] = np.array(source_of(p, network).weights(), np.float64)
            p = dataclasses.replace(p, native_rule={**p.native_rule, "weight": 1.0})
        elif p.post in parrots:
            held[p.index] = np.array(p.weights, np.float64)
            p = dataclasses.replace(p, weights=np.ones(p.size))
        projections.append(p)
    return dataclasses.replace(network, projections=tuple(projections)), ParrotWeights(held)


class ParrotWeights:
    """The reported weights of the connections onto parrots; everything else
    about those connections (delays) lives in the static synapse table."""

    def __init__(self, held):
        self.held = held
        self.spec = {k: v.copy() for k, v in held.items()}
        self.table = None

    def owns(self, projection):
        return projection in self.held

    def get(self, projection, name):
        if name == "weight":
            return self.held[projection].copy()
        return self.table.get(projection, name)

    def set(self, projection, name, values):
        if name == "weight":
            self.held[projection][:] = np.broadcast_to(np.asarray(values, np.float64),
                                                       self.held[projection].shape)
        else:
            self.table.set(projection, name, values)

    def reset(self):
        for k, v in self.spec.items():
            self.held[k][:] = v
