"""Connectors: rules that decide which cells connect, as pure vectorised functions.

A connector is called by the Projection with a :class:`ConnectionContext`
(the global ids of the pre and post cells, a random generator, positions and
space) and returns a :class:`Connections` object: parallel arrays of
projection-local pre and post indices, plus any per-connection attributes the
connector itself supplies (FromListConnector's columns, CSAConnector's values).

Every connector returns its connections in a documented order, since the
Projection draws random weights and delays in that order. Unless stated
otherwise the order is *by postsynaptic index, then by presynaptic index*
(repeated pairs adjacent). Same rng seed -> identical arrays.

Work is done in blocks of at most about :data:`BLOCK_SIZE` candidate pairs, so
memory stays bounded; the `callback` is called with the fraction done after
each block and always, at the end, with 1.0. The probability-map connectors
(distance-, index- and displacement-based) draw one number per pair and give
the same result whatever the block size; the others (fixed numbers, fixed
probability) draw block by block, so their result for a seed also depends on
BLOCK_SIZE, a fixed constant.

A *self-connection* is one where the pre and post cells have the same global
id, so views and assemblies of one population are treated like PyNN treats a
population projecting onto itself.

Native rules: AllToAll, OneToOne, FixedProbability, FixedNumberPre,
FixedNumberPost and FixedTotalNumber accept ``native=True``. On a backend that
lists the connector in its ``Capabilities.connectors_native`` (NEST), the
Projection then does not generate the connections: it hands the backend the
rule (:meth:`Connector.native_rule`, in NEST's vocabulary), and the backend
draws them with its own generator when the network is built, for networks too
large to generate in one process. Such connections depend on the backend's
seed (NEST: rng_seed and the number of virtual processes), not on `rng`, and
differ from the frontend's draw. On a backend without the rule (numba) the
frontend generates them exactly as with ``native=False``.
"""
from dataclasses import dataclass, field

import numpy as np

from pynnlite._compiled import self_connection_mask, split_keys
from pynnlite.errors import (ConnectionError, InvalidDimensionsError, InvalidModelError,
                             InvalidParameterValueError)
from pynnlite.random import NumpyRNG, RandomDistribution, as_rng
from pynnlite.space import Space

#: the most candidate pairs (or drawn indices) handled at once
BLOCK_SIZE = 1 << 21


@dataclass
class ConnectionContext:
    """What a connector needs to know about a projection."""
    pre_ids: np.ndarray        # int64 global ids of the pre cells (len n_pre), in projection-local order
    post_ids: np.ndarray       # int64 global ids of the post cells (len n_post)
    rng: NumpyRNG              # used when the connector was given no rng
    pre_positions: np.ndarray | None = None   # (3, n_pre) or None
    post_positions: np.ndarray | None = None
    space: "Space | None" = None

    @property
    def n_pre(self):
        return len(self.pre_ids)

    @property
    def n_post(self):
        return len(self.post_ids)


@dataclass
class Connections:
    """The connections a connector made: parallel arrays."""
    pre: np.ndarray            # int64 projection-local pre indices
    post: np.ndarray           # int64 projection-local post indices
    attributes: dict = field(default_factory=dict)  # per-connection arrays ('weight', 'delay', ...)

    def __len__(self):
        return len(self.pre)


# ---------------------------------------------------------------- helpers

def _empty():
    return np.empty(0, dtype=np.int64)


def _from_keys(keys, n_pre, attributes=None, compact=False):
    """Connections from sorted keys post * n_pre + pre; with ``compact``, int32
    indices when they fit (what a Projection keeps), made in one pass."""
    if n_pre == 0 or keys.size == 0:
        return Connections(_empty(), _empty(), attributes or {})
    if compact and n_pre < 2 ** 31 and int(keys[-1]) // n_pre < 2 ** 31:
        pre = np.empty(keys.size, np.int32)
        post = np.empty(keys.size, np.int32)
        split_keys(keys, np.int64(n_pre), pre, post)
        return Connections(pre, post, attributes or {})
    post, pre = np.divmod(keys, n_pre)
    return Connections(pre, post, attributes or {})


def _in_sorted(sorted_arr, x):
    """Boolean mask: which elements of x occur in the sorted array."""
    if sorted_arr.size == 0:
        return np.zeros(x.shape, dtype=bool)
    idx = np.searchsorted(sorted_arr, x)
    idx[idx == sorted_arr.size] = 0
    return sorted_arr[idx] == x


def _merge_sorted(a, b):
    """Merge two sorted arrays with no common element into one sorted array."""
    if b.size == 0:
        return a
    return np.insert(a, np.searchsorted(a, b), b)


def _ranges(starts, lengths):
    """Concatenation of arange(s, s + n) for each (s, n), without a Python loop."""
    total = int(lengths.sum())
    if total == 0:
        return _empty()
    offsets = np.repeat(np.cumsum(lengths) - lengths, lengths)
    return np.repeat(starts, lengths) + (np.arange(total) - offsets)


def _blocks(costs, limit):
    """Split consecutive items into (start, stop) blocks whose summed cost is
    about `limit` (a single item costing more forms its own block)."""
    n = costs.size
    if n == 0:
        return []
    cum = np.cumsum(costs)
    cuts = np.unique(np.searchsorted(cum, np.arange(limit, cum[-1], limit), side="right"))
    edges = np.concatenate(([0], cuts[(cuts > 0) & (cuts < n)], [n]))
    edges = np.unique(edges)
    return list(zip(edges[:-1].tolist(), edges[1:].tolist()))


class _Exclusion:
    """Forbidden (row, value) pairs, where key = row * n_values + value:
    those whose ids are equal (self-connections)."""

    def __init__(self, row_ids, value_ids):
        self.row_ids = row_ids
        self.value_ids = value_ids
        self.n_values = value_ids.size
        self._order = np.argsort(value_ids, kind="stable")
        sorted_ids = value_ids[self._order]
        self._lo = np.searchsorted(sorted_ids, row_ids, side="left")
        self.counts = np.searchsorted(sorted_ids, row_ids, side="right") - self._lo

    def mask(self, keys):
        return self_connection_mask(keys, np.int64(self.n_values), self.row_ids, self.value_ids,
                                    np.empty(keys.shape, dtype=bool))

    def keys(self, rows):
        """Sorted keys of the forbidden pairs in the given (sorted) rows."""
        counts = self.counts[rows]
        values = self._order[_ranges(self._lo[rows], counts)]
        keys = np.repeat(rows, counts) * self.n_values + values
        keys.sort()
        return keys


class _FlatExclusion:
    """The forbidden pairs of an n_pre x n_post matrix seen as a single row of
    keys post * n_pre + pre (for FixedTotalNumberConnector)."""

    def __init__(self, pre_ids, post_ids):
        self._pairs = _Exclusion(post_ids, pre_ids)
        self.counts = np.array([self._pairs.counts.sum()])

    def mask(self, keys):
        return self._pairs.mask(keys)

    def keys(self, rows):
        return self._pairs.keys(np.arange(self._pairs.row_ids.size))


def _draw_distinct(gen, rows, counts, n_values, exclusion):
    """For each row r, `counts[r]` distinct values in [0, n_values) not
    forbidden by `exclusion`, as sorted keys row * n_values + value.

    All values are drawn with replacement at once; then, round after round,
    every duplicate or forbidden value is redrawn (all at once) until none is
    left. Since this rule treats all allowed values alike, each row's set is a
    uniform sample without replacement. Callers keep counts <= half of the
    allowed values, so each round at least halves what is left.
    """
    row_of = np.repeat(rows, counts)
    keys = row_of * n_values + gen.integers(0, n_values, row_of.size)
    keys.sort()
    bad = np.zeros(keys.size, dtype=bool)
    bad[1:] = keys[1:] == keys[:-1]
    if exclusion is not None:
        bad |= exclusion.mask(keys)
    accepted = keys[~bad]
    missing = keys[bad] // n_values
    extra = _empty()
    while missing.size:
        cand = missing * n_values + gen.integers(0, n_values, missing.size)
        ok = ~(_in_sorted(accepted, cand) | _in_sorted(extra, cand))
        if exclusion is not None:
            ok &= ~exclusion.mask(cand)
        first = np.zeros(cand.size, dtype=bool)
        first[np.unique(cand, return_index=True)[1]] = True
        ok &= first
        extra = np.sort(np.concatenate((extra, cand[ok])))
        missing = missing[~ok]
    return _merge_sorted(accepted, extra)


def _draw_with_replacement(gen, rows, counts, n_values, exclusion):
    """For each row, `counts[r]` values drawn uniformly with replacement from
    the allowed values; sorted keys row * n_values + value."""
    row_of = np.repeat(rows, counts)
    keys = row_of * n_values + gen.integers(0, n_values, row_of.size)
    if exclusion is not None:
        bad = np.flatnonzero(exclusion.mask(keys))
        while bad.size:
            keys[bad] = row_of[bad] * n_values + gen.integers(0, n_values, bad.size)
            bad = bad[exclusion.mask(keys[bad])]
    keys.sort()
    return keys


def _draw_by_complement(gen, rows, counts, available, n_values, exclusion):
    """Distinct values for rows that take more than half of what is allowed:
    draw the values left out (fewer), and take all the others."""
    holes = _draw_distinct(gen, rows, available - counts, n_values, exclusion)
    if exclusion is not None:
        holes = np.concatenate((holes, exclusion.keys(rows)))
    grid = np.ones((rows.size, n_values), dtype=bool)
    hole_rows, hole_values = np.divmod(holes, n_values)
    grid[np.searchsorted(rows, hole_rows), hole_values] = False
    local_rows, values = np.nonzero(grid)
    return rows[local_rows] * n_values + values


def _sample_rows(gen, counts, n_values, distinct, exclusion, progress, what):
    """Draw counts[r] values in [0, n_values) for every row r (e.g. the
    presynaptic cells of every postsynaptic cell), in blocks of rows.
    Returns sorted keys row * n_values + value."""
    n_rows = counts.size
    excluded = exclusion.counts if exclusion is not None else np.zeros(n_rows, dtype=np.int64)
    available = n_values - excluded
    too_many = counts > available if distinct else (counts > 0) & (available == 0)
    if too_many.any():
        r = int(np.flatnonzero(too_many)[0])
        raise ConnectionError(
            f"{what}: cannot draw n={int(counts[r])} {'distinct ' if distinct else ''}cells "
            f"when only {int(available[r])} are available"
            + ("" if distinct else " (all others are self-connections)")
            + ("; use with_replacement=True or a smaller n" if distinct else ""))
    complement = distinct & (2 * counts > available)
    cost = np.where(complement, n_values, counts)
    chunks = []
    blocks = _blocks(cost, BLOCK_SIZE)
    for start, stop in blocks:
        c = counts[start:stop]
        direct = np.arange(start, stop)[~complement[start:stop]]
        if distinct:
            keys = _draw_distinct(gen, direct, counts[direct], n_values, exclusion)
            full = np.arange(start, stop)[complement[start:stop]]
            if full.size:
                keys = np.sort(np.concatenate((keys, _draw_by_complement(
                    gen, full, counts[full], available[full], n_values, exclusion))))
        else:
            keys = _draw_with_replacement(gen, direct, c, n_values, exclusion)
        chunks.append(keys)
        progress(stop / n_rows)
    return np.concatenate(chunks) if chunks else _empty()


def _check_flag(value, name, model, allow_no_mutual=False):
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    if allow_no_mutual and value == "NoMutual":
        return value
    allowed = "True, False or 'NoMutual'" if allow_no_mutual else "True or False"
    raise InvalidParameterValueError(name, value, allowed, model=model)


def _check_int(value, name, model, minimum=0):
    if isinstance(value, np.integer):
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        raise InvalidParameterValueError(name, value, f"an integer >= {minimum}", model=model)
    return value


# ---------------------------------------------------------------- base classes

class Connector:
    """
    Base class for connectors.

    All connectors take the following optional keyword arguments:
        `safe`:
            if True, the projection checks that weights and delays have valid
            values. If False, the check is skipped.
        `callback`:
            a callable called with the fraction of the work done (a number in
            [0, 1]), e.g. a :class:`pynnlite.utility.ProgressBar`.
    """

    parameter_names = ()
    #: True when the backend should draw the connections itself (see the module docstring)
    native = False

    def __init__(self, safe=True, callback=None):
        if callback is not None and not callable(callback):
            raise InvalidParameterValueError(
                "callback", callback, "None or a callable taking the fraction done",
                model=type(self).__name__)
        self.safe = bool(safe)
        self.callback = callback

    def expected_size(self, n_pre, n_post):
        """The expected number of connections for these sizes, or None when it
        cannot be known before connecting (used for the memory estimate)."""
        return None

    def native_rule(self):
        """The rule a backend can build itself, as a dict in NEST's vocabulary
        ({'rule': 'fixed_indegree', 'indegree': 10, 'allow_autapses': True,
        'allow_multapses': False}, ...), or None when this connector has no
        native form."""
        return None

    def _init_native(self, native):
        self.native = _check_flag(native, "native", type(self).__name__)
        if self.native and getattr(self, "allow_self_connections", True) == "NoMutual":
            raise InvalidParameterValueError(
                "allow_self_connections", "NoMutual",
                "True or False with native=True (native rules have no 'NoMutual')",
                model=type(self).__name__)

    def connect(self, context):
        """Return the :class:`Connections` this connector makes for the
        projection described by `context` (a :class:`ConnectionContext`)."""
        context = self._check_context(context)
        connections = self._connect(context)
        if self.callback is not None:
            self.callback(1.0)
        return connections

    def _connect(self, context):
        raise NotImplementedError

    def _progress(self, fraction):
        """Report progress after a block; the final 1.0 is reported by connect()."""
        if self.callback is not None and fraction < 1.0:
            self.callback(float(fraction))

    @staticmethod
    def _check_context(context):
        pre_ids = np.asarray(context.pre_ids, dtype=np.int64).ravel()
        post_ids = np.asarray(context.post_ids, dtype=np.int64).ravel()
        rng = context.rng if context.rng is not None else as_rng(None)
        return ConnectionContext(pre_ids, post_ids, as_rng(rng, "context.rng"),
                                 context.pre_positions, context.post_positions, context.space)

    def _generator(self, context):
        rng = getattr(self, "rng", None)
        return (rng if rng is not None else context.rng).generator

    def get_parameters(self):
        """Return a dict of the connector's parameters."""
        return {name: getattr(self, name) for name in self.parameter_names}

    def describe(self, template=None):
        """A human-readable description of the connection method (a dict of
        name and parameters if `template` is None)."""
        context = {"name": type(self).__name__, "parameters": self.get_parameters()}
        if template is None:
            return context
        params = ", ".join(f"{k}={v!r}" for k, v in context["parameters"].items())
        return f"{context['name']}({params})"

    def __repr__(self):
        return self.describe(template="repr")


class _SelfConnectionMixin:
    """allow_self_connections and rng handling shared by random connectors."""

    def _init_self(self, allow_self_connections, rng, allow_no_mutual=True):
        self.allow_self_connections = _check_flag(
            allow_self_connections, "allow_self_connections", type(self).__name__,
            allow_no_mutual)
        if rng is not None:
            as_rng(rng)
        self.rng = rng

    def _keep(self, pre, post, context):
        """Mask of the connections allowed by allow_self_connections, or None."""
        if self.allow_self_connections is True:
            return None
        a, b = context.pre_ids[pre], context.post_ids[post]
        if self.allow_self_connections == "NoMutual":
            return a > b        # of each pair (i, j), (j, i) only the one with pre id > post id
        return a != b

    def _filter(self, connections, context):
        keep = self._keep(connections.pre, connections.post, context)
        if keep is None or keep.all():
            return connections
        attributes = {k: v[keep] for k, v in connections.attributes.items()}
        return Connections(connections.pre[keep], connections.post[keep], attributes)


class _ProbabilityMapConnector(_SelfConnectionMixin, Connector):
    """Connects each pair (i, j) with a probability P[i, j] computed block by
    block of postsynaptic cells; one uniform number is drawn for every pair,
    by post then pre, so results do not depend on the block size."""

    def _probabilities(self, context, start, stop):
        """Array of shape (stop - start, n_pre): probabilities for posts start..stop-1."""
        raise NotImplementedError

    def _connect(self, context):
        gen = self._generator(context)
        n_pre, n_post = context.n_pre, context.n_post
        pres, posts = [], []
        for start, stop in _blocks(np.full(n_post, max(n_pre, 1)), BLOCK_SIZE):
            p = self._probabilities(context, start, stop)
            if np.isnan(p).any() or (p < 0).any():
                bad = p[np.isnan(p) | (p < 0)][0]
                raise InvalidParameterValueError(
                    self._expression_name, bad, "probabilities >= 0 (values > 1 act as 1)",
                    model=type(self).__name__)
            u = gen.random((stop - start, n_pre))
            post, pre = np.nonzero(u < p)
            pres.append(pre)
            posts.append(post + start)
            self._progress(stop / n_post)
        pre = np.concatenate(pres).astype(np.int64) if pres else _empty()
        post = np.concatenate(posts).astype(np.int64) if posts else _empty()
        return self._filter(Connections(pre, post), context)


def _positions(context, connector):
    if context.pre_positions is None or context.post_positions is None:
        raise ConnectionError(
            f"{connector} needs the positions of the pre- and postsynaptic cells; "
            "the projection passed none")
    pre = np.asarray(context.pre_positions, dtype=float)
    post = np.asarray(context.post_positions, dtype=float)
    if pre.shape != (3, context.n_pre) or post.shape != (3, context.n_post):
        raise InvalidDimensionsError(
            f"{connector}: positions must have shapes (3, {context.n_pre}) and "
            f"(3, {context.n_post}), not {pre.shape} and {post.shape}")
    return pre, post


# ---------------------------------------------------------------- deterministic connectors

class AllToAllConnector(_SelfConnectionMixin, Connector):
    """
    Connects all cells in the presynaptic population to all cells in the
    postsynaptic population.

    `allow_self_connections`:
        if the connector is used to connect a population to itself, this flag
        determines whether a neuron is allowed to connect to itself, or only
        to other neurons. 'NoMutual' keeps, of each pair (i, j) and (j, i),
        only the one whose pre id is greater.

    `native`:
        if True, a backend that can (NEST: 'all_to_all') connects the cells
        itself (see the module docstring); 'NoMutual' is then not allowed.

    Order: by post, then pre.
    """

    parameter_names = ("allow_self_connections",)

    def expected_size(self, n_pre, n_post):
        return n_pre * n_post

    def __init__(self, allow_self_connections=True, safe=True, callback=None, native=False):
        Connector.__init__(self, safe, callback)
        self._init_self(allow_self_connections, None)
        self._init_native(native)

    def native_rule(self):
        return {"rule": "all_to_all", "allow_autapses": self.allow_self_connections,
                "allow_multapses": False}

    def _connect(self, context):
        n_pre, n_post = context.n_pre, context.n_post
        pres, posts = [], []
        for start, stop in _blocks(np.full(n_post, max(n_pre, 1)), BLOCK_SIZE):
            post = np.repeat(np.arange(start, stop, dtype=np.int64), n_pre)
            pre = np.tile(np.arange(n_pre, dtype=np.int64), stop - start)
            keep = self._keep(pre, post, context)
            if keep is not None:
                pre, post = pre[keep], post[keep]
            pres.append(pre)
            posts.append(post)
            self._progress(stop / n_post)
        if not pres:
            return Connections(_empty(), _empty())
        return Connections(np.concatenate(pres), np.concatenate(posts))


class OneToOneConnector(Connector):
    """
    Where the pre- and postsynaptic populations have the same size, connect
    cell *i* in the presynaptic population to cell *i* in the postsynaptic
    population for all *i*.

    `native`:
        if True, a backend that can (NEST: 'one_to_one') connects the cells
        itself (see the module docstring).

    Order: by post (= pre).
    """

    def __init__(self, safe=True, callback=None, native=False):
        Connector.__init__(self, safe, callback)
        self._init_native(native)

    def expected_size(self, n_pre, n_post):
        return n_pre

    def native_rule(self):
        return {"rule": "one_to_one", "allow_autapses": True, "allow_multapses": False}

    def _connect(self, context):
        if context.n_pre != context.n_post:
            raise InvalidDimensionsError(
                f"OneToOneConnector needs pre and post of the same size; "
                f"got n_pre={context.n_pre} and n_post={context.n_post}")
        idx = np.arange(context.n_pre, dtype=np.int64)
        return Connections(idx, idx.copy())


class ArrayConnector(Connector):
    """
    Provide an explicit boolean connection matrix, of shape (n_pre, n_post).

    Order: by post, then pre.
    """

    parameter_names = ("array",)

    def __init__(self, array, safe=True, callback=None):
        Connector.__init__(self, safe, callback)
        arr = np.asarray(array)
        if arr.ndim != 2:
            raise InvalidDimensionsError(
                f"ArrayConnector needs a 2-D (n_pre, n_post) array, not shape {arr.shape}")
        if arr.dtype != bool:
            if not np.isin(arr, (0, 1)).all():
                raise InvalidParameterValueError(
                    "array", f"array of {arr.dtype} with values other than 0 and 1",
                    "a boolean array (or 0/1 values)", model="ArrayConnector")
            arr = arr.astype(bool)
        self.array = arr

    def _connect(self, context):
        if self.array.shape != (context.n_pre, context.n_post):
            raise InvalidDimensionsError(
                f"ArrayConnector: array shape {self.array.shape} does not match the "
                f"projection shape ({context.n_pre}, {context.n_post})")
        post, pre = np.nonzero(self.array.T)
        return Connections(pre.astype(np.int64), post.astype(np.int64))


class FromListConnector(Connector):
    """
    Make connections according to a list.

    `conn_list`:
        a list of tuples (or a 2-D array), one row per connection:
        ``(pre_idx, post_idx, p1, p2, ...)`` where pre_idx and post_idx are
        indices in the pre and post populations (not ids) and p1, p2, ... are
        synaptic parameters (weight, delay, plasticity parameters).
    `column_names`:
        the names of p1, p2, ... If not given, a list with 4 columns is taken
        as (i, j, weight, delay); with 2 columns there are no parameters.

    Order: the order of the list. The parameter columns become the
    Connections' attributes.
    """

    parameter_names = ("conn_list", "column_names")

    def __init__(self, conn_list, column_names=None, safe=True, callback=None):
        Connector.__init__(self, safe, callback)
        try:
            arr = np.asarray(conn_list, dtype=float)
        except (TypeError, ValueError) as exc:
            raise InvalidParameterValueError(
                "conn_list", conn_list, "rows of numbers of equal length (i, j[, p1, ...])",
                model="FromListConnector") from exc
        if arr.size == 0:
            arr = arr.reshape(0, 2 + (len(column_names) if column_names else 0))
        if arr.ndim != 2 or arr.shape[1] < 2:
            raise InvalidDimensionsError(
                f"FromListConnector: conn_list must have rows (i, j[, p1, ...]); got shape {arr.shape}")
        n_params = arr.shape[1] - 2
        if column_names is None:
            if n_params == 0:
                column_names = ()
            elif n_params == 2:
                column_names = ("weight", "delay")
            else:
                raise InvalidParameterValueError(
                    "column_names", None,
                    f"the names of the {n_params} parameter columns (needed unless there are 0 or 2)",
                    model="FromListConnector")
        column_names = tuple(column_names)
        if len(column_names) != n_params:
            raise InvalidDimensionsError(
                f"FromListConnector: the list has {n_params} parameter columns but "
                f"{len(column_names)} column names were given: {column_names}")
        index_cols = arr[:, :2]
        if not (np.isfinite(index_cols).all() and (index_cols == np.round(index_cols)).all()
                and (index_cols >= 0).all()):
            bad = index_cols[~(np.isfinite(index_cols) & (index_cols == np.round(index_cols))
                               & (index_cols >= 0))][0]
            raise InvalidParameterValueError(
                "conn_list", bad, "non-negative integer indices in the first two columns",
                model="FromListConnector")
        self.conn_list = arr
        self.column_names = column_names

    def _connect(self, context):
        pre = self.conn_list[:, 0].astype(np.int64)
        post = self.conn_list[:, 1].astype(np.int64)
        for name, idx, size in (("pre", pre, context.n_pre), ("post", post, context.n_post)):
            out = idx >= size
            if out.any():
                raise ConnectionError(
                    f"FromListConnector: {name} index {int(idx[out][0])} out of range "
                    f"for a {name}synaptic population of size {size} (row {int(np.flatnonzero(out)[0])})")
        attributes = {name: self.conn_list[:, 2 + k].copy()
                      for k, name in enumerate(self.column_names)}
        return Connections(pre, post, attributes)


class CloneConnector(Connector):
    """
    Connects cells with the same connectivity pattern as a previous projection.

    `reference_projection`:
        a Projection already connected: its ``_connections`` attribute (a
        :class:`Connections`) is copied (indices only, not its weights).

    Order: that of the reference projection.
    """

    parameter_names = ("reference_projection",)

    def __init__(self, reference_projection, safe=True, callback=None):
        Connector.__init__(self, safe, callback)
        self.reference_projection = reference_projection

    def _connect(self, context):
        ref = getattr(self.reference_projection, "_connections", None)
        if not isinstance(ref, Connections):
            raise ConnectionError(
                "CloneConnector: the reference projection has no connections yet "
                "(its _connections attribute is not a Connections object)")
        for name, n in (("pre", context.n_pre), ("post", context.n_post)):
            ref_pop = getattr(self.reference_projection, name, None)
            ref_size = getattr(ref_pop, "size", None)
            if isinstance(ref_size, (int, np.integer)) and ref_size != n:
                raise ConnectionError(
                    f"CloneConnector: the reference projection's {name} has size {ref_size}, "
                    f"this projection's has {n}")
        if (len(ref) and (ref.pre.max() >= context.n_pre or ref.post.max() >= context.n_post)):
            raise ConnectionError(
                f"CloneConnector: the reference connections reach pre index {int(ref.pre.max())} "
                f"/ post index {int(ref.post.max())}, beyond this projection's "
                f"({context.n_pre}, {context.n_post})")
        return Connections(np.array(ref.pre, dtype=np.int64), np.array(ref.post, dtype=np.int64))


class CSAConnector(Connector):
    """
    Use the Connection Set Algebra (Djurfeldt, 2012) to connect cells.

    `cset`:
        a connection-set mask (arity 0) or a connection set with two values,
        weight and delay (arity 2). Needs the optional ``csa`` package. Note
        that csa's own random masks draw from csa's generator, not from
        pynnlite's.

    Order: by post, then pre. An arity-2 set gives 'weight' and 'delay'
    attributes.
    """

    parameter_names = ("cset",)

    def __init__(self, cset, safe=True, callback=None):
        Connector.__init__(self, safe, callback)
        try:
            import csa
        except ImportError as exc:
            raise InvalidModelError(
                "CSAConnector needs the connection-set algebra package: pip install csa "
                "(or pip install pynnlite[csa])") from exc
        self._csa = csa
        arity = csa.arity(cset)
        if arity not in (0, 2):
            raise InvalidParameterValueError(
                "cset", cset, "a mask (arity 0) or a connection set of arity 2 (weight, delay); "
                f"got arity {arity}", model="CSAConnector")
        self.cset = cset
        self.arity = arity

    def _connect(self, context):
        csa = self._csa
        finite = csa.cross(range(context.n_pre), range(context.n_post)) * self.cset
        fields = [("i", np.int64), ("j", np.int64)]
        if self.arity == 2:
            fields += [("weight", float), ("delay", float)]
        arr = np.fromiter(iter(finite), dtype=np.dtype(fields))
        order = np.lexsort((arr["i"], arr["j"]))
        arr = arr[order]
        attributes = {}
        if self.arity == 2:
            attributes = {"weight": arr["weight"].copy(), "delay": arr["delay"].copy()}
        return Connections(arr["i"].copy(), arr["j"].copy(), attributes)


# ---------------------------------------------------------------- random connectors

class FixedProbabilityConnector(_SelfConnectionMixin, Connector):
    """
    For each pair of pre-post cells, the connection probability is constant.

    `p_connect`:
        a number between zero and one. Each potential connection is created
        with this probability.
    `allow_self_connections`:
        whether a neuron may connect to itself (True, False or 'NoMutual').
    `rng`:
        a NumpyRNG used to decide which connections exist (the projection's
        generator if None).

    `native`:
        if True, a backend that can (NEST: 'pairwise_bernoulli') draws the
        connections itself with its own generator, not `rng` (see the module
        docstring); 'NoMutual' is then not allowed.

    Cost is proportional to the number of connections: gaps between
    successive connections in the flattened (post, pre) matrix are drawn from
    a geometric distribution. Order: by post, then pre.
    """

    parameter_names = ("allow_self_connections", "p_connect")

    def expected_size(self, n_pre, n_post):
        return int(np.ceil(self.p_connect * n_pre * n_post))

    def native_rule(self):
        return {"rule": "pairwise_bernoulli", "p": self.p_connect,
                "allow_autapses": self.allow_self_connections, "allow_multapses": False}

    def __init__(self, p_connect, allow_self_connections=True, rng=None, safe=True,
                 callback=None, native=False):
        Connector.__init__(self, safe, callback)
        if isinstance(p_connect, bool) or not isinstance(p_connect, (int, float, np.number)) \
                or not 0 <= p_connect <= 1:
            raise InvalidParameterValueError("p_connect", p_connect, "a number in [0, 1]",
                                             model="FixedProbabilityConnector")
        self.p_connect = float(p_connect)
        self._init_self(allow_self_connections, rng)
        self._init_native(native)

    def _connect(self, context):
        gen = self._generator(context)
        p = self.p_connect
        total = context.n_pre * context.n_post
        chunks = []
        last = -1                     # flat index of the last connection so far
        while p > 0 and last < total - 1:
            expected = (total - 1 - last) * p
            size = int(min(expected + 6 * np.sqrt(expected) + 16, BLOCK_SIZE))
            flat = last + np.cumsum(gen.geometric(p, size))
            last = int(flat[-1])
            chunks.append(flat[flat < total] if last >= total else flat)
            self._progress(min(last + 1, total) / total)
        keys = np.concatenate(chunks) if chunks else _empty()
        return self._filter(_from_keys(keys, context.n_pre), context)


class FixedTotalNumberConnector(_SelfConnectionMixin, Connector):
    """
    Connects a fixed total number `n` of pre-post pairs, chosen uniformly
    among all allowed pairs.

    `with_replacement`:
        if True (the default), a pair may be chosen more than once
        (multapses); if False, the `n` pairs are distinct and `n` larger than
        the number of allowed pairs raises ConnectionError.
    `allow_self_connections`, `rng`: as for FixedProbabilityConnector.
    `native`:
        if True, a backend that can (NEST: 'fixed_total_number') draws the
        connections itself (see the module docstring).

    Order: by post, then pre.
    """

    parameter_names = ("allow_self_connections", "n", "with_replacement")

    def expected_size(self, n_pre, n_post):
        return None if isinstance(self.n, RandomDistribution) else int(self.n)

    def __init__(self, n, allow_self_connections=True, with_replacement=True, rng=None,
                 safe=True, callback=None, native=False):
        Connector.__init__(self, safe, callback)
        self.n = _check_int(n, "n", "FixedTotalNumberConnector")
        self.with_replacement = _check_flag(with_replacement, "with_replacement",
                                            "FixedTotalNumberConnector")
        self._init_self(allow_self_connections, rng, allow_no_mutual=False)
        self._init_native(native)

    def native_rule(self):
        return {"rule": "fixed_total_number", "N": self.n,
                "allow_autapses": self.allow_self_connections,
                "allow_multapses": self.with_replacement}

    def _connect(self, context):
        gen = self._generator(context)
        total = context.n_pre * context.n_post
        exclusion = None if self.allow_self_connections else \
            _FlatExclusion(context.pre_ids, context.post_ids)
        keys = _sample_rows(gen, np.array([self.n]), total, not self.with_replacement,
                            exclusion, self._progress, "FixedTotalNumberConnector")
        return _from_keys(keys, context.n_pre)


class _FixedNumberConnector(_SelfConnectionMixin, Connector):
    parameter_names = ("allow_self_connections", "n", "with_replacement")

    #: the NEST rule and its count parameter
    _native_names = None

    def __init__(self, n, allow_self_connections=True, with_replacement=False, rng=None,
                 safe=True, callback=None, native=False):
        Connector.__init__(self, safe, callback)
        if not isinstance(n, RandomDistribution):
            n = _check_int(n, "n", type(self).__name__)
        self.n = n
        self.with_replacement = _check_flag(with_replacement, "with_replacement",
                                            type(self).__name__)
        self._init_self(allow_self_connections, rng, allow_no_mutual=False)
        self._init_native(native)
        if self.native and isinstance(n, RandomDistribution):
            raise InvalidParameterValueError(
                "n", n, "an integer with native=True (native rules take one fixed count)",
                model=type(self).__name__)

    def native_rule(self):
        rule, count = self._native_names
        return {"rule": rule, count: self.n, "allow_autapses": self.allow_self_connections,
                "allow_multapses": self.with_replacement}

    def _counts(self, size):
        if not isinstance(self.n, RandomDistribution):
            return np.full(size, self.n, dtype=np.int64)
        counts = np.asarray(self.n.next(size), dtype=float).reshape(size)
        bad = (counts < 0) | (counts != np.round(counts))
        if bad.any():
            raise InvalidParameterValueError(
                "n", f"{self.n!r} gave {counts[bad][0]}", "non-negative integer counts",
                model=type(self).__name__)
        return counts.astype(np.int64)

    def _sample(self, context, rows_ids, values_ids):
        """Draw, for each cell of the 'rows' side, its partners on the other side."""
        gen = self._generator(context)
        counts = self._counts(rows_ids.size)
        exclusion = None if self.allow_self_connections else _Exclusion(rows_ids, values_ids)
        return _sample_rows(gen, counts, values_ids.size, not self.with_replacement,
                            exclusion, self._progress, type(self).__name__)


class FixedNumberPreConnector(_FixedNumberConnector):
    """
    Each postsynaptic neuron is connected to exactly `n` presynaptic neurons
    chosen at random.

    `n`:
        a non-negative integer, or a RandomDistribution giving non-negative
        integers (then one number is drawn per postsynaptic neuron, in order,
        from that distribution's own rng).
    `with_replacement`:
        if False (the default) the `n` presynaptic neurons of each
        postsynaptic neuron are distinct (a uniform sample without
        replacement), and `n` larger than the number of available
        presynaptic neurons raises ConnectionError; if True each is drawn
        independently from the whole population (multapses possible).
    `allow_self_connections`:
        whether a neuron may connect to itself.
    `rng`:
        a NumpyRNG (the projection's generator if None).
    `native`:
        if True, a backend that can (NEST: 'fixed_indegree') draws the
        connections itself with its own generator, not `rng` (see the module
        docstring); `n` must then be an integer.

    Order: by post, then pre.
    """

    _native_names = ("fixed_indegree", "indegree")

    def expected_size(self, n_pre, n_post):
        return None if isinstance(self.n, RandomDistribution) else int(self.n) * n_post

    def _connect(self, context):
        keys = self._sample(context, context.post_ids, context.pre_ids)
        return _from_keys(keys, context.n_pre, compact=True)


class FixedNumberPostConnector(_FixedNumberConnector):
    """
    Each presynaptic neuron is connected to exactly `n` postsynaptic neurons
    chosen at random. Arguments as for :class:`FixedNumberPreConnector`, with
    the roles of pre and post exchanged (native rule: NEST's 'fixed_outdegree').

    Order: by post, then pre (the draws are made per presynaptic neuron,
    then sorted).
    """

    _native_names = ("fixed_outdegree", "outdegree")

    def expected_size(self, n_pre, n_post):
        return None if isinstance(self.n, RandomDistribution) else int(self.n) * n_pre

    def _connect(self, context):
        keys = self._sample(context, context.pre_ids, context.post_ids)
        if context.n_post == 0 or keys.size == 0:
            return Connections(_empty(), _empty())
        pre, post = np.divmod(keys, context.n_post)
        keys = post * context.n_pre + pre
        keys.sort()
        return _from_keys(keys, context.n_pre)


#: names a distance expression may use: numpy functions and constants only
_EXPRESSION_NAMESPACE = {name: getattr(np, name) for name in (
    "exp", "log", "log10", "log2", "sqrt", "abs", "fabs", "sin", "cos", "tan", "arcsin",
    "arccos", "arctan", "arctan2", "sinh", "cosh", "tanh", "floor", "ceil", "fmod", "hypot",
    "power", "maximum", "minimum", "where", "clip", "heaviside", "logical_and", "logical_or",
    "logical_not", "pi", "e", "inf")}
_EXPRESSION_NAMESPACE.update(__builtins__={})


def _compile_expression(expression, variable, model):
    """Compile a string expression of one variable, allowing only the names
    in _EXPRESSION_NAMESPACE (no builtins, no attribute access)."""
    allowed = f"an expression of {variable} using only " + ", ".join(
        sorted(k for k in _EXPRESSION_NAMESPACE if k != "__builtins__"))
    try:
        code = compile(expression, f"<{model} expression>", "eval")
    except SyntaxError as exc:
        raise InvalidParameterValueError("d_expression", expression, allowed, model=model) from exc
    unknown = set(code.co_names) - set(_EXPRESSION_NAMESPACE) - {variable}
    nested = any(hasattr(c, "co_code") for c in code.co_consts)
    if unknown or nested or "__builtins__" in code.co_names:
        raise InvalidParameterValueError("d_expression", expression, allowed, model=model)

    def evaluate(values):
        return eval(code, _EXPRESSION_NAMESPACE, {variable: values})  # noqa: S307 - names checked
    return evaluate


class DistanceDependentProbabilityConnector(_ProbabilityMapConnector):
    """
    For each pair of pre-post cells, the connection probability depends on
    their distance in the projection's Space.

    `d_expression`:
        the right-hand side of an expression for the probability, involving
        'd', e.g. "exp(-abs(d))" or "d < 3"; it may use numpy functions and
        constants (exp, sqrt, abs, minimum, where, pi, ...) and nothing else.
        A callable of d (an array) is also accepted.
    `allow_self_connections`, `rng`: as for FixedProbabilityConnector.

    Needs the cells' positions. One uniform number is drawn per pair.
    Order: by post, then pre.
    """

    parameter_names = ("allow_self_connections", "d_expression")
    _expression_name = "d_expression"

    def __init__(self, d_expression, allow_self_connections=True, rng=None, safe=True,
                 callback=None):
        Connector.__init__(self, safe, callback)
        model = type(self).__name__
        if isinstance(d_expression, str):
            function = _compile_expression(d_expression, "d", model)
        elif callable(d_expression):
            function = d_expression
        else:
            raise InvalidParameterValueError("d_expression", d_expression,
                                             "a string expression of d, or a callable", model=model)
        with np.errstate(all="ignore"):
            try:
                probe = np.asarray(function(np.array([0.0, 1.0, 1e12])), dtype=float)
            except Exception as exc:  # the user's expression failed: report which one
                raise InvalidParameterValueError(
                    "d_expression", d_expression, f"an expression valid for distances ({exc})",
                    model=model) from exc
        if np.isnan(probe).any() or (probe < 0).any():
            raise InvalidParameterValueError(
                "d_expression", d_expression,
                f"probabilities >= 0 (at d = 0, 1, 1e12 it gives {probe.tolist()})", model=model)
        self.d_expression = d_expression
        self.distance_function = function
        self._init_self(allow_self_connections, rng)

    def _probabilities(self, context, start, stop):
        pre_pos, post_pos = _positions(context, type(self).__name__)
        space = context.space if context.space is not None else Space()
        d = space.distances(pre_pos, post_pos[:, start:stop]).T
        p = np.asarray(self.distance_function(d), dtype=float)
        return np.broadcast_to(p, d.shape)


class IndexBasedProbabilityConnector(_ProbabilityMapConnector):
    """
    For each pair of pre-post cells, the connection probability is given by a
    function of their indices.

    `index_expression`:
        a callable f(i, j) taking arrays of presynaptic indices i and
        postsynaptic indices j (both of shape (n_pre, n_block): pre along the
        first axis, as numpy.fromfunction gives them) and returning the
        probabilities, of the same shape.
    `allow_self_connections`, `rng`: as for FixedProbabilityConnector.

    Order: by post, then pre.
    """

    parameter_names = ("allow_self_connections", "index_expression")
    _expression_name = "index_expression"

    def __init__(self, index_expression, allow_self_connections=True, rng=None, safe=True,
                 callback=None):
        Connector.__init__(self, safe, callback)
        if not callable(index_expression):
            raise InvalidParameterValueError("index_expression", index_expression,
                                             "a callable f(i, j) -> probabilities",
                                             model=type(self).__name__)
        self.index_expression = index_expression
        self._init_self(allow_self_connections, rng)

    def _probabilities(self, context, start, stop):
        shape = (context.n_pre, stop - start)
        i = np.broadcast_to(np.arange(context.n_pre, dtype=np.int64)[:, None], shape)
        j = np.broadcast_to(np.arange(start, stop, dtype=np.int64)[None, :], shape)
        p = np.asarray(self.index_expression(i, j), dtype=float)
        return np.broadcast_to(p, shape).T


class DisplacementDependentProbabilityConnector(_ProbabilityMapConnector):
    """
    For each pair of pre-post cells, the connection probability is a function
    of the displacement from the pre to the post cell.

    `disp_function`:
        a callable taking a (3, N) array of displacements (post position minus
        pre position, in the projection's Space: offset and scale_factor
        applied, periodic dimensions wrapped) and returning N probabilities.
    `allow_self_connections`, `rng`: as for FixedProbabilityConnector.

    Order: by post, then pre.
    """

    parameter_names = ("allow_self_connections", "disp_function")
    _expression_name = "disp_function"

    def __init__(self, disp_function, allow_self_connections=True, rng=None, safe=True,
                 callback=None):
        Connector.__init__(self, safe, callback)
        if not callable(disp_function):
            raise InvalidParameterValueError("disp_function", disp_function,
                                             "a callable of a (3, N) displacement array",
                                             model=type(self).__name__)
        self.disp_function = disp_function
        self._init_self(allow_self_connections, rng)

    def _probabilities(self, context, start, stop):
        pre_pos, post_pos = _positions(context, type(self).__name__)
        space = context.space if context.space is not None else Space()
        disp = space.displacements(pre_pos, post_pos[:, start:stop])   # (3, n_pre, b)
        disp = disp.transpose(0, 2, 1).reshape(3, -1)                  # by post, then pre
        p = np.asarray(self.disp_function(disp), dtype=float)
        return np.broadcast_to(p, (disp.shape[1],)).reshape(stop - start, context.n_pre)


class SmallWorldConnector(_SelfConnectionMixin, Connector):
    """
    Connect cells so as to create a small-world network (Watts & Strogatz).

    `degree`:
        the region length within which cells are connected locally: every
        pair closer than `degree` (in the projection's Space) is connected.
    `rewiring`:
        the probability of rewiring each connection: its presynaptic cell is
        replaced by one drawn uniformly (never itself when self-connections
        are not allowed; multapses are possible).
    `allow_self_connections`, `rng`: as for FixedProbabilityConnector.
    `n_connections`: not supported (must be None).

    Needs the cells' positions. Order: by post, then pre (after rewiring).
    """

    parameter_names = ("allow_self_connections", "degree", "rewiring")

    def __init__(self, degree, rewiring, allow_self_connections=True, n_connections=None,
                 rng=None, safe=True, callback=None):
        Connector.__init__(self, safe, callback)
        model = "SmallWorldConnector"
        if isinstance(degree, bool) or not isinstance(degree, (int, float, np.number)) \
                or not degree >= 0:
            raise InvalidParameterValueError("degree", degree, "a number >= 0", model=model)
        if isinstance(rewiring, bool) or not isinstance(rewiring, (int, float, np.number)) \
                or not 0 <= rewiring <= 1:
            raise InvalidParameterValueError("rewiring", rewiring, "a number in [0, 1]",
                                             model=model)
        if n_connections is not None:
            raise InvalidParameterValueError(
                "n_connections", n_connections,
                "None (a fixed number per neuron is not supported; use FixedNumberPostConnector)",
                model=model)
        self.degree, self.rewiring, self.n_connections = degree, float(rewiring), None
        self._init_self(allow_self_connections, rng, allow_no_mutual=False)

    def _connect(self, context):
        gen = self._generator(context)
        pre_pos, post_pos = _positions(context, "SmallWorldConnector")
        space = context.space if context.space is not None else Space()
        pres, posts = [], []
        for start, stop in _blocks(np.full(context.n_post, max(context.n_pre, 1)), BLOCK_SIZE):
            d = space.distances(pre_pos, post_pos[:, start:stop]).T
            post, pre = np.nonzero(d < self.degree)
            pres.append(pre.astype(np.int64))
            posts.append(post.astype(np.int64) + start)
            self._progress(0.5 * stop / max(context.n_post, 1))
        conns = Connections(np.concatenate(pres) if pres else _empty(),
                            np.concatenate(posts) if posts else _empty())
        conns = self._filter(conns, context)
        pre, post = conns.pre, conns.post
        rewire = np.flatnonzero(gen.random(pre.size) < self.rewiring)
        pre[rewire] = gen.integers(0, context.n_pre, rewire.size)
        if not self.allow_self_connections:
            bad = rewire[context.pre_ids[pre[rewire]] == context.post_ids[post[rewire]]]
            if bad.size and context.n_pre < 2:
                raise ConnectionError("SmallWorldConnector: no cell other than itself to rewire to")
            while bad.size:
                pre[bad] = gen.integers(0, context.n_pre, bad.size)
                bad = bad[context.pre_ids[pre[bad]] == context.post_ids[post[bad]]]
        if context.n_pre == 0:
            return Connections(_empty(), _empty())
        keys = np.sort(post * context.n_pre + pre)
        return _from_keys(keys, context.n_pre)
