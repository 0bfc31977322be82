"""Update kernel of ParrotNeuron (NEST parrot_neuron): every spike that
arrives in step s leaves the parrot at the end of step s, with the same
multiplicity.

The connections onto a parrot deliver 1 per spike whatever their weight (the
synapse table stores unit weights for them), so the excitatory ring slot of a
parrot holds the number of spikes due in this step.
"""
from numba import njit


@njit(cache=True, nogil=True, error_model="numpy")
def update_parrot(s, I, g0, ring_row, istim, spk_idx, spk_mult, n_spk, seed):
    """I[0]: the number of spikes each parrot re-emitted in the last step."""
    n = I.shape[1]
    half = ring_row.shape[0] // 2
    for i in range(n):
        count = int(ring_row[g0 + i] + 0.5)
        ring_row[g0 + i] = 0.0
        ring_row[half + g0 + i] = 0.0
        I[0, i] = count
        if count > 0:
            spk_idx[n_spk] = g0 + i
            spk_mult[n_spk] = count
            n_spk += 1
    return n_spk
