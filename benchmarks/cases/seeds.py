"""The plastic seed networks (000 CUBA-STDP, 002 HPC benchmark) as the
examples define them: the benchmark cases load examples/cuba_stdp.py and
examples/hpc_benchmark.py, so the pynnlite cases run exactly the example and
the NEST-native cases read the same parameters."""
import importlib.util
import os
import sys

EXAMPLES = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "examples")


def load_example(name):
    """The module examples/<name>.py (its main() does not run)."""
    key = f"pynnlite_example_{name}"
    if key not in sys.modules:
        spec = importlib.util.spec_from_file_location(key, os.path.join(EXAMPLES, f"{name}.py"))
        module = importlib.util.module_from_spec(spec)
        sys.modules[key] = module
        spec.loader.exec_module(module)
    return sys.modules[key]


cuba_stdp = load_example("cuba_stdp")
hpc_benchmark = load_example("hpc_benchmark")
#: parameters in pynnlite units (ms, mV, nA, nF, Hz)
CUBA_STDP = cuba_stdp.PARAMS
#: parameters in the seed's units (pA, pF)
HPC = hpc_benchmark.PARAMS
