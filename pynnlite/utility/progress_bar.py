"""Progress bars printed in the shell, e.g. as connector or run() callbacks."""
import sys


class ProgressBar:
    """A progress bar in the shell: call it with the fraction done (0 to 1).

    `mode` "fixed" keeps the percentage in place; "dynamic" lets it move with
    the end of the bar.
    """

    def __init__(self, width=77, char="#", mode="fixed"):
        self.char = char
        self.mode = mode if mode in ("fixed", "dynamic") else "fixed"
        self.width = width

    def set_level(self, level):
        """Redraw the bar at `level`, a number between 0 and 1 (clipped)."""
        level = min(max(level, 0.0), 1.0)
        room = max(self.width - 2, 0)
        filled = int(round(level * room))
        bar = self.char * filled
        if self.mode == "fixed":
            bar += " " * (room - filled)
        sys.stdout.write(f"[ {bar} ] {100 * level:3.0f}% \r")
        sys.stdout.flush()

    def __call__(self, level):
        self.set_level(level)


class SimulationProgressBar(ProgressBar):
    """A progress bar for ``run(t_stop, callbacks=[bar])``: called with the
    current time, it redraws and returns the next time to be called."""

    def __init__(self, interval, t_stop, char="#", mode="fixed"):
        super().__init__(width=int(t_stop / interval), char=char, mode=mode)
        self.interval = interval
        self.t_stop = t_stop

    def __call__(self, t):
        self.set_level(t / self.t_stop)
        return t + self.interval
