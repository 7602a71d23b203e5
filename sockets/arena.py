"""The arena runs live battles on the IOLoop: it feeds `game.battle.step` and carries out effects.

It pairs players through the pool port, reaches their connections through the relay port (it
never holds a connection), hands what its connections say about a battle another process runs
to the router port (and takes in what other processes send about its own), turns `Schedule`
effects into IOLoop timers, and writes each finished battle to the store before the battle may
show its result, then reviews it for fair play (sockets/fair_play.py). A failure inside one
battle is logged and leaves every other battle running.

Through the custody port (bus/custody.py) every event a battle accepts is logged before its
effects go out, and the arena acts on a battle only while it holds the battle's lease. Its
keeper renews the leases and takes over battles whose process stopped, rebuilding them from
their logs (game.journal). On the way down the arena hands its battles to the other processes,
or, when there are none, ends them as aborted.
"""

from __future__ import annotations

import asyncio
import itertools
import logging
import random
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import ujson
from tornado.ioloop import IOLoop, PeriodicCallback

from bus.custody import Custody, LocalCustody, Roster
from bus.port import Pool, Relay, Router
from game import battle as rules
from game.battle_state import DEFAULT_TIMING, Battle, Phase, Seat, Timing
from game.bot import plan_moves
from game.events import (
    AskAlternatives,
    BattleSaved,
    CatchUp,
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
    TakenOver,
)
from game.fair_play import Signal, too_fast
from game.journal import JournalError, event_entry, replay, start_entry
from game.matchmaking import BOT_OFFER_SECONDS, Pairing, Seeker
from game.messages import aged, to_record
from game.rating import DEFAULT_RATING
from game.record import BattleRecord, Outcome, PlayerEntry
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
KEEP_SECONDS = 1.0  # how often leases are renewed and lapsed ones claimed (well inside a lease)
CLAIMS_PER_KEEP = 25  # battles one process takes over at a time, so survivors share them
OUTBOX_MESSAGES = 32  # the latest messages to each player, for a reconnect to catch up from
HANDOVER_SECONDS = 10.0  # how long a stopping process waits for others to take its battles


@dataclass(frozen=True, slots=True)
class ArenaConfig:
    timing: Timing = DEFAULT_TIMING
    bot_offer_seconds: float = BOT_OFFER_SECONDS
    questions_per_battle: int = 10


class Outbox:
    """The latest messages a battle sent each player, so that a reconnect can catch up."""

    def __init__(self) -> None:
        self._sent: dict[str, list[tuple[int, float, dict[str, Any]]]] = {}
        self._dropped: dict[str, int] = {}  # the highest seq no longer kept, per player

    def keep(self, to: str, message: dict[str, Any], now: float) -> None:
        sent = self._sent.setdefault(to, [])
        sent.append((int(message["seq"]), now, message))
        if len(sent) > OUTBOX_MESSAGES:
            self._dropped[to] = sent.pop(0)[0]

    def since(self, to: str, after: int, latest: int, now: float) -> list[dict[str, Any]] | None:
        """Every message to `to` after seq `after`, aged to `now`; None unless all are kept."""
        if after > latest or after < self._dropped.get(to, 0):
            return None
        return [aged(m, now - at) for seq, at, m in self._sent.get(to, ()) if seq > after]


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
        custody: Custody | None = None,
        clock: Callable[[], float] = time.time,
        rng: random.Random | None = None,
    ) -> None:
        self._store = store
        self._bank = PublishedBank(store)
        self._pool = pool
        self._relay = relay
        self._router = router
        router.serve(self._forwarded)
        relay.on_lost(self._lost)
        self._custody = custody or LocalCustody()
        self._config = config
        self._clock = clock
        self._rng = rng or random.SystemRandom()
        self._battles: dict[str, Battle] = {}
        self._battle_of: dict[str, str] = {}  # user id -> the battle they sit in
        # battle id -> its timers: key -> (the IOLoop's handle, the event it fires)
        self._timers: dict[str, dict[int, tuple[object, Event]]] = {}
        self._timer_keys = itertools.count()
        self._outboxes: dict[str, Outbox] = {}
        self._deferred: dict[str, list[Event]] = {}  # waiting for the lease to be confirmed
        self._tasks: set[asyncio.Task[Any]] = set()
        self._closing = False
        self._sweeper: PeriodicCallback | None = None
        self._keeper: PeriodicCallback | None = None
        self._keeping: asyncio.Future[None] | None = None

    # connections
    async def connected(
        self, user: Identity, battle: str | None = None, seq: int | None = None
    ) -> None:
        """A connection of this player said hello, naming the last message of `battle` it saw,
        if any: bring their battle up to date if they have one."""
        battle_id = self._battle_of.get(user.user_id)
        if battle_id is not None:
            self._apply(battle_id, Reconnected(user.user_id, seq if battle == battle_id else None))
        else:
            message = {"kind": "connected", "battle": battle, "seq": seq}
            await self._router.forward(user.user_id, message)

    async def measured(self, user: Identity, rtt: float) -> None:
        """A connection of this player measured their round trip anew (seconds)."""
        battle_id = self._battle_of.get(user.user_id)
        if battle_id is not None:
            self._apply(battle_id, LagMeasured(user.user_id, rtt))
        else:
            await self._router.forward(user.user_id, {"kind": "lag", "rtt": rtt})

    async def disconnected(self, user: Identity) -> None:
        """The player's last connection (in any process) closed."""
        await self._left(user.user_id)

    def _lost(self, user_id: str) -> None:
        """The relay found the player's last connection gone with its process (or gone while
        Redis was down): the same as a disconnect, seat held."""
        self._spawn(self._quietly(self._left(user_id), f"mark {user_id} away in"))

    async def _left(self, user_id: str) -> None:
        await self._pool.leave(user_id)
        battle_id = self._battle_of.get(user_id)
        if battle_id is not None:
            self._apply(battle_id, Disconnected(user_id))
        else:
            await self._router.forward(user_id, {"kind": "disconnected"})

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

    def handles_now(self, user: Identity, command: protocol.Command) -> bool:
        """Carry out at once a command for a battle this process runs, which needs no I/O;
        False for any other command, which `handle` carries out."""
        if isinstance(command, protocol.BattleCommand) and command.battle in self._battles:
            self._in_battle(user.user_id, command)
            return True
        return False

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
                seq = message.get("seq")
                resumes = message.get("battle") == battle_id and isinstance(seq, int)
                self._apply(battle_id, Reconnected(user_id, seq if resumes else None))
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
        try:
            busy = await self._custody.battle_of(user.user_id)
        except Exception as error:  # Redis away, as a refusal says: no traceback per play
            log.warning("could not tell whether %s is in a battle: %s", user.user_id, error)
            self._unavailable(user.user_id)
            return
        if busy is not None:
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
        try:
            pairing = await self._pool.join(seeker)
        except Exception as error:
            log.warning("could not queue %s for a battle: %s", user.user_id, error)
            self._unavailable(user.user_id)
            return
        if pairing is None:
            self._relay.deliver(user.user_id, {"type": "waiting", "category": category})
            IOLoop.current().call_later(self._config.bot_offer_seconds, self._offer_bot, seeker)
            return
        await self._start_pairing(pairing)

    def _unavailable(self, user_id: str) -> None:
        self._error(
            user_id, "unavailable", "Pairing is unavailable for a moment; press Play again soon."
        )

    def start(self) -> None:
        """Pair waiting players whose rating gaps widen enough, every SWEEP_SECONDS, and keep
        the battles' leases, every KEEP_SECONDS."""
        self._sweeper = PeriodicCallback(self.sweep, SWEEP_SECONDS * 1000)
        self._sweeper.start()
        if self._custody.failover:
            self._keeper = PeriodicCallback(self.keep, KEEP_SECONDS * 1000, jitter=0.2)
            self._keeper.start()

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
        about = Roster(
            battle_id,
            tuple((s.user_id, s.nickname, s.bot) for s in seats),
            category,
            battle.created_at,
        )
        await self._custody.begin(battle_id, humans, ujson.dumps(start_entry(battle)), about)
        # Its players' commands reach this process before they learn the battle exists.
        await self._router.hold(battle_id, humans)
        self._adopt(battle)
        self._carry_out(battle_id, battle, effects)

    def _adopt(self, battle: Battle) -> None:
        self._battles[battle.id] = battle
        self._outboxes[battle.id] = Outbox()
        for seat in battle.seats:
            if not seat.bot:
                self._battle_of[seat.user_id] = battle.id

    # battles
    def _apply(self, battle_id: str, event: Event) -> None:
        battle = self._battles.get(battle_id)
        if battle is None:
            return
        if not self._custody.holds(battle_id):
            # Its lease is not known to be good (this process may have been frozen): act once
            # the keeper has confirmed it, never if another process took the battle.
            self._deferred.setdefault(battle_id, []).append(event)
            self._keep_soon()
            return
        now = self._clock()
        try:
            battle, effects = rules.step(battle, event, now)
        except Exception:
            log.exception("battle %s refused %r; its state is unchanged", battle_id, event)
            return
        self._battles[battle_id] = battle
        self._cancel_spent_timers(battle)
        # The log is there for another process to take the battle over; none could here.
        entry = ujson.dumps(event_entry(event, now)) if self._custody.failover else ""
        self._custody.append(battle_id, entry, lambda: self._carry_out(battle_id, battle, effects))

    def _carry_out(self, battle_id: str, battle: Battle, effects: list[Effect]) -> None:
        """What `battle` asked for, unless this process no longer runs it."""
        if battle_id not in self._battles:
            return
        for effect in effects:
            match effect:
                case Send(to, message):
                    self._outboxes[battle_id].keep(to, message, self._clock())
                    self._relay.deliver(to, message)
                case CatchUp(to, after, snapshot):
                    self._catch_up(battle, to, after, snapshot)
                case Reject(to, code, message, index):
                    self._error(to, code, message, index)
                case Schedule(at, event):
                    self._schedule(battle_id, at, event)
                case Save(record):
                    self._spawn(self._save(battle_id, record, too_fast(battle)))
                case StartRematch():
                    self._spawn(self._rematch(battle))
                case Forget():
                    self._forget(battle_id)

    def _catch_up(self, battle: Battle, to: str, after: int, snapshot: dict[str, Any]) -> None:
        missed = self._outboxes[battle.id].since(to, after, battle.seq, self._clock())
        for message in [snapshot] if missed is None else missed:
            self._relay.deliver(to, message)

    def _schedule(self, battle_id: str, at: float, event: Event) -> None:
        if self._closing:
            return  # nothing more happens in a closing arena
        key = next(self._timer_keys)
        # A bound method and plain values, no closure over the handle: a timer that fired or
        # was cancelled leaves no reference cycle behind (sockets/collector.py).
        handle = IOLoop.current().call_later(
            max(0.0, at - self._clock()), self._fire, battle_id, key
        )
        self._timers.setdefault(battle_id, {})[key] = (handle, event)

    def _fire(self, battle_id: str, key: int) -> None:
        timer = self._timers.get(battle_id, {}).pop(key, None)
        if timer is not None:
            self._apply(battle_id, timer[1])

    def _cancel_spent_timers(self, battle: Battle) -> None:
        """Cancel the timers that can no longer change the battle (a question closed early,
        a player came back), so that they hold nothing until they would have fired."""
        timers = self._timers.get(battle.id)
        if not timers:
            return
        for key, (handle, event) in list(timers.items()):
            if not rules.can_change(battle, event):
                IOLoop.current().remove_timeout(handle)
                del timers[key]

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
            humans = [p.user_id for p in record.players if not p.bot]
            await self._quietly(self._custody.free(battle_id, humans), "free the players of")
            await review_battle(self._store, record, fast)
            return
        log.error("battle %s could not be saved; its players were not shown a result", battle_id)

    async def _quietly(self, step: Any, what: str) -> None:
        """Await a custody step whose failure must not stop the battle's own work."""
        try:
            await step
        except Exception:
            log.exception("could not %s a battle", what)

    async def _rematch(self, battle: Battle) -> None:
        first, second = (Seat(s.user_id, s.nickname, bot=s.bot, rtt=s.rtt) for s in battle.seats)
        await self._start((first, second), battle.category)

    def _forget(self, battle_id: str) -> None:
        if self._drop(battle_id):
            self._spawn(self._quietly(self._custody.end(battle_id), "end the custody of"))

    def _drop(self, battle_id: str) -> bool:
        """Stop running a battle here, its timers with it; False when it was not running."""
        battle = self._battles.pop(battle_id, None)
        for handle, _ in self._timers.pop(battle_id, {}).values():
            IOLoop.current().remove_timeout(handle)
        self._outboxes.pop(battle_id, None)
        self._deferred.pop(battle_id, None)
        if battle is None:
            return False
        for seat in battle.seats:
            if self._battle_of.get(seat.user_id) == battle_id:
                del self._battle_of[seat.user_id]
        humans = [seat.user_id for seat in battle.seats if not seat.bot]
        self._spawn(self._router.release(battle_id, humans))
        return True

    # custody
    def _keep_soon(self) -> None:
        if self._keeping is None or self._keeping.done():
            self._keeping = asyncio.ensure_future(self.keep())

    async def keep(self) -> None:
        """Renew this process's leases, let go of battles another process took, act on what
        waited for a lease to be confirmed, and take over battles whose process stopped."""
        try:
            renewal = await self._custody.renew()
        except Exception:
            log.exception("could not renew the battles' leases; trying again")
            return
        for battle_id in renewal.lost:
            log.warning("battle %s is run by another process now; letting it go", battle_id)
            self._drop(battle_id)
        for battle_id in renewal.kept:
            for event in self._deferred.pop(battle_id, []):
                self._apply(battle_id, event)
        if self._closing:
            return
        try:
            claimed = await self._custody.claim(CLAIMS_PER_KEEP)
        except Exception:
            log.exception("could not look for battles to take over")
            return
        for battle_id in claimed:
            try:
                await self._take_over(battle_id)
            except Exception:
                log.exception("could not take battle %s over", battle_id)
                self._custody.forget(battle_id)

    async def _take_over(self, battle_id: str) -> None:
        """Rebuild a claimed battle from its log, re-arm its timers and tell its players."""
        claimed = await self._custody.read(battle_id)
        if claimed.entries is None:
            log.error("battle %s lost its log; recording it as aborted", battle_id)
            await self._abort_lost(claimed.roster)
            return
        try:
            replayed = replay([ujson.loads(entry) for entry in claimed.entries])
        except (JournalError, ValueError) as error:
            log.error("battle %s has a log that does not replay (%s)", battle_id, error)
            await self._abort_lost(claimed.roster)
            return
        battle = replayed.battle
        humans = [s.user_id for s in battle.seats if not s.bot]
        log.info("taking battle %s over at %s", battle_id, battle.phase.value)
        await self._router.hold(battle_id, humans)
        self._adopt(battle)
        for timer in replayed.timers:
            self._schedule(battle_id, timer.at, timer.event)
        if battle.phase is Phase.SAVING:  # its owner may have stopped before the record was kept
            self._spawn(self._save(battle_id, to_record(battle), too_fast(battle)))
        self._apply(battle_id, TakenOver())
        for user_id in humans:
            if not await self._relay.present(user_id):
                self._apply(battle_id, Disconnected(user_id))

    async def _abort_lost(self, roster: Roster) -> None:
        """A live battle whose log is lost: recorded as aborted, its players told."""
        if not roster.players:  # ended by its owner while being claimed
            await self._custody.end(roster.battle_id)
            return
        now = self._clock()
        record = BattleRecord(
            id=roster.battle_id,
            started_at=roster.started_at or now,
            finished_at=now,
            outcome=Outcome.ABORTED,
            winner_id=None,
            category=roster.category,
            players=tuple(PlayerEntry(u, n, 0, bot) for u, n, bot in roster.players),
            questions=(),
        )
        await self._store.record_battle(record)
        humans = [u for u, _, bot in roster.players if not bot]
        await self._custody.free(roster.battle_id, humans)
        await self._custody.end(roster.battle_id)
        for user_id in humans:
            self._error(
                user_id,
                "battle_lost",
                "Your battle was lost in a server fault; it is recorded as aborted.",
            )

    # introspection for operators and tests
    @property
    def live_battles(self) -> int:
        return sum(1 for b in self._battles.values() if b.outcome is None)

    @property
    def running_battles(self) -> int:
        """Battles this process runs, those ended and in their rematch window included."""
        return len(self._battles)

    async def close(self) -> None:
        """Hand every battle to the other game processes when there are any; otherwise end
        every battle still being played as aborted and save each. Stops every timer.

        Called on shutdown, before the store closes; no battle's timer fires after it.
        """
        self._closing = True
        for periodic in (self._sweeper, self._keeper):
            if periodic is not None:
                periodic.stop()
        if await self._others_take_over():
            await self._hand_over()
        for battle_id in list(self._battles):
            self._apply(battle_id, Halt())
        if self._keeping is not None:
            # A Halt waiting for its lease to be confirmed (as after a Redis restart) is applied
            # by the keep under way, and its save spawned then.
            await asyncio.gather(self._keeping, return_exceptions=True)
        await self._custody.settled()  # a Halt's save is spawned once its log entry is written
        while self._tasks:
            await asyncio.gather(*self._tasks, return_exceptions=True)
        await self._custody.settled()
        for battle_id in list(self._battles):  # saved as aborted: nothing left to take over
            await self._quietly(self._custody.end(battle_id), "end the custody of")
        for battle_id in list(self._timers):
            for handle, _ in self._timers.pop(battle_id).values():
                IOLoop.current().remove_timeout(handle)

    async def _others_take_over(self) -> bool:
        if not self._custody.failover or not self._battles:
            return False
        try:
            return await self._custody.peers() > 0
        except Exception:
            log.exception("could not count the other game processes; ending battles here")
            return False

    async def _hand_over(self) -> None:
        """Let go of every battle here so that the other processes take them over at once."""
        await self._custody.settled()
        battles = list(self._battles)
        for battle_id in battles:
            self._drop(battle_id)
            await self._quietly(self._custody.release(battle_id), "hand over")
        deadline = time.monotonic() + HANDOVER_SECONDS
        waiting = len(battles)
        while waiting and time.monotonic() < deadline:
            await asyncio.sleep(0.1)  # the others claim them on their next keep
            waiting = len(battles) - await self._custody.held_elsewhere(battles)
        log.info(
            "handed %d battles over to the other game processes; %d not yet taken",
            len(battles),
            waiting,
        )
