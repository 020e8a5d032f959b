"""The report as a Jupyter notebook (nbformat 4), made from the report's JSON.

Cells, top to bottom: the title and the session's facts; the question (prompt, parts,
visible and hidden tests, rubric); the final code as a code cell; each run as a code
cell with its outputs; the test runs as tables; the whiteboard as an SVG attachment; the
interviewers' notes; the scorecards; the integrity signals; the timeline.

Text someone typed reaches Markdown only through ``markdown.py``; code and program output
go into code cells and outputs, which JupyterLab shows as text. The notebook is never run
and carries no execution results of its own: what a run printed is an output of its cell.

The code cells hold the candidate's code, so the notebook names no kernel (no
``kernelspec``; ``language_info`` only, for highlighting): one that names the reader's
``python3`` has JupyterLab start it on opening, and one Shift+Enter would then run the
candidate's code on the reader's server. Its first cell says so.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from typing import Any

from nbformat.v4 import nbformat as NBFORMAT
from nbformat.v4 import nbformat_minor as NBFORMAT_MINOR

from .markdown import fence, inline, prose, table

# Cell text in tables is cut at this many characters: a report is read, the whole value
# is in the JSON report.
CELL_LIMIT = 300
WHITEBOARD_ATTACHMENT = "whiteboard.svg"

LANGUAGE_NAMES = {
    "python": "Python",
    "javascript": "JavaScript",
    "typescript": "TypeScript",
    "java": "Java",
    "cpp": "C++",
    "go": "Go",
    "sql": "SQL",
}
# What JupyterLab reads to highlight the code cells. No kernelspec: see the module's doc.
LANGUAGE_INFO: dict[str, dict[str, Any]] = {
    "python": {
        "name": "python",
        "file_extension": ".py",
        "mimetype": "text/x-python",
        "codemirror_mode": {"name": "ipython", "version": 3},
        "pygments_lexer": "ipython3",
        "nbconvert_exporter": "python",
    },
    "javascript": {
        "name": "javascript",
        "file_extension": ".js",
        "mimetype": "application/javascript",
        "codemirror_mode": "javascript",
    },
    "typescript": {
        "name": "typescript",
        "file_extension": ".ts",
        "mimetype": "text/typescript",
        "codemirror_mode": "typescript",
    },
    "java": {
        "name": "java",
        "file_extension": ".java",
        "mimetype": "text/x-java",
        "codemirror_mode": "java",
    },
    "cpp": {
        "name": "c++",
        "file_extension": ".cpp",
        "mimetype": "text/x-c++src",
        "codemirror_mode": "text/x-c++src",
    },
    "go": {"name": "go", "file_extension": ".go", "mimetype": "text/x-go", "codemirror_mode": "go"},
    "sql": {
        "name": "sql",
        "file_extension": ".sql",
        "mimetype": "text/x-sql",
        "codemirror_mode": "sql",
    },
}
RUN_WARNING = (
    "> **The code cells are the candidate's code, recorded as written.** Running them runs "
    "them on this server, as you. A report needs no kernel: if JupyterLab asks for one, "
    "choose *No Kernel*."
)
RECOMMENDATIONS = {"strong_no": "Strong no", "no": "No", "yes": "Yes", "strong_yes": "Strong yes"}
EVENT_NAMES = {"paste": "Paste", "hidden": "Page hidden", "unfocused": "Window unfocused"}


# -- small formats --------------------------------------------------------------------------


def _date(value: Any) -> str:
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S UTC")
    return "—"


def _iso(value: Any) -> str | None:
    if isinstance(value, datetime):
        return value.isoformat().replace("+00:00", "Z")
    return None


def _offset(ms: Any) -> str:
    seconds = max(0, int(ms // 1000)) if isinstance(ms, (int, float)) else 0
    hours, rest = divmod(seconds, 3600)
    minutes, seconds = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{seconds:02d}" if hours else f"{minutes:02d}:{seconds:02d}"


def _duration(ms: Any) -> str:
    if not isinstance(ms, (int, float)):
        return "—"
    return f"{ms:,.0f} ms" if ms < 10_000 else f"{ms / 1000:,.1f} s"


def _language(name: str) -> str:
    return LANGUAGE_NAMES.get(name, name or "unknown")


def _who(author: Mapping[str, Any]) -> str:
    name = inline(str(author.get("name") or ""), 80) or "someone"
    role = author.get("role")
    return f"{name} ({role})" if role in ("candidate", "interviewer") else name


def slug(text: str, limit: int = 60) -> str:
    """ASCII lower-case words joined by hyphens (a safe file name part)."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    words = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    return words[:limit].rstrip("-")


def filename(report: Mapping[str, Any]) -> str:
    """``interview-<title>-<date>.ipynb``: letters, digits and hyphens only, so it is safe
    in a Content-Disposition header and on every file system."""
    session = report["session"]
    when = session.get("started_at") or session.get("created_at")
    date = when.strftime("%Y-%m-%d") if isinstance(when, datetime) else ""
    parts = ["interview", slug(str(session.get("title") or "")) or "session", date]
    return "-".join(p for p in parts if p) + ".ipynb"


# -- cells ----------------------------------------------------------------------------------


class _Cells:
    def __init__(self) -> None:
        self.cells: list[dict[str, Any]] = []

    def _id(self, kind: str) -> str:
        return f"{kind}-{len(self.cells) + 1}"

    def markdown(
        self, *blocks: str, attachments: dict[str, Any] | None = None, name: str = "md"
    ) -> None:
        cell: dict[str, Any] = {
            "id": self._id(name),
            "cell_type": "markdown",
            "metadata": {},
            "source": "\n\n".join(b for b in blocks if b),
        }
        if attachments:
            cell["attachments"] = attachments
        self.cells.append(cell)

    def code(
        self,
        source: str,
        outputs: list[dict[str, Any]] | None = None,
        *,
        count: int | None = None,
        metadata: dict[str, Any] | None = None,
        name: str = "code",
    ) -> None:
        self.cells.append(
            {
                "id": self._id(name),
                "cell_type": "code",
                "metadata": {"devinterview": metadata or {}, "editable": False},
                "execution_count": count,
                "source": source,
                "outputs": outputs or [],
            }
        )


def _session_cell(cells: _Cells, report: Mapping[str, Any]) -> None:
    session = report["session"]
    title = inline(str(session.get("title") or ""), 200) or "Untitled"
    planned = session.get("planned_minutes")
    duration = session.get("duration_minutes")
    length = f"{duration:.1f} min" if isinstance(duration, (int, float)) else "—"
    if planned:
        length += f" (planned {planned} min)"
    rows = [
        ("Candidate", inline(str(session.get("candidate_name") or "—"), 200)),
        ("Status", inline(str(session.get("status")))),
        ("Language", inline(_language(str(report.get("language") or "")))),
        ("Owner", inline(str(session.get("owner") or "—"), 200)),
        ("Created", _date(session.get("created_at"))),
        ("Started", _date(session.get("started_at"))),
        ("Ended", _date(session.get("ended_at"))),
        ("Length", length),
        ("Session", inline(str(session.get("id")))),
    ]
    note = (
        f"*Generated {_date(report.get('generated_at'))} for "
        f"{inline(str(report['scorecards'].get('viewer') or ''), 80)}. For interviewers "
        "only: it holds the hidden tests, the rubric, the private notes and the "
        "scorecards.*"
    )
    if session.get("status") != "terminated":
        note += "\n\n*The interview had not ended when this report was made: it shows it so far.*"
    cells.markdown(
        f"# Interview report: {title}", RUN_WARNING, note, table(("", ""), rows), name="title"
    )


def _tests_table(tests: Sequence[Mapping[str, Any]], language: str) -> str:
    rows = []
    for test in tests:
        inputs = test.get("input") if isinstance(test.get("input"), Mapping) else {}
        assert isinstance(inputs, Mapping)
        given = inputs.get(language) or next(iter(inputs.values()), "")
        rows.append(
            (
                inline(str(test.get("name") or ""), 200),
                inline(str(given), CELL_LIMIT),
                inline(json.dumps(test.get("expected"), ensure_ascii=False), CELL_LIMIT),
                inline(f"{test.get('timeout_ms', '—')} ms"),
            )
        )
    return table(("Test", "Input", "Expected", "Time limit"), rows)


def _question_cells(cells: _Cells, report: Mapping[str, Any]) -> None:
    chosen = report.get("question")
    if not chosen:
        cells.markdown("## Question", "*No question was chosen for this session.*", name="question")
        return
    question = chosen["question"]
    language = str(chosen.get("language") or report.get("language") or "")
    revealed = int(chosen.get("revealed") or 0)
    parts = question.get("parts") or []
    facts = (
        f"{inline(str(question.get('difficulty') or ''))} · {inline(_language(language))} · "
        f"question {inline(str(question.get('id') or ''), 200)} · chosen "
        f"{_date(chosen.get('chosen_at'))} · {revealed} of {len(parts)} follow-up parts revealed"
    )
    blocks = [
        f"## Question: {inline(str(question.get('title') or ''), 200)}",
        facts,
        prose(str(question.get("prompt") or "")),
    ]
    for number, part in enumerate(parts, 1):
        state = "revealed" if number <= revealed else "not revealed"
        # A part's title is its heading in the question file ("Part 2: ...").
        title = inline(str(part.get("title") or ""), 200) or f"Part {number}"
        blocks.append(f"### {title} ({state})")
        blocks.append(prose(str(part.get("prompt") or "")))
    cells.markdown(*blocks, name="question")

    tests = question.get("tests") or []
    hidden = question.get("hidden_tests") or []
    rubric = question.get("rubric") or []
    blocks = [
        "### Tests",
        _tests_table(tests, language) if tests else "*None.*",
        "### Hidden tests (never shown to the candidate)",
        _tests_table(hidden, language) if hidden else "*None.*",
        "### Rubric",
        "\n".join(
            f"- **{inline(str(c.get('name') or ''), 200)}**: "
            f"{prose(' '.join(str(c.get('description') or '').split()))}"
            for c in rubric
        )
        if rubric
        else "*None: the scorecards use the default criteria.*",
    ]
    cells.markdown(*blocks, name="tests")


def _text_outputs(chunks: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """Run output as notebook outputs: consecutive text of one stream is one output;
    runner messages (``system``) are plain text of their own; tables are shown as a
    Markdown table (its cells escaped) with a text version beside."""
    outputs: list[dict[str, Any]] = []
    for chunk in chunks:
        if chunk.get("kind") == "table":
            outputs.append(_table_output(chunk))
            continue
        stream, text = chunk.get("stream"), str(chunk.get("text") or "")
        if not text:
            continue
        if stream == "system":
            outputs.append(
                {
                    "output_type": "display_data",
                    "data": {"text/plain": text},
                    "metadata": {"devinterview": {"stream": "system"}},
                }
            )
            continue
        name = "stderr" if stream == "stderr" else "stdout"
        last = outputs[-1] if outputs else None
        if last is not None and last["output_type"] == "stream" and last["name"] == name:
            last["text"] += text
        else:
            outputs.append({"output_type": "stream", "name": name, "text": text})
    return outputs


def _cell_text(value: Any) -> str:
    if value is None:
        return "NULL"
    # Numbers reach the room as JavaScript numbers: 1 comes back as 1.0.
    if isinstance(value, float) and value.is_integer() and abs(value) < 2**53:
        return str(int(value))
    return str(value)


def _table_output(chunk: Mapping[str, Any]) -> dict[str, Any]:
    columns = [str(c) for c in chunk.get("columns") or []]
    rows = [[_cell_text(v) for v in row] for row in chunk.get("rows") or []]
    plain = "\n".join(["\t".join(columns), *("\t".join(row) for row in rows)])
    markdown = table(
        [inline(c, 100) for c in columns] or [" "],
        ([inline(v, CELL_LIMIT) for v in row] for row in rows),
    )
    if chunk.get("truncated"):
        plain += "\n(more rows not shown)"
        markdown += "\n\n*More rows were not shown.*"
    return {
        "output_type": "display_data",
        "data": {"text/plain": plain, "text/markdown": markdown},
        "metadata": {},
    }


def _code_cells(cells: _Cells, report: Mapping[str, Any]) -> None:
    language = str(report.get("language") or "")
    cells.markdown(
        f"## Final code ({inline(_language(language))})",
        "*The code as it stands at the end of the interview.*",
        name="final",
    )
    cells.code(str(report.get("final_code") or ""), metadata={"final": True}, name="final-code")

    runs = report.get("runs") or []
    cells.markdown(
        "## Runs",
        f"{len(runs)} run{'s' if len(runs) != 1 else ''}, oldest first. Each cell holds the "
        "code as it was run and what it printed; times are those of the runner's clock.",
        name="runs",
    )
    for number, run in enumerate(runs, 1):
        facts = [
            inline(str(run.get("status"))),
            _duration(run.get("duration_ms")),
            inline(_language(str(run.get("language") or ""))),
            f"by {_who(run.get('by') or {})}",
            _date(run.get("started_at")),
        ]
        blocks = [f"### Run {number}", " · ".join(facts)]
        if run.get("language") and run.get("language") != language:
            blocks.append(
                f"*In {inline(_language(str(run['language'])))}, not the final language.*"
            )
        if run.get("stdin"):
            blocks.append("Standard input:\n\n" + fence(str(run["stdin"])))
        cells.markdown(*blocks, name="run")
        cells.code(
            str(run.get("code") or ""),
            _text_outputs(run.get("output") or []),
            count=number,
            metadata={
                "run": str(run.get("id")),
                "status": run.get("status"),
                "language": run.get("language"),
                "started_at": _iso(run.get("started_at")),
                "duration_ms": run.get("duration_ms"),
            },
            name="run-code",
        )


def _test_run_cells(cells: _Cells, report: Mapping[str, Any]) -> None:
    test_runs = report.get("test_runs") or []
    blocks = ["## Test results"]
    if not test_runs:
        blocks.append("*The tests were never run.*")
    for number, run in enumerate(test_runs, 1):
        blocks.append(
            f"### Test run {number}: {run.get('passed', 0)} of {run.get('total', 0)} passed"
        )
        blocks.append(
            " · ".join(
                [
                    inline(str(run.get("status"))),
                    inline(_language(str(run.get("language") or ""))),
                    f"by {_who(run.get('by') or {})}",
                    _date(run.get("started_at")),
                ]
            )
        )
        rows = [
            (
                inline(str(case.get("name") or ""), 200),
                inline(str(case.get("status"))),
                inline(str(case.get("input") or ""), CELL_LIMIT),
                inline(str(case.get("expected") or ""), CELL_LIMIT),
                inline(
                    str(case.get("error") if case.get("error") is not None else case.get("actual"))
                    if case.get("error") is not None or case.get("actual") is not None
                    else "—",
                    CELL_LIMIT,
                ),
                _duration(case.get("duration_ms")),
            )
            for case in run.get("results") or []
        ]
        if rows:
            blocks.append(
                table(("Test", "Result", "Input", "Expected", "Actual or error", "Time"), rows)
            )
    cells.markdown(*blocks, name="tests")


def _whiteboard_cell(cells: _Cells, report: Mapping[str, Any]) -> None:
    board = report.get("whiteboard") or {}
    picture = board.get("svg")
    if not picture:
        cells.markdown("## Whiteboard", "*The whiteboard was empty.*", name="whiteboard")
        return
    skipped = board.get("skipped") or 0
    note = f"{board.get('shapes', 0)} shapes, drawn again from the stored board"
    if skipped:
        note += f"; {skipped} not drawn (images, frames, empty shapes, ...)"
    cells.markdown(
        "## Whiteboard",
        f"*{note}.*",
        f"![whiteboard](attachment:{WHITEBOARD_ATTACHMENT})",
        attachments={WHITEBOARD_ATTACHMENT: {"image/svg+xml": picture}},
        name="whiteboard",
    )


def _notes_cell(cells: _Cells, report: Mapping[str, Any]) -> None:
    notes = str(report.get("notes") or "")
    cells.markdown(
        "## Interviewers' notes",
        prose(notes, line_breaks=True) if notes.strip() else "*No notes were taken.*",
        name="notes",
    )


def _scorecard_blocks(card: Mapping[str, Any]) -> list[str]:
    recommendation = RECOMMENDATIONS.get(str(card.get("recommendation")), "no recommendation")
    status = (
        f"submitted {_date(card.get('submitted_at'))}"
        if card.get("status") == "submitted"
        else "draft, not submitted"
    )
    rows = [
        (
            inline(str(c.get("name") or ""), 200),
            f"{c['rating']} of 4" if isinstance(c.get("rating"), int) else "—",
            inline(str(c.get("comment") or ""), 2000),
        )
        for c in card.get("criteria") or []
    ]
    blocks = [
        f"### {inline(str(card.get('interviewer') or ''), 200)}: {recommendation} ({status})",
        table(("Criterion", "Rating", "Comment"), rows),
    ]
    if str(card.get("summary") or "").strip():
        blocks += ["**Summary**", prose(str(card["summary"]), line_breaks=True)]
    return blocks


def _scorecard_cell(cells: _Cells, report: Mapping[str, Any]) -> None:
    scorecards = report["scorecards"]
    blocks = ["## Scorecards"]
    for card in scorecards.get("items") or []:
        blocks += _scorecard_blocks(card)
    if not scorecards.get("items"):
        blocks.append(
            "*You have not written a scorecard for this session.*"
            if not scorecards.get("hidden")
            else "*You have not submitted a scorecard for this session.*"
        )
    hidden = int(scorecards.get("hidden") or 0)
    if hidden:
        blocks.append(
            f"*{hidden} submitted scorecard{'s are' if hidden != 1 else ' is'} of other "
            "interviewers hidden until you submit yours: nobody's judgement is anchored by "
            "another's.*"
        )
    cells.markdown(*blocks, name="scorecards")


def _events_cell(cells: _Cells, report: Mapping[str, Any]) -> None:
    events = report.get("events") or []
    blocks = ["## Integrity signals"]
    if not events:
        blocks.append("*None were recorded.*")
    else:
        blocks.append(
            "*Recorded as the candidate was told before the interview: large pastes (their "
            "size) and the page hidden or unfocused (from when to when). Signals, not "
            "verdicts.*"
        )
        rows = []
        for event in events:
            who = inline(str(event.get("participant_name") or ""), 80)
            role = str(event.get("role") or "")
            started, ended = event.get("started_at"), event.get("ended_at")
            length = "—"
            if isinstance(started, datetime) and isinstance(ended, datetime):
                length = _duration((ended - started).total_seconds() * 1000)
            elif event.get("kind") != "paste":
                length = "not ended"
            size = event.get("size")
            rows.append(
                (
                    inline(EVENT_NAMES.get(str(event.get("kind")), str(event.get("kind")))),
                    f"{who} ({inline(role)})" if who else inline(role),
                    _date(started),
                    length,
                    f"{size:,} characters" if isinstance(size, int) else "—",
                )
            )
        blocks.append(table(("Signal", "Who", "When", "For", "Size"), rows))
    cells.markdown(*blocks, name="integrity")


def _timeline_cell(cells: _Cells, report: Mapping[str, Any]) -> None:
    timeline = report.get("timeline") or []
    blocks = ["## Timeline"]
    if not timeline:
        blocks.append("*Nothing happened in the room.*")
    else:
        counts: dict[str, int] = {}
        for entry in timeline:
            counts[str(entry.get("kind"))] = counts.get(str(entry.get("kind")), 0) + 1
        summary = ", ".join(f"{inline(kind)}: {n}" for kind, n in counts.items())
        blocks.append(f"*{summary}; times from the first change stored in the room.*")
        rows = [
            (
                _offset(entry.get("offset_ms")),
                inline(str(entry.get("label") or ""), 200),
                inline(str(entry.get("detail") or ""), 200) or " ",
            )
            for entry in timeline
        ]
        blocks.append(table(("Time", "What", "Detail"), rows))
    cells.markdown(*blocks, name="timeline")


# -- the notebook ---------------------------------------------------------------------------


def build(report: Mapping[str, Any]) -> dict[str, Any]:
    """The notebook of a report (the JSON of ``content.gather``), as nbformat 4 JSON."""
    cells = _Cells()
    _session_cell(cells, report)
    _question_cells(cells, report)
    _code_cells(cells, report)
    _test_run_cells(cells, report)
    _whiteboard_cell(cells, report)
    _notes_cell(cells, report)
    _scorecard_cell(cells, report)
    _events_cell(cells, report)
    _timeline_cell(cells, report)
    language = str(report.get("language") or "")
    session = report["session"]
    metadata: dict[str, Any] = {
        "language_info": LANGUAGE_INFO.get(language, {"name": language or "text"}),
        "title": f"Interview report: {session.get('title') or ''}",
        "devinterview": {
            "report": 1,
            "session_id": str(session.get("id")),
            "title": str(session.get("title") or ""),
            "generated_at": _iso(report.get("generated_at")),
            "filename": filename(report),
        },
    }
    return {
        "nbformat": NBFORMAT,
        "nbformat_minor": NBFORMAT_MINOR,
        "metadata": metadata,
        "cells": cells.cells,
    }


def dumps(notebook: Mapping[str, Any]) -> str:
    """The notebook as a file holds it (nbformat's own layout: indent 1, sorted keys)."""
    return json.dumps(notebook, indent=1, sort_keys=True, ensure_ascii=False) + "\n"
