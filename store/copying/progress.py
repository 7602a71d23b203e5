"""A one-line progress bar on a terminal stream, redrawn in place. Imports nothing from Kwissle."""

from __future__ import annotations

from typing import TextIO

_WIDTH = 30


class ProgressBar:
    """Shows how far the copy of one collection has come: `name [#####.....] done/total`."""

    def __init__(self, stream: TextIO) -> None:
        self._stream = stream

    def show(self, name: str, done: int, total: int) -> None:
        filled = _WIDTH if total == 0 else _WIDTH * done // total
        bar = "#" * filled + "." * (_WIDTH - filled)
        end = "\n" if done >= total else ""
        self._stream.write(f"\r{name:<24} [{bar}] {done:,}/{total:,}{end}")
        self._stream.flush()
