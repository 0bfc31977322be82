"""What a simulation script needs around the model: choosing the backend from
the command line, logging, and names for output files."""
import argparse
import importlib
import logging
import os
from datetime import datetime

from ..errors import InvalidParameterValueError


def _add_argument(parser, argument):
    if not isinstance(argument, (tuple, list)) or len(argument) not in (2, 3) \
            or (len(argument) == 3 and not isinstance(argument[2], dict)):
        raise InvalidParameterValueError(
            "arguments", argument, "tuples (name, help) or (name, help, dict of argparse options)")
    name, help_text = argument[:2]
    options = argument[2] if len(argument) == 3 else {}
    parser.add_argument(name, help=help_text, **options)


def get_simulator(*arguments):
    """Choose the simulator backend from the command line.

    The backend name ("numba", "nest", or "pynnlite.numba") is the first
    positional argument. Further arguments are given as tuples
    ``(name, help_text)`` or ``(name, help_text, dict_of_argparse_options)``.

    Returns ``(sim, options)``: `sim` is the :mod:`pynnlite` module with the
    chosen backend as its default, and `options` the parsed arguments, where
    ``options.simulator`` is the bare backend name.
    """
    parser = argparse.ArgumentParser()
    parser.add_argument("simulator", help="numba, nest or another installed pynnlite backend")
    for argument in arguments:
        _add_argument(parser, argument)
    options = parser.parse_args()
    prefix = "pynnlite."
    if options.simulator.startswith(prefix):
        options.simulator = options.simulator[len(prefix):]
    # imported here: pynnlite imports this package while it initialises
    session = importlib.import_module("pynnlite.session")
    session.set_default_backend(options.simulator)
    return importlib.import_module("pynnlite"), options


_OWN_HANDLER = "_pynnlite_init_logging"


def init_logging(logfile, debug=False, num_processes=1, rank=0, level=None):
    """Simple configuration of logging.

    Log to `logfile` (None: to stderr) at level DEBUG if `debug`, else INFO,
    unless `level` is given. With several MPI processes, each writes to
    ``logfile.<rank>`` and prefixes its messages with its rank. Calling it
    again replaces the previous configuration. Returns the "pynnlite" logger.
    """
    if logfile:
        if num_processes > 1:
            logfile += ".%d" % rank
        handler = logging.FileHandler(os.path.abspath(logfile), mode="w")
    else:
        handler = logging.StreamHandler()
    prefix = "Rank %d of %d: " % (rank, num_processes) if num_processes > 1 else ""
    handler.setFormatter(logging.Formatter(
        prefix + "%(asctime)s %(levelname)-8s [%(name)s] %(message)s "
        "(%(pathname)s[%(lineno)d]:%(funcName)s)"))
    setattr(handler, _OWN_HANDLER, True)
    root = logging.getLogger()
    for old in [h for h in root.handlers if getattr(h, _OWN_HANDLER, False)]:
        root.removeHandler(old)
        old.close()
    root.addHandler(handler)
    root.setLevel(level if level else (logging.DEBUG if debug else logging.INFO))
    return logging.getLogger("pynnlite")


def normalized_filename(root, basename, extension, simulator, num_processes=None,
                        use_iso8601=False):
    """A file path containing a timestamp, the simulator and the number of MPI
    processes: ``root/YYYYMMDD/basename_simulator_npN_YYYYMMDD-HHMMSS.extension``
    (``root/YYYY-MM-DD/..._YYYY-MM-DDTHH:MM:SS.extension`` if `use_iso8601`).
    The date directory is created if needed.
    """
    now = datetime.now()
    if use_iso8601:
        date, stamp = now.strftime("%Y-%m-%d"), now.strftime("%Y-%m-%dT%H:%M:%S")
    else:
        date, stamp = now.strftime("%Y%m%d"), now.strftime("%Y%m%d-%H%M%S")
    processes = "_np%d" % num_processes if num_processes else ""
    directory = os.path.join(root, date)
    os.makedirs(directory, exist_ok=True)
    return os.path.join(directory, f"{basename}_{simulator}{processes}_{stamp}.{extension}")
