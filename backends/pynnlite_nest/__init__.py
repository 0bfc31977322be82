"""pynnlite NEST adapter."""
