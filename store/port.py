"""The persistence port: what the rest of Kwissle may ask of a store, in game words.

Adapters (store.sqlite for the embedded default, store.mongo for production) implement every
method with the same observable behaviour; tests/store/test_contract.py holds them to it.
Every method is a coroutine that never blocks the event loop. Imports game values only.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from game.fair_play import Meetings, Signal, SignalKind
from game.pipeline import (
    Change,
    PointAward,
    Report,
    ReportKind,
    ReportStatus,
    Review,
    State,
    Submission,
)
from game.questions import Question
from game.rating import Rating
from game.record import BattleRecord, QuestionStats
from game.signin import SigninToken
from game.statistics import Activity, NearMissCount, QuestionPlay


class UserKind(StrEnum):
    GUEST = "guest"
    ACCOUNT = "account"


@dataclass(frozen=True, slots=True)
class User:
    """A player. Guests have no email; accounts (a later issue) do."""

    id: str
    nickname: str
    kind: UserKind = UserKind.GUEST
    email: str | None = None
    roles: tuple[str, ...] = ("player",)
    created_at: float = 0.0


@dataclass(frozen=True, slots=True)
class ContributorScore:
    """A contributor's points total, for the leaderboard."""

    user_id: str
    nickname: str
    points: int


@dataclass(frozen=True, slots=True)
class RatedPlayer:
    user_id: str
    nickname: str
    rating: Rating
    games: int


@dataclass(frozen=True, slots=True)
class RatingPoint:
    """A player's rating just after one rated battle."""

    battle_id: str
    at: float
    rating: float
    deviation: float
    change: float


@dataclass(frozen=True, slots=True)
class PlayerTotals:
    """Battles won, lost and drawn (aborted ones not counted), and runs of wins."""

    won: int = 0
    lost: int = 0
    drew: int = 0
    streak: int = 0  # wins in a row up to the last battle
    best_streak: int = 0


@dataclass(frozen=True, slots=True)
class CategoryPlay:
    """How a player did at the questions of one category."""

    category: str
    asked: int
    right: int
    right_typed: int
    right_choice: int
    wrong: int
    right_ms_total: int


@dataclass(frozen=True, slots=True)
class Standing:
    """A player on a leaderboard other than the rating one: `score` is what it ranks by."""

    user_id: str
    nickname: str
    score: float
    out_of: int  # games for a rating gain, questions met for a category


@dataclass(frozen=True, slots=True)
class CachedReport:
    """A report's last result (`data`, None before the first build), and a build under way."""

    key: str
    data: dict[str, Any] | None
    built_at: float | None
    building_since: float | None
    progress: float  # of the build under way, 0 to 1


@dataclass(frozen=True, slots=True)
class HeadToHead:
    """One player's record against another over their battles that counted (not aborted)."""

    wins: int = 0
    losses: int = 0
    draws: int = 0


class EmailTakenError(ValueError):
    """Another user already has this email address."""


class StaleSubmissionError(RuntimeError):
    """The submission moved on (someone else acted first); re-read it and decide again."""


class DuplicateSubmissionError(ValueError):
    """The same question (game.bank_rules.duplicate_key) is already waiting or published."""


class UpsertResult(StrEnum):
    ADDED = "added"
    UPDATED = "updated"
    UNCHANGED = "unchanged"


class Store(ABC):
    """Async persistence for users, questions, question statistics and battles."""

    @abstractmethod
    async def open(self) -> None:
        """Connect and create the schema / indexes if missing. Idempotent."""

    @abstractmethod
    async def close(self) -> None:
        """Release connections and threads. The store is unusable afterwards."""

    # users
    @abstractmethod
    async def save_user(self, user: User) -> None:
        """Insert or replace the user with this id; EmailTakenError, changing nothing, when
        another user already has the email."""

    @abstractmethod
    async def get_user(self, user_id: str) -> User | None: ...

    # questions
    @abstractmethod
    async def upsert_question(self, question: Question) -> UpsertResult:
        """Insert a question or update it in place, keyed by id; says which happened."""

    @abstractmethod
    async def get_question(self, question_id: str) -> Question | None: ...

    @abstractmethod
    async def published_questions(self, category: str | None = None) -> list[Question]:
        """Every published question (of one category when given), ordered by id."""

    @abstractmethod
    async def all_questions(self) -> list[Question]:
        """Every question, published or not, ordered by id (for dumps)."""

    # statistics
    @abstractmethod
    async def question_stats(self, question_ids: Sequence[str]) -> dict[str, QuestionStats]:
        """Statistics for the given ids; questions never played are left out."""

    # battles
    @abstractmethod
    async def record_battle(self, record: BattleRecord) -> bool:
        """Write a finished battle durably, once, keyed by its id.

        Adds record.stat_deltas() to the question statistics in the same atomic step.
        Returns True when this call wrote it and False when it was already there (in which
        case nothing changes). Returns only after the write is durable.
        """

    @abstractmethod
    async def record_battles(self, records: Sequence[BattleRecord]) -> int:
        """Write many finished battles in one durable step, each as `record_battle` would (for
        imports and benchmarks); returns how many were new."""

    @abstractmethod
    async def get_battle(self, battle_id: str) -> BattleRecord | None: ...

    @abstractmethod
    async def battles_of(self, user_id: str, limit: int = 20) -> list[BattleRecord]:
        """The user's most recent battles, newest first."""

    @abstractmethod
    async def head_to_head(self, user_id: str, opponent_id: str) -> HeadToHead:
        """`user_id`'s wins, losses and draws against `opponent_id`; aborted battles left out."""

    @abstractmethod
    async def recent_question_ids(self, user_id: str, *, limit: int, since: float) -> set[str]:
        """Ids of questions the user met in their last `limit` questions or since `since`."""

    # question pipeline (game.pipeline): submissions, their history, reviews, reports, points
    @abstractmethod
    async def add_submission(self, submission: Submission, change: Change) -> bool:
        """Store a new submission with its first change, keyed by question id.

        Returns False and changes nothing when a submission or bank question has that id.
        Raises DuplicateSubmissionError, changing nothing, when a submission with the same
        game.bank_rules.duplicate_key is submitted, approved or published.
        """

    @abstractmethod
    async def get_submission(self, question_id: str) -> Submission | None: ...

    @abstractmethod
    async def submissions(
        self, *, state: State | None = None, author_id: str | None = None, limit: int = 100
    ) -> list[Submission]:
        """Submissions in one state and/or by one author, least recently changed first."""

    @abstractmethod
    async def moderation_queue(
        self, *, search: str = "", offset: int = 0, limit: int = 20
    ) -> list[Submission]:
        """Submissions waiting for a moderator, from the `offset`th on: those the reviewers
        approved first, then those still waiting for reviews, each least recently changed first;
        with a `search`, only those whose text, answer or author's nickname contains it (ASCII
        letters in any case)."""

    @abstractmethod
    async def count_moderation_queue(self, search: str = "") -> int:
        """How many submissions `moderation_queue` would list with this `search` and no limit."""

    @abstractmethod
    async def count_submissions(self, author_id: str, since: float) -> int:
        """How many submissions the author created at or after `since`."""

    @abstractmethod
    async def submission_counts(self) -> dict[State, int]:
        """How many submissions are in each state (states with none are left out)."""

    @abstractmethod
    async def change_submission(self, submission: Submission, change: Change) -> bool:
        """Write the moved `submission` and record `change`, if it is still in change.from_state.

        The bank copy follows in the same atomic step: a published submission is in
        published_questions(), one that leaves PUBLISHED is not, an edit reaches both.
        Returns False and changes nothing when `change` repeats the last recorded change (same
        action, person and target state: a retried decision). Raises StaleSubmissionError when
        the submission is missing or in another state.
        """

    @abstractmethod
    async def recall_question(self, submission: Submission, change: Change) -> bool:
        """Take a published question out of the bank and put `submission` (the question as it
        stands, waiting for a moderator) in the queue, recording `change`, in one atomic step;
        False, changing nothing, when the question is not published any more."""

    @abstractmethod
    async def change_bank_question(self, question: Question, change: Change) -> None:
        """Replace a bank question that has no submission (edit, alias, unpublish), recording
        `change` in its history in the same atomic step."""

    @abstractmethod
    async def question_history(self, question_id: str) -> list[Change]:
        """Every recorded change of the question, oldest first."""

    @abstractmethod
    async def save_review(self, review: Review) -> bool:
        """Store a review keyed by (question id, round, reviewer id).

        Returns False and changes nothing when that reviewer already reviewed that round.
        """

    @abstractmethod
    async def reviews_of(self, question_id: str, round: int | None = None) -> list[Review]:
        """The question's reviews (of one round when given), oldest first."""

    @abstractmethod
    async def reviewable_submissions(self, reviewer_id: str, limit: int = 50) -> list[Submission]:
        """Submitted questions the reviewer neither wrote nor reviewed in their current round."""

    @abstractmethod
    async def save_report(self, report: Report) -> bool:
        """Store a report keyed by (battle id, question id, reporter id); False if already there."""

    @abstractmethod
    async def reports(
        self, status: ReportStatus = ReportStatus.OPEN, limit: int = 100
    ) -> list[Report]:
        """Reports in one status, oldest first."""

    @abstractmethod
    async def settle_reports(self, now: float, wait: float) -> None:
        """Settle every unverified report: OPEN when its stored battle lists the reporter (or the
        account the reporter became) with its question; EXPIRED when the stored battle does not,
        or when no battle came by `now - wait`. Reports still waiting are left as they are."""

    @abstractmethod
    async def close_report(
        self,
        battle_id: str,
        question_id: str,
        reporter_id: str,
        *,
        status: ReportStatus,
        by: str,
        at: float,
        note: str = "",
    ) -> bool:
        """Mark an open or unverified report resolved or dismissed; False when missing or
        already closed."""

    @abstractmethod
    async def award_points(self, awards: Sequence[PointAward]) -> None:
        """Grant contributor points, keyed by (user id, question id, why): granting twice = once."""

    @abstractmethod
    async def contributors(self, limit: int = 50) -> list[ContributorScore]:
        """Contributors by points total, highest first (ties by nickname)."""

    @abstractmethod
    async def accounts(self, *, search: str = "", offset: int = 0, limit: int = 50) -> list[User]:
        """Users with an account (not guests), by nickname, from the `offset`th on; with a
        `search`, only those whose nickname or email contains it (ASCII letters in any case)."""

    @abstractmethod
    async def count_accounts(self, search: str = "") -> int:
        """How many users `accounts` would list with this `search` and no limit."""

    # accounts, sign-in links and sessions (game.signin); ids of links and sessions are digests
    @abstractmethod
    async def find_user_by_email(self, email: str) -> User | None:
        """The account with this (normalized) address, if any."""

    @abstractmethod
    async def account_for_email(
        self, email: str, *, new_id: str, nickname: str, now: float
    ) -> User:
        """The account with this address; one made with `new_id` and `nickname` if none.

        Atomic: two calls for one new address make one account.
        """

    @abstractmethod
    async def set_roles(self, user_id: str, roles: tuple[str, ...]) -> bool:
        """Replace an account's roles; False, changing nothing, when there is no such account
        (a guest holds no roles)."""

    @abstractmethod
    async def merge_guest(self, guest_id: str, account_id: str, now: float) -> bool:
        """Move a guest's battles and question history to the account, then forget the guest.

        One atomic step; battles the guest finishes later are filed under the account too.
        Returns True when this call merged and False when the guest was already merged
        (nothing changes). Raises ValueError when `guest_id` names an account.
        """

    @abstractmethod
    async def save_signin_token(self, token: SigninToken) -> None:
        """Store a new sign-in link; links long expired are dropped on the way."""

    @abstractmethod
    async def get_signin_token(self, token_id: str) -> SigninToken | None: ...

    @abstractmethod
    async def use_signin_token(self, token_id: str, now: float) -> bool:
        """Mark the link used if it is unused and unexpired at `now`; False otherwise.

        Atomic, so of two concurrent uses exactly one succeeds.
        """

    @abstractmethod
    async def delete_signin_token(self, token_id: str) -> None:
        """Forget a link (its mail could not be queued). Deleting a missing one is harmless."""

    @abstractmethod
    async def start_session(
        self, session_id: str, user_id: str, *, now: float, expires_at: float
    ) -> None:
        """Record a new signed-in session for the user."""

    @abstractmethod
    async def session_user(self, session_id: str, now: float) -> str | None:
        """The user id of a live session; None when it ended, expired or never existed."""

    @abstractmethod
    async def end_session(self, session_id: str) -> None:
        """End a session for good. Ending a missing one is harmless."""

    @abstractmethod
    async def count_hit(self, key: str, now: float, window: float) -> int:
        """Record one request under `key` at `now`; how many fell in the last `window` seconds."""

    @abstractmethod
    async def claim_mail(self, key: str, now: float) -> bool:
        """Claim the right to send the mail with this idempotency key; False if already claimed."""

    @abstractmethod
    async def release_mail(self, key: str) -> None:
        """Give a claim back after the mail failed to go, so that a retry may send it."""

    # figures for the admin reports (game.statistics), written with each battle, and the
    # reports' cached results; days are UTC day numbers, ranges include both ends
    @abstractmethod
    async def question_play_between(
        self, first_day: int, last_day: int, category: str | None = None
    ) -> list[QuestionPlay]:
        """How each question met in those days went, summed, optionally of one category."""

    @abstractmethod
    async def near_misses_between(
        self, first_day: int, last_day: int, category: str | None = None, limit: int = 1000
    ) -> list[NearMissCount]:
        """Refused typed answers in those days, grouped by question and text, most seen first."""

    @abstractmethod
    async def activity_between(
        self, since: float, until: float, category: str | None = None
    ) -> Activity:
        """Battles that finished in [since, until), optionally played for one category."""

    @abstractmethod
    async def add_reveal_latencies(self, hour: int, counts: Mapping[int, int]) -> None:
        """Add counts of answer-to-reveal latencies (bucket in ms -> count) seen in `hour`."""

    @abstractmethod
    async def reveal_latencies_between(self, since: float, until: float) -> dict[int, int]:
        """Latency bucket (ms) -> count over the hours that [since, until) touches."""

    @abstractmethod
    async def report_counts_between(
        self, since: float, until: float
    ) -> dict[tuple[str, ReportKind], int]:
        """Players' reports made in [since, until), counted by question and kind."""

    @abstractmethod
    async def changes_between(self, since: float, until: float) -> list[Change]:
        """Every move of every submission in [since, until), by question, in order."""

    @abstractmethod
    async def reviews_between(self, since: float, until: float) -> list[Review]:
        """Every review given in [since, until), oldest first."""

    @abstractmethod
    async def cached_report_result(self, key: str) -> CachedReport | None:
        """The report stored under `key`, built or being built; None if never asked for."""

    @abstractmethod
    async def claim_report_build(self, key: str, now: float, claim_seconds: float) -> bool:
        """Claim the building of `key`: False while another build claimed it less than
        `claim_seconds` ago (one build at a time; a crashed build's claim lapses)."""

    @abstractmethod
    async def report_build_progress(self, key: str, done: float) -> None:
        """How far the build under way has come, 0 to 1."""

    @abstractmethod
    async def save_report_result(self, key: str, data: Mapping[str, Any], built_at: float) -> None:
        """Store a built report under `key` and end its build's claim."""

    # players: ratings (game.rating), totals, play per category; written with each battle
    @abstractmethod
    async def rating_of(self, user_id: str) -> Rating | None:
        """The player's rating as stored after their last rated battle; None before one."""

    @abstractmethod
    async def rating_leaders(self, limit: int = 100) -> list[RatedPlayer]:
        """The highest rated players whose rating is no longer provisional, best first."""

    @abstractmethod
    async def rating_rank(self, user_id: str) -> int | None:
        """The player's place (1 = best) among those `rating_leaders` ranks; None if not there."""

    @abstractmethod
    async def rating_history(self, user_id: str, limit: int = 200) -> list[RatingPoint]:
        """The player's rating after each of their last `limit` rated battles, oldest first."""

    @abstractmethod
    async def rating_gains_between(
        self, since: float, until: float, limit: int = 100
    ) -> list[Standing]:
        """Rating points gained in rated battles in [since, until), most first (out_of: battles)."""

    @abstractmethod
    async def player_totals(self, user_id: str) -> PlayerTotals: ...

    @abstractmethod
    async def category_play_of(self, user_id: str) -> list[CategoryPlay]:
        """The player's play per category over all time, most played first."""

    @abstractmethod
    async def category_leaders(
        self, category: str | None, first_day: int, last_day: int, limit: int = 100
    ) -> list[Standing]:
        """Who took the most questions (of one category, or any) in those days (out_of: met)."""

    @abstractmethod
    async def frequent_opponents(self, user_id: str, limit: int = 5) -> list[Standing]:
        """The people the player met most often (score: battles together), humans only."""

    @abstractmethod
    async def users_named(self, nickname: str) -> list[User]:
        """Every user with this nickname (case does not matter), accounts first."""

    # fair play (game.fair_play)
    @abstractmethod
    async def add_fair_play_signals(self, signals: Sequence[Signal]) -> int:
        """Record signals, keyed by kind, player and battle (one recorded twice is kept once);
        returns how many were new."""

    @abstractmethod
    async def fair_play_signals(
        self, kind: SignalKind | None = None, *, offset: int = 0, limit: int = 50
    ) -> list[Signal]:
        """Recorded signals (of one kind, or every kind), newest first, a page at a time."""

    @abstractmethod
    async def count_fair_play_signals(self, kind: SignalKind | None = None) -> int:
        """How many signals `fair_play_signals` pages through."""

    @abstractmethod
    async def meetings(self, first: str, second: str, since: float) -> Meetings:
        """Battles between the two players, each one's battles against people, and every
        battle between people, finished at or after `since`."""
