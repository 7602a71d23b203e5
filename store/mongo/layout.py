"""How the Mongo store lays out its documents: one collection per table of the SQLite store.

Each collection carries the same fields as its SQLite table, so `store copy` maps a row to a
document and back without knowing what either means. The key columns become `_id`: the value
itself for a one-column key, a subdocument in key order otherwise (so a write done twice meets
the same `_id`); a table without a key gets the server's ObjectId. Columns SQLite keeps as JSON
text are embedded documents here, except `report_cache.data`, whose JSON text is what the port
hands back. Imports nothing from Kwissle.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True, slots=True)
class Layout:
    """One collection: the columns that make its `_id`, and those embedded as documents."""

    name: str
    key: tuple[str, ...]
    embedded: tuple[str, ...] = ()

    def document_id(self, row: Mapping[str, Any]) -> Any:
        """The `_id` of the document holding `row` (None for a collection without a key)."""
        if not self.key:
            return None
        if len(self.key) == 1:
            return row[self.key[0]]
        return {column: row[column] for column in self.key}


COLLECTIONS: tuple[Layout, ...] = (
    Layout("users", ("id",), ("roles",)),
    Layout("questions", ("id",), ("doc",)),
    Layout("question_stats", ("question_id",)),
    Layout("battles", ("id",), ("doc",)),
    Layout("battle_players", ("user_id", "battle_id")),
    Layout("question_history", ("user_id", "battle_id", "position")),
    Layout("submissions", ("id",), ("doc",)),
    Layout("question_changes", ("question_id", "seq")),
    Layout("reviews", ("question_id", "round", "reviewer_id")),
    Layout("reports", ("battle_id", "question_id", "reporter_id")),
    Layout("contributor_points", ("user_id", "question_id", "why")),
    Layout("signin_tokens", ("id",)),
    Layout("sessions", ("id",)),
    Layout("rate_hits", ()),
    Layout("merged_guests", ("guest_id",)),
    Layout("mail_claims", ("key",)),
    Layout("question_days", ("day", "question_id")),
    Layout("near_misses", ("day", "question_id", "key")),
    Layout("battle_summaries", ("battle_id",)),
    Layout("reveal_latencies", ("hour", "bucket")),
    Layout("report_cache", ("key",)),
    Layout("ratings", ("user_id",)),
    Layout("rating_history", ("user_id", "at", "battle_id")),
    Layout("player_totals", ("user_id",)),
    Layout("player_category_days", ("user_id", "category", "day")),
    Layout("fair_play_signals", ("kind", "user_id", "battle_id")),
)
BY_NAME: dict[str, Layout] = {layout.name: layout for layout in COLLECTIONS}


def to_document(layout: Layout, row: Mapping[str, Any]) -> dict[str, Any]:
    """The document that holds `row` (embedded columns already decoded)."""
    document = {column: value for column, value in row.items() if column not in layout.key}
    if layout.key:
        document = {"_id": layout.document_id(row), **document}
    return document


def to_row(layout: Layout, document: Mapping[str, Any]) -> dict[str, Any]:
    """The row a document holds, key columns first, as `to_document` took it apart."""
    fields = {name: value for name, value in document.items() if name != "_id"}
    if not layout.key:
        return fields
    if len(layout.key) == 1:
        return {layout.key[0]: document["_id"], **fields}
    return {**{column: document["_id"][column] for column in layout.key}, **fields}
