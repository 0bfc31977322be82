"""The engine: arrays of one network and the compiled time-step loop.

Time grid and conventions (NEST's, REFERENCE.md 2.0): step s covers
(s*dt, (s+1)*dt]; a spike emitted in step s is stamped (s+1)*dt; with a delay
of d >= 1 steps it is read in step s + d. Within a step the phases run in this
fixed order (the generated loop, codegen.py, follows it):

1. currents  - electrodes write the current of step s (the value in force at
               t = s*dt) into ``istim``;
2. update    - each model kernel, block after block: read and clear the ring
               slot due in step s, integrate the step, threshold/reset/refractory,
               append spikes (internal index, multiplicity) to the step's list;
               spike sources append theirs;
3. deliver   - every spike of the list goes through the CSR into the ring slot
               of step s + delay (k * weight for multiplicity k); then every
               PoissonGenerator connection draws its own k for step s and
               delivers the same way (kernels/drive.py);
4. plasticity - plastic synapses (plasticity.py), each kind one phase: STDP
               (kernels/stdp.py: traces decay; potentiation by the
               postsynaptic spikes reaching the synapses now, through the
               transposed index; depression and transmission of this step's
               presynaptic spikes; the spikes enter the traces; weight
               samples), Tsodyks-Markram (kernels/tsodyks.py);
5. record    - spikes of recorded neurons into the spike buffer; signals
               sampled after the update, at t = (s+1)*dt when the sampling
               interval divides it.

The whole loop over steps runs in one compiled call per run(); it returns early
only to let Python grow a full spike buffer. The loop is generated for the
network (codegen.py): one kernel call per model block, phases the network does
not use (electrodes, signal recording, plasticity) left out.

Threads (``setup(threads=N)``): the neurons are cut into N target partitions
(partition.py), and every thread writes only to its own targets' state, ring
entries, traces and incoming weights. Two loops do this (codegen.py):

- windowed, NEST's scheme: a spike emitted in step s is needed no earlier
  than step s + m (m, the window: the shortest delay of any connection), so
  the threads exchange spikes once per m steps. Each thread first replays,
  step by step, the previous window's delivery, drive and STDP for its
  targets, then updates its neurons for the next m steps; at the barrier
  that ends the window the last thread to arrive gathers the window's
  spikes in index order, records them and stores them in the STDP step
  history. The threads stay in one parallel region for the whole run. Signals are
  sampled by each thread from its own columns. Used when every synapse phase
  splits by target (static, drive, STDP) and no weights are recorded;
- step by step, otherwise: each step updates the splittable blocks in
  parallel, the rest on one thread, then delivers in parallel.

Every value is computed by the same operations in the same order as with one
thread: results are bit-identical for every N and every window.
"""
import time

import numpy as np

from . import codegen
from .connectivity import SynapseTable
from .drive import DriveTable, split_network
from .parrot_inputs import unit_weights
from .plasticity import PlasticSynapses, split_plastic
from .kernels.recording import N_R, R_COUNT, R_FIRST_COL, R_INTERVAL, R_N_COLS, R_OFFSET_ROW, \
    R_OUT_START, R_ROW, R_S0
from .layout import Layout, grid_times
from .partition import block_chunks, part_of, partition_bounds, shortest_delay_steps, \
    threads_to_use
from .stimulus import Stimulus
from .threads import use_threads


#: longest window of the windowed loop (steps between spike exchanges)
_MAX_WINDOW = 64


def _windowable(network, plastic_projections):
    """True when the network can run the windowed loop: every synapse phase
    splits by target partition (STDP; not Tsodyks-Markram or Clopath), and no
    weights are sampled (their value at the end of a step exists only until the
    next step's replay, on every thread)."""
    partitioned = all(p.synapse_model == "STDPMechanism" for p in plastic_projections)
    return partitioned and not network.weight_recordings


class Engine:
    """Owns every array of one built network and runs it."""

    def __init__(self, network):
        self.network = network
        self.dt = float(network.dt)
        self.seed = int(network.seed) & ((1 << 63) - 1)
        self.layout = Layout(network)
        drive_projections, spiking = split_network(network)
        plastic_projections, spiking = split_plastic(spiking)
        spiking, self.parrot_weights = unit_weights(spiking)
        windowable = _windowable(network, plastic_projections)
        steps_per_sync = min(shortest_delay_steps(network, network.projections),
                             _MAX_WINDOW) if windowable else 1
        #: threads used: setup(threads=N), fewer where the work between two
        #: synchronisations is too small to share (partition.threads_to_use)
        self.threads = threads_to_use(int(getattr(network, "threads", 1) or 1), network,
                                      self.layout, drive_projections, plastic_projections,
                                      spiking.projections, steps_per_sync)
        self.windowed = self.threads > 1 and windowable
        self.bounds = partition_bounds(self.threads, network, self.layout, drive_projections,
                                       plastic_projections, spiking.projections,
                                       whole_blocks=self.windowed)
        self.drive = DriveTable(drive_projections, network, self.layout, self.bounds)
        self.plastic = PlasticSynapses(plastic_projections, network, self.layout, self.bounds)
        self.synapses = SynapseTable(spiking, self.layout, self.bounds)
        self.parrot_weights.table = self.synapses
        self.stimulus = Stimulus(network, self.layout)
        n = self.layout.n_total
        self.istim = np.zeros(n, np.float64)
        self.spk_idx = np.zeros(max(n, 1), np.int64)
        self.spk_mult = np.zeros(max(n, 1), np.int64)
        self._setup_partitions()
        self._setup_recording(network)
        self._plan = None
        self.compile_s = 0.0
        self.reset()
        self._prepare_loop()

    def _setup_partitions(self):
        """Scratch spike lists and per-block column ranges for the threads."""
        self.n_parts = len(self.bounds) - 1
        self.part_lo = np.ascontiguousarray(self.bounds[:-1])
        self.part_hi = np.ascontiguousarray(self.bounds[1:])
        self.chunks = {id(b): block_chunks(b, self.bounds) for b in self.layout.blocks}
        self.owner = np.array([part_of(self.bounds, b.g0)[()] for b in self.layout.blocks]
                              or [0], np.int64)
        self.window = 0
        self._set_window()

    def _set_window(self):
        """Window length of the windowed loop: the shortest delay of any
        connection (steps), at most _MAX_WINDOW; scratch spike lists to match."""
        n = max(self.layout.n_total, 1)
        if not self.windowed:
            if self.window == 0:
                self.window = 1
                self.scr_idx = np.zeros(n, np.int64)
                self.scr_mult = np.zeros(n, np.int64)
                self.cnt = np.zeros((max(len(self.layout.blocks), 1), self.n_parts), np.int64)
                self.wsp_idx = np.zeros((1, 1), np.int64)
                self.wsp_mult = np.zeros((1, 1), np.int64)
                self.wsp_n = np.zeros(1, np.int64)
            return
        W = min(self._min_delay_steps(), _MAX_WINDOW)
        if W == self.window:
            return
        self.window = W
        self.scr_idx = np.zeros(W * n, np.int64)
        self.scr_mult = np.zeros(W * n, np.int64)
        self.cnt = np.zeros((W, self.n_parts), np.int64)
        self.wsp_idx = np.zeros((W, n), np.int64)
        self.wsp_mult = np.zeros((W, n), np.int64)
        self.wsp_n = np.zeros(W, np.int64)
        self.plastic.set_window(W, getattr(self, "step", 0))

    def _min_delay_steps(self):
        """The shortest delay (steps) of any connection: static, drive or plastic."""
        shortest = [int(t.delay.min()) for t in (self.synapses, self.drive) if t.delay.size]
        shortest += [g.d for st in (self.plastic.stdp, self.plastic.tsodyks, self.plastic.clopath)
                     for g in st.groups if g.n]
        return max(min(shortest, default=1), 1)

    def _prepare_loop(self):
        """Get (generate, compile or load) the loop for the current block plans;
        parameters changed between runs can turn a block's single parameter
        column into one per neuron, which needs the other kernel variant."""
        plan = [(b.model, "P" in b.arrays and b.arrays["P"].shape[1] == 1,
                 len(b.signal_table) > 0) for b in self.layout.blocks]
        if self.windowed and (self.synapses.modified or self.drive.modified):
            self._set_window()           # delays may have changed
        key = [(m.name, u, s) for m, u, s in plan]
        if key == self._plan:
            return
        t0 = time.perf_counter()
        self._loop = codegen.get_loop(plan, electrodes=len(self.stimulus.kind) > 0,
                                      phases=self.plastic.phases(), parallel=self.threads > 1,
                                      windowed=self.windowed)
        self._call_loop(0, 0)         # compiles, or loads from the on-disk cache
        self.compile_s += time.perf_counter() - t0
        self._plan = key

    # ------------------------------------------------------------ recording
    def _setup_recording(self, network):
        n = self.layout.n_total
        self.rec_flag = np.zeros(max(n, 1), np.uint8)
        self.spike_pops = {}                  # population -> True
        signals = {}                          # (population, variable) -> (indices, interval steps)
        for rec in network.recordings:
            idx = np.unique(np.asarray(rec.indices, np.int64))
            if rec.variable == "spikes":
                self.rec_flag[self.layout.internal(rec.population, idx)] = 1
                self.spike_pops[rec.population] = True
                continue
            key = (rec.population, rec.variable)
            iv = max(1, int(round(rec.sampling_interval / self.dt)))
            if key in signals:
                idx = np.union1d(signals[key][0], idx)
                iv = signals[key][1]
            signals[key] = (idx, iv)
        self.n_rec_spk = int(self.rec_flag.sum())
        cap = max(4096, 4 * self.n_rec_spk)
        self.buf_step = np.zeros(cap, np.int64)
        self.buf_idx = np.zeros(cap, np.int64)
        self.buf_mult = np.zeros(cap, np.int64)
        self.buf_n = np.zeros(1, np.int64)
        # per block: one table row per recorded (population, variable)
        self.signal_keys = {id(b): [] for b in self.layout.blocks}
        tables = {id(b): [] for b in self.layout.blocks}
        cols = {id(b): [] for b in self.layout.blocks}
        for (pop, var), (idx, iv) in sorted(signals.items()):
            block, c = self.layout.columns(pop, idx)
            row, off = block.state_row(var)
            first = sum(len(x) for x in cols[id(block)])
            entry = np.zeros(N_R, np.int64)
            entry[[R_ROW, R_OFFSET_ROW, R_INTERVAL, R_FIRST_COL, R_N_COLS]] = (
                row, -1 if off is None else off, iv, first, len(c))
            tables[id(block)].append(entry)
            cols[id(block)].append(c)
            self.signal_keys[id(block)].append((pop, var, idx, iv))
        for b in self.layout.blocks:
            b.signal_table = np.array(tables[id(b)], np.int64).reshape(-1, N_R)
            b.signal_cols = (np.concatenate(cols[id(b)]) if cols[id(b)] else np.zeros(0, np.int64))
            b.signal_out = np.zeros(0, np.float64)
        self.pending_signals = {}             # (pop, var) -> list of (first sample index, values)

    def _sample_now(self, step):
        """Record the current state as the sample at t = step * dt (the initial state)."""
        for b in self.layout.blocks:
            for pop, var, idx, iv in self.signal_keys[id(b)]:
                _, c = self.layout.columns(pop, idx)
                values = b.get_state(var, c)[None, :]
                self.pending_signals.setdefault((pop, var), []).append((step // iv, values))

    def _prepare_signal_buffers(self, s0, s_end):
        for b in self.layout.blocks:
            t = b.signal_table
            if not len(t):
                continue
            start = 0
            for r in range(len(t)):
                iv = t[r, R_INTERVAL]
                n_samples = s_end // iv - s0 // iv
                t[r, R_OUT_START] = start
                t[r, R_COUNT] = 0
                t[r, R_S0] = s0
                start += n_samples * t[r, R_N_COLS]
            b.signal_out = np.zeros(start, np.float64)

    def _collect_signal_buffers(self, s0):
        for b in self.layout.blocks:
            t = b.signal_table
            if self.windowed and len(t):
                # the windowed loop writes samples by their step, without counting them
                t[:, R_COUNT] = self.step // t[:, R_INTERVAL] - s0 // t[:, R_INTERVAL]
            for r, (pop, var, idx, iv) in enumerate(self.signal_keys[id(b)]):
                count, nc, start = t[r, R_COUNT], t[r, R_N_COLS], t[r, R_OUT_START]
                if count:
                    values = b.signal_out[start:start + count * nc].reshape(count, nc).copy()
                    first = s0 // iv + 1           # sample k is at (k * iv) steps
                    self.pending_signals.setdefault((pop, var), []).append((first, values))

    # ------------------------------------------------------------------ run
    def reset(self):
        """Back to t = 0: state from the spec, ring buffers empty, spec weights."""
        self.step = 0
        for b in self.layout.blocks:
            b.reset_state()
        if self.synapses.modified:
            self.synapses.build()
        if self.drive.modified:
            self.drive.build()
        self.plastic.reset()
        self.parrot_weights.reset()
        self.depth = self.max_delay + 1
        self.ring = np.zeros((self.depth, 2 * max(self.layout.n_total, 1)), np.float64)
        self.istim[:] = 0.0
        self.buf_n[0] = 0
        self.pending_signals = {}
        self.initial_sample_due = True

    def _ensure_ring_depth(self):
        """Deepen the ring buffers if delays grew (set_connection_values),
        keeping the spikes in transit in their due steps."""
        needed = self.max_delay + 1
        if needed <= self.depth:
            return
        old, d_old = self.ring, self.depth
        new = np.zeros((needed, old.shape[1]), np.float64)
        due = self.step + np.arange(d_old)
        new[due % needed] = old[due % d_old]
        self.ring, self.depth = new, needed

    @property
    def max_delay(self):
        """The longest delay (steps) of any connection, spiking or drive."""
        return max(self.synapses.max_delay, self.drive.max_delay, self.plastic.max_delay)

    def table_of(self, projection):
        """The table (static CSR or PoissonGenerator drive) holding a projection."""
        if self.plastic.owns(projection):
            return self.plastic
        if self.parrot_weights.owns(projection):
            return self.parrot_weights
        return self.drive if self.drive.owns(projection) else self.synapses

    def run(self, n_steps):
        """Advance by n_steps steps (one compiled call, plus one per buffer growth)."""
        if self.initial_sample_due:
            self._sample_now(self.step)
            self.plastic.sample_weights_now(self.step)
            self.initial_sample_due = False
        if n_steps <= 0:
            return
        self._ensure_ring_depth()
        self._prepare_loop()
        s0, s_end = self.step, self.step + int(n_steps)
        self._prepare_signal_buffers(s0, s_end)
        self.plastic.prepare_weight_buffers(s0, s_end)
        s = s0
        while s < s_end:
            s = self._call_loop(s, s_end)
            if s < s_end:
                self._grow_spike_buffer()
        self.step = s_end
        self.plastic.set_step(s_end)
        self._collect_signal_buffers(s0)
        self.plastic.collect_weight_buffers(s0)

    def _call_loop(self, s0, s_end):
        """The compiled loop from step s0 up to s_end; returns the step reached."""
        syn = self.synapses
        block_args = []
        for b in self.layout.blocks:
            block_args += [b.arrays[a] for a in b.model.arrays] + [b.g0]
            if "S" in b.model.arrays:
                block_args += [b.signal_table, b.signal_cols, b.signal_out]
            block_args += [b.arrays[a] for a in b.model.extra_arrays]
            if b.model.splittable:
                block_args += list(self.chunks[id(b)])
        n_workers = use_threads(self.threads) if self.threads > 1 else 1
        return self._loop(s0, s_end, self.dt, self.seed, self.ring, syn.row_ptr, syn.col,
                          syn.weight, syn.delay, *self.stimulus.arrays(), self.istim,
                          self.spk_idx, self.spk_mult, self.rec_flag, self.n_rec_spk,
                          self.buf_step, self.buf_idx, self.buf_mult, self.buf_n, self.n_parts,
                          n_workers, self.part_lo, self.part_hi, self.scr_idx, self.scr_mult, self.cnt,
                          self.wsp_idx, self.wsp_mult, self.wsp_n, self.owner,
                          *block_args, *self.plastic.arrays())

    def _grow_spike_buffer(self):
        cap = 2 * self.buf_step.shape[0]
        for name in ("buf_step", "buf_idx", "buf_mult"):
            old = getattr(self, name)
            new = np.zeros(cap, old.dtype)
            new[:old.shape[0]] = old
            setattr(self, name, new)

    # ---------------------------------------------------------------- fetch
    def fetch_spikes(self):
        """{population: (local indices, times)} of the spikes since the last fetch,
        one entry per unit of multiplicity, in emission order."""
        n = int(self.buf_n[0])
        steps, idx, mult = self.buf_step[:n], self.buf_idx[:n], self.buf_mult[:n]
        self.buf_n[0] = 0
        out = {}
        for pop in self.spike_pops:
            lo = self.layout.pop_offset[pop]
            sel = (idx >= lo) & (idx < lo + self.layout.pop_size[pop])
            reps = mult[sel]
            local = np.repeat(idx[sel] - lo, reps)
            times = grid_times(np.repeat(steps[sel] + 1, reps), self.dt)
            out[pop] = (local, times)
        return out

    def fetch_signals(self):
        """{(population, variable): (indices, t_start, interval ms, values)}."""
        out = {}
        for b in self.layout.blocks:
            for pop, var, idx, iv in self.signal_keys[id(b)]:
                parts = self.pending_signals.get((pop, var))
                if not parts:
                    continue
                values = np.concatenate([v for _, v in parts], axis=0)
                t_start = float(grid_times(parts[0][0] * iv, self.dt))
                out[(pop, var)] = (idx, t_start, float(grid_times(iv, self.dt)), values)
        self.pending_signals = {}
        return out
