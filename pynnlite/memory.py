"""Memory estimates, checked before anything large is allocated.

A network that cannot fit is refused with a MemoryError naming the estimate
and what is available, before its connections are generated (per projection,
from the connector's expected size) and before a backend builds it (from the
backend's own estimate). ``Simulation.memory_estimate()`` reports the figures.
"""
import os

#: bytes per connection the frontend keeps (int32 pre and post indices)
FRONTEND_BYTES_PER_CONNECTION = 8
#: bytes per connection the connectors need while generating (sort keys,
#: int64 indices before compaction), measured on FixedNumberPre and FixedProbability
CONNECTOR_BYTES_PER_CONNECTION = 26
#: bytes per heterogeneous weight or delay value (float64)
BYTES_PER_VALUE = 8


def available_bytes():
    """Memory the process can still use: MemAvailable from /proc/meminfo, or
    the physical memory when that is not readable."""
    try:
        with open("/proc/meminfo") as f:
            for line in f:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")


def resident_bytes():
    """This process's resident memory now."""
    try:
        with open("/proc/self/statm") as f:
            return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except OSError:
        return 0


def peak_resident_bytes():
    """This process's peak resident memory (VmHWM). Unlike getrusage's
    ru_maxrss, it is not inherited from a parent across fork/vfork and exec."""
    try:
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    import resource
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def format_bytes(n):
    for unit in ("B", "KiB", "MiB", "GiB", "TiB"):
        if abs(n) < 1024 or unit == "TiB":
            return f"{n:.1f} {unit}" if unit != "B" else f"{int(n)} B"
        n /= 1024.0


def check_fits(needed, what):
    """Raise MemoryError naming the estimate when ``needed`` bytes exceed what
    is available."""
    available = available_bytes()
    if needed > available:
        raise MemoryError(
            f"{what} needs an estimated {format_bytes(needed)} ({int(needed)} bytes), but only "
            f"{format_bytes(available)} is available; nothing was allocated")


def connection_bytes(n_connections, n_heterogeneous_values):
    """Peak bytes to generate and keep n connections in the frontend."""
    return n_connections * (FRONTEND_BYTES_PER_CONNECTION + CONNECTOR_BYTES_PER_CONNECTION
                            + BYTES_PER_VALUE * n_heterogeneous_values)
