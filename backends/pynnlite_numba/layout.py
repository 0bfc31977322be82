"""Struct-of-arrays layout: populations grouped into one block per model type.

Internal (engine) indices number the neurons block after block, in the fixed
model order of models.MODEL_KERNELS; inside a block, populations follow in spec
order. Every array the compiled loop touches is indexed by these internal
indices (ring buffers, CSR rows, electrode targets, spike lists).
"""
import numpy as np

from pynnlite.errors import NoModelAvailableError

from .kernels.common import flag_array
from .kernels.recording import N_R
from .models import MODEL_KERNELS

_STEP_EPS = 1e-9


def grid_times(steps, dt):
    """Times of grid points ``steps * dt`` (ms), computed so that decimal steps
    such as 0.1 give the correctly rounded value (12.3, not 12.300000000000001)."""
    steps = np.asarray(steps, np.float64)
    per_ms = 1.0 / dt
    if abs(per_ms - round(per_ms)) < 1e-9 * per_ms:
        return steps / round(per_ms)
    return steps * dt


def spike_steps(times, dt):
    """Emission step of spikes at ``times`` (ms): the step whose end is the first
    grid point >= t (a time on the grid, up to 1e-9 dt, is stamped exactly)."""
    return np.ceil(np.asarray(times, dtype=np.float64) / dt - _STEP_EPS).astype(np.int64) - 1


class Block:
    """All neurons of one model type: parameters, derived constants and state,
    one column per neuron."""

    def __init__(self, model, g0):
        self.model = model
        self.g0 = g0
        self.n = 0
        self.populations = []          # (population index, first column)
        self._param_parts = []
        self._init_parts = []
        self._gid_parts = []
        self.arrays = {}
        self.signal_table = np.zeros((0, N_R), np.int64)
        self.signal_cols = np.zeros(0, np.int64)
        self.signal_out = np.zeros(0, np.float64)

    def add(self, pop):
        self.populations.append((pop.index, self.n))
        self._param_parts.append(pop.parameters)
        self._init_parts.append(pop.initial_values)
        self._gid_parts.append(pop.first_id + np.arange(pop.size, dtype=np.int64))
        self.n += pop.size

    def finalise(self, dt):
        """Concatenate the populations' values and allocate the block arrays."""
        self.dt = dt
        self.params = _concat_dicts(self._param_parts, self.n)
        self.initial = _concat_dicts(self._init_parts, self.n)
        self.gid = np.concatenate(self._gid_parts) if self._gid_parts else np.zeros(0, np.int64)
        del self._param_parts, self._init_parts, self._gid_parts
        m = self.model
        if "F" in m.arrays:
            self.arrays["F"] = flag_array(self.n)
        if "S" in m.arrays:
            self.arrays["S"] = np.zeros((len(m.s_rows), self.n), np.float64)
        if "I" in m.arrays:
            self.arrays["I"] = np.zeros((len(m.i_rows), self.n), np.int64)
        self.derive()
        self.reset_state()

    # ------------------------------------------------------------ constants
    def derive(self):
        """(Re)compute the per-dt constants from the current parameters."""
        m = self.model
        if m.name == "SpikeSourceArray":
            self._build_events()
            return
        values = m.derive(self.params, self.dt)
        P = np.empty((len(m.p_rows), self.n), np.float64)
        for k, name in enumerate(m.p_rows):
            P[k] = values[name]
        # one column when every neuron has the same constants (kernels hoist them)
        if "F" in m.arrays and self.n > 0 and np.array_equal(P, np.broadcast_to(P[:, :1], P.shape)):
            P = np.ascontiguousarray(P[:, :1])
        self.arrays["P"] = P
        for k, name in enumerate(m.i_params):
            self.arrays["I"][k] = self.gid if name == "gid" else values[name]
        if m.derive_arrays is not None:
            self.arrays.update(m.derive_arrays(self.params, self.dt, self.arrays))

    def _build_events(self):
        """All spikes of the block as events (step, internal index, multiplicity),
        sorted by step then index; several spikes of one neuron in one step
        become one event of higher multiplicity."""
        per_neuron = [np.asarray(t, np.float64).reshape(-1) for t in self.params["spike_times"]]
        lengths = np.array([len(t) for t in per_neuron], np.int64)
        events = np.zeros((3, 0), np.int64)
        if lengths.sum():
            steps = spike_steps(np.concatenate(per_neuron), self.dt)
            idx = np.repeat(np.arange(self.n, dtype=np.int64) + self.g0, lengths)
            key, counts = np.unique(np.stack([steps, idx]), axis=1, return_counts=True)
            events = np.ascontiguousarray(np.vstack([key, counts[None, :]]).astype(np.int64))
        self.arrays["events"] = events
        self.arrays["cursor"] = np.zeros(1, np.int64)

    # ---------------------------------------------------------------- state
    def reset_state(self):
        """State from the initial values; integer state (refractory counters) zero."""
        m = self.model
        if "S" in m.arrays:
            values = m.init_state({k: np.asarray(v, np.float64) for k, v in self.initial.items()},
                                  self.params)
            for k, name in enumerate(m.s_rows):
                self.arrays["S"][k] = values[name]
        if "I" in m.arrays:
            self.arrays["I"][len(m.i_params):] = 0
        if "cursor" in self.arrays:
            self.arrays["cursor"][0] = 0
        if m.init_arrays is not None:
            self.arrays.update(m.init_arrays(self.params, self.dt, self.arrays))

    def state_row(self, name):
        """(S row, P row added on output or None) of a PyNN state variable."""
        row, offset = self.model.state[name]
        return (self.model.s_rows.index(row),
                None if offset is None else self.model.p_rows.index(offset))

    def get_state(self, name, cols):
        row, off = self.state_row(name)
        values = self.arrays["S"][row, cols]
        if off is not None:
            values = values + self.p_row(off)[cols]
        return values

    def p_row(self, row):
        """One row of P with a value for every column."""
        return np.broadcast_to(self.arrays["P"][row], (self.n,))

    def set_state(self, name, cols, values):
        row, off = self.state_row(name)
        values = np.asarray(values, np.float64)
        if off is not None:
            values = values - self.p_row(off)[cols]
        self.arrays["S"][row, cols] = values

    def set_parameters(self, name, cols, values):
        """Change a parameter of some columns; absolute state values that are
        stored relative to a parameter (v to v_rest) are kept."""
        keep = {}
        if "S" in self.model.arrays:
            for var, (row, off) in self.model.state.items():
                if off is not None:
                    keep[var] = self.get_state(var, slice(None))
        if name == "spike_times" or np.asarray(self.params.get(name, 0.0)).dtype == object:
            arr = self.params.setdefault(name, np.empty(self.n, object))
            vals = np.empty(len(np.atleast_1d(cols)), object)
            vals[:] = list(values)
            arr[cols] = vals
        else:
            self.params[name] = np.array(self.params[name], np.float64)
            self.params[name][cols] = values
        self.derive()
        for var, v in keep.items():
            self.set_state(var, slice(None), v)


def _concat_dicts(parts, n):
    out = {}
    for name in parts[0] if parts else ():
        vals = [p[name] for p in parts]
        if any(np.asarray(v).dtype == object for v in vals):
            arr = np.empty(n, object)
            arr[:] = [x for v in vals for x in v]
            out[name] = arr
        else:
            out[name] = np.concatenate([np.asarray(v, np.float64).reshape(-1) for v in vals])
    return out


class Layout:
    """Blocks and the map from (population, local index) to internal index."""

    def __init__(self, network):
        self.dt = network.dt
        by_model = {}
        for pop in network.populations:
            if pop.model not in MODEL_KERNELS:
                raise NoModelAvailableError(
                    f"the numba backend has no model '{pop.model}' (population '{pop.label}'); "
                    f"available: {', '.join(MODEL_KERNELS)}")
            by_model.setdefault(pop.model, []).append(pop)
        self.blocks = []
        self.pop_block = {}       # population index -> block
        self.pop_offset = {}      # population index -> internal index of local 0
        self.pop_size = {}
        g0 = 0
        for name, model in MODEL_KERNELS.items():
            if name not in by_model:
                continue
            block = Block(model, g0)
            for pop in by_model[name]:
                self.pop_block[pop.index] = block
                self.pop_offset[pop.index] = g0 + block.n
                self.pop_size[pop.index] = pop.size
                block.add(pop)
            g0 += block.n
            self.blocks.append(block)
        self.n_total = g0
        for block in self.blocks:
            block.finalise(self.dt)

    def internal(self, population, local):
        return self.pop_offset[population] + np.asarray(local, np.int64)

    def columns(self, population, local):
        """Block columns of some neurons of one population."""
        block = self.pop_block[population]
        return block, self.pop_offset[population] - block.g0 + np.asarray(local, np.int64)

    def global_ids(self):
        """Global id (first_id + local index) of every internal index."""
        return np.concatenate([b.gid for b in self.blocks]) if self.blocks else np.zeros(0, np.int64)
