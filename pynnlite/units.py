"""The one table of units.

pynnlite works in PyNN's units throughout the frontend and the numba engine:
time ms, voltage mV, current nA, capacitance nF, conductance uS, rate Hz.
These form a coherent set (nA / nF = mV/ms, uS * mV = nA), so no conversion
factor appears in any model equation. Backends with other conventions (NEST:
pA, pF, nS) convert at their boundary.
"""
import quantities as pq

#: unit name -> quantities unit
UNITS = {
    "ms": pq.ms,
    "mV": pq.mV,
    "nA": pq.nA,
    "nF": pq.nF,
    "uS": pq.uS,
    "nS": pq.nS,          # PyNN gives the AdEx adaptation conductance a in nS
    "Hz": pq.Hz,
    "dimensionless": pq.dimensionless,
    "deg": pq.deg,
}


def as_quantity(values, unit_name):
    """Attach the named pynnlite unit to plain values."""
    return values * UNITS[unit_name]


def to_plain(value, unit_name):
    """Convert a value that may carry quantities units into a plain number (or
    array) in the pynnlite unit ``unit_name``; plain numbers pass through."""
    if isinstance(value, pq.Quantity):
        return value.rescale(UNITS[unit_name]).magnitude
    return value
