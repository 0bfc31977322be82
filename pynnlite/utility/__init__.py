"""Utilities for simulation scripts, with PyNN's names: get_simulator, Timer,
ProgressBar, normalized_filename, init_logging, connection_plot; and
spike_digest, a fingerprint of recorded spikes.

Plotting of recorded data lives in :mod:`pynnlite.utility.plotting` (needs
matplotlib: ``pip install pynnlite[plot]``).
"""
from .connections import connection_plot
from .digest import spike_digest
from .progress_bar import ProgressBar, SimulationProgressBar
from .scripts import get_simulator, init_logging, normalized_filename
from .timer import Timer

__all__ = ["get_simulator", "init_logging", "normalized_filename", "connection_plot",
           "Timer", "ProgressBar", "SimulationProgressBar", "spike_digest"]
