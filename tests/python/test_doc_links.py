"""Relative links of the README and the guides lead somewhere: the file exists and, for a
link with #fragment into a Markdown file, the heading (GitHub's anchor) or <a id> exists."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
# The documents whose links are checked: the entry points and the guides.
CHECKED = ["README.md", "tests/README.md", "examples/README.md", "docs/user-guide.md", "docs/migration.md",
           "docs/reference/python.md", "docs/reference/c.md"]
_LINK = re.compile(r"(?<!!)\[(?:[^\]\[]|\[[^\]]*\])*\]\(([^)\s]+)\)")


def github_anchors(text: str) -> set[str]:
    """The anchors GitHub gives the headings of a Markdown text, and explicit <a id>s."""
    anchors: set[str] = set(re.findall(r'<a id="([^"]+)"', text))
    seen: dict[str, int] = {}
    in_code = False
    for line in text.splitlines():
        if re.match(r"^\s*(```|~~~)", line):
            in_code = not in_code
            continue
        m = None if in_code else re.match(r"^#{1,6}\s+(.*?)\s*#*\s*$", line)
        if not m:
            continue
        slug = re.sub(r"[^\w\- ]", "", m.group(1).replace("`", "").lower()).replace(" ", "-")
        n = seen.get(slug, 0)
        seen[slug] = n + 1
        anchors.add(slug if n == 0 else f"{slug}-{n}")
    return anchors


def links(path: Path) -> list[str]:
    text = path.read_text(encoding="utf-8")
    text = re.sub(r"```.*?```", "", text, flags=re.S)          # not inside code blocks
    text = re.sub(r"`[^`\n]*`", "", text)                      # nor code spans
    return [m.group(1) for m in _LINK.finditer(text)]


@pytest.mark.parametrize("doc", CHECKED)
def test_relative_links_resolve(doc: str) -> None:
    path = ROOT / doc
    broken = []
    for target in links(path):
        if re.match(r"^[a-z]+:", target):            # http:, https:, mailto:
            continue
        file_part, _, fragment = target.partition("#")
        dest = (path.parent / file_part).resolve() if file_part else path
        if not dest.exists():
            broken.append(f"{target}: no such file")
            continue
        if fragment and dest.suffix == ".md" and fragment not in github_anchors(dest.read_text(encoding="utf-8")):
            broken.append(f"{target}: no heading or anchor '{fragment}' in {dest.relative_to(ROOT)}")
    assert broken == [], f"{doc}: " + "; ".join(broken)


def test_anchor_rule() -> None:
    text = "# Title\n## 1. Files and records\n## Selecting records: `--where` and `--exclude`\n" \
           "## Title\n```\n# not a heading\n```\n<a id=\"fst24_open\"></a>"
    assert github_anchors(text) == {"title", "1-files-and-records", "selecting-records---where-and---exclude",
                                    "title-1", "fst24_open"}
