"""Every lint or type-check silencer says what it silences and why (issue 20).

A `noqa` or `type: ignore` comment hides a finding of ruff or mypy from every later reader;
one without a reason cannot be judged when the code around it changes. So each names its
codes and gives the reason after ` - `: `# noqa: BLE001 - isolation is the point`,
`# type: ignore[misc] - a mixin: Checkov's base class follows it`. Markers that could be fixed
in the code were (issue 20); this keeps new ones honest.
"""

from __future__ import annotations

import io
import re
import tokenize
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FOLDERS = ("sod_iac", "checks", "action", "bench", "tests")
MARKER = re.compile(r"noqa|type:\s*ignore")
JUSTIFIED = re.compile(r"(?:noqa: [A-Z]+[0-9]+(?:, ?[A-Z]+[0-9]+)*|type: ignore\[[a-z-]+(?:, ?[a-z-]+)*\]) - \S")


def unjustified(source: str) -> list[tuple[int, str]]:
    """(line, comment) of each marker comment without its codes and a reason."""
    found = []
    for token in tokenize.generate_tokens(io.StringIO(source).readline):
        if token.type == tokenize.COMMENT and MARKER.search(token.string):
            if len(MARKER.findall(token.string)) != len(JUSTIFIED.findall(token.string)):
                found.append((token.start[0], token.string))
    return found


def test_the_check_tells_a_reason_from_none() -> None:
    assert unjustified("x = 1  # noqa: E501 - a URL\ny = f()  # type: ignore[arg-type] - None on purpose\n") == []
    for bare in ("# noqa", "# noqa: E501", "# type: ignore", "# type: ignore[misc]", "# noqa: E402  (why)"):
        assert unjustified(f"x = 1  {bare}\n") == [(1, bare)]


def test_every_marker_names_its_codes_and_a_reason() -> None:
    bad = [f"{path.relative_to(ROOT)}:{line}: {comment}"
           for folder in FOLDERS for path in sorted((ROOT / folder).rglob("*.py"))
           for line, comment in unjustified(path.read_text(encoding="utf-8"))]
    assert not bad, "markers without a reason:\n" + "\n".join(bad)
