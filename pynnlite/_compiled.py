"""Compiled helpers of the connectors: passes over every connection that
numpy would make with several full-size temporaries (measured 5-10x faster
at 4e7 connections; numpy's own sort stays: it beats a compiled one)."""
import numpy as np
from numba import njit


@njit(cache=True, nogil=True)
def self_connection_mask(keys, n_values, row_ids, value_ids, out):
    """out[i] = True where key row * n_values + value pairs a cell with itself."""
    for i in range(keys.shape[0]):
        r = keys[i] // n_values
        out[i] = row_ids[r] == value_ids[keys[i] - r * n_values]
    return out


@njit(cache=True, nogil=True)
def split_keys(keys, n_pre, pre, post):
    """pre, post = divmod(keys, n_pre) swapped, into the given (e.g. int32) arrays."""
    for i in range(keys.shape[0]):
        q = keys[i] // n_pre
        post[i] = q
        pre[i] = keys[i] - q * n_pre
