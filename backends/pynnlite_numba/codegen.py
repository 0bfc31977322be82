"""Generate the compiled time-step loop for the model types of a network.

The loop is written as Python source for exactly the models present (the
kernel variant each block needs; electrodes and signal recording only where
used), saved in a cache directory under a name that hashes the source, the
engine's kernel
sources and the numba version, and imported from there; numba's on-disk cache
(``cache=True``) then keeps the machine code next to it. A network with the
same set of models reuses the compiled loop in every later process, and adding
a model type to the engine never recompiles the loops of other networks.

The cache directory is ``$PYNNLITE_CACHE_DIR`` if set, else
``$XDG_CACHE_HOME/pynnlite`` (``~/.cache/pynnlite``).
"""
import hashlib
import importlib.util
import os
import sys
import tempfile
from pathlib import Path

from .kernel_cache import engine_fingerprint

_LOOPS = {}


def cache_dir():
    root = os.environ.get("PYNNLITE_CACHE_DIR")
    if not root:
        root = os.path.join(os.environ.get("XDG_CACHE_HOME", os.path.expanduser("~/.cache")),
                            "pynnlite")
    path = Path(root) / "numba_loops"
    path.mkdir(parents=True, exist_ok=True)
    return path


def kernel_name(model, uniform):
    """The kernel variant for a block: ``_uniform`` when its parameters have a
    single column (neuron models only)."""
    return model.kernel[1] + ("_uniform" if uniform and "F" in model.arrays else "")


def _block_args(k, m):
    """Argument names of block k's arrays in the loop's signature."""
    out = [f"b{k}_{a}" for a in m.arrays] + [f"b{k}_g0"]
    if "S" in m.arrays:
        out += [f"b{k}_rtab", f"b{k}_rcols", f"b{k}_rout"]
    out += [f"b{k}_{a}" for a in m.extra_arrays]
    if m.splittable:
        out += [f"b{k}_clo", f"b{k}_chi"]
    return out


def _update_parts_source(plans):
    """A parallel function updating the splittable blocks, partition by
    partition: each chunk of a block runs the block's kernel on its columns and
    writes its spikes to the scratch list at the chunk's first internal index;
    ``cnt[k, p]`` receives their number."""
    args = ["s", "seed", "ring_row", "istim", "scr_idx", "scr_mult", "cnt", "n_parts"]
    body = []
    for k, (m, uniform, _) in enumerate(plans):
        if not m.splittable:
            continue
        args += [f"b{k}_P", f"b{k}_S", f"b{k}_I", f"b{k}_F", f"b{k}_g0", f"b{k}_clo", f"b{k}_chi"]
        p_arg = f"b{k}_P" if uniform else f"b{k}_P[:, a:b]"
        body += [
            f"        a = b{k}_clo[p]",
            f"        b = b{k}_chi[p]",
            f"        cnt[{k}, p] = 0",
            "        if b > a:",
            f"            g = b{k}_g0 + a",
            f"            cnt[{k}, p] = {kernel_name(m, uniform)}(s, {p_arg}, b{k}_S[:, a:b], "
            f"b{k}_I[:, a:b], b{k}_F[a:a + ((b - a + 7) // 8) * 8], g, ring_row, istim, scr_idx, "
            "scr_mult, g, seed) - g",
        ]
    return args, [
        "",
        "",
        "@njit(cache=True, nogil=True, parallel=True, error_model=\"numpy\")",
        f"def update_parts({', '.join(args)}):",
        "    for p in prange(n_parts):",
    ] + (body or ["        pass"])


def _deliver_body(plans, phases, indent, part):
    """Static delivery, drive and the partitioned phases for partition ``part``."""
    pad = " " * indent
    body = [f"{pad}deliver(slot, depth, n_spk, spk_idx, spk_mult, row_ptr, syn_col, syn_w, "
            f"syn_d, ring, {part}, n_parts)"]
    for k, (m, _, _) in enumerate(plans):
        if m.deliver:
            arrs = ", ".join(f"b{k}_{a}" for a in m.deliver_arrays)
            body.append(f"{pad}{m.deliver[1]}(s, slot, depth, seed, {arrs}, ring, {part}, n_parts)")
    for k, (_, fn, n_arrays, partitioned) in enumerate(phases):
        if partitioned:
            arrs = ", ".join(f"ph{k}_{i}" for i in range(n_arrays))
            body.append(f"{pad}{fn}_part(s, slot, depth, dt, ring, n_spk, spk_idx, spk_mult, "
                        f"{part}, n_parts, part_lo[{part}], part_hi[{part}], {arrs})")
    return body


def _deliver_args(plans, phases):
    args = ["s", "slot", "depth", "dt", "seed", "ring", "n_spk", "spk_idx", "spk_mult", "n_parts",
            "part_lo", "part_hi", "row_ptr", "syn_col", "syn_w", "syn_d"]
    for k, (m, _, _) in enumerate(plans):
        if m.deliver:
            args += [f"b{k}_{a}" for a in m.deliver_arrays]
    for k, (_, _, n_arrays, partitioned) in enumerate(phases):
        if partitioned:
            args += [f"ph{k}_{i}" for i in range(n_arrays)]
    return args


def loop_source(plans, electrodes, phases=(), parallel=False, windowed=False):
    """Source of the loop for blocks described by ``plans``, in block order: one
    (ModelKernel, uniform parameters, records signals) per block. Electrode
    currents are computed only if ``electrodes``. ``phases``: (module, function,
    number of arrays, partitioned) of each synapse phase run after static
    delivery (plastic synapses, plasticity.py), called as ``function(s, slot,
    depth, dt, ring, n_spk, spk_idx, spk_mult, *arrays)``; a partitioned phase as
    ``<function>_begin``, ``_part`` (per target partition, with ``part, n_parts,
    lo, hi`` after ``spk_mult``) and ``_end``.

    The update and delivery run partition by partition (partition.py); with
    ``parallel`` each of them is a parallel loop over the partitions (numba's
    prange), the splittable blocks updated chunk by chunk and their spikes
    gathered in index order afterwards, so the spike list is the same as with
    one thread.

    ``windowed`` (with ``parallel``): windows of W steps (W = ``wsp_n.shape[0]``,
    at most the shortest delay), all in one parallel region (``run_windows``)
    whose threads meet at a barrier after each window (kernels/sync.py: the
    partitions are roles the threads claim, ``n_workers`` threads running).
    For partition p (``window_part``), a thread replays the previous window's
    steps for p's targets (static delivery, model delivery such as the drive,
    ``<phase>_part``), then updates p's blocks (a block whose update cannot be
    split wholly in partition ``owner[k]``) for the next W steps, writing each
    step's spikes to p's stretch of ``scr_idx`` (row ``s % W`` of length
    n_total, from p's first index). The last thread to reach the barrier
    (``window_serial``) gathers each step's spikes into ``wsp_*[s % W]``, runs
    ``<phase>_begin`` and ``_end``, records the spikes and sets the next
    window. A run ends with the replay of its last window, so the state
    between runs is the one-thread state."""
    imports = {}
    for mod, fn, _, partitioned in phases:
        names = (f"{fn}_begin", f"{fn}_part", f"{fn}_end") if partitioned else (fn,)
        imports.setdefault(mod, set()).update(names)
    for m, uniform, _ in plans:
        imports.setdefault(m.kernel[0], set()).add(kernel_name(m, uniform))
        if m.deliver:
            imports.setdefault(m.deliver[0], set()).add(m.deliver[1])
    lines = [f"# generated by pynnlite_numba.codegen for: "
             f"{', '.join(kernel_name(m, u) for m, u, _ in plans)}"
             f"{' (windowed)' if windowed else ' (parallel)' if parallel else ''}",
             "from numba import njit, prange",
             "from pynnlite_numba.kernels.delivery import deliver",
             "from pynnlite_numba.kernels.electrodes import inject_currents",
             "from pynnlite_numba.kernels.recording import record_spikes, record_signals, "
             "record_signals_part"]
    if windowed:
        lines += ["import numpy as np",
                  "from pynnlite_numba.kernels.sync import C_ARRIVED, C_DONE, C_GENERATION, "
                  "C_NREP, C_NUP, C_REP0, C_UP0, N_CTL, SPIN_POLLS, TAKE_OVER_SPINS, atomic_add, "
                  "atomic_load, atomic_store, claim, pause, take_over"]
    for mod, names in sorted(imports.items()):
        lines.append(f"from {mod} import {', '.join(sorted(names))}")
    block_args = []
    for k, (m, _, _) in enumerate(plans):
        block_args += _block_args(k, m)
    for k, (_, _, n_arrays, _) in enumerate(phases):
        block_args += [f"ph{k}_{i}" for i in range(n_arrays)]
    args = ", ".join(["s0", "s_end", "dt", "seed", "ring", "row_ptr", "syn_col", "syn_w", "syn_d",
                      "el_kind", "el_f", "el_i", "el_tptr", "el_tstep", "el_tamp", "el_gptr",
                      "el_gtgt", "el_gid", "istim", "spk_idx", "spk_mult", "rec_flag", "n_rec_spk",
                      "buf_step", "buf_idx", "buf_mult", "buf_n", "n_parts", "n_workers",
                      "part_lo", "part_hi", "scr_idx", "scr_mult", "cnt", "wsp_idx", "wsp_mult",
                      "wsp_n", "owner"]
                     + block_args)
    helpers = []
    if parallel:
        up_args, up_src = _update_parts_source(plans)
        dl_args = _deliver_args(plans, phases)
        helpers = up_src + [
            "",
            "",
            "@njit(cache=True, nogil=True, parallel=True, error_model=\"numpy\")",
            f"def deliver_parts({', '.join(dl_args)}):",
            "    for p in prange(n_parts):",
        ] + _deliver_body(plans, phases, 8, "p")
    body = [
        "",
        "",
        "@njit(cache=True, nogil=True, error_model=\"numpy\")",
        f"def run_loop({args}):",
        "    depth = ring.shape[0]",
        "    cap = buf_step.shape[0]",
        "    for s in range(s0, s_end):",
        "        if buf_n[0] + n_rec_spk > cap:",
        "            return s",
        "        slot = s % depth",
        "        ring_row = ring[slot]",
    ]
    if electrodes:
        body += ["        inject_currents(s, dt, seed, el_kind, el_f, el_i, el_tptr, el_tstep, el_tamp,",
                 "                        el_gptr, el_gtgt, el_gid, istim, 0, istim.shape[0])"]
    if parallel and any(m.splittable for m, _, _ in plans):
        body.append(f"        update_parts({', '.join(up_args)})")
    body.append("        n_spk = 0")
    for k, (m, uniform, _) in enumerate(plans):
        if parallel and m.splittable:
            body += [
                "        for p in range(n_parts):",
                f"            first = b{k}_g0 + b{k}_clo[p]",
                f"            for j in range(first, first + cnt[{k}, p]):",
                "                spk_idx[n_spk] = scr_idx[j]",
                "                spk_mult[n_spk] = scr_mult[j]",
                "                n_spk += 1",
            ]
            continue
        arrs = ", ".join(f"b{k}_{a}" for a in m.arrays)
        body.append(f"        n_spk = {kernel_name(m, uniform)}(s, {arrs}, b{k}_g0, ring_row, istim, "
                    f"spk_idx, spk_mult, n_spk, seed)")
    for k, (_, fn, n_arrays, partitioned) in enumerate(phases):
        if partitioned:
            arrs = ", ".join(f"ph{k}_{i}" for i in range(n_arrays))
            body.append(f"        {fn}_begin(s, slot, depth, dt, ring, n_spk, spk_idx, spk_mult, 0, "
                        f"n_parts, 0, 0, {arrs})")
    if parallel:
        body.append(f"        deliver_parts({', '.join(_deliver_args(plans, phases))})")
    else:
        body.append("        for part in range(n_parts):")
        body += _deliver_body(plans, phases, 12, "part")
    for k, (_, fn, n_arrays, partitioned) in enumerate(phases):
        arrs = ", ".join(f"ph{k}_{i}" for i in range(n_arrays))
        if partitioned:
            body.append(f"        {fn}_end(s, slot, depth, dt, ring, n_spk, spk_idx, spk_mult, 0, "
                        f"n_parts, 0, 0, {arrs})")
        else:
            body.append(f"        {fn}(s, slot, depth, dt, ring, n_spk, spk_idx, spk_mult, {arrs})")
    body += [
        "        record_spikes(s, n_spk, spk_idx, spk_mult, rec_flag, buf_step, buf_idx, buf_mult, buf_n)",
    ]
    for k, (m, _, signals) in enumerate(plans):
        if signals:
            body.append(f"        record_signals(s, b{k}_P, b{k}_S, b{k}_rtab, b{k}_rcols, b{k}_rout)")
    body += ["    return s_end", ""]
    if windowed:
        helpers, body = _windowed_source(plans, electrodes, phases, args)
    return "\n".join(lines + helpers + body)


def _windowed_source(plans, electrodes, phases, args):
    """(helper, loop) of the windowed parallel loop (see loop_source)."""
    wp_args = args + ", s_rep0, n_rep, s_up0, n_up"
    update = [
        "        for s in range(s_up0, s_up0 + n_up):",
        "            j = s % W",
        "            ring_row = ring[s % depth]",
    ]
    if electrodes:
        update += ["            inject_currents(s, dt, seed, el_kind, el_f, el_i, el_tptr, el_tstep,",
                   "                            el_tamp, el_gptr, el_gtgt, el_gid, istim, lo, hi)"]
    update += ["            pos0 = j * n_total + lo", "            pos = pos0"]
    for k, (m, uniform, signals) in enumerate(plans):
        name = kernel_name(m, uniform)
        sample = (f"record_signals_part(s, b{k}_P, b{k}_S, b{k}_rtab, b{k}_rcols, b{k}_rout, "
                  "{lo}, {hi})")
        if m.splittable:
            p_arg = f"b{k}_P" if uniform else f"b{k}_P[:, a:b]"
            update += [
                f"            a = b{k}_clo[p]",
                f"            b = b{k}_chi[p]",
                "            if b > a:",
                f"                pos = {name}(s, {p_arg}, b{k}_S[:, a:b], b{k}_I[:, a:b], "
                f"b{k}_F[a:a + ((b - a + 7) // 8) * 8], b{k}_g0 + a, ring_row, istim, scr_idx, "
                "scr_mult, pos, seed)",
            ]
            if signals:
                update.append("                " + sample.format(lo="a", hi="b"))
        else:
            arrs = ", ".join(f"b{k}_{a}" for a in m.arrays)
            update += [
                f"            if owner[{k}] == p:",
                f"                pos = {name}(s, {arrs}, b{k}_g0, ring_row, istim, scr_idx, "
                "scr_mult, pos, seed)",
            ]
            if signals:
                update.append("                " + sample.format(lo="0", hi=f"b{k}_S.shape[1]"))
    update.append("            cnt[j, p] = pos - pos0")
    dedent = [line[4:] for line in _deliver_body(plans, phases, 12, "p") + update]
    helper = [
        "",
        "",
        "@njit(cache=True, nogil=True, error_model=\"numpy\")",
        f"def window_part(p, {wp_args}):",
        "    depth = ring.shape[0]",
        "    W = wsp_n.shape[0]",
        "    n_total = scr_idx.shape[0] // W",
        "    lo = part_lo[p]",
        "    hi = part_hi[p]",
        "    for s in range(s_rep0, s_rep0 + n_rep):",
        "        j = s % W",
        "        slot = s % depth",
        "        n_spk = wsp_n[j]",
        "        spk_idx = wsp_idx[j]",
        "        spk_mult = wsp_mult[j]",
    ] + dedent
    serial = []
    for k, (_, fn, n_arrays, _) in enumerate(phases):
        arrs = ", ".join(f"ph{k}_{i}" for i in range(n_arrays))
        serial.append(f"        {fn}_begin(s2, slot, depth, dt, ring, n_spk, spk_idx, "
                      f"spk_mult, 0, n_parts, 0, 0, {arrs})")
        serial.append(f"        {fn}_end(s2, slot, depth, dt, ring, n_spk, spk_idx, "
                      f"spk_mult, 0, n_parts, 0, 0, {arrs})")
    helper += [
        "",
        "",
        "@njit(cache=True, nogil=True, error_model=\"numpy\")",
        f"def window_serial({args}, s, n_up):",
        "    depth = ring.shape[0]",
        "    W = wsp_n.shape[0]",
        "    n_total = scr_idx.shape[0] // W",
        "    for s2 in range(s, s + n_up):",
        "        j = s2 % W",
        "        slot = s2 % depth",
        "        n_spk = 0",
        "        for p in range(n_parts):",
        "            first = j * n_total + part_lo[p]",
        "            for i in range(first, first + cnt[j, p]):",
        "                wsp_idx[j, n_spk] = scr_idx[i]",
        "                wsp_mult[j, n_spk] = scr_mult[i]",
        "                n_spk += 1",
        "        wsp_n[j] = n_spk",
        "        spk_idx = wsp_idx[j]",
        "        spk_mult = wsp_mult[j]",
    ] + serial + [
        "        record_spikes(s2, n_spk, spk_idx, spk_mult, rec_flag, buf_step, buf_idx, "
        "buf_mult, buf_n)",
        "",
        "",
        "@njit(cache=True, nogil=True, error_model=\"numpy\")",
        "def next_window(s, s_end, W, n_rec_spk, buf_n, cap):",
        "    \"\"\"Steps to update in the window from s: none at the end of the run, or when",
        "    the spike buffer could overflow (Python then empties it and calls again).\"\"\"",
        "    n_up = min(W, s_end - s)",
        "    if n_up <= 0 or buf_n[0] + n_rec_spk * n_up > cap:",
        "        return 0",
        "    return n_up",
        "",
        "",
        "@njit(cache=True, nogil=True, parallel=True, error_model=\"numpy\")",
        f"def run_windows({args}, ctl):",
        "    W = wsp_n.shape[0]",
        "    cap = buf_step.shape[0]",
        "    workers = max(min(n_workers, n_parts), 1)",
        "    share = (n_parts + workers - 1) // workers",
        "    for t in prange(workers):",
        "        mine = np.zeros(n_parts, np.int64)",
        "        n_mine = claim(ctl, n_parts, mine, share)",
        "        while n_mine > 0:",
        "            gen = atomic_load(ctl, C_GENERATION)",
        "            s_rep0 = atomic_load(ctl, C_REP0)",
        "            n_rep = atomic_load(ctl, C_NREP)",
        "            s_up0 = atomic_load(ctl, C_UP0)",
        "            n_up = atomic_load(ctl, C_NUP)",
        "            for p in range(n_parts):",
        "                if mine[p] == 1:",
        f"                    window_part(p, {args}, s_rep0, n_rep, s_up0, n_up)",
        "            last = atomic_add(ctl, C_ARRIVED, n_mine) + n_mine == n_parts",
        "            polls = 0",
        "            while not last and atomic_load(ctl, C_GENERATION) == gen:",
        "                polls += 1",
        "                if polls >= TAKE_OVER_SPINS:",
        "                    polls = SPIN_POLLS",
        "                    r = take_over(ctl, n_parts)",
        "                    if r >= 0:",
        "                        mine[r] = 1",
        "                        n_mine += 1",
        f"                        window_part(r, {args}, s_rep0, n_rep, s_up0, n_up)",
        "                        last = atomic_add(ctl, C_ARRIVED, 1) + 1 == n_parts",
        "                        continue",
        "                pause(polls)",
        "            if last:",
        "                if n_up == 0:",
        "                    atomic_store(ctl, C_DONE, 1)",
        "                else:",
        f"                    window_serial({args}, s_up0, n_up)",
        "                    s = s_up0 + n_up",
        "                    atomic_store(ctl, C_REP0, s_up0)",
        "                    atomic_store(ctl, C_NREP, n_up)",
        "                    atomic_store(ctl, C_UP0, s)",
        "                    atomic_store(ctl, C_NUP, next_window(s, s_end, W, n_rec_spk, buf_n, cap))",
        "                atomic_store(ctl, C_ARRIVED, 0)",
        "                atomic_store(ctl, C_GENERATION, gen + 1)",
        "            if atomic_load(ctl, C_DONE) == 1:",
        "                break",
    ]
    body = [
        "",
        "",
        "@njit(cache=True, nogil=True, error_model=\"numpy\")",
        f"def run_loop({args}):",
        "    ctl = np.zeros(N_CTL, np.int64)",
        "    ctl[C_REP0] = s0",
        "    ctl[C_UP0] = s0",
        "    ctl[C_NUP] = next_window(s0, s_end, wsp_n.shape[0], n_rec_spk, buf_n, buf_step.shape[0])",
        f"    run_windows({args}, ctl)",
        "    return ctl[C_UP0]",
        "",
    ]
    return helper, body


def get_loop(plans, electrodes, phases=(), parallel=False, windowed=False):
    """The compiled ``run_loop`` for the given block plans (see loop_source)."""
    key = (tuple((kernel_name(m, u), bool(sig)) for m, u, sig in plans), bool(electrodes),
           tuple(phases), bool(parallel), bool(windowed))
    if key in _LOOPS:
        return _LOOPS[key]
    source = loop_source(plans, electrodes, phases, parallel, windowed)
    digest = hashlib.sha256((source + engine_fingerprint()).encode()).hexdigest()[:20]
    name = f"pynnlite_loop_{digest}"
    path = cache_dir() / f"{name}.py"
    if not path.exists():
        fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
        with os.fdopen(fd, "w") as f:
            f.write(source)
        os.replace(tmp, path)
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    _LOOPS[key] = module.run_loop
    return module.run_loop
