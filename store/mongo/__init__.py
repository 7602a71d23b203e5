"""The production store: every Kwissle collection in one MongoDB database, through PyMongo's
async API (`AsyncMongoClient`), so no call blocks the event loop.

Transactions need a replica set (a single-member one will do). connection.py owns the client,
its write concern and time limits, transactions and the indexes (indexes.py); layout.py says how
documents mirror the SQLite store's rows; game.py, pipeline.py, accounts.py, reports.py,
players.py and fair_play.py each add one group of the port's operations as a mixin, and
MongoStore joins them.
Nothing from PyMongo but its errors reaches callers; imports game values and store.port only.
"""

from __future__ import annotations

from store.mongo.accounts import AccountCollections
from store.mongo.fair_play import FairPlayCollections
from store.mongo.game import GameCollections
from store.mongo.pipeline import PipelineCollections
from store.mongo.players import PlayerCollections
from store.mongo.reports import ReportCollections
from store.port import Store

__all__ = ["MongoStore"]


class MongoStore(
    GameCollections,
    PipelineCollections,
    AccountCollections,
    ReportCollections,
    PlayerCollections,
    FairPlayCollections,
    Store,
):
    """The Store port on the database a `mongodb://` URL names (default: kwissle)."""
