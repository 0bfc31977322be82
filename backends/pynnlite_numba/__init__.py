"""pynnlite's own engine: a time-driven simulation with event-driven spike
delivery on a fixed grid, compiled with numba (backend name ``numba``)."""
from .backend import NumbaBackend

__all__ = ["NumbaBackend"]
