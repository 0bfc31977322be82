"""Shared pieces of the benchmark cases: the VA network's numbers and a JSON
report line that benchmarks/run.py reads from each case's stdout."""
import json
import resource
import sys

#: Brette et al. 2007 benchmarks 1 and 2 (seed 004), as examples/VAbenchmarks.py builds them
VA = {
    "n": 4000, "n_exc": 3200, "n_inh": 800, "pconn": 0.02, "dt": 0.1, "delay": 0.2,
    "tau_m": 20.0, "cm": 0.2, "v_thresh": -50.0, "v_reset": -60.0, "t_refrac": 5.0,
    "tau_exc": 5.0, "tau_inh": 10.0, "e_rev_exc": 0.0, "e_rev_inh": -80.0,
    "CUBA": {"v_rest": -49.0, "w_exc": 0.27e-3 * 60.0, "w_inh": 4.5e-3 * -20.0},
    "COBA": {"v_rest": -60.0, "w_exc": 4e-3, "w_inh": 51e-3},
    "stim": {"n": 20, "rate": 100.0, "duration": 50.0, "p": 0.01, "weight": 0.1},
}


def peak_rss_bytes():
    """Peak resident memory of this process (VmHWM; ru_maxrss would include the
    parent's peak when the case is started by vfork and exec)."""
    try:
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def report(**values):
    """Print the case's result as one JSON line prefixed by BENCH."""
    values["peak_rss_bytes"] = peak_rss_bytes()
    sys.stdout.write("BENCH " + json.dumps(values) + "\n")
    sys.stdout.flush()
