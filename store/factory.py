"""Build the store adapter a database URL names. Only app.py and tools call this."""

from __future__ import annotations

from pathlib import Path

from store.mongo import MongoStore
from store.port import Store
from store.sqlite import SQLiteStore

MONGO_SCHEMES = ("mongodb://", "mongodb+srv://")


def make_store(database_url: str, default_sqlite_path: Path) -> Store:
    """SQLite for `sqlite:///path` or an empty URL, MongoDB for `mongodb://` (the database the
    URL names, default kwissle); raises ValueError for an unknown scheme."""
    if not database_url:
        return SQLiteStore(default_sqlite_path)
    if database_url.startswith("sqlite:///"):
        return SQLiteStore(database_url.removeprefix("sqlite:///"))
    if database_url.startswith(MONGO_SCHEMES):
        return MongoStore(database_url)
    raise ValueError(
        f"unsupported database URL {database_url!r} (use sqlite:///PATH or mongodb://HOST/DB)"
    )
