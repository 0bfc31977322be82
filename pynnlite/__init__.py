"""pynnlite: PyNN-style spiking network descriptions, run on pynnlite's own
numba engine or on NEST."""
__version__ = "0.1.0.dev0"
