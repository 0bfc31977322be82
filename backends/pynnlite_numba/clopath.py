"""ClopathSynapse on the numba engine (kernels/clopath.py): the synapse
arrays, built like the STDP ones (plasticity._PlasticStore: one group per
projection and delay, CSR by presynaptic neuron, transposed index by
postsynaptic neuron), and the Clopath entries of the postsynaptic
EIF_psc_delta_clopath block.

tau_x, w_min and w_max must be the same for the whole projection (x̄ is kept
per presynaptic neuron). Weights are signed as the user gave them (mV),
like NEST's: inhibitory ones are negative, with w_min <= w <= w_max <= 0.
"""
import numpy as np

from pynnlite.errors import ConnectionError, NoModelAvailableError

from .kernels import clopath as C
from .kernels import stdp as K
from .kernels.adex_rhs import CLOPATH_S
from .plasticity import StdpStore, _PlasticStore, _counting_sort, _homogeneous

CLOPATH = "ClopathSynapse"
CLOPATH_CELL = "EIF_psc_delta_clopath"


class ClopathStore(_PlasticStore):
    """All ClopathSynapse synapses of a network."""

    def __init__(self, specs, network, layout):
        super().__init__(specs, network, layout)
        self.block = None
        for p in specs:
            if self.populations[p.post].model != CLOPATH_CELL:
                raise ConnectionError(
                    f"projection '{p.label}': ClopathSynapse needs {CLOPATH_CELL} targets (they "
                    f"keep the Clopath traces), not {self.populations[p.post].model}")
            self.block = layout.pop_block[p.post]
            for name in ("tau_x", "w_min", "w_max"):
                self._value(p, name)
        self._build_forward()
        self._build_synapses()
        self.xseg = np.zeros((len(specs), C.X_NX), np.int64)
        start = 0
        for i, p in enumerate(specs):
            n = layout.pop_size[p.pre]
            self.xseg[i] = (layout.pop_offset[p.pre], n, start)
            for k in self.by_projection[p.index]:
                self.gi[k, K.G_KP0] = start
            start += n
        self.xbar = np.zeros(max(start, 1), np.float64)
        self.xpar = np.zeros((len(specs), C.XP_NP), np.float64)
        self.gf = np.zeros((len(self.groups), C.C_NF), np.float64)
        self._spec_slot = {p.index: i for i, p in enumerate(specs)}
        H = self.max_delay + 1
        n_block = self.block.n if self.block is not None else 1
        self.ltp_ring = np.zeros((H, n_block), np.float64)
        self.ltd_ring = np.zeros((H, n_block), np.float64)
        if self.block is not None:
            self.blk = np.array([self.block.g0, CLOPATH_S.index("ltp"), CLOPATH_S.index("ltd")],
                                np.int64)
        else:
            self.blk = np.zeros(3, np.int64)
        self._setup_weight_recording(network.weight_recordings)
        self.reset()
        self._built()

    def _value(self, p, name):
        """The one value of tau_x / w_min / w_max for the whole projection."""
        same, v = _homogeneous(p.synapse_parameters[name])
        if not same:
            values = np.asarray(p.synapse_parameters[name], float)
            raise NoModelAvailableError(
                f"the numba engine needs one value of '{name}' for the whole ClopathSynapse "
                f"projection '{p.label}' (x̄ is kept per presynaptic neuron); got values from "
                f"{values.min()} to {values.max()}")
        return v

    def _build_synapses(self):
        n = max(self.n_syn, 1)
        self.pre = np.zeros(n, np.int32)
        self.post = np.zeros(n, np.int32)
        self.tpos = np.zeros(n, np.int32)
        trows, trow0 = [], 0
        for k, g in enumerate(self.groups):
            s0 = self.gi[k, K.G_SYN0]
            self.pre[s0:s0 + g.n] = self._ordered(k, g.spec.pre_indices, np.int32)
            post = self._ordered(k, g.spec.post_indices, np.int32)
            self.post[s0:s0 + g.n] = post
            tptr = _counting_sort(post, self.layout.pop_size[g.spec.post], self.tpos[s0:s0 + g.n])
            self.gi[k, K.G_TROW0] = trow0
            trows.append(tptr)
            trow0 += len(tptr)
        self.trow_ptr = np.concatenate(trows) if trows else np.zeros(1, np.int64)
        self.w = np.zeros(n, np.float64)
        self.pend = np.full(n, -1.0)

    def _apply_parameters(self):
        for p in self.projections.values():
            tau_x = self._value(p, "tau_x") if p.size else 15.0
            self.xpar[self._spec_slot[p.index]] = (np.exp(-self.dt / tau_x), 1.0 / tau_x)
            for k in self.by_projection[p.index]:
                self.gf[k] = (self._value(p, "w_min"), self._value(p, "w_max")) if p.size \
                    else (0.0, 0.0)

    def reset(self):
        """Weights from the spec; x̄ and the Clopath entries cleared."""
        self._apply_parameters()
        for k, g in enumerate(self.groups):
            s0 = self.gi[k, K.G_SYN0]
            self.w[s0:s0 + g.n] = self._ordered(k, g.spec.weights, np.float64)
        self.xbar[:] = 0.0
        self.pend[:] = -1.0
        self.ltp_ring[:] = 0.0
        self.ltd_ring[:] = 0.0

    def arrays(self):
        S = self.block.arrays["S"] if self.block is not None else np.zeros((len(CLOPATH_S), 1))
        return (self.gi, self.gf, self.xseg, self.xpar, self.xbar, self.row_ptr, self.trow_ptr,
                self.pre, self.post, self.w, self.pend, self.tpos, S, self.blk, self.ltp_ring,
                self.ltd_ring, self.wr_tab, self.wr_pos, self.wr_sign, self.wr_out)

    def _sign(self, p):
        return 1.0              # weights are kept signed

    # ------------------------------------------------------- get / set values
    def get(self, projection, name):
        spec = self.projections[projection]
        if name == "weight":
            return self.w[self.positions(projection)].copy()
        if name == "delay":
            return self._delays(projection)
        if name in spec.synapse_parameters:
            return np.broadcast_to(np.float64(self._value(spec, name)), (spec.size,)).copy()
        raise KeyError(name)

    def set(self, projection, name, values):
        spec = self.projections[projection]
        values = np.broadcast_to(np.asarray(values, np.float64), (spec.size,))
        if name == "weight":
            self.w[self.positions(projection)] = values
        elif name == "delay":
            self._set_delays(projection, values)
        else:
            raise NoModelAvailableError(
                f"the numba engine cannot change '{name}' of the ClopathSynapse projection "
                f"'{spec.label}' between runs (only weight)")

    # weight recording: the same tables and kernel as the STDP synapses
    _setup_weight_recording = StdpStore._setup_weight_recording
    sample_weights_now = StdpStore.sample_weights_now
    prepare_weight_buffers = StdpStore.prepare_weight_buffers
    collect_weight_buffers = StdpStore.collect_weight_buffers
    fetch_weights = StdpStore.fetch_weights

    def _weights_at(self, positions, s_now):
        """Weight magnitudes at these positions (updated eagerly: as stored)."""
        return self.w[positions]
