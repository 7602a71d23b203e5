"""The page-quality checks catch what they promise: each made-up page breaks one rule."""

from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import quote

import pytest
from playwright.sync_api import Browser, Page

from tests.browser.quality import assert_clean, layout_shift, reset_layout_shift, watch

pytestmark = pytest.mark.browser

STYLE = "<style>body { margin: 0; font: 16px sans-serif; } .card { width: 300px; }</style>"
CLEAN = '<main><section class="card"><h1>Fine</h1><button>Play</button></section></main>'


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 390, "height": 844})
    page = context.new_page()
    watch(page)
    yield page
    context.close()


def open_page(page: Page, body: str) -> None:
    """A new document (so watch's observer is in it) made of `body`."""
    html = f'<!doctype html><html lang="en"><title>t</title>{STYLE}{body}</html>'
    page.goto("data:text/html," + quote(html))


def problems_of(page: Page, body: str) -> str:
    open_page(page, body)
    try:
        assert_clean(page, "quality-check", "phone")
    except AssertionError as failure:
        return str(failure)
    return ""


def test_a_tidy_page_passes(page: Page):
    assert problems_of(page, CLEAN) == ""


def test_a_page_wider_than_the_screen_fails(page: Page):
    found = problems_of(page, CLEAN + '<p style="width: 600px">Too wide</p>')

    assert "scrolls sideways" in found and '"Too wide" reaches outside the viewport' in found


def test_a_button_outside_its_card_fails(page: Page):
    button = '<button style="margin-left: 280px; white-space: nowrap">Stuck out</button>'

    found = problems_of(page, f'<main><section class="card"><h1>Card</h1>{button}</section></main>')

    assert '<button> "Stuck out" reaches outside its <section.card>' in found


def test_a_huge_checkbox_fails(page: Page):
    box = '<label><input type="checkbox" style="width: 40px; height: 40px"> Agree</label>'

    found = problems_of(page, f'<main><section class="card"><h1>Form</h1>{box}</section></main>')

    assert "<input> " in found and "is 40x40px" in found


def test_a_console_error_fails(page: Page):
    open_page(page, CLEAN)
    page.evaluate("console.error('the socket broke')")

    with pytest.raises(AssertionError, match="the socket broke"):
        assert_clean(page, "quality-check", "phone")


def test_text_too_faint_to_read_fails_on_colour_contrast(page: Page):
    faint = '<main><h1>Title</h1><p style="color: #bbb">Hard to read</p></main>'

    assert "serious color-contrast" in problems_of(page, faint)


def test_content_pushed_down_after_loading_counts_as_layout_shift(page: Page):
    open_page(page, CLEAN)
    reset_layout_shift(page)

    page.evaluate("""() => {
        const banner = document.createElement('p');
        banner.style.height = '300px';
        banner.textContent = 'Late banner';
        document.body.prepend(banner);
    }""")

    page.wait_for_function("window.__kwissleShift > 0")
    assert layout_shift(page) > 0.1
