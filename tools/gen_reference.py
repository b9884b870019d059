#!/usr/bin/env python3
"""Generate the API references from the sources: docs/reference/python.md from the
docstrings of the installed ``fst24`` package, docs/reference/c.md from the comments
of the public C headers (include/fst24.h, include/fst24/*.h).

    python tools/gen_reference.py            # rewrite both files
    python tools/gen_reference.py --check    # exit 1 if a public name is undocumented
                                             # or a checked-in file is stale

Standard library only: ``inspect`` for Python, a small scanner for the C headers.
``tests/python/test_reference.py`` runs the same checks in the test suite.

What counts as documented
-------------------------
Python: every name of ``fst24.__all__`` has a docstring (a constant: a ``#:`` comment
on the line(s) above its assignment in the package sources), and so has every public
method, property and attribute descriptor of every public class (exception classes:
the class itself).

C: the headers are read as blocks separated by blank lines. A comment opens a group:
it documents the declarations that follow it in its block, up to the next comment.
A comment on the line where a declaration ends documents that declaration, and a
struct or enum whose body holds comments (one per member) is documented by them.
Every function, type, enum and macro whose name starts with ``fst24``/``FST24``
must be documented one of these ways. ``/* ---- Title ---- */`` comments (or a
comment between two rules of dashes) are section titles.
"""
from __future__ import annotations

import argparse
import inspect
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Optional

ROOT = Path(__file__).resolve().parents[1]
PYTHON_OUT = ROOT / "docs" / "reference" / "python.md"
C_OUT = ROOT / "docs" / "reference" / "c.md"
REGENERATE = "python tools/gen_reference.py"


# ======================================================================================
# Python
# ======================================================================================

SECTIONS = {  # module of a public name -> section title (unknown modules: their name)
    "fst24.file": "Files and searches",
    "fst24.record": "Records",
    "fst24.metadata": "Metadata index (Polars / Arrow)",
    "fst24.levels": "Levels (IP codes) and vertical descriptors",
    "fst24.dates": "Dates (CMC stamps)",
    "fst24.grid": "Grids",
    "fst24.xarray_backend": "xarray",
    "fst24.dataset": "xarray",
    "fst24.writer": "xarray",
    "fst24.errors": "Errors",
    "fst24._memory": "Memory",
    "fst24._c_library": "The C library inside the package",
    "fst24.repair": "Repair",
    "fst24": "Package",
}


def _md_escape_cell(text: str) -> str:
    """One table cell (Markdown from rst_to_md) on one line, pipes escaped."""
    return text.replace("\n", " ").replace("|", "\\|")


_ROLE = re.compile(r":(?:func|class|meth|attr|mod|data|exc|obj):`~?([^`]+)`")


def rst_to_md(doc: str) -> str:
    """The small reST subset of our docstrings as Markdown: ``code``, :role:`x`,
    and ``::`` literal blocks (fenced as Python)."""
    out: list[str] = []
    lines = doc.splitlines()
    i = 0
    while i < len(lines):
        line = lines[i]
        literal = line.rstrip().endswith("::")
        if literal:
            line = line.rstrip()[:-1] if line.rstrip() != "::" else ""
        line = _ROLE.sub(lambda m: f"`{m.group(1)}`", line).replace("``", "`")
        parts = line.split("`")
        for k in range(0, len(parts), 2):   # outside code spans: a literal asterisk
            parts[k] = parts[k].replace("*", "\\*")
        out.append("`".join(parts))
        i += 1
        if literal:
            block: list[str] = []
            while i < len(lines) and (not lines[i].strip() or lines[i].startswith((" ", "\t"))):
                block.append(lines[i])
                i += 1
            while block and not block[-1].strip():
                block.pop()
            body = inspect.cleandoc("\n".join(block))
            out += ["", "```python", body, "```", ""]
    return "\n".join(out).strip()


def _annotation(a: Any) -> str:
    if a is inspect.Parameter.empty:
        return ""
    if isinstance(a, str):
        return a
    if isinstance(a, type):
        return a.__qualname__ if a.__module__ == "builtins" else f"{a.__module__}.{a.__qualname__}"
    return repr(a).replace("typing.", "")


def signature(obj: Any, name: str, skip_self: bool = False) -> str:
    """``name(a: T = d, *, b, **kw) -> R`` with annotations as written in the source."""
    try:
        sig = inspect.signature(obj)
    except (TypeError, ValueError):
        return f"{name}(...)"
    parts: list[str] = []
    star_done = False
    params = list(sig.parameters.values())
    if skip_self and params and params[0].name in ("self", "cls"):
        params = params[1:]
    for p in params:
        if p.kind is p.KEYWORD_ONLY and not star_done:
            parts.append("*")
            star_done = True
        text = p.name
        if p.kind is p.VAR_POSITIONAL:
            text, star_done = "*" + p.name, True
        elif p.kind is p.VAR_KEYWORD:
            text = "**" + p.name
        ann = _annotation(p.annotation)
        if ann:
            text += f": {ann}"
        if p.default is not inspect.Parameter.empty:
            text += f" = {p.default!r}" if ann else f"={p.default!r}"
        parts.append(text)
        if p.kind is p.POSITIONAL_ONLY and (len(parts) == len(params) or
                                             params[len(parts)].kind is not p.POSITIONAL_ONLY):
            parts.append("/")
    ret = _annotation(sig.return_annotation)
    return f"{name}({', '.join(parts)})" + (f" -> {ret}" if ret else "")


def constant_docs(package_dir: Path) -> dict[str, tuple[str, str]]:
    """name -> (module, text) of module-level assignments preceded by ``#:`` comments."""
    found: dict[str, tuple[str, str]] = {}
    for path in sorted(package_dir.glob("*.py")):
        lines = path.read_text(encoding="utf-8").splitlines()
        module = "fst24" if path.stem == "__init__" else f"fst24.{path.stem}"
        for n, line in enumerate(lines):
            m = re.match(r"([A-Za-z_]\w*)\s*(?::[^=]*)?=(?!=)", line)
            if not m:
                continue
            comment: list[str] = []
            k = n - 1
            while k >= 0 and lines[k].startswith("#:"):
                comment.insert(0, lines[k][2:].strip())
                k -= 1
            if comment:
                found.setdefault(m.group(1), (module, " ".join(comment)))
    return found


@dataclass
class PyEntry:
    name: str
    module: str
    kind: str          # "function", "class", "exception", "constant"
    heading: str
    body: list[str] = field(default_factory=list)


def _own_members(cls: type) -> list[tuple[str, Any, type]]:
    """Public members defined by fst24 classes in cls's MRO (not object/builtins)."""
    seen: set[str] = set()
    out: list[tuple[str, Any, type]] = []
    for klass in cls.__mro__:
        if klass.__module__ == "builtins" or not klass.__module__.startswith("fst24"):
            continue
        for name, value in vars(klass).items():
            if name.startswith("_") or name in seen:
                continue
            seen.add(name)
            out.append((name, value, klass))
    return out


def _member_kind(value: Any) -> Optional[str]:
    if isinstance(value, (staticmethod, classmethod)):
        return "method"
    if inspect.isfunction(value) or inspect.ismethoddescriptor(value) or inspect.isbuiltin(value):
        return "method"
    if isinstance(value, property) or inspect.isgetsetdescriptor(value) or inspect.ismemberdescriptor(value):
        return "attribute"
    return None  # plain class data: documented by the class docstring


def _attribute_note(value: Any) -> str:
    if isinstance(value, property):
        return "" if value.fset is not None else "read only"
    if inspect.isgetsetdescriptor(value):
        # A getset without setter raises AttributeError on assignment; C getsets do not
        # expose the setter, so ask the type: read-only fields are listed by the class.
        return ""
    return ""


def python_reference() -> tuple[str, list[str]]:
    """(Markdown text, problems) of the installed fst24 package."""
    import fst24

    problems: list[str] = []
    package_dir = Path(fst24.__file__).resolve().parent
    constants = constant_docs(package_dir)
    entries: list[PyEntry] = []
    for name in fst24.__all__:
        if not hasattr(fst24, name):
            problems.append(f"fst24.__all__ lists {name!r}, which fst24 does not define")
            continue
        obj = getattr(fst24, name)
        qual = f"fst24.{name}"
        if inspect.isclass(obj):
            entries.append(_class_entry(name, obj, problems))
        elif callable(obj):
            doc = inspect.getdoc(obj)
            if not doc:
                problems.append(f"{qual}: no docstring")
            entries.append(PyEntry(name, getattr(obj, "__module__", "fst24") or "fst24", "function",
                                   f"`{qual}()`",
                                   ["```python", signature(obj, qual), "```", "", rst_to_md(doc or "")]))
        else:
            module, text = constants.get(name, ("fst24", ""))
            if not text:
                problems.append(f"{qual}: a constant without a '#:' comment above its assignment")
            value = repr(obj)
            if len(value) > 300:
                value = value[:300] + " ..."
            entries.append(PyEntry(name, module, "constant", f"`{qual}`",
                                   [rst_to_md(text), "", "```python", f"{qual} = {value}", "```"]))
    return _python_markdown(entries), problems


def _class_entry(name: str, cls: type, problems: list[str]) -> PyEntry:
    qual = f"fst24.{name}"
    doc = inspect.getdoc(cls) if cls.__doc__ else None
    if not doc:
        problems.append(f"{qual}: no docstring")
    if issubclass(cls, BaseException):
        bases = ", ".join(b.__name__ if b.__module__ == "builtins" else f"fst24.{b.__name__}"
                          for b in cls.__bases__)
        return PyEntry(name, cls.__module__, "exception", f"`{qual}`",
                       ["```python", f"class {qual}({bases})", "```", "", rst_to_md(doc or "")])
    body: list[str] = []
    init = vars(cls).get("__init__")
    if init is not None and inspect.isfunction(init):
        sig = signature(init, qual, skip_self=True)
        body += ["```python", sig[:-len(" -> None")] if sig.endswith(" -> None") else sig, "```", ""]
    else:
        body += ["```python", f"class {qual}", "```", ""]
    body.append(rst_to_md(doc or ""))
    attributes: list[tuple[str, str, str]] = []
    methods: list[tuple[str, str, str]] = []
    for mname, value, _owner in _own_members(cls):
        kind = _member_kind(value)
        if kind is None:
            continue
        if kind == "attribute":
            mdoc = inspect.getdoc(value) if getattr(value, "__doc__", None) else None
            slots = getattr(_owner, "__slots__", None)
            if not mdoc and isinstance(slots, dict) and isinstance(slots.get(mname), str):
                mdoc = inspect.cleandoc(slots[mname])   # documented slot: __slots__ = {name: doc}
            if not mdoc:
                problems.append(f"{qual}.{mname}: no docstring")
            attributes.append((mname, _attribute_note(value), mdoc or ""))
        else:
            func = value.__func__ if isinstance(value, (staticmethod, classmethod)) else value
            mdoc = inspect.getdoc(func)
            if not mdoc:
                problems.append(f"{qual}.{mname}(): no docstring")
            prefix = "classmethod " if isinstance(value, classmethod) else (
                "staticmethod " if isinstance(value, staticmethod) else "")
            sig = signature(func, f"{name}.{mname}", skip_self=not isinstance(value, staticmethod))
            methods.append((mname, prefix + sig, mdoc or ""))
    if attributes:
        body += ["", "| attribute | |", "|---|---|"]
        for mname, note, mdoc in attributes:
            text = " ".join(rst_to_md(mdoc).split())
            if note:
                text = f"({note}) {text}"
            body.append(f"| <a id=\"{name.lower()}-{mname}\"></a>`{mname}` | {_md_escape_cell(text)} |")
    for mname, sig, mdoc in methods:
        body += ["", f"#### `{name}.{mname}()`", "", "```python", sig, "```", "", rst_to_md(mdoc)]
    return PyEntry(name, cls.__module__, "class", f"`{qual}`", body)


def _anchor(heading: str) -> str:
    """GitHub's anchor of a Markdown heading."""
    text = heading.strip().lower()
    text = re.sub(r"[^\w\- ]", "", text)
    return text.replace(" ", "-")


def _python_markdown(entries: list[PyEntry]) -> str:
    sections: dict[str, list[PyEntry]] = {}
    for e in entries:
        sections.setdefault(SECTIONS.get(e.module, e.module), []).append(e)
    out = [
        "# Python API reference",
        "",
        f"<!-- Generated by `{REGENERATE}` from the docstrings of the `fst24` package: do not edit. -->",
        "",
        "Every public name of the `fst24` package (`fst24.__all__`) and the public methods and",
        "attributes of its classes, generated from their docstrings. Guides: [the user",
        "guide](../user-guide.md), [python.md](../python.md); the C API: [c.md](c.md).",
        "",
        "## Contents",
        "",
    ]
    for title, items in sections.items():
        links = ", ".join(f"[`{e.name}`](#{_anchor(e.heading)})" for e in items)
        out.append(f"* **[{title}](#{_anchor(title)})**: {links}")
    for title, items in sections.items():
        out += ["", f"## {title}"]
        for e in items:
            out += ["", f"### {e.heading}", ""] + e.body
    text = "\n".join(out)
    text = re.sub(r"\n{3,}", "\n\n", text)
    return text.rstrip() + "\n"


# ======================================================================================
# C
# ======================================================================================

@dataclass
class Item:
    kind: str            # "comment", "decl", "pp", "blank"
    text: str
    line: int            # first line (1-based)
    end_line: int


@dataclass
class Decl:
    text: str
    line: int
    names: list[str]     # declared names (first one: the entry's name)
    members: list[str]   # enumerators
    doc: list[str] = field(default_factory=list)   # comment texts documenting it
    trailing: list[str] = field(default_factory=list)  # raw comments on its last line
    inner_comments: bool = False


@dataclass
class Group:
    comment: Optional[str]
    decls: list[Decl]
    section: str


def scan_c(text: str) -> list[Item]:
    """Comments, declarations (up to ';' or a function body), preprocessor lines and
    blank lines of a header, with their line numbers."""
    items: list[Item] = []
    i, n, line = 0, len(text), 1
    line_has_content = False
    while i < n:
        c = text[i]
        if c == "\n":
            if not line_has_content:
                items.append(Item("blank", "", line, line))
            line += 1
            line_has_content = False
            i += 1
        elif c in " \t\r\f":
            i += 1
        elif text.startswith("/*", i):
            end = text.index("*/", i + 2) + 2
            body = text[i:end]
            items.append(Item("comment", body, line, line + body.count("\n")))
            line += body.count("\n")
            line_has_content = True
            i = end
        elif text.startswith("//", i):
            end = text.find("\n", i)
            end = n if end < 0 else end
            items.append(Item("comment", text[i:end], line, line))
            line_has_content = True
            i = end
        elif c == "#" and not line_has_content:
            j = i
            while True:
                end = text.find("\n", j)
                end = n if end < 0 else end
                if text[j:end].rstrip().endswith("\\"):
                    j = end + 1
                    continue
                break
            body = text[i:end]
            items.append(Item("pp", body, line, line + body.count("\n")))
            line += body.count("\n")
            line_has_content = True
            i = end
        else:
            start, start_line = i, line
            depth = 0
            body_start = -1
            while i < n:
                ch = text[i]
                if text.startswith("/*", i):
                    end = text.index("*/", i + 2) + 2
                    line += text[i:end].count("\n")
                    i = end
                    continue
                if text.startswith("//", i):
                    end = text.find("\n", i)
                    i = n if end < 0 else end
                    continue
                if ch == '"':
                    j = i + 1
                    while j < n and text[j] != '"':
                        j += 2 if text[j] == "\\" else 1
                    i = j + 1
                    continue
                if ch == "\n":
                    line += 1
                elif ch in "({[":
                    if ch == "{" and depth == 0:
                        if re.match(r'\s*extern\s+"C"\s*$', text[start:i]):
                            i += 1
                            break  # extern "C" {: not a declaration
                        body_start = i
                    depth += 1
                elif ch in ")}]":
                    depth -= 1
                    if depth < 0:   # the '}' closing extern "C"
                        depth = 0
                        i += 1
                        break
                    if ch == "}" and depth == 0 and body_start >= 0 and ")" in text[start:body_start] \
                            and not text[start:body_start].lstrip().startswith(("typedef", "struct", "enum", "union")):
                        i += 1      # a function definition (static inline): ends with its body
                        items.append(Item("decl", text[start:i], start_line, line))
                        break
                elif ch == ";" and depth == 0:
                    i += 1
                    items.append(Item("decl", text[start:i], start_line, line))
                    break
                i += 1
            line_has_content = True
    return items


def comment_text(raw: str) -> str:
    """The text of a comment without its delimiters and leading stars, dedented."""
    if raw.startswith("//"):
        return raw[2:].strip()
    body = raw[2:-2]
    lines = body.split("\n")
    cleaned = []
    for k, ln in enumerate(lines):
        s = ln
        if k > 0:
            s = re.sub(r"^\s*\* ?", "", s, count=1) if re.match(r"^\s*\*(?!/)", s) else s.strip()
        cleaned.append(s.rstrip())
    while cleaned and not cleaned[0].strip():
        cleaned.pop(0)
    while cleaned and not cleaned[-1].strip():
        cleaned.pop()
    if cleaned:
        cleaned[0] = cleaned[0].strip()
    rest = inspect.cleandoc("\n".join(cleaned[1:])) if len(cleaned) > 1 else ""
    return (cleaned[0] + ("\n" + rest if rest else "")) if cleaned else ""


_RULE = re.compile(r"^-{3,}$")
_TITLED_RULE = re.compile(r"^-{2,}\s*(.+?)\s*-*$")


def _decl_names(text: str) -> tuple[list[str], list[str], bool]:
    """(declared names, enumerators, whether the body holds comments) of a declaration."""
    code = re.sub(r"/\*.*?\*/|//[^\n]*", " ", text, flags=re.S)
    inner = bool(re.search(r"\{[^}]*(/\*|//)", text, flags=re.S))
    members: list[str] = []
    if re.match(r"\s*(typedef\s+)?enum\b", code):
        body = code[code.find("{") + 1:code.rfind("}")] if "{" in code else ""
        members = [m.group(1) for m in re.finditer(r"(?:^|,)\s*([A-Za-z_]\w*)", body)]
    if code.lstrip().startswith("typedef"):
        fp = re.search(r"\(\s*\*\s*(\w+)\s*\)", code)
        if fp and "{" not in code:
            return [fp.group(1)], members, inner
        tail = code[code.rfind("}") + 1:] if "}" in code else code
        names = re.findall(r"([A-Za-z_]\w*)\s*;", tail)
        return names[-1:], members, inner
    if re.match(r"\s*(enum|struct|union)\s*(\w*)\s*\{", code):
        m = re.match(r"\s*(enum|struct|union)\s*(\w*)", code)
        assert m
        if m.group(2):
            return [m.group(2)], members, inner
        return [], members, inner
    if re.match(r"\s*(struct|union|enum)\s+\w+\s*;", code):
        return [], [], inner  # forward declaration: declares nothing new
    m = re.search(r"([A-Za-z_]\w*)\s*\(", code)
    if m:
        return [m.group(1)], [], inner
    names = re.findall(r"([A-Za-z_]\w*)\s*(?:\[[^\]]*\])?\s*;", code)
    return names[-1:], [], inner


def _pp_define(text: str) -> Optional[str]:
    m = re.match(r"#\s*define\s+([A-Za-z_]\w*)", text)
    return m.group(1) if m else None


def _is_public(name: str) -> bool:
    return name.lower().startswith("fst24")


def parse_header(path: Path) -> tuple[str, list[Group], list[str]]:
    """(file description, groups, problems) of one header."""
    text = path.read_text(encoding="utf-8")
    rel = path.relative_to(ROOT).as_posix() if path.is_relative_to(ROOT) else str(path)
    items = scan_c(text)
    problems: list[str] = []
    description = ""
    # The first comment (before any code) describes the file.
    k = 0
    while k < len(items) and items[k].kind == "blank":
        k += 1
    if k < len(items) and items[k].kind == "comment":
        description = comment_text(items[k].text)
        items = items[k + 1:]
    groups: list[Group] = []
    section = ""
    pending_comment: Optional[str] = None   # opens the next group
    current: Optional[Group] = None
    last_decl: Optional[Decl] = None
    guard_names: set[str] = set()
    last_decl_end = -1
    idx = 0
    while idx < len(items):
        it = items[idx]
        if it.kind == "blank":
            current, last_decl = None, None
            if pending_comment is not None:
                # a comment standing alone (followed by a blank line): free text
                groups.append(Group(pending_comment, [], section))
                pending_comment = None
            idx += 1
            continue
        if it.kind == "comment":
            ctext = comment_text(it.text)
            first = ctext.split("\n", 1)[0].strip()
            rest = ctext.split("\n", 1)[1].strip() if "\n" in ctext else ""
            if last_decl is not None and it.line == last_decl_end:
                last_decl.doc.append(ctext)   # trailing comment of a declaration
                last_decl.trailing.append(it.text)
                idx += 1
                continue
            if _RULE.match(first) and not rest:
                # ---- / Title / ---- banner
                if (idx + 2 < len(items) and items[idx + 1].kind == "comment"
                        and items[idx + 2].kind == "comment"
                        and _RULE.match(comment_text(items[idx + 2].text).strip())):
                    section = comment_text(items[idx + 1].text).strip()
                    idx += 3
                else:
                    idx += 1
                current, pending_comment = None, None
                continue
            m = _TITLED_RULE.match(first)
            if m and first.startswith("--"):
                section = m.group(1).strip()
                current, last_decl = None, None
                pending_comment = rest or None
                idx += 1
                continue
            current, last_decl = None, None
            pending_comment = ctext
            idx += 1
            continue
        if it.kind == "pp":
            name = _pp_define(it.text)
            if it.text.lstrip("# \t").startswith(("ifndef", "ifdef", "if ", "if(")):
                m = re.match(r"#\s*ifndef\s+(\w+)", it.text)
                if m:
                    guard_names.add(m.group(1))
            if name is None or name in guard_names or name == "FST24_API":
                idx += 1
                continue
            decl = Decl(it.text.strip(), it.line, [name], [])
        else:
            names, members, inner = _decl_names(it.text)
            decl = Decl(it.text.strip(), it.line, names, members, inner_comments=inner)
            if not names and not members:
                idx += 1
                continue
        if pending_comment is not None:
            current = Group(pending_comment, [], section)
            groups.append(current)
            pending_comment = None
        elif current is None:
            current = Group(None, [], section)
            groups.append(current)
        current.decls.append(decl)
        last_decl, last_decl_end = decl, it.end_line
        idx += 1
    for g in groups:
        for d in g.decls:
            label = d.names[0] if d.names else f"enum {{{d.members[0]}, ...}}"
            public = any(_is_public(n) for n in d.names + d.members)
            documented = bool(g.comment) or bool(d.doc) or d.inner_comments
            if public and not documented:
                problems.append(f"{rel}:{d.line}: {label} has no comment")
    return description, groups, problems


def _render_comment(text: str) -> list[str]:
    """A header comment as Markdown: a paragraph, or a text block when it is laid out
    (lists, aligned columns, code)."""
    if not text.strip():
        return []
    lines = text.split("\n")
    laid_out = any(ln.startswith(" ") or re.search(r"\S {3,}\S", ln) or
                   re.match(r"\s*([-*]|\d+[.)])\s", ln) for ln in lines)
    if laid_out:
        paras: list[list[str]] = [[]]
        for ln in lines:
            if not ln.strip():
                paras.append([])
            else:
                paras[-1].append(ln)
        out: list[str] = []
        # leading plain paragraphs stay prose; from the first laid-out one on: a text block
        k = 0
        while k < len(paras) and paras[k] and not any(
                ln.startswith(" ") or re.search(r"\S {3,}\S", ln) or re.match(r"\s*([-*]|\d+[.)])\s", ln)
                for ln in paras[k][1:] + ([paras[k][0]] if re.match(r"\s*([-*]|\d+[.)])\s", paras[k][0]) else [])):
            out += [_escape_md(" ".join(ln.strip() for ln in paras[k])), ""]
            k += 1
        rest = "\n\n".join("\n".join(p) for p in paras[k:] if p)
        if rest:
            out += ["```text", rest, "```"]
        return out
    paras = [p for p in "\n".join(lines).split("\n\n")]
    out = []
    for p in paras:
        out += [_escape_md(" ".join(ln.strip() for ln in p.split("\n"))), ""]
    return out[:-1]


def _escape_md(text: str) -> str:
    text = text.replace("\\", "\\\\").replace("*", "\\*").replace("<", "&lt;").replace(">", "&gt;")
    text = re.sub(r"(?<![\w`])_|_(?![\w`])", r"\\_", text)
    return ("\\" + text) if text.startswith("#") else text


def _render_decl(decl: Decl) -> str:
    text = decl.text.replace("FST24_API ", "")
    if text.startswith("static inline") and "{" in text:
        text = text[:text.index("{")].rstrip() + ";"
    return text


def c_reference(headers: Optional[list[Path]] = None) -> tuple[str, list[str]]:
    """(Markdown text, problems) of the public C headers."""
    if headers is None:
        headers = [ROOT / "include" / "fst24.h"] + sorted((ROOT / "include" / "fst24").glob("*.h"))
    problems: list[str] = []
    parsed = []
    for h in headers:
        description, groups, probs = parse_header(h)
        problems += probs
        parsed.append((h.relative_to(ROOT).as_posix() if h.is_relative_to(ROOT) else h.name, description, groups))
    out = [
        "# C API reference",
        "",
        f"<!-- Generated by `{REGENERATE}` from the comments of the public headers: do not edit. -->",
        "",
        "Every declaration of the public headers with its comment, header by header and in",
        "header order. `#include <fst24.h>` brings in everything but the metadata index",
        "(`#include <fst24/index.h>`). How to build against the library and a tour of the API:",
        "[c-api.md](../c-api.md); the Python API: [python.md](python.md).",
        "",
        "## Index",
        "",
    ]
    for rel, _description, groups in parsed:
        names = [n for g in groups for d in g.decls for n in d.names if _is_public(n)]
        out.append(f"* **[{rel}](#{_anchor(rel)})**: " + ", ".join(f"[`{n}`](#{n})" for n in names))
    for rel, description, groups in parsed:
        out += ["", f"## {rel}", ""] + _render_comment(description)
        section = ""
        for g in groups:
            if g.section != section:
                section = g.section
                out += ["", f"### {section}"]
            if not g.decls:
                out += [""] + _render_comment(g.comment or "")
                continue
            anchors = "".join(f'<a id="{n}"></a>' for d in g.decls for n in d.names + d.members
                              if _is_public(n))
            title = ", ".join(f"`{n}`" for d in g.decls for n in (d.names or [f"enum {{ {d.members[0]}, ... }}"]))
            out += ["", f"{anchors}**{title}**", "", "```c"]
            for d in g.decls:
                out.append(" ".join([_render_decl(d)] + d.trailing))
            out.append("```")
            # trailing comments stay in the code; alone (no group comment) they are also the prose
            docs = [g.comment] if g.comment else [t for d in g.decls for t in d.doc][:1] if len(g.decls) == 1 else []
            for t in docs:
                out += [""] + _render_comment(t)
    text = "\n".join(out)
    text = re.sub(r"\n{3,}", "\n\n", text)
    return text.rstrip() + "\n", problems


# ======================================================================================

def build() -> list[tuple[Path, str, list[str]]]:
    """[(output path, text, problems)] for both references."""
    py_text, py_problems = python_reference()
    c_text, c_problems = c_reference()
    return [(PYTHON_OUT, py_text, py_problems), (C_OUT, c_text, c_problems)]


def main(argv: Optional[list[str]] = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    ap.add_argument("--check", action="store_true",
                    help="report undocumented names and stale files; write nothing")
    args = ap.parse_args(argv)
    status = 0
    for path, text, problems in build():
        rel = path.relative_to(ROOT)
        for p in problems:
            print(f"undocumented: {p}", file=sys.stderr)
            status = 1
        if args.check:
            if not path.exists() or path.read_text(encoding="utf-8") != text:
                print(f"stale: {rel} (run `{REGENERATE}`)", file=sys.stderr)
                status = 1
        else:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
            print(f"wrote {rel}")
    return status


if __name__ == "__main__":
    sys.exit(main())
