"""The embedded store: every Kwissle table in one SQLite file, for a single machine and for tests.

Every sqlite3 call runs on this adapter's own one-thread executor, whose thread owns the only
connection; the event loop just awaits futures, and JSON is decoded on that thread too. The file
runs in WAL mode with synchronous=FULL, so a committed battle survives a power cut. Questions and
battles are kept as their to_dict() JSON next to the few columns that queries filter on.
Nothing from sqlite3 is returned to callers; imports game values and store.port only.

connection.py owns the thread, the connection and the schema; game.py, pipeline.py,
accounts.py, reports.py, players.py and fair_play.py each add one group of the port's
operations as a mixin, and SQLiteStore joins them.
"""

from __future__ import annotations

from store.port import Store
from store.sqlite.accounts import AccountTables
from store.sqlite.connection import SCHEMA_VERSION, SchemaVersionError
from store.sqlite.fair_play import FairPlayTables
from store.sqlite.game import GameTables
from store.sqlite.pipeline import PipelineTables
from store.sqlite.players import PlayerTables
from store.sqlite.reports import ReportTables

__all__ = ["SCHEMA_VERSION", "SQLiteStore", "SchemaVersionError"]


class SQLiteStore(
    GameTables, PipelineTables, AccountTables, ReportTables, PlayerTables, FairPlayTables, Store
):
    """The Store port on one SQLite file at `path` (its parent directory is created)."""
