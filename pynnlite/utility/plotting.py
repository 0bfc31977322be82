"""Simple plots of neo data: multi-panel figures of signals and spike rasters.

For quick, basic figures (as PyNN's ``pyNN.utility.plotting``); for
publication figures use matplotlib directly. Figures are drawn on matplotlib's
Agg canvas without touching pyplot's global state, so this works without a
display and never changes the user's matplotlib backend.

Example::

    Figure(
        Panel(segment.filter(name="v")[0], ylabel="Membrane potential (mV)"),
        Panel(segment.spiketrains, xlabel="Time (ms)", xticks=True),
        title="Network activity",
    ).save("figure3.png")
"""
import os
from itertools import repeat

import neo
import numpy as np

from ..errors import InvalidParameterValueError

DEFAULT_FIG_SETTINGS = {
    "lines.linewidth": 0.5,
    "axes.linewidth": 0.5,
    "axes.labelsize": "small",
    "legend.fontsize": "small",
    "font.size": 8,
    "savefig.dpi": 150,
}


def _matplotlib():
    try:
        import matplotlib
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.figure import Figure as MplFigure
    except ImportError as exc:
        raise ImportError("plotting needs matplotlib: pip install pynnlite[plot]") from exc
    return matplotlib, MplFigure, FigureCanvasAgg


def _handle_axis_options(ax, options):
    """Apply and remove the axis options; tick labels are hidden unless
    xticks/yticks are true (as in PyNN)."""
    if not options.pop("xticks", False):
        ax.tick_params(axis="x", labelbottom=False)
    if not options.pop("yticks", False):
        ax.tick_params(axis="y", labelleft=False)
    for key, setter in (("xlabel", ax.set_xlabel), ("ylabel", ax.set_ylabel),
                        ("xlim", ax.set_xlim), ("ylim", ax.set_ylim)):
        if key in options:
            setter(options.pop(key))


def _label_box(ax, label):
    if label:
        ax.text(0.95, 0.95, label, transform=ax.transAxes, ha="right", va="top",
                bbox=dict(facecolor="white", alpha=1.0))


def plot_signals(ax, signal, label_prefix="", **options):
    """Plot every channel of an AnalogSignal in one panel, labelled by neuron
    index (the ``channel_index`` array annotation)."""
    if options.get("ylabel") == "auto":
        options["ylabel"] = f"{signal.name} ({signal.units.dimensionality.string})"
    _handle_axis_options(ax, options)
    offset = options.pop("y_offset", None)
    show_legend = options.pop("legend", True)
    channels = np.asarray(signal.array_annotations.get("channel_index",
                                                       np.arange(signal.shape[1])))
    order = np.argsort(channels, kind="stable")
    values = signal.magnitude[:, order]
    if offset:
        values = values + offset * np.arange(values.shape[1])
    times = signal.times.rescale("ms").magnitude
    lines = ax.plot(times, values, **options)
    prefix = f"{label_prefix} " if label_prefix else ""
    for line, channel in zip(lines, channels[order].tolist()):
        line.set_label(f"{prefix}(Neuron {channel})" if prefix else f"Neuron {channel}")
    if show_legend:
        ax.legend()


def plot_spiketrains(ax, spiketrains, label="", **options):
    """Raster plot of spike trains, one row per ``source_index``."""
    ax.set_xlim(0, float(spiketrains[0].t_stop.rescale("ms")))
    _handle_axis_options(ax, options)
    options.pop("legend", None)
    times = [st.rescale("ms").magnitude for st in spiketrains]
    rows = np.array([st.annotations.get("source_index", i) for i, st in enumerate(spiketrains)])
    counts = np.array([t.size for t in times])
    ax.plot(np.concatenate(times), np.repeat(rows, counts), "k.", **options)
    ax.set_ylabel("Neuron index")
    ax.set_ylim(rows.min() - 0.5, rows.max() + 0.5)
    _label_box(ax, label)


def plot_array_as_image(ax, array, label="", **options):
    """Plot a 2-D numpy array as an image, with a colour bar unless
    ``legend=False``."""
    _handle_axis_options(ax, options)
    show_legend = options.pop("legend", True)
    mesh = ax.pcolormesh(array, **options)
    ax.set_aspect("equal")
    _label_box(ax, label)
    if show_legend:
        ax.figure.colorbar(mesh, ax=ax)


def _is_spiketrain_list(datum):
    """A list of SpikeTrains, or a segment's spiketrains (a SpikeTrainList)."""
    return (not isinstance(datum, np.ndarray) and hasattr(datum, "__getitem__")
            and len(datum) > 0 and isinstance(datum[0], neo.SpikeTrain))


class Panel:
    """A single panel in a multi-panel figure.

    A data item may be an AnalogSignal, a list of SpikeTrains (e.g. a
    segment's ``spiketrains``) or a 2-D numpy array; several items may share a
    panel. Valid options are matplotlib line options plus `xlabel`, `ylabel`
    ("auto" for name and units), `xticks`, `yticks` (tick labels are hidden
    unless true), `xlim`, `ylim`, `legend`, `y_offset`, and

    `data_labels`: a list of strings, one per data item;
    `line_properties`: a list of dicts of matplotlib options, one per data item.
    """

    def __init__(self, *data, **options):
        self.data = list(data)
        self.data_labels = options.pop("data_labels", None)
        self.line_properties = options.pop("line_properties", None)
        self.options = options

    def plot(self, axes):
        """Plot the panel's data in the given matplotlib Axes."""
        labels = self.data_labels if self.data_labels is not None else repeat(None)
        properties = self.line_properties if self.line_properties is not None else repeat({})
        for datum, label, props in zip(self.data, labels, properties):
            options = dict(props)
            options.update(self.options)
            if isinstance(datum, neo.AnalogSignal):
                plot_signals(axes, datum, label_prefix=label or "", **options)
            elif _is_spiketrain_list(datum):
                plot_spiketrains(axes, datum, label=label or "", **options)
            elif isinstance(datum, np.ndarray) and datum.ndim == 2:
                plot_array_as_image(axes, datum, label=label or "", **options)
            else:
                kind = (f"{datum.ndim}-D array" if isinstance(datum, np.ndarray)
                        else type(datum).__name__)
                raise InvalidParameterValueError(
                    "data", kind,
                    "a neo AnalogSignal, a non-empty list of SpikeTrains or a 2-D numpy array")


class Figure:
    """A simple, declarative multi-panel figure: one Panel per row.

    `title`: text at the top; `annotations`: (multi-line) text at the bottom;
    `size`: (width, height) in inches; `settings`: matplotlib rc settings
    (default: small fonts and thin lines).
    """

    def __init__(self, *panels, title=None, size=(6, 8), annotations=None, settings=None):
        matplotlib, MplFigure, FigureCanvasAgg = _matplotlib()
        self.settings = DEFAULT_FIG_SETTINGS if settings is None else settings
        width, height = size
        with matplotlib.rc_context(self.settings):
            self.fig = MplFigure(figsize=(width, height))
            FigureCanvasAgg(self.fig)
            grid = self.fig.add_gridspec(max(len(panels), 1), 1, hspace=0.25,
                                         top=1 - 0.8 / height,
                                         bottom=1.2 / height if annotations else 0.11)
            for i, panel in enumerate(panels):
                panel.plot(self.fig.add_subplot(grid[i, 0]))
            if title:
                self.fig.text(0.5, 1 - 0.5 / height, title, ha="center", va="top",
                              fontsize="large")
            if annotations:
                self.fig.text(0.01, 0.01, annotations, fontsize=6, va="bottom")

    def save(self, filename):
        """Save the figure; the format is taken from the file extension. The
        directory is created if needed."""
        matplotlib, _, _ = _matplotlib()
        directory = os.path.dirname(filename)
        if directory:
            os.makedirs(directory, exist_ok=True)
        with matplotlib.rc_context(self.settings):
            self.fig.savefig(filename)
