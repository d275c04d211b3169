"""A small Sphinx extension (``sphinx: local_extensions`` in _config.yml): accessibility fixes to the HTML that
Sphinx and docutils write, where no setting can change it.

- Citations. docutils 0.21's HTML5 writer puts every entry of a bibliography in ``<div role="list">`` with
  ``role="doc-biblioentry"``. DPUB-ARIA 1.1 deprecates that role, and ARIA 1.2 no longer counts it as a list item,
  so the list has no items for assistive technology (axe-core: aria-required-children, critical, and
  aria-deprecated-role). Each entry becomes a plain ``role="listitem"``; the list around it stays.
- Hidden cells. myst-nb 1.4 writes the summary of a cell tagged hide-input/hide-output as
  ``<summary aria-label="Toggle hidden content">`` around the visible "Show code cell source": the name a screen
  reader says is not the text a sighted or speech-input user sees (axe-core: label-content-name-mismatch, WCAG
  2.5.3). Without the aria-label the summary is named by its visible text ("Show code cell source" or, open,
  "Hide code cell source", since the theme shows one of the two).
"""

from __future__ import annotations

REPLACEMENTS = (
    ('role="doc-biblioentry"', 'role="listitem"'),
    ('<summary aria-label="Toggle hidden content">', "<summary>"),
)


def fix_body(body: str) -> str:
    """The page body with the fixes of this module's docstring applied."""
    for old, new in REPLACEMENTS:
        body = body.replace(old, new)
    return body


def _on_page(app, pagename, templatename, context, doctree):
    if "body" in context:
        context["body"] = fix_body(context["body"])


def setup(app):
    app.connect("html-page-context", _on_page)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
