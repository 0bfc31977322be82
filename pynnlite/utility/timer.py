"""Timer: wall-clock timing of the phases of a script."""
import time


class Timer:
    """For timing script execution.

    Timing starts on creation of the timer. Times are in seconds, from a
    monotonic clock (``time.perf_counter``).
    """

    def __init__(self):
        self.marks = []
        self.start()

    def start(self):
        """Start/restart timing."""
        self._start_time = time.perf_counter()
        self._last_check = self._start_time

    def reset(self):
        """Reset the time to zero, and start the clock."""
        self.start()

    def elapsed_time(self, format=None):  # noqa: A002 - PyNN's name
        """Return the elapsed time in seconds but keep the clock running.

        If called with ``format="long"``, return a text representation of the
        time, e.g. "16 minutes, 27 seconds".
        """
        now = time.perf_counter()
        self._last_check = now
        return self._formatted(now - self._start_time, format)

    def diff(self, format=None):  # noqa: A002
        """Return the time since the last time :meth:`elapsed_time()` or
        :meth:`diff()` was called (``format="long"``: as text)."""
        now = time.perf_counter()
        delta = now - self._last_check
        self._last_check = now
        return self._formatted(delta, format)

    def mark(self, label):
        """Store the time since the last call of :meth:`elapsed_time()`,
        :meth:`diff()` or :meth:`mark()`, with the given label, in the
        attribute ``marks``."""
        self.marks.append((label, self.diff()))

    @staticmethod
    def _formatted(seconds, format):  # noqa: A002
        return Timer.time_in_words(seconds) if format == "long" else seconds

    @staticmethod
    def time_in_words(s):
        """Format a time in seconds as years, days, hours, minutes and seconds:
        ``time_in_words(123)`` is "2 minutes, 3 seconds"."""
        years, s = divmod(s, 31556952)      # mean Gregorian year
        days, s = divmod(s, 86400)
        hours, s = divmod(s, 3600)
        minutes, seconds = divmod(s, 60)
        parts = [(years, "year"), (days, "day"), (hours, "hour"), (minutes, "minute"),
                 (seconds, "second")]
        words = [f"{int(value)} {unit}" + ("s" if value >= 2 else "")
                 for value, unit in parts if int(value) > 0]
        return ", ".join(words) or "0 seconds"
