"""`python app.py store copy --from URL --to URL`: every collection of one Kwissle store into
another (SQLite to MongoDB and back), with a progress bar, resumable, verified at the end.

A copy into a store that holds data is refused unless asked to replace it. The target carries a
marker naming the source until the copy is verified, so running the same command again after an
interrupt resumes it: each collection is written in ordered batches, so the target holds a
prefix of the source's rows and counting it says where to go on. At the end each collection's
rows are counted and checksummed on both sides (store.copying.rows.checksum), and the marker
is removed only when all agree. Stop the site while copying: rows written meanwhile are not
copied. Imports the stores and their row views only.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TextIO
from urllib.parse import urlsplit

from store.copying.mongo import MongoRows
from store.copying.progress import ProgressBar
from store.copying.rows import Rows, checksum
from store.copying.sqlite import SQLiteRows
from store.factory import MONGO_SCHEMES
from store.mongo import MongoStore
from store.mongo.layout import COLLECTIONS


class CopyRefused(RuntimeError):
    """The copy would mix data: the target holds some, or a copy from elsewhere was cut short."""


@dataclass(frozen=True, slots=True)
class Verified:
    """One collection on both sides after the copy: (rows, checksum) each."""

    collection: str
    source: tuple[int, str]
    target: tuple[int, str]

    @property
    def agrees(self) -> bool:
        return self.source == self.target


async def copy_store(
    source: Rows, target: Rows, progress: ProgressBar, *, replace: bool = False
) -> list[Verified]:
    """Copy every collection of `source` into `target` and verify each; resumes a copy from
    the same source cut short. Raises CopyRefused when the target holds other data and
    `replace` is false (with `replace`, the target is emptied first)."""
    unknown = set(await source.collections()) - {layout.name for layout in COLLECTIONS}
    if unknown:
        raise CopyRefused(f"no document layout for {', '.join(sorted(unknown))}")
    if await target.copy_marker() != source.description:
        if replace:
            await target.empty()
        elif any([await target.count(layout.name) for layout in COLLECTIONS]):
            raise CopyRefused(f"{target.description} holds data; --replace empties it first")
        await target.set_copy_marker(source.description)
    for layout in COLLECTIONS:
        total = await source.count(layout.name)
        done = await target.count(layout.name)
        progress.show(layout.name, done, total)
        async for batch in source.read(layout.name, skip=done):
            await target.write(layout.name, batch)
            done += len(batch)
            progress.show(layout.name, done, total)
    verified = [
        Verified(
            layout.name, await checksum(source, layout.name), await checksum(target, layout.name)
        )
        for layout in COLLECTIONS
    ]
    if all(check.agrees for check in verified):
        await target.set_copy_marker(None)
    return verified


def open_rows(url: str) -> SQLiteRows | MongoRows:
    """The row view of the store `url` names (sqlite:///PATH or mongodb://...), not yet open."""
    if url.startswith("sqlite:///"):
        return SQLiteRows(Path(url.removeprefix("sqlite:///")))
    if url.startswith(MONGO_SCHEMES):
        return MongoRows(MongoStore(url), without_password(url))
    raise ValueError(f"unsupported database URL {url!r} (use sqlite:///PATH or mongodb://...)")


def without_password(url: str) -> str:
    """`url` without its user and password, to print and to keep in a copy marker."""
    parts = urlsplit(url)
    return parts._replace(netloc=parts.netloc.rpartition("@")[2]).geturl()


async def copy_command(from_url: str, to_url: str, *, replace: bool, out: TextIO) -> int:
    """The CLI: copy, print each collection's verification, 0 when every one agrees."""
    source, target = open_rows(from_url), open_rows(to_url)
    try:
        await source.open()
        await target.open()
        verified = await copy_store(source, target, ProgressBar(out), replace=replace)
    except CopyRefused as refusal:
        out.write(f"store copy: refused: {refusal}\n")
        return 1
    finally:
        await source.close()
        await target.close()
    for check in verified:
        (rows, digest), agrees = check.source, "ok" if check.agrees else "DIFFERS"
        out.write(f"{check.collection:<24} {rows:>10,} rows  {digest}  {agrees}\n")
    if not all(check.agrees for check in verified):
        out.write("store copy: the copy differs from its source; run it again with --replace\n")
        return 1
    out.write(f"store copy: {source.description} -> {target.description} verified\n")
    return 0
