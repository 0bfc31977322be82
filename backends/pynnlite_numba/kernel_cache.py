"""Keep numba's on-disk cache of the engine's kernels in step with their sources.

numba (``cache=True``) checks only the file that defines a function: when a
cached kernel calls a function from another module (adex.py calls rkf45.py's
stepper), an edit to that other module alone leaves the old machine code in
the cache, and the engine would run it. So the engine fingerprints all of its
sources and the numba version; where numba keeps the cache of a source folder,
a stamp file records the fingerprint the cached code was built from, and a
different fingerprint clears that folder's numba cache files first
(``discard_stale_caches``, called when the engine is imported). The generated
loops carry the fingerprint in their file names (codegen.py).
"""
import hashlib
import os
import tempfile
import warnings
from pathlib import Path

import numba

ENGINE_ROOT = Path(__file__).resolve().parent
STAMP = "pynnlite-engine.stamp"


def engine_fingerprint(root=ENGINE_ROOT):
    """SHA-256 over the numba version and every ``*.py`` file under ``root``
    (relative paths and contents)."""
    h = hashlib.sha256(numba.__version__.encode())
    for f in sorted(root.rglob("*.py")):
        h.update(f.relative_to(root).as_posix().encode())
        h.update(f.read_bytes())
    return h.hexdigest()


def numba_cache_path(source_file):
    """The folder where numba caches the functions of ``source_file`` (next to
    it, under $NUMBA_CACHE_DIR, or in the user's cache when the package is
    read-only), as numba's own locators decide; numba creates it."""
    from numba.core.caching import FunctionCache
    namespace = {}
    exec(compile("def probe():\n    pass\n", str(source_file), "exec"), namespace)
    return Path(FunctionCache(namespace["probe"]).cache_path)


def discard_stale_caches(root=ENGINE_ROOT):
    """Remove numba's cache files (``*.nbi``, ``*.nbc``) of every source folder
    under ``root`` whose stamp does not hold ``root``'s current fingerprint, and
    write the stamp. Returns the folders cleared."""
    fingerprint = engine_fingerprint(root)
    folders = {f.parent: f for f in sorted(root.rglob("*.py"))}
    cleared = []
    for source_file in folders.values():
        try:
            cache = numba_cache_path(source_file)
            stamp = cache / STAMP
            if stamp.is_file() and stamp.read_text() == fingerprint:
                continue
            for f in list(cache.glob("*.nbi")) + list(cache.glob("*.nbc")):
                f.unlink(missing_ok=True)
            fd, tmp = tempfile.mkstemp(dir=cache, suffix=".tmp")
            with os.fdopen(fd, "w") as out:
                out.write(fingerprint)
            os.replace(tmp, stamp)
            cleared.append(cache)
        except (OSError, RuntimeError) as exc:     # RuntimeError: numba found no cache folder
            warnings.warn(f"pynnlite: could not check numba's cache for {source_file.parent} "
                          f"({exc}); after an edit to the engine, delete its *.nbi/*.nbc files")
    return cleared
