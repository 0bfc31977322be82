"""numba's on-disk cache checks only the file that defines a function, so a
cached kernel that calls a function from an edited module would keep the old
code (measured: an edit to rkf45.py alone left AdEx traces unchanged). The
engine's guard (pynnlite_numba.kernel_cache) clears the cache of a source tree
whose fingerprint changed; these tests run it on a two-module tree in
separate processes, as the engine's import does."""
import subprocess
import sys

from pynnlite_numba import kernel_cache

CALLEE = "from numba import njit\n\n@njit(cache=True)\ndef value():\n    return {}\n"
CALLER = ("from numba import njit\nfrom callee import value\n\n"
          "@njit(cache=True)\ndef twice():\n    return 2.0 * value()\n")
PROGRAM = ("import sys; from pathlib import Path; sys.path.insert(0, {root!r})\n"
           "from pynnlite_numba.kernel_cache import discard_stale_caches\n"
           "discard_stale_caches(Path({root!r}))\n"
           "import caller; print(caller.twice())\n")


def _tree(tmp_path, value):
    (tmp_path / "callee.py").write_text(CALLEE.format(value))
    (tmp_path / "caller.py").write_text(CALLER)


def _twice(root):
    out = subprocess.run([sys.executable, "-c", PROGRAM.format(root=str(root))],
                         capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr[-2000:]
    return float(out.stdout.split()[-1])


def test_an_edit_to_a_called_module_alone_is_compiled(tmp_path):
    _tree(tmp_path, "1.0")
    assert _twice(tmp_path) == 2.0
    cache = kernel_cache.numba_cache_path(tmp_path / "caller.py")
    assert list(cache.glob("caller.twice-*.nbi"))          # numba cached the caller
    (tmp_path / "callee.py").write_text(CALLEE.format("3.0"))
    assert _twice(tmp_path) == 6.0


def test_the_cache_is_kept_while_the_sources_are_unchanged(tmp_path):
    _tree(tmp_path, "1.0")
    assert _twice(tmp_path) == 2.0
    cache = kernel_cache.numba_cache_path(tmp_path / "caller.py")
    before = {f.name: f.stat().st_mtime_ns for f in cache.glob("*.nb[ic]")}
    assert before
    assert kernel_cache.discard_stale_caches(tmp_path) == []
    assert _twice(tmp_path) == 2.0
    assert {f.name: f.stat().st_mtime_ns for f in cache.glob("*.nb[ic]")} == before


def test_a_changed_fingerprint_clears_only_numbas_files(tmp_path):
    _tree(tmp_path, "1.0")
    cache = kernel_cache.numba_cache_path(tmp_path / "caller.py")
    for name in ("caller.twice-4.py311.nbi", "caller.twice-4.py311.1.nbc",
                 "caller.cpython-311.pyc"):
        (cache / name).write_bytes(b"x")
    assert kernel_cache.discard_stale_caches(tmp_path) == [cache]
    assert sorted(f.name for f in cache.iterdir()) == ["caller.cpython-311.pyc", kernel_cache.STAMP]
    assert (cache / kernel_cache.STAMP).read_text() == kernel_cache.engine_fingerprint(tmp_path)


def test_the_fingerprint_follows_every_source(tmp_path):
    _tree(tmp_path, "1.0")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "deep.py").write_text("x = 1\n")
    first = kernel_cache.engine_fingerprint(tmp_path)
    assert kernel_cache.engine_fingerprint(tmp_path) == first
    (tmp_path / "sub" / "deep.py").write_text("x = 2\n")
    second = kernel_cache.engine_fingerprint(tmp_path)
    assert second != first
    (tmp_path / "sub" / "deep.py").rename(tmp_path / "sub" / "other.py")
    assert kernel_cache.engine_fingerprint(tmp_path) not in (first, second)
