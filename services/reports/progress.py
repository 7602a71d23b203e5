"""How a build tells how far it has come (0 to 1), so a first build can show progress."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

Progress = Callable[[float], Awaitable[None]]


async def no_progress(done: float) -> None:
    """For a build nobody watches."""
