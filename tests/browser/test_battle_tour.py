"""Every state of a battle, as two players see it: one at a desktop's size, one on a phone.

Run twice, the screens swapped, so that each state is seen at both sizes. One real battle
through the real pages: the lobby, waiting (with the bot offer and "Keep
waiting"), the countdown, a question with and without the alternatives, your own wrong answer
and the opponent's, a reveal taken, lost, stolen by milliseconds and nobody's, the result on both
sides. Each state runs the checks of tests/browser/quality.py (screenshots in
test-artifacts/tour/battle-*.png), the layout may not shift during the battle, and the scores
stay in view on a phone whose keyboard has taken half the screen.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, WebSocketRoute, expect

from tests.browser.quality import (
    assert_clean,
    layout_shift,
    reset_layout_shift,
    shifted_elements,
    watch,
)
from tests.conftest import FIXTURE_QUESTIONS, LiveServer, start_server, stop_server

pytestmark = pytest.mark.browser

# Reveals long enough to check a page during them; questions long enough never to run out.
TIMING = "countdown=2,question=12,reveal=3.5,seat_hold=3,rematch=8,late_notice=2"
WAIT_MS = 15_000
DESKTOP = {"viewport": {"width": 1280, "height": 800}}
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}
KEYBOARD_OPEN = {"width": 390, "height": 420}  # a phone with its keyboard up
MAX_LAYOUT_SHIFT = 0.05
BANK = {
    record["text"]: record
    for record in map(json.loads, FIXTURE_QUESTIONS.read_text(encoding="utf-8").splitlines())
}


@pytest.fixture(autouse=True)
def patient_expect() -> Iterator[None]:
    """A battle's events take seconds to come: every expectation here waits up to WAIT_MS."""
    expect.set_options(timeout=WAIT_MS)
    yield
    expect.set_options(timeout=5_000)  # Playwright's default, for the other modules


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    live = start_server(tmp_path_factory.mktemp("battle-tour"), timing=TIMING, bot_offer=1.0)
    yield live
    stop_server(live)
    assert "Traceback" not in live.log(), live.log()


class Latency:
    """Holds the server's frames to a page while shut, as a slow network would: what the page
    sends still goes out at once."""

    def __init__(self) -> None:
        self.shut = False
        self._held: list[Any] = []
        self._page_side: WebSocketRoute | None = None

    def route(self, page_side: WebSocketRoute) -> None:
        self._page_side = page_side
        server_side = page_side.connect_to_server()
        server_side.on_message(self._from_server)

    def _from_server(self, message: str | bytes) -> None:
        if self.shut:
            self._held.append(message)
        elif self._page_side is not None:
            self._page_side.send(message)

    def open(self) -> None:
        self.shut = False
        for message in self._held:
            assert self._page_side is not None
            self._page_side.send(message)
        self._held.clear()


# Makes the page believe its tab is in the background while window.__away is true.
BACKGROUND_TAB = """
Object.defineProperty(document, "hidden", {configurable: true, get: () => window.__away === true});
"""


def player(browser: Browser, server: LiveServer, nickname: str, device: dict) -> Page:
    page = browser.new_context(**device).new_page()
    page.set_default_timeout(WAIT_MS)
    watch(page)
    page.goto(server.base_url + "/")
    page.fill("#nickname", nickname)
    page.press("#nickname", "Enter")
    expect(page.locator("#play")).to_be_enabled()
    return page


def check(page: Page, name: str) -> None:
    assert_clean(
        page, f"battle-{name}", "desktop" if page.viewport_size["width"] > 500 else "phone"
    )


def state(page: Page, name: str) -> None:
    expect(page.locator("#game")).to_have_attribute("data-state", name)


def question(page: Page, number: int) -> dict[str, Any]:
    """Waits for question `number` (from 1) and returns it from the bank."""
    state(page, "question")
    expect(page.locator("#question-index")).to_have_text(f"{number} / 10")
    return BANK[page.locator("#question-text").inner_text()]


def answer(page: Page, text: str) -> None:
    page.fill("#answer", text)
    page.press("#answer", "Enter")


def choose(page: Page, number: int, text: str) -> None:
    page.click("#show-choices")
    group = page.locator(f"#choices[data-index='{number - 1}']")
    expect(group).to_be_visible()
    group.locator(".choice", has_text=text).click()


def story(page: Page, number: int) -> Any:
    """The verdict line of question `number`, once its reveal shows."""
    state(page, "reveal")
    expect(page.locator("#question-index")).to_have_text(f"{number} / 10")
    return page.locator("#story")


@pytest.mark.parametrize(
    ("ada_device", "bo_device"),
    [(DESKTOP, PHONE), (PHONE, DESKTOP)],
    ids=["ada-desktop-bo-phone", "ada-phone-bo-desktop"],
)
def test_a_whole_battle_looks_finished_in_every_state_on_both_screens(
    browser, server, ada_device, bo_device
):
    ada = player(browser, server, "Ada", ada_device)
    bo = player(browser, server, "Bo", bo_device)
    on_phone = bo if bo_device is PHONE else ada
    slow = Latency()
    ada.route_web_socket("**/websocket", slow.route)
    ada.reload()
    expect(ada.locator("#play")).to_be_enabled()
    expect(ada.locator("#online")).to_have_text("2 players online now")
    check(ada, "lobby")
    check(bo, "lobby")

    ada.click("#play")
    expect(ada.locator("#bot-accept")).to_be_visible()
    expect(ada.locator("#bot-accept")).to_be_focused()
    check(ada, "bot-offer")
    ada.click("#bot-decline")
    expect(ada.locator("#bot-offer")).to_be_hidden()
    expect(ada.locator("#cancel")).to_be_focused()
    expect(ada.locator("#bot-accept")).to_be_visible()  # offered again after as long again
    bo.evaluate(BACKGROUND_TAB)
    bo.evaluate("window.__away = true")
    bo.click("#play")
    for page in (ada, bo):
        state(page, "countdown")
        reset_layout_shift(page)
    expect(bo).to_have_title(re.compile("^⚔ Battle found!"))
    bo.evaluate("window.__away = false; document.dispatchEvent(new Event('visibilitychange'))")
    expect(bo).not_to_have_title(re.compile("Battle found"))
    expect(ada.locator("#sound")).to_have_attribute("aria-pressed", "false")  # silent by default
    ada.click("#sound")
    expect(ada.locator("#sound")).to_have_attribute("aria-pressed", "true")
    expect(ada.locator(".player-them .player-name")).to_have_text("Bo")
    expect(bo.locator(".player-me .player-name")).to_have_text("Bo")
    check(bo, "countdown")

    # 1: Bo looks at the choices, Ada types it first.
    first = question(ada, 1)
    question(bo, 1)
    check(ada, "question")
    bo.click("#show-choices")
    expect(bo.locator("#choices[data-index='0']")).to_be_visible()
    check(bo, "question-choices")
    answer(ada, first["answer"])
    expect(story(ada, 1)).to_contain_text("+3 — you took it in")
    expect(story(bo, 1)).to_contain_text("Ada took it in")
    expect(bo.locator(".choice.is-right .choice-text")).to_have_text(first["answer"])
    expect(ada.locator(".player-me .score")).to_have_text("3")
    check(ada, "reveal-took")
    check(bo, "reveal-lost")

    # 2: Ada is wrong and told at once; Bo sees it in Ada's colour, then takes it by choice.
    second = question(ada, 2)
    question(bo, 2)
    answer(ada, "certainly not this")
    expect(ada.locator("#feed")).to_have_text("✗ Wrong — you can still watch")
    expect(ada.locator(".player-me .dot").nth(1)).to_have_class("dot dot-wrong")
    expect(bo.locator("#feed.theirs")).to_have_text("✗ Ada answered wrong")
    check(ada, "own-wrong")
    check(bo, "their-wrong")
    choose(bo, 2, second["answer"])
    expect(story(bo, 2)).to_contain_text("+1 — you took it in")
    expect(story(ada, 2)).to_contain_text("Bo took it in")

    # 3: Bo takes it while Ada's screen is a moment behind; Ada's right answer is too late.
    third = question(ada, 3)
    question(bo, 3)
    slow.shut = True
    answer(bo, third["answer"])
    expect(story(bo, 3)).to_contain_text("+3 — you took it in")
    answer(ada, third["answer"])
    slow.open()
    expect(story(ada, 3)).to_contain_text("Stolen by Bo")
    expect(story(ada, 3)).to_contain_text(" ms sooner")
    expect(story(bo, 3)).to_contain_text(" ms ahead of Ada")
    expect(ada.locator("#reveal-attempts")).to_contain_text(" ms too late")
    expect(
        ada.locator("#answer-note")
    ).to_be_empty()  # the refusal tells nothing the story does not
    check(ada, "reveal-stolen")

    # 4: both wrong, and the phone's keyboard takes half its screen.
    question(ada, 4)
    question(bo, 4)
    # A resized window is not a shift of the page's doing: count before and after it.
    shifted = {page: layout_shift(page) for page in (ada, bo)}
    moved = {page: shifted_elements(page) for page in (ada, bo)}
    on_phone.set_viewport_size(KEYBOARD_OPEN)
    on_phone.focus("#answer")
    on_phone.evaluate("window.scrollTo(0, document.body.scrollHeight)")
    duel = on_phone.locator(".duel").bounding_box()
    assert duel is not None
    assert duel["y"] >= 0 and duel["y"] + duel["height"] <= KEYBOARD_OPEN["height"]
    answer(bo, "no idea at all")
    answer(ada, "nor this")
    expect(story(ada, 4)).to_have_text("Nobody got it")
    on_phone.set_viewport_size(PHONE["viewport"])
    for page in (ada, bo):
        reset_layout_shift(page)
    check(bo, "reveal-nobody")

    # 5-10: Ada types each answer.
    for number in range(5, 11):
        answer(ada, question(ada, number)["answer"])
        story(bo, number)

    for page in (ada, bo):
        state(page, "result")
    expect(ada.locator("#result-headline")).to_have_text("You won!")
    expect(bo.locator("#result-headline")).to_have_text("You lost")
    expect(ada.locator("#breakdown tbody tr")).to_have_count(10)
    expect(ada.locator("#head-to-head")).to_have_text("You against Bo: 1 win, 0 losses, 0 draws.")
    expect(bo.locator("#rematch")).to_contain_text(" s)")
    for page, name in ((ada, "Ada"), (bo, "Bo")):
        shift = shifted[page] + layout_shift(page)
        what = moved[page] + shifted_elements(page)
        assert shift <= MAX_LAYOUT_SHIFT, f"{name}'s screen shifted {shift:.3f}: {what}"
    check(ada, "result-won")
    check(bo, "result-lost")

    bo.context.close()
    expect(ada.locator("#rematch")).to_be_disabled()
    expect(ada.locator("#rematch-note")).to_have_text("Bo has left — no rematch.")
    ada.reload()
    expect(ada.locator("#sound")).to_have_attribute("aria-pressed", "true")  # remembered
    ada.context.close()
