"""The battle: a value and a step function, `step(battle, event, now) -> (battle, effects)`.

Rules (server-authoritative): both players get the same questions; each has one attempt per
question, typed (3 points) or, after asking for the four alternatives, chosen (1 point); the first
right attempt in the order received takes the question and closes it for both; a question also
closes when both have tried or its deadline passes. A seat is held while its player is away; not
back in time means forfeit, or abort when the first question had not closed yet.

Time is the `now` argument (server wall-clock seconds). Effects are data: messages to send,
timers to set, the record to save. Every message a battle emits carries the battle's `seq`;
replaying the same events at the same times rebuilds the same battle. Normal traffic such as a
late or duplicate answer yields a `Reject` effect and leaves the battle unchanged.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import fields, replace
from typing import Any

from game.answers import MAX_ANSWER_LENGTH, judge
from game.battle_state import (
    CHOICE_POINTS,
    DEFAULT_TIMING,
    TYPED_POINTS,
    Attempt,
    Battle,
    Phase,
    Round,
    Seat,
    Timing,
    to_ms,
)
from game.bot import BotMove
from game.events import (
    AskAlternatives,
    BattleSaved,
    BotTurn,
    CatchUp,
    ChooseAlternative,
    Disconnected,
    Effect,
    Event,
    Forget,
    Halt,
    LagMeasured,
    OfferRematch,
    PhaseTimeout,
    Reconnected,
    Reject,
    Save,
    Schedule,
    SeatExpired,
    Send,
    StartRematch,
    SubmitAnswer,
    TakenOver,
)
from game.lag import allowance, refilled
from game.messages import (
    late_message,
    question_message,
    result_message,
    reveal_message,
    snapshot,
    to_record,
)
from game.questions import Question
from game.record import Method, Outcome


def start_battle(
    battle_id: str,
    seats: tuple[Seat, Seat],
    questions: Sequence[Question],
    now: float,
    *,
    seed: int,
    category: str | None = None,
    bot_moves: Sequence[BotMove | None] = (),
    timing: Timing = DEFAULT_TIMING,
) -> tuple[Battle, list[Effect]]:
    """A new battle in its countdown, and the effects that announce it."""
    if seats[0].user_id == seats[1].user_id:
        raise ValueError("a player cannot battle themself")
    if not questions:
        raise ValueError("a battle needs at least one question")
    battle = Battle(
        id=battle_id,
        seats=seats,
        questions=tuple(questions),
        seed=seed,
        created_at=now,
        category=category,
        bot_moves=tuple(bot_moves),
        timing=timing,
    )
    out = _Out(battle)
    out.broadcast(
        {
            "type": "battle",
            "players": [{"id": s.user_id, "nickname": s.nickname, "bot": s.bot} for s in seats],
            "questions": len(questions),
            "category": category,
            "starts_in_ms": to_ms(timing.countdown),
        }
    )
    out.schedule(now + timing.countdown, PhaseTimeout(Phase.COUNTDOWN, -1))
    return out.done()


def step(battle: Battle, event: Event, now: float) -> tuple[Battle, list[Effect]]:
    """Apply one event at server time `now`; returns the new battle and what to do."""
    out = _Out(battle)
    match event:
        case PhaseTimeout(phase, index) if phase is battle.phase and index == battle.index:
            _on_phase_timeout(out, now)
        case PhaseTimeout():
            pass  # a timer for a phase that already ended
        case SubmitAnswer(user_id, index, text):
            if _check_attempt(out, user_id, index, now, Method.TYPED):
                _attempt(out, user_id, Method.TYPED, text[:MAX_ANSWER_LENGTH], now)
            else:
                _late_attempt(out, user_id, index, Method.TYPED, text[:MAX_ANSWER_LENGTH], now)
        case AskAlternatives(user_id, index):
            _ask_alternatives(out, user_id, index, now)
        case ChooseAlternative(user_id, index, choice):
            _choose(out, user_id, index, choice, now)
        case BotTurn(index):
            _bot_turn(out, index, now)
        case Disconnected(user_id):
            _disconnected(out, user_id, now)
        case Reconnected(user_id, seq):
            _reconnected(out, user_id, seq, now)
        case LagMeasured(user_id, rtt):
            _lag_measured(out, user_id, rtt)
        case SeatExpired(user_id, away_since):
            _seat_expired(out, user_id, away_since, now)
        case BattleSaved():
            _saved(out, now)
        case Halt() if battle.phase in (Phase.COUNTDOWN, Phase.QUESTION, Phase.REVEAL):
            _finish(out, Outcome.ABORTED, None, now)
        case Halt():
            pass  # already ended
        case TakenOver():
            _taken_over(out, now)
        case OfferRematch(user_id):
            _offer_rematch(out, user_id, now)
    return out.done()


_BATTLE_FIELDS = tuple(f.name for f in fields(Battle))


class _Out:
    """Collects the effects of one step and threads the battle value through it.

    The battle is copied once, at the step's first change, and the step's later changes are
    written into that copy, which nothing outside the step has seen yet: the battle passed in
    never changes (step stays pure and replayable), and a step costs one copy of the battle
    rather than one per change."""

    def __init__(self, battle: Battle) -> None:
        self.battle = battle
        self.effects: list[Effect] = []
        self._copied = False

    def update(self, **changes: Any) -> None:
        if not self._copied:
            self.battle = _copy(self.battle)
            self._copied = True
        for name, value in changes.items():
            object.__setattr__(self.battle, name, value)  # the step's own copy (see above)

    def set_round(self, round_: Round) -> None:
        rounds = list(self.battle.rounds)
        rounds[self.battle.index] = round_
        self.update(rounds=tuple(rounds))

    def set_seat(self, seat: Seat) -> None:
        self.update(
            seats=tuple(seat if s.user_id == seat.user_id else s for s in self.battle.seats)
        )

    def send(self, to: str, message: dict[str, Any]) -> None:
        seq = self.battle.seq + 1
        self.update(seq=seq)
        seat = self.battle.seat(to)
        if seat is not None and not seat.bot:
            self.effects.append(Send(to, {**message, "battle": self.battle.id, "seq": seq}))

    def broadcast(self, message: dict[str, Any]) -> None:
        seq = self.battle.seq + 1
        self.update(seq=seq)
        stamped = {**message, "battle": self.battle.id, "seq": seq}
        self.effects.extend(Send(s.user_id, stamped) for s in self.battle.seats if not s.bot)

    def reject(self, to: str, code: str, message: str, index: int | None = None) -> None:
        self.effects.append(Reject(to, code, message, index))

    def schedule(self, at: float, event: Event) -> None:
        self.effects.append(Schedule(at, event))

    def done(self) -> tuple[Battle, list[Effect]]:
        return self.battle, self.effects


def _copy(battle: Battle) -> Battle:
    """A shallow copy of `battle` (dataclasses.replace would check and pass every field)."""
    copy = object.__new__(Battle)
    for name in _BATTLE_FIELDS:
        object.__setattr__(copy, name, getattr(battle, name))
    return copy


def _on_phase_timeout(out: _Out, now: float) -> None:
    battle = out.battle
    if battle.phase is Phase.COUNTDOWN:
        _open_question(out, 0, now)
    elif battle.phase is Phase.QUESTION:
        round_ = battle.round
        assert round_ is not None
        # A far player's attempt may still be on its way (game.lag): wait for it.
        untried = [s.user_id for s in battle.seats if not round_.tried(s.user_id)]
        closes_at = round_.deadline + max(map(round_.allowance_of, untried), default=0.0)
        if now < closes_at:
            out.schedule(closes_at, PhaseTimeout(Phase.QUESTION, battle.index))
        else:
            _close_question(out, now)
    elif battle.phase is Phase.REVEAL:
        if battle.index + 1 < len(battle.questions):
            _open_question(out, battle.index + 1, now)
        else:
            _finish(out, Outcome.FINISHED, _leader(battle), now)
    elif battle.phase is Phase.FINISHED:
        out.update(phase=Phase.CLOSED)
        out.effects.append(Forget())


def _open_question(out: _Out, index: int, now: float) -> None:
    deadline = now + out.battle.timing.question
    allowances = []
    for seat in out.battle.seats:
        if not seat.bot:
            out.set_seat(replace(seat, lag_quota=refilled(seat.lag_quota)))
            allowances.append((seat.user_id, allowance(seat.rtt, refilled(seat.lag_quota))))
    round_ = Round(now, deadline, allowances=tuple(allowances))
    out.update(phase=Phase.QUESTION, index=index, rounds=(*out.battle.rounds, round_))
    out.broadcast(question_message(out.battle, index, now))
    out.schedule(deadline, PhaseTimeout(Phase.QUESTION, index))
    move = out.battle.bot_moves[index] if index < len(out.battle.bot_moves) else None
    if move is not None:
        out.schedule(now + move.delay, BotTurn(index))


def _check_attempt(out: _Out, user_id: str, index: int, now: float, method: Method) -> bool:
    """Whether `user_id` may make an attempt at question `index` now; rejects if not."""
    battle, round_ = out.battle, out.battle.round
    if battle.seat(user_id) is None:
        out.reject(user_id, "wrong_battle", "You are not playing in this battle.", index)
    elif index > battle.index or (index == 0 and battle.phase is Phase.COUNTDOWN):
        out.reject(user_id, "future", "That question has not been asked yet.", index)
    elif index < battle.index or battle.phase is not Phase.QUESTION or round_ is None:
        out.reject(user_id, "late", "That question is closed.", index)
    elif now > round_.deadline + round_.allowance_of(user_id):
        out.reject(user_id, "late", "Time was up for that question.", index)
    elif round_.tried(user_id):
        out.reject(user_id, "already_answered", "You have already answered this one.", index)
    elif method is Method.TYPED and user_id in round_.asked_alternatives:
        out.reject(user_id, "choose_first", "You asked for the choices: pick one of them.", index)
    elif method is Method.CHOICE and user_id not in round_.asked_alternatives:
        out.reject(user_id, "no_alternatives", "Ask for the choices before picking one.", index)
    else:
        return True
    return False


def _late_attempt(
    out: _Out, user_id: str, index: int, method: Method, text: str, now: float
) -> None:
    """Keep and tell both players an attempt that came just after the opponent took the question.

    Every kind of attempt follows this one rule; it scores nothing and changes no score."""
    battle = out.battle
    if battle.seat(user_id) is None or not 0 <= index < len(battle.rounds):
        return
    round_ = battle.rounds[index]
    if (
        round_.taken_by in (None, user_id)
        or round_.closed_at is None
        or now - round_.closed_at > battle.timing.late_notice
        or any(a.user_id == user_id for a in (*round_.attempts, *round_.late))
    ):
        return
    correct, reason, typos = _judged(battle.questions[index], method, text)
    late = Attempt(user_id, method, text, correct, reason, now, 0, typos)
    rounds = list(battle.rounds)
    rounds[index] = replace(round_, late=(*round_.late, late))
    out.update(rounds=tuple(rounds))
    out.broadcast(late_message(out.battle, index, late, now - round_.closed_at))


def _judged(question: Question, method: Method, text: str) -> tuple[bool, str, int]:
    """Whether `text` (typed, or the alternative chosen) is right, why, and typos forgiven."""
    if method is Method.CHOICE:
        correct = text == question.answer
        return correct, "right choice" if correct else "wrong choice", 0
    refused = question.wrong + question.refused
    verdict = judge(text, question.accepted, refused, person=question.person)
    return verdict.correct, verdict.reason, verdict.edits if verdict.correct else 0


def _attempt(out: _Out, user_id: str, method: Method, text: str, now: float) -> None:
    battle = out.battle
    round_ = battle.round
    assert round_ is not None
    seat = battle.seat(user_id)
    assert seat is not None
    correct, reason, typos = _judged(battle.questions[battle.index], method, text)
    points = (TYPED_POINTS if method is Method.TYPED else CHOICE_POINTS) if correct else 0
    attempt = Attempt(user_id, method, text, correct, reason, now, points, typos, seat.rtt)
    out.set_round(replace(round_, attempts=(*round_.attempts, attempt)))
    past_deadline = max(0.0, now - round_.deadline)  # drawn from the lag allowance's quota
    out.set_seat(replace(seat, score=seat.score + points, lag_quota=seat.lag_quota - past_deadline))
    if correct:
        out.set_round(replace(out.battle.rounds[battle.index], taken_by=user_id))
        _close_question(out, now)
        return
    out.broadcast({"type": "attempt", "index": battle.index, "by": user_id, "correct": False})
    if all(out.battle.rounds[battle.index].tried(s.user_id) for s in battle.seats):
        _close_question(out, now)


def _ask_alternatives(out: _Out, user_id: str, index: int, now: float) -> None:
    battle = out.battle
    if not _check_attempt(out, user_id, index, now, Method.TYPED):
        return
    round_ = battle.round
    assert round_ is not None
    out.set_round(replace(round_, asked_alternatives=round_.asked_alternatives | {user_id}))
    out.send(
        user_id,
        {
            "type": "alternatives",
            "index": index,
            "choices": list(battle.choices_for(index, user_id)),
        },
    )


def _choose(out: _Out, user_id: str, index: int, choice: int, now: float) -> None:
    """`choice` is 0-3: the protocol refuses any other before a battle sees it."""
    if not _check_attempt(out, user_id, index, now, Method.CHOICE):
        asked = 0 <= index < len(out.battle.rounds) and (
            user_id in out.battle.rounds[index].asked_alternatives
        )
        if asked:
            text = out.battle.choices_for(index, user_id)[choice]
            _late_attempt(out, user_id, index, Method.CHOICE, text, now)
        return
    _attempt(out, user_id, Method.CHOICE, out.battle.choices_for(index, user_id)[choice], now)


def _bot_turn(out: _Out, index: int, now: float) -> None:
    battle = out.battle
    bot = next((s for s in battle.seats if s.bot), None)
    move = battle.bot_moves[index] if index < len(battle.bot_moves) else None
    if bot is None or move is None or battle.phase is not Phase.QUESTION or index != battle.index:
        return
    if move.method is Method.TYPED:
        if _check_attempt(out, bot.user_id, index, now, Method.TYPED):
            _attempt(out, bot.user_id, Method.TYPED, move.text, now)
        return
    _ask_alternatives(out, bot.user_id, index, now)
    choices = out.battle.choices_for(index, bot.user_id)
    _choose(out, bot.user_id, index, choices.index(move.text), now)


def _close_question(out: _Out, now: float) -> None:
    battle = out.battle
    round_ = battle.round
    assert round_ is not None
    round_ = replace(round_, closed_at=now)
    out.set_round(round_)
    out.update(phase=Phase.REVEAL, first_closed_at=battle.first_closed_at or now)
    out.broadcast(reveal_message(out.battle, battle.index))
    out.schedule(now + battle.timing.reveal, PhaseTimeout(Phase.REVEAL, battle.index))


def _leader(battle: Battle) -> str | None:
    a, b = battle.seats
    if a.score == b.score:
        return None
    return a.user_id if a.score > b.score else b.user_id


def _finish(out: _Out, outcome: Outcome, winner_id: str | None, now: float) -> None:
    out.update(phase=Phase.SAVING, outcome=outcome, winner_id=winner_id, finished_at=now)
    out.effects.append(Save(to_record(out.battle)))


def _saved(out: _Out, now: float) -> None:
    battle = out.battle
    if battle.phase is not Phase.SAVING:
        return
    out.update(phase=Phase.FINISHED)
    out.broadcast(result_message(battle))
    out.schedule(now + battle.timing.rematch, PhaseTimeout(Phase.FINISHED, battle.index))


def _disconnected(out: _Out, user_id: str, now: float) -> None:
    seat = out.battle.seat(user_id)
    if seat is None or seat.away_since is not None:
        return
    out.set_seat(replace(seat, away_since=now))
    opponent = out.battle.opponent(user_id).user_id
    if out.battle.phase in (Phase.SAVING, Phase.FINISHED):
        # The battle is over: no seat to hold, but the rematch waits for nobody who left.
        out.send(opponent, {"type": "left", "player": user_id})
        return
    if out.battle.phase is Phase.CLOSED:
        return
    out.send(
        opponent,
        {"type": "away", "player": user_id, "hold_ms": to_ms(out.battle.timing.seat_hold)},
    )
    out.schedule(now + out.battle.timing.seat_hold, SeatExpired(user_id, now))


def _reconnected(out: _Out, user_id: str, seq: int | None, now: float) -> None:
    seat = out.battle.seat(user_id)
    if seat is None:
        return
    if seat.away_since is not None:
        out.set_seat(replace(seat, away_since=None))
        if out.battle.phase is not Phase.CLOSED:
            out.send(out.battle.opponent(user_id).user_id, {"type": "back", "player": user_id})
    whole = {"type": "snapshot", **snapshot(out.battle, user_id, now)}
    out.effects.append(Send(user_id, whole) if seq is None else CatchUp(user_id, seq, whole))


def _taken_over(out: _Out, now: float) -> None:
    battle, round_ = out.battle, out.battle.round
    if battle.phase is Phase.QUESTION and round_ is not None:
        # The players could not answer while no process ran the battle.
        deadline = max(round_.deadline, now + battle.timing.takeover_grace)
        if deadline != round_.deadline:
            out.set_round(replace(round_, deadline=deadline))
            out.schedule(deadline, PhaseTimeout(Phase.QUESTION, battle.index))
    for seat in out.battle.seats:
        if not seat.bot:
            message = {"type": "snapshot", **snapshot(out.battle, seat.user_id, now)}
            out.effects.append(Send(seat.user_id, message))


def can_change(battle: Battle, event: Event) -> bool:
    """Whether a timer's `event` may still change `battle`; a timer for which this is False
    can be cancelled (its phase ended early, its player came back, its question closed)."""
    match event:
        case PhaseTimeout(phase, index):
            return phase is battle.phase and index == battle.index
        case SeatExpired(user_id, away_since):
            seat = battle.seat(user_id)
            return seat is not None and seat.away_since == away_since and battle.outcome is None
        case BotTurn(index):
            return battle.phase is Phase.QUESTION and index == battle.index
    return True


def _lag_measured(out: _Out, user_id: str, rtt: float) -> None:
    seat = out.battle.seat(user_id)
    if seat is not None and not seat.bot:
        out.set_seat(replace(seat, rtt=rtt))


def _seat_expired(out: _Out, user_id: str, away_since: float, now: float) -> None:
    battle = out.battle
    seat = battle.seat(user_id)
    if (
        seat is None
        or seat.away_since != away_since
        or battle.phase
        in (
            Phase.SAVING,
            Phase.FINISHED,
            Phase.CLOSED,
        )
    ):
        return
    opponent = battle.opponent(user_id)
    left_early = battle.first_closed_at is None or away_since < battle.first_closed_at
    if left_early or opponent.away_since is not None:
        _finish(out, Outcome.ABORTED, None, now)
    else:
        _finish(out, Outcome.FORFEIT, opponent.user_id, now)


def _offer_rematch(out: _Out, user_id: str, now: float) -> None:
    battle = out.battle
    seat = battle.seat(user_id)
    if seat is None:
        out.reject(user_id, "wrong_battle", "You are not playing in this battle.")
        return
    if battle.phase is not Phase.FINISHED or battle.outcome is Outcome.ABORTED:
        out.reject(user_id, "rematch_closed", "A rematch is no longer possible.")
        return
    opponent = battle.opponent(user_id)
    if opponent.away_since is not None:
        out.reject(user_id, "rematch_closed", f"{opponent.nickname} has left.")
        return
    if seat.wants_rematch:
        return
    out.set_seat(replace(seat, wants_rematch=True))
    if opponent.wants_rematch or opponent.bot:
        out.update(phase=Phase.CLOSED)
        out.effects.append(StartRematch((battle.seats[0].user_id, battle.seats[1].user_id)))
        out.effects.append(Forget())
    else:
        out.send(opponent.user_id, {"type": "rematch", "by": user_id})
