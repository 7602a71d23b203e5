"""A player's finished battles as their account page lists them: opponent, score, outcome.

Imports game values only.
"""

from __future__ import annotations

from dataclasses import dataclass

from game.record import BattleRecord, Outcome


@dataclass(frozen=True, slots=True)
class PlayedBattle:
    """One battle seen from one of its players' seats."""

    id: str
    opponent: str  # the other seat's nickname
    against_bot: bool
    score: int
    opponent_score: int
    outcome: str  # "won", "lost", "draw" or "called off"
    forfeit: bool
    finished_at: float


def played_by(record: BattleRecord, user_id: str) -> PlayedBattle:
    """`record` from the seat of `user_id`, who must be one of its players."""
    mine = next(p for p in record.players if p.user_id == user_id)
    theirs = next((p for p in record.players if p.user_id != user_id), mine)
    if record.outcome is Outcome.ABORTED:
        outcome = "called off"
    elif record.winner_id is None:
        outcome = "draw"
    else:
        outcome = "won" if record.winner_id == user_id else "lost"
    return PlayedBattle(
        id=record.id,
        opponent=theirs.nickname,
        against_bot=theirs.bot,
        score=mine.score,
        opponent_score=theirs.score,
        outcome=outcome,
        forfeit=record.outcome is Outcome.FORFEIT,
        finished_at=record.finished_at,
    )
