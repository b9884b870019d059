"""The API references (docs/reference/python.md, docs/reference/c.md) cover every public
name and are what tools/gen_reference.py generates from the current sources.

When one of these fails: document the name (a docstring, a '#:' comment above a
constant, a comment above a C declaration), then run `python tools/gen_reference.py`
and commit the regenerated files."""
from __future__ import annotations

import importlib.util
import inspect
import re
import sys
from pathlib import Path
from types import ModuleType

import pytest

import fst24

ROOT = Path(__file__).resolve().parents[2]


def _load_generator() -> ModuleType:
    spec = importlib.util.spec_from_file_location("gen_reference", ROOT / "tools" / "gen_reference.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules["gen_reference"] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


gen = _load_generator()
HINT = "document it, then run `python tools/gen_reference.py` and commit docs/reference/"


def test_every_public_python_name_is_documented() -> None:
    _text, problems = gen.python_reference()
    assert problems == [], f"{HINT}:\n" + "\n".join(problems)


def test_every_public_c_name_is_documented() -> None:
    _text, problems = gen.c_reference()
    assert problems == [], f"{HINT}:\n" + "\n".join(problems)


@pytest.mark.parametrize("which", ["python", "c"])
def test_checked_in_reference_is_current(which: str) -> None:
    text, _problems = gen.python_reference() if which == "python" else gen.c_reference()
    path = gen.PYTHON_OUT if which == "python" else gen.C_OUT
    assert path.exists(), f"{path.relative_to(ROOT)} is missing: run `python tools/gen_reference.py`"
    assert path.read_text(encoding="utf-8") == text, \
        f"{path.relative_to(ROOT)} is stale: run `python tools/gen_reference.py` and commit it"


def test_python_reference_has_an_entry_per_name() -> None:
    text, _ = gen.python_reference()
    for name in fst24.__all__:
        obj = getattr(fst24, name)
        heading = f"### `fst24.{name}()`" if callable(obj) and not inspect.isclass(obj) else f"### `fst24.{name}`"
        assert heading in text, name
    assert "#### `File.find()`" in text and "`nomvar` |" in text and "#### `Record.read()`" in text


def test_c_reference_has_an_entry_per_function() -> None:
    text, _ = gen.c_reference()
    headers = [ROOT / "include" / "fst24.h"] + sorted((ROOT / "include" / "fst24").glob("*.h"))
    for h in headers:
        for name in re.findall(r"FST24_API[^;(]*?\b(fst24_\w+)\s*\(", h.read_text()):
            assert f'<a id="{name}"></a>' in text, f"{name} ({h.name}) has no entry"


def test_c_checker_flags_an_undocumented_declaration(tmp_path: Path) -> None:
    header = tmp_path / "demo.h"
    header.write_text(
        "/* demo.h - a header. */\n#ifndef DEMO_H\n#define DEMO_H\n\n"
        "/* ---- Things ---------------- */\n\n"
        "/* Open a thing. */\nFST24_API int fst24_thing_open(const char *path);\n"
        "FST24_API int fst24_thing_close(int t); /* Close it. */\n\n"
        "FST24_API int fst24_thing_undocumented(int t);\n\n"
        "typedef struct fst24_thing_info {\n    int size; /* bytes */\n} fst24_thing_info;\n\n"
        "typedef struct fst24_bare { int x; } fst24_bare;\n\n"
        "/* Kinds. */\nenum { FST24_THING_A = 1, FST24_THING_B = 2 };\n"
        "#define FST24_THING_MAX 4\n\n"
        "#endif\n")
    _desc, groups, problems = gen.parse_header(header)
    assert problems == [f"{header}:11: fst24_thing_undocumented has no comment",
                        f"{header}:17: fst24_bare has no comment"]
    names = [n for g in groups for d in g.decls for n in d.names]
    assert names == ["fst24_thing_open", "fst24_thing_close", "fst24_thing_undocumented",
                     "fst24_thing_info", "fst24_bare", "FST24_THING_MAX"]
    assert {g.section for g in groups} == {"Things"}
    text, _ = gen.c_reference([header])
    assert "Open a thing." in text and "Close it." in text and '<a id="FST24_THING_A"></a>' in text


def test_python_checker_flags_a_missing_docstring(monkeypatch: pytest.MonkeyPatch) -> None:
    def undocumented_helper() -> None:
        pass

    class Thing:
        """A documented class."""

        def method(self) -> None:
            pass

    Thing.__module__ = "fst24.file"
    monkeypatch.setattr(fst24, "undocumented_helper", undocumented_helper, raising=False)
    monkeypatch.setattr(fst24, "Thing", Thing, raising=False)
    monkeypatch.setattr(fst24, "__all__", list(fst24.__all__) + ["undocumented_helper", "Thing", "missing"])
    _text, problems = gen.python_reference()
    assert problems == ["fst24.undocumented_helper: no docstring",
                        "fst24.Thing.method(): no docstring",
                        "fst24.__all__ lists 'missing', which fst24 does not define"]
