"""Bit-for-bit comparison of two results of the same network (thread tests)."""
import numpy as np


def assert_identical(a, b):
    """Every entry of the dicts a and b equal: lists of spike-time arrays, arrays
    (NaN, marking absent connections in weight arrays, equal to NaN) and numbers."""
    assert a.keys() == b.keys()
    for key in a:
        if isinstance(a[key], float):
            assert a[key] == b[key], key
        elif isinstance(a[key], list):
            assert len(a[key]) == len(b[key]), key
            for x, y in zip(a[key], b[key]):
                np.testing.assert_array_equal(x, y, err_msg=key)
        else:
            np.testing.assert_array_equal(a[key], b[key], err_msg=key)
