"""pynnlite numba engine (placeholder until the engine lands)."""
