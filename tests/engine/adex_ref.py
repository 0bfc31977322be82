"""High-accuracy references for the AdEx family (check 5): the same hybrid
model as REFERENCE.md 2.3, with the continuous parts solved by scipy
(DOP853, rtol 1e-11) between events instead of the engine's RKF45.

Events are placed as the engine places them with dt small enough for one
sub-step per step (check 5 uses dt = 0.01 ms): the delta input due in step s is
added at the end of step s; a spike is emitted when V reaches v_spike (found
to ~1e-12 ms by the solver's event location); V is then clamped until the end
of step k + round(t_clamp/dt), k the step of the spike, and reset. (The last part of the upswing, far shorter than
the grid, is not resolved: see UPSWING_MV.) Inputs that
arrive while V is clamped are dropped. Parameters are pynnlite's (mV, ms, nA,
nF, uS, a in nS).
"""
import numpy as np
from scipy.integrate import solve_ivp

FREE, CLAMPED = 0, 2
#: the exponential upswing is taken as the spike once V is this far above V_T
#: (with delta_T = 2 mV the rest of the way to v_spike lasts ~ tau_m e^-20,
#: about 1e-8 ms; no solver can resolve it: V' reaches 1e17 mV/ms)
UPSWING_MV = 40.0


def clopath_rhs(p, mode, i_dc):
    """dy/dt of y = (V, w, z, V_T, u+, u-, ū) of EIF_psc_delta_clopath."""
    g_l = p["cm"] / p["tau_m"]
    a = p["a"] / 1000.0

    def f(t, y):
        v = p["v_clamp"] if mode == CLAMPED else min(y[0], p["v_spike"])
        i_spike = 0.0 if p["delta_T"] == 0 else g_l * p["delta_T"] * np.exp((v - y[3]) / p["delta_T"])
        dv = 0.0 if mode == CLAMPED else (-g_l * (v - p["v_rest"]) + i_spike - y[1] + y[2]
                                          + p["i_offset"] + i_dc) / p["cm"]
        dw = 0.0 if mode == CLAMPED else (a * (v - p["v_rest"]) - y[1]) / p["tau_w"]
        return [dv, dw, -y[2] / p["tau_z"], -(y[3] - p["v_thresh"]) / p["tau_v_thresh"],
                (v - y[4]) / p["tau_u_bar_plus"], (v - y[5]) / p["tau_u_bar_minus"],
                (y[5] - y[6]) / p["tau_u_bar_bar"]]
    return f


def clopath_reference(p, y0, h, n_steps, inputs, rtol=1e-11, atol=1e-11):
    """Samples (n_steps + 1, 7) of (V, w, z, V_T, u+, u-, ū) at t = k h and the
    spike times. ``inputs``: {step: summed weight (mV)} of the delta input due
    in each step."""
    out = np.empty((n_steps + 1, 7))
    out[0] = y0
    y = np.array(y0, float)
    clamp_steps = int(round(p["t_clamp"] / h))
    spikes = []
    due = sorted(s for s in inputs if s < n_steps)
    k = 0

    def segment(mode, t0, t1, y, event=None):
        """Integrate from t0 to t1 (both grid-aligned or t0 an event time),
        filling the samples in (t0, t1]; returns (y at the end, event time)."""
        ev = None
        if event is not None:
            def crossing(t, y):
                return y[0] - min(p["v_spike"], y[3] + UPSWING_MV)
            crossing.terminal = True
            crossing.direction = 1
            ev = crossing
        sol = solve_ivp(clopath_rhs(p, mode, 0.0), (t0, t1), y, method="DOP853", rtol=rtol,
                        atol=atol, events=ev, dense_output=True)
        t_end = sol.t[-1]
        ks = np.arange(int(np.floor(t0 / h + 1e-9)) + 1, int(np.floor(t_end / h + 1e-9)) + 1)
        ks = ks[ks * h > t0 + 1e-12]
        if len(ks):
            out[ks] = sol.sol(ks * h).T
        hit = sol.t_events[0][0] if ev is not None and len(sol.t_events[0]) else None
        return sol.y[:, -1].copy(), hit

    def spike_and_clamp(t_spike, step, y):
        """The spike in ``step`` at t_spike; clamp to the end of step + clamp_steps."""
        spikes.append(t_spike)
        y[0] = p["v_clamp"]
        y[1] += p["b"]
        y[2] = p["i_sp"]
        y[3] = p["v_thresh_max"]
        end = min(step + clamp_steps + 1, n_steps)
        if end * h > t_spike + 1e-12:
            y, _ = segment(CLAMPED, t_spike, end * h, y)
        elif end == step + 1:
            out[end] = y
        y[0] = p["v_reset"]
        if end <= n_steps:
            out[end] = y
        return y, end

    while k < n_steps:
        later = [s for s in due if s >= k]
        s = later[0] if later else n_steps - 1
        y, hit = segment(FREE, k * h, (s + 1) * h, y, event=True)
        if hit is not None:
            step = int(np.ceil(hit / h - 1e-9)) - 1
            y, k = spike_and_clamp(hit, step, y)
            continue
        y[0] += inputs.get(s, 0.0)
        out[s + 1] = y
        k = s + 1
        if y[0] >= p["v_spike"]:
            y, k = spike_and_clamp((s + 1) * h, s, y)
    return out, np.array(spikes)
