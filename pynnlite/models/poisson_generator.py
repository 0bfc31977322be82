"""PoissonGenerator: NEST's poisson_generator, an independent Poisson drive per target."""
from .base import P, NON_NEGATIVE
from .cells import StandardCellType


class PoissonGenerator(StandardCellType):
    """Independent Poisson input at ``rate`` (Hz) for every connection, from
    ``start`` for ``duration`` ms (NEST's ``poisson_generator``).

    Unlike :class:`SpikeSourcePoisson`, whose one train reaches all its targets
    (PyNN's semantics), a PoissonGenerator gives each of its connections a
    train of its own: in every active time step and for every connection it
    draws k ~ Poisson(rate * dt) and delivers one event of multiplicity k, that
    is k * weight, after the connection's delay. One generator connected to N
    cells (e.g. with AllToAllConnector) thus stands for N independent sources
    without N neurons in memory; two connections to the same cell get two
    independent trains.

    The generator is active in the steps whose events are stamped in
    (start, start + duration], as SpikeSourcePoisson. It emits nothing a
    neuron could record (it records nothing) and it can only drive static
    synapses (as in NEST). A change of ``rate``, ``start`` or ``duration``
    between runs takes effect at once.

    On pynnlite's engine each draw is a pure function of the seed, the
    connection and the time step (a counter-based generator), so the result
    does not depend on the number of threads or on how a run is split. On NEST
    it is a ``poisson_generator`` connected directly to the targets.
    """
    parameters = {"rate": P(1.0, "Hz", NON_NEGATIVE),
                  "start": P(0.0, "ms", NON_NEGATIVE),
                  "duration": P(1e10, "ms", NON_NEGATIVE)}
    state = {}
    recordable = ()
    receptor_types = ()
    injectable = False
    is_source = True
    #: connections from it must be StaticSynapse (it draws per connection)
    static_only = True
