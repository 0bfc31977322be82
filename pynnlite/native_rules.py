"""Native connection rules: projections whose connections the backend draws.

A connector made with ``native=True`` (AllToAll, OneToOne, FixedProbability,
FixedNumberPre, FixedNumberPost, FixedTotalNumber) on a backend whose
``Capabilities.connectors_native`` lists it is not run in the frontend: the
Projection describes the rule (``ProjectionSpec.native_rule``), the backend
draws the connections when the network is built, and after that the
Projection asks the backend for them (``Backend.get_connections``), so size(),
get(), set() and save() work as usual. Before the first run() the connections
do not exist yet, and asking for them raises SimulationStateError.

What the frontend cannot check per connection it checks on the range of
values: weights and delays must be a number or a RandomDistribution (no list
or array: there is nothing to index before the draw), a weight's possible
values must have the sign its receptor needs, and a delay distribution must be
bounded (the backend fixes its longest delay before connecting) and, unless it
draws integers, needs ``setup(round_delays=True)`` as it would in the frontend.
A plastic synapse type (e.g. STDPMechanism) connects natively on a backend
listing "native_plastic" in its capability features (the numba engine, NEST); its
other parameters must then be numbers, one value for the whole projection
(the rule's 'synapse_parameters', checked as the frontend checks them), and a
weight distribution must lie within the type's bounds. Such a projection's
size() is known before the build when the rule fixes it (every rule but
pairwise_bernoulli), so record_weights() works on it.
On other backends ``native=True`` is ignored and the frontend generates the
connections (identical across runs for a seed, but not equal to a native draw).
"""
import math

import numpy as np

from .connectors import Connections
from .errors import (ConnectionError, InvalidDimensionsError, InvalidParameterValueError,
                     InvalidWeightError, SimulationStateError)
from .models.synapses import StaticSynapse
from .network import ProjectionSpec
from .random import RandomDistribution

#: distribution -> the lowest and highest value it can give (pynnlite.random's conventions)
_SUPPORT = {
    "uniform": lambda p: (p["low"], p["high"]),
    "uniform_int": lambda p: (p["low"], p["high"] - 1),
    "normal": lambda p: (-math.inf, math.inf),
    "normal_clipped": lambda p: (p["low"], p["high"]),
    "normal_clipped_to_boundary": lambda p: (p["low"], p["high"]),
    "lognormal": lambda p: (0.0, math.inf),
    "exponential": lambda p: (0.0, math.inf),
    "gamma": lambda p: (0.0, math.inf),
    "poisson": lambda p: (0.0, math.inf),
    "binomial": lambda p: (0.0, p["n"]),
    "vonmises": lambda p: (-math.pi, math.pi),
}

#: distributions whose values are whole numbers
_INTEGER = ("uniform_int", "poisson", "binomial")


def uses_native(connector, simulation):
    """True when ``connector`` asks for a native rule and the simulation's
    backend can draw it."""
    caps = simulation.backend_class.capabilities
    return (bool(getattr(connector, "native", False)) and caps is not None
            and type(connector).__name__ in caps.connectors_native)


def support(value):
    """(lowest, highest) value of a rule's 'weight' or 'delay' entry."""
    if isinstance(value, dict):
        return tuple(float(x) for x in _SUPPORT[value["distribution"]](value["parameters"]))
    return float(value), float(value)


def rule_for(projection, what):
    """The ProjectionSpec.native_rule of a Projection being created, checked
    here and by the backend (Backend.check_native_rule)."""
    sim = projection._simulation
    connector = projection.connector
    name = type(connector).__name__
    model = type(projection.synapse_type).__name__
    plastic = not isinstance(projection.synapse_type, StaticSynapse)
    if plastic and "native_plastic" not in sim.backend_class.capabilities.features:
        raise ConnectionError(f"{name}(native=True) connects with StaticSynapse only on the "
                              f"'{sim.backend_name}' backend, not {model} ({what}); use "
                              "native=False")
    pre_root, pre_cells = _one_population(projection.pre, "presynaptic", name, what)
    post_root, post_cells = _one_population(projection.post, "postsynaptic", name, what)
    rule = connector.native_rule()
    if rule["rule"] == "one_to_one" and projection.pre.size != projection.post.size:
        raise InvalidDimensionsError(
            f"OneToOneConnector needs pre and post of the same size; got n_pre="
            f"{projection.pre.size} and n_post={projection.post.size} ({what})")
    values = {**projection.synapse_type.default_parameters(),
              **projection.synapse_type.parameter_values}
    if values.get("delay") is None:
        values["delay"] = sim.min_delay
    rule.update(pre_cells=pre_cells, post_cells=post_cells,
                weight=_description(values["weight"], "weight", model),
                delay=_description(values["delay"], "delay", model), synapse_model=model,
                synapse_parameters=_numbers(values, model))
    # what the backend cannot draw first: that error says what to change
    sim.backend_class.check_native_rule(rule, what)
    _check_weight_range(projection, rule["weight"], post_root, model)
    if plastic:
        one = {k: np.array([v]) for k, v in rule["synapse_parameters"].items()}
        projection.synapse_type.validate(one)
        projection.synapse_type.check_weights(np.array(support(rule["weight"])), one)
    rule["delay_range"] = _delay_range(sim, rule["delay"], model)
    return rule


def _one_population(cells, side, connector, what):
    """The Population of a Population, PopulationView or one-population
    Assembly, and the local indices of its cells taking part (None: all)."""
    parts = cells._parts()
    if len(parts) != 1:
        raise ConnectionError(
            f"{connector}(native=True) needs the {side} cells within one Population "
            f"(a Population or a PopulationView); '{cells.label}' spans {len(parts)} parts "
            f"({what}); use native=False")
    root, idx = parts[0]
    if idx is None:
        return root, None
    idx = np.asarray(idx, np.int64)
    if len(np.unique(idx)) != len(idx):
        raise ConnectionError(f"{connector}(native=True): the {side} view '{cells.label}' lists a "
                              f"cell twice ({what})")
    return root, idx


def _description(value, name, model):
    """A weight or delay as the rule carries it: a float, or the distribution."""
    if isinstance(value, RandomDistribution):
        return {"distribution": value.name, "parameters": dict(value.parameters)}
    if isinstance(value, (int, float, np.integer, np.floating)) and not isinstance(value, bool):
        if not math.isfinite(value):
            raise InvalidParameterValueError(name, value, "a finite number", model)
        return float(value)
    raise InvalidParameterValueError(
        name, value, "a number or a RandomDistribution when the connector is native (the "
        "backend draws the connections, so there is no list or array to index)", model)


def _numbers(values, model):
    """The parameters other than weight and delay, each one number."""
    out = {}
    for key, value in values.items():
        if key in ("weight", "delay"):
            continue
        if isinstance(value, bool) or not isinstance(value, (int, float, np.integer,
                                                             np.floating)):
            raise InvalidParameterValueError(
                key, value, "a number when the connector is native (one value for the whole "
                "projection)", model)
        out[key] = float(value)
    return out


def planned_size(projection):
    """The number of connections a native rule makes, known before it is
    drawn; None for pairwise_bernoulli."""
    rule = projection._native
    n_pre, n_post = projection.pre.size, projection.post.size
    name = rule["rule"]
    if name == "fixed_indegree":
        return int(rule["indegree"]) * n_post
    if name == "fixed_outdegree":
        return int(rule["outdegree"]) * n_pre
    if name == "one_to_one":
        return n_post
    if name == "fixed_total_number":
        return int(rule["N"])
    if name == "all_to_all":
        pre_root, post_root = projection.pre._parts()[0][0], projection.post._parts()[0][0]
        shared = 0
        if not rule["allow_autapses"] and pre_root is post_root:
            pre = np.arange(n_pre) if rule["pre_cells"] is None else rule["pre_cells"]
            post = np.arange(n_post) if rule["post_cells"] is None else rule["post_cells"]
            shared = len(np.intersect1d(pre, post))
        return n_pre * n_post - shared
    return None


def _check_weight_range(projection, weight, post_root, model):
    """Every weight the rule can give has the sign its receptor needs (as
    Projection._check_weights checks drawn weights)."""
    low, high = support(weight)
    shown = f"{weight!r}" if isinstance(weight, float) else (
        f"RandomDistribution('{weight['distribution']}', {weight['parameters']}) "
        f"(values from {low} to {high})")
    if post_root.celltype.conductance_based:
        if low < 0:
            raise InvalidWeightError(f"weight {shown} of {model} onto a conductance-based cell: "
                                     "conductance weights must be >= 0 (uS)")
    elif projection.receptor_type == "inhibitory" and high > 0:
        raise InvalidWeightError(f"weight {shown} onto the 'inhibitory' receptor of a "
                                 "current-based cell: weights must be <= 0 (nA), as in PyNN")
    elif projection.receptor_type == "excitatory" and low < 0:
        raise InvalidWeightError(f"weight {shown} onto the 'excitatory' receptor of a "
                                 "current-based cell: weights must be >= 0 (nA); use "
                                 "receptor_type='inhibitory'")


def _delay_range(sim, delay, model):
    """(lowest, highest) delay on the grid, checked as the frontend checks delays."""
    if not isinstance(delay, dict):
        d = float(sim._check_delays(np.array([delay]), model)[0])
        return d, d
    low, high = support(delay)
    if not (math.isfinite(low) and math.isfinite(high)):
        raise InvalidParameterValueError(
            "delay", f"RandomDistribution('{delay['distribution']}', {delay['parameters']})",
            "a number or a bounded distribution (uniform, uniform_int, normal_clipped, "
            "normal_clipped_to_boundary) when the connector is native: the backend fixes its "
            "longest delay before connecting", model)
    if delay["distribution"] in _INTEGER:
        # whole milliseconds: on the grid when the bounds and one step of 1 ms are
        checked = sim._check_delays(np.array([low, min(low + 1.0, high), high]), model)
        return float(checked[0]), float(checked[-1])
    if not sim.round_delays:
        raise InvalidParameterValueError(
            "delay", f"RandomDistribution('{delay['distribution']}', {delay['parameters']})",
            f"values on the time grid: a continuous distribution needs setup(round_delays=True), "
            f"and each drawn delay is then rounded to the {sim.dt} ms grid", model)
    on_grid = np.round(np.array([low, high]) / sim.dt) * sim.dt
    checked = sim._check_delays(on_grid, model)
    return float(checked[0]), float(checked[1])


def spec_of(projection, index):
    """The ProjectionSpec of a native projection (no connection arrays)."""
    pre_root = projection.pre._parts()[0][0]
    post_root = projection.post._parts()[0][0]
    empty = np.zeros(0, np.int32)
    projection._spec_map = [(index, slice(None))]
    return ProjectionSpec(
        index=index, label=projection.label, pre=pre_root._index, post=post_root._index,
        pre_indices=empty, post_indices=empty, weights=np.zeros(0), delays=np.zeros(0),
        receptor_type=projection.receptor_type,
        synapse_model=type(projection.synapse_type).__name__,
        synapse_parameters=dict(projection._native.get("synapse_parameters", {})),
        synapse_components=projection.synapse_type.components, native_rule=projection._native)


def drawn_connections(projection):
    """The Connections a backend drew for a native projection (projection-local
    indices, in the backend's order), and their initial weights and delays."""
    sim = projection._simulation
    if sim._backend is None or not projection._spec_map:
        raise SimulationStateError(
            f"the connections of projection '{projection.label}' are drawn by the "
            f"'{sim.backend_name}' backend when the network is built (its connector has "
            "native=True): they exist after the first run()")
    index = projection._spec_map[0][0]
    pre, post = sim._backend.get_connections(index)
    rule = projection._native
    pre = _local(pre, rule["pre_cells"], projection.pre.size)
    post = _local(post, rule["post_cells"], projection.post.size)
    values = {name: np.asarray(sim._backend.get_connection_values(index, name), np.float64)
              for name in ("weight", "delay", *rule.get("synapse_parameters", {}))}
    return Connections(pre, post), values


def _local(root_indices, cells, size):
    """Population-local indices as indices into the projection's cells."""
    root_indices = np.asarray(root_indices, np.int64)
    if cells is None:
        return root_indices.astype(np.int32)
    position = np.full(int(cells.max()) + 1 if len(cells) else 0, -1, np.int64)
    position[cells] = np.arange(len(cells))
    return position[root_indices].astype(np.int32 if size < 2 ** 31 else np.int64)
