"""What the engine knows about each cell type: its kernel, the rows of its
struct-of-arrays block, how parameters become per-dt constants, and how the
PyNN state names map onto the block.

A block holds, per neuron (columns), float rows ``P`` (constants derived from
the parameters for the current dt; a single column when every neuron of the
block has the same constants), float rows ``S`` (continuous state), integer
rows ``I`` (integer constants, then integer state) and, for neurons, a byte
array ``F`` of spike flags (kernels/common.py). An integer constant named
``gid`` is filled with the neurons' global ids (keys of their random
streams). Adding a model means adding a kernel and one ModelKernel entry
here; the compiled loop is generated from the models present (codegen.py).
"""
from dataclasses import dataclass, field

import numpy as np

from . import propagators as prop
from . import rng
from .kernels import cond, drive, lif, sources


@dataclass(frozen=True)
class ModelKernel:
    """The engine's description of one model type.

    kernel: (module, function) of the update kernel.
    arrays: names of the block arrays passed to the kernel, in order.
    p_rows, s_rows: names of the float rows of P and S.
    i_params / i_state: names of the integer rows of I (constants, then state).
    derive(params, dt) -> dict of P rows and integer-constant rows.
    init_state(values, params) -> dict of S rows from PyNN initial values.
    state: PyNN state name -> (S row, P row added on output or None).
    deliver: (module, function) of a kernel run in the delivery phase, with
    ``deliver_arrays`` of the block (e.g. PoissonGenerator's own connections).
    derive_arrays(params, dt, arrays) -> dict of further constant arrays named
    in ``arrays`` (e.g. the elements of array-valued parameters), recomputed
    with the parameters; init_arrays(params, dt, arrays) -> dict of further
    state arrays, fresh at build and reset (e.g. a spike history).
    """
    name: str
    kernel: tuple
    arrays: tuple
    p_rows: tuple = ()
    s_rows: tuple = ()
    i_params: tuple = ()
    i_state: tuple = ()
    derive: object = None
    init_state: object = None
    state: dict = field(default_factory=dict)
    deliver: tuple = None
    deliver_arrays: tuple = ()
    derive_arrays: object = None
    init_arrays: object = None

    @property
    def i_rows(self):
        return self.i_params + self.i_state

    @property
    def splittable(self):
        """True when the update kernel can run on any range of the block's
        columns (its arrays are exactly the columnar P, S, I and F), so that
        threads update parts of the block at once (partition.py)."""
        return self.arrays == ("P", "S", "I", "F")

    @property
    def extra_arrays(self):
        """Block arrays the delivery kernel needs beyond the update kernel's."""
        return tuple(a for a in self.deliver_arrays if a not in self.arrays)


# ---------------------------------------------------------------- IF_curr_exp

def _derive_curr_exp(p, dt):
    p22, p20, _, _ = prop.membrane(dt, p["tau_m"], p["cm"])
    return {
        "P22": p22, "P20": p20,
        "P21_exc": prop.psc_exp(dt, p["tau_syn_E"], p["tau_m"], p["cm"]),
        "P21_inh": prop.psc_exp(dt, p["tau_syn_I"], p["tau_m"], p["cm"]),
        "P11_exc": np.exp(-dt / p["tau_syn_E"]),
        "P11_inh": np.exp(-dt / p["tau_syn_I"]),
        "i_offset": p["i_offset"],
        "theta_rel": p["v_thresh"] - p["v_rest"],
        "v_reset_rel": p["v_reset"] - p["v_rest"],
        "v_rest": p["v_rest"],
        "refrac_steps": prop.refractory_steps(p["tau_refrac"], dt),
    }


def _init_curr(values, p):
    return {"v_rel": values["v"] - p["v_rest"],
            "isyn_exc": values["isyn_exc"], "isyn_inh": values["isyn_inh"]}


IF_CURR_EXP = ModelKernel(
    name="IF_curr_exp", kernel=("pynnlite_numba.kernels.lif", "update_iaf_psc_exp"),
    arrays=("P", "S", "I", "F"), p_rows=lif.EXP_P, s_rows=lif.EXP_S, i_state=lif.EXP_I,
    derive=_derive_curr_exp, init_state=_init_curr,
    state={"v": ("v_rel", "v_rest"), "isyn_exc": ("isyn_exc", None), "isyn_inh": ("isyn_inh", None)})


# -------------------------------------------------------------- IF_curr_alpha

def _derive_curr_alpha(p, dt):
    _, _, expm1, p30 = prop.membrane(dt, p["tau_m"], p["cm"])
    p31e, p32e = prop.psc_alpha(dt, p["tau_syn_E"], p["tau_m"], p["cm"])
    p31i, p32i = prop.psc_alpha(dt, p["tau_syn_I"], p["tau_m"], p["cm"])
    p11e = np.exp(-dt / p["tau_syn_E"])
    p11i = np.exp(-dt / p["tau_syn_I"])
    return {
        "P30": p30, "expm1_tau_m": expm1, "P31_exc": p31e, "P32_exc": p32e,
        "P31_inh": p31i, "P32_inh": p32i, "P11_exc": p11e, "P21_exc": dt * p11e,
        "P11_inh": p11i, "P21_inh": dt * p11i,
        "psc_init_exc": 1.0 * np.e / p["tau_syn_E"], "psc_init_inh": 1.0 * np.e / p["tau_syn_I"],
        "i_offset": p["i_offset"],
        "theta_rel": p["v_thresh"] - p["v_rest"],
        "v_reset_rel": p["v_reset"] - p["v_rest"],
        "v_rest": p["v_rest"],
        "refrac_steps": prop.refractory_steps(p["tau_refrac"], dt),
    }


def _init_alpha(values, p):
    # PyNN gives the current; its derivative starts at zero
    return {"v_rel": values["v"] - p["v_rest"],
            "isyn_exc": values["isyn_exc"], "disyn_exc": np.zeros_like(values["v"]),
            "isyn_inh": values["isyn_inh"], "disyn_inh": np.zeros_like(values["v"])}


IF_CURR_ALPHA = ModelKernel(
    name="IF_curr_alpha", kernel=("pynnlite_numba.kernels.lif", "update_iaf_psc_alpha"),
    arrays=("P", "S", "I", "F"), p_rows=lif.ALPHA_P, s_rows=lif.ALPHA_S, i_state=lif.ALPHA_I,
    derive=_derive_curr_alpha, init_state=_init_alpha,
    state={"v": ("v_rel", "v_rest"), "isyn_exc": ("isyn_exc", None), "isyn_inh": ("isyn_inh", None)})


# ---------------------------------------------------------------- IF_cond_exp

def _derive_cond_exp(p, dt):
    one = np.ones_like(np.asarray(p["cm"], dtype=np.float64))
    return {
        "g_leak": p["cm"] / p["tau_m"], "v_rest": p["v_rest"], "e_rev_E": p["e_rev_E"],
        "e_rev_I": p["e_rev_I"], "inv_cm": 1.0 / p["cm"], "i_offset": p["i_offset"],
        "v_thresh": p["v_thresh"], "v_reset": p["v_reset"],
        "expm1_half_exc": np.expm1(-0.5 * dt / p["tau_syn_E"]), "expm1_exc": np.expm1(-dt / p["tau_syn_E"]),
        "expm1_half_inh": np.expm1(-0.5 * dt / p["tau_syn_I"]), "expm1_inh": np.expm1(-dt / p["tau_syn_I"]),
        "h": dt * one,
        "refrac_steps": prop.refractory_steps(p["tau_refrac"], dt),
    }


def _init_cond(values, p):
    return {"v": values["v"], "gsyn_exc": values["gsyn_exc"], "gsyn_inh": values["gsyn_inh"]}


IF_COND_EXP = ModelKernel(
    name="IF_cond_exp", kernel=("pynnlite_numba.kernels.cond", "update_iaf_cond_exp"),
    arrays=("P", "S", "I", "F"), p_rows=cond.COND_P, s_rows=cond.COND_S, i_state=cond.COND_I,
    derive=_derive_cond_exp, init_state=_init_cond,
    state={"v": ("v", None), "gsyn_exc": ("gsyn_exc", None), "gsyn_inh": ("gsyn_inh", None)})


# --------------------------------------------------------- SpikeSourcePoisson

_STEP_EPS = 1e-9


def _derive_poisson(p, dt):
    rate = np.asarray(p["rate"], dtype=np.float64)
    chunk, exp_minus, n_chunks = rng.poisson_chunks(rate * dt / 1000.0)
    start = np.asarray(p["start"], dtype=np.float64)
    stop = start + np.asarray(p["duration"], dtype=np.float64)
    # active in step s when start <= s*dt and (s+1)*dt <= start + duration
    first = np.ceil(start / dt - _STEP_EPS).astype(np.int64)
    last = np.floor(np.minimum(stop / dt, 2.0 ** 62) + _STEP_EPS).astype(np.int64) - 1
    return {"lam_chunk": chunk, "exp_minus_chunk": exp_minus, "n_chunks": n_chunks,
            "first_step": first, "last_step": last}


SPIKE_SOURCE_POISSON = ModelKernel(
    name="SpikeSourcePoisson", kernel=("pynnlite_numba.kernels.sources", "update_poisson"),
    arrays=("P", "I"), p_rows=sources.POISSON_P, i_params=sources.POISSON_I,
    derive=_derive_poisson)


# ----------------------------------------------------------- SpikeSourceArray

SPIKE_SOURCE_ARRAY = ModelKernel(
    name="SpikeSourceArray", kernel=("pynnlite_numba.kernels.sources", "update_spike_array"),
    arrays=("events", "cursor"))


# ----------------------------------------------------------- PoissonGenerator

POISSON_GENERATOR = ModelKernel(
    name="PoissonGenerator", kernel=("pynnlite_numba.kernels.drive", "update_generator"),
    arrays=("P", "I"), p_rows=drive.GENERATOR_P, i_params=drive.GENERATOR_I,
    derive=_derive_poisson, deliver=("pynnlite_numba.kernels.drive", "deliver_drive"),
    deliver_arrays=("P", "I", "dptr", "dcol", "dw", "dd"))


#: every model the engine implements, in the fixed order blocks are updated
MODEL_KERNELS = {m.name: m for m in (IF_CURR_EXP, IF_CURR_ALPHA, IF_COND_EXP,
                                      SPIKE_SOURCE_POISSON, SPIKE_SOURCE_ARRAY,
                                      POISSON_GENERATOR)}

# the AdEx family and the parrot neuron (models_adex.py builds on ModelKernel above)
from .models_adex import ADEX_MODEL_KERNELS  # noqa: E402

MODEL_KERNELS.update((m.name, m) for m in ADEX_MODEL_KERNELS)

# the GIF cell types (gif_models.py), built with the ModelKernel class above
from . import gif_models as _gif_models  # noqa: E402

MODEL_KERNELS.update((m.name, m) for m in _gif_models.model_kernels(ModelKernel))
