"""What the threads of the windowed loop synchronise with (codegen.py).

The windowed loop keeps its threads in one parallel region for a whole run()
and meets at a barrier once per window, instead of opening a parallel region
per window: waking a parallel layer's sleeping worker cost 50-180 us per
window on the 2-core machine the engine was measured on, more than a window's
barrier wait.

A barrier built on a parallel layer's workers must never wait for a worker
that the layer has not started (TBB does not promise that the iterations of a
parallel loop run at the same time). So the work is split into roles, one per
target partition, that the threads claim as they arrive (``claim``); a thread
that has waited at the barrier for long (``TAKE_OVER_SPINS``) while a role is
still unclaimed takes that role on itself. Which thread does a role never
changes a result: a role's work and its order are fixed.

``ctl`` is a small int64 array shared by the threads; its fields are the
constants below. Every access to it that another thread may see at the same
time is atomic (sequentially consistent), which also orders the threads'
ordinary reads and writes of the network's arrays around the barrier.
"""
import os
import platform

from llvmlite import ir
from numba import njit, types
from numba.core import cgutils
from numba.extending import intrinsic

#: ctl fields: next role to claim, roles arrived at the barrier, the barrier's
#: generation (one per window passed), then the window being worked on: the
#: replayed steps (first, count) and the updated steps (first, count), and a
#: flag set when the run is over
C_NEXT_ROLE, C_ARRIVED, C_GENERATION, C_REP0, C_NREP, C_UP0, C_NUP, C_DONE = range(8)
N_CTL = 8

#: waits shorter than this many polls spin (a pause each); longer ones yield the core
SPIN_POLLS = 2000
#: polls after which a waiting thread takes an unclaimed role on itself
TAKE_OVER_SPINS = 20000

_X86 = platform.machine().lower() in ("x86_64", "amd64", "i386", "i686")


def _item_pointer(context, builder, arrty, arr, idx):
    ary = context.make_array(arrty)(context, builder, arr)
    return cgutils.get_item_pointer(context, builder, arrty, ary, [idx])


@intrinsic
def atomic_add(typingctx, arr, idx, value):
    """arr[idx] += value, atomically; returns the value before (int64 arrays)."""
    sig = types.int64(arr, types.intp, types.int64)

    def codegen(context, builder, sig, args):
        ptr = _item_pointer(context, builder, sig.args[0], args[0], args[1])
        return builder.atomic_rmw("add", ptr, args[2], "seq_cst")
    return sig, codegen


@intrinsic
def atomic_load(typingctx, arr, idx):
    """arr[idx], read atomically (int64 arrays)."""
    sig = types.int64(arr, types.intp)

    def codegen(context, builder, sig, args):
        ptr = _item_pointer(context, builder, sig.args[0], args[0], args[1])
        return builder.load_atomic(ptr, "seq_cst", 8)
    return sig, codegen


@intrinsic
def atomic_store(typingctx, arr, idx, value):
    """arr[idx] = value, atomically (int64 arrays)."""
    sig = types.void(arr, types.intp, types.int64)

    def codegen(context, builder, sig, args):
        ptr = _item_pointer(context, builder, sig.args[0], args[0], args[1])
        builder.store_atomic(args[2], ptr, "seq_cst", 8)
        return context.get_dummy_value()
    return sig, codegen


@intrinsic
def _cpu_relax(typingctx):
    """The x86 pause instruction (a spinning thread lets its sibling core work)."""
    sig = types.void()

    def codegen(context, builder, sig, args):
        if _X86:
            fnty = ir.FunctionType(ir.VoidType(), [])
            fn = cgutils.get_or_insert_function(builder.module, fnty, "llvm.x86.sse2.pause")
            builder.call(fn, [])
        return context.get_dummy_value()
    return sig, codegen


#: sched_yield is POSIX; elsewhere a long wait keeps spinning
_YIELD = os.name == "posix"


@intrinsic
def _sched_yield(typingctx):
    """POSIX sched_yield(): let another runnable thread have this core. (Declared
    in the module rather than through numba's ExternalFunction, which would keep
    the calling functions out of the on-disk cache.)"""
    sig = types.void()

    def codegen(context, builder, sig, args):
        fnty = ir.FunctionType(ir.IntType(32), [])
        fn = cgutils.get_or_insert_function(builder.module, fnty, "sched_yield")
        builder.call(fn, [])
        return context.get_dummy_value()
    return sig, codegen


@njit(cache=True, nogil=True)
def pause(polls):
    """One poll of a wait: a pause while the wait is short, a yield of the core
    once it is long (another program may need the core the waiter spins on)."""
    if polls < SPIN_POLLS or not _YIELD:
        _cpu_relax()
    else:
        _sched_yield()


@njit(cache=True, nogil=True)
def claim(ctl, n_roles, mine, most):
    """Claim up to ``most`` unclaimed roles (mine[r] = 1); returns how many."""
    n = 0
    while n < most:
        r = atomic_add(ctl, C_NEXT_ROLE, 1)
        if r >= n_roles:
            break
        mine[r] = 1
        n += 1
    return n


@njit(cache=True, nogil=True)
def take_over(ctl, n_roles):
    """An unclaimed role for a thread that has waited long at the barrier, or -1."""
    if atomic_load(ctl, C_NEXT_ROLE) >= n_roles:
        return -1
    r = atomic_add(ctl, C_NEXT_ROLE, 1)
    return r if r < n_roles else -1
