"""Recorded segments -> neo.Block (pynnlite.neo_output.build_block), and spike counts.

Data are built directly from pynnlite.recording objects; no backend runs. Every
comparison is exact: build_block only selects and reorders recorded numbers, so
nothing may change by even one bit.
"""
import neo
import numpy as np
import pytest
import quantities as pq

import pynnlite
from pynnlite.errors import InvalidParameterValueError, RecordingError
from pynnlite.neo_output import PopulationPart, build_block, mean_spike_count, spike_counts
from pynnlite.recording import RecordedChunk, SegmentData, SignalChunk


def _chunk(spikes, signals=None):
    """spikes: list of (local index, time ms)."""
    idx = np.array([i for i, _ in spikes], np.int64)
    t = np.array([t for _, t in spikes], np.float64)
    return RecordedChunk(idx, t, signals or {})


def _excitatory_segments():
    """Two segments of a 6-neuron population: spikes from 0..5 (neuron 5 not
    in the view used below), V recorded from neurons 4, 1, 2 in that column
    order (not sorted), two fetches in segment 0."""
    rng = np.random.default_rng(7)
    seg0, seg1 = SegmentData(0), SegmentData(1)
    v_a = rng.normal(-60.0, 3.0, (11, 3))
    v_b = rng.normal(-60.0, 3.0, (10, 3))
    seg0.add(0, _chunk([(2, 0.7), (0, 1.1), (2, 0.7), (5, 0.3), (3, 0.9)],
                       {"v": SignalChunk(np.array([4, 1, 2]), 0.0, 0.1, v_a)}))
    seg0.add(0, _chunk([(0, 1.6), (3, 1.5), (2, 2.0)],
                       {"v": SignalChunk(np.array([4, 1, 2]), 1.1, 0.1, v_b)}))
    seg0.t_stop = 2.0
    v_c = rng.normal(-60.0, 3.0, (6, 3))
    seg1.add(0, _chunk([(1, 0.2)], {"v": SignalChunk(np.array([4, 1, 2]), 0.0, 0.1, v_c)}))
    seg1.t_stop = 0.5
    return [seg0, seg1], (v_a, v_b, v_c)


def _part(segments, indices=np.arange(6), label="exc", first_id=10):
    return PopulationPart(label=label, celltype="IF_curr_exp", first_id=first_id,
                          indices=np.asarray(indices), spike_recorded=np.array([0, 1, 2, 3, 5]),
                          units={"v": "mV", "gsyn_exc": "uS"},
                          records=[s.record_of(0) for s in segments])


def _trains(segment):
    return [(st.annotations["source_index"], st.magnitude.copy()) for st in segment.spiketrains]


def test_one_segment_per_stretch_with_names_and_t_stop():
    segments, _ = _excitatory_segments()
    block = build_block([_part(segments)], [s.t_stop for s in segments])
    assert [s.name for s in block.segments] == ["segment000", "segment001"]
    for seg, t_stop in zip(block.segments, [2.0, 0.5]):
        for st in seg.spiketrains:
            assert st.t_start == 0.0 * pq.ms and st.t_stop == t_stop * pq.ms
            assert st.units == pq.ms
    assert block.segments[1].block is block


def test_spiketrains_every_recorded_neuron_in_view_sorted_with_multiplicity():
    segments, _ = _excitatory_segments()
    # view of neurons 0..4: neuron 4 does not record spikes, neuron 5 is outside
    block = build_block([_part(segments, indices=np.arange(5))], [2.0, 0.5])
    trains = _trains(block.segments[0])
    assert [i for i, _ in trains] == [0, 1, 2, 3]
    expected = {0: [1.1, 1.6], 1: [], 2: [0.7, 0.7, 2.0], 3: [0.9, 1.5]}
    for i, times in trains:
        # the spike of multiplicity 2 at 0.7 ms appears twice, and times are sorted
        np.testing.assert_array_equal(times, expected[i])
    st = block.segments[0].spiketrains[2]
    assert st.annotations["source_population"] == "exc"
    assert st.annotations["source_id"] == 12 and st.annotations["source_index"] == 2
    assert [i for i, _ in _trains(block.segments[1])] == [0, 1, 2, 3]
    np.testing.assert_array_equal(_trains(block.segments[1])[1][1], [0.2])


def test_spikes_outside_indices_are_excluded():
    segments, _ = _excitatory_segments()
    block = build_block([_part(segments, indices=np.array([3, 5]))], [2.0, 0.5])
    trains = _trains(block.segments[0])
    assert [i for i, _ in trains] == [3, 5]
    np.testing.assert_array_equal(trains[0][1], [0.9, 1.5])
    np.testing.assert_array_equal(trains[1][1], [0.3])


def test_signal_columns_in_index_order_concatenated_over_fetches():
    segments, (v_a, v_b, v_c) = _excitatory_segments()
    block = build_block([_part(segments)], [2.0, 0.5])
    sig = block.segments[0].analogsignals[0]
    assert sig.name == "v" and sig.units == pq.mV
    assert sig.sampling_period == 0.1 * pq.ms and sig.t_start == 0.0 * pq.ms
    # recorded columns were neurons (4, 1, 2): index order is columns (1, 2, 0)
    np.testing.assert_array_equal(sig.magnitude, np.concatenate([v_a, v_b])[:, [1, 2, 0]])
    np.testing.assert_array_equal(sig.array_annotations["channel_index"], [1, 2, 4])
    np.testing.assert_array_equal(sig.array_annotations["source_ids"], [11, 12, 14])
    assert sig.annotations["source_population"] == "exc"
    np.testing.assert_array_equal(block.segments[1].analogsignals[0].magnitude, v_c[:, [1, 2, 0]])


def test_signal_restricted_to_view():
    segments, (v_a, v_b, _) = _excitatory_segments()
    block = build_block([_part(segments, indices=np.array([2, 3, 4]))], [2.0, 0.5])
    sig = block.segments[0].analogsignals[0]
    np.testing.assert_array_equal(sig.array_annotations["channel_index"], [2, 4])
    np.testing.assert_array_equal(sig.magnitude, np.concatenate([v_a, v_b])[:, [2, 0]])
    # a view without any V-recording neuron gets no signal at all
    block = build_block([_part(segments, indices=np.array([0, 3]))], [2.0, 0.5])
    assert len(block.segments[0].analogsignals) == 0


def test_variables_filter():
    segments, _ = _excitatory_segments()
    part = _part(segments)
    only_v = build_block([part], [2.0, 0.5], variables="v")
    assert len(only_v.segments[0].spiketrains) == 0
    assert [s.name for s in only_v.segments[0].analogsignals] == ["v"]
    only_spikes = build_block([part], [2.0, 0.5], variables=["spikes"])
    assert len(only_spikes.segments[0].analogsignals) == 0
    assert len(only_spikes.segments[0].spiketrains) == 5
    # a recordable that was not recorded is simply absent
    gsyn = build_block([part], [2.0, 0.5], variables=["gsyn_exc"])
    assert len(gsyn.segments[0].analogsignals) == 0 and len(gsyn.segments[0].spiketrains) == 0


def test_unknown_variable_names_it_and_lists_recordables():
    segments, _ = _excitatory_segments()
    with pytest.raises(RecordingError) as info:
        build_block([_part(segments)], [2.0, 0.5], variables=["v", "w"])
    message = str(info.value)
    assert "'w'" in message and "IF_curr_exp" in message
    assert "gsyn_exc" in message and "spikes" in message and "v" in message


def test_records_must_align_with_segments():
    segments, _ = _excitatory_segments()
    with pytest.raises(InvalidParameterValueError, match="records"):
        build_block([_part(segments)], [2.0])


def test_assembly_parts_concatenated():
    segments, (v_a, v_b, _) = _excitatory_segments()
    inh = SegmentData(0)
    inh.add(1, _chunk([(1, 0.4), (0, 1.9)],
                      {"v": SignalChunk(np.array([0]), 0.0, 0.1, np.full((21, 1), -70.0))}))
    exc_part = _part(segments[:1])
    inh_part = PopulationPart(label="inh", celltype="IF_cond_exp", first_id=16,
                              indices=np.arange(2), spike_recorded=np.arange(2),
                              units={"v": "mV"}, records=[inh.record_of(1)])
    block = build_block([exc_part, inh_part], [2.0], name="assembly")
    seg = block.segments[0]
    pops = [st.annotations["source_population"] for st in seg.spiketrains]
    ids = [st.annotations["source_id"] for st in seg.spiketrains]
    assert pops == ["exc"] * 5 + ["inh"] * 2
    assert ids == [10, 11, 12, 13, 15, 16, 17]
    np.testing.assert_array_equal(seg.spiketrains[5].magnitude, [1.9])
    np.testing.assert_array_equal(seg.spiketrains[6].magnitude, [0.4])
    assert [(s.name, s.annotations["source_population"]) for s in seg.analogsignals] == \
        [("v", "exc"), ("v", "inh")]
    np.testing.assert_array_equal(seg.analogsignals[1].array_annotations["source_ids"], [16])
    assert block.name == "assembly"


def test_block_annotations_and_segment_annotations():
    segments, _ = _excitatory_segments()
    block = build_block([_part(segments)], [2.0, 0.5], name="exc", description="6 cells",
                        annotations={"simulator": "numba", "dt": 0.1},
                        segment_names=["first", "second"],
                        segment_annotations=[{"trial": 1}, {"trial": 2}])
    assert block.annotations == {"simulator": "numba", "dt": 0.1,
                                 "pynnlite_version": pynnlite.__version__}
    assert block.description == "6 cells"
    assert [s.name for s in block.segments] == ["first", "second"]
    assert [s.annotations["trial"] for s in block.segments] == [1, 2]


def test_nothing_recorded_gives_empty_segments():
    part = PopulationPart("p", "IF_curr_exp", 0, np.arange(3), np.zeros(0, np.int64),
                          {"v": "mV"}, [SegmentData(0).record_of(0)])
    block = build_block([part], [1.0])
    assert len(block.segments) == 1
    assert len(block.segments[0].spiketrains) == 0 and len(block.segments[0].analogsignals) == 0


def test_spike_counts_per_segment_and_view():
    segments, _ = _excitatory_segments()
    part = _part(segments)
    # segment 1 is the current (last) one by default
    assert spike_counts(part) == {10: 0, 11: 1, 12: 0, 13: 0, 15: 0}
    assert spike_counts(part, 0) == {10: 2, 11: 0, 12: 3, 13: 2, 15: 1}
    view = _part(segments, indices=np.array([2, 4]))
    assert spike_counts(view, 0) == {12: 3}   # neuron 4 does not record spikes
    assert mean_spike_count(part, 0) == pytest.approx(8 / 5, rel=1e-15)  # exact fraction
    assert mean_spike_count(part) == pytest.approx(1 / 5, rel=1e-15)


def test_spike_counts_agree_with_block():
    segments, _ = _excitatory_segments()
    part = _part(segments)
    block = build_block([part], [2.0, 0.5])
    from_block = {st.annotations["source_id"]: len(st) for st in block.segments[0].spiketrains}
    assert spike_counts(part, 0) == from_block


def test_mean_spike_count_without_spike_recording_is_zero():
    part = PopulationPart("p", "IF_curr_exp", 0, np.arange(3), np.zeros(0, np.int64),
                          {}, [SegmentData(0).record_of(0)])
    assert spike_counts(part) == {}
    assert mean_spike_count(part) == 0.0


def test_spiketrains_are_neo_objects_readable_by_neo():
    segments, _ = _excitatory_segments()
    block = build_block([_part(segments)], [2.0, 0.5])
    seg = block.segments[0]
    assert all(isinstance(st, neo.SpikeTrain) for st in seg.spiketrains)
    channel_ids, times = seg.spiketrains.multiplexed
    # 7 spikes of neurons 0..3 and 1 of neuron 5 (all record spikes)
    assert len(times) == 8 and sorted(set(np.asarray(channel_ids).tolist())) == [10, 12, 13, 15]
