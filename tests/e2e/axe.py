"""axe-core accessibility checks for Playwright pages.

    from tests.e2e.axe import assert_no_axe_violations

    page.goto(url)
    assert_no_axe_violations(page)

axe-core is vendored at tests/e2e/vendor/axe.min.js (see vendor/VERSION). It
is injected into the page with a <script> tag, so the page's context must
have JavaScript enabled. Only the WCAG 2.0, 2.1 and 2.2 A and AA rules run:
the "best-practice" rules are advice, not the standard we are held to.
"""

from __future__ import annotations

from pathlib import Path

AXE_PATH = Path(__file__).resolve().parent / "vendor" / "axe.min.js"
WCAG_TAGS = ("wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa")

_RUN = """async ({tags, exclude}) => {
  const context = exclude.length ? {include: [document], exclude: exclude.map((s) => [s])} : document;
  const results = await axe.run(context, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']});
  return results.violations.map((v) => ({
    id: v.id,
    impact: v.impact,
    help: v.help,
    helpUrl: v.helpUrl,
    nodes: v.nodes.map((n) => ({target: n.target, html: n.html, summary: n.failureSummary})),
  }));
}"""


def axe_violations(page, *, tags=WCAG_TAGS, exclude: tuple[str, ...] = ()) -> list[dict]:
    """Run axe on the page as it is now; return its violations (maybe [])."""
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE_PATH))
    return page.evaluate(_RUN, {"tags": list(tags), "exclude": list(exclude)})


def format_violations(violations: list[dict]) -> str:
    lines = []
    for v in violations:
        lines.append(f"- {v['id']} ({v['impact']}): {v['help']} <{v['helpUrl']}>")
        for node in v["nodes"]:
            lines.append(f"    at {' '.join(map(str, node['target']))}")
            lines.append(f"       {node['html'][:200]}")
            if node.get("summary"):
                lines.extend(f"       {line}" for line in node["summary"].splitlines())
    return "\n".join(lines)


def assert_no_axe_violations(page, *, tags=WCAG_TAGS, exclude: tuple[str, ...] = (), what: str = "") -> None:
    """Fail with every violation's rule id, help text and target nodes.

    `exclude` is a tuple of CSS selectors axe should skip; `what` names the
    page in the failure message (defaults to its title and URL)."""
    violations = axe_violations(page, tags=tags, exclude=exclude)
    if violations:
        where = what or f"{page.title()!r} ({page.url})"
        raise AssertionError(
            f"{len(violations)} axe violation(s) on {where}:\n{format_violations(violations)}"
        )
