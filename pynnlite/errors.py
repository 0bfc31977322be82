"""The exceptions pynnlite raises.

Every error about user input names the parameter, the value given and what is
allowed, and is raised before any simulation time is spent. Names follow PyNN's
``pyNN.errors`` so that existing ``except`` clauses keep working.
"""


class PynnliteError(Exception):
    """Base class of every pynnlite error."""


class InvalidParameterValueError(PynnliteError, ValueError):
    """A parameter has a value outside its allowed range or of the wrong kind."""

    def __init__(self, parameter, value, allowed, model=None):
        self.parameter = parameter
        self.value = value
        self.allowed = allowed
        self.model = model
        where = f" of {model}" if model else ""
        super().__init__(
            f"invalid value for parameter '{parameter}'{where}: {value!r}; allowed: {allowed}")


class NonExistentParameterError(PynnliteError, KeyError):
    """A parameter or state variable name the model does not have."""

    def __init__(self, parameter, model, valid_names):
        self.parameter = parameter
        self.model = model
        self.valid_names = sorted(valid_names)
        super().__init__(parameter)

    def __str__(self):
        return (f"{self.model} has no parameter '{self.parameter}'; "
                f"valid names: {', '.join(self.valid_names)}")


class InvalidDimensionsError(PynnliteError, ValueError):
    """Array shapes or population sizes that do not fit together."""


class ConnectionError(PynnliteError):  # noqa: A001 - PyNN's name
    """A connector cannot produce the requested connections, or a synapse cannot
    connect the given pre- and postsynaptic types."""


class InvalidWeightError(ConnectionError, ValueError):
    """A weight of the wrong sign or magnitude for its receptor type."""


class InvalidModelError(PynnliteError, TypeError):
    """A model (cell, synapse, source) that does not exist or cannot be used here."""


class NoModelAvailableError(InvalidModelError):
    """The chosen backend does not implement the requested model or feature."""


class RecordingError(PynnliteError, ValueError):
    """A request to record a variable the model does not provide."""

    def __init__(self, variable, model, recordable):
        self.variable = variable
        self.model = model
        self.recordable = sorted(recordable)
        super().__init__(
            f"{model} cannot record '{variable}'; recordable: {', '.join(self.recordable)}")


class NothingToWriteError(PynnliteError):
    """write_data was asked to write, but nothing has been recorded."""


class BackendError(PynnliteError):
    """An unknown backend name, or a backend that failed to load."""


class SimulationStateError(PynnliteError, RuntimeError):
    """An operation that is not valid in the current simulation state
    (for example, run() before setup())."""


class RoundingWarning(UserWarning):
    """A value was rounded to the simulation grid because the user allowed it."""
