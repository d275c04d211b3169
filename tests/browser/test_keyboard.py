"""The explorer of precomputed runs on the playground page with the keyboard alone (issues 15 and 23).

A reader who cannot use a mouse opens book/playground.html and presses Tab from the top of the page. Tab must
reach the explorer's three controls (data set, learning rate, hidden units) in page order; each is announced by its
label, a slider with the value the page shows beside it; the arrow keys change it, and with it the picture and the
picture's alternative text. Nothing is clicked and nothing is focused by script: only Tab and the arrow keys.
"""

from __future__ import annotations

import re

import pytest
from browser_checks import DESKTOP, _pictures, _wait_for_pictures, open_page

pytestmark = pytest.mark.browser

PAGE = "book/playground.html"
MAX_TABS = 400

# The explorer's controls, in page order, each with its kind and its label's text.
CONTROLS_JS = """form => [...form.querySelectorAll('select, input[type=range]')].map(e => ({
    kind: e.tagName === 'SELECT' ? 'select' : 'slider',
    label: form.querySelector(`label[for="${e.id}"]`).textContent.trim()}))"""
FOCUSED_INDEX_JS = """form => [...form.querySelectorAll('select, input[type=range]')].indexOf(document.activeElement)"""
FOCUSED_JS = """() => { const e = document.activeElement, out = document.querySelector(`output[for="${e.id}"]`);
    return {value: e.value, shown: out ? out.textContent.trim() : null,
            valuetext: e.getAttribute('aria-valuetext')}; }"""


@pytest.fixture(scope="module")
def playground(chromium, book_site):
    context = chromium.new_context(viewport=DESKTOP)
    try:
        page, _, waiting = open_page(context, book_site.base, PAGE)
        assert not waiting, waiting
        page.wait_for_function("() => document.querySelector('form.scratchnn-explorer')?.dataset.ready === 'true'")
        yield page
    finally:
        context.close()


def accessible_name(page) -> tuple[str, str]:
    """(role, name) of the focused element, as Chromium's accessibility tree gives them to a screen reader."""
    snapshot = page.locator(":focus").aria_snapshot()
    m = re.match(r'- (\w+)(?: "((?:[^"\\]|\\.)*)")?', snapshot.strip())
    assert m, f"unexpected accessibility snapshot: {snapshot!r}"
    return m.group(1), (m.group(2) or "")


def use_control(page, area, control) -> list[str]:
    """The focused control: named by its label (a slider's value text = the value shown); an arrow key changes it
    and the picture with its alt text; the opposite key brings the first picture back."""
    problems = []
    role, name = accessible_name(page)
    expected_role = "slider" if control["kind"] == "slider" else "combobox"
    if (role, name) != (expected_role, control["label"]):
        problems.append(f"{control['label']!r} is announced as {role} {name!r}")
    before, picture = page.evaluate(FOCUSED_JS), _pictures(area)
    if control["kind"] == "slider" and before["valuetext"] != before["shown"]:
        problems.append(f"slider {control['label']!r}: value {before['valuetext']!r}, shown {before['shown']!r}")
    keys = ("ArrowRight", "ArrowLeft") if control["kind"] == "slider" else ("ArrowDown", "ArrowUp")
    page.keyboard.press(keys[0])
    if page.evaluate(FOCUSED_JS)["value"] == before["value"]:  # at the end: the other way
        keys = keys[::-1]
        page.keyboard.press(keys[0])
    after = page.evaluate(FOCUSED_JS)
    if after["value"] == before["value"]:
        return [*problems, f"{control['label']!r}: the arrow keys do not change it ({before['value']!r})"]
    if not _wait_for_pictures(page, area, picture, same=False):
        problems.append(f"{control['label']!r}: {keys[0]} changed it to {after['value']!r}, same picture or alt text")
    if control["kind"] == "slider" and after["valuetext"] != after["shown"]:
        problems.append(
            f"slider {control['label']!r}: after the move it says {after['valuetext']!r}, shows {after['shown']!r}"
        )
    page.keyboard.press(keys[1])
    if not _wait_for_pictures(page, area, picture, same=True):
        problems.append(f"{control['label']!r}: {keys[1]} did not bring the first picture back")
    return problems


def test_explorer_works_with_the_keyboard_alone(playground):
    page = playground
    area = page.locator("form.scratchnn-explorer")
    controls = area.evaluate(CONTROLS_JS)
    assert [c["label"] for c in controls] == ["data set", "learning rate", "hidden units"], controls
    reached, problems = [], []
    for _ in range(MAX_TABS):
        page.keyboard.press("Tab")
        if not area.evaluate("a => a.contains(document.activeElement)"):
            if reached:  # Tab has left the explorer after going through it
                break
            continue
        index = area.evaluate(FOCUSED_INDEX_JS)
        reached.append(index)
        problems += use_control(page, area, controls[index])
    assert reached == list(range(len(controls))), (
        f"Tab reached the explorer's controls {reached}, expected each of {len(controls)} once, in page order: "
        f"{controls}"
    )
    assert not problems, "\n".join(problems)


def test_changing_both_sliders_shows_that_run(playground):
    """Moving both sliders shows the picture of that (learning rate, hidden units) pair, fetched then, not before."""
    page = playground
    area = page.locator("form.scratchnn-explorer")
    page.locator("#ex-lr").focus()
    page.keyboard.press("Home")
    page.locator("#ex-hidden").focus()
    page.keyboard.press("End")
    img = area.locator("img.ex-picture")
    page.wait_for_function("i => i.complete && i.naturalWidth > 0", arg=img.element_handle())
    src, alt = img.get_attribute("src"), img.get_attribute("alt")
    assert src.endswith("-lr0.01-h16.png"), src
    assert "learning rate 0.01, 16 hidden units" in alt, alt
    assert "learning rate 0.01, 16 hidden units" in area.locator(".ex-announce").text_content()
