"""Input too big to be honest: lists of other answers past the bank's limits, and huge bodies.

Both go through the real processes (`python app.py game` and `admin`), whose HTTP servers
app.py builds with the body limits.
"""

from __future__ import annotations

import socket
from collections.abc import Iterator
from urllib.parse import urlsplit

import pytest

from tests.pipeline.live import Site, account, question_form, running_site, signed_in, with_store

LONG_LINES = "\n".join(["x" * 5000] * 10)
FORM = question_form("Which planet spins on its side?", "Uranus", ("Venus", "Mars", "Earth"))
HUGE = 20 * 1024 * 1024


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    with running_site(tmp_path_factory.mktemp("limits")) as running:
        yield running


@pytest.mark.parametrize("field", ["aliases", "refused"])
def test_an_author_sending_overlong_other_answers_is_told_and_nothing_is_stored(
    site: Site, field: str
):
    author = signed_in(site.var_dir, site.secret(), account(f"long-{field}"))

    code, page = author.post(site.game.base_url + "/questions/new", submit="1",
                             **{**FORM, field: LONG_LINES})  # fmt: skip

    mine = with_store(site.var_dir, lambda store: store.submissions(author_id=f"long-{field}"))
    assert code == 400 and "at most 10 lines, each at most 100 characters" in page
    assert mine == []


def test_too_many_other_answers_are_refused_too(site: Site):
    author = signed_in(site.var_dir, site.secret(), account("many"))
    eleven = "\n".join(f"Uranus {n}" for n in range(11))

    code, page = author.post(site.game.base_url + "/questions/new", preview="1",
                             **{**FORM, "aliases": eleven})  # fmt: skip

    assert code == 400 and "Other answers to accept: at most 10 lines" in page


def test_a_moderator_editing_in_overlong_other_answers_changes_nothing(site: Site):
    moderator = signed_in(site.var_dir, site.secret(), account("limit-mod", "moderator"))
    before = with_store(site.var_dir, lambda store: store.get_question("fixture-001"))
    form = {
        **FORM,
        "category": before.category,
        "text": before.text,
        "answer": before.answer,
        "refused": LONG_LINES,
    }

    code, page = moderator.post(site.admin_url + "/admin/questions/fixture-001", **form)

    after = with_store(site.var_dir, lambda store: store.get_question("fixture-001"))
    assert code == 400 and "Look-alike answers to refuse: at most 10 lines" in page
    assert after == before


def status_line_for_a_huge_body(base_url: str, path: str) -> bytes:
    """What a process answers to a POST announcing 20 MB, before any of the body is sent."""
    address = urlsplit(base_url)
    with socket.create_connection((address.hostname, address.port), timeout=10) as sock:
        head = f"POST {path} HTTP/1.1\r\nHost: x\r\nContent-Length: {HUGE}\r\n\r\n"
        sock.sendall(head.encode())
        return sock.recv(1024).split(b"\r\n")[0]


def test_the_game_process_refuses_a_huge_body_unread(site: Site):
    assert status_line_for_a_huge_body(site.game.base_url, "/questions/new") == (
        b"HTTP/1.1 400 Bad Request"
    )


def test_the_admin_process_refuses_a_huge_body_unread(site: Site):
    assert status_line_for_a_huge_body(site.admin_url, "/admin/users") == (
        b"HTTP/1.1 400 Bad Request"
    )
