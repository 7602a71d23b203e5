"""Headless Chromium through the real pages: a player writes a question, three players review
it, a moderator publishes it in the admin process. Uses Debian's chromium; never downloads one.
"""

from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Browser, Page, expect

from game.pipeline import State
from handlers.base import SESSION_COOKIE
from tests.pipeline.live import Site, account, running_site, signed_in, with_store

pytestmark = pytest.mark.browser

WAIT_MS = 15_000


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    with running_site(tmp_path_factory.mktemp("browser-pipeline")) as running:
        yield running


def page_as(browser: Browser, site: Site, user_id: str, *roles: str) -> Page:
    """A fresh browser context signed in as a new account with these roles."""
    client = signed_in(site.var_dir, site.secret(), account(user_id, *roles))
    context = browser.new_context()
    host = urlsplit(site.game.base_url).hostname
    context.add_cookies(
        [{"name": SESSION_COOKIE, "value": client.cookies[SESSION_COOKIE], "domain": host,
          "path": "/", "httpOnly": True}]
    )  # fmt: skip
    context.set_default_timeout(WAIT_MS)
    return context.new_page()


def test_a_question_goes_from_the_form_to_the_bank_through_the_real_pages(
    browser: Browser, site: Site
):
    author = page_as(browser, site, "wri")
    author.goto(site.game.base_url + "/questions/new")
    author.select_option("#f-category", "space")
    author.select_option("#f-difficulty", "1")
    author.fill("#f-text", "Which planet has the shortest year?")
    author.fill("#f-answer", "Mercury")
    for number, wrong in enumerate(("Venus", "Mars", "Earth"), 1):
        author.fill(f"#f-wrong{number}", wrong)
    author.get_by_role("button", name="Preview").click()
    expect(author.locator(".ok")).to_have_text("Every check passes.")
    author.get_by_role("button", name="Send for review").click()
    expect(author.locator(".submission .state")).to_contain_text("waiting for reviews")

    for name in ("rv1", "rv2", "rv3"):
        reviewer = page_as(browser, site, name)
        reviewer.goto(site.game.base_url + "/review")
        expect(reviewer.locator(".question-text")).to_have_text(
            "Which planet has the shortest year?"
        )
        reviewer.get_by_label("Yes, it is right").check()
        reviewer.fill("#r-comment", f"{name}: right, 88 days")
        reviewer.get_by_role("button", name="Send review").click()
        expect(reviewer.get_by_role("status")).to_contain_text("Thanks")
        reviewer.context.close()

    moderator = page_as(browser, site, "mdr", "moderator")
    moderator.goto(site.admin_url + "/admin/queue")
    item = moderator.locator("article.submission", has_text="shortest year")
    expect(item).to_have_attribute("data-state", "approved-by-review")
    expect(item).to_contain_text("rv2: right, 88 days")
    item.get_by_role("button", name="Publish").click()
    expect(moderator.get_by_role("status")).to_contain_text("Published")
    expect(moderator.locator("article.submission", has_text="shortest year")).to_have_count(0)

    author.goto(site.game.base_url + "/questions/mine")
    expect(author.locator(".submission .state")).to_contain_text("published")
    (submission,) = with_store(site.var_dir, lambda store: store.submissions(author_id="wri"))
    assert submission.state is State.PUBLISHED
