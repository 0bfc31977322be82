"""Helpers shared by the neuron kernels.

Neuron kernels run in two passes per step: a branch-free pass over the block
that the compiler vectorises (state update, threshold, reset; a spike flag
per neuron in the block's byte array ``F``), then :func:`collect_spikes`,
which appends the flagged neurons to the step's spike list in index order,
skipping eight silent neurons at a time.

Parameter rows ``P`` have one column per neuron, or a single column when every
neuron of the block has the same values; the ``_uniform`` variant of a kernel
then hoists them out of the loop, which saves most of the memory traffic.
"""
import numpy as np
from numba import njit


@njit(cache=True, nogil=True, error_model="numpy")
def collect_spikes(F, g0, spk_idx, spk_mult, n_spk):
    """Append every neuron with F[i] == 1 (internal index g0 + i, multiplicity 1)."""
    words = F.view(np.uint64)
    for w in range(words.shape[0]):
        if words[w] != 0:
            for i in range(8 * w, 8 * w + 8):
                if F[i] == 1:
                    spk_idx[n_spk] = g0 + i
                    spk_mult[n_spk] = 1
                    n_spk += 1
    return n_spk


def flag_array(n):
    """A zeroed byte array for the spike flags of n neurons (length a multiple of 8)."""
    return np.zeros(8 * ((n + 7) // 8), np.uint8)
