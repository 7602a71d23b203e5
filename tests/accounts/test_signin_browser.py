"""A player signs in through the real pages in headless Chromium, with the link from the outbox.

Runs against `python app.py run` (game, worker, filesystem broker). Uses Debian's chromium;
never downloads a browser.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.conftest import LiveServer
from tests.tasks.mailflow import link_in, wait_for_mail_to

pytestmark = pytest.mark.browser


@pytest.fixture
def page(browser: Browser, embedded_site: LiveServer) -> Iterator[Page]:
    context = browser.new_context(base_url=embedded_site.base_url)
    context.set_default_timeout(15_000)
    yield context.new_page()
    context.close()


def test_a_guest_signs_in_with_the_mailed_link_and_signs_out(page, embedded_site):
    page.goto("/")
    page.get_by_label("Pick a nickname").fill("Browsa")
    page.get_by_role("button", name="Let’s play").click()
    # The nickname page has a Sign in link too: wait for the lobby before following it.
    expect(page.locator("#play")).to_be_visible()
    page.get_by_role("banner").get_by_role("link", name="Sign in").click()
    page.get_by_label("Email address").fill("browsa@example.org")
    page.get_by_role("button", name="Mail me a link").click()
    expect(page.get_by_role("heading", name="Check your mail")).to_be_visible()

    mail = wait_for_mail_to(embedded_site.var_dir / "outbox", "browsa@example.org")
    page.goto(link_in(mail))
    page.locator(".account-menu summary", has_text="Browsa").click()  # the header's menu
    page.get_by_role("link", name="Account").click()

    expect(page.get_by_role("heading", name="Browsa")).to_be_visible()
    expect(page.get_by_text("browsa@example.org")).to_be_visible()
    page.get_by_role("main").get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("banner").get_by_role("link", name="Sign in")).to_be_visible()
