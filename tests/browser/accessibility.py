"""Pages checked by axe-core (vendored from npm with its licence in tests/browser/vendor/axe-core/, tests only):
the rules of WCAG 2.1 A and AA, and axe's best practices."""

from pathlib import Path

AXE = Path(__file__).resolve().parent / "vendor" / "axe-core" / "axe.min.js"
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]


def axe_violations(page):
    """The axe-core violations of the page as it is now, as "rule: target" lines (empty when none).

    axe is evaluated by the browser's debugging protocol, which the portal's Content-Security-Policy does
    not govern, so the page is checked with its own policy on."""
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.evaluate(AXE.read_text(encoding="utf-8"))
    result = page.evaluate("tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", TAGS)
    return [
        f"{violation['id']}: {', '.join(str(target) for target in node['target'])}"
        for violation in result["violations"]
        for node in violation["nodes"]
    ]
