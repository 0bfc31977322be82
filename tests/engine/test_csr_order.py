"""The static CSR's order (connectivity._csr_order): by row, then delay, then
ring column, stable (equal keys keep the spec order), the same permutation as
a stable lexicographic sort, for rows that arrive in order and rows that do not."""
import numpy as np
import pytest

from pynnlite_numba.connectivity import _csr_order


@pytest.mark.parametrize("presorted", [False, True])
def test_csr_order_equals_stable_lexsort(presorted):
    rng = np.random.default_rng(5)
    n, n_rows, n2 = 20000, 300, 64
    rows = rng.integers(0, n_rows, n)
    d = rng.integers(1, 4, n)
    col = rng.integers(0, n2, n)          # many duplicate (row, delay, column) keys
    if presorted:
        # connectors emit connections by target: rows then arrive in column order
        by_col = np.argsort(d * n2 + col, kind="stable")
        rows, d, col = rows[by_col], d[by_col], col[by_col]
    order = np.empty(n, np.int64)
    ptr = _csr_order(rows, n_rows, d, col, np.int64(n2), order)
    np.testing.assert_array_equal(order, np.lexsort((col, d, rows)))
    np.testing.assert_array_equal(ptr, np.concatenate(([0], np.cumsum(np.bincount(rows, minlength=n_rows)))))
