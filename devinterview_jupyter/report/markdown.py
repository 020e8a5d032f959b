"""Markdown out of text others wrote, safe to render in JupyterLab.

Much of a report is written by people the reader should not have to trust: the candidate
(test output, names, whiteboard text) and, to a lesser degree, other interviewers and
question authors. Opening the report must neither run their HTML nor fetch anything, so:

- no raw HTML: every ``<`` outside code becomes ``&lt;``;
- no links or images at all (a relative image URL would be a request to this very
  server, with the reader's cookies): every ``[`` and ``]`` outside code is escaped, and
  so are ``:`` and ``www.``, which GitHub-flavoured Markdown links without brackets;
- no maths: MathJax reads the text of the rendered page, not the Markdown, and typesets
  ``$...$``, ``$$...$$``, ``\\(...\\)``, ``\\[...\\]`` and ``\\begin{...}`` found there
  (even a Markdown-escaped ``\\$`` is a plain ``$`` by then). With JupyterLab's MathJax
  options a ``\\$`` or ``\\\\`` in the page is an escape that shows one ``$`` or ``\\``, so
  outside code every ``$`` and ``\\`` is written as that escape, in entities
  (``&#92;&#36;``, ``&#92;&#92;``) that JupyterLab's own search for maths in the Markdown
  (``removeMath``) does not see either; ``&`` is escaped so nobody writes such entities
  themselves. Code is skipped by MathJax but not by ``removeMath``, which would take a
  ``\\\\(`` or ``\\begin{`` in one code span and its end in another for maths outside
  them: a word joiner (U+2060, invisible) goes between the backslashes and the bracket,
  or after the backslash;
- no e-mail links: ``@`` is escaped (GitHub-flavoured Markdown links ``a@b.co``);
- code is re-emitted in fences and spans this module makes, longer than any run of
  backticks inside, so the parser and this module always agree on where code starts and
  ends — nothing outside them is left unescaped on the assumption that it is code;
- no tables in prose: a table cell boundary (``|``) inside a code span would cut the span
  open and leave its content, ``<`` and all, as text; with every ``|`` and ``:`` outside
  code escaped no delimiter row can form. The report's own tables hold ``inline`` text
  only, never code spans.

Emphasis, lists and headings of prose are kept: they cannot fetch or run anything.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

# Control characters other than tab and newline mean nothing in a report, and some
# (e.g. U+0000, lone surrogates) break JSON or XML readers.
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff\ufffe\uffff]")
_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})(.*)$")
_BACKTICKS = re.compile(r"`+")
# Escaped in prose: what could open HTML, a link, an image, maths, a table, or code we
# did not make.
_PROSE_SPECIALS = re.compile(r"[\\`\[\]!$<|:&@]")
_WWW = re.compile(r"(?i)\bwww\.")
# Inline text (a table cell, a title) is never Markdown: what could start code, emphasis,
# a link or image, HTML, an entity, a table cell, maths, strikethrough, a link without
# brackets (``:``, ``@``), or a block at the start of a line is escaped.
_INLINE_SPECIALS = re.compile(r"[\\`*_\[\]!<|$~&:#@]")
# What removeMath takes for the start or end of maths even in code; see the module's doc.
_CODE_MATH = re.compile(r"(?<=\\\\)(?=[()[\]])|(?<=\\)(?=(?:begin|end)\{)", re.IGNORECASE)
_WORD_JOINER = "\u2060"
_LINE_START = re.compile(r"^(?:[-+=>]|\d+(?=[.)]))")


def clean(text: str) -> str:
    """``text`` without control characters, line ends made ``\\n``."""
    return _CONTROL.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))


def _escape_punctuation(match: re.Match[str]) -> str:
    char = match.group(0)
    if char == "<":
        return "&lt;"
    if char == "&":
        return "&amp;"
    # MathJax's escapes, as entities: see the module's doc.
    if char == "\\":
        return "&#92;&#92;"
    if char == "$":
        return "&#92;&#36;"
    return "\\" + char


def _code_text(text: str) -> str:
    return _CODE_MATH.sub(_WORD_JOINER, text)


def inline(text: str, limit: int | None = None) -> str:
    """``text`` shown literally on one line (a title, a name, a table cell)."""
    text = " ".join(clean(text).split())
    if limit is not None and len(text) > limit:
        text = text[: limit - 1] + "…"
    text = _INLINE_SPECIALS.sub(_escape_punctuation, text)
    text = _WWW.sub(lambda m: m.group(0)[:-1] + "\\.", text)
    # A list, quote or heading marker at the start (an ordered list's "1." too).
    first = _LINE_START.match(text)
    if first is not None:
        end = first.end()
        text = text[:end] + "\\" + text[end:] if text[0].isdigit() else "\\" + text
    return text


def code_span(text: str, limit: int | None = None) -> str:
    """``text`` as inline code on one line; never in a table cell (see the module's doc)."""
    text = clean(text).replace("\n", " ⏎ ").replace("\t", " ")
    if limit is not None and len(text) > limit:
        text = text[: limit - 1] + "…"
    text = _code_text(text)
    if not text:
        return ""
    ticks = "`" * (max((len(m) for m in _BACKTICKS.findall(text)), default=0) + 1)
    pad = " " if text.startswith(("`", " ")) or text.endswith(("`", " ")) else ""
    return f"{ticks}{pad}{text}{pad}{ticks}"


def fence(text: str, info: str = "") -> str:
    """``text`` as a fenced code block that nothing inside it can close."""
    text = _code_text(clean(text))
    longest = max((len(m) for m in _BACKTICKS.findall(text)), default=0)
    ticks = "`" * max(3, longest + 1)
    info = re.sub(r"[^a-z0-9+_-]", "", info.lower())[:20]
    body = text if text.endswith("\n") or not text else text + "\n"
    return f"{ticks}{info}\n{body}{ticks}"


def _prose_line(line: str) -> str:
    """One line of prose: code spans re-made, everything else escaped."""
    out: list[str] = []
    pos = 0
    while pos < len(line):
        opening = _BACKTICKS.search(line, pos)
        if opening is None:
            out.append(_escape_prose(line[pos:]))
            break
        run = opening.group(0)
        closing = re.compile(rf"(?<!`){run}(?!`)").search(line, opening.end())
        if closing is None:
            # An unmatched run is text; its backticks are escaped one by one.
            out.append(_escape_prose(line[pos : opening.end()]))
            pos = opening.end()
            continue
        out.append(_escape_prose(line[pos : opening.start()]))
        content = line[opening.end() : closing.start()]
        if content.strip():
            out.append(code_span(content.strip()))
        pos = closing.end()
    return "".join(out)


def _escape_prose(text: str) -> str:
    text = _PROSE_SPECIALS.sub(_escape_punctuation, text)
    return _WWW.sub(lambda m: m.group(0)[:-1] + "\\.", text)


def prose(text: str, *, line_breaks: bool = False) -> str:
    """Markdown-ish text someone typed (notes, a prompt, a comment), rendered with its
    emphasis, lists and code but without HTML, links, images or maths. ``line_breaks``:
    each line of the text stays a line (notes are typed line by line; a question's prompt
    is Markdown whose lines wrap)."""
    lines = clean(text).split("\n")
    out: list[str] = []
    i = 0
    while i < len(lines):
        opening = _FENCE.match(lines[i])
        if opening is None:
            line = _prose_line(lines[i])
            following = lines[i + 1] if i + 1 < len(lines) else ""
            if line_breaks and line.strip() and following.strip():
                line = line.rstrip() + "  "  # a hard line break (ignored where none can be)
            out.append(line)
            i += 1
            continue
        marker, info = opening.group(1), opening.group(2).strip().split(" ")[0]
        body: list[str] = []
        i += 1
        while i < len(lines):
            closing = _FENCE.match(lines[i])
            if (
                closing is not None
                and closing.group(1)[0] == marker[0]
                and len(closing.group(1)) >= len(marker)
                and not closing.group(2).strip()
            ):
                i += 1
                break
            body.append(lines[i])
            i += 1
        out.append(fence("\n".join(body), info))
    return "\n".join(out).strip("\n")


def table(header: Sequence[str], rows: Iterable[Sequence[str]]) -> str:
    """A GitHub table; its cells must be ``inline`` text."""
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    for row in rows:
        lines.append("| " + " | ".join(cell or " " for cell in row) + " |")
    return "\n".join(lines)
