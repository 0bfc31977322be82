"""Atomic neo file output (pynnlite.neo_output.write_block): CHECKS.md 30-32.

30: an interrupted write (failure at 50% of the bytes, SIGKILL of the writer)
    leaves the previous file byte-identical (sha256) and nothing partial under
    the final name.
31: existing files refused unless overwrite=True, for every format; a missing
    directory raises; nothing recorded raises.
32: round trip .pkl and .nix: spike times and signals bit-equal (exact
    comparison: both formats store float64 as is), units, annotations and
    channel indices preserved.
"""
import hashlib
import os
import pickle
import signal
import subprocess
import sys
import textwrap

import neo
import numpy as np
import pytest
import quantities as pq

from pynnlite.errors import InvalidParameterValueError, NothingToWriteError
from pynnlite.neo_output import PopulationPart, build_block, write_block
from pynnlite.recording import RecordedChunk, SegmentData, SignalChunk

nixio = pytest.importorskip("nixio")

FORMATS = ["pkl", "pickle", "nix", "h5"]


def make_block(seed=0, n_samples=201, n_neurons=8):
    """A two-segment block with spikes, V and gsyn_exc of one population."""
    rng = np.random.default_rng(seed)
    segments = []
    for k in range(2):
        seg = SegmentData(k)
        n_spikes = 40
        idx = rng.integers(0, n_neurons, n_spikes)
        times = np.round(rng.uniform(0.1, 20.0, n_spikes), 1)
        recorded = np.arange(0, n_neurons, 2)
        signals = {
            "v": SignalChunk(recorded, 0.0, 0.1, rng.normal(-60, 5, (n_samples, recorded.size))),
            "gsyn_exc": SignalChunk(recorded, 0.0, 0.1, rng.uniform(0, 0.01, (n_samples, recorded.size))),
        }
        seg.add(0, RecordedChunk(idx, times, signals))
        seg.t_stop = 20.0
        segments.append(seg)
    part = PopulationPart("Excitatory_Cells", "IF_cond_exp", 3, np.arange(n_neurons),
                          np.arange(n_neurons), {"v": "mV", "gsyn_exc": "uS"},
                          [s.record_of(0) for s in segments])
    return build_block([part], [20.0, 20.0], name="Excitatory_Cells",
                       annotations={"simulator": "numba", "script_name": "va.py", "dt": 0.1})


def sha256(path):
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


def read(path):
    if path.endswith((".nix", ".h5")):
        io = neo.io.NixIO(path, mode="ro")
        try:
            blocks = io.read_all_blocks()
        finally:
            io.close()
        assert len(blocks) == 1
        return blocks[0]
    return neo.io.PickleIO(filename=path).read_block()


def _plain(annotations):
    return {k: v for k, v in annotations.items() if k != "nix_name"}


def assert_same_block(written, back):
    assert back.name == written.name
    assert _plain(back.annotations) == _plain(written.annotations)
    assert [s.name for s in back.segments] == [s.name for s in written.segments]
    for seg_w, seg_b in zip(written.segments, back.segments):
        assert len(seg_b.spiketrains) == len(seg_w.spiketrains)
        for st_w, st_b in zip(seg_w.spiketrains, seg_b.spiketrains):
            assert st_b.units == pq.ms
            np.testing.assert_array_equal(st_b.magnitude, st_w.magnitude)   # bit-equal
            assert st_b.t_stop == st_w.t_stop and st_b.t_start == st_w.t_start
            assert _plain(st_b.annotations) == _plain(st_w.annotations)
        by_name = {s.name: s for s in seg_b.analogsignals}
        assert sorted(by_name) == sorted(s.name for s in seg_w.analogsignals)
        for sig_w in seg_w.analogsignals:
            sig_b = by_name[sig_w.name]
            assert sig_b.dtype == sig_w.dtype
            np.testing.assert_array_equal(sig_b.magnitude, sig_w.magnitude)  # bit-equal
            assert sig_b.units == sig_w.units
            assert sig_b.sampling_period == sig_w.sampling_period
            assert sig_b.t_start == sig_w.t_start
            assert _plain(sig_b.annotations) == _plain(sig_w.annotations)
            for key in ("channel_index", "source_ids"):
                np.testing.assert_array_equal(sig_b.array_annotations[key],
                                              sig_w.array_annotations[key])


def leftovers(directory, keep):
    return sorted(set(os.listdir(directory)) - set(keep))


# --- check 32: round trip ---------------------------------------------------

@pytest.mark.parametrize("ext", FORMATS)
def test_round_trip_is_bit_equal(tmp_path, ext):
    block = make_block()
    path = str(tmp_path / f"data.{ext}")
    write_block(block, path)
    back = read(path)
    assert_same_block(make_block(), back)
    assert back.segments[0].analogsignals[0].units == pq.mV
    assert leftovers(tmp_path, [f"data.{ext}"]) == []


def test_round_trip_through_io_instances(tmp_path):
    pkl = str(tmp_path / "a.pkl")
    write_block(make_block(), neo.io.PickleIO(filename=pkl))
    assert_same_block(make_block(), read(pkl))
    # a NixIO creates its (empty) file when constructed: that holds no data to protect
    nix = str(tmp_path / "a.nix")
    write_block(make_block(), neo.io.NixIO(nix))
    assert_same_block(make_block(), read(nix))
    assert leftovers(tmp_path, ["a.pkl", "a.nix"]) == []


# --- check 31: refusals -------------------------------------------------------

@pytest.mark.parametrize("ext", FORMATS)
def test_existing_file_refused_unless_overwrite(tmp_path, ext):
    path = str(tmp_path / f"data.{ext}")
    write_block(make_block(seed=1), path)
    before = sha256(path)
    with pytest.raises(FileExistsError) as info:
        write_block(make_block(seed=2), path)
    assert path in str(info.value) and "overwrite=True" in str(info.value)
    assert sha256(path) == before
    write_block(make_block(seed=2), path, overwrite=True)
    # replaced, not appended to: exactly the new block (read() asserts one block)
    assert_same_block(make_block(seed=2), read(path))
    assert leftovers(tmp_path, [f"data.{ext}"]) == []


@pytest.mark.parametrize("io_class", [neo.io.PickleIO, neo.io.NixIO])
def test_existing_file_refused_through_io_instance(tmp_path, io_class):
    ext = "nix" if io_class is neo.io.NixIO else "pkl"
    path = str(tmp_path / f"data.{ext}")
    write_block(make_block(seed=1), path)
    before = sha256(path)
    with pytest.raises(FileExistsError):
        write_block(make_block(seed=2), io_class(path))
    assert sha256(path) == before
    write_block(make_block(seed=2), io_class(path), overwrite=True)
    assert_same_block(make_block(seed=2), read(path))


@pytest.mark.parametrize("ext", FORMATS)
def test_missing_directory_raises(tmp_path, ext):
    path = str(tmp_path / "no_such_dir" / f"data.{ext}")
    with pytest.raises(FileNotFoundError, match="no_such_dir"):
        write_block(make_block(), path)
    assert os.listdir(tmp_path) == []   # nothing created, nothing written elsewhere


def test_nothing_recorded_raises(tmp_path):
    empty = build_block([PopulationPart("p", "IF_curr_exp", 0, np.arange(3), np.zeros(0, int),
                                        {"v": "mV"}, [SegmentData(0).record_of(0)])], [5.0])
    with pytest.raises(NothingToWriteError):
        write_block(empty, str(tmp_path / "data.pkl"))
    with pytest.raises(NothingToWriteError):
        write_block(neo.Block(), str(tmp_path / "data.nix"))
    assert os.listdir(tmp_path) == []


@pytest.mark.parametrize("name", ["data.txt", "data", "data.mat.gz"])
def test_unsupported_extension_lists_supported_ones(tmp_path, name):
    with pytest.raises(InvalidParameterValueError) as info:
        write_block(make_block(), str(tmp_path / name))
    message = str(info.value)
    assert "filename" in message and name in message
    assert all(ext in message for ext in (".pkl", ".pickle", ".nix", ".h5"))
    assert isinstance(info.value, ValueError)


def test_missing_nixio_names_the_extra(tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "nixio", None)   # makes `import nixio` fail
    with pytest.raises(ImportError, match=r"pynnlite\[nix\]"):
        write_block(make_block(), str(tmp_path / "data.nix"))
    assert os.listdir(tmp_path) == []


def test_file_permissions_follow_umask_or_previous_file(tmp_path):
    path = str(tmp_path / "data.pkl")
    write_block(make_block(), path)
    umask = os.umask(0o022)
    os.umask(umask)
    assert os.stat(path).st_mode & 0o777 == 0o666 & ~umask   # not mkstemp's 0600
    os.chmod(path, 0o640)
    write_block(make_block(seed=3), path, overwrite=True)
    assert os.stat(path).st_mode & 0o777 == 0o640


# --- check 30: interrupted writes ---------------------------------------------

class _FailingFile:
    """A file object whose writes fail once `limit` bytes have been written."""

    def __init__(self, f, limit, written):
        self._f, self._limit, self._written = f, limit, written

    def write(self, data):
        room = self._limit - self._written[0]
        if len(data) > room:
            self._f.write(data[:max(room, 0)])
            self._f.flush()
            self._written[0] += max(room, 0)
            raise OSError(28, "No space left on device (injected)")
        self._written[0] += len(data)
        return self._f.write(data)

    def __getattr__(self, name):
        return getattr(self._f, name)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self._f.close()


@pytest.mark.parametrize("previous", [True, False])
def test_failure_at_half_the_bytes_keeps_previous_file(tmp_path, monkeypatch, previous):
    path = str(tmp_path / "data.pkl")
    if previous:
        write_block(make_block(seed=1), path)
        before = sha256(path)
    new = make_block(seed=2)
    half = len(pickle.dumps(new)) // 2
    written = [0]

    def failing_open(name, mode="r", *args, **kwargs):
        return _FailingFile(open(name, mode, *args, **kwargs), half, written)

    monkeypatch.setattr(neo.io.pickleio, "open", failing_open, raising=False)
    with pytest.raises(OSError, match="injected"):
        write_block(new, path, overwrite=True)
    assert written[0] == half   # the failure really came halfway through
    if previous:
        assert sha256(path) == before
        assert leftovers(tmp_path, ["data.pkl"]) == []
    else:
        assert os.listdir(tmp_path) == []


def test_nix_failure_mid_write_keeps_previous_file(tmp_path, monkeypatch):
    path = str(tmp_path / "data.nix")
    write_block(make_block(seed=1), path)
    before = sha256(path)
    original = neo.io.NixIO._write_segment
    calls = []

    def fail_on_second_segment(self, *args, **kwargs):
        calls.append(1)
        if len(calls) == 2:
            raise OSError("write failed (injected) after the first segment")
        return original(self, *args, **kwargs)

    monkeypatch.setattr(neo.io.NixIO, "_write_segment", fail_on_second_segment)
    with pytest.raises(OSError, match="injected"):
        write_block(make_block(seed=2), path, overwrite=True)
    assert len(calls) == 2
    assert sha256(path) == before
    assert leftovers(tmp_path, ["data.nix"]) == []


_WRITER = textwrap.dedent("""
    import sys, time, pickle
    import neo
    sys.path.insert(0, sys.argv[2])
    from test_write_data import make_block
    from pynnlite.neo_output import write_block

    path = sys.argv[1]
    block = make_block(seed=2, n_samples=20001)

    def pause():
        print("HALF", flush=True)
        time.sleep(60)

    if path.endswith(".pkl"):
        half = len(pickle.dumps(block)) // 2

        class Slow:
            def __init__(self, f):
                self.f, self.n = f, 0
            def write(self, data):
                if self.n < half <= self.n + len(data):
                    self.f.write(data[:half - self.n])
                    self.f.flush()
                    pause()
                self.n += len(data)
                return self.f.write(data)
            def __enter__(self):
                return self
            def __exit__(self, *exc):
                self.f.close()

        neo.io.pickleio.open = lambda name, mode: Slow(open(name, mode))
    else:
        original = neo.io.NixIO._write_segment
        done = []

        def write_segment(self, *args, **kwargs):
            if done:
                self.nix_file._h5file.flush()
                pause()
            done.append(1)
            return original(self, *args, **kwargs)

        neo.io.NixIO._write_segment = write_segment
    write_block(block, path, overwrite=True)
""")


@pytest.mark.parametrize("ext", ["pkl", "nix"])
def test_sigkill_mid_write_keeps_previous_file(tmp_path, ext):
    path = str(tmp_path / f"data.{ext}")
    write_block(make_block(seed=1), path)
    before = sha256(path)
    writer = subprocess.Popen(
        [sys.executable, "-c", _WRITER, path, os.path.dirname(__file__)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        line = writer.stdout.readline()   # blocks until the writer is halfway
        assert line.strip() == "HALF", writer.stderr.read()
        partial = leftovers(tmp_path, [f"data.{ext}"])
        assert len(partial) == 1 and os.path.getsize(tmp_path / partial[0]) > 0
    finally:
        writer.send_signal(signal.SIGKILL)
        writer.wait(timeout=10)
    assert writer.returncode == -signal.SIGKILL
    assert sha256(path) == before
    # the killed writer's temporary file stays behind, hidden and not named *.pkl / *.nix
    stale = leftovers(tmp_path, [f"data.{ext}"])
    assert len(stale) == 1 and stale[0].startswith(f".data.{ext}.") and stale[0].endswith(".part")
    assert_same_block(make_block(seed=1), read(path))
