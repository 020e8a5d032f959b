"""Question files: the Markdown and notebook forms read into one question, the shipped
starter set, and broken files named with their problem (docs/questions.md)."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest

from devinterview_jupyter.questions.library import (
    SHIPPED,
    QuestionLibrary,
    UnknownQuestion,
    folders_of,
)
from devinterview_jupyter.questions.parse import (
    MAX_FILE_BYTES,
    QuestionFileError,
    parse_markdown,
    parse_notebook,
    parse_question_bytes,
)

GOOD = """---
title: Reverse a string
difficulty: easy
duration: 15
tags: [strings]
---

Write `reverse(s)`. Math works: $O(n)$.

```python
## not a heading: inside a code block
print(reverse("ab"))
```

## Example

`reverse("abc")` is `"cba"`.

## Part 2: Unicode

Keep grapheme clusters together.

## Part 3: In place

Without a second string.

## Starter

```python
def reverse(s):
    pass
```

```js
function reverse(s) {}
```

## Tests

```yaml
- name: simple
  input: {python: 'reverse("abc")', javascript: 'reverse("abc")'}
  expected: cba
- name: empty
  input: {python: 'reverse("")', javascript: 'reverse("")'}
  expected: ""
  timeout_ms: 2000
```

## Hidden tests

```json
[{"name": "palindrome", "input": {"python": "reverse('aba')", "javascript": "reverse('aba')"},
  "expected": "aba"}]
```

## Rubric

- **Correctness**: all inputs
- Style: readable
  and idiomatic
"""


def test_a_markdown_question_reads_into_every_part():
    q = parse_markdown(GOOD)
    assert q["title"] == "Reverse a string"
    assert (q["difficulty"], q["duration_minutes"], q["tags"]) == ("easy", 15, ["strings"])
    assert q["languages"] == ["python", "javascript"]
    # The heading inside the code block and the plain "## Example" stay in the prompt.
    assert "## not a heading" in q["prompt"] and "## Example" in q["prompt"]
    assert [p["title"] for p in q["parts"]] == ["Part 2: Unicode", "Part 3: In place"]
    assert q["parts"][0]["prompt"] == "Keep grapheme clusters together."
    assert q["starter"] == {
        "python": "def reverse(s):\n    pass\n",
        "javascript": "function reverse(s) {}\n",
    }
    assert [t["name"] for t in q["tests"]] == ["simple", "empty"]
    assert q["tests"][0] == {
        "name": "simple",
        "input": {"python": 'reverse("abc")', "javascript": 'reverse("abc")'},
        "expected": "cba",
        "timeout_ms": 5000,
        "ordered": False,
    }
    assert q["tests"][1]["timeout_ms"] == 2000
    assert [t["name"] for t in q["hidden_tests"]] == ["palindrome"]
    assert q["rubric"] == [
        {"name": "Correctness", "description": "all inputs"},
        {"name": "Style", "description": "readable and idiomatic"},
    ]


def _notebook(cells: list[dict[str, Any]], meta: dict[str, Any] | None) -> str:
    metadata: dict[str, Any] = {"kernelspec": {"name": "python3", "language": "python"}}
    if meta is not None:
        metadata["devinterview"] = meta
    return json.dumps({"nbformat": 4, "nbformat_minor": 5, "metadata": metadata, "cells": cells})


def _cell(kind: str, source: str | list[str], **meta: Any) -> dict[str, Any]:
    cell: dict[str, Any] = {"cell_type": kind, "source": source, "metadata": meta}
    if kind == "code":
        cell.update(outputs=[], execution_count=None)
    return cell


def test_a_notebook_question_reads_as_its_markdown_form():
    text = _notebook(
        [
            _cell("markdown", ["Sum the list.\n", "\n", "Use `total(xs)`."]),
            _cell("markdown", "## Part 2: Floats\n\nNow with floats."),
            _cell("markdown", "## Starter"),
            _cell("code", "def total(xs):\n    ```not a fence end```\n    pass"),
            _cell("code", "function total(xs) {}", devinterview={"language": "javascript"}),
            _cell("markdown", "## Tests"),
            _cell(
                "raw",
                "- name: three\n  input: {python: 'total([1, 2])', javascript: 'total([1, 2])'}"
                "\n  expected: 3",
            ),
            _cell("markdown", "## Hidden tests"),
            _cell(
                "raw",
                "- name: none\n  input: {python: 'total([])', javascript: 'total([])'}"
                "\n  expected: 0",
            ),
        ],
        {"title": "Total", "difficulty": "hard", "duration": 20},
    )
    q = parse_notebook(text)
    assert q["title"] == "Total" and q["difficulty"] == "hard"
    assert q["prompt"] == "Sum the list.\n\nUse `total(xs)`."
    assert q["parts"] == [{"title": "Part 2: Floats", "prompt": "Now with floats."}]
    assert q["starter"]["python"].startswith("def total(xs):\n    ```not a fence end```")
    assert q["starter"]["javascript"] == "function total(xs) {}\n"
    assert q["tests"][0]["expected"] == 3 and q["hidden_tests"][0]["name"] == "none"


BROKEN = {
    "no front matter": ("# Title\n\nText", "front matter"),
    "front matter never closed": ("---\ntitle: x\n\nText", "not closed"),
    "front matter not YAML": ("---\ntitle: [x\n---\nText", "not valid YAML"),
    "no title": ("---\ndifficulty: easy\n---\nText", "'title' is a required property"),
    "bad difficulty": ("---\ntitle: t\ndifficulty: trivial\n---\nText", "difficulty"),
    "unknown key": ("---\ntitle: t\nauthor: me\n---\nText", "author"),
    "no prompt": ("---\ntitle: t\nlanguages: [python]\n---\n\n## Starter\n", "no prompt"),
    "no language": ("---\ntitle: t\n---\nText", "names no language"),
    "starter without language": (
        "---\ntitle: t\n---\nText\n## Starter\n```\nx\n```\n",
        "needs its language",
    ),
    "starter in an unknown language": (
        "---\ntitle: t\n---\nText\n## Starter\n```cobol\nx\n```\n",
        "'cobol'",
    ),
    "tests not a list": (
        "---\ntitle: t\n---\nText\n## Tests\n```yaml\nname: x\n```\n",
        "must be a list of tests",
    ),
    "test without input": (
        "---\ntitle: t\n---\nText\n## Tests\n```yaml\n- name: x\n  expected: 1\n```\n",
        "'input' is a required property",
    ),
    "test in an unknown language": (
        "---\ntitle: t\n---\nText\n## Tests\n```yaml\n- name: x\n  input: {perl: '1'}\n"
        "  expected: 1\n```\n",
        "perl",
    ),
    "test missing a listed language": (
        "---\ntitle: t\nlanguages: [python, javascript]\n---\nText\n## Tests\n```yaml\n"
        "- name: x\n  input: {python: '1'}\n  expected: 1\n```\n",
        "no input for javascript",
    ),
    "duplicate test names": (
        "---\ntitle: t\n---\nText\n## Tests\n```yaml\n- {name: x, input: {python: '1'}, "
        "expected: 1}\n```\n## Hidden tests\n```yaml\n- {name: x, input: {python: '2'}, "
        "expected: 2}\n```\n",
        "two tests are named 'x'",
    ),
    "YAML aliases": (
        "---\ntitle: t\n---\nText\n## Tests\n```yaml\n- &a {name: x, input: {python: '1'}, "
        "expected: 1}\n- *a\n```\n",
        "aliases are not allowed",
    ),
    "code block never closed": ("---\ntitle: t\n---\nText\n```python\nx\n", "never closed"),
    "two starter sections": (
        "---\ntitle: t\n---\nText\n## Starter\n```python\nx\n```\n## Starter\n",
        "a second '## Starter' section",
    ),
    "empty rubric": (
        "---\ntitle: t\nlanguages: [python]\n---\nText\n## Rubric\nno list\n",
        "lists its criteria",
    ),
    "expected not JSON": (
        "---\ntitle: t\n---\nText\n## Tests\n```yaml\n- name: x\n  input: {python: '1'}\n"
        "  expected: 2024-01-01\n```\n",
        "expected is not a JSON value",
    ),
}


@pytest.mark.parametrize("case", sorted(BROKEN))
def test_a_broken_markdown_file_gets_a_message_naming_its_problem(case):
    text, words = BROKEN[case]
    with pytest.raises(QuestionFileError) as caught:
        parse_markdown(text)
    assert words in str(caught.value)


@pytest.mark.parametrize(
    ("name", "data", "words"),
    [
        ("q.md", b"\xff\xfe", "not UTF-8"),
        ("q.md", b"---\ntitle: a\x00\n---\n", "NUL"),
        ("q.md", b"x" * (MAX_FILE_BYTES + 1), "over 256 KB"),
        ("q.ipynb", b"{not json", "not valid JSON"),
        ("q.ipynb", b'{"cells": [], "metadata": {}}', "`devinterview` object"),
        ("q.ipynb", b'{"metadata": {}}', "no list of cells"),
        ("q.txt", b"---\ntitle: t\n---\n", ".md or .ipynb"),
    ],
)
def test_broken_files_of_every_form_get_a_message(name, data, words):
    with pytest.raises(QuestionFileError) as caught:
        parse_question_bytes(name, data)
    assert words in str(caught.value)


def test_the_shipped_starter_set_reads_cleanly_with_tests_in_every_language():
    library = QuestionLibrary(folders_of([], "/nonexistent", shipped=True))
    items, problems = library.scan()
    assert problems == []
    by_language: dict[str, int] = {}
    for item in items:
        for language in item["languages"]:
            by_language[language] = by_language.get(language, 0) + 1
        assert item["tests"] >= 1 and item["hidden_tests"] >= 1, item["id"]
    assert len(items) >= 6
    assert min(by_language.get(lang, 0) for lang in ("python", "javascript", "sql")) >= 2
    assert any(item["source"]["path"].endswith(".ipynb") for item in items)
    two_sum = library.get("shipped~python~two-sum")
    assert two_sum["parts"] and len(two_sum["tests"]) >= 3
    assert "def two_sum(nums, target):" in two_sum["starter"]["python"]


def _library(tmp_path: Path) -> QuestionLibrary:
    return QuestionLibrary(folders_of([str(tmp_path / "team")], str(tmp_path), shipped=False))


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def test_a_folder_lists_its_questions_and_its_problems_without_failing(tmp_path):
    team = tmp_path / "team"
    _write(team / "strings" / "reverse.md", GOOD)
    _write(team / "broken.md", "no front matter")
    _write(team / "bad name!.md", GOOD)
    _write(team / ".ipynb_checkpoints" / "reverse-checkpoint.md", GOOD)
    _write(team / "notes.txt", "not a question")
    items, problems = _library(tmp_path).scan()
    assert [i["id"] for i in items] == ["folder1~strings~reverse"]
    assert items[0]["source"] == {"folder": "folder1", "path": "strings/reverse.md"}
    assert (items[0]["parts"], items[0]["tests"], items[0]["hidden_tests"]) == (2, 2, 1)
    messages = {p["path"]: p["message"] for p in problems}
    assert set(messages) == {"broken.md", "bad name!.md"}
    assert "front matter" in messages["broken.md"]


def test_a_changed_file_is_read_again_and_a_removed_one_is_gone(tmp_path):
    path = tmp_path / "team" / "q.md"
    _write(path, GOOD)
    library = _library(tmp_path)
    assert library.get("folder1~q")["title"] == "Reverse a string"
    _write(path, GOOD.replace("Reverse a string", "Reverse it, longer title"))
    os.utime(path, ns=(1, 1))  # a different stamp even within the clock's resolution
    assert library.get("folder1~q")["title"] == "Reverse it, longer title"
    path.unlink()
    with pytest.raises(UnknownQuestion):
        library.get("folder1~q")


@pytest.mark.parametrize(
    "question_id",
    [
        "folder1~..~secret",
        "folder1~~q",
        "folder1",
        "folder1~q.md",
        "folder2~q",
        "FOLDER1~q",
        "shipped~python~two-sum",  # the shipped set is off in this library
        "folder1~%2e%2e~secret",
        "folder1~/etc~passwd",
    ],
)
def test_an_id_never_reaches_outside_a_question_folder(tmp_path, question_id):
    _write(tmp_path / "team" / "q.md", GOOD)
    _write(tmp_path / "secret.md", GOOD)
    with pytest.raises(UnknownQuestion):
        _library(tmp_path).get(question_id)


def test_a_link_out_of_the_folder_is_not_followed(tmp_path):
    _write(tmp_path / "outside" / "secret.md", GOOD)
    (tmp_path / "team").mkdir()
    (tmp_path / "team" / "link.md").symlink_to(tmp_path / "outside" / "secret.md")
    (tmp_path / "team" / "dir").symlink_to(tmp_path / "outside", target_is_directory=True)
    library = _library(tmp_path)
    items, problems = library.scan()
    assert items == []
    assert [p["path"] for p in problems] == ["link.md"]
    for question_id in ("folder1~link", "folder1~dir~secret"):
        with pytest.raises(UnknownQuestion):
            library.get(question_id)


def test_the_shipped_folder_is_inside_the_package():
    assert SHIPPED.is_dir() and (SHIPPED / "python" / "two-sum.md").is_file()


@pytest.mark.parametrize(
    ("text", "words"),
    [
        # Nested deeper than the interpreter recurses: RecursionError inside PyYAML.
        (
            "---\ntitle: t\n---\nText\n## Tests\n```yaml\n" + "[" * 5000 + "]" * 5000 + "\n```\n",
            "nest",
        ),
        (
            "---\ntitle: t\n---\nText\n## Tests\n```yaml\n- name: x\n  input: {python: '1'}\n"
            "  expected: " + "[" * 30 + "]" * 30 + "\n```\n",
            "nest more than",
        ),
        # More digits than Python converts to an int (ValueError inside PyYAML).
        (
            "---\ntitle: t\n---\nText\n## Tests\n```yaml\n- name: x\n  input: {python: '1'}\n"
            "  expected: " + "9" * 5000 + "\n```\n",
            "digits",
        ),
        ("---\ntitle: t\n---\n" + "x" * 20_000, "a line is over"),
    ],
)
def test_pathological_files_get_a_message_not_an_exception(text, words):
    with pytest.raises(QuestionFileError) as caught:
        parse_question_bytes("q.md", text.encode())
    assert words in str(caught.value)


def test_a_deeply_nested_notebook_is_a_problem_not_an_exception():
    deep = '{"cells": [], "metadata": {"devinterview": ' + "[" * 100_000 + "]" * 100_000 + "}}"
    with pytest.raises(QuestionFileError):
        parse_question_bytes("q.ipynb", deep.encode())
    tags: Any = "x"
    for _ in range(25):
        tags = [tags]
    nested = {"title": "t", "tags": tags}
    with pytest.raises(QuestionFileError, match="nests more than"):
        parse_notebook(_notebook([_cell("markdown", "Text")], nested))


def test_a_heading_of_thousands_of_spaces_is_read_at_once():
    # The first heading pattern backtracked cubically on such a line (minutes for this one,
    # holding the interpreter lock every room needs); pytest-timeout ends a regression.
    text = (
        "---\ntitle: t\nlanguages: [python]\n---\nText\n## x"
        + " " * 9000
        + "y\n## Part 2 ##  \nMore"
    )
    q = parse_markdown(text)
    assert "## x" in q["prompt"]
    assert q["parts"] == [{"title": "Part 2", "prompt": "More"}]


def test_whatever_one_file_raises_the_list_still_comes(tmp_path, monkeypatch):
    team = tmp_path / "team"
    _write(team / "good.md", GOOD)
    _write(team / "bad.md", GOOD)
    os.mkfifo(team / "pipe.md")  # would block a reading thread forever
    from devinterview_jupyter.questions import library as library_module

    real = library_module.parse_question_file

    def explode(path: Path) -> dict[str, Any]:
        if path.name == "bad.md":
            raise RuntimeError("an error no parser rule foresaw")
        return real(path)

    monkeypatch.setattr(library_module, "parse_question_file", explode)
    items, problems = _library(tmp_path).scan()
    assert [i["id"] for i in items] == ["folder1~good"]
    messages = {p["path"]: p["message"] for p in problems}
    assert messages == {
        "bad.md": "the file cannot be read (RuntimeError)",
        "pipe.md": "not a regular file",
    }


def test_an_id_longer_than_the_api_allows_is_a_problem(tmp_path):
    deep = tmp_path / "team" / "/".join(["d" * 95] * 5)
    _write(deep / ("q" * 95 + ".md"), GOOD)
    items, problems = _library(tmp_path).scan()
    assert items == [] and "too long" in problems[0]["message"]
