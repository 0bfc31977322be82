"""STDP synapses in the compiled loop (NEST's stdp_synapse / stdp_pl_synapse_hom).

Synapses are kept in groups, one per (projection, delay); each group has a CSR
by presynaptic neuron (``row_ptr``; per synapse the postsynaptic index ``post``
int32 and the weight magnitude ``w`` float64) and a transposed index by
postsynaptic neuron (``trow_ptr``, ``tpos`` int32: the positions of the
neuron's incoming synapses in the forward arrays, increasing), through which
postsynaptic spikes reach the same weights: 16 bytes per synapse. Positions
and row pointers are relative to the group.

Traces, decayed once per step: K+ per (projection, presynaptic neuron) and K-
per (group, postsynaptic neuron). Because the whole delay d is dendritic, a
postsynaptic spike of step s' reaches the synapse at the end of step s' + D
(D = d in steps); the spikes of the last D steps are kept in a ring
(``hist_*``). In step s (synapse time t = (s+1)*dt) the phase runs:

1. store this step's spikes in the history ring; decay K+ and K- by one step;
2. potentiation: every postsynaptic spike that reaches the synapse at t walks
   its transposed row and potentiates with K+ (presynaptic spikes up to t - dt,
   i.e. strictly before t), once per unit of multiplicity;
3. depression and transmission: every presynaptic spike of step s walks its
   row, depresses with K- (postsynaptic spikes that reached the synapse before
   t) and delivers the new weight into the ring slot of step s + D;
4. K- += multiplicity for the postsynaptic spikes of step 2; K+ += 1 for the
   presynaptic spikes of step 3.

This is NEST's event-driven scheme replayed in time order: the same pairs, the
same order (potentiation by a postsynaptic spike at t - d before depression by
the presynaptic spike at t; coincident arrivals do not pair).

For threads, the phase runs in three calls: ``stdp_phase_begin`` (history, K+
decay and its snapshot ``kp_win[s % W]``) on one thread, ``stdp_phase_part``
once per target partition (partition.py; the forward rows are split by
partition, row ``pre * n_parts + part``; steps 1-3 and the K- half of step 4),
in parallel, and ``stdp_phase_end`` (the K+ half of step 4) on one thread. The
partitions read K+ from the snapshot, so the windowed loop (codegen.py) can
run them up to W steps after ``begin``; the spike history holds max delay + W
steps for the same reason. Every synapse, trace and ring entry sees the same
operations in the same order for any number of partitions and any W.
"""
from numba import njit

# integer columns of the group table ``gi``
G_PRE0, G_NPRE, G_POST0, G_NPOST, G_COL0, G_D, G_SYN0, G_ROW0, G_TROW0, G_KP0, G_KM0, \
    G_KIND, G_NI = range(13)
# float columns of ``gf``
F_A_PLUS, F_A_MINUS, F_W_MIN, F_W_MAX, F_MU_PLUS, F_MU_MINUS, F_SIGN, F_DECAY_MINUS, F_NF = range(9)
# rule kinds
KIND_GUTIG, KIND_POWER_LAW, KIND_FROZEN = 0, 1, 2
# columns of the K+ segment table ``kseg`` (one row per projection)
K_PRE0, K_NPRE, K_START, K_NK = range(4)


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


@njit(cache=True, nogil=True, error_model="numpy")
def stdp_phase_begin(s, slot, depth, dt, ring, n_spk, spk_idx, spk_mult, part, n_parts, lo, hi,
                     gi, gf, kseg, kdecay, kp, km, row_ptr, trow_ptr, post, w, tpos, kbuf,
                     hist_idx, hist_mult, hist_n, wr_tab, wr_pos, wr_sign, wr_out, kp_win):
    """Before the partitions run (one thread): store the step's spikes in the
    history ring and decay K+ (read by every partition)."""
    H = hist_n.shape[0]
    hs = s % H
    for j in range(n_spk):
        hist_idx[hs, j] = spk_idx[j]
        hist_mult[hs, j] = spk_mult[j]
    hist_n[hs] = n_spk
    kw = kp_win[s % kp_win.shape[0]]
    for p in range(kseg.shape[0]):
        d = kdecay[p]
        for i in range(kseg[p, K_START], kseg[p, K_START] + kseg[p, K_NPRE]):
            kp[i] *= d
            kw[i] = kp[i]


@njit(cache=True, nogil=True, error_model="numpy")
def stdp_phase_part(s, slot, depth, dt, ring, n_spk, spk_idx, spk_mult, part, n_parts, lo, hi,
                    gi, gf, kseg, kdecay, kp, km, row_ptr, trow_ptr, post, w, tpos, kbuf,
                    hist_idx, hist_mult, hist_n, wr_tab, wr_pos, wr_sign, wr_out, kp_win):
    """Steps 1-3 for the synapses onto targets ``lo <= i < hi`` (partition
    ``part`` of ``n_parts``; the rows of the forward CSR are split by partition):
    K- decay, potentiation, depression and transmission. Touches only those
    targets' traces, weights and ring entries."""
    H = hist_n.shape[0]
    buf = kbuf[part]
    kw = kp_win[s % kp_win.shape[0]]
    for g in range(gi.shape[0]):
        d = gf[g, F_DECAY_MINUS]
        post0 = gi[g, G_POST0]
        q0 = max(lo - post0, 0)
        q1 = min(hi - post0, gi[g, G_NPOST])
        for q in range(q0, q1):
            km[gi[g, G_KM0] + q] *= d
    # 2. potentiation by the postsynaptic spikes reaching the synapses now
    for g in range(gi.shape[0]):
        src_step = s - gi[g, G_D]
        kind = gi[g, G_KIND]
        if src_step < 0 or kind == KIND_FROZEN:
            continue
        src = src_step % H
        post0, npost = gi[g, G_POST0], gi[g, G_NPOST]
        syn0, row0, trow0, kp0 = gi[g, G_SYN0], gi[g, G_ROW0], gi[g, G_TROW0], gi[g, G_KP0]
        n_rows = gi[g, G_NPRE] * n_parts
        a_plus, w_min, w_max, mu_plus = gf[g, F_A_PLUS], gf[g, F_W_MIN], gf[g, F_W_MAX], \
            gf[g, F_MU_PLUS]
        for j in range(hist_n[src]):
            t = hist_idx[src, j]
            q = t - post0
            if q < 0 or q >= npost or t < lo or t >= hi:
                continue
            m = hist_mult[src, j]
            r = 0
            pre = 0
            k0, k1 = trow_ptr[trow0 + q], trow_ptr[trow0 + q + 1]
            # pass 1 (sequential): K+ of each incoming synapse's presynaptic neuron
            for k in range(k0, k1):
                pos = tpos[syn0 + k]
                # the row holding pos: rows increase along the transposed row, so
                # search forward from the previous one (galloping, then bisection)
                if row_ptr[row0 + r + 1] <= pos:
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
                    r = a
                    pre = r // n_parts          # once per row, not per synapse
                buf[k - k0] = kw[kp0 + pre]
            # pass 2: the weights, scattered in memory; independent iterations let
            # the processor overlap their cache misses
            for k in range(k0, k1):
                kk = buf[k - k0]
                if kk != 0.0:
                    pos = syn0 + tpos[syn0 + k]
                    wv = w[pos]
                    for _ in range(m):
                        wv = facilitate(wv, kk, kind, a_plus, w_min, w_max, mu_plus)
                    w[pos] = wv
    # 3. depression and transmission of this step's presynaptic spikes
    for g in range(gi.shape[0]):
        pre0, npre = gi[g, G_PRE0], gi[g, G_NPRE]
        sl = slot + gi[g, G_D]
        if sl >= depth:
            sl -= depth
        ring_row = ring[sl]
        syn0, row0, km0, col0 = gi[g, G_SYN0], gi[g, G_ROW0], gi[g, G_KM0], gi[g, G_COL0]
        kind = gi[g, G_KIND]
        a_minus, w_min, w_max, mu_minus = gf[g, F_A_MINUS], gf[g, F_W_MIN], gf[g, F_W_MAX], \
            gf[g, F_MU_MINUS]
        sign = gf[g, F_SIGN]
        for j in range(n_spk):
            i = spk_idx[j] - pre0
            if i < 0 or i >= npre:
                continue
            fm = sign * spk_mult[j]
            row = row0 + i * n_parts + part
            for k in range(syn0 + row_ptr[row], syn0 + row_ptr[row + 1]):
                q = post[k]
                kk = km[km0 + q]
                wv = w[k]
                if kk != 0.0:
                    wv = depress(wv, kk, kind, a_minus, w_min, w_max, mu_minus)
                    w[k] = wv
                ring_row[col0 + q] += wv * fm
    # 4a. the postsynaptic spikes of step 2 enter K- (this partition's targets)
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


@njit(cache=True, nogil=True, error_model="numpy")
def stdp_phase_end(s, slot, depth, dt, ring, n_spk, spk_idx, spk_mult, part, n_parts, lo, hi,
                   gi, gf, kseg, kdecay, kp, km, row_ptr, trow_ptr, post, w, tpos, kbuf,
                   hist_idx, hist_mult, hist_n, wr_tab, wr_pos, wr_sign, wr_out, kp_win):
    """After the partitions (one thread): step 4b, the presynaptic spikes of
    step 3 enter K+; then the weight samples."""
    for p in range(kseg.shape[0]):
        pre0, npre, start = kseg[p, K_PRE0], kseg[p, K_NPRE], kseg[p, K_START]
        for j in range(n_spk):
            i = spk_idx[j] - pre0
            if 0 <= i < npre:
                kp[start + i] += 1.0
    record_weights(s, w, wr_tab, wr_pos, wr_sign, wr_out)


# columns of the weight-recording table ``wr_tab`` (one row per recorded projection)
W_INTERVAL, W_FIRST, W_N, W_OUT_START, W_COUNT, W_NW = range(6)


@njit(cache=True, nogil=True, error_model="numpy")
def record_weights(s, w, wr_tab, wr_pos, wr_sign, wr_out):
    """Sample recorded weights at the end of step s when the interval divides
    s + 1: ``w[wr_pos] * wr_sign`` (the signed weight) of each table row's
    columns, appended to its part of ``wr_out``."""
    for r in range(wr_tab.shape[0]):
        iv = wr_tab[r, W_INTERVAL]
        if (s + 1) % iv != 0:
            continue
        first, n = wr_tab[r, W_FIRST], wr_tab[r, W_N]
        out = wr_tab[r, W_OUT_START] + wr_tab[r, W_COUNT] * n
        for c in range(n):
            wr_out[out + c] = w[wr_pos[first + c]] * wr_sign[first + c]
        wr_tab[r, W_COUNT] += 1
