"""The README's backend table is the one the backends' Capabilities give."""
import os

import pytest

from pynnlite.backend import load_backend
from pynnlite.capabilities import capability_table, table_in
from pynnlite_nest import NestBackend

README = os.path.join(os.path.dirname(__file__), "..", "..", "README.md")


def test_readme_table_is_current():
    with open(README, encoding="utf-8") as f:
        text = f.read()
    table = table_in(text)
    if table is None:
        pytest.skip("README.md has no capabilities markers yet")
    if not table.strip():
        pytest.skip("README.md's capabilities table is not filled in yet: run "
                    "'python -m pynnlite.capabilities --update README.md'")
    assert table.strip() == capability_table().strip(), (
        "README.md's backend table is stale: run 'python -m pynnlite.capabilities --update README.md'")


def test_table_lists_what_the_nest_backend_declares():
    table = capability_table({"nest": NestBackend.capabilities})
    lines = table.splitlines()
    assert lines[0] == "| | `nest` |"
    assert "| IF_cond_exp | ✓ |" in lines
    assert "| IF_cond_exp: `gsyn_inh` | ✓ |" in lines
    assert "| NoisyCurrentSource | ✓ |" in lines
    assert load_backend("nest") is NestBackend


def test_table_marks_what_a_backend_lacks():
    nest_caps = NestBackend.capabilities
    smaller = type(nest_caps)(cell_types={"IF_curr_exp": ("spikes", "v")},
                              synapse_types=("StaticSynapse",), current_sources=())
    lines = capability_table({"nest": nest_caps, "tiny": smaller}).splitlines()
    assert "| IF_cond_exp | ✓ | – |" in lines
    assert "| IF_curr_exp: `isyn_exc` | ✓ | – |" in lines
    assert "| reset | ✓ | – |" in lines
