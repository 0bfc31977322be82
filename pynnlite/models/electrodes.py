"""Current sources (electrodes), injected with ``source.inject_into(cells)`` or
``population.inject(source)``.

Timing follows PyNN's convention: an amplitude that takes effect at time t is
the constant input of the integration step (t, t + dt].
"""
import numpy as np

from ..errors import InvalidParameterValueError
from .base import ModelType, P, ANY, NON_NEGATIVE, NON_NEGATIVE_OR_INF, POSITIVE


class StandardCurrentSource(ModelType):
    """Base of the electrodes; keeps the cells it injects into."""

    def __init__(self, **parameters):
        super().__init__(**parameters)
        self.targets = []        # list of Population / PopulationView / Assembly
        self._simulation = None

    def inject_into(self, cells):
        """Inject this current into ``cells`` (a Population, view or Assembly)."""
        from ..errors import InvalidModelError
        for pop in getattr(cells, "populations", [cells]):
            celltype = pop.celltype
            if not getattr(celltype, "injectable", False):
                raise InvalidModelError(
                    f"{type(self).__name__} cannot inject into {type(celltype).__name__} "
                    f"(population '{pop.label}'): it is not a neuron that takes current")
        sim = cells._simulation
        if self._simulation is None:
            self._simulation = sim
            sim._register_current_source(self)
        self.targets.append(cells)

    def set_parameters(self, **parameters):
        for name, value in parameters.items():
            self._check_name(name, self.parameters)
            self.check_scalar(name, value)
            self.parameter_values[name] = value
        self.check_all()
        if self._simulation is not None:
            self._simulation._current_source_changed(self)

    def __setattr__(self, name, value):
        if name in type(self).parameters:
            self.set_parameters(**{name: value})
        else:
            object.__setattr__(self, name, value)

    def values(self):
        """All parameters with defaults filled in, as floats or float arrays."""
        return {n: self.parameter_values.get(n, d.default) for n, d in type(self).parameters.items()}

    def check_all(self):
        pass


class DCSource(StandardCurrentSource):
    """Constant current ``amplitude`` (nA) from ``start`` to ``stop`` (ms)."""
    parameters = {"amplitude": P(1.0, "nA"), "start": P(0.0, "ms", NON_NEGATIVE),
                  "stop": P(np.inf, "ms", NON_NEGATIVE_OR_INF)}


class ACSource(StandardCurrentSource):
    """Sinusoidal current offset + amplitude * sin(2 pi frequency t + phase)."""
    parameters = {"amplitude": P(1.0, "nA"), "offset": P(0.0, "nA"),
                  "frequency": P(10.0, "Hz", NON_NEGATIVE), "phase": P(0.0, "deg"),
                  "start": P(0.0, "ms", NON_NEGATIVE), "stop": P(np.inf, "ms", NON_NEGATIVE_OR_INF)}


class NoisyCurrentSource(StandardCurrentSource):
    """Gaussian white-ish noise: a new value mean + stdev * N(0,1) every ``dt`` ms."""
    parameters = {"mean": P(0.0, "nA"), "stdev": P(1.0, "nA", NON_NEGATIVE),
                  "dt": P(None, "ms"), "start": P(0.0, "ms", NON_NEGATIVE),
                  "stop": P(np.inf, "ms", NON_NEGATIVE_OR_INF)}

    @classmethod
    def check_scalar(cls, name, value):
        if name == "dt":
            if value is not None and not (np.isfinite(value) and value > 0):
                raise InvalidParameterValueError(name, value, "a finite number > 0 (ms)", cls.__name__)
            return
        super().check_scalar(name, value)


class StepCurrentSource(StandardCurrentSource):
    """Piecewise-constant current: from ``times[i]`` on (ms), ``amplitudes[i]`` (nA).

    ``delay`` (ms, a multiple of the time step, default 0) postpones every
    change: the amplitude given for time t acts on the step
    (t + delay, t + delay + dt]. With the default, PyNN's convention holds (it
    acts on (t, t + dt]); NEST's step_current_generator connected with delay d
    behaves as ``delay=d`` (a script that connects it with delay dt, as NEST's
    examples do, gets NEST's timing with ``delay=dt``)."""
    parameters = {"times": P((), "ms", array_valued=True),
                  "amplitudes": P((), "nA", array_valued=True),
                  "delay": P(0.0, "ms", NON_NEGATIVE)}

    def check_all(self):
        v = self.values()
        times = np.asarray(v["times"], dtype=float)
        amps = np.asarray(v["amplitudes"], dtype=float)
        if times.shape != amps.shape or times.ndim != 1:
            raise InvalidParameterValueError(
                "times", f"{times.size} times, {amps.size} amplitudes",
                "one amplitude per time (1-D arrays of equal length)", "StepCurrentSource")
        if not (np.isfinite(times).all() and np.isfinite(amps).all()):
            raise InvalidParameterValueError("times", v["times"], "finite numbers", "StepCurrentSource")
        if (times < 0).any() or (np.diff(times) <= 0).any():
            raise InvalidParameterValueError("times", v["times"],
                                             "non-negative and strictly increasing", "StepCurrentSource")

    def __init__(self, **parameters):
        super().__init__(**parameters)
        self.check_all()


STANDARD_CURRENT_SOURCES = (DCSource, ACSource, NoisyCurrentSource, StepCurrentSource)
