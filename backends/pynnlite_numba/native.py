"""Where a projection's connections come from: the frontend's arrays, or a
native connection rule the engine draws itself, chunk by chunk.

The synapse tables (connectivity.py, plasticity.py, drive.py) read every
projection through a :class:`ConnectionSource`: ``chunks()`` yields its
connections as (start, pre, post, weight, delay steps) pieces in the
projection's order. A frontend ProjectionSpec is one chunk (its own arrays).
A ProjectionSpec with a ``native_rule`` (pynnlite.native_rules: a connector
made with ``native=True``) arrives with empty arrays; its source draws the
connections with the engine's counter-based generator (rng.py, stream
CONNECT), a block of cells at a time, so that no array of all its connections
exists while the tables are built (each table counts the connections of its
rows in one pass and writes them into place in a second; both passes draw the
same connections again). Every connection is a pure function of (seed,
projection index, cell, k): the draw is the same for any chunk size, number
of threads, run() or reset(), and when it is drawn again later for
``positions()``, Backend.get_connections or connection values.

Rules, and the order of their connections (the order of get_connections and
of every value array; "cells" are the rule's pre_cells / post_cells, in the
projection's order, or the whole population):

- fixed_indegree (FixedNumberPreConnector): by target cell, then k =
  0 .. indegree-1. Source k of target t comes from the counter (projection,
  t, k): uniform among the pre cells, or among the pre cells other than t
  itself when autapses are not allowed (exactly uniform: an integer below m
  by Lemire's multiply-and-reject on 32-bit halves of the hash). Without
  multapses, Floyd's algorithm draws a uniform subset of ``indegree``
  distinct sources, listed in the order they are drawn.
- fixed_outdegree (FixedNumberPostConnector): the same with pre and post
  exchanged; by source cell, then k.
- all_to_all: by target, then source in pre-cell order (no autapses: skipped).
- one_to_one: pre cell i to post cell i, in order.
- pairwise_bernoulli (FixedProbabilityConnector): source s and target t are
  connected when the 64-bit hash of the counter (projection, t, position of s)
  is below p * 2**64; by target, then source in pre-cell order.
- fixed_total_number (FixedTotalNumberConnector, with multapses): connection c
  (0 .. N-1) has its source and target drawn uniformly from the counter
  (projection, c) (a pair that is an autapse, when those are not allowed, is
  drawn again from the next stream); in the order of c.

Weights and delays are a number for all, or drawn per connection from a
RandomDistribution with the connection's counter on the streams WEIGHT and
DELAY: uniform, uniform_int (exact integers), normal (Box-Muller),
normal_clipped (redrawn while outside [low, high], at most 1000 times, as
pynnlite.random does), normal_clipped_to_boundary, lognormal, exponential.
Drawn delays are rounded to the time grid (the frontend asks for
setup(round_delays=True) unless the distribution gives whole ms). Other
distributions are refused when the Projection is made (check_rule).
"""
import math

import numpy as np
from numba import njit

from pynnlite.errors import ConnectionError, InvalidParameterValueError, NoModelAvailableError

from .rng import _C_B, _C_STREAM, _GOLDEN, _S11, _TWO_M53, CONNECT, DELAY, WEIGHT, mix64

#: the connectors whose rules this engine draws (Capabilities.connectors_native)
NATIVE_CONNECTORS = ("AllToAllConnector", "OneToOneConnector", "FixedProbabilityConnector",
                     "FixedNumberPreConnector", "FixedNumberPostConnector",
                     "FixedTotalNumberConnector")
#: synapse types a native rule may connect with (the STDP store builds from chunks too)
NATIVE_SYNAPSES = ("StaticSynapse", "STDPMechanism")
#: distributions drawn per connection, with their parameters in kernel order
DISTRIBUTIONS = {
    "uniform": ("low", "high"),
    "uniform_int": ("low", "high"),
    "normal": ("mu", "sigma"),
    "normal_clipped": ("mu", "sigma", "low", "high"),
    "normal_clipped_to_boundary": ("mu", "sigma", "low", "high"),
    "lognormal": ("mu", "sigma"),
    "exponential": ("beta",),
}
_CODES = {name: i for i, name in enumerate(DISTRIBUTIONS)}
#: normal_clipped: most redraws of one value (pynnlite.random.MAX_REDRAWS)
_MAX_REDRAWS = 1000
#: connections per chunk (about): a chunk's arrays take a few MB
CHUNK = 1 << 18

_C_J = np.uint64(0x9FB21C651E98DF25)
_LOW32 = np.uint64(0xFFFFFFFF)
_S32 = np.uint64(32)
_TWO_32 = 1 << 32


def delay_steps(delays, dt):
    """Delays (ms, on the grid) as whole steps; one value for all (a
    zero-stride view) stays a zero-stride view."""
    delays = np.asarray(delays, np.float64)
    if delays.ndim == 1 and delays.strides == (0,) and delays.size:
        return np.broadcast_to(np.int64(np.rint(delays[0] / dt)), delays.shape)
    return np.rint(delays / dt).astype(np.int64)


def check_rule(rule, what):
    """Raise a pynnlite error if this engine cannot draw ``rule`` (a
    ProjectionSpec.native_rule); ``what`` names the projection."""
    name = rule["rule"]
    if name not in _RULES:
        raise ConnectionError(f"the numba engine has no native rule '{name}' ({what}); it has: "
                              f"{', '.join(_RULES)}")
    if name == "fixed_total_number" and not rule["allow_multapses"]:
        raise ConnectionError(
            f"the numba engine draws fixed_total_number with multapses only ({what}): use "
            "FixedTotalNumberConnector(with_replacement=True, native=True), or native=False")
    model = rule.get("synapse_model", "StaticSynapse")
    if model not in NATIVE_SYNAPSES:
        raise ConnectionError(
            f"a native connector on the numba engine connects with {' or '.join(NATIVE_SYNAPSES)}"
            f", not {model} ({what}); use native=False")
    for key in ("weight", "delay"):
        value = rule[key]
        if isinstance(value, dict) and value["distribution"] not in DISTRIBUTIONS:
            raise InvalidParameterValueError(
                key, f"RandomDistribution('{value['distribution']}', {value['parameters']})",
                f"a number or one of the distributions the numba engine draws per connection: "
                f"{', '.join(DISTRIBUTIONS)}; or native=False ({what})", model)


# ------------------------------------------------------------------ kernels

@njit(cache=True, nogil=True, inline="always", error_model="numpy")
def _prefix(seed, stream, a):
    """hash4(seed, stream, a, b) = _hash(_prefix(seed, stream, a), b)."""
    h = mix64(np.uint64(seed) ^ (np.uint64(stream) * _C_STREAM))
    return mix64(h + np.uint64(a) * _GOLDEN)


@njit(cache=True, nogil=True, inline="always", error_model="numpy")
def _hash(prefix, b):
    return mix64(prefix ^ (np.uint64(b) * _C_B))


@njit(cache=True, nogil=True, inline="always", error_model="numpy")
def _nth(h, j):
    """The j-th hash of a counter whose first hash is h (j = 0: h itself)."""
    if j == 0:
        return h
    return mix64(h ^ (np.uint64(j) * _C_J))


@njit(cache=True, nogil=True, inline="always", error_model="numpy")
def _below(h, m):
    """An integer uniform in [0, m), 1 <= m < 2**32, from the counter whose
    hash is h: Lemire's multiply-and-reject on 32-bit halves, exact (a
    rejected half is followed by the other half, then by the next hashes)."""
    mm = np.uint64(m)
    t = np.uint64(_TWO_32 % m)
    j = 0
    while True:
        g = _nth(h, j)
        prod = (g >> _S32) * mm
        if (prod & _LOW32) >= t:
            return np.int64(prod >> _S32)
        prod = (g & _LOW32) * mm
        if (prod & _LOW32) >= t:
            return np.int64(prod >> _S32)
        j += 1


@njit(cache=True, nogil=True, inline="always", error_model="numpy")
def _unit(h):
    """A uniform number in (0, 1) from 53 bits of h (rng.uniform's mapping)."""
    return (np.float64(h >> _S11) + 0.5) * _TWO_M53


@njit(cache=True, nogil=True, inline="always", error_model="numpy")
def _gauss(h, r):
    """The r-th standard normal number of a counter (Box-Muller on its hashes 2r, 2r+1)."""
    u1 = _unit(_nth(h, 2 * r))
    u2 = _unit(_nth(h, 2 * r + 1))
    return np.sqrt(-2.0 * np.log(u1)) * np.cos(2.0 * np.pi * u2)


@njit(cache=True, nogil=True, error_model="numpy")
def _value(h, code, p):
    """One value of distribution ``code`` (the order of DISTRIBUTIONS) with
    parameters ``p`` from the counter whose hash is h; NaN when
    normal_clipped finds no value in [low, high] in _MAX_REDRAWS draws."""
    if code == 0:
        return p[0] + (p[1] - p[0]) * _unit(h)
    if code == 1:
        return p[0] + np.float64(_below(h, np.int64(p[1] - p[0])))
    if code == 2:
        return p[0] + p[1] * _gauss(h, 0)
    if code == 3:
        for r in range(_MAX_REDRAWS):
            x = p[0] + p[1] * _gauss(h, r)
            if p[2] <= x <= p[3]:
                return x
        return np.nan
    if code == 4:
        return min(max(p[0] + p[1] * _gauss(h, 0), p[2]), p[3])
    if code == 5:
        return np.exp(p[0] + p[1] * _gauss(h, 0))
    return -p[0] * np.log(_unit(h))


@njit(cache=True, nogil=True, error_model="numpy")
def _values(seed, stream, key, cells, kb, code, p, out):
    """out[i] = the value of connection i, counter (key + cells[i], kb[i])."""
    for i in range(out.shape[0]):
        h = _hash(_prefix(seed, stream, key + cells[i]), kb[i])
        out[i] = _value(h, code, p)


@njit(cache=True, nogil=True, error_model="numpy")
def _fixed_number(seed, key, c0, c1, cells, others, self_pos, count, multapses, mark, cell_out,
                  other_out, kb_out):
    """Connections of cells[c0:c1], ``count`` each, to ``others`` (as targets:
    fixed_indegree, the others are the sources; or as sources:
    fixed_outdegree): the k-th of cell c from the counter (key + cell, k).
    self_pos[c] is the position of cell c among the others when it may not
    connect to itself, else -1. ``mark`` (one entry per other cell) holds
    stamps for Floyd's algorithm (no multapses). kb_out gets k when it is not
    empty (the counters of drawn weights and delays)."""
    n = others.shape[0]
    keep_k = kb_out.shape[0] > 0
    i = 0
    for c in range(c0, c1):
        cell = cells[c]
        prefix = _prefix(seed, CONNECT, key + cell)
        skip = self_pos[c]
        m = n - 1 if skip >= 0 else n
        if multapses:
            for k in range(count):
                q = _below(_hash(prefix, k), m)
                if skip >= 0 and q >= skip:
                    q += 1
                cell_out[i] = cell
                other_out[i] = others[q]
                if keep_k:
                    kb_out[i] = k
                i += 1
        else:
            stamp = c + 1
            for k in range(count):
                top = m - count + k          # Floyd: draw in [0, top], take top if taken
                q = _below(_hash(prefix, k), top + 1)
                if mark[q] == stamp:
                    q = top
                mark[q] = stamp
                if skip >= 0 and q >= skip:
                    q += 1
                cell_out[i] = cell
                other_out[i] = others[q]
                if keep_k:
                    kb_out[i] = k
                i += 1
    return i


@njit(cache=True, nogil=True, error_model="numpy")
def _bernoulli(seed, key, c0, c1, cells, others, self_pos, threshold, everyone, fill, cell_out,
               other_out, kb_out):
    """pairwise_bernoulli (or all_to_all when ``everyone``) for target cells
    cells[c0:c1]: count the connections, and write them when ``fill``."""
    n = others.shape[0]
    i = 0
    for c in range(c0, c1):
        cell = cells[c]
        prefix = _prefix(seed, CONNECT, key + cell)
        skip = self_pos[c]
        for q in range(n):
            if q == skip:
                continue
            if not everyone and _hash(prefix, q) >= threshold:
                continue
            if fill:
                cell_out[i] = cell
                other_out[i] = others[q]
                if kb_out.shape[0]:
                    kb_out[i] = q
            i += 1
    return i


@njit(cache=True, nogil=True, error_model="numpy")
def _total_number(seed, key, c0, c1, pre_cells, post_cells, same, pre_out, post_out, kb_out):
    """fixed_total_number with multapses: connection c from the counter (key, c)
    (source from its hash 2c, target from 2c+1); an autapse, where ``same``
    says cells are shared and autapses are not allowed, is drawn again from
    stream CONNECT + 16 r."""
    n_pre = pre_cells.shape[0]
    n_post = post_cells.shape[0]
    for c in range(c0, c1):
        r = 0
        while True:
            prefix = _prefix(seed, CONNECT + 16 * r, key)
            s = pre_cells[_below(_hash(prefix, 2 * c), n_pre)]
            t = post_cells[_below(_hash(prefix, 2 * c + 1), n_post)]
            if not same or s != t:
                break
            r += 1
        pre_out[c - c0] = s
        post_out[c - c0] = t
        kb_out[c - c0] = c


# ------------------------------------------------------------------ sources

def _index_dtype(n):
    return np.int32 if n < 2 ** 31 else np.int64


class ConnectionSource:
    """The connections of one ProjectionSpec, in its order, as chunks.

    ``chunks(weights, delays)`` yields (start, pre, post, weight, delay):
    population-local int arrays, the weights as given (float64) and the
    delays in steps (int64), each a zero-stride view when one value holds for
    all, or None when not asked for; ``start`` is the index of the chunk's
    first connection in the projection's order."""

    native = False

    def connections(self):
        """(pre, post) of every connection (full arrays: for get_connections)."""
        parts = [(pre, post) for _, pre, post, _, _ in self.chunks(False, False)]
        if not parts:
            return np.zeros(0, np.int32), np.zeros(0, np.int32)
        return np.concatenate([p for p, _ in parts]), np.concatenate([q for _, q in parts])

    def weights(self):
        """The weights of every connection, as given (a zero-stride view when homogeneous)."""
        if self.weight_value is not None:
            return np.broadcast_to(np.float64(self.weight_value), (self.size,))
        out = np.empty(self.size, np.float64)
        for start, pre, _, w, _ in self.chunks(True, False):
            out[start:start + len(pre)] = w
        return out

    def delay_steps(self):
        """The delays (steps) of every connection (a zero-stride view when homogeneous)."""
        if self.delay_value is not None:
            return np.broadcast_to(np.int64(self.delay_value), (self.size,))
        out = np.empty(self.size, np.int64)
        for start, pre, _, _, d in self.chunks(False, True):
            out[start:start + len(pre)] = d
        return out


class SpecSource(ConnectionSource):
    """A frontend ProjectionSpec: its arrays, one chunk."""

    def __init__(self, spec, dt):
        self.spec = spec
        self.dt = dt
        self.size = spec.size
        w = np.asarray(spec.weights, np.float64)
        self.weight_value = _one_value(w)
        dv = _one_value(np.asarray(spec.delays, np.float64))
        self.delay_value = None if dv is None else int(np.rint(dv / dt))

    def chunks(self, weights=True, delays=True):
        if not self.size:
            return
        p = self.spec
        w = np.asarray(p.weights, np.float64) if weights else None
        d = delay_steps(p.delays, self.dt) if delays else None
        yield 0, _indices(p.pre_indices), _indices(p.post_indices), w, d

    def delay_bounds(self):
        """(lowest, highest) delay in steps (1, 1 when empty)."""
        if self.delay_value is not None:
            return self.delay_value, self.delay_value
        if not self.size:
            return 1, 1
        d = delay_steps(self.spec.delays, self.dt)
        return int(d.min()), int(d.max())


class NativeSource(ConnectionSource):
    """A native rule drawn by the engine (see the module docstring)."""

    native = True

    def __init__(self, spec, network, chunk=CHUNK):
        rule = spec.native_rule
        check_rule(rule, f"projection '{spec.label}'")
        self.spec, self.rule, self.dt = spec, rule, float(network.dt)
        self.seed = int(network.seed) & ((1 << 63) - 1)
        sizes = {p.index: p.size for p in network.populations}
        self.pre_cells = _cells(rule["pre_cells"], sizes[spec.pre])
        self.post_cells = _cells(rule["post_cells"], sizes[spec.post])
        if max(sizes[spec.pre], sizes[spec.post], 1) >= _TWO_32:
            raise NoModelAvailableError(
                f"projection '{spec.label}': a native rule on the numba engine takes populations "
                f"of fewer than 2**32 cells")
        #: counter key of the projection: key + cell < 2**63
        self.key = int(spec.index) << 32
        self.chunk = max(1, int(chunk))
        self.name = rule["rule"]
        self.same = spec.pre == spec.post
        self._size = None
        self._check_counts()
        self.weight_value = None if isinstance(rule["weight"], dict) else float(rule["weight"])
        delay = rule["delay"]
        self.delay_value = None if isinstance(delay, dict) else int(np.rint(delay / self.dt))
        self._dists = {k: (_CODES[v["distribution"]], np.array(
            [float(v["parameters"][n]) for n in DISTRIBUTIONS[v["distribution"]]], np.float64))
            for k, v in (("weight", rule["weight"]), ("delay", delay)) if isinstance(v, dict)}

    # -------------------------------------------------------------- sizes
    def _check_counts(self):
        n_pre, n_post = len(self.pre_cells), len(self.post_cells)
        allow_self = self.rule["allow_autapses"] or not self.same
        for what, count, n_others, cells, others in (
                ("indegree", "fixed_indegree", n_pre, self.post_cells, self.pre_cells),
                ("outdegree", "fixed_outdegree", n_post, self.pre_cells, self.post_cells)):
            if self.name != count:
                continue
            k = int(self.rule[what])
            if k < 0:
                raise ConnectionError(f"projection '{self.spec.label}': {what} {k} < 0")
            if not k or not len(cells):
                continue
            fewest = n_others
            if not allow_self and len(np.intersect1d(cells, others)):
                fewest -= 1
            if fewest < 1 or (not self.rule["allow_multapses"] and k > fewest):
                raise ConnectionError(
                    f"projection '{self.spec.label}': {what} {k} needs "
                    f"{'at least one' if self.rule['allow_multapses'] else k} allowed partner(s) "
                    f"per cell, but a cell has only {fewest} (with_replacement="
                    f"{self.rule['allow_multapses']}, allow_self_connections="
                    f"{self.rule['allow_autapses']})")
        if self.name == "fixed_total_number" and int(self.rule["N"]) > 0:
            if not n_pre or not n_post or (not allow_self and n_pre == 1 and n_post == 1
                                           and self.pre_cells[0] == self.post_cells[0]):
                raise ConnectionError(f"projection '{self.spec.label}': no allowed pair for "
                                      f"{self.rule['N']} connections")

    @property
    def size(self):
        """The number of connections (a counting draw for pairwise_bernoulli)."""
        if self._size is None:
            n_pre, n_post = len(self.pre_cells), len(self.post_cells)
            if self.name == "fixed_indegree":
                self._size = int(self.rule["indegree"]) * n_post
            elif self.name == "fixed_outdegree":
                self._size = int(self.rule["outdegree"]) * n_pre
            elif self.name == "one_to_one":
                self._size = n_post
            elif self.name == "fixed_total_number":
                self._size = int(self.rule["N"])
            else:
                self._size = sum(hi - lo for lo, hi, _ in self._target_blocks(count_only=True))
        return self._size

    def expected_indegree(self):
        """(targets, expected connections per target) for the partition cost model."""
        n_pre, n_post = len(self.pre_cells), len(self.post_cells)
        rule = self.rule
        if self.name == "fixed_indegree":
            per = float(rule["indegree"])
        elif self.name == "fixed_outdegree":
            per = float(rule["outdegree"]) * n_pre / max(n_post, 1)
        elif self.name == "one_to_one":
            per = 1.0
        elif self.name == "fixed_total_number":
            per = float(rule["N"]) / max(n_post, 1)
        elif self.name == "all_to_all":
            per = float(n_pre)
        else:
            per = float(rule["p"]) * n_pre
        return self.post_cells, per

    def delay_bounds(self):
        if self.delay_value is not None:
            return self.delay_value, self.delay_value
        lo, hi = self.rule["delay_range"]
        return int(np.rint(lo / self.dt)), int(np.rint(hi / self.dt))

    # -------------------------------------------------------------- draw
    def _self_positions(self, cells, others):
        """For each of ``cells``, its position among ``others`` when it may not
        connect to itself, else -1."""
        out = np.full(len(cells), -1, np.int64)
        if self.rule["allow_autapses"] or not self.same or not len(others):
            return out
        where = np.full(int(max(cells.max(initial=0), others.max(initial=0))) + 1, -1, np.int64)
        where[others] = np.arange(len(others))
        return where[cells]

    def _target_blocks(self, count_only=False):
        """(first, stop, arrays) per chunk; arrays = (pre, post, kb)."""
        seed, key, rule = self.seed, np.int64(self.key), self.rule
        pre_c, post_c = self.pre_cells, self.post_cells
        dt_pre = _index_dtype(max(len(pre_c), pre_c.max(initial=0) + 1))
        dt_post = _index_dtype(max(len(post_c), post_c.max(initial=0) + 1))
        first = 0
        if self.name in ("fixed_indegree", "fixed_outdegree"):
            inward = self.name == "fixed_indegree"
            cells, others = (post_c, pre_c) if inward else (pre_c, post_c)
            k = int(rule["indegree" if inward else "outdegree"])
            self_pos = self._self_positions(cells, others)
            mark = np.zeros(0 if rule["allow_multapses"] else len(others), np.int64)
            step = max(1, self.chunk // max(k, 1))
            for c0 in range(0, len(cells) if k else 0, step):
                c1 = min(c0 + step, len(cells))
                n = (c1 - c0) * k
                if count_only:
                    yield first, first + n, None
                else:
                    own = np.empty(n, dt_post if inward else dt_pre)
                    other = np.empty(n, dt_pre if inward else dt_post)
                    kb = np.empty(n if self._dists else 0, np.int64)
                    _fixed_number(seed, key, c0, c1, cells, others, self_pos, k,
                                  bool(rule["allow_multapses"]), mark, own, other, kb)
                    yield first, first + n, ((other, own, kb) if inward else (own, other, kb))
                first += n
        elif self.name in ("all_to_all", "pairwise_bernoulli"):
            everyone = self.name == "all_to_all"
            p = 1.0 if everyone else float(rule["p"])
            threshold = np.uint64(0) if p <= 0 else (
                np.uint64(2 ** 64 - 1) if p >= 1 else np.uint64(int(p * 2.0 ** 64)))
            everyone = everyone or p >= 1
            self_pos = self._self_positions(post_c, pre_c)
            step = max(1, self.chunk // max(len(pre_c), 1))
            z = np.zeros(0, np.int64)
            for c0 in range(0, len(post_c) if len(pre_c) and p > 0 else 0, step):
                c1 = min(c0 + step, len(post_c))
                n = _bernoulli(seed, key, c0, c1, post_c, pre_c, self_pos, threshold, everyone,
                               False, z, z, z)
                if count_only or not n:
                    if n:
                        yield first, first + n, None
                    first += n
                    continue
                post = np.empty(n, dt_post)
                pre = np.empty(n, dt_pre)
                kb = np.empty(n if self._dists else 0, np.int64)
                _bernoulli(seed, key, c0, c1, post_c, pre_c, self_pos, threshold, everyone,
                           True, post, pre, kb)
                yield first, first + n, (pre, post, kb)
                first += n
        elif self.name == "one_to_one":
            for c0 in range(0, len(post_c), self.chunk):
                c1 = min(c0 + self.chunk, len(post_c))
                yield first, first + c1 - c0, None if count_only else (
                    pre_c[c0:c1].astype(dt_pre), post_c[c0:c1].astype(dt_post),
                    np.zeros(c1 - c0, np.int64))
                first += c1 - c0
        else:                                  # fixed_total_number
            n_all = int(rule["N"])
            same = self.same and not rule["allow_autapses"]
            for c0 in range(0, n_all, self.chunk):
                c1 = min(c0 + self.chunk, n_all)
                if count_only:
                    yield c0, c1, None
                    continue
                pre = np.empty(c1 - c0, dt_pre)
                post = np.empty(c1 - c0, dt_post)
                kb = np.empty(c1 - c0, np.int64)
                _total_number(seed, key, c0, c1, pre_c, post_c, same, pre, post, kb)
                yield c0, c1, (pre, post, kb)

    def _counter_cells(self, pre, post):
        """The cell part of each connection's counter (see the module docstring)."""
        if self.name == "fixed_outdegree":
            return pre
        if self.name == "fixed_total_number":
            return np.zeros(1, np.int64)[np.zeros(len(pre), np.intp)]
        return post

    def _drawn(self, what, stream, pre, post, kb):
        code, params = self._dists[what]
        out = np.empty(len(kb), np.float64)
        _values(self.seed, stream, np.int64(self.key), self._counter_cells(pre, post), kb, code,
                params, out)
        if code == _CODES["normal_clipped"] and np.isnan(out).any():
            p = dict(zip(DISTRIBUTIONS["normal_clipped"], params))
            raise InvalidParameterValueError(
                what, f"RandomDistribution('normal_clipped', {p})",
                f"a distribution with enough mass in [low, high]: no value found in "
                f"{_MAX_REDRAWS} draws", self.spec.synapse_model)
        return out

    def chunks(self, weights=True, delays=True):
        for first, stop, arrays in self._target_blocks():
            pre, post, kb = arrays
            n = stop - first
            w = d = None
            if weights:
                w = (np.broadcast_to(np.float64(self.weight_value), (n,))
                     if self.weight_value is not None
                     else self._drawn("weight", WEIGHT, pre, post, kb))
            if delays:
                d = (np.broadcast_to(np.int64(self.delay_value), (n,))
                     if self.delay_value is not None
                     else np.rint(self._drawn("delay", DELAY, pre, post, kb) / self.dt)
                     .astype(np.int64))
            yield first, pre, post, w, d


def source_of(spec, network):
    """The ConnectionSource of a ProjectionSpec of ``network``."""
    if spec.native_rule is not None:
        return NativeSource(spec, network)
    return SpecSource(spec, float(network.dt))


def sizes(specs, network):
    """{spec index: number of connections} (native rules: without drawing,
    except pairwise_bernoulli's expected count)."""
    out = {}
    for p in specs:
        if p.native_rule is None:
            out[p.index] = p.size
        elif p.native_rule["rule"] == "pairwise_bernoulli":
            src = NativeSource(p, network)
            out[p.index] = int(math.ceil(float(p.native_rule["p"]) * len(src.pre_cells)
                                         * len(src.post_cells)))
        else:
            out[p.index] = NativeSource(p, network).size
    return out


def _cells(cells, size):
    return np.arange(size, dtype=np.int64) if cells is None else np.asarray(cells, np.int64)


def _one_value(values):
    """The one value of a zero-stride (homogeneous) array, else None."""
    if values.ndim == 1 and values.strides == (0,) and values.size:
        return float(values[0])
    return None


def _indices(values):
    """Connection indices as an integer array numba can read (no copy if they are one)."""
    values = np.asarray(values)
    return values if values.dtype.kind in "iu" else values.astype(np.int64)


_RULES = ("fixed_indegree", "fixed_outdegree", "all_to_all", "one_to_one", "pairwise_bernoulli",
          "fixed_total_number")
