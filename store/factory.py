"""Build the store adapter a database URL names. Only app.py and tools call this."""

from __future__ import annotations

from pathlib import Path

from store.port import Store
from store.sqlite import SQLiteStore


def make_store(database_url: str, default_sqlite_path: Path) -> Store:
    """SQLite for `sqlite:///path` or an empty URL; raises ValueError for an unknown scheme."""
    if not database_url:
        return SQLiteStore(default_sqlite_path)
    if database_url.startswith("sqlite:///"):
        return SQLiteStore(database_url.removeprefix("sqlite:///"))
    raise ValueError(f"unsupported database URL {database_url!r} (use sqlite:///PATH)")
