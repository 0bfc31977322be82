"""Utilities: get_simulator, Timer, ProgressBar, normalized_filename, init_logging."""
