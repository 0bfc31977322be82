"""Recording inside the compiled loop: spikes into a growing buffer, signals
into buffers sized exactly for the current run.
"""
from numba import njit

#: columns of a block's signal table (one row per recorded variable); R_S0: the
#: first step of the run the output buffer is sized for
R_ROW, R_OFFSET_ROW, R_INTERVAL, R_FIRST_COL, R_N_COLS, R_OUT_START, R_COUNT, R_S0 = range(8)
N_R = 8


@njit(cache=True, nogil=True, error_model="numpy")
def record_spikes(s, n_spk, spk_idx, spk_mult, rec_flag, buf_step, buf_idx, buf_mult, buf_n):
    """Append this step's spikes of recorded neurons: (step, internal index, multiplicity)."""
    b = buf_n[0]
    for j in range(n_spk):
        g = spk_idx[j]
        if rec_flag[g]:
            buf_step[b] = s
            buf_idx[b] = g
            buf_mult[b] = spk_mult[j]
            b += 1
    buf_n[0] = b


@njit(cache=True, nogil=True, error_model="numpy")
def record_signals(s, P, S, table, cols, out):
    """Sample the block's recorded state rows after the update of step s, at
    t = (s + 1) * dt, for every variable whose interval divides s + 1. A row
    may be shifted by a parameter row (the voltage kept relative to v_rest)."""
    for r in range(table.shape[0]):
        if (s + 1) % table[r, R_INTERVAL] != 0:
            continue
        row = table[r, R_ROW]
        off = table[r, R_OFFSET_ROW]
        c0 = table[r, R_FIRST_COL]
        nc = table[r, R_N_COLS]
        base = table[r, R_OUT_START] + table[r, R_COUNT] * nc
        if off >= 0:
            stride = 1 if P.shape[1] > 1 else 0
            for c in range(nc):
                i = cols[c0 + c]
                out[base + c] = S[row, i] + P[off, i * stride]
        else:
            for c in range(nc):
                out[base + c] = S[row, cols[c0 + c]]
        table[r, R_COUNT] += 1


@njit(cache=True, nogil=True, error_model="numpy")
def record_signals_part(s, P, S, table, cols, out, lo, hi):
    """record_signals for the recorded columns ``lo <= i < hi`` of the block
    only (one thread's part, windowed loop). The sample's place follows from
    s and R_S0, not from R_COUNT, which the engine sets after the run."""
    for r in range(table.shape[0]):
        iv = table[r, R_INTERVAL]
        if (s + 1) % iv != 0:
            continue
        row = table[r, R_ROW]
        off = table[r, R_OFFSET_ROW]
        c0 = table[r, R_FIRST_COL]
        nc = table[r, R_N_COLS]
        base = table[r, R_OUT_START] + (s // iv - table[r, R_S0] // iv) * nc
        stride = 1 if P.shape[1] > 1 else 0
        for c in range(nc):
            i = cols[c0 + c]
            if lo <= i < hi:
                if off >= 0:
                    out[base + c] = S[row, i] + P[off, i * stride]
                else:
                    out[base + c] = S[row, i]
