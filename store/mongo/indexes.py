"""The secondary indexes of the Mongo store, created at open(); each names the query it serves.

Every `_id` is indexed by the server already; a compound `_id` is searched by its parts here
(`_id.user_id`), which the `_id` index cannot serve, hence the indexes on those paths.
Imports nothing from Kwissle.
"""

from __future__ import annotations

from pymongo import ASCENDING, DESCENDING, IndexModel


def _index(name: str, *fields: tuple[str, int], **options: object) -> IndexModel:
    return IndexModel(list(fields), name=name, **options)


INDEXES: dict[str, list[IndexModel]] = {
    "users": [
        # One account per address; guests have no address and are left out of the index.
        _index(
            "users_by_email",
            ("email", ASCENDING),
            unique=True,
            partialFilterExpression={"email": {"$type": "string"}},
        ),
        _index("accounts_by_nickname", ("kind", ASCENDING), ("nickname", ASCENDING)),
    ],
    "questions": [
        # published_questions(category), the pick of a battle's ten questions.
        _index(
            "published_by_category",
            ("published", ASCENDING),
            ("category", ASCENDING),
            ("_id", ASCENDING),
        )
    ],
    "merged_guests": [_index("guests_of_account", ("account_id", ASCENDING))],
    "battle_players": [
        # battles_of(user), newest first.
        _index(
            "battles_of_player",
            ("_id.user_id", ASCENDING),
            ("finished_at", DESCENDING),
            ("_id.battle_id", DESCENDING),
        ),
        # Who played a battle: the activity report and head_to_head.
        _index("players_of_battle", ("_id.battle_id", ASCENDING)),
    ],
    "question_history": [
        # recent_question_ids(user): the last questions met, and those met since a time.
        _index(
            "questions_met_by_player",
            ("_id.user_id", ASCENDING),
            ("finished_at", DESCENDING),
            ("_id.battle_id", DESCENDING),
            ("_id.position", DESCENDING),
        ),
        # settle_reports: did the reporter meet this question in this battle?
        _index("questions_met_in_battle", ("_id.battle_id", ASCENDING), ("question_id", ASCENDING)),
    ],
    "submissions": [
        # The review and moderation queues: one state, least recently changed first.
        _index(
            "submissions_by_state",
            ("state", ASCENDING),
            ("updated_at", ASCENDING),
            ("_id", ASCENDING),
        ),
        # The same question sent twice while one waits or is published.
        _index("submissions_by_duplicate_key", ("duplicate_key", ASCENDING), ("state", ASCENDING)),
        # "My questions" and the daily submission limit.
        _index("submissions_by_author", ("author_id", ASCENDING), ("created_at", ASCENDING)),
    ],
    "question_changes": [
        _index("history_of_question", ("_id.question_id", ASCENDING), ("_id.seq", ASCENDING)),
        _index("changes_by_time", ("at", ASCENDING)),
    ],
    "reviews": [
        _index("reviews_by_reviewer", ("_id.reviewer_id", ASCENDING)),
        _index("reviews_of_question", ("_id.question_id", ASCENDING), ("at", ASCENDING)),
        _index("reviews_by_time", ("at", ASCENDING)),
    ],
    "reports": [
        _index("reports_by_status", ("status", ASCENDING), ("at", ASCENDING)),
        _index("reports_by_time", ("at", ASCENDING)),
    ],
    "contributor_points": [_index("points_by_user", ("_id.user_id", ASCENDING))],
    "signin_tokens": [_index("signin_tokens_by_expiry", ("expires_at", ASCENDING))],
    "sessions": [
        _index("sessions_by_expiry", ("expires_at", ASCENDING)),
        _index("sessions_by_user", ("user_id", ASCENDING)),
    ],
    "rate_hits": [_index("rate_hits_by_key", ("key", ASCENDING), ("at", ASCENDING))],
    "question_days": [
        _index("play_by_day", ("_id.day", ASCENDING), ("_id.question_id", ASCENDING))
    ],
    "near_misses": [_index("near_misses_by_day", ("_id.day", ASCENDING))],
    "battle_summaries": [
        _index("summaries_by_time", ("finished_at", ASCENDING)),
        # meetings(): the battles between people since a time.
        _index("summaries_between_people", ("humans", ASCENDING), ("finished_at", ASCENDING)),
    ],
    "reveal_latencies": [_index("latencies_by_hour", ("_id.hour", ASCENDING))],
    "ratings": [_index("ratings_by_rating", ("rating", DESCENDING), ("_id", ASCENDING))],
    "rating_history": [
        _index(
            "rating_history_of_player",
            ("_id.user_id", ASCENDING),
            ("_id.at", DESCENDING),
            ("_id.battle_id", DESCENDING),
        ),
        _index("rating_history_by_time", ("_id.at", ASCENDING)),
    ],
    "fair_play_signals": [
        # The moderators' list of every kind, newest first, in fair_play_signals()'s order.
        _index(
            "signals_by_time",
            ("at", DESCENDING),
            ("_id.kind", ASCENDING),
            ("_id.user_id", ASCENDING),
            ("_id.battle_id", ASCENDING),
        ),
        # The list of one kind, newest first, and how many there are.
        _index(
            "signals_of_kind",
            ("_id.kind", ASCENDING),
            ("at", DESCENDING),
            ("_id.user_id", ASCENDING),
            ("_id.battle_id", ASCENDING),
        ),
    ],
    "player_category_days": [
        _index("category_play_of_player", ("_id.user_id", ASCENDING)),
        _index("category_play_by_day", ("_id.day", ASCENDING), ("_id.category", ASCENDING)),
    ],
}
