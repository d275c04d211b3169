"""The live playground of book/playground.html in Chromium (issue 20): it trains in the page's Python, with no
kernel and nothing from another host. One page load (Python starts once); the tests run in file order on it.
"""

from __future__ import annotations

import re

import pytest
from accessibility import check_axe, switch_theme
from browser_checks import DESKTOP, NARROW, check_requests, record

pytestmark = pytest.mark.browser

PAGE = "book/playground"
TIMEOUT_MS = 300_000
ROOT = "#scratchnn-playground"
PICTURE = f"{ROOT} .pg-picture"
PIXELS_JS = f"() => document.querySelector('{ROOT} .pg-picture').toDataURL()"
STATE_JS = f"""() => {{ const root = document.querySelector('{ROOT}'), pg = window.scratchnnPlayground;
    return {{ epoch: Number(root.dataset.epoch), frames: Number(root.dataset.frames || 0), playing: pg.playing,
              busy: pg.busy, done: Boolean(pg.frame && pg.frame.done), points: pg.view ? pg.view.points.length : 0,
              verdict: root.querySelector('.pg-verdict').textContent, error: root.querySelector('.pg-error').hidden
                ? '' : root.querySelector('.pg-error').textContent }}; }}"""
IDLE_JS = "() => { const pg = window.scratchnnPlayground; return pg.frame && pg.frame.done && !pg.busy; }"


@pytest.fixture(scope="module")
def context(chromium):
    """One browser context: the second page (390 px) gets Python from the HTTP cache, as a reader's browser does."""
    ctx = chromium.new_context(viewport=DESKTOP)
    yield ctx
    ctx.close()


def open_playground(context, book_site, viewport):
    tab = context.new_page()
    tab.set_viewport_size(viewport)
    tab.set_default_timeout(TIMEOUT_MS)
    rec = record(tab, book_site.base)
    response = tab.goto(f"{book_site.base}{PAGE}.html", wait_until="load")
    rec.main_status = response.status if response else None
    tab.wait_for_function("() => window.scratchnnPlayground && window.scratchnnPlayground.root")
    tab.rec = rec
    return tab


@pytest.fixture(scope="module")
def page(context, book_site):
    tab = open_playground(context, book_site, DESKTOP)
    yield tab
    tab.close()


@pytest.fixture(scope="module")
def narrow_page(context, book_site):
    """The playground opened at 390 px (the theme decides at load time which code blocks scroll)."""
    tab = open_playground(context, book_site, NARROW)
    tab.click(f"{ROOT} .pg-start")
    wait_idle(tab)
    yield tab
    tab.close()


def state(page) -> dict:
    return page.evaluate(STATE_JS)


def wait_idle(page):
    page.wait_for_function(IDLE_JS, timeout=TIMEOUT_MS)


def set_control(page, name: str, value):
    """Set a control as a reader's release of a slider does: the value, then one change event."""
    page.evaluate(
        """([root, name, value]) => { const input = document.querySelector(`${root} [name="${name}"]`);
            input.value = String(value); input.dispatchEvent(new Event('change', {bubbles: true})); }""",
        [ROOT, name, value],
    )


def test_before_start_the_page_says_it_shows_the_explorer_and_loads_no_python(page):
    which = page.inner_text(f"{ROOT} .pg-which")
    assert "explorer" in which and "not running" in which, which
    assert page.is_visible(f"{ROOT} .pg-start") and not page.is_visible(f"{ROOT} .pg-live")
    assert not [url for url in page.rec.requests if "/vendor/pyodide/" in url], "Python fetched before Start"


def test_start_trains_and_the_epoch_counter_reaches_the_end(page):
    page.click(f"{ROOT} .pg-start")
    page.wait_for_function(f"() => Number(document.querySelector('{ROOT}').dataset.frames || 0) > 0")
    assert "live playground" in page.inner_text(f"{ROOT} .pg-which")
    wait_idle(page)
    s = state(page)
    assert s["epoch"] == 1000 and s["frames"] > 3 and s["verdict"].startswith("Trained"), s
    assert page.inner_text(f"{ROOT} .pg-epoch") == "Epoch 1000 of 1000"
    assert "held-out cost" in page.inner_text(f"{ROOT} .pg-costs")
    assert "Trained" in page.get_attribute(PICTURE, "aria-label")
    assert "Training stopped at epoch 1000" in page.inner_text(f"{ROOT} .pg-announce")
    box = page.locator(PICTURE).bounding_box()
    assert box["width"] >= 400, box


@pytest.mark.parametrize(("name", "value"), [("lr", -2), ("hidden", 12)])
def test_learning_rate_and_hidden_units_retrain_and_change_the_picture(page, name, value):
    wait_idle(page)
    before = page.evaluate(PIXELS_JS)
    frames = state(page)["frames"]
    set_control(page, name, value)
    page.wait_for_function(f"n => Number(document.querySelector('{ROOT}').dataset.frames) > n", arg=frames)
    wait_idle(page)
    assert page.evaluate(PIXELS_JS) != before, f"{name} = {value}: the picture did not change"
    assert state(page)["epoch"] == 1000


def test_play_pause_and_step(page):
    set_control(page, "epochs", 5000)
    page.wait_for_function(f"() => Number(document.querySelector('{ROOT}').dataset.epoch) > 50")
    page.click(f"{ROOT} .pg-play")  # Pause
    page.wait_for_function("() => !window.scratchnnPlayground.busy")
    paused = state(page)
    assert not paused["playing"] and page.inner_text(f"{ROOT} .pg-play") == "Play"
    page.wait_for_timeout(500)
    assert state(page)["epoch"] == paused["epoch"], "training went on while paused"
    page.click(f"{ROOT} .pg-step")
    page.wait_for_function(
        f"n => Number(document.querySelector('{ROOT}').dataset.epoch) === n + 1", arg=paused["epoch"]
    )
    assert page.inner_text(f"{ROOT} .pg-epoch") == f"Epoch {paused['epoch'] + 1} of 5000"
    page.click(f"{ROOT} .pg-play")  # Play again
    page.wait_for_function(f"n => Number(document.querySelector('{ROOT}').dataset.epoch) > n + 50", arg=paused["epoch"])
    set_control(page, "epochs", 1000)
    wait_idle(page)


def test_a_click_on_the_picture_adds_a_point_and_retrains(page):
    wait_idle(page)
    before, points = page.evaluate(PIXELS_JS), state(page)["points"]
    page.check(f"{ROOT} .pg-class input[value='2']")
    box = page.locator(PICTURE).bounding_box()
    page.mouse.click(box["x"] + 0.5 * box["width"], box["y"] + 0.85 * box["height"])  # the bottom cloud's place
    page.wait_for_function("n => window.scratchnnPlayground.view.points.length === n + 1", arg=points)
    wait_idle(page)
    assert state(page)["points"] == points + 1
    assert page.evaluate(PIXELS_JS) != before
    page.click(f"{ROOT} .pg-restore")
    page.wait_for_function("n => window.scratchnnPlayground.view.points.length === n", arg=points)
    wait_idle(page)


def test_a_wrong_training_step_makes_the_page_say_so_and_keeps_the_picture(page):
    wait_idle(page)
    before = page.evaluate(PIXELS_JS)
    broken = "def train_step(params, X, T, lr):\n    return {key: value.T for key, value in params.items()}\n"
    page.evaluate(
        """code => { const node = document.querySelector('div.cell.tag_playground-step');
            const cell = scratchnnRunner.state.cells.find(c => c.el === node);
            scratchnnRunner.editor(cell).setValue(code); }""",
        broken,
    )
    page.click(f"{ROOT} .pg-restart")
    page.wait_for_function(f"() => !document.querySelector('{ROOT} .pg-error').hidden")
    page.wait_for_function("() => !window.scratchnnPlayground.busy")
    error = state(page)["error"]
    words = r"Your training step did not work: the step returned W1 of shape \((\d+), 2\); expected \(2, \1\)"
    assert re.match(words, error), error
    assert "last good run" in error and "did not work" in page.inner_text(f"{ROOT} .pg-announce")
    assert page.evaluate(PIXELS_JS) == before, "the picture changed after a broken step"
    page.evaluate(
        """() => { const node = document.querySelector('div.cell.tag_playground-step');
            const cell = scratchnnRunner.state.cells.find(c => c.el === node);
            scratchnnRunner.editor(cell).setValue(cell.original); }"""
    )
    page.click(f"{ROOT} .pg-restart")
    page.wait_for_function(f"() => document.querySelector('{ROOT} .pg-error').hidden")
    wait_idle(page)
    assert state(page)["verdict"].startswith("Trained")


def test_the_keyboard_adds_a_point(page):
    wait_idle(page)
    points = state(page)["points"]
    page.focus(PICTURE)
    page.keyboard.press("ArrowLeft")
    page.keyboard.press("Enter")
    page.wait_for_function("n => window.scratchnnPlayground.view.points.length === n + 1", arg=points)
    wait_idle(page)
    page.click(f"{ROOT} .pg-restore")
    wait_idle(page)


def axe_and_fit(page, theme: str) -> float:
    """Axe over the page in `theme` (scrolled to the top, as a reader arrives); the picture's width / the box's."""
    assert not switch_theme(page, theme)
    page.evaluate("() => window.scrollTo(0, 0)")
    page.wait_for_timeout(300)
    wait_idle(page)
    problems = check_axe(page)
    assert not problems, "\n".join(problems)
    assert page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth"), "sideways scrolling"
    return page.evaluate(
        f"""() => document.querySelector('{PICTURE}').getBoundingClientRect().width
            / document.querySelector('{ROOT}').getBoundingClientRect().width"""
    )


@pytest.mark.parametrize("theme", ["light", "dark"])
def test_the_live_playground_is_axe_clean_at_1280(page, theme):
    axe_and_fit(page, theme)
    assert page.locator(PICTURE).bounding_box()["width"] >= 400


@pytest.mark.parametrize("theme", ["light", "dark"])
def test_the_live_playground_is_axe_clean_and_full_width_at_390(narrow_page, theme):
    assert axe_and_fit(narrow_page, theme) > 0.9  # the picture fills the playground's box (inside its padding)


def test_nothing_came_from_another_host(page):
    problems = check_requests(page.rec)
    assert not problems, problems
    assert any("/vendor/pyodide/" in url for url in page.rec.requests)
