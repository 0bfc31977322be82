"""One nest.Connect per projection from the spec's arrays, and connection
values returned in the spec's order, multapses included."""
import nest
import numpy as np
import pytest

from spec_builder import SpecBuilder
from pynnlite.errors import NonExistentParameterError
from pynnlite_nest import NestBackend


def _multapse_net(rng):
    b = SpecBuilder(dt=0.1, min_delay=0.1)
    src = b.population("SpikeSourceArray", 20, spike_times=[[1.0]] * 20)
    cells = b.population("IF_curr_exp", 15)
    n = 400                      # 400 connections among 300 pairs: many multapses
    pre, post = rng.integers(0, 20, n), rng.integers(0, 15, n)
    pre[:10], post[:10] = 3, 4   # ten connections between one pair, all different
    w = rng.uniform(0.1, 1.0, n)
    d = 0.1 * rng.integers(1, 30, n)
    b.connect(src, cells, pre, post, w, d)
    # a second projection between the same populations, inhibitory, same pairs
    b.connect(src, cells, pre[:50], post[:50], -w[:50], d[:50], "inhibitory")
    b.connect(cells, cells, [0, 0, 1], [1, 1, 0], [0.2, 0.2, 0.3], [1.0, 1.0, 2.0])
    return b.spec()


def test_values_back_in_spec_order_with_multapses():
    spec = _multapse_net(np.random.default_rng(5))
    backend = NestBackend()
    backend.build(spec)
    for prj in spec.projections:
        # exact: values are read from NEST and mapped back, never recomputed
        np.testing.assert_array_equal(backend.get_connection_values(prj.index, "weight"), prj.weights)
        np.testing.assert_array_equal(backend.get_connection_values(prj.index, "delay"), prj.delays)
    assert len(nest.GetConnections(synapse_model="static_synapse",
                                   source=backend.sources[0].parrots)) == 450


def test_set_values_reach_the_right_connections():
    rng = np.random.default_rng(6)
    spec = _multapse_net(rng)
    backend = NestBackend()
    backend.build(spec)
    prj = spec.projections[0]
    new_w = rng.uniform(0.1, 1.0, prj.size)
    new_d = 0.1 * rng.integers(1, 30, prj.size)
    backend.set_connection_values(0, "weight", new_w)
    backend.set_connection_values(0, "delay", new_d)
    np.testing.assert_array_equal(backend.get_connection_values(0, "weight"), new_w)
    np.testing.assert_array_equal(backend.get_connection_values(0, "delay"), new_d)
    # the other projection between the same populations is untouched
    np.testing.assert_array_equal(backend.get_connection_values(1, "weight"),
                                  spec.projections[1].weights)
    # NEST itself holds, per (source, target, delay), the summed new weights (pA)
    conns = nest.GetConnections(source=backend.sources[0].parrots, target=backend.cells[1])
    got = conns.get(["source", "target", "weight", "delay"])
    first_src = backend.sources[0].parrots[0].global_id
    first_tgt = backend.cells[1][0].global_id
    nest_sum, spec_sum = {}, {}
    for s, t, w, d in zip(got["source"], got["target"], got["weight"], got["delay"]):
        if w > 0:
            key = (s - first_src, t - first_tgt, round(d / 0.1))
            nest_sum[key] = nest_sum.get(key, 0.0) + w
    for s, t, w, d in zip(prj.pre_indices, prj.post_indices, new_w, new_d):
        key = (s, t, round(d / 0.1))
        spec_sum[key] = spec_sum.get(key, 0.0) + w * 1000.0
    assert nest_sum.keys() == spec_sum.keys()
    for key in spec_sum:
        assert nest_sum[key] == pytest.approx(spec_sum[key], rel=1e-12)   # sum order may differ


def test_set_weight_changes_the_input():
    b = SpecBuilder(dt=0.1, min_delay=0.1)
    src = b.population("SpikeSourceArray", 1, spike_times=[[1.0, 6.0]])
    cells = b.population("IF_curr_exp", 1)
    b.connect(src, cells, [0, 0], [0, 0], [0.5, 0.25], [1.0, 1.0])
    b.record(cells, "isyn_exc")
    backend = NestBackend()
    backend.build(b.spec())
    backend.run(50)
    backend.set_connection_values(0, "weight", [1.5, 0.25])
    backend.run(50)
    isyn = np.concatenate([backend.fetch_recorded()[cells].signals["isyn_exc"].values[:, 0]])
    assert isyn[20] == pytest.approx(0.75, rel=1e-12)      # spike at 1 ms, delay 1 ms
    jump = isyn[70] - isyn[69] * np.exp(-0.1 / 5.0)        # decay of tau_syn_E = 5 ms
    assert jump == pytest.approx(1.75, rel=1e-9)           # second spike: new weights


def test_unknown_connection_attribute():
    spec = _multapse_net(np.random.default_rng(7))
    backend = NestBackend()
    backend.build(spec)
    with pytest.raises(NonExistentParameterError, match="tau_plus"):
        backend.get_connection_values(0, "tau_plus")


def test_static_connections_are_read_back_only_when_asked_for(monkeypatch):
    """Reading connections through PyNEST costs a status dict per connection:
    a network that is only built and run reads none back."""
    from pynnlite_nest import connections
    reads = []
    real = connections.collection_get
    monkeypatch.setattr(connections, "collection_get",
                        lambda collection, keys: reads.append(keys) or real(collection, keys))
    spec = _multapse_net(np.random.default_rng(5))
    backend = NestBackend()
    backend.build(spec)
    backend.run(30)
    assert reads == []
    for prj in spec.projections:
        np.testing.assert_allclose(backend.get_connection_values(prj.index, "weight"),
                                   prj.weights, rtol=1e-12)
    assert len(reads) >= 3           # each group paired with its specs (and checked) once asked
    backend.end()
