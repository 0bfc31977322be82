"""The backends installed here, for parametrising conformance tests."""
import importlib.util

import pytest

from pynnlite.backend import available_backends, load_backend
from pynnlite.errors import BackendError

#: the reference every other backend is compared with
REFERENCE = "numba"

#: modules a backend needs at build time, beyond its own package
_NEEDS = {"nest": "nest"}


def _usable(name):
    try:
        load_backend(name)
    except BackendError:
        return False
    needed = _NEEDS.get(name)
    return needed is None or importlib.util.find_spec(needed) is not None


def backend_params():
    """pytest params, one per registered backend; unusable ones are skipped."""
    return [pytest.param(name, marks=pytest.mark.skipif(not _usable(name),
                                                         reason=f"backend '{name}' not installed"))
            for name in available_backends()]


def reference_available():
    return _usable(REFERENCE)
