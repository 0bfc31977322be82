"""The threading layer of the engine's parallel loops (``setup(threads=N)``).

numba runs parallel loops on TBB, OpenMP or its own work queue. The engine
asks for TBB, installed with pynnlite as the ``tbb`` package, for two reasons
measured on a 2-core machine:

- GNU OpenMP (numba's other fast layer) lets idle threads spin: when another
  program uses a core, each parallel region of a step can wait for a
  descheduled thread, and a run became 30 times slower than on one thread;
  TBB degrades gracefully (a few percent);
- NEST's wheel brings its own copy of libgomp, and two OpenMP runtimes in one
  process (the NEST backend and numba's OpenMP layer) crashed NEST's
  ResetKernel.

pip puts TBB's library in the environment's ``lib`` directory, which the
dynamic loader does not search, so it is loaded here by path before numba
looks for it. Without ``tbb`` (or when ``NUMBA_THREADING_LAYER`` is set)
numba's own choice stands; results are identical on every layer.
"""
import ctypes
import importlib.metadata
import os

import numba

_prepared = False
_LIBRARIES = ("libtbb.so.12", "libtbb.12.dylib", "tbb12.dll")


def _tbb_library():
    """Path of TBB's shared library from the installed ``tbb`` package, or None."""
    try:
        files = importlib.metadata.files("tbb") or ()
    except importlib.metadata.PackageNotFoundError:
        return None
    for f in files:
        if f.name in _LIBRARIES:
            path = os.path.normpath(str(f.locate()))
            if os.path.exists(path):
                return path
    return None


def prepare_threading_layer():
    """Make TBB loadable for numba (once per process, before any parallel loop runs)."""
    global _prepared
    if _prepared:
        return
    _prepared = True
    if os.environ.get("NUMBA_THREADING_LAYER"):
        return
    path = _tbb_library()
    if path is None:
        return
    try:
        # numba's default order tries TBB first; once loaded, its import succeeds
        ctypes.CDLL(path, mode=ctypes.RTLD_GLOBAL)
    except OSError:
        pass


def use_threads(n):
    """Run the next parallel loops of this thread on min(n, available) threads;
    returns that number."""
    prepare_threading_layer()
    n = max(1, min(int(n), numba.config.NUMBA_NUM_THREADS))
    numba.set_num_threads(n)
    return n
