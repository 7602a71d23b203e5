"""The arena runs live battles on the IOLoop: it feeds `game.battle.step` and carries out effects.

It pairs players through the pool port, reaches their connections through the relay port (it
never holds a connection), hands what its connections say about a battle another process runs
to the router port (and takes in what other processes send about its own), turns `Schedule`
effects into IOLoop timers, and writes each finished battle to the store before the battle may
show its result, then reviews it for fair play (sockets/fair_play.py). A failure inside one
battle is logged and leaves every other battle running.
"""

from __future__ import annotations

import asyncio
import logging
import random
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from tornado.ioloop import IOLoop, PeriodicCallback

from bus.port import Pool, Relay, Router
from game import battle as rules
from game.battle_state import DEFAULT_TIMING, Battle, Seat, Timing
from game.bot import plan_moves
from game.events import (
    AskAlternatives,
    BattleSaved,
    ChooseAlternative,
    Disconnected,
    Effect,
    Event,
    Forget,
    Halt,
    LagMeasured,
    OfferRematch,
    Reconnected,
    Reject,
    Save,
    Schedule,
    Send,
    StartRematch,
    SubmitAnswer,
)
from game.fair_play import Signal, too_fast
from game.matchmaking import BOT_OFFER_SECONDS, Pairing, Seeker
from game.rating import DEFAULT_RATING
from game.record import BattleRecord
from game.selection import select_questions
from sockets import protocol
from sockets.auth import Identity
from sockets.fair_play import leaves_often, review_battle
from sockets.published import PublishedBank
from store.port import Store

log = logging.getLogger(__name__)

BOT_NICKNAME = "Practice bot"
RECENT_QUESTIONS = 200
RECENT_SECONDS = 24 * 3600
SAVE_RETRY_SECONDS = (0.5, 1, 2, 5, 10, 30)
SWEEP_SECONDS = 1.0  # how often waiting players are looked at again as their gaps widen


@dataclass(frozen=True, slots=True)
class ArenaConfig:
    timing: Timing = DEFAULT_TIMING
    bot_offer_seconds: float = BOT_OFFER_SECONDS
    questions_per_battle: int = 10


class Arena:
    """Every live battle of this process, and the players waiting for one."""

    def __init__(
        self,
        *,
        store: Store,
        pool: Pool,
        relay: Relay,
        router: Router,
        config: ArenaConfig,
        clock: Callable[[], float] = time.time,
        rng: random.Random | None = None,
    ) -> None:
        self._store = store
        self._bank = PublishedBank(store)
        self._pool = pool
        self._relay = relay
        self._router = router
        router.serve(self._forwarded)
        self._config = config
        self._clock = clock
        self._rng = rng or random.SystemRandom()
        self._battles: dict[str, Battle] = {}
        self._battle_of: dict[str, str] = {}  # user id -> the battle they sit in
        self._timers: dict[str, set[object]] = {}
        self._tasks: set[asyncio.Task[Any]] = set()
        self._closing = False
        self._sweeper: PeriodicCallback | None = None

    # connections
    async def connected(self, user: Identity) -> None:
        """A connection of this player said hello: restore their battle if they have one."""
        battle_id = self._battle_of.get(user.user_id)
        if battle_id is not None:
            self._apply(battle_id, Reconnected(user.user_id))
        else:
            await self._router.forward(user.user_id, {"kind": "connected"})

    async def measured(self, user: Identity, rtt: float) -> None:
        """A connection of this player measured their round trip anew (seconds)."""
        battle_id = self._battle_of.get(user.user_id)
        if battle_id is not None:
            self._apply(battle_id, LagMeasured(user.user_id, rtt))
        else:
            await self._router.forward(user.user_id, {"kind": "lag", "rtt": rtt})

    async def disconnected(self, user: Identity) -> None:
        """The player's last connection (in any process) closed."""
        await self._pool.leave(user.user_id)
        battle_id = self._battle_of.get(user.user_id)
        if battle_id is not None:
            self._apply(battle_id, Disconnected(user.user_id))
        else:
            await self._router.forward(user.user_id, {"kind": "disconnected"})

    # commands
    async def handle(self, user: Identity, command: protocol.Command, rtt: float = 0.0) -> None:
        """Carry out a player's command; `rtt` is the round trip their connection measured."""
        match command:
            case protocol.Play(category):
                await self._play(user, category, rtt)
            case protocol.Cancel():
                await self._pool.leave(user.user_id)
            case protocol.AcceptBot():
                await self._accept_bot(user)
            case (
                protocol.Answer() | protocol.Alternatives() | protocol.Choose() | protocol.Rematch()
            ):
                await self._to_battle(user.user_id, command)

    def _error(self, user_id: str, code: str, message: str, index: int | None = None) -> None:
        error: dict[str, Any] = {"type": "error", "code": code, "message": message}
        if index is not None:
            error["index"] = index
        self._relay.deliver(user_id, error)

    async def _to_battle(self, user_id: str, command: protocol.BattleCommand) -> None:
        battle_id = command.battle
        if battle_id in self._battles:
            self._in_battle(user_id, command)
            return
        if user_id not in self._battle_of:
            frame = protocol.encode(protocol.to_frame(command))
            if await self._router.forward(user_id, {"kind": "command", "frame": frame}):
                return  # the process running the player's battle has it now
        if await self._router.running(battle_id):
            self._error(user_id, "wrong_battle", "You are not playing in that battle.")
        else:
            self._error(user_id, "not_in_battle", "That battle is not running here.")

    def _in_battle(self, user_id: str, command: protocol.BattleCommand) -> None:
        """`command` for a battle this process runs."""
        if self._battle_of.get(user_id) != command.battle:
            self._error(user_id, "wrong_battle", "You are not playing in that battle.")
            return
        event: Event
        match command:
            case protocol.Answer(_, index, text):
                event = SubmitAnswer(user_id, index, text)
            case protocol.Alternatives(_, index):
                event = AskAlternatives(user_id, index)
            case protocol.Choose(_, index, choice):
                event = ChooseAlternative(user_id, index, choice)
            case protocol.Rematch():
                event = OfferRematch(user_id)
        self._apply(command.battle, event)

    def _forwarded(self, user_id: str, message: dict[str, Any]) -> None:
        """Another process's connection of `user_id` said something about their battle here.

        The player is the one the channel names; the sending process authenticated them.
        """
        battle_id = self._battle_of.get(user_id)
        match message.get("kind"):
            case "connected" if battle_id is not None:
                self._apply(battle_id, Reconnected(user_id))
            case "disconnected" if battle_id is not None:
                self._apply(battle_id, Disconnected(user_id))
            case "lag" if battle_id is not None:
                self._apply(battle_id, LagMeasured(user_id, float(message["rtt"])))
            case "command":
                command = protocol.parse(str(message.get("frame")))
                # Another process may hold another battle of this player: leave it to that one.
                if isinstance(command, protocol.BattleCommand) and command.battle in self._battles:
                    self._in_battle(user_id, command)

    async def _play(self, user: Identity, category: str | None, rtt: float) -> None:
        if self._closing:
            self._error(
                user.user_id, "closing", "The server is restarting; play again in a moment."
            )
            return
        if self._in_live_battle(user.user_id):
            self._error(user.user_id, "in_battle", "Finish your battle first.")
            return
        if category is not None and not await self._bank.questions(category):
            self._error(user.user_id, "no_questions", "That category has no questions yet.")
            return
        rating = await self._store.rating_of(user.user_id)
        seeker = Seeker(
            user.user_id,
            user.nickname,
            category,
            self._clock(),
            rating.rating if rating else DEFAULT_RATING,
            leaves_often=await leaves_often(self._store, user.user_id),
            rtt=rtt,
        )
        pairing = await self._pool.join(seeker)
        if pairing is None:
            self._relay.deliver(user.user_id, {"type": "waiting", "category": category})
            IOLoop.current().call_later(self._config.bot_offer_seconds, self._offer_bot, seeker)
            return
        await self._start_pairing(pairing)

    def start(self) -> None:
        """Pair waiting players whose rating gaps widen enough, every SWEEP_SECONDS."""
        self._sweeper = PeriodicCallback(self.sweep, SWEEP_SECONDS * 1000)
        self._sweeper.start()

    async def sweep(self) -> None:
        """Start a battle for each pair of waiting players that may meet by now."""
        if self._closing:
            return
        try:
            pairings = await self._pool.sweep(self._clock())
        except Exception:
            log.exception("sweeping the pool failed; the next sweep tries again")
            return
        for pairing in pairings:
            await self._start_pairing(pairing)

    async def _start_pairing(self, pairing: Pairing) -> None:
        first, second = pairing.first, pairing.second
        seats = (
            Seat(first.user_id, first.nickname, rtt=first.rtt),
            Seat(second.user_id, second.nickname, rtt=second.rtt),
        )
        await self._start(seats, pairing.category)

    def _in_live_battle(self, user_id: str) -> bool:
        battle_id = self._battle_of.get(user_id)
        return battle_id is not None and self._battles[battle_id].outcome is None

    async def _offer_bot(self, seeker: Seeker) -> None:
        if await self._pool.waiting(seeker.user_id) == seeker:
            self._relay.deliver(seeker.user_id, {"type": "bot_offer"})

    async def _accept_bot(self, user: Identity) -> None:
        seeker = await self._pool.leave(user.user_id)
        if seeker is None:
            self._error(user.user_id, "not_waiting", "You are not waiting for an opponent.")
            return
        bot = Seat(f"bot-{uuid.uuid4().hex[:12]}", BOT_NICKNAME, bot=True)
        me = Seat(user.user_id, user.nickname, rtt=seeker.rtt)
        await self._start((me, bot), seeker.category)

    async def _start(self, seats: tuple[Seat, Seat], category: str | None) -> None:
        humans = [s.user_id for s in seats if not s.bot]
        try:
            await self._start_battle(seats, humans, category)
        except Exception:
            log.exception("could not start a battle for %s", humans)
            for user_id in humans:
                self._error(user_id, "not_started", "The battle could not start; press Play again.")

    async def _start_battle(
        self, seats: tuple[Seat, Seat], humans: list[str], category: str | None
    ) -> None:
        now = self._clock()
        pool = await self._bank.questions(category)
        seen: set[str] = set()
        for user_id in humans:
            seen |= await self._store.recent_question_ids(
                user_id, limit=RECENT_QUESTIONS, since=now - RECENT_SECONDS
            )
        seed = self._rng.getrandbits(32)
        questions = select_questions(
            pool,
            count=self._config.questions_per_battle,
            exclude_authors=humans,
            recently_seen=seen,
            category=category,
            rng=random.Random(seed),
        )
        if not questions:
            for user_id in humans:
                self._error(user_id, "no_questions", "There are no questions to play yet.")
            return
        bot_moves: tuple = ()
        if any(s.bot for s in seats):
            stats = await self._store.question_stats([q.id for q in questions])
            window = self._config.timing.question
            bot_moves = plan_moves(tuple(questions), stats, random.Random(seed), window=window)
        battle_id = uuid.uuid4().hex
        battle, effects = rules.start_battle(
            battle_id,
            seats,
            questions,
            self._clock(),
            seed=seed,
            category=category,
            bot_moves=bot_moves,
            timing=self._config.timing,
        )
        # Its players' commands reach this process before they learn the battle exists.
        await self._router.hold(battle_id, humans)
        self._battles[battle_id] = battle
        for user_id in humans:
            self._battle_of[user_id] = battle_id
        self._carry_out(battle_id, effects)

    # battles
    def _apply(self, battle_id: str, event: Event) -> None:
        battle = self._battles.get(battle_id)
        if battle is None:
            return
        try:
            battle, effects = rules.step(battle, event, self._clock())
        except Exception:
            log.exception("battle %s refused %r; its state is unchanged", battle_id, event)
            return
        self._battles[battle_id] = battle
        self._carry_out(battle_id, effects)

    def _carry_out(self, battle_id: str, effects: list[Effect]) -> None:
        for effect in effects:
            match effect:
                case Send(to, message):
                    self._relay.deliver(to, message)
                case Reject(to, code, message, index):
                    self._error(to, code, message, index)
                case Schedule(at, event):
                    self._schedule(battle_id, at, event)
                case Save(record):
                    fast = too_fast(self._battles[battle_id])
                    self._spawn(self._save(battle_id, record, fast))
                case StartRematch():
                    self._spawn(self._rematch(self._battles[battle_id]))
                case Forget():
                    self._forget(battle_id)

    def _schedule(self, battle_id: str, at: float, event: Event) -> None:
        if self._closing:
            return  # nothing more happens in a closing arena
        loop = IOLoop.current()
        timers = self._timers.setdefault(battle_id, set())

        def fire() -> None:
            timers.discard(handle)
            self._apply(battle_id, event)

        handle = loop.call_later(max(0.0, at - self._clock()), fire)
        timers.add(handle)

    def _spawn(self, coroutine: Any) -> None:
        task = asyncio.ensure_future(coroutine)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _save(self, battle_id: str, record: BattleRecord, fast: list[Signal]) -> None:
        for attempt, pause in enumerate((0.0, *SAVE_RETRY_SECONDS)):
            await asyncio.sleep(pause)
            try:
                await self._store.record_battle(record)
            except Exception:
                log.exception("saving battle %s failed (attempt %d)", battle_id, attempt + 1)
                continue
            self._apply(battle_id, BattleSaved())
            await review_battle(self._store, record, fast)
            return
        log.error("battle %s could not be saved; its players were not shown a result", battle_id)

    async def _rematch(self, battle: Battle) -> None:
        first, second = (Seat(s.user_id, s.nickname, bot=s.bot, rtt=s.rtt) for s in battle.seats)
        await self._start((first, second), battle.category)

    def _forget(self, battle_id: str) -> None:
        battle = self._battles.pop(battle_id, None)
        for handle in self._timers.pop(battle_id, set()):
            IOLoop.current().remove_timeout(handle)
        if battle is None:
            return
        for seat in battle.seats:
            if self._battle_of.get(seat.user_id) == battle_id:
                del self._battle_of[seat.user_id]
        humans = [seat.user_id for seat in battle.seats if not seat.bot]
        self._spawn(self._router.release(battle_id, humans))

    # introspection for operators and tests
    @property
    def live_battles(self) -> int:
        return sum(1 for b in self._battles.values() if b.outcome is None)

    async def close(self) -> None:
        """End every battle still being played as aborted, save each, and stop every timer.

        Called on shutdown, before the store closes; no battle's timer fires after it.
        """
        self._closing = True
        if self._sweeper is not None:
            self._sweeper.stop()
        for battle_id in list(self._battles):
            self._apply(battle_id, Halt())
        while self._tasks:
            await asyncio.gather(*self._tasks, return_exceptions=True)
        for battle_id in list(self._timers):
            for handle in self._timers.pop(battle_id):
                IOLoop.current().remove_timeout(handle)
