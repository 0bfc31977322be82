"""Shared set-up of the NEST adapter tests: they need nest-simulator, and they
build NetworkSpecs with the conformance folder's SpecBuilder."""
import os
import sys

import pytest

pytest.importorskip("nest")

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "conformance"))
