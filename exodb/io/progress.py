"""A progress line on stderr for long imports and exports.

It appears only when both stdout and stderr are terminals, and only once the work has taken
more than a second, so scripts, pipes and quick runs see nothing.
"""

from __future__ import annotations

import sys
import time
from typing import TextIO


class Progress:
    def __init__(self, label: str, total: int, stream: TextIO | None = None, delay: float = 1.0):
        self.label, self.total, self.done = label, total, 0
        self.stream = stream or sys.stderr
        self.started = time.monotonic()
        self.delay = delay
        self.shown = False
        self.enabled = sys.stdout.isatty() and self.stream.isatty()

    def __call__(self, step: str) -> None:
        """One more unit of work done; ``step`` says which."""
        self.done += 1
        if not self.enabled or time.monotonic() - self.started < self.delay:
            return
        width = 30
        filled = int(width * self.done / max(self.total, 1))
        bar = "#" * filled + "-" * (width - filled)
        self.stream.write(f"\r{self.label} [{bar}] {self.done}/{self.total} {step[:40]:<40}")
        self.stream.flush()
        self.shown = True

    def close(self) -> None:
        if self.shown:
            self.stream.write("\n")
            self.stream.flush()
