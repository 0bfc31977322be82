"""pynnlite's adapter to NEST (backend name ``nest``): the same NetworkSpec as
pynnlite's engine, built with one nest.Create per population and one
nest.Connect per projection. NEST itself is imported only when a network is
built, so the backend's capabilities can be listed without it."""
from .backend import NestBackend

__all__ = ["NestBackend"]
