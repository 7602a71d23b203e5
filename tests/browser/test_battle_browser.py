"""Two headless Chromium pages sign up, pair and play a whole battle through the real pages.

One player types every answer, the other asks for the four alternatives and picks with the
keyboard. Screenshots of the question, the reveal, the result and a phone-sized view go to
test-artifacts/ for a person to look at. Uses Debian's chromium; never downloads a browser.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, ViewportSize, expect

from tests.conftest import FIXTURE_QUESTIONS, ROOT, LiveServer, start_server, stop_server

pytestmark = pytest.mark.browser

ARTIFACTS = ROOT / "test-artifacts"
# Long enough reveals to see and photograph them; short enough for a battle in under a minute.
TIMING = "countdown=1,question=8,reveal=1.5,seat_hold=3,rematch=5,late_notice=1"
WAIT_MS = 15_000
PHONE: ViewportSize = {"width": 375, "height": 740}
DESKTOP: ViewportSize = {"width": 1100, "height": 820}
WRONG_TYPED_AT = 2  # the typist answers this question wrong; the picker then takes it
PICKER_FIRST_AT = 4  # the picker chooses before the typist answers


def _bank() -> dict[str, dict[str, str]]:
    """The fixture questions by their text, as the browser shows it."""
    lines = FIXTURE_QUESTIONS.read_text(encoding="utf-8").splitlines()
    records = [json.loads(line) for line in lines if line.strip()]
    return {record["text"]: record for record in records}


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    live = start_server(tmp_path_factory.mktemp("browser-var"), timing=TIMING)
    yield live
    stop_server(live)
    assert "Traceback" not in live.log(), live.log()


@pytest.fixture
def join(browser: Browser, server: LiveServer) -> Iterator[Callable[..., Page]]:
    """Signs up a guest in a fresh browser profile; fails the test on any script error."""
    contexts = []
    errors: list[str] = []

    def guest(nickname: str, viewport: ViewportSize = DESKTOP, **options: Any) -> Page:
        context = browser.new_context(viewport=viewport, **options)
        contexts.append(context)
        page = context.new_page()
        page.on("pageerror", lambda error: errors.append(str(error)))
        page.goto(server.base_url + "/")
        page.fill("#nickname", nickname)
        page.press("#nickname", "Enter")
        expect(page.locator("#play")).to_be_enabled(timeout=WAIT_MS)
        return page

    yield guest
    for context in contexts:
        context.close()
    assert errors == []


def _shot(page: Page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def _wait_state(page: Page, state: str) -> None:
    expect(page.locator("#game")).to_have_attribute("data-state", state, timeout=WAIT_MS)


def _wait_question(page: Page, n: int) -> None:
    _wait_state(page, "question")
    expect(page.locator("#question-index")).to_have_text(f"{n} / 10", timeout=WAIT_MS)


def _ask_for_choices(page: Page, n: int) -> list[str]:
    """Presses the alternatives key in the empty answer box; returns question `n`'s four choices.

    Waits for the group to name question `n`: an earlier question's choices never satisfy it."""
    page.keyboard.press("?")
    group = page.locator(f"#choices[data-index='{n - 1}']:not([hidden])")
    expect(group).to_be_visible(timeout=WAIT_MS)
    return group.locator(".choice-text").all_text_contents()


def test_two_players_play_a_whole_battle_in_the_browser(join: Callable[..., Page]) -> None:
    bank = _bank()
    typist = join("Ada")
    picker = join("Bo", PHONE)

    typist.click("#play")
    picker.click("#play")
    _wait_state(typist, "countdown")
    expect(typist.locator(".player-them .player-name")).to_have_text("Bo")
    expect(picker.locator(".player-them .player-name")).to_have_text("Ada")
    expected = {"typist": 0, "picker": 0}
    for n in range(1, 11):
        for page in (typist, picker):
            _wait_question(page, n)
        # A new question leaves nothing of the last one's alternatives in the page.
        expect(picker.locator("#choices .choice-text:not(:empty)")).to_have_count(0)
        question = bank[typist.locator("#question-text").inner_text()]
        if n == 1:
            _shot(typist, "question-desktop")
        choices = _ask_for_choices(picker, n)
        if n == 1:
            _shot(picker, "question-phone")
        right_choice = str(choices.index(question["answer"]) + 1)
        if n == PICKER_FIRST_AT:
            picker.keyboard.press(right_choice)
            expected["picker"] += 1
        elif n == WRONG_TYPED_AT:
            typist.fill("#answer", "certainly not this")
            typist.press("#answer", "Enter")
            expect(picker.locator("#feed")).to_contain_text("Ada answered wrong", timeout=WAIT_MS)
            picker.keyboard.press(right_choice)
            expected["picker"] += 1
        else:
            typist.fill("#answer", question["answer"])
            typist.press("#answer", "Enter")
            expected["typist"] += 3
        for page in (typist, picker):
            _wait_state(page, "reveal")
            expect(page.locator("#reveal-answer")).to_have_text(question["answer"])
        if n == WRONG_TYPED_AT:
            typist.click("#report summary")
            typist.click("#report .report-kind[data-kind='judged-wrongly']")
            expect(typist.locator("#report-note")).to_have_text(
                "Thanks — a moderator will look at it.", timeout=WAIT_MS
            )
            _shot(typist, "reveal-desktop")
            _shot(picker, "reveal-phone")

    for page in (typist, picker):
        _wait_state(page, "result")
    _shot(typist, "result-desktop")
    _shot(picker, "result-phone")
    expect(typist.locator("#result-headline")).to_have_text("You won!")
    expect(picker.locator("#result-headline")).to_have_text("You lost")
    expect(typist.locator("#result-scores")).to_have_text(
        f"Ada {expected['typist']} – {expected['picker']} Bo"
    )
    typist.click("#replay-link")
    expect(typist.locator("h1")).to_have_text("You won")
    _shot(typist, "replay-desktop")


def test_a_reload_during_a_question_restores_the_battle(join: Callable[..., Page]) -> None:
    bank = _bank()
    stayer, reloader = join("Cy"), join("Di")
    stayer.click("#play")
    reloader.click("#play")
    for page in (stayer, reloader):
        _wait_question(page, 1)
    question = bank[stayer.locator("#question-text").inner_text()]

    asked: list[str] = []
    reloader.on("dialog", lambda dialog: (asked.append(dialog.type), dialog.accept()))
    reloader.reload()  # leaving a battle asks first; the player insists
    _wait_question(reloader, 1)
    assert asked == ["beforeunload"]
    expect(reloader.locator("#question-text")).to_have_text(question["text"])
    expect(reloader.locator(".player-them .player-name")).to_have_text("Cy")
    stayer.fill("#answer", question["answer"])
    stayer.press("#answer", "Enter")

    _wait_state(reloader, "reveal")
    expect(reloader.locator("#story")).to_contain_text("Cy took it")


def test_a_lone_player_can_take_the_practice_bot(join: Callable[..., Page]) -> None:
    player = join("Eve", PHONE)
    player.click("#play")
    expect(player.locator("#bot-accept")).to_be_visible(timeout=WAIT_MS)

    player.click("#bot-accept")

    _wait_state(player, "countdown")
    expect(player.locator("#intro-note")).to_contain_text("practice game")
    _shot(player, "countdown-bot-phone")


@pytest.mark.parametrize(("motion", "moving"), [("reduce", False), ("no-preference", True)])
def test_nothing_moves_for_a_player_who_asked_for_reduced_motion(join, motion, moving):
    player = join(f"Mo {motion[:2]}", reduced_motion=motion)

    player.click("#play")

    _wait_state(player, "waiting")
    animation = player.evaluate(
        "getComputedStyle(document.querySelector('.searching span')).animationName"
    )
    assert (animation != "none") is moving
    player.click("#cancel")
