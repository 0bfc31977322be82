"""Recording on NEST: a spike_recorder per population, a multimeter per
(population, sampling interval); their events become pynnlite RecordedChunks.

Both devices record in steps (``time_in_steps``), so times are exact integers.
A sample or spike belongs to the current segment when its NEST step is after
the segment's start T0; everything else (the lead-in, the flush of a reset)
is dropped.

A multimeter hands over the samples of one time slice (min_delay) only during
the next slice, so after ``Simulate`` the sample at the current time is still
missing. The adapter sets NEST's min_delay to dt whenever signals are recorded
(one step of lag) and takes that last sample from the neurons' state. NEST
does not expose the synaptic currents of iaf_psc_* as state: for isyn_exc and
isyn_inh the last sample of a run arrives with the next run, and the last
sample of a segment is not returned.
"""
import numpy as np

from pynnlite.recording import RecordedChunk, SignalChunk


def node_values(nodes, name):
    """One status entry of every node of a NodeCollection, as a float array
    (NEST returns a bare number for a single node)."""
    return np.atleast_1d(np.asarray(nodes.get(name), np.float64))


class SpikeRecorder:
    """Spikes of the recorded neurons of one population."""

    def __init__(self, nest, population, nodes, indices, delay_ms):
        self.population = population
        self.first_id = nodes[0].global_id
        self.device = nest.Create("spike_recorder", params={"time_in_steps": True})
        ids = self.first_id + np.unique(np.asarray(indices, np.int64))
        if len(ids):
            nest.Connect(ids, np.full(len(ids), self.device.global_id), "one_to_one",
                         {"synapse_model": "static_synapse", "weight": np.ones(len(ids)),
                          "delay": np.full(len(ids), delay_ms)})

    def collect(self, t0, now):
        """(local indices, segment steps) of the spikes stamped in (t0, now],
        sorted by step then index; the device's memory is cleared."""
        events = self.device.get("events")
        self.device.set(n_events=0)
        steps = np.asarray(events["times"], np.int64) - t0
        local = np.asarray(events["senders"], np.int64) - self.first_id
        keep = (steps >= 1) & (steps <= now - t0)
        steps, local = steps[keep], local[keep]
        order = np.lexsort((local, steps))
        return local[order], steps[order]


class _Variable:
    """One recorded variable of a multimeter: which neurons, which column of
    the multimeter's targets, and how far it has been delivered."""

    def __init__(self, name, state, indices, columns):
        self.name = name
        self.state = state                  # translations.StateVariable
        self.indices = indices
        self.columns = columns
        self.last = -1                      # sample number of the last delivered sample


class Multimeter:
    """Signals of one population sampled every ``interval`` steps."""

    def __init__(self, nest, population, nodes, requests, interval, state_table):
        """requests: {pynnlite variable: local indices}."""
        self.population = population
        self.interval = int(interval)
        self.first_id = nodes[0].global_id
        self.nodes = nodes
        targets = np.unique(np.concatenate([np.asarray(i, np.int64) for i in requests.values()]))
        self.targets = targets
        self.variables = [
            _Variable(name, state_table[name], np.asarray(idx, np.int64),
                      np.searchsorted(targets, np.asarray(idx, np.int64)))
            for name, idx in requests.items()]
        self.device = nest.Create("multimeter", params={
            "time_in_steps": True,
            "record_from": sorted({v.state.nest_name for v in self.variables})})
        self._nest = nest
        self._pending = {v.name: [] for v in self.variables}

    def connect(self, grid):
        """Connect with delay dt: the multimeter then lags by one step only."""
        self.device.set(interval=float(grid.ms(self.interval)))
        ids = self.first_id + self.targets
        self._nest.Connect(np.full(len(ids), self.device.global_id), ids, "one_to_one",
                           {"synapse_model": "static_synapse", "weight": np.ones(len(ids)),
                            "delay": np.full(len(ids), grid.dt)})

    def start_segment(self):
        for v in self.variables:
            v.last = -1

    def sample_state(self):
        """The current state as the sample at the current time (sample 0 of a
        segment, or the last sample the multimeter has not handed over yet)."""
        out = {}
        for v in self.variables:
            if v.state.accessible:
                values = node_values(self.nodes, v.state.nest_name)
                out[v.name] = values[v.indices] * v.state.factor
        return out

    def initial_sample(self, initial_values):
        """Sample 0 of a segment: from NEST's state where it is readable, else
        from the initial values (iaf_psc_* synaptic currents start at zero)."""
        state = self.sample_state()
        for v in self.variables:
            values = state.get(v.name)
            if values is None:
                values = np.asarray(initial_values[v.name], np.float64)[v.indices]
            self._pending[v.name].append((0, values[None, :]))
            v.last = 0

    def collect(self, t0, now):
        """Move the multimeter's samples in (t0, now] to the pending data; the
        sample at ``now`` comes from the state if the multimeter lags."""
        events = self.device.get("events")
        self.device.set(n_events=0)
        steps = np.asarray(events["times"], np.int64) - t0
        k = steps // self.interval
        senders = np.asarray(events["senders"], np.int64) - self.first_id
        col = np.searchsorted(self.targets, senders)
        k_now = (now - t0) // self.interval
        tail_due = (now - t0) % self.interval == 0
        state = None
        for v in self.variables:
            n_rows = k_now - v.last
            if n_rows <= 0:
                continue
            values = np.full((n_rows, len(self.targets)), np.nan)
            keep = (steps > 0) & (k > v.last) & (k <= k_now)
            values[k[keep] - v.last - 1, col[keep]] = events[v.state.nest_name][keep]
            values = values[:, v.columns] * v.state.factor
            complete = ~np.isnan(values).any(axis=1)
            if tail_due and not complete[-1] and v.state.accessible:
                if state is None:
                    state = self.sample_state()
                values[-1] = state[v.name]
                complete[-1] = True
            n_done = n_rows if complete.all() else int(np.argmin(complete))
            if n_done:
                self._pending[v.name].append((v.last + 1, values[:n_done]))
                v.last += n_done

    def chunks(self, grid):
        """{variable: SignalChunk} of the pending samples; clears them."""
        out = {}
        interval_ms = float(grid.ms(self.interval))
        for v in self.variables:
            parts = self._pending[v.name]
            if not parts:
                continue
            first = parts[0][0]
            values = np.concatenate([p for _, p in parts], axis=0)
            out[v.name] = SignalChunk(indices=v.indices.copy(),
                                      t_start=float(grid.ms(first * self.interval)),
                                      sampling_interval=interval_ms, values=values)
            self._pending[v.name] = []
        return out

    def drop_pending(self):
        self._pending = {v.name: [] for v in self.variables}


class Recorders:
    """All recording devices of a network and the data not yet fetched."""

    def __init__(self, nest, network, nodes_of, state_tables, grid, delay_ms):
        self.grid = grid
        self.spikes = {}
        self.multimeters = []
        self._spikes_pending = {}
        signals = {}
        for rec in network.recordings:
            if rec.variable == "spikes":
                self.spikes[rec.population] = SpikeRecorder(
                    nest, rec.population, nodes_of(rec.population), rec.indices, delay_ms)
            else:
                interval = int(grid.steps(rec.sampling_interval))
                signals.setdefault((rec.population, interval), {})[rec.variable] = rec.indices
        for (pop, interval), requests in signals.items():
            mm = Multimeter(nest, pop, nodes_of(pop), requests, interval, state_tables[pop])
            mm.connect(grid)
            self.multimeters.append(mm)

    @property
    def intervals(self):
        return [mm.interval for mm in self.multimeters]

    @property
    def has_signals(self):
        return bool(self.multimeters)

    def start_segment(self):
        """Forget what belongs to an earlier segment."""
        for mm in self.multimeters:
            mm.start_segment()

    def initial_samples(self, initial_values_of):
        for mm in self.multimeters:
            mm.initial_sample(initial_values_of(mm.population))

    def collect(self, t0, now):
        for pop, sr in self.spikes.items():
            local, steps = sr.collect(t0, now)
            if len(steps):
                self._spikes_pending.setdefault(pop, []).append((local, steps))
        for mm in self.multimeters:
            mm.collect(t0, now)

    def discard(self, t0, now):
        """Empty the devices without keeping anything (reset)."""
        for sr in self.spikes.values():
            sr.collect(t0, now)
        for mm in self.multimeters:
            mm.device.set(n_events=0)
            mm.drop_pending()
        self._spikes_pending = {}

    def fetch(self):
        """{population index: RecordedChunk} of everything pending."""
        chunks = {}
        for pop, parts in self._spikes_pending.items():
            local = np.concatenate([p[0] for p in parts])
            steps = np.concatenate([p[1] for p in parts])
            chunks[pop] = RecordedChunk(spike_indices=local, spike_times=self.grid.ms(steps))
        self._spikes_pending = {}
        for mm in self.multimeters:
            signals = mm.chunks(self.grid)
            if signals:
                chunks.setdefault(mm.population, RecordedChunk()).signals.update(signals)
        return chunks
