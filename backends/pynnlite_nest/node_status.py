"""Parameters of NEST nodes that may be lists per node (GIF kernels).

NEST reads a list given for a parameter in ``nodes.set({name: list})`` as one
value per node when the list is as long as the collection, which is
ambiguous for list-valued parameters (tau_sfa of two neurons with two
elements each). Whenever a status holds list-valued parameters, it is set node
by node instead (a list of dicts), which NEST never misreads.
"""
import numpy as np


def copy_parameters(parameters):
    """A private copy of a PopulationSpec's parameter arrays: float arrays, and
    object arrays (one 1-D array per neuron) for array-valued parameters."""
    out = {}
    for name, values in parameters.items():
        values = np.asarray(values)
        if values.dtype == object:
            copy = np.empty(values.shape, object)
            copy[:] = [np.asarray(v, np.float64).copy() for v in values]
            out[name] = copy
        else:
            out[name] = np.asarray(values, np.float64).copy()
    return out


def assign(array, indices, values):
    """array[indices] = values, also for object arrays of per-neuron arrays."""
    indices = np.asarray(indices, np.int64)
    if array.dtype == object:
        new = np.empty(len(indices), object)
        new[:] = [np.asarray(v, np.float64) for v in values]
        array[indices] = new
    else:
        array[indices] = np.asarray(values, np.float64)


def _plain(value):
    if isinstance(value, np.ndarray):
        return value.tolist()
    if isinstance(value, (np.bool_, bool)):
        return bool(value)
    if isinstance(value, np.integer):
        return int(value)
    return float(value)


def _same_everywhere(column):
    first = np.asarray(column[0])
    return all(v is column[0] or np.array_equal(v, first) for v in column)


def set_status(nodes, status):
    """Set ``status`` on ``nodes``: {NEST name: array with one value per node,
    object array with one list per node, or a Python list meaning that same
    list for every node}."""
    if not status:
        return
    status = dict(status)
    for k, v in status.items():
        if isinstance(v, (list, tuple)):
            same = np.empty(len(nodes), object)
            same[:] = [np.asarray(v, np.float64)] * len(nodes)
            status[k] = same
    n = len(nodes)
    shared = {}
    for k, v in list(status.items()):
        if np.asarray(v).dtype == object and n and _same_everywhere(v) and len(v[0]) != n:
            shared[k] = np.asarray(v[0], np.float64).tolist()   # unambiguous: one list for all
            del status[k]
    if shared:
        nodes.set(shared)
    if not any(np.asarray(v).dtype == object for v in status.values()):
        if status:
            # plain Python values: NEST's converter does not know numpy's bool
            nodes.set({k: np.broadcast_to(np.asarray(v), (n,)).tolist() for k, v in status.items()})
        return
    columns = {k: (v if np.asarray(v).dtype == object else np.broadcast_to(np.asarray(v), (n,)))
               for k, v in status.items()}
    nodes.set([{k: _plain(v[i]) for k, v in columns.items()} for i in range(n)])
