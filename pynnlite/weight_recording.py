"""Recording the weights of a projection while the network runs.

``Projection.record_weights(sampling_interval, indices)`` asks for samples of
the weights of some (default: all) of a projection's connections every
``sampling_interval`` ms; ``Projection.get_weight_history()`` returns them as a
2-D neo ``AnalogSignal`` (time x connection). Samples follow the convention of
every recorded signal: taken after the update of the step ending at
t = k * sampling_interval, plus the sample at t = 0 at the start of each
segment. Each backend samples in its own way (the numba engine inside its
compiled loop; the NEST adapter by stopping NEST at every sampling time and
reading the weights), and returns them through ``Backend.fetch_weights``.
"""
import numpy as np

from .errors import InvalidParameterValueError, RecordingError
from .network import WeightRecordingSpec


class WeightRecording:
    """The request of one Projection and what its backend returned, per segment."""

    def __init__(self, indices, sampling_interval):
        self.indices = indices                     # sorted projection connection indices
        self.sampling_interval = sampling_interval
        self.columns = {}                          # spec index -> positions into self.indices
        self.segments = {}                         # segment -> spec index -> [SignalChunk]

    def specs(self, spec_map, size):
        """WeightRecordingSpecs for the projection's ProjectionSpecs (``spec_map``:
        (spec index, selection of the projection's connections))."""
        out = []
        self.columns = {}
        for spec_index, selection in spec_map:
            selection = np.arange(size)[selection] if isinstance(selection, slice) \
                else np.asarray(selection)
            inside = np.isin(self.indices, selection, assume_unique=True)
            if not inside.any():
                continue
            mine = self.indices[inside]
            out.append(WeightRecordingSpec(projection=spec_index,
                                           connections=np.searchsorted(selection, mine),
                                           sampling_interval=self.sampling_interval))
            self.columns[spec_index] = np.flatnonzero(inside)
        return out

    def add(self, segment, spec_index, chunk):
        if chunk.values.shape[0]:
            self.segments.setdefault(segment, {}).setdefault(spec_index, []).append(chunk)

    def values(self, segment):
        """(t_start, interval, samples x connections) of one segment, or None."""
        per_spec = self.segments.get(segment)
        if not per_spec:
            return None
        out, t_start, n = None, None, None
        for spec_index, chunks in per_spec.items():
            values = np.concatenate([c.values for c in chunks], axis=0)
            if out is None:
                n = values.shape[0]
                t_start = chunks[0].t_start
                out = np.full((n, len(self.indices)), np.nan)
            n = min(n, values.shape[0])
            out[:n, self.columns[spec_index]] = values[:n]
        return t_start, self.sampling_interval, out[:n]


def checked_indices(indices, size):
    """Connection indices asked for, sorted and unique, or an error naming them."""
    if indices is None:
        return np.arange(size, dtype=np.int64)
    idx = np.asarray(indices)
    if idx.dtype == bool:
        if idx.shape != (size,):
            raise InvalidParameterValueError("indices", f"a mask of {idx.size} entries",
                                             f"a boolean mask of {size} entries", "record_weights")
        return np.flatnonzero(idx)
    if idx.ndim != 1 or not np.issubdtype(idx.dtype, np.integer):
        raise InvalidParameterValueError("indices", indices,
                                         "a 1-D list of connection indices", "record_weights")
    if len(idx) and (idx.min() < 0 or idx.max() >= size):
        bad = idx[(idx < 0) | (idx >= size)][0]
        raise InvalidParameterValueError("indices", int(bad),
                                         f"connection indices 0 .. {size - 1}", "record_weights")
    return np.unique(idx.astype(np.int64))


def analog_signal(projection, recording, segment):
    """The weights recorded in one segment as a neo AnalogSignal."""
    import neo
    import quantities as pq

    from .units import UNITS
    got = recording.values(segment)
    if got is None:
        raise RecordingError("weight", f"Projection '{projection.label}' (segment {segment})",
                             ["nothing recorded yet: run() after record_weights()"])
    t_start, interval, values = got
    idx = recording.indices
    conductance = projection._post_is_conductance()[idx] if len(idx) else np.zeros(0, bool)
    unit = "uS" if conductance.any() else "nA"
    return neo.AnalogSignal(
        values, units=UNITS[unit], t_start=t_start * pq.ms, sampling_period=interval * pq.ms,
        name="weight", projection=projection.label,
        array_annotations={"connection_index": idx,
                           "presynaptic_index": projection._connections.pre[idx],
                           "postsynaptic_index": projection._connections.post[idx]})
