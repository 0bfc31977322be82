"""Shared test settings."""
import pytest


@pytest.fixture(autouse=True)
def threads_on_small_networks(monkeypatch):
    """The tests' networks are small, and the numba engine would run them on
    one thread whatever setup(threads=N) asks (partition.threads_to_use); the
    thread tests are there to run them on N, so every test does. The rule
    itself is tested with its threshold restored (test_thread_count.py)."""
    from pynnlite_numba import partition
    monkeypatch.setattr(partition, "MIN_WORK_PER_THREAD_S", 0.0)
