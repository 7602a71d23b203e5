"""A tour of every page but the battle's own states, at a desktop's size and a phone's.

Each stop opens a page as a visitor, a guest, a signed-in player or an admin, waits for what
only that page shows, and runs the checks of tests/browser/quality.py on it (screenshots in
test-artifacts/tour/). One browser; one context per identity and viewport, kept for the module.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect

from admin.pages import USERS_PAGE
from game.fair_play import Signal, SignalKind
from game.pipeline import PointAward, Report, ReportKind, new_submission
from game.questions import Question
from game.record import PlayerEntry
from game.statistics import day_of
from handlers.base import SESSION_COOKIE
from services import leaderboards
from services.reports.catalog import REPORTS
from services.reports.filters import read_filters
from services.reports.serving import build_and_save
from store.port import Store, User
from tests.browser.quality import assert_clean, layout_shift, watch
from tests.pipeline.live import Site, account, running_site, signed_in, with_store
from tests.store.samples import make_battle

pytestmark = pytest.mark.browser

VIEWPORTS = {
    "desktop": {"viewport": {"width": 1280, "height": 800}},
    "phone": {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True},
}
WAIT_MS = 10_000
MAX_LAYOUT_SHIFT = 0.05  # Google's "good" is 0.1; a page without late content shifts nothing

PLAYER = account("tour-player", nickname="Robin")
ADMIN = account("tour-admin", "moderator", "admin", nickname="Morgan")
AUTHOR = account("tour-author", nickname="Sasha")
OPPONENT = User("g-tour-opponent", "Kim")
BATTLE_ID = "5eed" * 8
BANK_QUESTION = "fixture-002"  # "What is the largest ocean on Earth?"


def a_question(question_id: str, text: str, answer: str, wrong: tuple[str, str, str]) -> Question:
    return Question(question_id, "space", 2, text, answer, wrong, published=False)


async def fill(store: Store) -> None:
    """A battle of the player's with a report on it and a fair-play signal, a question by the
    player and one by another author waiting for reviews, and contributor points."""
    now = time.time()
    for user in (PLAYER, ADMIN, AUTHOR, OPPONENT):
        await store.save_user(user)
    battle = make_battle(
        BATTLE_ID,
        finished_at=now - 3 * 3600,
        question_ids=("fixture-001", BANK_QUESTION, "fixture-011"),
        players=(PLAYER.id, OPPONENT.id),
    )
    seats = (PlayerEntry(PLAYER.id, PLAYER.nickname, 9), PlayerEntry(OPPONENT.id, "Kim", 0))
    await store.record_battle(replace(battle, players=seats))
    mine = a_question(
        "u-tour-mine",
        "Which planet is known as the Red Planet?",
        "Mars",
        ("Venus", "Jupiter", "Mercury"),
    )
    theirs = a_question(
        "u-tour-theirs",
        "Which planet has the most moons?",
        "Saturn",
        ("Jupiter", "Uranus", "Neptune"),
    )
    await store.add_submission(*new_submission(mine, PLAYER.id, now))
    await store.add_submission(*new_submission(theirs, AUTHOR.id, now))
    typed = "Pacific Ocen"
    await store.save_report(
        Report(BATTLE_ID, BANK_QUESTION, PLAYER.id, ReportKind.JUDGED_WRONGLY, typed, now)
    )
    await store.award_points([PointAward(AUTHOR.id, theirs.id, 10, "published")])
    fast = "question 2: 120 ms after it reached them (180 ms after it opened, round trip 60 ms)"
    await store.add_fair_play_signals(
        [
            Signal(
                SignalKind.TOO_FAST,
                OPPONENT.id,
                BATTLE_ID,
                now,
                f"1 right answer faster than 250 ms: {fast}",
            )
        ]
    )
    for n in range(USERS_PAGE + 5):  # more readers than one page of the users list holds
        await store.save_user(account(f"tour-reader-{n:02d}", nickname=f"Reader {n:02d}"))
    # Every report built as a worker would, for the filters a page asks by default.
    last_30_days = read_filters({}, day_of(now))
    for name in REPORTS:
        await build_and_save(store, name, last_30_days)
    await build_and_save(store, leaderboards.NAME, leaderboards.for_category(None, day_of(now)))


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    with running_site(tmp_path_factory.mktemp("tour")) as running:
        with_store(running.var_dir, fill)
        yield running


@pytest.fixture(scope="module")
def contexts(browser: Browser, site: Site) -> Iterator[Callable[[str, str], BrowserContext]]:
    """The context of an identity (visitor, guest, player, admin) at a viewport, made once."""
    made: dict[tuple[str, str], BrowserContext] = {}
    people = {"player": PLAYER, "admin": ADMIN}

    def context_for(viewport: str, who: str) -> BrowserContext:
        if (viewport, who) not in made:
            context = browser.new_context(**VIEWPORTS[viewport])
            context.set_default_timeout(WAIT_MS)
            if who in people:
                client = signed_in(site.var_dir, site.secret(), people[who])
                host = urlsplit(site.game.base_url).hostname
                context.add_cookies(
                    [{"name": SESSION_COOKIE, "value": client.cookies[SESSION_COOKIE],
                      "domain": host, "path": "/", "httpOnly": True}]
                )  # fmt: skip
            made[viewport, who] = context
        return made[viewport, who]

    yield context_for
    for context in made.values():
        context.close()


@dataclass(frozen=True)
class Stop:
    name: str
    who: str
    visit: Callable[[Page, Site], None]  # goes there and waits for what only that page shows


def heading(page: Page, url: str, text: str) -> None:
    page.goto(url)
    expect(page.get_by_role("heading", level=1)).to_contain_text(text)


def welcome_with_error(page: Page, site: Site) -> None:
    heading(page, site.game.base_url + "/", "Quiz battles")
    page.fill("#nickname", "A")
    expect(page.locator("#nickname-count")).to_have_text("1/24")  # counted as typed
    page.get_by_role("button", name="Let’s play").click()
    expect(page.locator("#nickname-error")).to_be_visible()


def lobby(page: Page, site: Site) -> None:
    heading(page, site.game.base_url + "/", "Quiz battles")
    page.fill("#nickname", "Tourist")
    page.get_by_role("button", name="Let’s play").click()
    expect(page.locator("#play")).to_be_enabled()


def signin_sent(page: Page, site: Site) -> None:
    heading(page, site.game.base_url + "/signin", "Sign in")
    page.fill("#email", "tourist@example.org")
    page.get_by_role("button", name="Mail me a link").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your mail")


def preview_with_problems(page: Page, site: Site) -> None:
    heading(page, site.game.base_url + "/questions/new", "Write a question")
    page.select_option("#f-category", "geography")
    page.fill("#f-text", "What is the largest ocean on planet Earth?")
    page.fill("#f-answer", "Pacific")
    for number, wrong in enumerate(("Atlantic", "Pacific", "Arctic"), 1):
        page.fill(f"#f-wrong{number}", wrong)
    page.get_by_role("button", name="Preview").click()
    expect(page.locator(".problems")).to_be_visible()


def game_page(path: str, text: str) -> Callable[[Page, Site], None]:
    return lambda page, site: heading(page, site.game.base_url + path, text)


def admin_page(path: str, text: str) -> Callable[[Page, Site], None]:
    return lambda page, site: heading(page, site.admin_url + path, text)


STOPS = [
    Stop("home", "visitor", game_page("/", "Quiz battles")),
    Stop("welcome-error", "visitor", welcome_with_error),
    Stop("lobby", "guest", lobby),
    Stop("rules", "visitor", game_page("/rules", "How to play")),
    Stop("rules-answers", "visitor", game_page("/rules/answers", "judged")),
    Stop("contributors", "visitor", game_page("/contributors", "Contributors")),
    Stop("signin", "visitor", game_page("/signin", "Sign in")),
    Stop("signin-sent", "visitor", signin_sent),
    Stop("forbidden", "visitor", game_page("/questions/new", "Sign in to write or review")),
    Stop("not-found", "visitor", game_page("/nowhere", "Nothing here")),
    Stop("write", "player", game_page("/questions/new", "Write a question")),
    Stop("write-preview", "player", preview_with_problems),
    Stop("mine", "player", game_page("/questions/mine", "My questions")),
    Stop("review", "player", game_page("/review", "Review a question")),
    Stop("account", "player", game_page("/account", PLAYER.nickname)),
    Stop("replay", "player", game_page(f"/battles/{BATTLE_ID}", "You won")),
    Stop("leaderboards", "player", game_page("/leaderboards", "Leaderboards")),
    Stop("profile", "player", game_page(f"/players/{PLAYER.id}", PLAYER.nickname)),
    Stop("ratings", "visitor", game_page("/rules/ratings", "How ratings work")),
    Stop("admin-forbidden", "player", admin_page("/admin", "Moderators only")),
    Stop("admin-dashboard", "admin", admin_page("/admin", "Dashboard")),
    Stop("admin-queue", "admin", admin_page("/admin/queue", "Moderation")),
    Stop("admin-reports", "admin", admin_page("/admin/reports", "Reports")),
    Stop("admin-question", "admin", admin_page(f"/admin/questions/{BANK_QUESTION}", "Edit")),
    Stop("admin-users", "admin", admin_page("/admin/users", "Users")),
    Stop("admin-users-found", "admin", admin_page("/admin/users?q=reader&notice=granted", "Users")),
    Stop("admin-queue-found", "admin", admin_page("/admin/queue?q=moons&notice=published", "Mod")),
    Stop("admin-reports-done", "admin", admin_page("/admin/reports?notice=dismissed", "Reports")),
    Stop("admin-statistics", "admin", admin_page("/admin/statistics", "Statistics")),
    Stop("admin-fair-play", "admin", admin_page("/admin/fair-play", "Fair play")),
    *(
        Stop(f"admin-report-{name}", "admin", admin_page(f"/admin/statistics/{name}", spec.title))
        for name, spec in REPORTS.items()
    ),
    Stop("admin-not-found", "admin", admin_page("/admin/nowhere", "Nothing here")),
]


@pytest.mark.parametrize("viewport", VIEWPORTS)
@pytest.mark.parametrize("stop", STOPS, ids=lambda stop: stop.name)
def test_the_page_looks_finished(
    stop: Stop, viewport: str, site: Site, contexts: Callable[[str, str], BrowserContext]
):
    page = contexts(viewport, stop.who).new_page()
    watch(page)

    stop.visit(page, site)

    assert layout_shift(page) <= MAX_LAYOUT_SHIFT, f"{stop.name}: {layout_shift(page):.3f}"
    assert_clean(page, stop.name, viewport)
    page.close()
