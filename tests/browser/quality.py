"""Page-quality checks for browser tests: what a first-time visitor would see as broken.

Use on a Playwright page (sync API):

    watch(page)                        # once, before the page's first goto
    page.goto(url)
    assert_clean(page, "lobby", "phone")

`assert_clean` saves a full-page screenshot to test-artifacts/tour/NAME-VIEWPORT.png, then fails
on a page that scrolls sideways; a visible control, button or piece of text outside the viewport
or outside its nearest CONTAINER (inside a sideways-scrolling box, that box counts instead); a
checkbox or radio button larger than MAX_CHECK_PX; a console error or uncaught page error since
`watch`; a serious or critical axe-core violation (colour contrast included).

`layout_shift(page)` is the cumulative layout shift (entries after input left out) since the
document loaded or since `reset_layout_shift(page)`.

axe-core comes from node_modules (`scripts/setup --dev`). It is evaluated through the DevTools
protocol rather than added as a script tag: the site's Content Security Policy refuses inline
script, and turning the policy off would hide the violations these checks are meant to see.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from playwright.sync_api import ConsoleMessage, Page

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts" / "tour"
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
# Boxes a control or a line of text must stay inside: cards, and the battle screen's panels.
CONTAINER = ".card, .player, .question-card, .reveal, .result, .intro"
MAX_CHECK_PX = 32
FAILING_IMPACTS = ("serious", "critical")

_SHIFT_OBSERVER = """
window.__kwissleShift = 0;
window.__kwissleShifted = [];
window.__kwissleShiftObserver = new PerformanceObserver((list) => {
  for (const entry of list.getEntries()) {
    if (entry.hadRecentInput) continue;
    window.__kwissleShift += entry.value;
    const names = entry.sources.map((source) => {
      const node = source.node;
      if (!node || !node.tagName) return "(gone)";
      return node.tagName.toLowerCase() + (node.id ? "#" + node.id : "")
        + [...node.classList].map((c) => "." + c).join("");
    });
    window.__kwissleShifted.push(entry.value.toFixed(3) + " " + names.join(", "));
  }
});
window.__kwissleShiftObserver.observe({type: "layout-shift", buffered: true});
"""

# Returns one line per element that lies outside the viewport or its container, or is an
# oversized checkbox; and one for sideways scrolling of the whole page.
_LAYOUT_PROBLEMS = r"""
([container, maxCheck]) => {
  const root = document.documentElement;
  const width = root.clientWidth;
  const problems = [];
  if (root.scrollWidth > width) {
    problems.push(`the page scrolls sideways: ${root.scrollWidth}px of content in ${width}px`);
  }
  const tag = (el) => {
    const id = el.id ? `#${el.id}` : "";
    return `<${el.tagName.toLowerCase()}${id}${[...el.classList].map((c) => `.${c}`).join("")}>`;
  };
  const describe = (el) => {
    const text = el.innerText || el.value || el.getAttribute("aria-label") || "";
    return `${tag(el)} "${text.replace(/\s+/g, " ").trim().slice(0, 40)}"`;
  };
  const ownText = (el) => [...el.childNodes].some(
    (n) => n.nodeType === Node.TEXT_NODE && n.textContent.trim());
  const clipsSideways = (el) => ["auto", "scroll", "hidden", "clip"].includes(
    getComputedStyle(el).overflowX);
  // What the eye sees of an element: its box, or that of the box scrolling it sideways.
  const seenBox = (el) => {
    for (let up = el.parentElement; up && up !== document.body; up = up.parentElement) {
      if (clipsSideways(up)) return up.getBoundingClientRect();
    }
    return el.getBoundingClientRect();
  };
  const outside = (box, frame) => box.left < frame.left - 0.5 || box.right > frame.right + 0.5;
  for (const el of document.body.querySelectorAll("*")) {
    const control = el.matches("input, select, textarea, button, a, summary, img, svg");
    if (!control && !ownText(el)) continue;
    if (!el.checkVisibility({checkOpacity: true, checkVisibilityCSS: true})) continue;
    const own = el.getBoundingClientRect();
    if (own.width <= 1 || own.height <= 1) continue;  // visually hidden, for screen readers
    const box = seenBox(el);
    if (outside(box, {left: 0, right: width})) {
      problems.push(`${describe(el)} reaches outside the viewport (${Math.round(box.left)}px`
        + ` to ${Math.round(box.right)}px of ${width}px)`);
      continue;
    }
    const frame = el.parentElement && el.parentElement.closest(container);
    if (frame && outside(box, frame.getBoundingClientRect())) {
      problems.push(`${describe(el)} reaches outside its ${tag(frame)}`);
    }
    if (el.matches("input[type=checkbox], input[type=radio]")
        && (own.width > maxCheck || own.height > maxCheck)) {
      problems.push(`${describe(el)} is ${Math.round(own.width)}x${Math.round(own.height)}px`);
    }
  }
  return problems;
}
"""

_AXE_VIOLATIONS = """
async (impacts) => {
  const result = await axe.run(document, {resultTypes: ["violations"]});
  return result.violations
    .filter((v) => impacts.includes(v.impact))
    .map((v) => `${v.impact} ${v.id}: ${v.help} at `
      + v.nodes.slice(0, 5).map((n) => n.target.join(" ")).join(", "));
}
"""

# Lets transitions and entrances finish (looping animations go on), so that what is checked
# and photographed is the page at rest, not half faded in.
_SETTLE = """
() => Promise.all(document.getAnimations()
  .filter((a) => a.effect?.getComputedTiming().iterations !== Infinity)
  .map((a) => a.finished.catch(() => null)))
"""

_errors: dict[Page, list[str]] = {}


def watch(page: Page) -> None:
    """Collect the page's console errors and uncaught errors, and sum its layout shifts.

    Call before the first `goto`. A document that answers with an error status (a 404 page)
    is not itself counted as an error: the page shows it on purpose.
    """
    errors = _errors.setdefault(page, [])

    def on_console(message: ConsoleMessage) -> None:
        if message.type != "error":
            return
        own_status = message.location.get("url") == page.url and message.text.startswith(
            "Failed to load resource"
        )
        if not own_status:
            errors.append(f"console: {message.text} ({message.location.get('url')})")

    page.on("console", on_console)
    page.on("pageerror", lambda error: errors.append(f"page error: {error}"))
    page.on("close", lambda _: _errors.pop(page, None))
    page.add_init_script(_SHIFT_OBSERVER)


def layout_shift(page: Page) -> float:
    """Cumulative layout shift since the document loaded or the last reset."""
    return float(page.evaluate("window.__kwissleShift"))


def shifted_elements(page: Page) -> list[str]:
    """Each layout shift since the last reset: its score and the elements that moved."""
    return list(page.evaluate("window.__kwissleShifted"))


# Shifts are reported to the observer some time after the frame they happened in: a reset
# right after a resize would count the resize's own shifts. Two frames on, whatever the page
# did before the reset has been laid out, and its pending entries are taken and dropped.
_RESET_SHIFT = """
async () => {
  const frame = () => new Promise((done) => requestAnimationFrame(done));
  await frame();
  await frame();
  window.__kwissleShiftObserver.takeRecords();
  window.__kwissleShift = 0;
  window.__kwissleShifted = [];
}
"""


def reset_layout_shift(page: Page) -> None:
    """Start summing layout shifts afresh, e.g. before a state change worth measuring, once
    what came before it (a resize, say) has been laid out."""
    page.evaluate(_RESET_SHIFT)


def assert_clean(page: Page, name: str, viewport_label: str) -> None:
    """Screenshot the page as test-artifacts/tour/NAME-VIEWPORT_LABEL.png, then fail with every
    problem found (see the module docstring). The page must have been `watch`ed."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.evaluate(_SETTLE)
    page.screenshot(path=ARTIFACTS / f"{name}-{viewport_label}.png", full_page=True)
    problems: list[str] = page.evaluate(_LAYOUT_PROBLEMS, [CONTAINER, MAX_CHECK_PX])
    problems += _errors[page]
    problems += _axe_violations(page)
    assert not problems, f"{name} at {viewport_label}:\n  " + "\n  ".join(problems)


def _axe_violations(page: Page) -> list[str]:
    if not page.evaluate("typeof window.axe === 'object'"):
        if not AXE.exists():
            raise FileNotFoundError(f"{AXE} is missing: run scripts/setup --dev")
        page.evaluate(AXE.read_text(encoding="utf-8"))
    violations: Any = page.evaluate(_AXE_VIOLATIONS, list(FAILING_IMPACTS))
    return list(violations)
