"""A fingerprint of recorded spikes, to check that two runs agree exactly."""
import hashlib

import numpy as np


def spike_digest(*populations):
    """SHA-256 (hex) of the spikes recorded from ``populations`` so far: for
    each population in the given order, each neuron's spike times (ms, float64)
    in order of the neuron's index. Runs with the same seed give the same digest
    on any number of threads (``setup(threads=N)``); a single changed spike
    time changes it."""
    h = hashlib.sha256()
    for pop in populations:
        segment = pop.get_data("spikes", clear=False).segments[-1]
        trains = sorted(segment.spiketrains, key=lambda st: st.annotations.get("source_index", 0))
        for st in trains:
            times = np.ascontiguousarray(st.rescale("ms").magnitude, np.float64)
            h.update(np.int64(len(times)).tobytes())
            h.update(times.tobytes())
    return h.hexdigest()
