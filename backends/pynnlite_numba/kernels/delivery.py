"""Spike delivery through the static-synapse CSR into the ring buffers.

The CSR has one row per presynaptic internal index and target partition (row
``pre * n_parts + part``, partition.py); each synapse holds its ring column
``channel * n_total + post`` (channel 0 excitatory, 1 inhibitory), its signed
weight and its delay in steps (>= 1). A spike of multiplicity k emitted in step
s adds k * weight to the slot read in step s + delay.
"""
from numba import njit


@njit(cache=True, nogil=True, error_model="numpy")
def deliver(slot, depth, n_spk, spk_idx, spk_mult, row_ptr, syn_col, syn_w, syn_d, ring, part,
            n_parts):
    """Deliver the step's spikes to the synapses of target partition ``part``."""
    for j in range(n_spk):
        row = spk_idx[j] * n_parts + part
        m = spk_mult[j]
        start = row_ptr[row]
        stop = row_ptr[row + 1]
        if m == 1:
            for k in range(start, stop):
                sl = slot + syn_d[k]
                if sl >= depth:
                    sl -= depth
                ring[sl, syn_col[k]] += syn_w[k]
        else:
            fm = float(m)
            for k in range(start, stop):
                sl = slot + syn_d[k]
                if sl >= depth:
                    sl -= depth
                ring[sl, syn_col[k]] += syn_w[k] * fm
