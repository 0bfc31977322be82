"""Spike sources and electrodes on NEST, placed in time so that they act on
the same steps as on pynnlite's engine.

Every segment (the stretch between build or reset and the next reset) starts
at a NEST time ``T0`` (in steps); pynnlite's time t is NEST's T0 + t. All
stimulating devices reach their targets through a connection of delay ``D``
(NEST's min_delay), so they are shifted by -D:

- a spike source's generator feeds a parrot_neuron through delay D; the
  parrot's spike (what the targets and the recorder see) is stamped D after
  the generator's. spike_generator emits its times relative to ``origin``, so
  ``origin = T0 - D``; poisson_generator is active in the steps that start
  in (origin + start, origin + stop], so ``origin = T0 - D - dt``. Then the
  parrots fire in (T0 + start, T0 + start + duration], as pynnlite's sources do.
- a current generator's value set at time t_i acts on the step
  (t_i + D, t_i + D + dt] (NEST 3.10, verified), so ``origin = T0 - D`` makes
  a value given for time t act on (T0 + t, T0 + t + dt] (PyNN's convention).
  step_current_generator ignores origin: its times are absolute.
  ac_generator computes its sine from the absolute time: the phase is
  shifted by the segment's origin.
"""
import numpy as np

from pynnlite.errors import InvalidParameterValueError

from .translations import ELECTRODES, SOURCES, TO_NEST


class SourcePopulation:
    """The NEST nodes of one spike-source population: generators and parrots."""

    def __init__(self, nest, spec):
        self.nest = nest
        self.spec = spec
        self.generators = nest.Create(SOURCES[spec.model].nest_model, spec.size)
        self.parrots = nest.Create("parrot_neuron", spec.size)
        self.params = {k: np.array(v, copy=True) for k, v in spec.parameters.items()}
        if spec.model == "SpikeSourceArray":
            self.generators.set(allow_offgrid_times=True)

    @property
    def senders(self):
        """The nodes whose spikes the targets (and recorders) see: the parrots."""
        return self.parrots

    def connect(self, nest, delay_ms):
        first_g, first_p = self.generators[0].global_id, self.parrots[0].global_id
        n = self.spec.size
        nest.Connect(first_g + np.arange(n), first_p + np.arange(n), "one_to_one",
                     {"synapse_model": "static_synapse", "weight": np.ones(n),
                      "delay": np.full(n, delay_ms)})

    def place(self, grid, t0, d, indices=None):
        """Set the generators' parameters for a segment starting at step t0."""
        idx = np.arange(self.spec.size) if indices is None else np.unique(indices)
        if not len(idx):
            return
        nodes = subset(self.nest, self.generators, idx)
        origin = float(grid.ms(t0 - d))
        if self.spec.model == "SpikeSourcePoisson":
            # poisson_generator is active in the steps that *start* in
            # (start, stop]: its stamps lie one step later than spike_generator's
            origin = float(grid.ms(t0 - d - 1))
            start = grid.ceil(self.params["start"][idx])
            stop = np.maximum(grid.floor(self.params["start"][idx] + self.params["duration"][idx]),
                              start)
            nodes.set({"origin": np.full(len(idx), origin),
                       "rate": np.asarray(self.params["rate"][idx], np.float64),
                       "start": grid.ms(start), "stop": grid.time_or_inf(stop)})
        else:
            times = self.params["spike_times"]
            # relative to origin, a generator time equals the parrot's stamp in
            # the segment: the step that ends at or after the requested time
            stamps = [grid.ms(s[s >= 1]) for s in
                      (grid.ceil(np.asarray(times[i], np.float64)) for i in idx)]
            nodes.set([{"origin": origin, "spike_times": s.tolist()} for s in stamps])

    def set_parameters(self, name, indices, values, grid, t0, d):
        if name == "spike_times":
            arr = self.params[name]
            for i, v in zip(np.asarray(indices, np.int64), values):
                arr[i] = np.asarray(v, np.float64)
        else:
            self.params[name][np.asarray(indices, np.int64)] = values
        self.place(grid, t0, d, indices)


class Electrode:
    """One current source: one NEST generator connected to all its targets."""

    def __init__(self, nest, spec):
        self.spec = spec
        self.model = ELECTRODES[spec.model]
        self.node = nest.Create(self.model)

    def connect(self, nest, target_ids, delay_ms):
        n = len(target_ids)
        if n:
            nest.Connect(np.full(n, self.node.global_id), np.asarray(target_ids, np.int64),
                         "one_to_one", {"synapse_model": "static_synapse",
                                        "weight": np.ones(n), "delay": np.full(n, delay_ms)})

    def place(self, grid, t0, d):
        """Set the generator for a segment starting at step t0."""
        p = self.spec.parameters
        if self.model == "step_current_generator":
            self.node.set(_step_times(grid, t0, d, p))
            return
        start = grid.ceil(float(p.get("start", 0.0)))
        stop = max(grid.ceil(float(p.get("stop", np.inf))), start)
        status = {"origin": float(grid.ms(t0 - d)), "start": float(grid.ms(start)),
                  "stop": float(grid.time_or_inf(stop))}
        if self.model == "dc_generator":
            status["amplitude"] = float(p["amplitude"]) * TO_NEST
        elif self.model == "ac_generator":
            frequency = float(p["frequency"])
            # NEST's sine runs on absolute time t; pynnlite's on segment time t - T0,
            # and the value NEST emits for the step (t, t+dt] is its value at t - D
            shift = 360.0 * frequency * float(grid.ms(t0 - d)) / 1000.0
            status.update(amplitude=float(p["amplitude"]) * TO_NEST,
                          offset=float(p["offset"]) * TO_NEST, frequency=frequency,
                          phase=float(np.mod(float(p["phase"]) - shift, 360.0)))
        else:       # noise_generator
            noise_dt = p.get("dt") or grid.dt
            status.update(mean=float(p["mean"]) * TO_NEST, std=float(p["stdev"]) * TO_NEST,
                          dt=float(grid.ms(max(1, int(grid.steps(noise_dt))))))
        self.node.set(status)


def _step_times(grid, t0, d, p):
    """Absolute amplitude_times/values of a step_current_generator for a
    segment at t0: the value given for time t is set at T0 - D + t (+ the
    source's ``delay``); a zero at T0 - D clears the value left from an
    earlier segment."""
    delay = float(p.get("delay", 0.0))
    delay_steps = int(grid.steps(delay))
    if abs(delay / grid.dt - delay_steps) > grid.EPS * max(1.0, delay / grid.dt):
        raise InvalidParameterValueError("delay", delay, f"a multiple of the time step {grid.dt} ms",
                                         "StepCurrentSource")
    steps = grid.steps(np.asarray(p.get("times", ()), np.float64).reshape(-1)) + delay_steps
    amps = np.asarray(p.get("amplitudes", ()), np.float64).reshape(-1) * TO_NEST
    if len(steps):
        # of several times rounded to one step, the last one holds (as on the engine)
        last = np.append(steps[1:] != steps[:-1], True)
        steps, amps = steps[last], amps[last]
    if not len(steps) or steps[0] > 0:
        steps = np.concatenate([[0], steps])
        amps = np.concatenate([[0.0], amps])
    return {"amplitude_times": grid.ms(t0 - d + steps).tolist(), "amplitude_values": amps.tolist()}


def subset(nest, nodes, idx):
    """The nodes at the sorted, unique local indices ``idx`` of a NodeCollection
    made by one Create (contiguous ids)."""
    if len(idx) == len(nodes):
        return nodes
    return nest.NodeCollection((nodes[0].global_id + np.asarray(idx, np.int64)).tolist())
