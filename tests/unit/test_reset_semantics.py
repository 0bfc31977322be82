"""reset(): time back to 0, state to initial values, weights to the values the
user last gave them, a new Segment; the same on every installed backend."""
import numpy as np
import pytest

import pynnlite as sim
from pynnlite.backend import available_backends


def _backends():
    names = []
    for name in available_backends():
        if name == "nest":
            try:
                import nest  # noqa: F401
            except ImportError:
                continue
        names.append(name)
    return names


@pytest.mark.parametrize("backend", _backends())
def test_reset_restores_user_set_weights_and_repeats_the_segment(backend):
    sim.setup(timestep=0.1, backend=backend)
    src = sim.Population(1, sim.SpikeSourceArray(spike_times=[2.0, 7.0]))
    cell = sim.Population(1, sim.IF_curr_exp(tau_refrac=1.0))
    prj = sim.Projection(src, cell, sim.AllToAllConnector(), sim.StaticSynapse(weight=0.5, delay=1.0))
    cell.record("v")
    sim.run(5.0)
    prj.set(weight=2.0)            # user change between runs
    sim.run(5.0)
    sim.reset()
    assert sim.get_current_time() == 0.0
    assert prj.get("weight", format="array")[0, 0] == 2.0
    sim.run(10.0)
    block = cell.get_data()
    first, second = (seg.filter(name="v")[0].magnitude[:, 0] for seg in block.segments)
    assert len(block.segments) == 2
    # the second segment runs with weight 2.0 from the start: the first PSP is 4x larger
    rise_first = first[40] - first[0]
    rise_second = second[40] - second[0]
    assert rise_second == pytest.approx(4 * rise_first, rel=1e-9)
    sim.end()
