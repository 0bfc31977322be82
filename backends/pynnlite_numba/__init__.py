"""pynnlite's own engine: a time-driven simulation with event-driven spike
delivery on a fixed grid, compiled with numba (backend name ``numba``)."""
from .kernel_cache import discard_stale_caches

discard_stale_caches()          # before any cached kernel can be loaded

from .backend import NumbaBackend  # noqa: E402

__all__ = ["NumbaBackend"]
