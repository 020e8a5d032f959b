"""Question files (Markdown or notebook) read into one question, or a message naming the
problem.

A notebook is read as the Markdown form it stands for (cells top to bottom), so both forms
follow one set of rules; docs/questions.md describes them, ``schema/question.schema.jsonc``
the front matter and the test lists.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import yaml
from jsonschema import Draft202012Validator
from jsonschema.exceptions import best_match

MAX_FILE_BYTES = 256 * 1024
MAX_PARTS = 10
MAX_LINE = 10_000
MAX_DEPTH = 20
DEFAULT_TIMEOUT_MS = 5000
LANGUAGES = ("python", "javascript", "typescript", "java", "cpp", "go", "sql")
_ALIASES = {
    "py": "python",
    "python3": "python",
    "js": "javascript",
    "ts": "typescript",
    "c++": "cpp",
    "golang": "go",
    "sqlite": "sql",
}
_DATA_INFO = ("", "yaml", "yml", "json")

_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})(.*)$")
# Closing #s are stripped in Python: a pattern for them backtracks cubically on a line of
# spaces (seconds for a few thousand, holding the interpreter lock the rooms need).
_HEADING = re.compile(r"^ {0,3}##[ \t]+(\S.*)$")
_PART = re.compile(r"^part\b", re.IGNORECASE)
_LIST_ITEM = re.compile(r"^[ \t]{0,3}[-*+][ \t]+(.*)$")
_BOLD_NAME = re.compile(r"^\*\*(.+?)\*\*[ \t]*(?:[:\u2014\u2013-][ \t]*)?(.*)$")
_PLAIN_NAME = re.compile(r"^([^:]{1,200}):[ \t]*(.*)$")


class QuestionFileError(ValueError):
    """A question file that cannot be used; the message names the problem."""


@dataclass
class _Section:
    kind: str  # prompt, part, starter, tests, hidden, rubric
    title: str
    lines: list[str] = field(default_factory=list)
    start: int = 0  # line number of its heading (1-based; 0 for the prompt)


@cache
def file_schema() -> dict[str, Any]:
    """The schema of front matter and test lists (``schema/question.schema.jsonc``)."""
    here = Path(__file__).parent
    for candidate in (
        here / "question.schema.json",  # in a wheel (pyproject's force-include)
        here.parents[1] / "schema" / "question.schema.jsonc",  # in a source checkout
    ):
        if candidate.is_file():
            schema: dict[str, Any] = json.loads(candidate.read_text(encoding="utf-8"))
            return schema
    raise FileNotFoundError("question.schema.jsonc is missing from the installation")


@cache
def _validator(definition: str | None) -> Draft202012Validator:
    schema = file_schema()
    if definition is not None:
        schema = {"$defs": schema["$defs"], "$ref": f"#/$defs/{definition}"}
    return Draft202012Validator(schema)


def _check(value: Any, definition: str | None, where: str) -> None:
    error = best_match(_validator(definition).iter_errors(value))
    if error is not None:
        at = ".".join(str(p) for p in error.absolute_path)
        raise QuestionFileError(f"{where}{' ' + at if at else ''}: {error.message}")


class _NoAliasLoader(yaml.SafeLoader):
    """YAML without anchors and aliases: a few aliased lists make an exponentially large
    value (a "billion laughs"), and question files have no use for them."""

    def compose_node(self, parent: Any, index: Any) -> Any:
        if self.check_event(yaml.AliasEvent):
            raise yaml.composer.ComposerError(None, None, "anchors and aliases are not allowed")
        return super().compose_node(parent, index)


def _depth(value: Any, limit: int = MAX_DEPTH) -> int:
    """How deep lists and mappings nest in ``value`` (stops counting past ``limit``)."""
    deepest, level = 0, [(value, 0)]
    while level:
        item, depth = level.pop()
        deepest = max(deepest, depth)
        if deepest > limit:
            return deepest
        if isinstance(item, dict):
            level.extend((v, depth + 1) for v in item.values())
        elif isinstance(item, list):
            level.extend((v, depth + 1) for v in item)
    return deepest


def _load_yaml(text: str, where: str) -> Any:
    try:
        value = yaml.load(text, Loader=_NoAliasLoader)  # noqa: S506 (a SafeLoader)
    except RecursionError as e:
        raise QuestionFileError(f"{where}: values nest too deeply") from e
    except ValueError as e:  # e.g. an integer of more digits than Python converts
        raise QuestionFileError(f"{where}: {e}") from e
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        line = f" (line {mark.line + 1} of the block)" if mark is not None else ""
        problem = getattr(e, "problem", None) or str(e).splitlines()[0]
        raise QuestionFileError(f"{where}: not valid YAML{line}: {problem}") from e
    if _depth(value) > MAX_DEPTH:
        raise QuestionFileError(f"{where}: values nest more than {MAX_DEPTH} levels deep")
    return value


def language_of(info: str) -> str | None:
    """A fenced block's language from its info string (``py``, ``js`` ... are accepted)."""
    word = info.strip().split(" ", 1)[0].strip().lower() if info.strip() else ""
    word = _ALIASES.get(word, word)
    return word if word in LANGUAGES else None


# -- the Markdown form ------------------------------------------------------------------


def parse_markdown(text: str) -> dict[str, Any]:
    """The question a Markdown question file holds (without its id and source)."""
    front, body, offset = _split_front_matter(text)
    return _build(front, _sections(body, offset))


def _split_front_matter(text: str) -> tuple[dict[str, Any], list[str], int]:
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    if not lines or lines[0].strip() != "---":
        raise QuestionFileError(
            "a question file starts with a front matter block (--- lines) giving at least its title"
        )
    for end in range(1, len(lines)):
        if lines[end].strip() in ("---", "..."):
            break
    else:
        raise QuestionFileError("the front matter block is not closed by a --- line")
    front = _load_yaml("\n".join(lines[1:end]), "the front matter")
    if not isinstance(front, dict):
        raise QuestionFileError("the front matter must be a mapping (title: ..., ...)")
    return front, lines[end + 1 :], end + 1


def _sections(lines: list[str], offset: int) -> list[_Section]:
    sections = [_Section("prompt", "")]
    fence: str | None = None
    for number, line in enumerate(lines, start=offset + 1):
        opening = _FENCE.match(line)
        if fence is not None:
            if _closes(opening, fence):
                fence = None
            sections[-1].lines.append(line)
            continue
        if opening:
            fence = opening.group(1)
            sections[-1].lines.append(line)
            continue
        heading = _HEADING.match(line)
        title = heading.group(1).rstrip().rstrip("#").rstrip() if heading else ""
        kind = _section_kind(title) if heading else None
        if heading and kind is not None:
            sections.append(_Section(kind, title, start=number))
        else:
            sections[-1].lines.append(line)
    if fence is not None:
        raise QuestionFileError(f"a code block ({fence}) is never closed")
    return sections


def _closes(line: re.Match[str] | None, fence: str) -> bool:
    """Whether a fence line closes the block ``fence`` opened (same character, at least
    as long, no info string)."""
    return (
        line is not None
        and line.group(1)[0] == fence[0]
        and len(line.group(1)) >= len(fence)
        and not line.group(2).strip()
    )


def _section_kind(title: str) -> str | None:
    name = " ".join(title.lower().split())
    if name in ("starter", "starter code"):
        return "starter"
    if name == "tests":
        return "tests"
    if name == "hidden tests":
        return "hidden"
    if name == "rubric":
        return "rubric"
    if _PART.match(name):
        return "part"
    return None


def _blocks(section: _Section) -> list[tuple[str, str, int]]:
    """The fenced blocks of a section: (info string, content, line number)."""
    blocks: list[tuple[str, str, int]] = []
    fence: str | None = None
    info, start = "", 0
    content: list[str] = []
    for number, line in enumerate(section.lines, start=section.start + 1):
        opening = _FENCE.match(line)
        if fence is None:
            if opening:
                fence, info, content, start = opening.group(1), opening.group(2), [], number
            continue
        if _closes(opening, fence):
            blocks.append((info.strip(), "\n".join(content), start))
            fence = None
        else:
            content.append(line)
    return blocks


def _build(front: dict[str, Any], sections: list[_Section]) -> dict[str, Any]:
    _check(front, None, "the front matter")
    prompt = "\n".join(sections[0].lines).strip()
    if not prompt:
        raise QuestionFileError("the question has no prompt (text after the front matter)")
    parts: list[dict[str, str]] = []
    starter: dict[str, str] = {}
    tests: list[dict[str, Any]] = []
    hidden: list[dict[str, Any]] = []
    rubric: list[dict[str, str]] = []
    seen: set[str] = set()
    for section in sections[1:]:
        if section.kind != "part":
            if section.kind in seen:
                raise QuestionFileError(
                    f"line {section.start}: a second '## {section.title}' section"
                )
            seen.add(section.kind)
        if section.kind == "part":
            parts.append({"title": section.title, "prompt": "\n".join(section.lines).strip()})
        elif section.kind == "starter":
            starter = _starter(section)
        elif section.kind in ("tests", "hidden"):
            (tests if section.kind == "tests" else hidden).extend(_tests(section))
        elif section.kind == "rubric":
            rubric = _rubric(section)
    if len(parts) > MAX_PARTS:
        raise QuestionFileError(f"a question has at most {MAX_PARTS} parts")
    if "rubric" in front:
        if rubric:
            raise QuestionFileError("the rubric is given twice (front matter and ## Rubric)")
        rubric = [
            {"name": c["name"].strip(), "description": c.get("description", "").strip()}
            for c in front["rubric"]
        ]
    names = [t["name"] for t in tests + hidden]
    duplicate = next((n for n in names if names.count(n) > 1), None)
    if duplicate is not None:
        raise QuestionFileError(f"two tests are named {duplicate!r}")
    languages = _languages(front, starter, tests + hidden)
    return {
        "title": front["title"].strip(),
        "difficulty": front.get("difficulty", "medium"),
        "duration_minutes": front.get("duration"),
        "languages": languages,
        "tags": [t.strip() for t in front.get("tags", [])],
        "prompt": prompt,
        "parts": parts,
        "starter": starter,
        "tests": tests,
        "hidden_tests": hidden,
        "rubric": rubric,
    }


def _starter(section: _Section) -> dict[str, str]:
    starter: dict[str, str] = {}
    for info, content, line in _blocks(section):
        language = language_of(info)
        if language is None:
            raise QuestionFileError(
                f"line {line}: starter code needs a known language after its ``` "
                f"({', '.join(LANGUAGES)}), not {info.split(' ')[0]!r}"
                if info
                else f"line {line}: starter code needs its language after the ``` (e.g. ```python)"
            )
        if language in starter:
            raise QuestionFileError(f"line {line}: a second starter code for {language}")
        starter[language] = content.rstrip() + "\n"
    return starter


def _tests(section: _Section) -> list[dict[str, Any]]:
    tests: list[dict[str, Any]] = []
    where_section = f"'## {section.title}'"
    for info, content, line in _blocks(section):
        if info.lower().split(" ")[0] not in _DATA_INFO:
            raise QuestionFileError(
                f"line {line}: {where_section} holds YAML or JSON blocks, not {info!r}"
            )
        where = f"line {line} ({where_section})"
        value = _load_yaml(content, where)
        if value is None:
            continue
        if not isinstance(value, list):
            raise QuestionFileError(f"{where}: the block must be a list of tests (- name: ...)")
        _check(value, "tests", where)
        for test in value:
            tests.append(
                {
                    "name": test["name"].strip(),
                    "input": dict(test["input"]),
                    "expected": _json_value(test["expected"], f"{where} test {test['name']!r}"),
                    "timeout_ms": test.get("timeout_ms", DEFAULT_TIMEOUT_MS),
                    "ordered": test.get("ordered", False),
                }
            )
    return tests


def _json_value(value: Any, where: str) -> Any:
    # YAML has dates, binary and non-string keys; a test's expected value is JSON.
    try:
        return json.loads(json.dumps(value, allow_nan=False))
    except (TypeError, ValueError) as e:
        raise QuestionFileError(f"{where}: expected is not a JSON value ({e})") from e


def _rubric(section: _Section) -> list[dict[str, str]]:
    criteria: list[dict[str, str]] = []
    for line in section.lines:
        item = _LIST_ITEM.match(line)
        if item:
            text = item.group(1).strip()
            named = _BOLD_NAME.match(text) or _PLAIN_NAME.match(text)
            name, description = (named.group(1), named.group(2)) if named else (text, "")
            criteria.append({"name": name.strip(), "description": description.strip()})
        elif line.strip() and criteria:
            more = criteria[-1]["description"] + " " + line.strip()
            criteria[-1]["description"] = more.strip()
    if not criteria:
        raise QuestionFileError(
            f"line {section.start}: '## Rubric' lists its criteria as - **Name**: description"
        )
    for criterion in criteria:
        _check(criterion, "criterion", "the rubric")
    return criteria


def _languages(
    front: dict[str, Any], starter: dict[str, str], tests: list[dict[str, Any]]
) -> list[str]:
    given: list[str] | None = front.get("languages")
    found = set(starter)
    for test in tests:
        found.update(test["input"])
    if given is None:
        if not found:
            raise QuestionFileError(
                "the question names no language: give `languages:` in the front matter, "
                "starter code or tests"
            )
        return [language for language in LANGUAGES if language in found]
    extra = sorted(found - set(given))
    if extra:
        raise QuestionFileError(
            f"starter code or a test is in {extra[0]}, which `languages:` does not list"
        )
    for test in tests:
        for language in given:
            if language not in test["input"]:
                raise QuestionFileError(f"test {test['name']!r} has no input for {language}")
    return list(given)


# -- the notebook form ------------------------------------------------------------------


def parse_notebook(text: str) -> dict[str, Any]:
    """The question a notebook holds: its ``devinterview`` metadata is the front matter,
    its cells read as the Markdown form."""
    try:
        notebook = json.loads(text)
    except (ValueError, RecursionError) as e:
        raise QuestionFileError(f"the notebook is not valid JSON: {e}") from e
    if not isinstance(notebook, dict) or not isinstance(notebook.get("cells"), list):
        raise QuestionFileError("the notebook has no list of cells")
    metadata = notebook.get("metadata")
    metadata = metadata if isinstance(metadata, dict) else {}
    front = metadata.get("devinterview")
    if not isinstance(front, dict):
        raise QuestionFileError(
            "a question notebook has a `devinterview` object in its metadata, giving at "
            "least its title"
        )
    if _depth(front) > MAX_DEPTH:
        raise QuestionFileError(f"the `devinterview` metadata nests more than {MAX_DEPTH} levels")
    kernel = _kernel_language(metadata)
    lines: list[str] = []
    for index, cell in enumerate(notebook["cells"], start=1):
        if not isinstance(cell, dict):
            raise QuestionFileError(f"cell {index} is not an object")
        source = cell.get("source", "")
        if isinstance(source, list) and all(isinstance(s, str) for s in source):
            source = "".join(source)
        if not isinstance(source, str):
            raise QuestionFileError(f"cell {index}: its source is not text")
        kind = cell.get("cell_type")
        if kind == "markdown":
            lines.extend(source.split("\n"))
        elif kind in ("code", "raw"):
            cell_meta = cell.get("metadata")
            own = cell_meta.get("devinterview") if isinstance(cell_meta, dict) else None
            language = own.get("language") if isinstance(own, dict) else None
            info = "yaml" if kind == "raw" else (language or kernel or "")
            fence = "`" * max(3, _longest_backticks(source) + 1)
            lines.extend([f"{fence}{info}", *source.split("\n"), fence])
        else:
            raise QuestionFileError(f"cell {index} has an unknown cell_type {kind!r}")
        lines.append("")
    return _build(front, _sections(lines, 0))


def _kernel_language(metadata: dict[str, Any]) -> str | None:
    for key in ("kernelspec", "language_info"):
        value = metadata.get(key)
        name = value.get("language") or value.get("name") if isinstance(value, dict) else None
        if isinstance(name, str) and language_of(name):
            return language_of(name)
    return None


def _longest_backticks(text: str) -> int:
    runs = re.findall(r"`+", text)
    return max((len(r) for r in runs), default=0)


# -- files ------------------------------------------------------------------------------

SUFFIXES = (".md", ".ipynb")


def parse_question_bytes(name: str, data: bytes) -> dict[str, Any]:
    """The question in a file's content; ``name`` gives its form by its suffix."""
    if len(data) > MAX_FILE_BYTES:
        raise QuestionFileError(f"the file is over {MAX_FILE_BYTES // 1024} KB")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        raise QuestionFileError(f"the file is not UTF-8 text (byte {e.start})") from e
    if "\x00" in text:
        raise QuestionFileError("the file holds a NUL character")
    longest = max((len(line) for line in text.splitlines()), default=0)
    if longest > MAX_LINE and not name.endswith(".ipynb"):
        raise QuestionFileError(f"a line is over {MAX_LINE} characters")
    if name.endswith(".ipynb"):
        return parse_notebook(text)
    if name.endswith(".md"):
        return parse_markdown(text)
    raise QuestionFileError("a question file is a .md or .ipynb file")


def parse_question_file(path: Path) -> dict[str, Any]:
    """The question in a file (raises QuestionFileError, or OSError if unreadable)."""
    with path.open("rb") as f:
        data = f.read(MAX_FILE_BYTES + 1)
    return parse_question_bytes(path.name, data)
