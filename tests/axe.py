"""axe-core in a Playwright page: the accessibility checks of the browser tests.

axe-core is the npm package pinned in tests/browser/package.json, installed
by ``make test`` (``make axe``) and never served to users. The pages send a
CSP of ``script-src 'self'``, which refuses an inline <script> such as
``page.add_script_tag(content=...)`` adds; ``page.evaluate`` runs through the
DevTools protocol, which no CSP governs, so the page is checked as served,
its policy intact.
"""

from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pytest

AXE_JS = Path(__file__).parent / "browser" / "node_modules" / "axe-core" / "axe.min.js"
# WCAG 2.2 A and AA (2.2 adds target-size), and axe's best practices.
TAGS = ("wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice")
BLOCKING = ("serious", "critical")

RUN = """async (tags) => {
  const results = await axe.run(document, {
    runOnly: {type: "tag", values: tags},
    resultTypes: ["violations"],
  });
  return results.violations.map((v) => ({
    rule: v.id,
    impact: v.impact,
    help: v.help,
    url: v.helpUrl,
    nodes: v.nodes.map((n) => ({
      impact: n.impact,
      target: n.target.map((t) => [].concat(t).join(" >>> ")).join(" | "),
      html: n.html,
      why: [...n.any, ...n.all, ...n.none].map((c) => c.message)[0] || "",
    })),
  }));
}"""


@dataclass(frozen=True)
class Violation:
    """One axe rule broken on one element, written to read in an assert."""

    rule: str
    impact: str
    help: str
    target: str
    html: str
    why: str
    url: str

    def __str__(self) -> str:
        html = self.html if len(self.html) <= 160 else self.html[:157] + "..."
        return (
            f"{self.rule} ({self.impact}) at {self.target}: {self.help}\n"
            f"    {html}\n    {self.why}\n    {self.url}"
        )

    __repr__ = __str__


@cache
def _axe_source() -> str:
    if not AXE_JS.exists():
        pytest.fail(
            f"{AXE_JS} is missing: run `make axe` (npm ci --prefix tests/browser)",
            pytrace=False,
        )
    return AXE_JS.read_text(encoding="utf-8")


def axe_violations(page, *, impacts=BLOCKING, tags=TAGS) -> list[Violation]:
    """Run axe-core on the page as it is now; return the violations of ``impacts``.

    One Violation per element, so a report names every element to mend.
    """
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.evaluate(_axe_source())
    found = page.evaluate(RUN, list(tags))
    return [
        Violation(
            rule=rule["rule"],
            impact=node["impact"] or rule["impact"],
            help=rule["help"],
            target=node["target"],
            html=node["html"],
            why=node["why"],
            url=rule["url"],
        )
        for rule in found
        for node in rule["nodes"]
        if (node["impact"] or rule["impact"]) in impacts
    ]


def format_violations(violations: list[Violation]) -> str:
    return "\n".join(str(violation) for violation in violations)


def assert_accessible(page, *, impacts=BLOCKING) -> None:
    """Fail with every serious or critical axe violation on the page."""
    violations = axe_violations(page, impacts=impacts)
    assert not violations, f"axe on {page.url}:\n{format_violations(violations)}"
