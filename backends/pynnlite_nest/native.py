"""Native NEST connection rules (ProjectionSpec.native_rule, see
pynnlite.native_rules): NEST draws the connections with its own generator.

Each native projection gets its own copy of its synapse model
(``pynnlite_native_<spec index>``; an STDP one the copy that
pynnlite_nest.plasticity makes for it), so that after the build's lead-in the
adapter can ask NEST for exactly that projection's connections, whatever else
connects the same populations (pynnlite_nest.connections reads them only when
they are asked for; an STDP projection's drawn weights at build, when the
lead-in, which holds the sources and silences the cells, has moved none). Their
order is fixed by sorting them by (target, source, weight, delay), so it does
not depend on NEST's threads; an STDP projection's weights change, so NEST's
own order takes the weight's place. The draw itself depends on NEST's rng_seed
and number of virtual processes.
Weights and delays drawn from a RandomDistribution become ``nest.random``
parameters: uniform, normal, lognormal, exponential, uniform_int, and
normal_clipped / normal_clipped_to_boundary through ``nest.math``.
"""
import numpy as np

from pynnlite.errors import ConnectionError, InvalidParameterValueError

from .translations import SYNAPSES

#: pynnlite connectors whose rule NEST draws natively
NATIVE_CONNECTORS = ("AllToAllConnector", "OneToOneConnector", "FixedProbabilityConnector",
                     "FixedNumberPreConnector", "FixedNumberPostConnector",
                     "FixedTotalNumberConnector")

#: synapse types a native rule connects with (as on the numba engine)
NATIVE_SYNAPSES = ("StaticSynapse", "STDPMechanism")

#: the rule's count parameter, by NEST rule
_RULE_PARAMETERS = {"all_to_all": (), "one_to_one": (), "pairwise_bernoulli": ("p",),
                    "fixed_indegree": ("indegree",), "fixed_outdegree": ("outdegree",),
                    "fixed_total_number": ("N",)}


def _uniform_int(nest, p):
    # pynnlite: integers in [low, high); NEST: integers in [0, max)
    return p["low"] + nest.random.uniform_int(int(p["high"] - p["low"]))


#: pynnlite.random distribution -> NEST parameter
DISTRIBUTIONS = {
    "uniform": lambda nest, p: nest.random.uniform(min=p["low"], max=p["high"]),
    "normal": lambda nest, p: nest.random.normal(mean=p["mu"], std=p["sigma"]),
    "lognormal": lambda nest, p: nest.random.lognormal(mean=p["mu"], std=p["sigma"]),
    "exponential": lambda nest, p: nest.random.exponential(beta=p["beta"]),
    "uniform_int": _uniform_int,
    "normal_clipped": lambda nest, p: nest.math.redraw(
        nest.random.normal(mean=p["mu"], std=p["sigma"]), min=p["low"], max=p["high"]),
    "normal_clipped_to_boundary": lambda nest, p: nest.math.min(nest.math.max(
        nest.random.normal(mean=p["mu"], std=p["sigma"]), p["low"]), p["high"]),
}


def check_rule(rule, what):
    """Raise if NEST cannot draw ``rule`` (a ProjectionSpec.native_rule)."""
    model = rule.get("synapse_model", "StaticSynapse")
    if model not in NATIVE_SYNAPSES:
        raise ConnectionError(
            f"a native connector on NEST connects with {' or '.join(NATIVE_SYNAPSES)}, not "
            f"{model} ({what}); use native=False")
    if rule["rule"] not in _RULE_PARAMETERS:
        raise ConnectionError(f"NEST has no native rule '{rule['rule']}' ({what}); it has: "
                              f"{', '.join(_RULE_PARAMETERS)}")
    if rule["rule"] == "fixed_total_number" and not rule["allow_multapses"]:
        raise ConnectionError(
            f"NEST's fixed_total_number rule cannot avoid multapses ({what}): use "
            "FixedTotalNumberConnector(with_replacement=True, native=True), or native=False")
    for name in ("weight", "delay"):
        value = rule[name]
        if isinstance(value, dict) and value["distribution"] not in DISTRIBUTIONS:
            raise InvalidParameterValueError(
                name, f"RandomDistribution('{value['distribution']}', {value['parameters']})",
                f"a distribution NEST draws natively: {', '.join(DISTRIBUTIONS)} (nest.random "
                f"has no {value['distribution']}); or native=False ({what})", "StaticSynapse")
    if rule["rule"] == "one_to_one" and _drawn(rule) and not _sorted_pairs(rule):
        raise ConnectionError(
            f"NEST's one_to_one rule pairs cells in the order of their ids, so views in different "
            f"orders take weight and delay as numbers, not RandomDistributions ({what}); or "
            "native=False")


def _drawn(rule):
    return isinstance(rule["weight"], dict) or isinstance(rule["delay"], dict)


def _sorted_pairs(rule):
    """Do the one_to_one pairs keep their pairing when both sides are sorted?"""
    pre, post = rule["pre_cells"], rule["post_cells"]
    if pre is None and post is None:
        return True
    order = np.argsort(pre, kind="stable") if pre is not None else None
    other = np.argsort(post, kind="stable") if post is not None else None
    if order is None or other is None:
        return np.array_equal(order if order is not None else other,
                              np.arange(len(order if order is not None else other)))
    return np.array_equal(order, other)


def _value(nest, value, factor=1.0):
    """A rule's weight or delay as NEST takes it: a number or a parameter."""
    if isinstance(value, dict):
        param = DISTRIBUTIONS[value["distribution"]](nest, value["parameters"])
        return param if factor == 1.0 else param * factor
    return float(value) * factor


def _cells(nest, first_id, cells, size):
    """The NodeCollection of a rule's cells (ids must be sorted for NEST)."""
    local = np.arange(size) if cells is None else np.sort(np.asarray(cells, np.int64))
    return nest.NodeCollection((first_id + local).tolist())


class NativeRules:
    """The native projections of one network on NEST."""

    def __init__(self, nest, ids_of):
        self.nest = nest
        self._ids_of = ids_of
        self._models = {}       # spec index -> the projection's own synapse model
        self._pairs = {}        # spec index -> (pre, post) population-local, in spec order
        self._sizes = {}        # population index -> size

    def connect(self, prj, sizes, weight_factor, model=None):
        """Create the connections of one ProjectionSpec with a native_rule;
        ``weight_factor`` converts a pynnlite weight to NEST's (units, sign).
        ``model``: the projection's own copy of a plastic NEST model (made by
        pynnlite_nest.plasticity); None for a static projection."""
        nest, rule = self.nest, prj.native_rule
        check_rule(rule, f"projection '{prj.label}'")
        if model is None:
            model = f"pynnlite_native_{prj.index}"
            nest.CopyModel(SYNAPSES[prj.synapse_model], model)
        self._models[prj.index] = model
        syn_spec = {"synapse_model": model, "weight": _value(nest, rule["weight"], weight_factor),
                    "delay": _value(nest, rule["delay"])}
        first_pre, first_post = self._ids_of(prj.pre), self._ids_of(prj.post)
        if rule["rule"] == "one_to_one" and not _drawn(rule):
            # the order of the cells pairs them: explicit ids (NEST then takes arrays)
            pre = np.arange(sizes[prj.pre]) if rule["pre_cells"] is None else rule["pre_cells"]
            post = np.arange(sizes[prj.post]) if rule["post_cells"] is None else rule["post_cells"]
            if len(pre):
                n = len(pre)
                nest.Connect(first_pre + np.asarray(pre, np.int64),
                             first_post + np.asarray(post, np.int64), "one_to_one",
                             {**syn_spec, "weight": np.full(n, syn_spec["weight"]),
                              "delay": np.full(n, syn_spec["delay"])})
            return
        pre = _cells(nest, first_pre, rule["pre_cells"], sizes[prj.pre])
        post = _cells(nest, first_post, rule["post_cells"], sizes[prj.post])
        if len(pre) == 0 or len(post) == 0:
            return
        conn_spec = {"rule": rule["rule"], "allow_autapses": bool(rule["allow_autapses"]),
                     **{k: rule[k] for k in _RULE_PARAMETERS[rule["rule"]]}}
        if rule["rule"] != "pairwise_bernoulli":
            conn_spec["allow_multapses"] = bool(rule["allow_multapses"])
        nest.Connect(pre, post, conn_spec, syn_spec)

    def map(self, prj, plastic):
        """After the build's lead-in: (SynapseCollection, positions of the
        spec's entries in it, their NEST weights) of one native projection.
        The spec's order is by target, source, weight, delay; for a plastic
        projection, whose weights change, by target, source, delay and then
        NEST's own order, so that it does not depend on when it is read."""
        from .connections import collection_get     # (connections imports this module)
        conns = self.nest.GetConnections(synapse_model=self._models[prj.index])
        data = collection_get(conns, ["source", "target", "weight", "delay"])
        src = np.atleast_1d(np.asarray(data["source"], np.int64))
        tgt = np.atleast_1d(np.asarray(data["target"], np.int64))
        wgt = np.atleast_1d(np.asarray(data["weight"], np.float64))
        dly = np.atleast_1d(np.asarray(data["delay"], np.float64))
        order = np.lexsort((dly, src, tgt) if plastic else (dly, wgt, src, tgt))
        self._pairs[prj.index] = (src[order] - self._ids_of(prj.pre),
                                  tgt[order] - self._ids_of(prj.post))
        return conns, order, wgt[order]

    def owns(self, index):
        return index in self._models

    def pairs(self, index):
        """(pre, post) population-local indices of a native projection (after map)."""
        return self._pairs[index]
