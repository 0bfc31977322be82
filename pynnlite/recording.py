"""What a backend hands back after running, and how the frontend keeps it.

A backend's ``fetch_recorded()`` returns, for each population index that records
anything, a :class:`RecordedChunk` with everything recorded since the previous
fetch. The frontend appends chunks to the current :class:`SegmentData`; a reset
starts a new segment. neo objects are built from SegmentData by
:mod:`pynnlite.neo_output`.

Time conventions (as NEST, REFERENCE.md 2.0):
- a spike emitted while updating step (t, t+dt] is stamped t+dt;
- signals are sampled after the update, at t = k * sampling_interval; the first
  run of a segment also yields the sample at t = 0 (the initial state), so after
  run(T) a signal has T / sampling_interval + 1 samples.
"""
from dataclasses import dataclass, field

import numpy as np


@dataclass
class SignalChunk:
    """Samples of one variable: ``values`` has shape (n_samples, len(indices));
    sample j is at time ``t_start + j * sampling_interval`` (ms)."""
    indices: np.ndarray
    t_start: float
    sampling_interval: float
    values: np.ndarray


@dataclass
class RecordedChunk:
    """Data of one population recorded between two fetches.

    spike_indices / spike_times: one entry per emitted spike (a spike with
    multiplicity k appears k times), population-local index and time in ms.
    """
    spike_indices: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))
    spike_times: np.ndarray = field(default_factory=lambda: np.zeros(0, np.float64))
    signals: dict = field(default_factory=dict)   # variable -> SignalChunk


class PopulationRecord:
    """Everything recorded from one population within one segment."""

    def __init__(self):
        self._spike_indices = []
        self._spike_times = []
        self._signals = {}     # variable -> list of SignalChunk

    def append(self, chunk):
        if len(chunk.spike_times):
            self._spike_indices.append(np.asarray(chunk.spike_indices, np.int64))
            self._spike_times.append(np.asarray(chunk.spike_times, np.float64))
        for name, sig in chunk.signals.items():
            if sig.values.shape[0]:
                self._signals.setdefault(name, []).append(sig)

    def spikes(self):
        """(local indices, times in ms), in emission order."""
        if not self._spike_times:
            return np.zeros(0, np.int64), np.zeros(0, np.float64)
        return np.concatenate(self._spike_indices), np.concatenate(self._spike_times)

    def signal_names(self):
        return list(self._signals)

    def signal(self, name):
        """The whole signal of one variable as a single SignalChunk."""
        chunks = self._signals[name]
        first = chunks[0]
        for c in chunks[1:]:
            if not np.array_equal(c.indices, first.indices):
                raise ValueError(f"recorded neurons of '{name}' changed within a segment")
        values = np.concatenate([c.values for c in chunks], axis=0)
        return SignalChunk(first.indices, first.t_start, first.sampling_interval, values)


class SegmentData:
    """All populations' records for one segment (one stretch between resets)."""

    def __init__(self, index):
        self.index = index
        self.t_stop = 0.0
        self.populations = {}   # population index -> PopulationRecord

    def add(self, population_index, chunk):
        self.populations.setdefault(population_index, PopulationRecord()).append(chunk)

    def record_of(self, population_index):
        return self.populations.get(population_index, PopulationRecord())
