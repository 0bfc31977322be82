"""The PoissonGenerator delivery kernel (kernels/drive.py) draws exactly
rng.poisson(seed, DRIVE, connection position, step, ...): the table-based
inversion, the tail beyond the table and the chunks of large means give the
same counts as the reference inversion, so the ring receives the same sums
bit for bit."""
import numpy as np
import pytest

from pynnlite_numba import rng
from pynnlite_numba.kernels.drive import deliver_drive


def _reference(s, slot, depth, seed, P, I, row_ptr, col, weight, delay, ring):
    for g in range(P.shape[1]):
        if I[1, g] > s or s > I[2, g] or P[0, g] <= 0.0:
            continue
        for k in range(row_ptr[g], row_ptr[g + 1]):
            m = rng.poisson(seed, rng.DRIVE, k, s, P[0, g], P[1, g], I[0, g])
            if m:
                ring[(slot + delay[k]) % depth, col[k]] += weight[k] * m


# per-step means: tiny (first term underflows), the seeds' (0.405, 2.09), a mean
# whose tail often passes the 16-entry table, and one split into chunks
@pytest.mark.parametrize("lam", [1e-300, 0.405, 2.0856, 14.0, 55.0])
def test_counts_equal_the_reference_inversion(lam):
    n, depth = 600, 8
    chunk, exp_minus, n_chunks = rng.poisson_chunks(np.array([lam, lam / 3]))
    P = np.vstack([chunk, exp_minus])
    # generator 1 is active only from step 3 on
    I = np.array([n_chunks, [0, 3], [10**9, 10**9]], np.int64)
    row_ptr = np.array([0, 400, n], np.int64)
    r = np.random.default_rng(1)
    col = r.integers(0, 50, n).astype(np.int32)
    weight = r.normal(0.0, 1.0, n)
    delay = r.integers(1, depth, n).astype(np.uint16)
    ours, ref = np.zeros((depth, 50)), np.zeros((depth, 50))
    for s in range(12):
        deliver_drive(s, s % depth, depth, 99, P, I, row_ptr, col, weight, delay, ours, 0, 1)
        _reference(s, s % depth, depth, 99, P, I, row_ptr, col, weight, delay, ref)
        np.testing.assert_array_equal(ours, ref)
        ours[s % depth] = 0.0
        ref[s % depth] = 0.0
