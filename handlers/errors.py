"""What an error page says: a heading in the site's voice, what happened, and the way forward.

Handlers raise tornado.web.HTTPError as usual and its message is shown under a heading chosen by
status; raise PageError when the page should have a heading (and links) of its own. Which links
an error page offers is the handler's choice (BaseHandler.error_links), so a refusal never
points back at the page that refused. Imports Tornado only.
"""

from __future__ import annotations

from dataclasses import dataclass

import tornado.web


@dataclass(frozen=True, slots=True)
class Link:
    href: str
    label: str


@dataclass(frozen=True, slots=True)
class ErrorPage:
    """The error page's values; the first link is the main way forward."""

    title: str
    message: str
    links: tuple[Link, ...]


class PageError(tornado.web.HTTPError):
    """An HTTP error whose page has its own heading, and its own links when `links` is given."""

    def __init__(
        self, status_code: int, title: str, message: str, links: tuple[Link, ...] = ()
    ) -> None:
        super().__init__(status_code, message.replace("%", "%%"))  # log_message is a format
        self.title = title
        self.message = message
        self.links = links


HEADINGS = {
    403: "Not open to you",
    404: "Nothing here",
    409: "Someone got there first",
    410: "That has expired",
    429: "Slow down a little",
}
OTHER_CLIENT_ERROR = "That did not work"
SERVER_TROUBLE = "Something broke on our side"
SERVER_TROUBLE_MESSAGE = "It is not you. Please try again in a moment."


def stale_form() -> PageError:
    """The refusal of a form whose XSRF field or cookie is missing or wrong."""
    return PageError(
        403,
        "This form has expired",
        "The page was too old to send (or this browser refuses our cookies). "
        "Go back, reload the page and send it again.",
    )


def error_page(
    status_code: int, error: BaseException | None, reason: str, links: tuple[Link, ...]
) -> ErrorPage:
    """The page for an error: `error`'s own words when it is a PageError or a client error's
    HTTPError with a message, else the words for its status; `links` unless the error has some."""
    if isinstance(error, PageError):
        return ErrorPage(error.title, error.message, error.links or links)
    if status_code >= 500:
        return ErrorPage(SERVER_TROUBLE, SERVER_TROUBLE_MESSAGE, links)
    message = reason
    if isinstance(error, tornado.web.HTTPError) and error.log_message:
        message = error.log_message % error.args
    return ErrorPage(HEADINGS.get(status_code, OTHER_CLIENT_ERROR), message, links)
