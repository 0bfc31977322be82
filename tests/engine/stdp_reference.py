"""An independent, pure-Python reference of NEST's stdp_synapse and
stdp_pl_synapse_hom (REFERENCE.md 2.7, 2.8), written from the specification,
event by event as NEST does it: at every presynaptic spike, first potentiation
by the postsynaptic spikes in (t_last - d, t - d] with K+ evaluated at their
arrival, then depression with K- of the postsynaptic spikes strictly before
t - d, then K+ += 1. No traces are decayed step by step here: every trace is
an explicit sum of exponentials of time differences, so this shares no
arithmetic with the engine's per-step decays.
"""
import math

#: NEST's tolerance on spike-time comparisons (stdp_eps, ms)
EPS = 1e-6


def _pow(x, mu):
    return 1.0 if mu == 0.0 else x ** mu


def facilitate(w, k, rule):
    if rule["kind"] == "power_law":
        return w + rule["lambda"] * w ** rule["mu"] * k
    w_min, w_max = rule["w_min"], rule["w_max"]
    r = w_max - w_min
    x = (w - w_min) / r + rule["lambda"] * _pow(1.0 - (w - w_min) / r, rule["mu_plus"]) * k
    return w_min + x * r if x < 1.0 else w_max


def depress(w, k, rule):
    if rule["kind"] == "power_law":
        new = w - rule["lambda"] * rule["alpha"] * w * k
        return new if new > 0.0 else 0.0
    w_min, w_max = rule["w_min"], rule["w_max"]
    r = w_max - w_min
    x = (w - w_min) / r - rule["alpha"] * rule["lambda"] * _pow((w - w_min) / r, rule["mu_minus"]) * k
    return w_min + x * r if x > 0.0 else w_min


def k_minus(post_times, t, tau_minus):
    """Postsynaptic trace at t from the spikes strictly before t."""
    return sum(math.exp(-(t - tj) / tau_minus) for tj in post_times if t - tj > EPS)


def weights_after_pre_spikes(pre_times, post_times, delay, rule, w0):
    """The weight after each presynaptic spike (NEST's value sent with it).

    pre_times: distinct, increasing (ms); post_times: increasing, may repeat
    (one entry per spike); rule: kind ('gutig' or 'power_law'), lambda, alpha,
    tau_plus, tau_minus and mu_plus/mu_minus/w_min/w_max or mu."""
    w, k_plus, t_last = w0, 0.0, 0.0
    out = []
    for t in pre_times:
        for tj in post_times:
            if t_last - delay + EPS <= tj < t - delay + EPS:
                w = facilitate(w, k_plus * math.exp((t_last - (tj + delay)) / rule["tau_plus"]),
                               rule)
        w = depress(w, k_minus(post_times, t - delay, rule["tau_minus"]), rule)
        out.append(w)
        k_plus = k_plus * math.exp((t_last - t) / rule["tau_plus"]) + 1.0
        t_last = t
    return out


def weight_at(t, pre_times, post_times, delay, rule, w0):
    """The weight at time t: after the presynaptic spikes up to t and the
    potentiation by every postsynaptic spike that reached the synapse by t
    (NEST applies the latter only at the next presynaptic spike; the value is
    the same)."""
    pres = [p for p in pre_times if p <= t + EPS]
    if not pres:
        return w0
    w = weights_after_pre_spikes(pres, post_times, delay, rule, w0)[-1]
    t_last = pres[-1]
    k_plus = sum(math.exp((p - t_last) / rule["tau_plus"]) for p in pres)
    for tj in post_times:
        if t_last - delay + EPS <= tj < t - delay + EPS:
            w = facilitate(w, k_plus * math.exp((t_last - (tj + delay)) / rule["tau_plus"]), rule)
    return w
