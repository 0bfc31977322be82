"""Plastic synapses on NEST: STDPMechanism -> stdp_synapse (Gütig-family weight
dependences) or stdp_pl_synapse_hom (PowerLawWeightDependence),
TsodyksMarkramSynapse -> tsodyks_synapse, ClopathSynapse -> clopath_synapse;
and weight recording.

Every plastic projection gets its own copy of the NEST model (``CopyModel``),
holding its homogeneous parameters (stdp_pl_synapse_hom takes them only this
way) and, when its weights are recorded, its weight_recorder.

Translations (REFERENCE.md 1.2, 2.7, 2.8): lambda = A_plus, alpha =
A_minus / A_plus, Wmax = w_max (with the sign of NEST's weight), mu_plus /
mu_minus from the weight dependence; NEST has no lower bound, so w_min must
be 0. tau_minus belongs to the postsynaptic neuron in NEST: it is set on the
post population, and two projections that need different values onto the
same population are refused. The power law's A_plus is NEST's lambda for pA
as it stands (pynnlite's convention, see pynnlite.models.plasticity).
tsodyks_synapse takes tau_psc from the post cell's tau_syn of the receptor.

Differences from the numba engine, all NEST's: potentiation is applied
lazily, at the next presynaptic spike, so weights read between spikes (get(),
samples) lack the potentiation by postsynaptic spikes since the last
presynaptic one; weights after every presynaptic spike agree.

Weight recording uses NEST's weight_recorder, which logs the weight after each
transmitted spike; the adapter turns these events into samples at the
recording interval (the value after the last spike at or before each sample
time). Spikes of NEST's last time slice are delivered at the start of the next
Simulate, so the samples of a run's last step arrive with the next run (the
adapter then runs with min_delay = dt) and the last samples of a segment are
not returned.

reset(): after the flush, weights and synapse state go back to the spec's
(Kplus = 0; x = 1, y = 0, u = 0) and the postsynaptic spike histories of STDP
targets are cleared (NEST's ``clear``), so the new segment starts as the
first did.
"""
import numpy as np

from pynnlite.errors import InvalidParameterValueError, NoModelAvailableError
from pynnlite.models.plasticity import TsodyksMarkramSynapse, stdp_exponents

STDP = "STDPMechanism"
TSODYKS = "TsodyksMarkramSynapse"
#: ClopathSynapse -> clopath_synapse (tau_x, Wmin = w_min, Wmax = w_max; weights in
#: mV with their sign, as pynnlite keeps them)
CLOPATH = "ClopathSynapse"
PLASTIC = (STDP, TSODYKS, CLOPATH)


def _one(values, name, prj, why):
    """The single value of a parameter that NEST needs homogeneous."""
    v = np.asarray(values, np.float64)
    first = float(v.flat[0]) if v.size else np.nan
    if v.size and not (v.strides == (0,) or (v == first).all()):
        raise NoModelAvailableError(
            f"the NEST backend needs one value of '{name}' for projection '{prj.label}' ({why}); "
            f"got values from {v.min()} to {v.max()}")
    return first


def _per_connection(values):
    """A scalar when homogeneous, else a list (NEST's syn_spec takes either)."""
    v = np.asarray(values, np.float64)
    if v.size and (v.strides == (0,) or (v == v.flat[0]).all()):
        return float(v.flat[0])
    return v


class Plasticity:
    """The plastic projections of one network on NEST."""

    def __init__(self, nest, network, sign_of, weight_recordings):
        self.nest = nest
        self.network = network
        self.sign_of = sign_of                  # spec index -> NEST weight factor sign
        self.projections = {p.index: p for p in network.projections
                            if p.synapse_model in PLASTIC}
        self.populations = {p.index: p for p in network.populations}
        self.models = {}                        # spec index -> NEST model copy name
        self.params = {}                        # spec index -> {name: pynnlite values}
        self.recorded = {r.projection: r for r in weight_recordings}
        self.recorders = {}                     # spec index -> weight_recorder node
        self.bound_factor = {}                  # spec index -> w_max to NEST's Wmax
        self._amplitudes_due = set()            # projections whose A_plus/A_minus changed
        self.tau_minus = {}                     # post population -> (value, projection label)
        for prj in self.projections.values():
            self._check(prj)

    # ------------------------------------------------------------ checks
    def _check(self, prj):
        if prj.synapse_model == STDP:
            comp = prj.synapse_components
            if comp.get("timing_dependence") != "SpikePairRule" or comp.get("voltage_dependence"):
                raise NoModelAvailableError(
                    f"the NEST backend implements STDPMechanism with SpikePairRule only "
                    f"(projection '{prj.label}')")
            if not prj.size and prj.native_rule is None:
                return
            p = prj.synapse_parameters
            ddf = _one(p["dendritic_delay_fraction"], "dendritic_delay_fraction", prj,
                       "NEST's stdp_synapse")
            if ddf != 1.0:
                raise NoModelAvailableError(
                    f"projection '{prj.label}': dendritic_delay_fraction={ddf}; NEST's STDP "
                    "synapses treat the whole delay as dendritic: only 1.0 is available")
            tau_minus = _one(p["tau_minus"], "tau_minus", prj, "NEST keeps tau_minus on the "
                             "postsynaptic neuron")
            if prj.post in self.tau_minus and self.tau_minus[prj.post][0] != tau_minus:
                other, label = self.tau_minus[prj.post]
                raise NoModelAvailableError(
                    f"projections '{label}' (tau_minus={other}) and '{prj.label}' (tau_minus="
                    f"{tau_minus}) target the same population "
                    f"'{self.populations[prj.post].label}': NEST keeps tau_minus on the "
                    "postsynaptic neuron, so both must use the same value")
            self.tau_minus[prj.post] = (tau_minus, prj.label)
            if comp.get("weight_dependence") == "PowerLawWeightDependence":
                for name in ("tau_plus", "A_plus", "A_minus", "mu"):
                    _one(p[name], name, prj, "stdp_pl_synapse_hom's parameters are homogeneous")
            else:
                w_min = np.asarray(p["w_min"], np.float64)
                if (w_min != 0).any():
                    raise InvalidParameterValueError(
                        "w_min", float(w_min[w_min != 0][0]),
                        "0 on the NEST backend (NEST's stdp_synapse has no lower weight bound)",
                        "STDPMechanism")
            a_plus = np.asarray(p["A_plus"], np.float64)
            if ((a_plus == 0) & (np.asarray(p["A_minus"], np.float64) != 0)).any():
                raise InvalidParameterValueError(
                    "A_plus", 0.0, "> 0 when A_minus > 0 on the NEST backend (NEST writes "
                    "A_minus as alpha * lambda with lambda = A_plus)", "STDPMechanism")
        if prj.synapse_model == TSODYKS and prj.size:
            tau_psc = self._tau_psc(prj)
            clash = tau_psc == np.broadcast_to(np.asarray(prj.synapse_parameters["tau_rec"]),
                                               tau_psc.shape)
            if clash.any():
                raise InvalidParameterValueError(
                    "tau_rec", float(tau_psc[clash][0]), "a value different from the "
                    "postsynaptic cell's tau_syn (NEST's propagator is singular)", TSODYKS)

    def _tau_psc(self, prj):
        name = TsodyksMarkramSynapse.TAU_PSC[prj.receptor_type]
        tau = np.asarray(self.populations[prj.post].parameters[name], np.float64)
        return tau[np.asarray(prj.post_indices, np.int64)] if tau.ndim else np.full(prj.size, tau)

    # ----------------------------------------------------------- building
    def owns(self, index):
        return index in self.projections

    def set_tau_minus(self, nodes_of):
        """tau_minus on the postsynaptic neurons of STDP projections."""
        for post, (tau, _) in self.tau_minus.items():
            nodes_of(post).set(tau_minus=tau)

    def syn_spec(self, prj, bound_factor):
        """(NEST model name, further syn_spec entries) for one plastic projection;
        creates the projection's model copy. ``bound_factor`` turns w_max into NEST's
        Wmax (unit and the sign of NEST's weights)."""
        self.bound_factor[prj.index] = bound_factor
        nest = self.nest
        p = prj.synapse_parameters
        self.params[prj.index] = {n: np.asarray(v, np.float64) for n, v in p.items()}
        name = f"pynnlite_{prj.synapse_model}_{prj.index}"
        defaults, extra = {}, {}
        if prj.synapse_model == CLOPATH:
            base = "clopath_synapse"
            # weights, w_min and w_max keep their sign: only the unit factor (1 for mV)
            f = abs(bound_factor)
            bounds = {"tau_x": _per_connection(p["tau_x"]),
                      "Wmin": _per_connection(np.asarray(p["w_min"], np.float64) * f),
                      "Wmax": _per_connection(np.asarray(p["w_max"], np.float64) * f)}
            # NEST checks the bounds against the weight: set them with a weight of that sign
            defaults = {k: v for k, v in bounds.items() if np.ndim(v) == 0}
            if defaults and prj.size:
                defaults["weight"] = float(np.asarray(prj.weights, np.float64).flat[0]) * f
            extra = {k: v for k, v in bounds.items() if np.ndim(v) != 0}
        elif prj.synapse_model == TSODYKS:
            base = "tsodyks_synapse"
            extra = {"U": _per_connection(p["U"]), "tau_rec": _per_connection(p["tau_rec"]),
                     "tau_fac": _per_connection(p["tau_facil"]),
                     "tau_psc": _per_connection(self._tau_psc(prj))}
        elif prj.synapse_components["weight_dependence"] == "PowerLawWeightDependence":
            base = "stdp_pl_synapse_hom"
            a_plus = _one(p["A_plus"], "A_plus", prj, "")
            defaults = {"tau_plus": _one(p["tau_plus"], "tau_plus", prj, ""), "lambda": a_plus,
                        "alpha": _one(p["A_minus"], "A_minus", prj, "") / a_plus if a_plus else 0.0,
                        "mu": _one(p["mu"], "mu", prj, "")}
        else:
            base = "stdp_synapse"
            a_plus = np.asarray(p["A_plus"], np.float64)
            alpha = np.divide(np.asarray(p["A_minus"], np.float64), a_plus,
                              out=np.zeros(np.broadcast(a_plus, p["A_minus"]).shape),
                              where=a_plus != 0)
            mu_plus, mu_minus = stdp_exponents(
                prj.synapse_components["weight_dependence"],
                {n: np.asarray(p[n]) for n in ("mu_plus", "mu_minus") if n in p})
            extra = {"tau_plus": _per_connection(p["tau_plus"]), "lambda": _per_connection(a_plus),
                     "alpha": _per_connection(alpha), "mu_plus": _per_connection(mu_plus),
                     "mu_minus": _per_connection(mu_minus),
                     "Wmax": _per_connection(np.asarray(p["w_max"], np.float64) * bound_factor)}
        if prj.index in self.recorded:
            wr = nest.Create("weight_recorder", params={"time_in_steps": True})
            defaults["weight_recorder"] = wr
            self.recorders[prj.index] = wr
        nest.CopyModel(base, name, defaults)
        self.models[prj.index] = name
        # homogeneous values go into the copy too (they cost no memory per connection)
        scalars = {k: v for k, v in extra.items() if np.ndim(v) == 0}
        if scalars:
            nest.SetDefaults(name, scalars)
        return name, {k: v for k, v in extra.items() if np.ndim(v) != 0}

    # ------------------------------------------------------------ restart
    def restart(self, connections, nodes_of):
        """Spec weights and fresh synapse state for a new segment."""
        for index, prj in self.projections.items():
            if not connections.size(index):
                continue
            connections.set(index, "weight", connections.initial_weights(index))
            group, _ = connections.locate(index)      # the group holds this projection only
            group.collection.set({"Kplus": 0.0} if prj.synapse_model == STDP
                                 else {"x_bar": 0.0} if prj.synapse_model == CLOPATH
                                 else {"x": 1.0, "y": 0.0, "u": 0.0})
        for post in self.tau_minus:
            nodes_of(post).set(clear=True)
        for wr in self.recorders.values():
            wr.set(n_events=0)

    # --------------------------------------------------- other parameters
    def get(self, index, name, n):
        """A plasticity parameter of the projection's ``n`` connections."""
        return np.broadcast_to(self.params[index][name], (n,)).copy()

    def set(self, index, name, values, connections, nodes_of):
        """Change a plasticity parameter between runs."""
        prj = self.projections[index]
        values = np.broadcast_to(np.asarray(values, np.float64), (connections.size(index),)).copy()
        new = dict(self.params[index])
        new[name] = values
        if prj.synapse_model == CLOPATH:
            f = abs(self.bound_factor[index])
            self._write(index, connections, {"tau_x": {"tau_x": values}, "w_min": {"Wmin": values * f},
                                             "w_max": {"Wmax": values * f}}[name])
        elif prj.synapse_model == TSODYKS:
            nest_name = {"U": "U", "tau_rec": "tau_rec", "tau_facil": "tau_fac"}[name]
            self._write(index, connections, {nest_name: values})
        elif prj.synapse_components["weight_dependence"] == "PowerLawWeightDependence" \
                or name == "tau_minus":
            v = _one(values, name, prj, "NEST needs it homogeneous")
            if name == "tau_minus":
                nodes_of(prj.post).set(tau_minus=v)
            elif name in ("A_plus", "A_minus"):
                self._amplitudes_due.add(index)      # written before the next Simulate
            else:
                self.nest.SetDefaults(self.models[index], {name: v})
        else:
            if name in ("w_min",) and (values != 0).any():
                raise InvalidParameterValueError("w_min", float(values[values != 0][0]),
                                                 "0 on the NEST backend", "STDPMechanism")
            if name in ("A_plus", "A_minus"):
                # lambda and alpha = A_minus / A_plus are written together before the next
                # Simulate: A_plus and A_minus may be set one after the other
                self._amplitudes_due.add(index)
            table = {"tau_plus": {"tau_plus": values}, "A_plus": {}, "A_minus": {},
                     "w_max": {"Wmax": values * self.bound_factor[index]},
                     "mu_plus": {"mu_plus": values}, "mu_minus": {"mu_minus": values},
                     "w_min": {}, "dendritic_delay_fraction": {}}
            if name == "dendritic_delay_fraction" and (values != 1.0).any():
                raise NoModelAvailableError("dendritic_delay_fraction must stay 1.0 on NEST")
            self._write(index, connections, table[name])
        self.params[index] = new

    def write_amplitudes(self, connections):
        """NEST's lambda and alpha of the projections whose A_plus or A_minus
        changed (before a Simulate)."""
        for index in sorted(self._amplitudes_due):
            prj = self.projections[index]
            n = connections.size(index)
            a_plus = np.broadcast_to(self.params[index]["A_plus"], (n,))
            a_minus = np.broadcast_to(self.params[index]["A_minus"], (n,))
            bad = (a_plus == 0) & (a_minus != 0)
            if bad.any():
                raise InvalidParameterValueError(
                    "A_plus", 0.0, f"> 0 when A_minus > 0 on the NEST backend (projection "
                    f"'{prj.label}': NEST writes A_minus as alpha * lambda, lambda = A_plus)",
                    "STDPMechanism")
            alpha = np.divide(a_minus, a_plus, out=np.zeros(n), where=a_plus != 0)
            if prj.synapse_components["weight_dependence"] == "PowerLawWeightDependence":
                self.nest.SetDefaults(self.models[index], {"lambda": float(a_plus[0]),
                                                           "alpha": float(alpha[0])})
            else:
                self._write(index, connections, {"lambda": a_plus, "alpha": alpha})
        self._amplitudes_due = set()

    def _write(self, index, connections, status):
        """Per-connection values (spec order) into the projection's NEST connections."""
        if not status:
            return
        group, positions = connections.locate(index)      # the group holds this projection only
        n = len(group.collection)
        out = {}
        for k, v in status.items():
            arr = np.empty(n, np.float64)
            arr[positions] = np.broadcast_to(np.asarray(v, np.float64), positions.shape)
            out[k] = arr.tolist()
        group.collection.set(out)

    # ----------------------------------------------------- weight recording
    def start_recording(self, connections, t0):
        """At a segment's start: the recorded connections' (source, target) keys
        and the initial weights (the t = 0 sample)."""
        self._rec = {}
        for index, rec in self.recorded.items():
            prj = self.projections[index]
            cols = np.asarray(rec.connections, np.int64)
            pre, post = connections.pairs(index)
            src = connections._ids_of(prj.pre) + pre[cols]
            tgt = connections._ids_of(prj.post) + post[cols]
            key = src * (1 << 32) + tgt
            if len(np.unique(key)) != len(key):
                raise NoModelAvailableError(
                    f"the NEST backend records weights by (source, target): projection "
                    f"'{prj.label}' has several recorded connections between one pair")
            iv = int(round(rec.sampling_interval / connections.grid.dt))
            self._rec[index] = dict(key=key, iv=iv, next=0, last=None, events=None, t0=t0,
                                    sign=connections.from_nest[index], pending=[])

    def initial_samples(self, connections):
        for index, r in self._rec.items():
            cols = np.asarray(self.recorded[index].connections, np.int64)
            r["last"] = connections.get(index, "weight")[cols]
            r["pending"].append((0, r["last"][None, :].copy()))
            r["next"] = 1

    def collect(self, final_step):
        """Samples up to segment step ``final_step`` from the recorders' events."""
        for index, r in self._rec.items():
            wr = self.recorders[index]
            ev = wr.get("events")
            wr.set(n_events=0)
            times = np.asarray(ev["times"], np.int64) - r["t0"]
            key = (np.asarray(ev["senders"], np.int64) * (1 << 32)
                   + np.asarray(ev["targets"], np.int64))
            weights = np.asarray(ev["weights"], np.float64) * r["sign"]
            keep = times >= 1
            order_key = np.argsort(r["key"])
            sorted_key = r["key"][order_key]
            pos = np.searchsorted(sorted_key, key[keep])
            pos = np.minimum(pos, len(sorted_key) - 1)
            hit = sorted_key[pos] == key[keep]
            col = order_key[pos[hit]]
            t, w = times[keep][hit], weights[keep][hit]
            if r["events"] is not None:
                col, t, w = (np.concatenate([r["events"][0], col]),
                             np.concatenate([r["events"][1], t]),
                             np.concatenate([r["events"][2], w]))
            first_k, last_k = r["next"], final_step // r["iv"]
            if last_k < first_k or r["last"] is None:
                r["events"] = (col, t, w)
                continue
            samples = np.arange(first_k, last_k + 1) * r["iv"]
            n_cols = len(r["key"])
            order = np.lexsort((t, col))
            col, t, w = col[order], t[order], w[order]
            big = np.int64(samples[-1] + 2)
            ev_key = col * big + t
            s_key = (np.arange(n_cols)[None, :] * big + samples[:, None])
            idx = np.searchsorted(ev_key, s_key, side="right") - 1
            valid = (idx >= 0) & (col[np.maximum(idx, 0)] == np.arange(n_cols)[None, :])
            values = np.where(valid, w[np.maximum(idx, 0)], r["last"][None, :])
            r["pending"].append((first_k, values))
            r["last"] = values[-1].copy()
            r["next"] = last_k + 1
            later = t > samples[-1]
            r["events"] = (col[later], t[later], w[later])

    def fetch(self, dt):
        """{spec index: (t_start ms, interval ms, values)} since the last fetch."""
        out = {}
        for index, r in getattr(self, "_rec", {}).items():
            if r["pending"]:
                first = r["pending"][0][0]
                out[index] = (first * r["iv"] * dt, r["iv"] * dt,
                              np.concatenate([v for _, v in r["pending"]], axis=0))
                r["pending"] = []
        return out
