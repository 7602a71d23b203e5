"""A battle's log as plain JSON-ready entries, and the battle rebuilt from them.

The first entry says how the battle started (its seats, its questions, its seed); each later one
is an event the battle accepted and the server time it was stepped at. `replay` runs them
through `game.battle.step` again, which rebuilds the same battle, and says which of its timers
are still to fire. Pure: no I/O, no clock.
"""

from __future__ import annotations

import typing
from collections.abc import Sequence
from dataclasses import dataclass, fields
from typing import Any

from game.battle import can_change, start_battle, step
from game.battle_state import Battle, Phase, Seat, Timing
from game.bot import BotMove
from game.events import Event, Schedule
from game.questions import Question
from game.record import Method

_EVENTS: dict[str, type[Any]] = {cls.__name__: cls for cls in typing.get_args(Event)}
_QUESTION_FIELDS = (
    "id",
    "category",
    "difficulty",
    "text",
    "answer",
    "wrong",
    "aliases",
    "refused",
    "person",
    "did_you_know",
    "author_id",
)


class JournalError(ValueError):
    """The entries do not make a battle: missing, out of order, or not ones this code writes."""


def start_entry(battle: Battle) -> dict[str, Any]:
    """The first entry: everything `start_battle` was given."""
    return {
        "start": battle.id,
        "at": battle.created_at,
        "seats": [_fields(seat) for seat in battle.seats],
        "questions": [
            {name: getattr(q, name) for name in _QUESTION_FIELDS} for q in battle.questions
        ],
        "seed": battle.seed,
        "category": battle.category,
        "bot_moves": [None if m is None else _fields(m) for m in battle.bot_moves],
        "timing": _fields(battle.timing),
    }


def event_entry(event: Event, now: float) -> dict[str, Any]:
    return {"event": type(event).__name__, "at": now, **_fields(event)}


@dataclass(frozen=True, slots=True)
class Replayed:
    battle: Battle
    timers: tuple[Schedule, ...]  # set and not yet fired, and still able to change the battle
    last_at: float  # the server time of the last entry


def replay(entries: Sequence[dict[str, Any]]) -> Replayed:
    """The battle the entries describe. Raises JournalError when they do not describe one."""
    if not entries or "start" not in entries[0]:
        raise JournalError("the log does not begin with the battle's start")
    try:
        battle, effects = _started(entries[0])
        timers = [e for e in effects if isinstance(e, Schedule)]
        for entry in entries[1:]:
            event = _event(entry)
            battle, effects = step(battle, event, float(entry["at"]))
            fired = next((t for t in timers if t.event == event), None)
            if fired is not None:
                timers.remove(fired)
            timers.extend(e for e in effects if isinstance(e, Schedule))
    except (KeyError, TypeError, ValueError) as error:
        raise JournalError(f"an entry does not fit the battle: {error!r}") from error
    live = tuple(t for t in timers if can_change(battle, t.event))
    return Replayed(battle, live, float(entries[-1]["at"]))


def _fields(value: Any) -> dict[str, Any]:
    return {f.name: getattr(value, f.name) for f in fields(value)}


def _started(entry: dict[str, Any]) -> tuple[Battle, list[Any]]:
    seats = tuple(Seat(**seat) for seat in entry["seats"])
    if len(seats) != 2:
        raise JournalError("a battle has two seats")
    questions = [
        Question(
            **{
                **q,
                "wrong": tuple(q["wrong"]),
                "aliases": tuple(q["aliases"]),
                "refused": tuple(q["refused"]),
            }
        )
        for q in entry["questions"]
    ]
    moves = [
        None if m is None else BotMove(m["delay"], Method(m["method"]), m["text"])
        for m in entry["bot_moves"]
    ]
    return start_battle(
        entry["start"],
        (seats[0], seats[1]),
        questions,
        float(entry["at"]),
        seed=int(entry["seed"]),
        category=entry["category"],
        bot_moves=moves,
        timing=Timing(**entry["timing"]),
    )


def _event(entry: dict[str, Any]) -> Event:
    cls = _EVENTS.get(entry.get("event", ""))
    if cls is None:
        raise JournalError(f"an entry holds no known event: {entry!r}")
    args = {f.name: entry[f.name] for f in fields(cls)}
    if "phase" in args:
        args["phase"] = Phase(args["phase"])
    event: Event = cls(**args)
    return event
