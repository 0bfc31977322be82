"""STDP synapses in the compiled loop (NEST's stdp_synapse / stdp_pl_synapse_hom).

Synapses are kept in groups, one per (projection, delay); each group has a CSR
by presynaptic neuron (``row_ptr``; per synapse the postsynaptic index ``post``
int32 and the weight magnitude ``w`` float64) and a transposed index by
postsynaptic neuron (``trow_ptr``, ``tpos`` int32: the positions of the
neuron's incoming synapses in the forward arrays, increasing): 16 bytes per
synapse. Positions and row pointers are relative to the group.

The whole delay D (steps) is dendritic: a postsynaptic spike of step s'
reaches the synapse at the end of step s' + D (its arrival). As in NEST, a
synapse is updated when its presynaptic neuron spikes, in step s:

1. potentiation by every postsynaptic spike that arrived since the synapse's
   last update, in (last, s], oldest first, with K+ at the arrival, once per
   unit of multiplicity;
2. depression with K- (the postsynaptic spikes that arrived before s), and
   transmission of the new weight into the ring slot of step s + D;
3. K+ of the presynaptic neuron gains 1.

Coincident arrivals do not pair (an arrival at s potentiates with the K+ of
the spikes before s and is not in the K- of s). These are the pairs, in the
order, of NEST's event-driven scheme, and of a scheme that potentiates at
every arrival: a weight receives the same operations in the same order. The
lazy scheme reads each weight in its row, in memory order; potentiating at
the arrival would visit every incoming synapse of the spiking neuron, one
scattered access each (the engine did so until this was measured slower).

State:

- K+ per (projection, presynaptic neuron), kept as NEST keeps it: its value
  ``kp`` just after the neuron's last spike and that spike's step ``kstep``;
  at step s it is kp * exp(-(s - kstep) dt / tau_plus) (a table ``etab`` of
  these factors for the first steps, exp beyond). Each target partition keeps
  its own copy (row ``part`` of kp, kstep): the windowed loop replays a step
  up to W steps late, so the copy advances with the partition's replay.
- K- per (group, postsynaptic neuron), decayed once per step.
- The spike history of every neuron: the steps and multiplicities of its last
  C spikes (``ps_step``, ``ps_mult``, ring rows of length C, a power of two
  >= the longest delay) and their count ``ps_count``; the last two steps and
  the last multiplicity again in one small row of ``ps_recent``, which is all
  a synapse reads unless two or more spikes are pending. When a neuron
  spikes with a full history, its oldest spike first potentiates every
  synapse onto it that has not yet taken it (through the transposed index;
  one rarely has not, and the walk then reads no weight): its arrival is at
  most the current step because C >= D, so the order above is kept.
- The step history of all spikes of the last max delay + W steps
  (``hist_*``), through which postsynaptic arrivals enter K-.

A weight is potentiated lazily; its current value, read without changing the
state, is the stored one plus the potentiation still pending
(:func:`effective_weights`); ``flushed[0]``: every arrival up to this step
has been applied (written by :func:`effective_weights` run in place, before
weights or rule parameters are set between runs).

For threads, the phase runs in three calls: ``stdp_phase_begin`` (the step
history) on one thread, ``stdp_phase_part`` once per target partition
(partition.py; the forward rows are split by partition, row ``pre * n_parts +
part``), in parallel, and ``stdp_phase_end`` (weight samples) on one thread.
Every synapse, trace and ring entry sees the same operations in the same order
for any number of partitions and any W.
"""
import math

from numba import njit

# integer columns of the group table ``gi``
G_PRE0, G_NPRE, G_POST0, G_NPOST, G_COL0, G_D, G_SYN0, G_ROW0, G_TROW0, G_KP0, G_KM0, \
    G_KIND, G_SPEC, G_NI = range(14)
# float columns of ``gf``
F_A_PLUS, F_A_MINUS, F_W_MIN, F_W_MAX, F_MU_PLUS, F_MU_MINUS, F_SIGN, F_DECAY_MINUS, F_NF = range(9)
# rule kinds
KIND_GUTIG, KIND_POWER_LAW, KIND_FROZEN = 0, 1, 2
# columns of the K+ segment table ``kseg`` (one row per projection)
K_PRE0, K_NPRE, K_START, K_NK = range(4)
#: steps of the K+ decay table per projection
DECAY_TABLE_STEPS = 4096
#: spikes kept per neuron at least (ring length: a power of two >= the longest delay)
MIN_HISTORY = 16
# columns of ``ps_recent`` (per neuron: its last two spike steps and the last
# one's multiplicity)
R_LAST, R_PREV, R_MULT, R_NR = range(4)


@njit(cache=True, nogil=True, inline="always")
def _pow(x, mu):
    if mu == 1.0:
        return x
    if mu == 0.0:
        return 1.0
    return x ** mu


@njit(cache=True, nogil=True, inline="always")
def facilitate(w, k, kind, a_plus, w_min, w_max, mu_plus):
    """Potentiation of the weight magnitude w with presynaptic trace k."""
    if kind == KIND_GUTIG:
        r = w_max - w_min
        x = (w - w_min) / r
        x = x + a_plus * _pow(1.0 - x, mu_plus) * k
        return w_min + x * r if x < 1.0 else w_max
    if kind == KIND_POWER_LAW:
        return w + a_plus * _pow(w, mu_plus) * k
    return w


@njit(cache=True, nogil=True, inline="always")
def depress(w, k, kind, a_minus, w_min, w_max, mu_minus):
    """Depression of the weight magnitude w with postsynaptic trace k."""
    if kind == KIND_GUTIG:
        r = w_max - w_min
        x = (w - w_min) / r
        x = x - a_minus * _pow(x, mu_minus) * k
        return w_min + x * r if x > 0.0 else w_min
    if kind == KIND_POWER_LAW:
        nw = w - a_minus * w * k
        return nw if nw > 0.0 else 0.0
    return w


@njit(cache=True, nogil=True)
def fill_decay_table(rate, table):
    """table[n] = exp(-n * rate), as :func:`kplus_decay` computes beyond the table."""
    for n in range(table.shape[0]):
        table[n] = math.exp(-n * rate)


@njit(cache=True, nogil=True, inline="always")
def kplus_decay(etab, krate, r, n):
    """exp(-n dt / tau_plus) of projection r."""
    if n < etab.shape[1]:
        return etab[r, n]
    return math.exp(-n * krate[r])


@njit(cache=True, nogil=True, inline="always")
def _potentiate(wv, kk, m, kind, a_plus, w_min, w_max, mu_plus):
    """wv potentiated m times with presynaptic trace kk (none if kk is 0)."""
    if kk != 0.0:
        for _ in range(m):
            wv = facilitate(wv, kk, kind, a_plus, w_min, w_max, mu_plus)
    return wv


@njit(cache=True, nogil=True, error_model="numpy")
def pending_potentiation(wv, t, d, kpv, ks, done, s_now, ps_recent, ps_step, ps_mult, ps_count,
                         etab, krate, r, kind, a_plus, w_min, w_max, mu_plus):
    """wv potentiated by the spikes of neuron t that reached the synapse (delay
    d) in (done, s_now], oldest first, with the K+ of a presynaptic neuron whose
    last spike was in step ks with value kpv. The last spike is read from
    ``ps_recent``, older ones from t's history ring. (stdp_phase_part takes
    the common case, one pending spike, itself: a call costs more than it.)"""
    if ps_recent[t, R_LAST] + d <= done or kpv == 0.0:
        return wv
    mask = ps_step.shape[1] - 1
    c = ps_count[t]
    oldest = max(c - ps_step.shape[1], 0)
    j = c - 1
    while j > oldest and ps_step[t, (j - 1) & mask] + d > done:
        j -= 1
    for e in range(j, c):
        a = ps_step[t, e & mask] + d
        if a > s_now:
            break
        wv = _potentiate(wv, kpv * kplus_decay(etab, krate, r, a - ks), ps_mult[t, e & mask],
                         kind, a_plus, w_min, w_max, mu_plus)
    return wv


@njit(cache=True, nogil=True, inline="always")
def _row_after(row_ptr, row0, n_rows, r, pos):
    """The row (relative to row0, at least r) holding position pos: rows
    increase along a transposed row, so the search gallops forward from the
    previous one, then bisects."""
    if row_ptr[row0 + r + 1] > pos:
        return r
    a = r + 1
    b = a
    step = 1
    while row_ptr[row0 + b + 1] <= pos:
        a = b + 1
        b += step
        step *= 2
        if b > n_rows - 1:
            b = n_rows - 1
    while a < b:
        mid = (a + b) >> 1
        if row_ptr[row0 + mid + 1] <= pos:
            a = mid + 1
        else:
            b = mid
    return a


@njit(cache=True, nogil=True, error_model="numpy")
def _pass_oldest(t, s_e, m_e, part, n_parts, gi, gf, etab, krate, kp, kstep, flushed, row_ptr,
                 trow_ptr, w, tpos):
    """Potentiate every synapse onto neuron t that has not yet taken its spike
    of step s_e (multiplicity m_e), about to leave t's history."""
    kpp, ksp = kp[part], kstep[part]
    for g in range(gi.shape[0]):
        kind = gi[g, G_KIND]
        q = t - gi[g, G_POST0]
        if kind == KIND_FROZEN or q < 0 or q >= gi[g, G_NPOST]:
            continue
        a = s_e + gi[g, G_D]
        if a <= flushed[0]:
            continue
        syn0, row0, trow0, kp0, r = gi[g, G_SYN0], gi[g, G_ROW0], gi[g, G_TROW0], \
            gi[g, G_KP0], gi[g, G_SPEC]
        n_rows = gi[g, G_NPRE] * n_parts
        a_plus, w_min, w_max, mu_plus = gf[g, F_A_PLUS], gf[g, F_W_MIN], gf[g, F_W_MAX], \
            gf[g, F_MU_PLUS]
        row = 0
        for k in range(trow_ptr[trow0 + q], trow_ptr[trow0 + q + 1]):
            pos = tpos[syn0 + k]
            row = _row_after(row_ptr, row0, n_rows, row, pos)
            i = kp0 + row // n_parts
            ks = ksp[i]
            if a <= ks:
                continue
            kk = kpp[i] * kplus_decay(etab, krate, r, a - ks)
            if kk != 0.0:
                wv = w[syn0 + pos]
                for _ in range(m_e):
                    wv = facilitate(wv, kk, kind, a_plus, w_min, w_max, mu_plus)
                w[syn0 + pos] = wv


@njit(cache=True, nogil=True, error_model="numpy")
def stdp_phase_begin(s, slot, depth, dt, ring, n_spk, spk_idx, spk_mult, part, n_parts, lo, hi,
                     gi, gf, kseg, etab, krate, kp, kstep, flushed, km, row_ptr, trow_ptr, post, w,
                     tpos, hist_idx, hist_mult, hist_n, ps_recent, ps_step, ps_mult, ps_count,
                     wr_tab, wr_pos, wr_sign, wr_out):
    """Before the partitions run (one thread): store the step's spikes in the
    step history."""
    H = hist_n.shape[0]
    hs = s % H
    for j in range(n_spk):
        hist_idx[hs, j] = spk_idx[j]
        hist_mult[hs, j] = spk_mult[j]
    hist_n[hs] = n_spk


@njit(cache=True, nogil=True, error_model="numpy")
def stdp_phase_part(s, slot, depth, dt, ring, n_spk, spk_idx, spk_mult, part, n_parts, lo, hi,
                    gi, gf, kseg, etab, krate, kp, kstep, flushed, km, row_ptr, trow_ptr, post, w,
                    tpos, hist_idx, hist_mult, hist_n, ps_recent, ps_step, ps_mult, ps_count,
                    wr_tab, wr_pos, wr_sign, wr_out):
    """Step s for the synapses onto targets ``lo <= i < hi`` (partition
    ``part`` of ``n_parts``): K- decay, the spike histories of these targets,
    the update and transmission of every synapse whose presynaptic neuron
    spiked, K- and K+ (this partition's copy). Touches only those targets'
    traces, histories, weights and ring entries."""
    H = hist_n.shape[0]
    C = ps_step.shape[1]
    flush = flushed[0]
    kpp, ksp = kp[part], kstep[part]
    for g in range(gi.shape[0]):
        d = gf[g, F_DECAY_MINUS]
        post0 = gi[g, G_POST0]
        q0 = max(lo - post0, 0)
        q1 = min(hi - post0, gi[g, G_NPOST])
        for q in range(q0, q1):
            km[gi[g, G_KM0] + q] *= d
    # this step's spikes enter their neurons' histories; a full history first
    # passes its oldest spike (which has reached every synapse: C >= D) on
    for j in range(n_spk):
        t = spk_idx[j]
        if t < lo or t >= hi:
            continue
        c = ps_count[t]
        e = c & (C - 1)
        if c >= C:
            _pass_oldest(t, ps_step[t, e], ps_mult[t, e], part, n_parts, gi, gf, etab, krate, kp,
                         kstep, flushed, row_ptr, trow_ptr, w, tpos)
        m = spk_mult[j]
        ps_step[t, e] = s
        ps_mult[t, e] = m
        ps_count[t] = c + 1
        ps_recent[t, R_PREV] = ps_recent[t, R_LAST]
        ps_recent[t, R_LAST] = s
        ps_recent[t, R_MULT] = m
    # pending potentiation, depression and transmission of this step's presynaptic spikes
    for g in range(gi.shape[0]):
        pre0, npre = gi[g, G_PRE0], gi[g, G_NPRE]
        d = gi[g, G_D]
        sl = slot + d
        if sl >= depth:
            sl -= depth
        ring_row = ring[sl]
        syn0, row0, km0, col0, post0 = gi[g, G_SYN0], gi[g, G_ROW0], gi[g, G_KM0], \
            gi[g, G_COL0], gi[g, G_POST0]
        kp0, r, kind = gi[g, G_KP0], gi[g, G_SPEC], gi[g, G_KIND]
        a_plus, a_minus, w_min, w_max = gf[g, F_A_PLUS], gf[g, F_A_MINUS], gf[g, F_W_MIN], \
            gf[g, F_W_MAX]
        mu_plus, mu_minus, sign = gf[g, F_MU_PLUS], gf[g, F_MU_MINUS], gf[g, F_SIGN]
        decay_row, rate, n_table = etab[r], krate[r], etab.shape[1]
        for j in range(n_spk):
            i = spk_idx[j] - pre0
            if i < 0 or i >= npre:
                continue
            fm = sign * spk_mult[j]
            row = row0 + i * n_parts + part
            kpv, ks = kpp[kp0 + i], ksp[kp0 + i]
            done = max(ks, flush)
            for k in range(syn0 + row_ptr[row], syn0 + row_ptr[row + 1]):
                q = post[k]
                wv = w[k]
                if kind != KIND_FROZEN:
                    t = post0 + q
                    a = ps_recent[t, R_LAST] + d
                    if a > done and kpv != 0.0:
                        if ps_recent[t, R_PREV] + d <= done:
                            # one pending spike: the common case, taken here
                            if a <= s:
                                n = a - ks
                                f = decay_row[n] if n < n_table else math.exp(-n * rate)
                                wv = _potentiate(wv, kpv * f, ps_recent[t, R_MULT], kind,
                                                 a_plus, w_min, w_max, mu_plus)
                        else:
                            wv = pending_potentiation(wv, t, d, kpv, ks, done, s, ps_recent,
                                                      ps_step, ps_mult, ps_count, etab, krate, r,
                                                      kind, a_plus, w_min, w_max, mu_plus)
                    kk = km[km0 + q]
                    if kk != 0.0:
                        wv = depress(wv, kk, kind, a_minus, w_min, w_max, mu_minus)
                    w[k] = wv
                ring_row[col0 + q] += wv * fm
    # the postsynaptic spikes arriving in step s enter K- (this partition's targets)
    for g in range(gi.shape[0]):
        src_step = s - gi[g, G_D]
        if src_step < 0:
            continue
        src = src_step % H
        post0, npost, km0 = gi[g, G_POST0], gi[g, G_NPOST], gi[g, G_KM0]
        for j in range(hist_n[src]):
            t = hist_idx[src, j]
            q = t - post0
            if 0 <= q < npost and lo <= t < hi:
                km[km0 + q] += hist_mult[src, j]
    # the presynaptic spikes of step s enter K+ (once per spike, as in NEST)
    for r in range(kseg.shape[0]):
        pre0, npre, start = kseg[r, K_PRE0], kseg[r, K_NPRE], kseg[r, K_START]
        for j in range(n_spk):
            i = spk_idx[j] - pre0
            if 0 <= i < npre:
                x = start + i
                kpp[x] = kpp[x] * kplus_decay(etab, krate, r, s - ksp[x]) + 1.0
                ksp[x] = s


@njit(cache=True, nogil=True, error_model="numpy")
def stdp_phase_end(s, slot, depth, dt, ring, n_spk, spk_idx, spk_mult, part, n_parts, lo, hi,
                   gi, gf, kseg, etab, krate, kp, kstep, flushed, km, row_ptr, trow_ptr, post, w,
                   tpos, hist_idx, hist_mult, hist_n, ps_recent, ps_step, ps_mult, ps_count,
                   wr_tab, wr_pos, wr_sign, wr_out):
    """After the partitions (one thread): the weight samples of step s."""
    record_current_weights(s, gi, gf, etab, krate, kp, kstep, flushed, row_ptr, post, w,
                           ps_recent, ps_step, ps_mult, ps_count, wr_tab, wr_pos, wr_sign, wr_out)


@njit(cache=True, nogil=True, error_model="numpy")
def effective_weights(s_now, g_first, g_last, out, gi, gf, etab, krate, kp, kstep, flushed,
                      row_ptr, post, w, ps_recent, ps_step, ps_mult, ps_count):
    """out[k] = the weight of synapse k of groups g_first..g_last - 1 at the
    end of step s_now: w[k] and the potentiation still pending. With ``out``
    w itself, this applies it (then set flushed[0] = s_now)."""
    n_parts = kp.shape[0]
    flush = flushed[0]
    for g in range(g_first, g_last):
        kind = gi[g, G_KIND]
        syn0, row0, kp0, r, d, post0 = gi[g, G_SYN0], gi[g, G_ROW0], gi[g, G_KP0], \
            gi[g, G_SPEC], gi[g, G_D], gi[g, G_POST0]
        a_plus, w_min, w_max, mu_plus = gf[g, F_A_PLUS], gf[g, F_W_MIN], gf[g, F_W_MAX], \
            gf[g, F_MU_PLUS]
        for i in range(gi[g, G_NPRE]):
            for part in range(n_parts):
                row = row0 + i * n_parts + part
                kpv, ks = kp[part, kp0 + i], kstep[part, kp0 + i]
                done = max(ks, flush)
                for k in range(syn0 + row_ptr[row], syn0 + row_ptr[row + 1]):
                    wv = w[k]
                    if kind != KIND_FROZEN:
                        wv = pending_potentiation(wv, post0 + post[k], d, kpv, ks, done, s_now,
                                                  ps_recent, ps_step, ps_mult, ps_count, etab,
                                                  krate, r, kind, a_plus, w_min, w_max, mu_plus)
                    out[k] = wv


@njit(cache=True, nogil=True, error_model="numpy")
def weight_at(pos, s_now, gi, gf, etab, krate, kp, kstep, flushed, row_ptr, post, w, ps_recent,
              ps_step, ps_mult, ps_count):
    """The weight of the synapse at position pos at the end of step s_now (see
    effective_weights)."""
    n_parts = kp.shape[0]
    g = 0
    while g < gi.shape[0] - 1 and pos >= gi[g + 1, G_SYN0]:
        g += 1
    kind = gi[g, G_KIND]
    if kind == KIND_FROZEN:
        return w[pos]
    syn0, row0 = gi[g, G_SYN0], gi[g, G_ROW0]
    k = pos - syn0
    # the last row starting at or before k (empty rows start where the next one does)
    a, b = 0, gi[g, G_NPRE] * n_parts - 1
    while a < b:
        mid = (a + b + 1) >> 1
        if row_ptr[row0 + mid] <= k:
            a = mid
        else:
            b = mid - 1
    i, part = a // n_parts, a % n_parts
    x = gi[g, G_KP0] + i
    ks = kstep[part, x]
    return pending_potentiation(w[pos], gi[g, G_POST0] + post[pos], gi[g, G_D], kp[part, x], ks,
                                max(ks, flushed[0]), s_now, ps_recent, ps_step, ps_mult, ps_count,
                                etab, krate, gi[g, G_SPEC], kind, gf[g, F_A_PLUS],
                                gf[g, F_W_MIN], gf[g, F_W_MAX], gf[g, F_MU_PLUS])


# columns of the weight-recording table ``wr_tab`` (one row per recorded projection)
W_INTERVAL, W_FIRST, W_N, W_OUT_START, W_COUNT, W_NW = range(6)


@njit(cache=True, nogil=True, error_model="numpy")
def record_weights(s, w, wr_tab, wr_pos, wr_sign, wr_out):
    """Sample recorded weights at the end of step s when the interval divides
    s + 1: ``w[wr_pos] * wr_sign`` (the signed weight) of each table row's
    columns, appended to its part of ``wr_out`` (weights updated eagerly:
    the Clopath synapse)."""
    for r in range(wr_tab.shape[0]):
        iv = wr_tab[r, W_INTERVAL]
        if (s + 1) % iv != 0:
            continue
        first, n = wr_tab[r, W_FIRST], wr_tab[r, W_N]
        out = wr_tab[r, W_OUT_START] + wr_tab[r, W_COUNT] * n
        for c in range(n):
            wr_out[out + c] = w[wr_pos[first + c]] * wr_sign[first + c]
        wr_tab[r, W_COUNT] += 1


@njit(cache=True, nogil=True, error_model="numpy")
def record_current_weights(s, gi, gf, etab, krate, kp, kstep, flushed, row_ptr, post, w,
                           ps_recent, ps_step, ps_mult, ps_count, wr_tab, wr_pos, wr_sign,
                           wr_out):
    """record_weights for STDP synapses, whose weights carry pending
    potentiation (weight_at): the signed weight (``wr_sign`` times the magnitude) of each table
    row's synapses, appended to its part of ``wr_out``."""
    for r in range(wr_tab.shape[0]):
        iv = wr_tab[r, W_INTERVAL]
        if (s + 1) % iv != 0:
            continue
        first, n = wr_tab[r, W_FIRST], wr_tab[r, W_N]
        out = wr_tab[r, W_OUT_START] + wr_tab[r, W_COUNT] * n
        for c in range(n):
            wr_out[out + c] = wr_sign[first + c] * weight_at(
                wr_pos[first + c], s, gi, gf, etab, krate, kp, kstep, flushed, row_ptr, post, w,
                ps_recent, ps_step, ps_mult, ps_count)
        wr_tab[r, W_COUNT] += 1
