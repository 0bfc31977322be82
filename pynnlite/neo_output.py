"""Recorded data as neo objects, and neo files written atomically.

The frontend keeps what backends record as :class:`~pynnlite.recording.SegmentData`
(one per stretch between resets). :func:`build_block` turns the records of one
population, view or assembly into a ``neo.Block`` with one ``Segment`` per
segment, one ``SpikeTrain`` per neuron that records spikes and one 2-D
``AnalogSignal`` per population and variable, annotated as PyNN annotates them.
:func:`write_block` writes a Block to a neo file so that an interrupted write
never destroys an earlier file.
"""
import os
import tempfile
from dataclasses import dataclass, field

import neo
import numpy as np
import quantities as pq
from neo.core.spiketrainlist import SpikeTrainList

from .errors import InvalidParameterValueError, NothingToWriteError, RecordingError
from .units import UNITS


@dataclass
class PopulationPart:
    """What :func:`build_block` needs to know about one population (or the part
    of it a view or an assembly selects)."""
    label: str                  #: population label
    celltype: str               #: model name, e.g. "IF_curr_exp"
    first_id: int               #: global id of the population's element 0 (ids are contiguous)
    indices: np.ndarray         #: sorted local indices asked about
    spike_recorded: np.ndarray  #: sorted local indices that record spikes
    units: dict                 #: variable -> unit name of pynnlite.units.UNITS
    records: list = field(default_factory=list)  #: PopulationRecord per segment


# --- building neo objects ---------------------------------------------------

def _requested(variables, parts):
    """The set of requested variable names, or None for "all"; names that no
    part can record raise RecordingError."""
    if variables is None or (isinstance(variables, str) and variables == "all"):
        return None
    names = {variables} if isinstance(variables, str) else set(variables)
    known = {"spikes"}.union(*(p.units for p in parts))
    unknown = sorted(names - known)
    if unknown:
        celltypes = "/".join(sorted({p.celltype for p in parts}))
        raise RecordingError(unknown[0], celltypes, known)
    return names


def _spiking(part):
    """Local indices of neurons asked about that also record spikes (sorted)."""
    return np.intersect1d(np.asarray(part.indices, np.int64),
                          np.asarray(part.spike_recorded, np.int64), assume_unique=True)


def _segment_spiketrains(parts, segment, t_stop):
    """One lazily built SpikeTrainList holding the trains of every part for one
    segment, or None when no neuron asked about records spikes."""
    times, channels, all_ids, labels, local = [], [], [], [], []
    for part in parts:
        chosen = _spiking(part)
        if not chosen.size:
            continue
        idx, t = part.records[segment].spikes()
        keep = np.isin(idx, chosen)
        times.append(t[keep])
        channels.append(idx[keep] + part.first_id)
        all_ids.append(chosen + part.first_id)
        local.append(chosen)
        labels.extend([part.label] * chosen.size)
    if not all_ids:
        return None
    times = np.concatenate(times)
    channels = np.concatenate(channels)
    # neo splits the array per channel with a mask, which keeps this order:
    # sorting by time once gives every train sorted spike times.
    order = np.argsort(times, kind="stable")
    all_ids = np.concatenate(all_ids)
    return SpikeTrainList.from_spike_time_array(
        times[order], channels[order], all_ids.tolist(),
        t_stop=float(t_stop) * pq.ms, units="ms", t_start=0.0 * pq.ms,
        source_population=labels,
        source_id=all_ids.tolist(),
        source_index=np.concatenate(local).tolist())


def _signal_columns(recorded, wanted):
    """Columns of a signal whose neurons are in ``wanted``, in index order."""
    order = np.argsort(recorded, kind="stable")
    return order[np.isin(recorded[order], wanted)]


def _part_signals(part, segment, names):
    """One AnalogSignal per recorded variable of ``part`` within one segment."""
    record = part.records[segment]
    signals = []
    for variable in record.signal_names():
        if names is not None and variable not in names:
            continue
        if variable not in part.units:
            raise RecordingError(variable, part.celltype, part.units)
        chunk = record.signal(variable)
        recorded = np.asarray(chunk.indices, np.int64)
        columns = _signal_columns(recorded, np.asarray(part.indices, np.int64))
        if not columns.size:
            continue
        channel_index = recorded[columns]
        signals.append(neo.AnalogSignal(
            chunk.values[:, columns],
            units=UNITS[part.units[variable]],
            t_start=chunk.t_start * pq.ms,
            sampling_period=chunk.sampling_interval * pq.ms,
            name=variable,
            source_population=part.label,
            array_annotations={"channel_index": channel_index,
                               "source_ids": channel_index + part.first_id}))
    return signals


def build_block(parts, t_stops, variables="all", name=None, description=None,
                annotations=None, segment_names=None, segment_annotations=None):
    """Build a ``neo.Block`` from recorded data.

    `parts`: a list of :class:`PopulationPart` (one for a Population or a
    PopulationView, several for an Assembly); `t_stops`: the end time (ms) of
    each segment; `variables`: "all", a variable name or a list of names
    ("spikes", "v", ...). Block annotations are those given plus
    ``pynnlite_version``; `segment_annotations` is an optional list of dicts,
    one per segment (as given to ``reset(annotations)``).
    """
    from . import __version__

    parts = list(parts)
    for part in parts:
        if len(part.records) != len(t_stops):
            raise InvalidParameterValueError(
                "records", f"{len(part.records)} records for {part.label}",
                f"one PopulationRecord per segment ({len(t_stops)})")
    names = _requested(variables, parts)
    block = neo.Block(name=name, description=description)
    block.annotate(**(annotations or {}))
    block.annotate(pynnlite_version=__version__)
    for k, t_stop in enumerate(t_stops):
        seg_name = segment_names[k] if segment_names is not None else "segment%03d" % k
        segment = neo.Segment(name=seg_name, index=k)
        if segment_annotations is not None:
            segment.annotate(**segment_annotations[k])
        if names is None or "spikes" in names:
            trains = _segment_spiketrains(parts, k, t_stop)
            if trains is not None:
                trains.segment = segment
                segment.spiketrains = trains
        for part in parts:
            segment.analogsignals.extend(_part_signals(part, k, names))
        block.segments.append(segment)
    block.create_relationship()
    return block


def spike_counts(part, segment=-1):
    """Spike counts of one segment (default: the current, last one), as
    {global id: count} for every neuron of `part` asked about that records
    spikes, zeros included."""
    chosen = _spiking(part)
    idx, _ = part.records[segment].spikes()
    idx = idx[np.isin(idx, chosen)]
    counts = np.bincount(np.searchsorted(chosen, idx), minlength=chosen.size)
    return dict(zip((chosen + part.first_id).tolist(), counts.tolist()))


def mean_spike_count(part, segment=-1):
    """Mean number of spikes per neuron that records spikes, in one segment
    (default: the current one); 0.0 when no neuron records spikes."""
    counts = spike_counts(part, segment)
    if not counts:
        return 0.0
    return sum(counts.values()) / len(counts)


# --- atomic writing ---------------------------------------------------------

_EXTENSIONS = {".pkl": "pickle", ".pickle": "pickle", ".nix": "nix", ".h5": "nix"}


def _require_nixio():
    try:
        import nixio  # noqa: F401
    except ImportError as exc:
        raise ImportError(
            "writing NIX files (.nix, .h5) needs the nixio package: "
            "pip install pynnlite[nix]") from exc


def _io_for_extension(filename):
    """The neo IO class that writes `filename`, chosen by its extension."""
    ext = os.path.splitext(filename)[1].lower()
    kind = _EXTENSIONS.get(ext)
    if kind is None:
        raise InvalidParameterValueError(
            "filename", filename,
            "a file name ending in " + ", ".join(_EXTENSIONS))
    if kind == "nix":
        _require_nixio()
        return neo.io.NixIO
    return neo.io.PickleIO


def _open_io(io_class, path):
    if issubclass(io_class, neo.io.NixIO):
        # 'ow': a fresh file, never an append to whatever the path held
        return io_class(path, mode="ow")
    return io_class(filename=path)


def _holds_data(io, filename):
    """Whether the file an IO instance names holds data that writing would
    replace. A NixIO creates its file when constructed; a NIX file with no
    block in it holds nothing."""
    if isinstance(io, neo.io.NixIO) and getattr(io, "nix_file", None) is not None \
            and io.nix_file.is_open():
        return len(io.nix_file.blocks) > 0
    return os.path.exists(filename)


def _is_empty(block):
    return not any(len(seg.spiketrains) or len(seg.analogsignals)
                   for seg in block.segments)


def _refuse_existing(filename):
    raise FileExistsError(
        f"'{filename}' already exists; pass overwrite=True to replace it")


def _new_file_mode(final):
    """Permissions for the new file: those of the file it replaces, else what
    the umask gives a new file (mkstemp would leave 0600)."""
    try:
        return os.stat(final).st_mode & 0o7777
    except FileNotFoundError:
        umask = os.umask(0o022)
        os.umask(umask)
        return 0o666 & ~umask


def _fsync_path(path, directory=False):
    flags = os.O_RDONLY | (getattr(os, "O_DIRECTORY", 0) if directory else 0)
    try:
        fd = os.open(path, flags)
    except OSError:
        if directory:   # platforms that cannot open a directory (Windows)
            return
        raise
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _publish(tmp, final, replace):
    """Give the complete temporary file its final name, atomically."""
    if replace:
        os.replace(tmp, final)
        return
    try:
        # link() fails if the name exists, so a file created meanwhile is never clobbered
        os.link(tmp, final)
    except FileExistsError:
        _refuse_existing(final)
    except OSError:     # file systems without hard links
        if os.path.exists(final):
            _refuse_existing(final)
        os.replace(tmp, final)
    else:
        os.unlink(tmp)


def write_block(block, filename_or_io, overwrite=False):
    """Write a neo Block to a file, atomically.

    `filename_or_io` is a file name whose extension chooses the format (.pkl,
    .pickle: pickle; .nix, .h5: NIX, needs nixio), or a neo IO instance. The
    data go to a temporary file in the target directory, which is flushed to
    disk and then renamed to the final name: an interrupted write leaves any
    earlier file untouched. An existing file is refused unless
    ``overwrite=True``. A NixIO instance is closed (its file is replaced).
    """
    if _is_empty(block):
        raise NothingToWriteError(
            "nothing has been recorded: call record() before run() to have data to write")
    if isinstance(filename_or_io, (str, os.PathLike)):
        filename = os.fspath(filename_or_io)
        io_class = _io_for_extension(filename)
        exists = os.path.exists(filename)
    else:
        io = filename_or_io
        filename = getattr(io, "filename", None)
        if not filename:    # an IO without a file cannot be replaced atomically
            io.write_block(block)
            return
        filename = os.fspath(filename)
        io_class = type(io)
        exists = _holds_data(io, filename)
        if hasattr(io, "close"):
            io.close()
    final = os.path.abspath(filename)
    directory = os.path.dirname(final)
    if not os.path.isdir(directory):
        raise FileNotFoundError(f"directory '{directory}' of '{filename}' does not exist")
    if exists and not overwrite:
        _refuse_existing(filename)
    # true as well for the empty file a NixIO instance creates when constructed
    replace = overwrite or os.path.exists(final)

    # hidden, and not ending in the real extension, so that no glob picks it up
    fd, tmp = tempfile.mkstemp(prefix=f".{os.path.basename(final)}.", suffix=".part",
                               dir=directory)
    os.close(fd)
    try:
        os.chmod(tmp, _new_file_mode(final))
        io = _open_io(io_class, tmp)
        try:
            io.write_block(block)
        finally:
            if hasattr(io, "close"):
                io.close()
        _fsync_path(tmp)
        _publish(tmp, final, replace)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise
    _fsync_path(directory, directory=True)
