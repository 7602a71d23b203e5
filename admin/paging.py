"""Search and paging for the admin lists (users, moderation queue): which page a request asks
for, and the links to the pages around it. The store pages in SQL; this only does arithmetic."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlencode

import tornado.web

MAX_SEARCH = 100


@dataclass(frozen=True, slots=True)
class Paging:
    """Page `number` (from 1) of `size` items out of `total` matching `search`."""

    path: str
    search: str
    number: int
    size: int
    total: int

    @property
    def offset(self) -> int:
        return (self.number - 1) * self.size

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.size))

    @property
    def first(self) -> int:
        """The position (from 1) of the first item shown; 0 when there is none."""
        return min(self.offset + 1, self.total)

    @property
    def last(self) -> int:
        return min(self.offset + self.size, self.total)

    def url(self, number: int | None = None) -> str:
        """This list at page `number` (this page when None), with the same search."""
        return list_url(self.path, self.search, number or self.number)


def list_url(path: str, search: str, number: int, notice: str = "") -> str:
    """A list's page with its search, and the code of a notice to show (admin.notices)."""
    query = {"q": search} if search else {}
    if number > 1:
        query["page"] = str(number)
    if notice:
        query["notice"] = notice
    return path + ("?" + urlencode(query) if query else "")


def read_search(handler: tornado.web.RequestHandler, source: str = "query") -> tuple[str, int]:
    """The search text and page number a request asks for (in its query string, or in its form
    for `source` "body"); HTTPError 400 for a page that is not a whole number from 1."""
    read = handler.get_query_argument if source == "query" else handler.get_body_argument
    search = read("q", "").strip()[:MAX_SEARCH]
    page = read("page", "1").strip() or "1"
    if not page.isdigit() or int(page) < 1:
        raise tornado.web.HTTPError(400, "The page is a whole number from 1.")
    return search, int(page)


def paging(path: str, search: str, number: int, size: int, total: int) -> Paging:
    """The page asked for, or the last page when the list has fewer."""
    last = max(1, -(-total // size))
    return Paging(path, search, min(number, last), size, total)
