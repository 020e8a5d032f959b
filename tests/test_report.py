"""The report, on both databases: a scripted interview (question, code, runs with output, a
test run, a whiteboard, notes, two interviewers' scorecards, integrity events) over real
websockets, then its JSON and its notebook: the JSON matches the document, the notebook
validates with nbformat and holds every part, the whiteboard is a well-formed standalone
SVG, nothing the candidate wrote becomes HTML, a link or an image, scorecards follow the
visibility rules, and only the session's interviewers get a report.

Unit tests of the SVG drawing and the Markdown escaping come first, fed hostile records
and strings directly (the room's rules would refuse some of them before they are stored).
"""

from __future__ import annotations

import html as htmllib
import json
import math
import re
import shutil
import subprocess
import time
import uuid
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import defusedxml.ElementTree as SafeET
import mistune
import nbformat
import pytest
from markdown_it import MarkdownIt
from pycrdt import Array, Map, Text
from sqlalchemy import insert

from devinterview_jupyter.api.validation import _validator
from devinterview_jupyter.db.models import SessionEvent
from devinterview_jupyter.report import markdown, svg
from devinterview_jupyter.report.content import client_time, run_json
from devinterview_jupyter.report.notebook import filename
from devinterview_jupyter.testing.rooms import synced_doc, until
from tests.test_candidate_isolation import credential_forms
from tests.test_notes import notes_doc, notes_of

# The stable users alice, bob and carol of tests/team_identity.py.
from tests.test_scorecards import TEAM, as_, submit_complete
from tests.test_team import ALICE, BOB, CAROL, jp_server_config  # noqa: F401

TWO_SUM = "shipped~python~two-sum"
SVG_NS = "{http://www.w3.org/2000/svg}"
HOSTILE = '</svg><script>alert(1)</script><img src="https://evil.example/x.png"> & "q" \'a\''
EVIL_MARKDOWN = (
    "![tracker](https://evil.example/pixel.png) [click](https://evil.example/) "
    "<img src=https://evil.example/raw.png> <https://evil.example/auto> "
    "www.evil.example `ok|<img src=//evil.example/code.png>` $x$"
)
# tldraw 5.4's own encoding (b64Vecs.encodePoints) of (10,20) (15.5,22) (30,40) (12,60).
PATH_3D = "AAAgQQAAoEEAAAA/gEUAQAAAQEuATGYugMwATWau"
PATH_2D = "AAAgQQAAoEGARQBAQEuATIDMAE0="
STROKE = [(10.0, 20.0), (15.5, 22.0), (30.0, 40.0), (12.0, 60.0)]


# -- helpers ----------------------------------------------------------------------------------


def shape(key: str, kind: str, props: dict[str, Any], **fields: Any) -> dict[str, Any]:
    """A tldraw shape record with every field the room requires."""
    return {
        "id": key,
        "typeName": "shape",
        "type": kind,
        "x": 100,
        "y": 50,
        "rotation": 0,
        "opacity": 1,
        "isLocked": False,
        "index": "a1",
        "parentId": "page:page",
        "props": props,
        "meta": {},
        **fields,
    }


def rich(text: str) -> dict[str, Any]:
    return {
        "type": "doc",
        "content": [{"type": "paragraph", "content": [{"type": "text", "text": text}]}],
    }


BOARD = [
    shape(
        "shape:box",
        "geo",
        {
            "geo": "rectangle",
            "w": 120,
            "h": 80,
            "color": "blue",
            "fill": "semi",
            "richText": rich(HOSTILE),
        },
    ),
    shape(
        "shape:oval",
        "geo",
        {"geo": "ellipse", "w": 60, "h": 40, "color": "red"},
        x=300,
        rotation=0.5,
    ),
    shape(
        "shape:stroke",
        "draw",
        {"segments": [{"type": "free", "path": PATH_3D}], "color": "green", "size": "m"},
        x=0,
        y=0,
    ),
    shape(
        "shape:old-stroke",
        "draw",
        {
            "segments": [
                {"type": "free", "points": [{"x": 0, "y": 0, "z": 0.5}, {"x": 5, "y": 5, "z": 0.5}]}
            ]
        },
    ),
    shape("shape:label", "text", {"richText": rich("Plan: two pointers"), "size": "s", "w": 200}),
    shape("shape:note", "note", {"richText": rich("O(n) — hash map"), "color": "yellow"}, x=400),
    shape(
        "shape:arrow",
        "arrow",
        {
            "start": {"x": 0, "y": 0},
            "end": {"x": 150, "y": 90},
            "bend": 20,
            "arrowheadEnd": "arrow",
        },
    ),
    shape(
        "shape:line",
        "line",
        {
            "points": {
                "a": {"id": "a", "index": "a1", "x": 0, "y": 0},
                "b": {"id": "b", "index": "a2", "x": 80, "y": 10},
            }
        },
    ),
    shape(
        "shape:image",
        "image",
        {"assetId": None, "w": 10, "h": 10, "url": "https://evil.example/img.png"},
    ),
]


def set_record(doc: Any, record: dict[str, Any]) -> None:
    doc.get("whiteboard", type=Array).append({"key": record["id"], "val": record})


def rendered_markdown(notebook: dict[str, Any]) -> list[str]:
    """Every Markdown cell (and Markdown output) as HTML, by two real renderers (and
    JupyterLab's, where at hand), after checking that JupyterLab's search for maths in the
    Markdown finds none."""
    commonmark = MarkdownIt("commonmark", {"html": True}).enable("table")
    gfm = mistune.create_markdown(escape=False, plugins=["table", "url", "strikethrough"])
    sources = [c["source"] for c in notebook["cells"] if c["cell_type"] == "markdown"]
    for cell in notebook["cells"]:
        for output in cell.get("outputs", []):
            if "text/markdown" in output.get("data", {}):
                sources.append(output["data"]["text/markdown"])
    for source, maths in zip(sources, removed_maths(sources), strict=False):
        assert maths == [], (maths, source)
    return (
        [commonmark.render(s) for s in sources]
        + [str(gfm(s)) for s in sources]
        + marked_html(sources)
    )


# JupyterLab renders Markdown with marked; where the frontend's node_modules are at hand
# (a development checkout, CI) the tests ask it too.
MARKED = Path(__file__).parents[1] / "node_modules" / "marked" / "lib" / "marked.esm.js"
_MARKED_SCRIPT = """
import { marked } from process.argv[1];
import fs from 'fs';
const sources = JSON.parse(fs.readFileSync(0, 'utf8'));
console.log(JSON.stringify(sources.map(s => marked.parse(s, { gfm: true }))));
"""


def marked_html(sources: list[str]) -> list[str]:
    node = shutil.which("node")
    if node is None or not MARKED.is_file():
        return []
    done = subprocess.run(
        [
            node,
            "--input-type=module",
            "-e",
            _MARKED_SCRIPT.replace("process.argv[1]", json.dumps(MARKED.as_uri())),
            "--",
        ],
        input=json.dumps(sources),
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    html: list[str] = json.loads(done.stdout)
    return html


# JupyterLab's removeMath (@jupyterlab/rendermime) takes maths out of Markdown before marked
# sees it; an ES module without imports of its own.
LATEX = (
    Path(__file__).parents[1] / "node_modules" / "@jupyterlab" / "rendermime" / "lib" / "latex.js"
)
_REMOVEMATH_SCRIPT = """
import fs from 'fs';
globalThis.navigator ??= { appName: 'node' };
const code = fs.readFileSync(process.argv[1], 'utf8');
const { removeMath } = await import(
  'data:text/javascript;base64,' + Buffer.from(code).toString('base64'));
const sources = JSON.parse(fs.readFileSync(0, 'utf8'));
console.log(JSON.stringify(sources.map(s => removeMath(s).math)));
"""


def removed_maths(sources: list[str]) -> list[list[str]]:
    """What JupyterLab's removeMath takes for maths in each source ([] where not at hand)."""
    node = shutil.which("node")
    if node is None or not LATEX.is_file():
        return []
    done = subprocess.run(
        [node, "--input-type=module", "-e", _REMOVEMATH_SCRIPT, "--", str(LATEX)],
        input=json.dumps(sources),
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    maths: list[list[str]] = json.loads(done.stdout)
    return maths


# MathJax, with JupyterLab's options (processEscapes, processEnvironments and its default
# processRefs), typesets what it finds in the page's text outside code and pre: "\\" and
# "\$" are escapes (they show "\" and "$"), any other "$", "\(", "\[", "\begin{" or
# "\ref{" starts maths.
_MATHJAX = re.compile(r"\\[\\$]|\$|\\[(\[]|\\begin\s*\{|\\(?:eq)?ref\s*\{")


def page_text(html: str) -> str:
    """The text of the page outside code, as MathJax reads it: all one string (MathJax
    breaks it at most elements: stricter), entities decoded."""
    html = re.sub(r"<(code|pre)\b.*?</\1>", " ", html, flags=re.S)
    return htmllib.unescape(re.sub(r"<[^>]*>", "", html))


def mathjax_shown(text: str) -> str:
    """``text`` as MathJax leaves it on the page: its escapes undone."""
    return re.sub(r"\\([\\$])", r"\1", text)


def assert_inert(html: str) -> None:
    """No element that runs, fetches or links anything (the renderers' own tags for
    paragraphs, emphasis, code and tables are fine; so is the report's own picture of the
    whiteboard, an attachment of the notebook itself)."""
    # (mistune writes an attachment: URL, one it does not know, as "#harmful-link").
    own = r'<img src="(?:attachment:whiteboard\.svg|#harmful-link)" alt="whiteboard"\s*/?>'
    html = re.sub(own, "", html)
    tags = set(re.findall(r"<\s*([a-zA-Z][a-zA-Z0-9-]*)", html))
    assert tags <= {
        "p",
        "em",
        "strong",
        "code",
        "pre",
        "h1",
        "h2",
        "h3",
        "ul",
        "ol",
        "li",
        "table",
        "thead",
        "tbody",
        "tr",
        "th",
        "td",
        "br",
        "hr",
        "blockquote",
        "del",
    }, tags
    assert "evil.example" not in re.sub(r"<code>.*?</code>|>[^<]*<", "", html, flags=re.S)
    maths = [m for m in _MATHJAX.findall(page_text(html)) if m not in ("\\\\", "\\$")]
    assert not maths, (maths, html)


# -- unit: Markdown ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        HOSTILE,
        EVIL_MARKDOWN,
        "\\![a](https://evil.example/i.png) !\\[a\\](https://evil.example/j.png)",
        "![x][r]\n\n[r]: https://evil.example/ref.png",
        "| h |\n|---|\n| `<img src=//evil.example/cell.png>|` |",
        "x\n:--\n`<img src=//evil.example/colon.png>|`",
        "```\n<script>alert(1)</script>\n```\n\n````\n```\n<img src=//evil.example/f.png>\n````",
        "    <img src=//evil.example/indented.png>",
        "<!-- c --><details open><summary>s</summary></details>",
        "&lt;img src=x&gt; &#60;script&#62; \x00\x1b[31m",
    ],
)
def test_prose_and_inline_text_never_become_html_links_or_images(text):
    for md in (
        markdown.prose(text),
        markdown.inline(text),
        markdown.table(("a",), [(markdown.inline(text),)]),
    ):
        for html in rendered_markdown({"cells": [{"cell_type": "markdown", "source": md}]}):
            assert_inert(html)


MATHS = [
    "\\(x^{2}\\) and \\[y\\]",
    "$x$, $$y$$ and \\$z\\$",
    "\\begin{equation}x\\end{equation} \\ref{a} \\eqref{b}",
    "&#92;(x&#92;) &#36;y&#36; &bsol;(z&bsol;) &dollar;w&dollar;",
    "\\\\(x\\\\) \\\\\\(y\\\\\\)",
    "`\\\\(` \\href{https://evil.example/}{x} `\\\\)` and `\\begin{a}` x `\\end{a}`",
    "```\n\\\\(\n```\nand `$` then `\\\\)`",
    "mail a@b.co, <a@b.co>, mailto:a@b.co and xmpp:a@b.co/r",
]


@pytest.mark.parametrize("text", MATHS)
def test_no_maths_and_no_mail_links_whatever_the_text(text):
    # assert_inert asks MathJax's question of the page, rendered_markdown JupyterLab's
    # removeMath's of the Markdown.
    for md in (
        markdown.prose(text),
        markdown.prose(text, line_breaks=True),
        markdown.inline(text),
        markdown.table(("a",), [(markdown.inline(text),)]),
    ):
        for html in rendered_markdown({"cells": [{"cell_type": "markdown", "source": md}]}):
            assert_inert(html)


def test_maths_and_addresses_read_as_written_once_mathjax_has_run():
    text = "costs $5 or \\(x\\), \\\\ a@b.co & &#36; \\begin{x}"
    for md in (markdown.prose(text), markdown.inline(text)):
        html = MarkdownIt("commonmark").render(md)
        assert mathjax_shown(page_text(html)).strip() == text
    code = MarkdownIt("commonmark").render(markdown.prose("`\\\\(x\\\\)` `\\begin{y}`"))
    assert code.replace("\u2060", "") == "<p><code>\\\\(x\\\\)</code> <code>\\begin{y}</code></p>\n"


def test_prose_keeps_emphasis_lists_and_code():
    md = markdown.prose(
        "- **strong** and *soft*\n- `a[i] < b` stays code\n\n```python\nx = [1] < 2\n```"
    )
    html = MarkdownIt("commonmark").render(md)
    assert "<strong>strong</strong>" in html and "<em>soft</em>" in html and "<li>" in html
    assert "<code>a[i] &lt; b</code>" in html
    assert '<code class="language-python">x = [1] &lt; 2\n</code>' in html


def test_notes_keep_their_lines():
    html = MarkdownIt("commonmark").render(
        markdown.prose("first\nsecond\n\nthird", line_breaks=True)
    )
    assert html == "<p>first<br />\nsecond</p>\n<p>third</p>\n"
    assert "<br" not in MarkdownIt("commonmark").render(markdown.prose("wrapped\nprompt"))


def test_inline_text_reads_as_it_was_written():
    text = "a|b \\ `c` *d* [e](f) <g> $h$ # i"
    html = (
        MarkdownIt("commonmark")
        .enable("table")
        .render(markdown.table(("x",), [(markdown.inline(text),)]))
    )
    cell = re.search(r"<td>(.*)</td>", html)
    assert cell is not None
    # MathJax's escapes stand for a backslash and a dollar, and show as them.
    assert cell.group(1) == "a|b \\\\ `c` *d* [e](f) &lt;g&gt; \\$h\\$ # i"
    assert mathjax_shown(htmllib.unescape(cell.group(1))) == text


# -- unit: the whiteboard as SVG --------------------------------------------------------------


def board_entries(records: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [{"key": r["id"], "val": r} for r in records]


def words(text: str) -> str:
    """``text`` without white space (wrapping moves it, and may cut a long word)."""
    return "".join(text.split())


def parse_svg(text: str) -> Any:
    root = SafeET.fromstring(text)
    assert root.tag == f"{SVG_NS}svg"
    for element in root.iter():
        assert element.tag.split("}")[1] in {"svg", "g", "path", "rect", "text", "tspan"}, (
            element.tag
        )
        for name, value in element.attrib.items():
            assert not name.lower().startswith("on"), name
            assert "href" not in name.lower(), name
            assert "url(" not in value and "evil" not in value, (name, value)
    return root


def test_tldraw_paths_are_decoded_as_tldraw_encodes_them():
    assert svg.decode_path({"path": PATH_3D}, 100) == STROKE
    assert svg.decode_path({"path": PATH_2D, "dim": 2}, 100) == STROKE
    assert svg.decode_path({"path": PATH_3D}, 2) == STROKE[:2]
    assert svg.decode_path({"points": [{"x": 1, "y": 2}, "junk"]}, 100) == [(1.0, 2.0)]
    assert svg.decode_path({"path": "!!not base64!!"}, 100) == []


def test_the_board_is_drawn_fitted_to_its_content():
    picture = svg.render(board_entries(BOARD))
    assert picture.svg is not None
    assert (picture.drawn, picture.skipped) == (8, 1)  # all but the image
    root = parse_svg(picture.svg)
    x, y, w, h = (float(v) for v in root.attrib["viewBox"].split())
    # The stroke's points (10,20)...(12,60) are inside; the margin is small.
    assert x <= 10 - 1 and y <= 20 - 1 and x + w >= 30 and y + h >= 60
    # Not much more either (the long label of the box wraps above and below it).
    assert x > -100 and y > -300 and w < 1000 and h < 1000
    texts = [" ".join(t.itertext()) for t in root.iter(f"{SVG_NS}text")]
    # Escaped on the way in, read back whole (in lines wrapped to the box).
    assert words(HOSTILE) in [words(t) for t in texts]
    assert "Plan: two pointers" in texts and "O(n) — hash map" in texts


def test_hostile_records_are_escaped_clamped_or_skipped():
    records = [
        shape(
            "shape:huge",
            "geo",
            {"geo": "rectangle", "w": 1e300, "h": 10**400, "color": '"><script>'},
            x=1e308,
            y=-(10**500),
        ),
        shape(
            "shape:nan",
            "geo",
            {"geo": "star", "w": math.nan, "h": math.inf},
            x=math.nan,
            rotation=math.inf,
        ),
        shape(
            'shape:"quote',
            "text",
            {"richText": rich(HOSTILE), "font": "'</text>", "size": "<x>"},
            opacity='"1"',
        ),
        shape(
            "shape:deep",
            "text",
            {"richText": {"type": "doc", "content": [{"content": [{"content": []}]}] * 3}},
        ),
        shape("shape:loop-a", "geo", {"w": 5, "h": 5}, parentId="shape:loop-b"),
        shape("shape:loop-b", "geo", {"w": 5, "h": 5}, parentId="shape:loop-a"),
        shape("shape:bad-segments", "draw", {"segments": [{"path": "A" * 10_000}, 7, None]}),
        shape(
            "shape:arrow", "arrow", {"start": {"x": math.nan, "y": 1}, "end": "x", "bend": math.inf}
        ),
        {
            "id": "binding:x",
            "typeName": "binding",
            "type": "arrow",
            "fromId": "shape:arrow",
            "toId": "shape:nowhere",
            "props": {"terminal": "end"},
        },
        "junk",
        {"key": 1, "val": {}},
    ]
    entries: list[Any] = board_entries([r for r in records if isinstance(r, dict) and "id" in r])
    entries += ["junk", {"key": 1, "val": {}}]
    picture = svg.render(entries)
    assert picture.svg is not None
    root = parse_svg(picture.svg)
    numbers = re.findall(
        r"-?\d+(?:\.\d+)?(?:e[+-]?\d+)?", picture.svg.replace("http://www.w3.org/2000/svg", "")
    )
    assert all(abs(float(n)) <= 1e9 for n in numbers)
    assert "nan" not in picture.svg.lower() and "inf" not in picture.svg.lower()
    assert "<script" not in picture.svg
    assert words(HOSTILE) in [words(" ".join(t.itertext())) for t in root.iter(f"{SVG_NS}text")]
    assert all(f.get("font-family") in svg.FONT_FAMILY.values() for f in root.iter(f"{SVG_NS}text"))


class Counted(dict[str, Any]):
    """A ProseMirror node that counts the reads of every node of its kind."""

    reads = 0

    def get(self, key: str, default: Any = None) -> Any:
        Counted.reads += 1
        return super().get(key, default)


def many(node: dict[str, Any], count: int) -> dict[str, Any]:
    """A document of ``count`` copies of ``node``, 2,000 to a paragraph (the widest list
    the drawing reads)."""
    paragraph = {"type": "paragraph", "content": [Counted(node)] * 2000}
    return {"type": "doc", "content": [paragraph] * (count // 2000)}


def test_a_text_of_many_empty_lines_is_read_only_as_far_as_it_is_drawn():
    # 0.9 MB of hard breaks: no character to stop at, and each break was once followed by
    # a count of every line so far (24 s for this one record).
    Counted.reads = 0
    hostile = many({"type": "hardBreak"}, 40_000)
    text = svg.rich_text({"richText": hostile})
    assert len(text) <= svg.MAX_TEXT
    assert Counted.reads <= 2 * svg.MAX_TEXT + 2
    record = shape("shape:breaks", "text", {"richText": hostile, "w": 100, "autoSize": True})
    picture = svg.render(board_entries([record, shape("shape:box", "geo", {"w": 9, "h": 9})]))
    assert picture.svg is not None and len(picture.svg) < 50_000
    assert len(parse_svg(picture.svg).findall(f".//{SVG_NS}tspan")) <= svg.MAX_LINES


def test_rich_text_nodes_read_stop_at_a_cap_per_shape_and_per_board():
    # Empty paragraphs add neither characters nor lines: only the caps stop the reading.
    hostile = many({"type": "paragraph"}, 40_000)
    shapes = [shape(f"shape:{n}", "text", {"richText": hostile}) for n in range(50)]
    Counted.reads = 0
    drawing = svg._Drawing(svg.latest_records(board_entries(shapes)))
    drawing.draw()
    assert Counted.reads <= 3 * svg.MAX_BOARD_TEXT_NODES
    assert drawing.budget.text_nodes == svg.MAX_BOARD_TEXT_NODES
    budget = svg._Budget()
    assert svg.rich_text({"richText": hostile}, budget) == ""
    assert budget.text_nodes == svg.MAX_TEXT_NODES


def test_an_empty_board_has_no_picture():
    assert svg.render([]).svg is None
    assert svg.render(board_entries([shape("shape:img", "image", {"w": 1, "h": 1})])).svg is None


def test_the_last_entry_of_a_key_wins():
    old = shape("shape:a", "geo", {"geo": "rectangle", "w": 10, "h": 10}, x=0, y=0)
    new = {**old, "x": 500}
    root = parse_svg(svg.render(board_entries([old, new])).svg or "")
    assert float(root.attrib["viewBox"].split()[0]) > 400


# -- unit: values from the document -----------------------------------------------------------


def test_client_times_and_run_fields_are_checked_again():
    assert client_time(1e300) is None and client_time(-5) is None and client_time(math.nan) is None
    assert client_time(True) is None and client_time(10**400) is None
    assert client_time(1_700_000_000_000) == datetime(2023, 11, 14, 22, 13, 20, tzinfo=timezone.utc)
    run = run_json(
        {
            "id": 5,
            "status": "owned",
            "by": "x",
            "output": [{"kind": "text", "stream": "evil", "text": 3}, "junk"],
            "durationMs": -1,
        }
    )
    assert run is not None
    assert (
        run["id"] == ""
        and run["status"] == "unknown"
        and run["by"] == {"name": "", "role": "unknown"}
    )
    assert run["output"] == [{"kind": "text", "stream": "stdout", "text": ""}]
    assert run["duration_ms"] is None


def test_the_file_name_is_safe_whatever_the_title():
    session = {
        "title": '../../"evil"\r\nX-Header: 1; ünïcödé ✓',
        "created_at": datetime(2024, 5, 6, tzinfo=timezone.utc),
        "started_at": None,
    }
    name = filename({"session": session})
    assert name == "interview-evil-x-header-1-unicode-2024-05-06.ipynb"
    assert filename({"session": {"title": "✓✓", "created_at": None}}) == "interview-session.ipynb"


# -- the scripted interview -------------------------------------------------------------------


async def scripted_interview(api: Any, app: Any, room_url: Any) -> dict[str, Any]:
    """Alice's session with two-sum, a candidate who types, runs and tests, a board, notes,
    events; returns what was written."""
    created = await as_(
        api,
        ALICE,
        "POST",
        "sessions",
        {"title": "Backend <engineer>", "candidate_name": "Mallory <b>", "question_id": TWO_SUM},
    )
    assert created.status == 201, created.body
    sid = created.json["id"]
    invite = await as_(api, ALICE, "POST", f"sessions/{sid}/invites", {})
    token = invite.json["token"]
    candidate = {"Authorization": f"Bearer {token}"}
    assert (await as_(api, ALICE, "POST", f"sessions/{sid}/start")).status == 200
    code = (
        "def two_sum(xs, target):\n"
        "    # </code> <img src=https://evil.example/c.png>\n"
        "    return (0, 1)\n"
    )
    now_ms = time.time() * 1000
    async with (
        synced_doc(room_url(sid), ALICE) as lead,
        synced_doc(room_url(sid), candidate) as cand,
    ):
        await until(lambda: bool(cand.get("question", type=Map).to_py()), what="the question")
        source = cand.get("source", type=Text)
        with cand.transaction():
            source.clear()
            source.insert(0, code)
        cand.get("runs", type=Array).append(
            Map(
                {
                    "id": "run-1",
                    "language": "python",
                    "by": {"name": "Mallory <img src=x>", "color": "#123456", "role": "candidate"},
                    "code": code,
                    "stdin": "",
                    "status": "error",
                    "startedAt": now_ms,
                    "durationMs": 12.5,
                    "output": Array(
                        [
                            {"kind": "text", "stream": "stdout", "text": "first line\n"},
                            {"kind": "text", "stream": "stdout", "text": HOSTILE + "\n"},
                            {"kind": "text", "stream": "stderr", "text": "Traceback: boom\n"},
                            {"kind": "text", "stream": "system", "text": "Run stopped after 5 s\n"},
                            {
                                "kind": "table",
                                "columns": ["id", "<b>name</b>"],
                                "rows": [[1, "![x](https://evil.example/t.png)"], [2, None]],
                                "truncated": True,
                            },
                        ]
                    ),
                }
            )
        )
        question_id = str(cand.get("question", type=Map)["id"])
        cand.get("testRuns", type=Array).append(
            Map(
                {
                    "id": "tests-1",
                    "language": "python",
                    "question": question_id,
                    "by": {"name": "Mallory", "color": "#123456", "role": "candidate"},
                    "status": "done",
                    "startedAt": now_ms + 1000,
                    "total": 2,
                    "results": Array(
                        [
                            {
                                "name": "small",
                                "input": "two_sum([2, 7], 9)",
                                "expected": "[0, 1]",
                                "actual": "[0, 1]",
                                "error": None,
                                "status": "pass",
                                "durationMs": 1.0,
                            },
                            {
                                "name": "negative",
                                "input": "two_sum([-1, 1], 0)",
                                "expected": "[0, 1]",
                                "actual": EVIL_MARKDOWN,
                                "error": None,
                                "status": "fail",
                                "durationMs": 2.0,
                            },
                        ]
                    ),
                }
            )
        )
        for record in BOARD:
            set_record(lead, record)
        await until(
            lambda: (
                len(app.rooms.rooms[uuid.UUID(sid)].doc.get("whiteboard", type=Array)) == len(BOARD)
                and len(app.rooms.rooms[uuid.UUID(sid)].doc.get("testRuns", type=Array)) == 1
            ),
            what="the room to have it all",
        )
    notes = "Strong start. **Missed** the empty list.\n" + EVIL_MARKDOWN + "\n" + HOSTILE
    async with synced_doc(room_url(sid) + "/notes", ALICE, doc=notes_doc()) as doc:
        doc.get("source", type=Text).insert(0, notes)
        await until(
            lambda: notes_of(app.note_rooms.rooms[uuid.UUID(sid)].doc) == notes, what="the notes"
        )
    started = datetime.now(timezone.utc)
    async with app.database.session() as db:
        await db.execute(
            insert(SessionEvent),
            [
                {
                    "session_id": uuid.UUID(sid),
                    "kind": "paste",
                    "participant": f"invite:{invite.json['id']}",
                    "role": "candidate",
                    "started_at": started,
                    "ended_at": None,
                    "size": 1234,
                },
                {
                    "session_id": uuid.UUID(sid),
                    "kind": "hidden",
                    "participant": f"invite:{invite.json['id']}",
                    "role": "candidate",
                    "started_at": started,
                    "ended_at": started + timedelta(seconds=42),
                    "size": None,
                },
            ],
        )
    return {"sid": sid, "code": code, "notes": notes, "token": token, "invite": invite.json}


async def report_of(api: Any, who: dict[str, str], sid: str) -> dict[str, Any]:
    reply = await as_(api, who, "GET", f"sessions/{sid}/report")
    assert reply.status == 200, reply.body
    assert reply.headers["Cache-Control"] == "no-store"
    errors = list(_validator("Report").iter_errors(reply.json))
    assert not errors, errors[0]
    return reply.json  # type: ignore[no-any-return]


async def notebook_of(api: Any, who: dict[str, str], sid: str) -> tuple[Any, dict[str, Any]]:
    reply = await as_(api, who, "GET", f"sessions/{sid}/report.ipynb")
    assert reply.status == 200, reply.body
    assert reply.headers["Content-Type"] == "application/x-ipynb+json; charset=UTF-8"
    notebook = json.loads(reply.body)
    nbformat.validate(nbformat.from_dict(notebook))
    return reply, notebook


def cells_of(notebook: dict[str, Any], kind: str) -> list[dict[str, Any]]:
    return [c for c in notebook["cells"] if c["cell_type"] == kind]


async def test_the_report_holds_the_whole_interview(api, devinterview_app, room_url):
    written = await scripted_interview(api, devinterview_app, room_url)
    sid = written["sid"]
    await submit_complete(
        api, ALICE, sid, "strong_yes", note="alice <b>thinks</b> [so](https://evil.example/s)"
    )
    draft = await as_(
        api, BOB, "PUT", f"sessions/{sid}/scorecards/mine", {"summary": "bob-draft-secret"}
    )
    assert draft.status == 201

    # Live: the interview so far.
    report = await report_of(api, ALICE, sid)
    assert report["session"]["id"] == sid and report["session"]["status"] == "active"
    assert report["question"]["question"]["id"] == TWO_SUM
    hidden_tests = report["question"]["question"]["hidden_tests"]
    rubric = report["question"]["question"]["rubric"]
    assert hidden_tests and rubric
    assert report["language"] == "python" and report["final_code"] == written["code"]
    [run] = report["runs"]
    assert run["id"] == "run-1" and run["status"] == "error" and run["duration_ms"] == 12.5
    # The server signs runs with the sender's name (the session's candidate name) where it
    # knows it, else the name is the client's; hostile either way.
    assert run["by"]["role"] == "candidate" and run["by"]["name"].startswith("Mallory <")
    assert [c["kind"] for c in run["output"]] == ["text", "text", "text", "text", "table"]
    assert run["started_at"].startswith(datetime.now(timezone.utc).strftime("%Y-"))
    [tests] = report["test_runs"]
    assert (tests["total"], tests["passed"], tests["status"]) == (2, 1, "done")
    assert tests["results"][1]["actual"] == EVIL_MARKDOWN
    assert report["notes"] == written["notes"]
    assert [e["kind"] for e in report["events"]] == ["paste", "hidden"]
    assert report["events"][0]["participant_name"] == "Mallory <b>"
    assert written["invite"]["id"] not in json.dumps(report) and written["token"] not in json.dumps(
        report
    )
    assert report["whiteboard"]["shapes"] == 8 and report["whiteboard"]["skipped"] == 1
    parse_svg(report["whiteboard"]["svg"])
    kinds = [m["kind"] for m in report["timeline"]]
    assert "run" in kinds and "test_run" in kinds and "start" in kinds
    assert all(m["offset_ms"] >= 0 for m in report["timeline"])
    cards = report["scorecards"]
    assert cards["viewer"] == "alice" and cards["hidden"] == 0
    assert [(c["interviewer"], c["status"]) for c in cards["items"]] == [("alice", "submitted")]
    assert "bob-draft-secret" not in json.dumps(report)

    # Ended: the same, and the notebook of it.
    assert (await as_(api, ALICE, "POST", f"sessions/{sid}/terminate")).status == 200
    report = await report_of(api, ALICE, sid)
    assert report["session"]["status"] == "terminated"
    assert "terminate" in [m["kind"] for m in report["timeline"]]

    reply, notebook = await notebook_of(api, ALICE, sid)
    disposition = reply.headers["Content-Disposition"]
    assert re.fullmatch(
        r'attachment; filename="interview-backend-engineer-\d{4}-\d{2}-\d{2}\.ipynb"', disposition
    )
    # No kernel named (JupyterLab would start it: the code is the candidate's), and a
    # warning before anything else.
    assert "kernelspec" not in notebook["metadata"]
    assert notebook["metadata"]["language_info"]["name"] == "python"
    title = notebook["cells"][0]["source"]
    assert "candidate's code, recorded as written" in title
    assert title.index("recorded as written") < title.index("| Candidate |")
    assert notebook["metadata"]["devinterview"]["session_id"] == sid
    assert disposition.endswith(f'"{notebook["metadata"]["devinterview"]["filename"]}"')
    markdown_text = "\n".join(c["source"] for c in cells_of(notebook, "markdown"))
    for part in (
        "# Interview report: Backend &lt;engineer>",
        "## Question: Two sum",
        "### Hidden tests",
        "### Rubric",
        "## Final code",
        "## Runs",
        "## Test results",
        "## Whiteboard",
        "## Interviewers' notes",
        "## Scorecards",
        "## Integrity signals",
        "## Timeline",
    ):
        assert part in markdown_text, part
    assert hidden_tests[0]["name"] in markdown_text
    assert all(c["name"] in markdown_text for c in rubric)
    assert "1,234 characters" in markdown_text and "Page hidden" in markdown_text
    assert "alice" in markdown_text and "Strong yes" in markdown_text
    assert "Missed" in markdown_text and "bob-draft-secret" not in markdown_text

    code_cells = cells_of(notebook, "code")
    assert code_cells[0]["source"] == written["code"] and code_cells[0]["outputs"] == []
    run_cell = code_cells[1]
    assert run_cell["source"] == written["code"] and run_cell["execution_count"] == 1
    outputs = run_cell["outputs"]
    assert outputs[0] == {
        "output_type": "stream",
        "name": "stdout",
        "text": "first line\n" + HOSTILE + "\n",
    }
    assert outputs[1] == {"output_type": "stream", "name": "stderr", "text": "Traceback: boom\n"}
    assert outputs[2]["output_type"] == "display_data"
    assert outputs[2]["data"] == {"text/plain": "Run stopped after 5 s\n"}
    table = outputs[3]["data"]
    assert table["text/plain"].startswith(
        "id\t<b>name</b>\n1\t![x](https://evil.example/t.png)\n2\tNULL"
    )

    [board] = [c for c in cells_of(notebook, "markdown") if "attachments" in c]
    assert "![whiteboard](attachment:whiteboard.svg)" in board["source"]
    parse_svg(board["attachments"]["whiteboard.svg"]["image/svg+xml"])

    # Nothing anyone wrote renders as HTML, a link or an image.
    for html in rendered_markdown(notebook):
        assert_inert(html)


async def test_scorecards_in_the_report_follow_the_visibility_rules(
    api, devinterview_app, room_url
):
    created = await as_(api, ALICE, "POST", "sessions", {"title": "Visibility"})
    sid = created.json["id"]
    await submit_complete(api, ALICE, sid, "yes", note="alice-words")
    await as_(api, BOB, "PUT", f"sessions/{sid}/scorecards/mine", {"summary": "bob-draft-words"})

    def seen(report: dict[str, Any]) -> tuple[list[tuple[str, str]], int]:
        cards = report["scorecards"]
        return [(c["interviewer"], c["status"]) for c in cards["items"]], cards["hidden"]

    # Bob's draft: his own only; alice's submitted one is hidden, and said to be.
    bob = await report_of(api, BOB, sid)
    assert seen(bob) == ([("bob", "draft")], 1)
    assert "alice-words" not in json.dumps(bob)
    _, notebook = await notebook_of(api, BOB, sid)
    text = json.dumps(notebook)
    assert (
        "alice-words" not in text
        and "1 submitted scorecard is of other interviewers hidden" in text
    )
    # Carol wrote none: nothing but the count.
    assert seen(await report_of(api, CAROL, sid)) == ([], 1)
    # Alice submitted: never bob's draft.
    alice = await report_of(api, ALICE, sid)
    assert seen(alice) == ([("alice", "submitted")], 0)
    assert "bob-draft-words" not in json.dumps(alice)

    await submit_complete(api, BOB, sid, "no", note="bob-final")
    assert seen(await report_of(api, ALICE, sid)) == (
        [("alice", "submitted"), ("bob", "submitted")],
        0,
    )
    assert seen(await report_of(api, BOB, sid)) == (
        [("bob", "submitted"), ("alice", "submitted")],
        0,
    )
    _, notebook = await notebook_of(api, BOB, sid)
    assert "alice-words" in json.dumps(notebook) and "bob-final" in json.dumps(notebook)


async def test_a_session_without_anything_still_has_a_report(api):
    created = await as_(api, ALICE, "POST", "sessions", {"title": "✓", "language": "sql"})
    sid = created.json["id"]
    report = await report_of(api, ALICE, sid)
    assert report["question"] is None and report["runs"] == [] and report["timeline"] == []
    assert report["whiteboard"] == {"shapes": 0, "skipped": 0, "svg": None}
    assert report["final_code"] == "" and report["notes"] == ""
    reply, notebook = await notebook_of(api, ALICE, sid)
    assert 'filename="interview-session-' in reply.headers["Content-Disposition"]
    assert notebook["metadata"]["language_info"]["name"] == "sql"
    assert "kernelspec" not in notebook["metadata"]
    text = "\n".join(c["source"] for c in notebook["cells"])
    assert "No question was chosen" in text and "The whiteboard was empty" in text


async def test_unknown_and_malformed_sessions(api):
    for path in ("report", "report.ipynb"):
        missing = await as_(api, ALICE, "GET", f"sessions/{uuid.uuid4()}/{path}")
        assert missing.status == 404 and missing.json["message"]
        malformed = await as_(api, ALICE, "GET", f"sessions/not-a-uuid/{path}")
        assert (malformed.status, malformed.json["reason"]) == (400, "malformed_id")


async def test_candidates_get_no_report_by_any_credential(api, devinterview_app, room_url):
    written = await scripted_interview(api, devinterview_app, room_url)
    sid = written["sid"]
    joined = await api("POST", "join", {"token": written["token"]}, as_=None)
    assert joined.status == 200
    candidate = {"token": written["token"], "cookie": joined.headers["Set-Cookie"].split(";")[0]}
    forms = {**credential_forms(candidate), "none": {}}
    for form, creds in forms.items():
        for path in (
            f"sessions/{sid}/report",
            f"sessions/{sid}/report.ipynb",
            f"sessions/{sid}/report/",
        ):
            reply = await api("GET", path, as_=None, **creds)
            expected = (401,) if form == "none" else (401, 403)
            assert reply.status in expected, (form, path, reply.status)
            assert written["notes"][:20].encode() not in reply.body
            assert b"hidden_tests" not in reply.body and b"nbformat" not in reply.body
            assert "attachment" not in reply.headers.get("Content-Disposition", "")


@TEAM
async def test_team_mode_only_the_owner_and_co_interviewers(api):
    created = await as_(api, ALICE, "POST", "sessions", {"title": "Team"})
    sid = created.json["id"]
    for path in ("report", "report.ipynb"):
        assert (await as_(api, BOB, "GET", f"sessions/{sid}/{path}")).status == 404
    assert (await as_(api, ALICE, "PUT", f"sessions/{sid}/co-interviewers/bob")).status in (
        200,
        201,
    )
    assert (await report_of(api, BOB, sid))["scorecards"]["viewer"] == "bob"
    await notebook_of(api, BOB, sid)
    assert (await as_(api, CAROL, "GET", f"sessions/{sid}/report")).status == 404
