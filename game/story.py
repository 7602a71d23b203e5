"""What happened at one question, told in one sentence for a given viewer.

The live reveal (through `game.messages`) and the replay page tell the same story because both
call `verdict` on the same `QuestionEntry`: "+3 — you took it in 1.3 s", "Stolen by Ann, 40 ms
sooner", "Nobody got it". A race is told in milliseconds below a second, so it never reads
"0.0 s sooner". Pure; imports only game values.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum

from game.record import AttemptEntry, Method, QuestionEntry

EXACT = "exact"  # the judge's reason for an answer typed exactly


class Tone(StrEnum):
    """How a verdict reads for its viewer; the page colours it."""

    TOOK = "took"  # the viewer took the question
    STOLEN = "stolen"  # the viewer was right too, but later
    LOST = "lost"  # the opponent took it
    NOBODY = "nobody"  # nobody was right in time
    WATCHED = "watched"  # told to someone who did not play (the replay, shared)


@dataclass(frozen=True, slots=True)
class Verdict:
    tone: Tone
    text: str


# Between a number and its unit, so that a line never breaks there.
NBSP = "\u00a0"


def duration(ms: int) -> str:
    """A time taken: "1.3 s"."""
    return f"{ms / 1000:.1f}{NBSP}s"


def margin(ms: int) -> str:
    """A race's margin: "40 ms" below a second, "1.2 s" above."""
    return f"{ms}{NBSP}ms" if ms < 1000 else duration(ms)


def taking_attempt(entry: QuestionEntry) -> AttemptEntry | None:
    return next((a for a in entry.attempts if a.correct and a.user_id == entry.taken_by), None)


def behind_ms(entry: QuestionEntry, late: AttemptEntry) -> int:
    """How long after the taker's right answer a late attempt came."""
    taker = taking_attempt(entry)
    return max(0, late.at_ms - taker.at_ms) if taker else 0


def verdict(entry: QuestionEntry, viewer_id: str | None, names: Mapping[str, str]) -> Verdict:
    """The one-line story of `entry` for `viewer_id` (None, or not a player: a spectator).

    `names` maps player ids to nicknames."""
    taker = taking_attempt(entry)
    if taker is None:
        return Verdict(Tone.NOBODY, "Nobody got it")
    runner_up = next((a for a in entry.late if a.correct), None)
    race = f", {margin(behind_ms(entry, runner_up))}" if runner_up else ""
    took_in = duration(taker.at_ms)
    if taker.user_id == viewer_id:
        ahead = f"{race} ahead of {names.get(runner_up.user_id, '?')}" if runner_up else ""
        return Verdict(Tone.TOOK, f"+{taker.points} — you took it in {took_in}{ahead}")
    taker_name = names.get(taker.user_id, "?")
    if runner_up is not None and runner_up.user_id == viewer_id:
        return Verdict(Tone.STOLEN, f"Stolen by {taker_name}{race} sooner")
    if viewer_id in names:
        return Verdict(Tone.LOST, f"{taker_name} took it in {took_in}")
    ahead = f"{race} ahead of {names.get(runner_up.user_id, '?')}" if runner_up else ""
    return Verdict(Tone.WATCHED, f"{taker_name} took it in {took_in}{ahead}")


def attempt_note(entry: QuestionEntry, attempt: AttemptEntry) -> str:
    """How one attempt went, in words: "right · 1 typo forgiven", "right, but 40 ms too late"."""
    if attempt in entry.late:
        if attempt.correct:
            return f"right, but {margin(behind_ms(entry, attempt))} too late"
        return "wrong, and too late"
    word = "right" if attempt.correct else "wrong"
    # A choice has no reason worth telling; an exact typed answer needs none.
    if attempt.method is Method.CHOICE or attempt.reason == EXACT:
        return word
    return f"{word} · {attempt.reason}"
