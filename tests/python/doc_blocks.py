"""Runnable code blocks of the Markdown documentation (see tests/README.md).

A fenced block whose info string is ``python run`` or ``sh run`` is executed by
``test_docs.py``; any other block is only shown. The blocks of one document run in
order, in one temporary directory where ``examples/sample_files.py`` has written the
sample files (``model.fst``, ``pressure.fst``, ``archive/``) and where ``examples/`` links to
the repository's examples: Python blocks share one
namespace (like the cells of a notebook), shell blocks run with ``bash -euo pipefail``
and find the ``fst24`` command and ``python`` (the interpreter running the tests) on
the PATH.

    python tests/python/doc_blocks.py DOC.md [WORKDIR]   # run one document's blocks
"""
from __future__ import annotations

import os
import re
import subprocess
import sys
import sysconfig
import tempfile
import traceback
from dataclasses import dataclass
from pathlib import Path
from typing import Optional

ROOT = Path(__file__).resolve().parents[2]
RUNNABLE = {"python": "python", "py": "python", "sh": "sh", "bash": "sh", "console": "sh"}
_FENCE = re.compile(r"^(\s*)(`{3,}|~{3,})\s*([\w+-]*)\s*(.*)$")


@dataclass
class Block:
    lang: str        # "python" or "sh" for runnable blocks, else the info string's language
    code: str
    line: int        # line of the opening fence (1-based)
    runnable: bool


def extract_blocks(text: str) -> list[Block]:
    """Every fenced code block of a Markdown text."""
    blocks: list[Block] = []
    lines = text.splitlines()
    i = 0
    while i < len(lines):
        m = _FENCE.match(lines[i])
        if not m:
            i += 1
            continue
        indent, fence, lang, rest = m.groups()
        start = i
        body: list[str] = []
        i += 1
        while i < len(lines) and not re.match(rf"^\s*{re.escape(fence[0])}{{{len(fence)},}}\s*$", lines[i]):
            line = lines[i]
            body.append(line[len(indent):] if line.startswith(indent) else line.lstrip())
            i += 1
        i += 1
        words = rest.split()
        runnable = "run" in words and lang in RUNNABLE
        blocks.append(Block(RUNNABLE.get(lang, lang) if runnable else lang, "\n".join(body) + "\n",
                            start + 1, runnable))
    return blocks


def runnable_blocks(path: Path) -> list[Block]:
    """The blocks of a document marked to run."""
    return [b for b in extract_blocks(path.read_text(encoding="utf-8")) if b.runnable]


def documents() -> list[Path]:
    """README.md, examples/README.md and docs/**/*.md (but the generated references), with
    runnable blocks."""
    paths = [ROOT / "README.md", ROOT / "examples" / "README.md"] + sorted((ROOT / "docs").rglob("*.md"))
    return [p for p in paths if "reference" not in p.relative_to(ROOT).parts and runnable_blocks(p)]


def prepare(workdir: Path) -> None:
    """The sample files the documentation uses, written into ``workdir``, and ``examples/``
    (a link to the repository's) so that ``python examples/SCRIPT.py`` works there."""
    sys.path.insert(0, str(ROOT / "examples"))
    try:
        from sample_files import make_sample_files
    finally:
        sys.path.pop(0)
    make_sample_files(workdir)
    link = workdir / "examples"
    if not link.exists():
        link.symlink_to(ROOT / "examples", target_is_directory=True)


def shell_env(bindir: Path) -> dict[str, str]:
    """The environment of shell blocks: ``python`` is this interpreter and ``fst24`` the
    CLI installed with it ($FST24_CLI when set)."""
    bindir.mkdir(parents=True, exist_ok=True)
    wrapper = bindir / "python"   # a script, not a link: a venv's python must be run by its path
    if not wrapper.exists():
        wrapper.write_text(f'#!/bin/sh\nexec "{sys.executable}" "$@"\n')
        wrapper.chmod(0o755)
    dirs = [str(bindir)]
    cli = os.environ.get("FST24_CLI")
    if cli:
        dirs.append(str(Path(cli).parent))
    dirs.append(sysconfig.get_path("scripts"))
    env = dict(os.environ)
    env["PATH"] = os.pathsep.join(dirs + [env.get("PATH", "")])
    env["MPLBACKEND"] = "Agg"
    return env


def run_document(doc: Path, workdir: Path) -> Optional[str]:
    """Run the runnable blocks of ``doc`` in ``workdir``; None, or the first failure as
    ``DOC:LINE: ...`` with the output or traceback."""
    rel = doc.relative_to(ROOT) if doc.is_relative_to(ROOT) else doc
    env = shell_env(workdir / ".bin")
    os.environ["MPLBACKEND"] = "Agg"
    namespace: dict[str, object] = {"__name__": "__main__"}
    cwd = os.getcwd()
    os.chdir(workdir)
    try:
        for block in runnable_blocks(doc):
            where = f"{rel}:{block.line}"
            if block.lang == "python":
                try:
                    # padded so that tracebacks give the line in the document
                    code = compile("\n" * block.line + block.code, str(rel), "exec")
                    exec(code, namespace)
                except BaseException:
                    return f"{where}: python block failed:\n{traceback.format_exc()}"
            else:
                proc = subprocess.run(["bash", "-euo", "pipefail", "-c", block.code], cwd=workdir, env=env,
                                      capture_output=True, text=True, timeout=300)
                if proc.returncode != 0:
                    return (f"{where}: sh block failed (exit {proc.returncode}):\n{block.code}\n"
                            f"--- stdout\n{proc.stdout}\n--- stderr\n{proc.stderr}")
    finally:
        os.chdir(cwd)
    return None


def main(argv: list[str]) -> int:
    if not argv:
        print(__doc__)
        return 2
    doc = Path(argv[0]).resolve()
    if len(argv) > 1:
        workdir = Path(argv[1]).resolve()
        prepare(workdir)
        failure = run_document(doc, workdir)
    else:
        with tempfile.TemporaryDirectory(prefix="fst24-doc-") as tmp:
            prepare(Path(tmp))
            failure = run_document(doc, Path(tmp))
    if failure:
        print(failure, file=sys.stderr)
        return 1
    print(f"{doc.name}: {len(runnable_blocks(doc))} blocks ran")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
