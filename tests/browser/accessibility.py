"""Accessibility checks of a rendered page (WCAG 2.1 AA), shared by test_accessibility.py and the can-fail tests.

Like browser_checks.py, every ``check_*`` function returns a list of problems (empty when all is well).

- :func:`check_axe` injects axe-core (pinned in package.json, read from node_modules/; never part of the built
  site) into the open page and runs every rule tagged wcag2a, wcag2aa, wcag21a or wcag21aa. Any violation, of any
  impact, is a problem; each is reported with its rule id, impact, the CSS selector of every element it concerns
  and a short piece of that element's HTML, so that a maintainer can find and fix it.
- :func:`check_theme` makes sure that the page really rendered in the colour theme asked for.
- :func:`check_headings` checks that the headings, in page order, never skip a level and that the main content
  starts with an h1.
- :func:`check_focus_visible` presses Tab through the whole page and checks that every element that takes the
  focus is on screen and shows it (its outline, shadow, border, colours or underline, or those of its ::before,
  ::after or a container, differ from how it looks without the focus).
- :func:`switch_theme` moves an open page to the other theme with the page's own colour-mode button.
"""

from __future__ import annotations

import itertools
from pathlib import Path

from browser_checks import everything_laid_out
from site_paths import ROOT

AXE_JS = ROOT / "node_modules" / "axe-core" / "axe.min.js"
WCAG_TAGS = ("wcag2a", "wcag2aa", "wcag21a", "wcag21aa")
THEMES = ("light", "dark")
MAX_NODES = 8  # elements listed per violated rule (the count says how many there are in all)
MAX_TABS = 600  # Tab presses before giving up on reaching the end of a page


def theme_script(theme: str) -> str:
    """A script for ``context.add_init_script``: choose `theme` the way the theme's own colour-mode button does.

    pydata-sphinx-theme (under sphinx-book-theme) remembers the reader's choice in localStorage ("mode": light,
    dark or auto; "theme": the one in use) and an inline script in <head> copies it to <html data-mode data-theme>
    before the page is drawn."""
    if theme not in THEMES:
        raise ValueError(f"theme must be one of {THEMES}, got {theme!r}")
    store = f"localStorage.setItem('mode', '{theme}'); localStorage.setItem('theme', '{theme}');"
    return f"try {{ {store} }} catch (e) {{}}"


THEME_STATE_JS = """() => {
    const rgb = s => (s.match(/[\\d.]+/g) || []).map(Number);
    const lum = ([r, g, b]) => {
        const f = c => { c /= 255; return c <= 0.03928 ? c / 12.92 : Math.pow((c + 0.055) / 1.055, 2.4); };
        return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
    };
    const body = getComputedStyle(document.body);
    return {theme: document.documentElement.dataset.theme || '', background: body.backgroundColor,
            backgroundLum: lum(rgb(body.backgroundColor)), textLum: lum(rgb(body.color))};
}"""


def check_theme(page, theme: str) -> list[str]:
    """The page rendered in `theme`: <html data-theme> says so, and the page background is dark (luminance below
    0.1) with light text for "dark", light (above 0.8) with dark text for "light"."""
    state = page.evaluate(THEME_STATE_JS)
    problems = []
    if state["theme"] != theme:
        problems.append(f"asked for the {theme} theme, but <html data-theme> is {state['theme']!r}")
    dark = state["backgroundLum"] < 0.1 and state["textLum"] > 0.4
    light = state["backgroundLum"] > 0.8 and state["textLum"] < 0.2
    if not (dark if theme == "dark" else light):
        problems.append(f"the page does not look {theme}: background {state['background']}")
    return problems


AXE_RUN_JS = """async tags => {
    const result = await axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']});
    return result.violations.map(v => ({
        id: v.id, impact: v.impact, help: v.help,
        nodes: v.nodes.map(n => ({target: n.target.map(t => Array.isArray(t) ? t.join(' >> ') : t).join(' >>> '),
                                  html: n.html, summary: n.failureSummary || ''})),
    }));
}"""


def run_axe(page, tags=WCAG_TAGS, *, lay_out_everything: bool = True) -> list[dict]:
    """axe-core's violations on the open page for the rule tags `tags` (every such rule, none disabled); with
    `lay_out_everything` false, on the page as loaded (sections skipped), as Lighthouse runs it."""
    if not AXE_JS.is_file():
        raise FileNotFoundError(f"{AXE_JS} not found: run `npm ci` (axe-core is pinned in package.json)")
    if not page.evaluate("() => !!window.axe"):
        # Evaluated through the DevTools protocol: no request, nothing in the site, and the page's
        # Content-Security-Policy (scripts/csp.py), which refuses an injected inline <script>, does not apply.
        page.evaluate(AXE_JS.read_text(encoding="utf-8") + "\n;true")
    if not lay_out_everything:
        return page.evaluate(AXE_RUN_JS, list(tags))
    with everything_laid_out(page):
        return page.evaluate(AXE_RUN_JS, list(tags))


def _short(html: str, limit: int = 160) -> str:
    html = " ".join(html.split())
    return html if len(html) <= limit else html[: limit - 3] + "..."


def format_violation(v: dict) -> list[str]:
    """One line for the rule, then one line per element: its selector, a short snippet, axe's first hint."""
    nodes = v["nodes"]
    lines = [f"{v['id']} ({v['impact']}): {v['help']} [{len(nodes)} element(s)]"]
    for node in nodes[:MAX_NODES]:
        hint = next((s.strip() for s in node["summary"].splitlines()[1:] if s.strip()), "")
        lines.append(f"    at {node['target']}: {_short(node['html'])}" + (f"  -- {hint}" if hint else ""))
    if len(nodes) > MAX_NODES:
        lines.append(f"    ... and {len(nodes) - MAX_NODES} more")
    return lines


def check_axe(page) -> list[str]:
    """Every axe-core violation of WCAG 2.0/2.1 A and AA on the open page, formatted for a maintainer."""
    return [line for v in run_axe(page) for line in format_violation(v)]


HEADINGS_JS = """() => {
    const shown = e => e.checkVisibility({visibilityProperty: true}) && !e.closest('[aria-hidden="true"]');
    const main = document.querySelector('main') || document.body;
    return [...document.querySelectorAll('h1, h2, h3, h4, h5, h6, [role="heading"]')].filter(shown).map(e => ({
        level: e.getAttribute('role') === 'heading' ? Number(e.getAttribute('aria-level') || 2)
                                                   : Number(e.tagName.slice(1)),
        text: e.textContent.replace(/[#\\u00b6]\\s*$/, '').trim().replace(/\\s+/g, ' ').slice(0, 70),
        inMain: main.contains(e),
    }));
}"""


def check_headings(page) -> list[str]:
    """The headings a reader (or a screen reader's list of headings) meets, in page order: the page's main content
    starts with an h1, and no heading goes more than one level deeper than the heading before it (h2 -> h4 skips
    h3). Headings before the main content (the navigation's captions) count for the order too."""
    headings = page.evaluate(HEADINGS_JS)
    main = [h for h in headings if h["inMain"]]
    if not main:
        return ["the main content has no heading"]
    problems = []
    if main[0]["level"] != 1:
        problems.append(f"the main content starts with h{main[0]['level']} ({main[0]['text']!r}), not with h1")
    for before, h in itertools.pairwise(headings):
        if h["level"] > before["level"] + 1:
            problems.append(
                f"heading level skipped: h{before['level']} {before['text']!r} is followed by "
                f"h{h['level']} {h['text']!r}"
            )
    return problems


# The focused element, how it looks focused, and how the same element looks without the focus (a clone would lose
# its state, so the focus is taken away for a moment and given back with preventScroll).
FOCUS_STATE_JS = """() => {
    const e = document.activeElement;
    if (!e || e === document.body || e === document.documentElement) return null;
    // A number per element, to see when Tab comes back round to the first stop.
    const seen = window.__a11yFocusSeen = window.__a11yFocusSeen || {ids: new WeakMap(), n: 0};
    if (!seen.ids.has(e)) seen.ids.set(e, seen.n++);
    // Transitions (a ring that fades in) are jumped to their end, so that the final look is compared.
    const settle = () => document.getAnimations()
        .filter(a => a.effect && a.effect.getComputedTiming().endTime !== Infinity).forEach(a => a.finish());
    // How the element, its ::before/::after and its three nearest ancestors (a theme may draw the ring on a
    // container, with :focus-within) look: a difference between focused and not is a visible focus indicator.
    const style = (el, pseudo) => { const s = getComputedStyle(el, pseudo);
        const outline = s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 1
            && !/rgba\\(.*,\\s*0\\)$/.test(s.outlineColor)
            ? `${s.outlineWidth} ${s.outlineStyle} ${s.outlineColor}` : '';
        return [outline, s.boxShadow, `${s.borderTopWidth} ${s.borderTopStyle} ${s.borderTopColor}`,
                s.backgroundColor, s.color, s.textDecorationLine].join(' | '); };
    const chain = [e];
    for (let p = e.parentElement; p && p !== document.body && chain.length < 4; p = p.parentElement) chain.push(p);
    const look = () => chain.map(el => [null, '::before', '::after'].map(ps => style(el, ps)).join(' ; ')).join('\\n');
    settle();
    const focused = look();
    const r = e.getBoundingClientRect();
    const onScreen = r.width > 0 && r.height > 0 && r.bottom > 0 && r.right > 0
        && r.top < innerHeight && r.left < innerWidth && e.checkVisibility({visibilityProperty: true});
    e.blur();
    settle();
    const unfocused = look();
    e.focus({preventScroll: true});
    const name = e.tagName.toLowerCase() + (e.id ? '#' + e.id : '')
        + [...e.classList].slice(0, 3).map(c => '.' + c).join('')
        + (e.getAttribute('role') ? `[role=${e.getAttribute('role')}]` : '');
    const label = (e.getAttribute('aria-label') || e.textContent || '').trim().replace(/\\s+/g, ' ').slice(0, 40);
    const shows = focused !== unfocused;
    return {id: seen.ids.get(e), name, label, onScreen, shows};
}"""


def tab_through(page, max_tabs: int = MAX_TABS) -> tuple[list[dict], bool]:
    """Press Tab from the top of the page until the focus leaves the page or comes back to the first element.

    Returns (the focus state of each stop, whether the end was reached)."""
    page.evaluate("() => { document.activeElement && document.activeElement.blur(); window.scrollTo(0, 0); }")
    page.evaluate("() => document.body.focus()")
    stops: list[dict] = []
    for _ in range(max_tabs):
        page.keyboard.press("Tab")
        state = page.evaluate(FOCUS_STATE_JS)
        if state is None or (stops and state["id"] == stops[0]["id"]):
            return stops, True
        stops.append(state)
    return stops, False


def check_focus_visible(page) -> list[str]:
    """Tab through the page: every element that takes the focus is on screen and shows the focus."""
    stops, ended = tab_through(page)
    problems = []
    if not ended:
        problems.append(f"after {MAX_TABS} presses of Tab the focus had not come round to the start of the page")
    for i, s in enumerate(stops, 1):
        if not s["onScreen"]:
            problems.append(f"Tab stop {i}, {s['name']} {s['label']!r}: focused but not visible on screen")
        elif not s["shows"]:
            problems.append(f"Tab stop {i}, {s['name']} {s['label']!r}: no visible focus indicator")
    return problems


SWITCH_BUTTON = ".theme-switch-button"


def switch_theme(page, theme: str, max_clicks: int = 3) -> list[str]:
    """Switch the open page to `theme` with the page's own colour-mode button, as a reader does (the theme's
    button cycles through light, dark and the system's setting); a problem if there is none or it never gets there.
    The pointer and the focus then leave the button, so that its tooltip is gone before the page is judged."""
    current = "() => document.documentElement.dataset.theme || ''"
    buttons = page.locator(f"{SWITCH_BUTTON}:visible")
    if page.evaluate(current) == theme:
        return []
    if buttons.count() == 0:
        return [f"no visible colour-mode button ({SWITCH_BUTTON}) to switch to the {theme} theme"]
    for _ in range(max_clicks):
        buttons.first.click()
        if page.evaluate(current) == theme:
            break
    page.mouse.move(0, 0)
    page.evaluate("() => document.activeElement && document.activeElement.blur()")
    try:
        page.wait_for_function("() => !document.querySelector('.tooltip')", timeout=3000)
    except Exception:
        return ["a tooltip of the colour-mode button stayed on the page after the pointer left it"]
    if page.evaluate(current) != theme:
        return [f"{max_clicks} clicks on the colour-mode button did not switch the page to the {theme} theme"]
    return []


def audit_accessibility(
    browser,
    base: str,
    path: str,
    *,
    viewport: dict,
    themes: tuple[str, ...] = THEMES,
    focus_themes: tuple[str, ...] = THEMES,
    shots: dict[str, Path] | None = None,
) -> dict[str, dict[str, list[str]]]:
    """Open `base + path` once at `viewport`, in the first of `themes` (chosen before the page loads); then switch
    to each other theme with the page's colour-mode button. In each theme: {check: problems} for "theme", "axe",
    "headings" and, in `focus_themes`, "focus" (Tab through the page); a full-page screenshot to `shots[theme]`.
    Returns {theme: {check: problems}}."""
    from browser_checks import open_page

    context = browser.new_context(viewport=viewport)
    context.add_init_script(theme_script(themes[0]))
    audits: dict[str, dict[str, list[str]]] = {}
    try:
        page, _, waiting = open_page(context, base, path)
        for theme in themes:
            switched = switch_theme(page, theme) if theme != themes[0] else []
            results = audits[theme] = {"theme": waiting + switched + check_theme(page, theme)}
            if shots and theme in shots:
                shots[theme].parent.mkdir(parents=True, exist_ok=True)
                with everything_laid_out(page):
                    page.screenshot(path=str(shots[theme]), full_page=True)
            results["axe"] = check_axe(page)
            results["headings"] = check_headings(page)
            if theme in focus_themes:
                results["focus"] = check_focus_visible(page)
    finally:
        context.close()
    return audits
