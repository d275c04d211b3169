"""The static explorer of the playground with the keyboard alone (issue 15), and the names of widget controls.

A reader who cannot use a mouse opens book/playground.html and presses Tab from the top of the page. Tab must
reach every slider and every button of the explorer, in page order; each slider is announced by its label
("learning rate"), its value as the reader sees it, and the arrow keys move it and change the picture; Enter on a
data-set button makes it the pressed one and shows that data set. Nothing is clicked and nothing is focused by
script: only Tab, the arrow keys and Enter are pressed.
"""

from __future__ import annotations

import re

import pytest
from browser_checks import DESKTOP, LINKED_CONTROLS_JS, _pictures, _wait_for_pictures, open_page

pytestmark = pytest.mark.browser

PAGE = "book/playground.html"
MAX_TABS = 400

# The explorer's sliders (their handles) and toggle buttons, in page order, each with what a test needs to know.
CONTROLS_JS = """area => [...area.querySelectorAll('[role="slider"], .widget-toggle-buttons button')].map(e => {
    const widget = e.closest('.widget-slider, .widget-toggle-buttons');
    const label = widget.querySelector(':scope > .widget-label');
    return {kind: e.getAttribute('role') === 'slider' ? 'slider' : 'button',
            label: label ? label.textContent.trim() : '', text: e.textContent.trim()};
})"""
FOCUSED_INDEX_JS = """area => [...area.querySelectorAll('[role="slider"], .widget-toggle-buttons button')]
    .indexOf(document.activeElement)"""
FOCUSED_JS = """() => { const e = document.activeElement, w = e.closest('.widget-slider');
    const readout = w && w.querySelector(':scope > .widget-readout');
    return {readout: readout ? readout.textContent.trim() : null, valuetext: e.getAttribute('aria-valuetext'),
            pressed: e.getAttribute('aria-pressed')}; }"""


@pytest.fixture(scope="module")
def playground(chromium, book_site):
    context = chromium.new_context(viewport=DESKTOP)
    try:
        page, _, waiting = open_page(context, book_site.base, PAGE)
        assert not waiting, waiting
        yield page
    finally:
        context.close()


def explorer_area(page):
    """The widget view whose sliders and buttons are jslinked to its pictures (the static explorer)."""
    areas = page.locator(".widget-subarea")
    for k in range(areas.count()):
        linked = areas.nth(k).evaluate(LINKED_CONTROLS_JS)
        if linked and (any(linked["sliders"]) or any(linked["toggles"])):
            return areas.nth(k)
    pytest.fail(f"{PAGE}: no widget view with jslinked controls (the static explorer) was found")


def accessible_name(page) -> tuple[str, str]:
    """(role, name) of the focused element, as Chromium's accessibility tree gives them to a screen reader."""
    snapshot = page.locator(":focus").aria_snapshot()
    m = re.match(r'- (\w+)(?: "((?:[^"\\]|\\.)*)")?', snapshot.strip())
    assert m, f"unexpected accessibility snapshot: {snapshot!r}"
    return m.group(1), (m.group(2) or "")


def use_slider(page, area, control) -> list[str]:
    """The focused slider: named by its label, value text = readout; an arrow key moves it and the picture."""
    problems = []
    role, name = accessible_name(page)
    if (role, name) != ("slider", control["label"]):
        problems.append(f"slider {control['label']!r} is announced as {role} {name!r}")
    before, picture = page.evaluate(FOCUSED_JS), _pictures(area)
    if before["valuetext"] != before["readout"]:
        problems.append(f"slider {control['label']!r}: value {before['valuetext']!r}, shown {before['readout']!r}")
    keys = ("ArrowRight", "ArrowLeft")
    page.keyboard.press(keys[0])
    if page.evaluate(FOCUSED_JS)["readout"] == before["readout"]:  # at the right end: move left
        keys = keys[::-1]
        page.keyboard.press(keys[0])
    after = page.evaluate(FOCUSED_JS)
    if after["readout"] == before["readout"]:
        return [*problems, f"slider {control['label']!r}: the arrow keys do not move it ({before['readout']!r})"]
    if not _wait_for_pictures(page, area, picture, same=False):
        problems.append(f"slider {control['label']!r}: {keys[0]} moved it to {after['readout']!r}, same picture")
    try:
        page.wait_for_function(
            "() => document.activeElement.getAttribute('aria-valuetext') === "
            "document.activeElement.closest('.widget-slider').querySelector('.widget-readout').textContent.trim()",
            timeout=2000,
        )
    except Exception:
        now = page.evaluate(FOCUSED_JS)
        label, value, shown = control["label"], now["valuetext"], now["readout"]
        problems.append(f"slider {label!r}: after the move its value says {value!r}, its readout {shown!r}")
    page.keyboard.press(keys[1])
    if not _wait_for_pictures(page, area, picture, same=True):
        problems.append(f"slider {control['label']!r}: {keys[1]} did not bring the first picture back")
    return problems


def use_button(page, area, control) -> list[str]:
    """The focused toggle button: Enter makes it the pressed one; if it was not, the picture changes."""
    role, name = accessible_name(page)
    problems = [] if role == "button" and name == control["text"] else [f"button {control['text']!r}: {role} {name!r}"]
    was_pressed, picture = page.evaluate(FOCUSED_JS)["pressed"], _pictures(area)
    if was_pressed not in ("true", "false"):
        problems.append(f"button {control['text']!r} does not say whether it is pressed (aria-pressed={was_pressed})")
    page.keyboard.press("Enter")
    try:
        page.wait_for_function("() => document.activeElement.getAttribute('aria-pressed') === 'true'", timeout=2000)
    except Exception:
        problems.append(f"button {control['text']!r}: after Enter it does not say it is pressed")
    if was_pressed == "false" and not _wait_for_pictures(page, area, picture, same=False):
        problems.append(f"button {control['text']!r}: Enter did not change the picture")
    return problems


def test_explorer_works_with_the_keyboard_alone(playground):
    page = playground
    area = explorer_area(page)
    controls = area.evaluate(CONTROLS_JS)
    kinds = [c["kind"] for c in controls]
    assert kinds.count("slider") >= 2 and kinds.count("button") >= 2, f"explorer controls found: {controls}"
    reached, problems = [], []
    for _ in range(MAX_TABS):
        page.keyboard.press("Tab")
        if not area.evaluate("a => a.contains(document.activeElement)"):
            if reached:  # Tab has left the explorer after going through it
                break
            continue
        index = area.evaluate(FOCUSED_INDEX_JS)
        if index < 0:  # another stop inside the explorer (a slider's editable readout)
            continue
        reached.append(index)
        use = use_slider if controls[index]["kind"] == "slider" else use_button
        problems += use(page, area, controls[index])
    assert reached == list(range(len(controls))), (
        f"Tab reached the explorer's controls {reached}, expected each of {len(controls)} once, in page order: "
        f"{controls}"
    )
    assert not problems, "\n".join(problems)


def test_every_slider_is_named_by_its_label(playground):
    """Every widget slider on the page (the live playground's too) is announced by its visible label."""
    page = playground
    labels = page.eval_on_selector_all(
        ".widget-slider",
        "ws => ws.map(w => { const l = w.querySelector(':scope > .widget-label');"
        " return l && l.style.display !== 'none' ? l.textContent.trim() : null; })",
    )
    assert len(labels) >= 2 and all(labels), f"sliders without a visible label: {labels}"
    names = [page.get_by_role("slider", name=label, exact=True).count() for label in labels]
    missing = [label for label, n in zip(labels, names, strict=True) if n == 0]
    assert not missing, f"no slider is named {missing} although a slider shows that label"
    assert page.get_by_role("slider").count() == len(labels)
