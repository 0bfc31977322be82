"""Target partitions: how the work of one step is split between threads.

With ``setup(threads=N)`` the neurons are cut into N contiguous ranges of
internal indices (partitions). In each step, thread p updates the neurons of
partition p and then delivers every spike of the step, but only to synapses
whose target lies in partition p: the static CSR, the PoissonGenerator drive
and the STDP synapses keep each row split by target partition (row ``r * N +
p``). No two threads ever write the same ring-buffer entry, weight or trace,
and every ring-buffer entry receives its additions in the same order as with
one thread (spikes in list order, then synapses in row order), so results are
bit-identical for every N; the cut points only decide how evenly the work is
shared.

The cut points balance an estimate of each target's work per step: its
neuron update plus its incoming synapses (plastic ones weigh more) and
PoissonGenerator connections (a draw every step). A cut inside a block whose
update runs split (``ModelKernel.splittable``) falls on a multiple of 8 from
the block's start, where its spike flags can be cut into whole 64-bit words.
"""
import numpy as np
from numba import njit

from .native import NativeSource

#: estimated work per step, in units of one neuron update (~3.4 ns), measured
#: per partition on the CUBA-STDP seed (windowed loop, one thread): a static
#: synapse event ~4.8 ns, an STDP synapse ~32 ns per presynaptic event
#: (pending potentiation, depression, transmission), a PoissonGenerator draw
#: ~6.2 ns every step; a synapse carries an event in a step with probability
#: rate * dt (10 Hz assumed, so the per-event figures are scaled to it)
_NEURON = 1.0
_STATIC_EVENT = 1.4
_PLASTIC_EVENT = 9.4
_DRIVE_DRAW = 1.8
_ASSUMED_RATE_HZ = 10.0
#: seconds of work of one unit (a neuron update), as measured with the constants above
_UNIT_S = 3.4e-9
#: least estimated work (s) each thread must get between two synchronisations
#: for a further thread to pay: waking the threads for a parallel region cost
#: 50-180 us on the 2-core machine these were measured on, and the VA
#: benchmarks (about 15 us of work per step, two steps per window) ran 2.2
#: times slower on two threads than on one
MIN_WORK_PER_THREAD_S = 2.5e-4


@njit(cache=True, nogil=True)
def _add_counts(idx, offset, weight, out):
    """out[offset + idx[i]] += weight for every i (a bincount without copies)."""
    for i in range(idx.shape[0]):
        out[offset + idx[i]] += weight


def _costs(network, layout, drive_projections, plastic_projections, static_projections):
    cost = np.full(layout.n_total, _NEURON)
    p_event = _ASSUMED_RATE_HZ * network.dt * 1e-3
    for specs, weight in ((static_projections, _STATIC_EVENT * p_event),
                          (plastic_projections, _PLASTIC_EVENT * p_event),
                          (drive_projections, _DRIVE_DRAW)):
        for p in specs:
            if p.native_rule is not None:
                # a native rule's expected in-degree per target (not drawn for this)
                cells, per = NativeSource(p, network).expected_indegree()
                cost[layout.pop_offset[p.post] + cells] += per * weight
                continue
            post = np.asarray(p.post_indices)
            if post.dtype.kind not in "iu":
                post = post.astype(np.int64)
            _add_counts(post, layout.pop_offset[p.post], weight, cost)
    return cost


def _aligned(bound, layout, whole_blocks):
    """Move a cut point inside a splittable block onto a multiple of 8 from the
    block's start (rounded to the nearer one); with ``whole_blocks``, a cut
    inside any other block onto the nearer end of that block."""
    for b in layout.blocks:
        if b.g0 < bound < b.g0 + b.n:
            if b.model.splittable:
                off = int(round((bound - b.g0) / 8.0)) * 8
                return min(b.g0 + off, b.g0 + b.n)
            if whole_blocks:
                return b.g0 if bound - b.g0 <= b.g0 + b.n - bound else b.g0 + b.n
    return bound


def threads_to_use(requested, network, layout, drive_projections, plastic_projections,
                   static_projections, steps_per_sync):
    """How many of the ``requested`` threads the network can keep busy: at most
    one per MIN_WORK_PER_THREAD_S of the work estimated between two
    synchronisations of the threads (``steps_per_sync`` steps), at least one.
    Results do not depend on it (they are the same for every thread count)."""
    if requested <= 1 or MIN_WORK_PER_THREAD_S <= 0.0:
        return max(int(requested), 1)
    work = _costs(network, layout, drive_projections, plastic_projections,
                  static_projections).sum() * _UNIT_S * steps_per_sync
    return int(min(requested, max(1, work // MIN_WORK_PER_THREAD_S)))


def shortest_delay_steps(network, projections):
    """The shortest delay (steps, at least 1) of the given projections, from the
    network description (a native rule's lowest possible delay)."""
    shortest = []
    for p in projections:
        if p.native_rule is not None:
            shortest.append(p.native_rule["delay_range"][0])
        elif len(p.delays):
            shortest.append(float(np.min(p.delays)))
    return max(int(round(min(shortest, default=network.dt) / network.dt)), 1)


def partition_bounds(n_parts, network, layout, drive_projections=(), plastic_projections=(),
                     static_projections=(), whole_blocks=False):
    """Cut points (int64, length n_parts + 1, from 0 to n_total) of the target
    partitions; with ``whole_blocks`` no cut falls inside a block whose update
    cannot be split (the windowed loop updates such a block on one thread)."""
    n = layout.n_total
    if n_parts <= 1 or n == 0:
        return np.array([0, n], np.int64)
    cum = np.cumsum(_costs(network, layout, drive_projections, plastic_projections,
                           static_projections))
    targets = cum[-1] * np.arange(1, n_parts) / n_parts
    cuts = [_aligned(int(np.searchsorted(cum, t)) + 1, layout, whole_blocks) for t in targets]
    bounds = np.array([0] + cuts + [n], np.int64)
    return np.maximum.accumulate(np.minimum(bounds, n))


def part_of(bounds, internal):
    """The partition of each target internal index."""
    return (np.searchsorted(bounds, internal, side="right") - 1).astype(np.int64)


def block_chunks(block, bounds):
    """(lo, hi) arrays, relative to the block, of the block's columns in each
    partition (empty ranges where a partition does not meet the block)."""
    lo = np.clip(bounds[:-1] - block.g0, 0, block.n).astype(np.int64)
    hi = np.clip(bounds[1:] - block.g0, 0, block.n).astype(np.int64)
    return lo, hi
