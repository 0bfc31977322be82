"""Projections on NEST: one ``nest.Connect`` per ProjectionSpec from the
frontend's connection arrays, and a map from NEST's connections back to the
spec's order.

NEST returns connections in its own order (sorted by source, threads, ports).
After the connection structure is final (the first Simulate), the adapter asks
NEST once for the connections between each pair of populations and pairs them
with the spec entries by (source, target, weight, delay). Connections equal in
all four are interchangeable, so the pairing is exact even with multapses;
from then on each spec entry keeps its NEST connection. Specs with a
native_rule are drawn by NEST (see pynnlite_nest.native).
"""
import numpy as np

from pynnlite.errors import BackendError, InvalidParameterValueError, NonExistentParameterError

from .native import NativeRules
from .translations import FROM_NEST, SYNAPSES, TO_NEST, weight_sign
from .translations_adex import WEIGHT_FACTOR


#: connections per status query: NEST builds a full status dictionary for every
#: connection it is asked about (~4 kB each in Python), so large collections are
#: read in slices (1e6 connections at once would take ~4 GB)
_CHUNK = 100_000


def collection_get(collection, keys):
    """``collection.get(keys)`` read slice by slice: an array for one key, a
    dict of arrays for a list of keys."""
    n = len(collection)
    parts = [collection.get(keys)] if n <= _CHUNK else [
        collection[i:min(n, i + _CHUNK)].get(keys) for i in range(0, n, _CHUNK)]
    if isinstance(keys, str):
        return np.concatenate([np.atleast_1d(np.asarray(v)) for v in parts])
    return {k: np.concatenate([np.atleast_1d(np.asarray(v[k])) for v in parts]) for k in keys}


class _Group:
    """The connections between one pair of populations, as one SynapseCollection."""

    def __init__(self, key):
        self.key = key
        self.specs = []
        self.collection = None


class Connections:
    """Every projection of a network on NEST."""

    def __init__(self, nest, network, ids_of, conductance_of, grid, plasticity=None):
        """ids_of(pop index) -> first NEST id of the nodes that send/receive
        spikes; conductance_of(pop index) -> bool."""
        self.nest = nest
        self.grid = grid
        self.network = network
        self.projections = {p.index: p for p in network.projections}
        self._ids_of = ids_of
        # TO_NEST * sign converts a weight to NEST, from_nest back; delta-synapse
        # cells (WEIGHT_FACTOR) take the same voltage jump in mV on both sides
        models = {p.index: p.model for p in network.populations}
        unit = {p.index: WEIGHT_FACTOR.get(models[p.post], 1.0) for p in network.projections}
        self.sign = {p.index: weight_sign(conductance_of(p.post), p.receptor_type) * unit[p.index]
                     for p in network.projections}
        self.from_nest = {p.index: FROM_NEST * weight_sign(conductance_of(p.post), p.receptor_type)
                          / unit[p.index] for p in network.projections}
        self.plasticity = plasticity   # plasticity.Plasticity: the plastic projections
        self._groups = {}
        self._where = {}          # spec index -> (group, positions in the group's collection)
        self._written = {}        # spec index -> {name: (nest values, pynnlite values)}
        self.native = NativeRules(nest, ids_of)
        self.drawn_weights = {}   # native spec index -> its weights as drawn (pynnlite units)
        self._group_of = {}       # spec index -> its group's key

    def connect(self):
        nest = self.nest
        sizes = {p.index: p.size for p in self.network.populations}
        for prj in self.network.projections:
            plastic = self.plasticity is not None and self.plasticity.owns(prj.index)
            if prj.synapse_model not in SYNAPSES and not plastic:
                raise BackendError(f"the NEST backend has no synapse type {prj.synapse_model}")
            if not prj.size and prj.native_rule is None:
                continue
            if plastic:
                # NEST's weight bound carries the sign of NEST's (inhibitory: negative) weights
                bound = (-1.0 if prj.receptor_type == "inhibitory" else 1.0) * TO_NEST * abs(
                    self.sign[prj.index])
                model, extra = self.plasticity.syn_spec(prj, bound)
            else:
                model, extra = SYNAPSES[prj.synapse_model], {}
            if prj.native_rule is not None:
                # a plastic projection's model is already its own copy
                self.native.connect(prj, sizes, TO_NEST * self.sign[prj.index],
                                    model if plastic else None)
                continue
            w_nest = np.asarray(prj.weights, np.float64) * (TO_NEST * self.sign[prj.index])
            nest.Connect(self._ids_of(prj.pre) + np.asarray(prj.pre_indices, np.int64),
                         self._ids_of(prj.post) + np.asarray(prj.post_indices, np.int64),
                         "one_to_one",
                         {"synapse_model": model, "weight": w_nest,
                          "delay": np.asarray(prj.delays, np.float64), **extra})
            self._written[prj.index] = {"weight": (w_nest, np.asarray(prj.weights, np.float64)),
                                        "delay": (None, np.asarray(prj.delays, np.float64))}
            key = (prj.pre, prj.post, model)
            self._groups.setdefault(key, _Group(key)).specs.append(prj)
            self._group_of[prj.index] = key

    def map(self, nodes_of):
        """After the build's lead-in. NEST's static connections are paired with
        spec entries only when a projection's values are first needed: PyNEST
        reads a connection's whole status to give one value, which takes
        minutes and gigabytes for 10^7 connections, and a network that is only
        run needs none. Plastic ones are paired now, while their weights are
        still those of the spec (the pairing uses them; the lead-in moved
        none), and so is a native STDP projection with drawn weights, whose
        weights as drawn reset() restores."""
        self._nodes_of_post = nodes_of
        for key, group in self._groups.items():
            if any(self._plastic(prj.index) for prj in group.specs):
                self._map_group(key, group)
        for index, prj in self.projections.items():
            if self.native.owns(index) and self._plastic(index) and isinstance(
                    prj.native_rule["weight"], dict):
                self.drawn_weights[index] = self.get(index, "weight")

    def _plastic(self, index):
        return self.plasticity is not None and self.plasticity.owns(index)

    def locate(self, index):
        """(group, positions of the spec's entries in the group's collection)
        of one spec, read from NEST the first time."""
        if index not in self._where:
            if self.native.owns(index):
                self._map_native(self.projections[index])
            else:
                self._map_group(self._group_of[index], self._groups[self._group_of[index]])
        return self._where[index]

    def _map_native(self, prj):
        conns, positions, w_nest = self.native.map(prj, self._plastic(prj.index))
        group = _Group(("native", prj.index))
        group.collection = conns
        self._where[prj.index] = (group, positions)
        self._written[prj.index] = {"weight": (w_nest, w_nest * self.from_nest[prj.index]),
                                    "delay": (None, None)}

    def _map_group(self, key, group):
        """Pair the connections of one (pre, post, model) group with its specs'
        entries, checking that NEST holds exactly the specified connections."""
        nest, nodes_of = self.nest, self._nodes_of_post
        pre, post, model = key
        conns = nest.GetConnections(source=nodes_of(pre), target=nodes_of(post),
                                    synapse_model=model)
        data = collection_get(conns, ["source", "target", "weight", "delay"])
        src = np.atleast_1d(np.asarray(data["source"], np.int64))
        tgt = np.atleast_1d(np.asarray(data["target"], np.int64))
        wgt = np.atleast_1d(np.asarray(data["weight"], np.float64))
        dly = self.grid.steps(np.atleast_1d(np.asarray(data["delay"], np.float64)))
        spec_src, spec_tgt, spec_w, spec_d, owner, pos = [], [], [], [], [], []
        for prj in group.specs:
            tg = self._ids_of(post) + np.asarray(prj.post_indices, np.int64)
            keep = self._local_mask(nodes_of(post), post, prj) if nest.NumProcesses() > 1 \
                else np.ones(prj.size, bool)
            spec_src.append((self._ids_of(pre) + np.asarray(prj.pre_indices, np.int64))[keep])
            spec_tgt.append(tg[keep])
            spec_w.append(self._written[prj.index]["weight"][0][keep])
            spec_d.append(self.grid.steps(prj.delays)[keep])
            owner.append(np.full(int(keep.sum()), prj.index))
            pos.append(np.flatnonzero(keep))
        spec_src, spec_tgt = np.concatenate(spec_src), np.concatenate(spec_tgt)
        spec_w, spec_d = np.concatenate(spec_w), np.concatenate(spec_d)
        owner, pos = np.concatenate(owner), np.concatenate(pos)
        if len(spec_src) != len(src):
            raise BackendError(
                f"NEST holds {len(src)} connections from population {pre} to {post}, the "
                f"network spec {len(spec_src)}: a connection was not created as specified")
        nest_order = np.lexsort((dly, wgt, tgt, src))
        spec_order = np.lexsort((spec_d, spec_w, spec_tgt, spec_src))
        if not (np.array_equal(src[nest_order], spec_src[spec_order])
                and np.array_equal(tgt[nest_order], spec_tgt[spec_order])
                and np.array_equal(wgt[nest_order], spec_w[spec_order])
                and np.array_equal(dly[nest_order], spec_d[spec_order])):
            raise BackendError(f"NEST's connections from population {pre} to {post} differ "
                               "from the network spec")
        conn_of_entry = np.empty(len(src), np.int64)
        conn_of_entry[spec_order] = nest_order
        group.collection = conns
        for prj in group.specs:
            mine = owner == prj.index
            positions = np.full(prj.size, -1, np.int64)
            positions[pos[mine]] = conn_of_entry[mine]
            self._where[prj.index] = (group, positions)

    def size(self, index):
        """The number of connections of one spec (for a native rule: NEST's)."""
        if self.native.owns(index):
            return len(self.locate(index)[1])
        return self.projections[index].size

    def pairs(self, index):
        """(pre, post) population-local indices of one spec's connections, in spec order."""
        if self.native.owns(index):
            self.locate(index)
            return self.native.pairs(index)
        prj = self.projections[index]
        return np.asarray(prj.pre_indices, np.int64), np.asarray(prj.post_indices, np.int64)

    def initial_weights(self, index):
        """A spec's weights at build: the spec's arrays, or those NEST drew."""
        prj = self.projections[index]
        if not self.native.owns(index):
            return np.asarray(prj.weights, np.float64)
        if index in self.drawn_weights:
            return self.drawn_weights[index]
        return np.full(self.size(index), float(prj.native_rule["weight"]))

    def _local_mask(self, post_nodes, post, prj):
        """With MPI: which of the projection's connections live on this rank."""
        is_local = np.atleast_1d(np.asarray(post_nodes.get("local"), bool))
        return is_local[np.asarray(prj.post_indices, np.int64)]

    # ------------------------------------------------------------ get / set

    def _check(self, index, name):
        names = ("weight", "delay", *self.projections[index].synapse_parameters)
        if name not in names:
            raise NonExistentParameterError(name, self.projections[index].synapse_model, names)

    def _plastic_parameter(self, index, name):
        """A plasticity parameter (not weight or delay) of a plastic projection."""
        return name not in ("weight", "delay") and self.plasticity is not None \
            and self.plasticity.owns(index)

    def get(self, index, name):
        """Current values of 'weight' (nA or uS) or 'delay' (ms), in spec order;
        NaN for connections held by another MPI process."""
        self._check(index, name)
        if self._plastic_parameter(index, name):
            return self.plasticity.get(index, name, self.size(index))
        n = self.size(index)
        if not n:
            return np.zeros(0)
        group, positions = self.locate(index)
        nest_values = collection_get(group.collection, name).astype(np.float64)
        out = np.full(n, np.nan)
        ok = positions >= 0
        values = nest_values[positions[ok]]
        if name == "delay":
            out[ok] = self.grid.steps(values) * self.grid.dt      # as the frontend puts delays on the grid
            return out
        written_nest, written = self._written[index]["weight"]
        converted = values * self.from_nest[index]
        # a value NEST still holds as written converts back exactly
        out[ok] = np.where(values == written_nest[ok], written[ok], converted)
        return out

    def set(self, index, name, values):
        """Overwrite 'weight' or 'delay' of one projection (values in spec order)."""
        self._check(index, name)
        if self._plastic_parameter(index, name):
            return self.plasticity.set(index, name, values, self, self._nodes_of_post)
        prj = self.projections[index]
        if not self.size(index):
            return
        values = np.broadcast_to(np.asarray(values, np.float64), (self.size(index),)).copy()
        group, positions = self.locate(index)
        ok = positions >= 0
        current = collection_get(group.collection, name).astype(np.float64)
        if name == "delay":
            min_delay, max_delay = self.nest.GetKernelStatus(["min_delay", "max_delay"])
            outside = (values > max_delay * (1 + 1e-12)) | (values < min_delay * (1 - 1e-12))
            if outside.any():
                raise InvalidParameterValueError(
                    "delay", float(values[outside][0]),
                    f"{min_delay} to {max_delay} ms: NEST fixes its min_delay and max_delay when "
                    "the network is built (give setup(min_delay=..., max_delay=...) to allow "
                    "other delays)", prj.synapse_model)
            current[positions[ok]] = values[ok]
            self._written[index]["delay"] = (None, values)
        else:
            nest_values = values * (TO_NEST * self.sign[index])
            current[positions[ok]] = nest_values[ok]
            self._written[index]["weight"] = (nest_values, values)
        group.collection.set({name: current.tolist()})
