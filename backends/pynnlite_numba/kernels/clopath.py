"""Clopath synapses in the compiled loop (NEST's clopath_synapse, REFERENCE 2.9).

Synapses are grouped per (projection, delay) as the STDP synapses are
(kernels/stdp.py: group table ``gi`` with the same columns, CSR ``row_ptr`` by
presynaptic neuron, transposed index ``trow_ptr``/``tpos`` by postsynaptic
neuron); per synapse: ``post`` and ``pre`` (int32, local to the populations)
and the signed weight ``w`` (mV). The presynaptic trace x̄ is kept per
(projection, presynaptic neuron): tau_x is one value per projection.

The postsynaptic EIF_psc_delta_clopath neurons write, each step, their Clopath
entries into S rows ``ltp`` (the weight change per unit x̄) and ``ltd`` (the
depression); this phase keeps the entries of the last H = max delay + 1 steps
in rings. NEST applies the potentiation entries lazily, at the next
presynaptic spike, each as w <- min(w_max, w + dw x̄(t_e + d)). Here each entry
is accumulated when it reaches the synapse, in ``pend`` (per synapse; -1 when
no entry is pending), and the sum is applied at the next presynaptic spike:
as every increment is >= 0 (A_LTP >= 0), min(w_max, w + sum) is NEST's
sequence of capped steps, and the weight between spikes is NEST's too. With D
the delay in steps, in step s (synapse time t = (s + 1) dt):

1. store the step's entries in the rings; x̄ decays by one step;
2. potentiation: every entry written in step s - D (stamped t - d) walks the
   postsynaptic neuron's transposed row and adds dw x̄ to ``pend``, with x̄ the
   trace at t of the spikes before t;
3. depression and transmission: every presynaptic spike of step s walks its
   row: w <- min(w_max, w + pend) if an entry is pending, then
   w <- max(w_min, w - LTD(t - d)), and delivers multiplicity * w into the
   ring slot of step s + D;
4. x̄ += 1 / tau_x once per presynaptic event (whatever its multiplicity).
"""
from numba import njit

from .stdp import (G_D, G_KP0, G_NPOST, G_NPRE, G_POST0, G_PRE0, G_ROW0, G_SYN0,
                   G_TROW0, G_COL0, record_weights)

# float columns of ``gf`` (one row per group)
C_W_MIN, C_W_MAX, C_NF = range(3)
# columns of the x̄ segment table ``xseg`` (one row per projection)
X_PRE0, X_NPRE, X_START, X_NX = range(4)
# float columns of ``xpar`` (one row per projection): decay per step and jump
XP_DECAY, XP_JUMP, XP_NP = range(3)


@njit(cache=True, nogil=True, error_model="numpy")
def clopath_phase(s, slot, depth, dt, ring, n_spk, spk_idx, spk_mult, gi, gf, xseg, xpar, xbar,
                  row_ptr, trow_ptr, pre, post, w, pend, tpos, S, blk, ltp_ring, ltd_ring,
                  wr_tab, wr_pos, wr_sign, wr_out):
    """``S``: the S array of the EIF_psc_delta_clopath block, ``blk`` = (its
    first internal index, its ltp row, its ltd row)."""
    H = ltp_ring.shape[0]
    hs = s % H
    g0, r_ltp, r_ltd = blk[0], blk[1], blk[2]
    for c in range(S.shape[1]):
        ltp_ring[hs, c] = S[r_ltp, c]
        ltd_ring[hs, c] = S[r_ltd, c]
    # 1. x̄ decays to the end of this step
    for p in range(xseg.shape[0]):
        d = xpar[p, XP_DECAY]
        for i in range(xseg[p, X_START], xseg[p, X_START] + xseg[p, X_NPRE]):
            xbar[i] *= d
    # 2. potentiation by the entries that reach the synapses now
    for g in range(gi.shape[0]):
        src_step = s - gi[g, G_D]
        if src_step < 0:
            continue
        src = src_step % H
        c0 = gi[g, G_POST0] - g0
        syn0, trow0, x0 = gi[g, G_SYN0], gi[g, G_TROW0], gi[g, G_KP0]
        for q in range(gi[g, G_NPOST]):
            dw = ltp_ring[src, c0 + q]
            if dw == 0.0:
                continue
            for k in range(trow_ptr[trow0 + q], trow_ptr[trow0 + q + 1]):
                pos = syn0 + tpos[syn0 + k]
                acc = pend[pos]
                pend[pos] = (acc if acc > 0.0 else 0.0) + dw * xbar[x0 + pre[pos]]
    # 3. depression and transmission of this step's presynaptic spikes
    for g in range(gi.shape[0]):
        pre0, npre = gi[g, G_PRE0], gi[g, G_NPRE]
        src_step = s - gi[g, G_D]
        src = src_step % H
        c0 = gi[g, G_POST0] - g0
        sl = slot + gi[g, G_D]
        if sl >= depth:
            sl -= depth
        ring_row = ring[sl]
        syn0, row0, col0 = gi[g, G_SYN0], gi[g, G_ROW0], gi[g, G_COL0]
        w_min, w_max = gf[g, C_W_MIN], gf[g, C_W_MAX]
        for j in range(n_spk):
            i = spk_idx[j] - pre0
            if i < 0 or i >= npre:
                continue
            fm = float(spk_mult[j])
            for k in range(syn0 + row_ptr[row0 + i], syn0 + row_ptr[row0 + i + 1]):
                q = post[k]
                ltd = ltd_ring[src, c0 + q] if src_step >= 0 else 0.0
                wv = w[k]
                if pend[k] >= 0.0:
                    wv = wv + pend[k]
                    wv = wv if wv < w_max else w_max
                    pend[k] = -1.0
                wv = wv - ltd
                wv = wv if wv > w_min else w_min
                w[k] = wv
                ring_row[col0 + q] += wv * fm
    # 4. the presynaptic events of this step enter x̄
    for p in range(xseg.shape[0]):
        pre0, npre, start = xseg[p, X_PRE0], xseg[p, X_NPRE], xseg[p, X_START]
        jump = xpar[p, XP_JUMP]
        for j in range(n_spk):
            i = spk_idx[j] - pre0
            if 0 <= i < npre:
                xbar[start + i] += jump
    record_weights(s, w, wr_tab, wr_pos, wr_sign, wr_out)
