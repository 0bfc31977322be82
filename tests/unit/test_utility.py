"""pynnlite.utility: get_simulator, Timer, ProgressBar, normalized_filename,
init_logging, connection_plot, and the plotting module."""
import logging
import os
import re
import sys
import time
import types
from datetime import datetime

import numpy as np
import pytest

from pynnlite.errors import InvalidParameterValueError
from pynnlite.neo_output import PopulationPart, build_block
from pynnlite.recording import RecordedChunk, SegmentData, SignalChunk
from pynnlite.utility import (ProgressBar, SimulationProgressBar, Timer, connection_plot,
                              get_simulator, init_logging, normalized_filename)


# --- normalized_filename --------------------------------------------------------

def test_normalized_filename_format_and_directory(tmp_path):
    before = datetime.now().replace(microsecond=0)
    path = normalized_filename(str(tmp_path / "Results"), "VAbenchmarks_CUBA_exc", "pkl",
                               "numba", 4)
    after = datetime.now()
    directory, name = os.path.split(path)
    match = re.fullmatch(r"VAbenchmarks_CUBA_exc_numba_np4_(\d{8})-(\d{6})\.pkl", name)
    assert match, name
    stamp = datetime.strptime(match.group(1) + match.group(2), "%Y%m%d%H%M%S")
    assert before <= stamp <= after
    assert directory == str(tmp_path / "Results" / match.group(1))
    assert os.path.isdir(directory)   # created, so that write_data can write there


def test_normalized_filename_iso8601_and_no_process_count(tmp_path):
    path = normalized_filename(str(tmp_path), "run", "nix", "nest", use_iso8601=True)
    directory, name = os.path.split(path)
    match = re.fullmatch(r"run_nest_(\d{4}-\d{2}-\d{2})T\d{2}:\d{2}:\d{2}\.nix", name)
    assert match, name
    assert os.path.basename(directory) == match.group(1) and os.path.isdir(directory)


# --- Timer ----------------------------------------------------------------------

def test_timer_is_monotonic_and_diffs_add_up():
    timer = Timer()
    readings = []
    for _ in range(5):
        time.sleep(0.002)
        readings.append(timer.elapsed_time())
    assert all(b > a for a, b in zip(readings, readings[1:]))
    assert readings[0] >= 0.002
    timer.reset()
    steps = [timer.diff() for _ in range(3)]
    time.sleep(0.002)
    steps.append(timer.diff())
    total = timer.elapsed_time()
    assert all(s >= 0 for s in steps) and steps[-1] >= 0.002
    # diffs partition the time since reset; the last elapsed_time read adds a little more
    assert sum(steps) <= total < sum(steps) + 0.05


def test_timer_marks_and_words():
    timer = Timer()
    time.sleep(0.002)
    timer.mark("build")
    timer.mark("run")
    assert [label for label, _ in timer.marks] == ["build", "run"]
    assert timer.marks[0][1] >= 0.002 and timer.marks[1][1] >= 0
    assert Timer.time_in_words(1) == "1 second"
    assert Timer.time_in_words(123) == "2 minutes, 3 seconds"
    assert Timer.time_in_words(24 * 3600) == "1 day"
    assert Timer.time_in_words(2 * 86400 + 3600 + 61) == "2 days, 1 hour, 1 minute, 1 second"
    assert isinstance(timer.elapsed_time(format="long"), str)


# --- ProgressBar ----------------------------------------------------------------

def test_progress_bar_fixed_and_dynamic(capsys):
    ProgressBar(width=12)(0.5)
    assert capsys.readouterr().out == "[ #####      ]  50% \r"
    ProgressBar(width=12, char="=", mode="dynamic")(0.25)   # round(2.5) -> 2
    assert capsys.readouterr().out == "[ == ]  25% \r"
    ProgressBar(width=12)(1.7)   # clipped to 100 %
    assert capsys.readouterr().out == "[ ########## ] 100% \r"


def test_simulation_progress_bar_returns_next_call_time(capsys):
    bar = SimulationProgressBar(10.0, 100.0)
    assert bar(30.0) == 40.0
    assert capsys.readouterr().out.endswith("  30% \r")


# --- get_simulator --------------------------------------------------------------

@pytest.fixture
def fake_session(monkeypatch):
    chosen = []
    module = types.ModuleType("pynnlite.session")
    module.set_default_backend = chosen.append
    monkeypatch.setitem(sys.modules, "pynnlite.session", module)
    return chosen


@pytest.mark.parametrize("given", ["numba", "pynnlite.numba"])
def test_get_simulator_parses_like_pynn(monkeypatch, fake_session, given):
    monkeypatch.setattr(sys, "argv", ["va.py", given, "CUBA", "--plot-figure",
                                      "--debug", "yes"])
    sim, options = get_simulator(
        ("benchmark", "either CUBA or COBA"),
        ("--plot-figure", "plot the simulation results to a file", {"action": "store_true"}),
        ("--use-views", "use population views", {"action": "store_true"}),
        ("--debug", "print debugging information"))
    import pynnlite
    assert sim is pynnlite
    assert fake_session == ["numba"]
    assert options.simulator == "numba" and options.benchmark == "CUBA"
    assert options.plot_figure is True and options.use_views is False
    assert options.debug == "yes"


def test_get_simulator_missing_backend_exits(monkeypatch, fake_session, capsys):
    monkeypatch.setattr(sys, "argv", ["va.py"])
    with pytest.raises(SystemExit):
        get_simulator()
    assert "simulator" in capsys.readouterr().err
    assert fake_session == []


def test_get_simulator_rejects_malformed_argument(monkeypatch, fake_session):
    monkeypatch.setattr(sys, "argv", ["va.py", "nest"])
    with pytest.raises(InvalidParameterValueError, match="arguments"):
        get_simulator(("--flag",))


# --- init_logging ---------------------------------------------------------------

@pytest.fixture
def restore_root_logger():
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    yield
    for h in list(root.handlers):
        if h not in handlers:
            root.removeHandler(h)
            h.close()
    root.setLevel(level)


def test_init_logging_to_file_per_rank(tmp_path, restore_root_logger):
    logfile = str(tmp_path / "run.log")
    logger = init_logging(logfile, debug=True, num_processes=2, rank=1)
    logger.debug("built %d cells", 4000)
    logging.getLogger("pynnlite.engine").info("running")
    init_logging(logfile, num_processes=2, rank=1)   # replaces, does not duplicate
    logger.debug("hidden at INFO")
    logger.info("once")
    for h in logging.getLogger().handlers:
        h.flush()
    text = open(logfile + ".1").read()
    assert not os.path.exists(logfile)
    # the second call reopened the file ("w"), so only its message is there, once
    assert text.count("once") == 1 and "hidden" not in text
    assert text.startswith("Rank 1 of 2: ") and "INFO" in text and "[pynnlite]" in text


def test_init_logging_level_override_to_stderr(restore_root_logger, capsys):
    logger = init_logging(None, level=logging.WARNING)
    logger.info("quiet")
    logger.warning("loud")
    err = capsys.readouterr().err
    assert "loud" in err and "quiet" not in err


# --- connection_plot ------------------------------------------------------------

def test_connection_plot_marks_weights():
    class FakeProjection:
        def get(self, name, format):
            assert (name, format) == ("weight", "array")
            return np.array([[0.5, np.nan, 0.0], [np.nan, -0.2, np.nan]])

    assert connection_plot(FakeProjection()) == "O .\n O "
    assert connection_plot(FakeProjection(), spacer="|") == "O| |.\n |O| "


# --- plotting ---------------------------------------------------------------------

def _block():
    rng = np.random.default_rng(3)
    seg = SegmentData(0)
    seg.add(0, RecordedChunk(rng.integers(0, 20, 60), np.sort(rng.uniform(0, 50, 60)),
                             {"v": SignalChunk(np.array([0, 1, 2]), 0.0, 0.1,
                                               rng.normal(-60, 4, (501, 3)))}))
    part = PopulationPart("exc", "IF_curr_exp", 0, np.arange(20), np.arange(20), {"v": "mV"},
                          [seg.record_of(0)])
    return build_block([part], [50.0])


def test_figure_writes_png(tmp_path):
    pytest.importorskip("matplotlib")
    from pynnlite.utility.plotting import Figure, Panel
    seg = _block().segments[0]
    path = tmp_path / "sub" / "figure.png"
    Figure(Panel(seg.filter(name="v")[0], ylabel="auto", yticks=True, data_labels=["exc"]),
           Panel(seg.spiketrains, xlabel="Time (ms)", xticks=True, yticks=True),
           Panel(np.arange(12.0).reshape(3, 4), legend=False),
           title="Network activity", annotations="numba").save(str(path))
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    # 6 x 8 inches at 150 dpi: the IHDR chunk holds width and height
    assert int.from_bytes(data[16:20], "big") == 900 and int.from_bytes(data[20:24], "big") == 1200


def test_panel_plots_every_channel_and_spike(tmp_path):
    pytest.importorskip("matplotlib")
    from pynnlite.utility.plotting import Figure, Panel
    seg = _block().segments[0]
    fig = Figure(Panel(seg.filter(name="v")[0]), Panel(seg.spiketrains))
    signal_ax, raster_ax = fig.fig.axes
    assert [line.get_label() for line in signal_ax.lines] == \
        ["Neuron 0", "Neuron 1", "Neuron 2"]
    np.testing.assert_array_equal(signal_ax.lines[2].get_ydata(),
                                  seg.analogsignals[0].magnitude[:, 2])
    (raster,) = raster_ax.lines
    assert len(raster.get_xdata()) == 60   # every spike is drawn once


def test_panel_rejects_unknown_data():
    pytest.importorskip("matplotlib")
    from pynnlite.utility.plotting import Figure, Panel
    with pytest.raises(InvalidParameterValueError, match="1-D array"):
        Figure(Panel(np.arange(3.0)))


def test_missing_matplotlib_names_the_extra(monkeypatch):
    from pynnlite.utility import plotting
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    with pytest.raises(ImportError, match=r"pynnlite\[plot\]"):
        plotting.Figure()
