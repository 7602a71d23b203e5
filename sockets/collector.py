"""The game process's cyclic garbage collector: kept to young objects, and timed.

A collection stops the whole process, every battle and connection with it, for as long as it
takes to walk the objects it looks at; a full one walks every object it tracks (about 200 per
open connection, Tornado's and SockJS's included: some 300,000 at 300 battles and 1,000 idle
players, a quarter of a second). So the collector looks only at young objects here:

- `settle`, once start-up is done, makes young collections rarer (Python's default of 700 new
  objects suits a short script, not a server making thousands a second) and freezes everything
  start-up built (modules, the judge's lists) out of every later collection;
- `freeze_settled`, every FREEZE_SECONDS, collects what died since its last run and freezes what
  lives on. An object is thus looked at only while it is younger than that; later only its
  reference count frees it. Whatever lives longer must not end in a reference cycle, or it is
  never freed: a connection and a battle leave none (tests/sockets/test_collector.py).

`PauseLog` writes one line per collection to a file, for bench/load.py: when it ended
(wall-clock seconds), the generation, how long it stopped the process and how much of that was
this thread's CPU time (milliseconds; on a busy machine the process may also wait for a core),
and the objects it collected. It is opt-in (`KWISSLE_COLLECTOR_LOG`), never on in production.
Imports no Tornado and nothing of Kwissle's.
"""

from __future__ import annotations

import gc
import time
from pathlib import Path
from typing import Any, TextIO

YOUNG_THRESHOLD = 10_000  # new objects between two young collections (Python's default: 700)
FREEZE_SECONDS = 0.5


def settle() -> None:
    """Start-up is done: rarer young collections, and what start-up built frozen."""
    gc.set_threshold(YOUNG_THRESHOLD, *gc.get_threshold()[1:])
    freeze_settled()


def freeze_settled() -> None:
    """Collect every object not frozen yet (those made since the last call, so few), then
    freeze the ones still alive out of every later collection."""
    gc.collect()
    gc.freeze()


class PauseLog:
    """Times every collection through `gc.callbacks` until `close`."""

    def __init__(self, path: Path) -> None:
        # Line-buffered, so that a reader sees each pause soon after it ended.
        self._out: TextIO = path.open("a", buffering=1, encoding="ascii")
        self._started = self._started_cpu = 0.0
        gc.callbacks.append(self._timed)

    def _timed(self, phase: str, info: dict[str, Any]) -> None:
        if phase == "start":
            self._started, self._started_cpu = time.perf_counter(), time.thread_time()
            return
        pause_ms = (time.perf_counter() - self._started) * 1000
        cpu_ms = (time.thread_time() - self._started_cpu) * 1000
        self._out.write(
            f"{time.time():.6f} {info['generation']} {pause_ms:.3f} {cpu_ms:.3f} "
            f"{info['collected']}\n"
        )

    def close(self) -> None:
        if self._timed in gc.callbacks:
            gc.callbacks.remove(self._timed)
        self._out.close()
