"""Current sources (electrodes) as flat arrays for kernels/electrodes.py."""
import numpy as np

from pynnlite.errors import InvalidParameterValueError, NoModelAvailableError

from .kernels import electrodes as el

_KIND = {"DCSource": el.DC, "ACSource": el.AC, "StepCurrentSource": el.STEP,
         "NoisyCurrentSource": el.NOISY}
_EPS = 1e-9


def _first_step(t, dt):
    """First step s with s * dt >= t (t on the grid up to 1e-9 dt)."""
    if not np.isfinite(t):
        return np.iinfo(np.int64).max // 2
    return int(np.ceil(t / dt - _EPS))


def _delay_steps(p, dt):
    """StepCurrentSource's ``delay`` in whole steps (a value off the grid is refused)."""
    delay = float(p.get("delay", 0.0))
    steps = round(delay / dt)
    if abs(delay / dt - steps) > 1e-9 * max(1.0, delay / dt):
        raise InvalidParameterValueError("delay", delay, f"a multiple of the time step {dt} ms",
                                         "StepCurrentSource")
    return steps


class Stimulus:
    """Flat tables of all electrodes: kind, float and integer parameters, step
    times and amplitudes (StepCurrentSource), and target internal indices."""

    def __init__(self, network, layout):
        self.dt = network.dt
        self.layout = layout
        self.sources = list(network.current_sources)
        for src in self.sources:
            if src.model not in _KIND:
                raise NoModelAvailableError(
                    f"the numba backend has no current source '{src.model}'; "
                    f"available: {', '.join(_KIND)}")
        n = len(self.sources)
        self.kind = np.zeros(n, np.int64)
        self.fpar = np.zeros((n, el.N_F), np.float64)
        self.ipar = np.zeros((n, el.N_I), np.int64)
        targets = []
        for k, src in enumerate(self.sources):
            self.kind[k] = _KIND[src.model]
            targets.append(np.concatenate(
                [layout.internal(pop, np.asarray(idx, np.int64)) for pop, idx in src.targets])
                if src.targets else np.zeros(0, np.int64))
        self.gptr = np.zeros(n + 1, np.int64)
        np.cumsum([len(t) for t in targets], out=self.gptr[1:])
        self.gtgt = np.concatenate(targets) if targets else np.zeros(0, np.int64)
        self.gid = layout.global_ids()[self.gtgt] if self.gtgt.size else np.zeros(0, np.int64)
        self.tptr = np.zeros(n + 1, np.int64)
        self.tstep = np.zeros(0, np.int64)
        self.tamp = np.zeros(0, np.float64)
        self.update_parameters()

    def update_parameters(self, index=None, parameters=None):
        """(Re)compute the tables from the sources' parameters; with ``index``,
        first replace that source's parameters (a change between runs)."""
        if index is not None:
            k = [s.index for s in self.sources].index(index)
            self.sources[k] = type(self.sources[k])(
                index=self.sources[k].index, model=self.sources[k].model,
                parameters={**self.sources[k].parameters, **parameters},
                targets=self.sources[k].targets)
        dt = self.dt
        steps, amps = [], []
        for k, src in enumerate(self.sources):
            p = src.parameters
            if src.model == "StepCurrentSource":
                t = np.asarray(p.get("times", ()), np.float64).reshape(-1)
                steps.append(np.rint(t / dt).astype(np.int64) + _delay_steps(p, dt))
                amps.append(np.asarray(p.get("amplitudes", ()), np.float64).reshape(-1))
                self.ipar[k, el.I_FIRST] = 0
                self.ipar[k, el.I_STOP] = np.iinfo(np.int64).max // 2
                continue
            steps.append(np.zeros(0, np.int64))
            amps.append(np.zeros(0, np.float64))
            self.ipar[k, el.I_FIRST] = _first_step(float(p.get("start", 0.0)), dt)
            self.ipar[k, el.I_STOP] = _first_step(float(p.get("stop", np.inf)), dt)
            self.fpar[k, el.F_AMPLITUDE] = p.get("amplitude", 0.0)
            self.fpar[k, el.F_OFFSET] = p.get("offset", 0.0)
            self.fpar[k, el.F_FREQUENCY] = p.get("frequency", 0.0)
            self.fpar[k, el.F_PHASE] = p.get("phase", 0.0)
            self.fpar[k, el.F_MEAN] = p.get("mean", 0.0)
            self.fpar[k, el.F_STDEV] = p.get("stdev", 0.0)
            noise_dt = p.get("dt", None)
            self.ipar[k, el.I_PERIOD] = max(1, int(np.rint((noise_dt or dt) / dt)))
        np.cumsum([len(s) for s in steps], out=self.tptr[1:])
        self.tstep = np.concatenate(steps) if steps else np.zeros(0, np.int64)
        self.tamp = np.concatenate(amps) if amps else np.zeros(0, np.float64)

    def arrays(self):
        return (self.kind, self.fpar, self.ipar, self.tptr, self.tstep, self.tamp,
                self.gptr, self.gtgt, self.gid)
