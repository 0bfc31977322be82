"""The engine's entries for the GIF cell types (kernels/gif.py, kernels/gif_pop.py):
how their parameters become per-dt constants, element tables and state.

:func:`model_kernels` returns the ModelKernel entries; models.py adds them to
MODEL_KERNELS (it passes its ModelKernel class, so this module does not
import models.py and either may be imported first).
"""
import numpy as np

from pynnlite.errors import InvalidParameterValueError

from . import propagators as prop
from .kernels import gif, gif_pop


def _ragged(values, n):
    """A (n, width) table of an object array of 1-D arrays, zero-padded; and the lengths."""
    arrays = [np.asarray(v, np.float64).reshape(-1) for v in values]
    lengths = np.fromiter(map(len, arrays), np.int64, n)
    width = int(lengths.max()) if n else 0
    table = np.zeros((n, width))
    if width:
        if (lengths == width).all():
            table = np.vstack(arrays)
        else:
            table[np.arange(width) < lengths[:, None]] = np.concatenate(arrays)
    return table, lengths


def _decay(tau, dt):
    """exp(-dt / tau); 0 for padding (tau 0)."""
    out = np.zeros_like(tau)
    real = tau > 0
    out[real] = np.exp(-dt / tau[real])
    return out


# ------------------------------------------------------------ single neurons

def _single_column(table):
    """One column when every neuron's column is the same."""
    if table.shape[-1] > 1 and np.array_equal(table, np.broadcast_to(table[..., :1], table.shape)):
        return np.ascontiguousarray(table[..., :1])
    return table


def _element_widths(p):
    n = len(p["tau_eta"])
    return _ragged(p["tau_eta"], n)[0].shape[1], _ragged(p["tau_gamma"], n)[0].shape[1]


def _adaptation_arrays(p, dt, arrays):
    """Q (2, elements, columns): decay factors and jumps of the eta elements,
    then of the gamma elements."""
    n = len(p["tau_eta"])
    tau_eta, _ = _ragged(p["tau_eta"], n)
    a_eta, _ = _ragged(p["a_eta"], n)
    tau_gamma, _ = _ragged(p["tau_gamma"], n)
    a_gamma, _ = _ragged(p["a_gamma"], n)
    decay = np.hstack([_decay(tau_eta, dt), _decay(tau_gamma, dt)]).T
    jump = np.hstack([a_eta, a_gamma]).T
    q = _single_column(np.ascontiguousarray(np.stack([decay, jump])))
    if "E" in arrays and arrays["E"].shape[0] != q.shape[1]:
        raise InvalidParameterValueError(
            "tau_eta", f"{q.shape[1]} adaptation elements (was {arrays['E'].shape[0]})",
            "the same number of elements as when the network was built", "GIF")
    return {"Q": q}


def _adaptation_state(p, dt, arrays):
    return {"E": np.zeros((arrays["Q"].shape[1], len(p["tau_eta"])), np.float64)}


def _common(p, dt):
    one = np.ones_like(np.asarray(p["cm"], np.float64))
    n_stc, _ = _element_widths(p)
    return {"v_rest": p["v_rest"], "i_offset": p["i_offset"], "v_reset": p["v_reset"],
            "v_t_star": p["v_t_star"], "lambda0": p["lambda0"] / 1000.0,
            "delta_v": p["delta_v"], "h": dt * one,
            "refrac_steps": prop.refractory_steps(p["tau_refrac"], dt), "n_stc": n_stc * one}


def _derive_gif_curr(p, dt):
    cm = np.asarray(p["cm"], np.float64)
    tau_m = cm / (cm / np.asarray(p["tau_m"], np.float64))   # NEST: C_m / g_L
    return {**_common(p, dt),
            "P33": np.exp(-dt / tau_m), "P30": -1.0 / cm * np.expm1(-dt / tau_m) * tau_m,
            "P31": -np.expm1(-dt / tau_m),
            "P21_exc": prop.psc_exp(dt, p["tau_syn_E"], tau_m, cm),
            "P21_inh": prop.psc_exp(dt, p["tau_syn_I"], tau_m, cm),
            "P11_exc": np.exp(-dt / p["tau_syn_E"]), "P11_inh": np.exp(-dt / p["tau_syn_I"])}


def _derive_gif_cond(p, dt):
    return {**_common(p, dt),
            "g_leak": p["cm"] / p["tau_m"], "e_rev_E": p["e_rev_E"], "e_rev_I": p["e_rev_I"],
            "inv_cm": 1.0 / p["cm"], "tau_syn_E": p["tau_syn_E"], "tau_syn_I": p["tau_syn_I"],
            "expm1_half_exc": np.expm1(-0.5 * dt / p["tau_syn_E"]),
            "expm1_exc": np.expm1(-dt / p["tau_syn_E"]),
            "expm1_half_inh": np.expm1(-0.5 * dt / p["tau_syn_I"]),
            "expm1_inh": np.expm1(-dt / p["tau_syn_I"])}


def _init_gif(synapse_rows):
    def init(values, p):
        return {"v": values["v"], "v_t": values["v_t"], "i_eta": values["i_eta"],
                **{row: values[row] for row in synapse_rows}}
    return init


_GIF_STATE = {"v": ("v", None), "v_t": ("v_t", None), "i_eta": ("i_eta", None)}


# --------------------------------------------------------------- populations

#: longest automatic history (ms), as NEST
_T_MAX = 20000.0


def adaptation_kernel(lags, tau, q, dt):
    """theta at ``lags`` steps: sum_j q_j exp(-lag dt / tau_j) (mV)."""
    theta = np.zeros(np.shape(lags))
    for t, a in zip(tau, q):
        theta += a * np.exp(-lags * dt / t)
    return theta


def history_length(tau, q, delta_v, tau_m, t_ref, dt):
    """NEST's automatic kernel length (steps): the longest lag <= 20 s at which
    the adaptation kernel is still >= 0.1 delta_v, at least 5 tau_m, and longer
    than the refractory period."""
    k_max = int(_T_MAX / dt)
    k_min = int(5 * tau_m / dt)
    k = k_max
    if k_max > k_min:
        lags = np.arange(k_max, k_min, -1)
        big = adaptation_kernel(lags, tau, q, dt) / delta_v >= 0.1
        k = int(lags[np.argmax(big)]) if big.any() else k_min
    if k * dt <= t_ref:
        k = int(t_ref / dt) + 1
    return k


def _pop_layout(p, dt, built=None):
    """Per population: (K, its tau, its q); and the start offsets. ``built``:
    the lengths chosen when the network was built, which automatic lengths keep
    (as in NEST, which fixes len_kernel at its first initialisation)."""
    n = len(p["N"])
    ks, taus, qs = [], [], []
    for i in range(n):        # one entry per whole population (few), at build only
        tau = np.asarray(p["tau_gamma"][i], np.float64).reshape(-1)
        q = np.asarray(p["a_gamma"][i], np.float64).reshape(-1)
        given = int(p["len_kernel"][i])
        if given >= 1:
            k = given
        elif built is not None:
            k = int(built[i])
        else:
            k = history_length(tau, q, p["delta_v"][i], p["tau_m"][i], p["tau_refrac"][i], dt)
        ks.append(k)
        taus.append(tau)
        qs.append(q)
    ks = np.array(ks, np.int64)
    nj = np.array([len(t) for t in taus], np.int64)
    return ks, taus, qs, np.concatenate([[0], np.cumsum(ks)[:-1]]).astype(np.int64), \
        np.concatenate([[0], np.cumsum(nj)[:-1]]).astype(np.int64), nj


def _derive_pop(p, dt):
    params = p
    ks, _, _, b0, j0, nj = _pop_layout(params, dt)
    tau_m, cm = params["tau_m"], params["cm"]
    p22 = np.exp(-dt / tau_m)
    return {"N": params["N"], "P22": p22, "P20": tau_m / cm * (1.0 - p22),
            "P11_exc": np.exp(-dt / params["tau_syn_E"]),
            "P11_inh": np.exp(-dt / params["tau_syn_I"]), "tau_m": tau_m, "cm": cm,
            "tau_syn_E": params["tau_syn_E"], "tau_syn_I": params["tau_syn_I"],
            "v_rest": params["v_rest"], "v_reset": params["v_reset"],
            "v_t_star": params["v_t_star"], "lambda0": params["lambda0"],
            "delta_v": params["delta_v"], "i_offset": params["i_offset"],
            "h": np.full(len(tau_m), dt), "binomial": params["binomial"],
            "len_kernel": ks, "k_ref": prop.refractory_steps(params["tau_refrac"], dt),
            "hist_start": b0, "sfa_start": j0, "n_sfa": nj}


def _pop_arrays(p, dt, arrays):
    """TH (theta_k, theta~_k in age order, oldest first) and QA (exp(-dt/tau_j),
    q_j tau_j exp(-dt K / tau_j)) of every population."""
    ks, taus, qs, b0, _, _ = _pop_layout(p, dt, arrays.get("KS"))
    # derive() wrote the lengths as first chosen; keep the built ones
    arrays["I"][gif_pop.POP_I_PARAMS.index("len_kernel")] = ks
    arrays["I"][gif_pop.POP_I_PARAMS.index("hist_start")] = b0
    th, qa = [], []
    for k, tau, q, n, dv in zip(ks, taus, qs, p["N"], p["delta_v"]):
        theta = adaptation_kernel(k - np.arange(k), tau, q, dt)
        th.append(np.stack([theta, dv * (1.0 - np.exp(-theta / dv)) / float(n)]))
        qa.append(np.stack([np.exp(-dt / tau), q * tau * np.exp(-dt * k / tau)]))
    out = {"TH": np.ascontiguousarray(np.hstack(th)), "QA": np.ascontiguousarray(np.hstack(qa)),
           "KS": ks}
    for name, new, state in (("TH", out["TH"], "H"), ("QA", out["QA"], "G")):
        if state in arrays and arrays[state].shape[-1] != new.shape[1]:
            raise InvalidParameterValueError(
                "len_kernel" if name == "TH" else "tau_gamma", "a change of the history length "
                "or of the number of threshold elements", "values that keep both as they were "
                "when the network was built", "GIF_pop_curr_exp")
    return out


def _pop_state(p, dt, arrays):
    """All N neurons of a population start in its youngest bin (NEST's
    InitPopulations: the bin before ring index 0), the free pool empty."""
    ks = arrays["KS"]
    b0 = np.concatenate([[0], np.cumsum(ks)[:-1]]).astype(np.int64)
    hist = np.zeros((5, int(ks.sum())), np.float64)
    hist[0, b0 + ks - 1] = p["N"]
    hist[1, b0 + ks - 1] = p["N"]
    return {"H": hist, "G": np.zeros(arrays["QA"].shape[1], np.float64)}


def _init_pop(values, p):
    zero = np.zeros_like(values["v"])
    return {"v": values["v"], "isyn_exc": values["isyn_exc"], "isyn_inh": values["isyn_inh"],
            "v_t": values["v_t"], "mean": zero, "n_events": zero, "x": zero, "z": zero,
            "lambda_free": zero}


def model_kernels(ModelKernel):
    """The ModelKernel entries of GIF_curr_exp, GIF_cond_exp and GIF_pop_curr_exp."""
    curr = ModelKernel(
        name="GIF_curr_exp", kernel=("pynnlite_numba.kernels.gif", "update_gif_psc_exp"),
        arrays=("P", "S", "I", "F", "Q", "E"), p_rows=gif.GIF_CURR_P, s_rows=gif.GIF_CURR_S,
        i_params=gif.GIF_I_PARAMS, i_state=gif.GIF_I_STATE, derive=_derive_gif_curr,
        init_state=_init_gif(("isyn_exc", "isyn_inh")),
        state={**_GIF_STATE, "isyn_exc": ("isyn_exc", None), "isyn_inh": ("isyn_inh", None)},
        derive_arrays=_adaptation_arrays, init_arrays=_adaptation_state)
    cond = ModelKernel(
        name="GIF_cond_exp", kernel=("pynnlite_numba.kernels.gif", "update_gif_cond_exp"),
        arrays=("P", "S", "I", "F", "Q", "E"), p_rows=gif.GIF_COND_P, s_rows=gif.GIF_COND_S,
        i_params=gif.GIF_I_PARAMS, i_state=gif.GIF_I_STATE, derive=_derive_gif_cond,
        init_state=_init_gif(("gsyn_exc", "gsyn_inh")),
        state={**_GIF_STATE, "gsyn_exc": ("gsyn_exc", None), "gsyn_inh": ("gsyn_inh", None)},
        derive_arrays=_adaptation_arrays, init_arrays=_adaptation_state)
    pop = ModelKernel(
        name="GIF_pop_curr_exp", kernel=("pynnlite_numba.kernels.gif_pop", "update_gif_pop"),
        arrays=("P", "S", "I", "TH", "QA", "H", "G"), p_rows=gif_pop.POP_P,
        s_rows=gif_pop.POP_S, i_params=gif_pop.POP_I_PARAMS, i_state=gif_pop.POP_I_STATE,
        derive=_derive_pop, init_state=_init_pop,
        state={name: (name, None) for name in ("v", "v_t", "isyn_exc", "isyn_inh", "mean",
                                               "n_events")},
        derive_arrays=_pop_arrays, init_arrays=_pop_state)
    return curr, cond, pop
