"""The whiteboard as a standalone SVG picture, drawn from its stored tldraw records.

Shapes drawn: ``draw`` and ``highlight`` (free-hand strokes), ``geo`` (rectangle, ellipse,
triangle, diamond, polygons, star, ...), ``text``, ``note``, ``arrow`` and ``line``;
other records (images, embeds, frames, groups, bindings but an arrow's) are skipped.
The picture is an approximation of what tldraw showed: right positions, sizes, rotations,
colours and text, not its hand-drawn look.

Everything in a record may have been written by the candidate, so the output is built
from numbers this module formats (clamped to a sane range, non-finite ones dropped),
colours from a fixed palette, and text escaped for XML; it has no script, no link and
no reference to anything outside itself, and is bounded in size.
"""

from __future__ import annotations

import base64
import binascii
import math
import re
import struct
import textwrap
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any
from xml.sax.saxutils import escape

# Bounds: a board is bounded by the room's quota already; these keep the picture (and
# the time to draw it) small whatever the records say.
MAX_SHAPES = 5000
MAX_POINTS_PER_SHAPE = 20_000
MAX_POINTS = 400_000
MAX_TEXT = 2000
MAX_LINES = 200
MAX_DEPTH = 16
# Rich-text nodes read: per shape, and per board. A shape's 2,000 characters need far
# fewer; a record of 40,000 empty lines or breaks adds no character to stop at.
MAX_TEXT_NODES = 10_000
MAX_BOARD_TEXT_NODES = 200_000
COORDINATE_LIMIT = 1e7
MARGIN = 16.0

# tldraw's default light theme, by style name; anything else is black.
PALETTE = {
    "black": "#1d1d1d",
    "grey": "#9fa8b2",
    "light-violet": "#e085f4",
    "violet": "#ae3ec9",
    "blue": "#4465e9",
    "light-blue": "#4ba1f1",
    "yellow": "#f1ac4b",
    "orange": "#e16919",
    "green": "#099268",
    "light-green": "#4cb05e",
    "light-red": "#f87777",
    "red": "#e03131",
    "white": "#ffffff",
}
NOTE_FILL = {
    "black": "#fcfcfc",
    "grey": "#e8e8e8",
    "light-violet": "#f5eafa",
    "violet": "#ecdcf2",
    "blue": "#dce1f8",
    "light-blue": "#ddedfa",
    "yellow": "#f9f0e6",
    "orange": "#f8e2d4",
    "green": "#d3e9e3",
    "light-green": "#dbf0e0",
    "light-red": "#f4dadb",
    "red": "#f4dadb",
    "white": "#ffffff",
}
STROKE_WIDTH = {"s": 2.0, "m": 3.5, "l": 5.0, "xl": 10.0}
FONT_SIZE = {"s": 18.0, "m": 24.0, "l": 36.0, "xl": 44.0}
FONT_FAMILY = {
    "draw": "'Comic Sans MS', cursive",
    "sans": "sans-serif",
    "serif": "serif",
    "mono": "monospace",
}
NOTE_SIZE = 200.0
_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")

Matrix = tuple[float, float, float, float, float, float]  # a b c d e f, as SVG's matrix()
IDENTITY: Matrix = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)


# -- numbers, text, colours ---------------------------------------------------------------


def number(value: Any, default: float = 0.0) -> float:
    """A finite number within the coordinate limit (``default`` for anything else)."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return default
    try:
        result = float(value)
    except OverflowError:  # an int too large for a float
        return default
    if not math.isfinite(result):
        return default
    return max(-COORDINATE_LIMIT, min(COORDINATE_LIMIT, result))


def fmt(value: float) -> str:
    """A coordinate as SVG text: two decimals at most, no exponent."""
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def xml_text(value: str) -> str:
    """``value`` safe as XML character data and as a double-quoted attribute value."""
    return escape(_XML_INVALID.sub("", value), {'"': "&quot;", "'": "&#39;"})


def colour(name: Any, palette: Mapping[str, str] = PALETTE) -> str:
    return palette.get(name, palette["black"]) if isinstance(name, str) else palette["black"]


def rich_text(props: Mapping[str, Any], budget: _Budget | None = None) -> str:
    """A shape's text: tldraw's ``richText`` (a ProseMirror document) or older ``text``.
    ``budget`` counts the nodes read, for the whole board."""
    value = props.get("richText")
    if isinstance(value, Mapping):
        budget = budget if budget is not None else _Budget()
        limit = min(MAX_TEXT_NODES, MAX_BOARD_TEXT_NODES - budget.text_nodes)
        collector = _TextCollector(max(0, limit))
        collector.collect(value, 0)
        budget.text_nodes += collector.visited
        text = "\n".join(collector.lines)
    elif isinstance(props.get("text"), str):
        text = props["text"]
    else:
        return ""
    return text[:MAX_TEXT]


class _TextCollector:
    """The lines of a ProseMirror document, stopping at MAX_TEXT characters (line breaks
    count: empty lines add up too) or at ``limit`` nodes, whichever comes first."""

    def __init__(self, limit: int) -> None:
        self.lines: list[str] = []
        self.chars = 0  # of the lines joined by newlines
        self.visited = 0
        self.limit = limit

    @property
    def full(self) -> bool:
        return self.chars >= MAX_TEXT or self.visited >= self.limit

    def _new_line(self) -> None:
        self.chars += 1 if self.lines else 0
        self.lines.append("")

    def collect(self, node: Mapping[str, Any], depth: int) -> None:
        # Each block (paragraph, heading, list item) is a line; hard breaks too.
        if depth > MAX_DEPTH or self.full:
            return
        self.visited += 1
        kind = node.get("type")
        if kind == "text" and isinstance(node.get("text"), str):
            if not self.lines:
                self._new_line()
            piece = node["text"][: MAX_TEXT - self.chars]
            self.lines[-1] += piece
            self.chars += len(piece)
            return
        if kind == "hardBreak":
            self._new_line()
            return
        content = node.get("content")
        if not isinstance(content, list):
            return
        for child in content[:MAX_TEXT]:
            if self.full:
                return
            if isinstance(child, Mapping):
                if child.get("type") in ("paragraph", "heading", "listItem", "codeBlock") and (
                    self.lines and self.lines[-1] != ""
                ):
                    self._new_line()
                self.collect(child, depth + 1)


# -- geometry -----------------------------------------------------------------------------


def multiply(m: Matrix, n: Matrix) -> Matrix:
    """``m`` after ``n`` (apply ``n`` first)."""
    a, b, c, d, e, f = m
    a2, b2, c2, d2, e2, f2 = n
    return (
        a * a2 + c * b2,
        b * a2 + d * b2,
        a * c2 + c * d2,
        b * c2 + d * d2,
        a * e2 + c * f2 + e,
        b * e2 + d * f2 + f,
    )


def local_matrix(record: Mapping[str, Any]) -> Matrix:
    """A shape's transform in its parent: translate by (x, y), then rotate."""
    x, y = number(record.get("x")), number(record.get("y"))
    angle = number(record.get("rotation"))
    cos, sin = math.cos(angle), math.sin(angle)
    return (cos, sin, -sin, cos, x, y)


def apply(m: Matrix, x: float, y: float) -> tuple[float, float]:
    a, b, c, d, e, f = m
    return a * x + c * y + e, b * x + d * y + f


def matrix_attr(m: Matrix) -> str:
    return "matrix(" + " ".join(fmt(v if abs(v) > 1e-9 else 0.0) for v in m) + ")"


@dataclass
class _Bounds:
    min_x: float = math.inf
    min_y: float = math.inf
    max_x: float = -math.inf
    max_y: float = -math.inf

    def add(self, x: float, y: float, pad: float = 0.0) -> None:
        self.min_x = min(self.min_x, x - pad)
        self.min_y = min(self.min_y, y - pad)
        self.max_x = max(self.max_x, x + pad)
        self.max_y = max(self.max_y, y + pad)

    @property
    def empty(self) -> bool:
        return self.min_x > self.max_x


# -- records ------------------------------------------------------------------------------


def latest_records(entries: Iterable[Any]) -> dict[str, dict[str, Any]]:
    """The board's records by id from its stored ``{key, val}`` entries (the last entry of
    a key wins, as in the y-utility key-value store the frontend uses)."""
    records: dict[str, dict[str, Any]] = {}
    for entry in entries:
        if not isinstance(entry, Mapping):
            continue
        key, value = entry.get("key"), entry.get("val")
        if isinstance(key, str) and isinstance(value, dict):
            records.pop(key, None)
            records[key] = value
    return records


def _sort_key(record: Mapping[str, Any]) -> tuple[str, str]:
    index = record.get("index")
    return (index if isinstance(index, str) else "", str(record.get("id", "")))


def _page_of(shape_id: str, shapes: Mapping[str, Mapping[str, Any]]) -> str | None:
    seen: set[str] = set()
    current = shape_id
    while current in shapes and current not in seen and len(seen) < MAX_DEPTH:
        seen.add(current)
        parent = shapes[current].get("parentId")
        if not isinstance(parent, str):
            return None
        if parent.startswith("page:"):
            return parent
        current = parent
    return None


def _ordered_shapes(
    records: Mapping[str, Mapping[str, Any]],
) -> Iterator[tuple[Mapping[str, Any], Matrix]]:
    """The shapes of the first page that has any, back to front, with their transforms
    to page coordinates."""
    shapes = {k: v for k, v in records.items() if v.get("typeName") == "shape"}
    pages = sorted((v for v in records.values() if v.get("typeName") == "page"), key=_sort_key)
    children: dict[str, list[Mapping[str, Any]]] = {}
    for record in shapes.values():
        parent = record.get("parentId")
        if isinstance(parent, str):
            children.setdefault(parent, []).append(record)
    page_ids = [str(p.get("id")) for p in pages]
    # Shapes on pages without a page record still count (a board being written).
    page_ids += sorted({p for p in children if p.startswith("page:") and p not in page_ids})
    page = next((p for p in page_ids if p in children), None)
    if page is None:
        return
    stack: list[tuple[Mapping[str, Any], Matrix, int]] = [
        (record, IDENTITY, 0) for record in sorted(children[page], key=_sort_key, reverse=True)
    ]
    seen: set[str] = set()
    while stack:
        record, parent_matrix, depth = stack.pop()
        shape_id = str(record.get("id"))
        if shape_id in seen or depth > MAX_DEPTH:
            continue
        seen.add(shape_id)
        matrix = multiply(parent_matrix, local_matrix(record))
        yield record, matrix
        for child in sorted(children.get(shape_id, ()), key=_sort_key, reverse=True):
            stack.append((child, matrix, depth + 1))


# -- drawing ------------------------------------------------------------------------------


@dataclass
class _Style:
    stroke: str
    width: float
    dash: str
    fill: str
    fill_opacity: float
    opacity: float

    def attrs(self, *, filled: bool = True) -> str:
        parts = [
            f'stroke="{self.stroke}"',
            f'stroke-width="{fmt(self.width)}"',
            'stroke-linecap="round"',
            'stroke-linejoin="round"',
        ]
        if filled and self.fill != "none":
            parts.append(f'fill="{self.fill}" fill-opacity="{fmt(self.fill_opacity)}"')
        else:
            parts.append('fill="none"')
        if self.dash:
            parts.append(f'stroke-dasharray="{self.dash}"')
        if self.opacity < 1:
            parts.append(f'opacity="{fmt(self.opacity)}"')
        return " ".join(parts)


def _style(record: Mapping[str, Any], props: Mapping[str, Any], scale: float) -> _Style:
    size = props.get("size")
    width = STROKE_WIDTH.get(size, 3.5) if isinstance(size, str) else 3.5
    width *= scale
    stroke = colour(props.get("color"))
    dash = props.get("dash")
    pattern = ""
    if dash == "dashed":
        pattern = f"{fmt(width * 2)} {fmt(width * 2)}"
    elif dash == "dotted":
        pattern = f"0 {fmt(width * 2)}"
    fill_style = props.get("fill")
    fill, fill_opacity = "none", 0.0
    if fill_style in ("solid", "fill"):
        fill, fill_opacity = stroke, 0.35
    elif fill_style in ("semi", "pattern", "lined-fill"):
        fill, fill_opacity = stroke, 0.12
    opacity = min(1.0, max(0.0, number(record.get("opacity"), 1.0)))
    return _Style(stroke, width, pattern, fill, fill_opacity, opacity)


def _scale(props: Mapping[str, Any]) -> float:
    scale = number(props.get("scale"), 1.0)
    return scale if 0.01 <= scale <= 100 else 1.0


class _Budget:
    def __init__(self) -> None:
        self.points = 0
        self.text_nodes = 0

    def take(self, count: int) -> int:
        allowed = max(0, min(count, MAX_POINTS_PER_SHAPE, MAX_POINTS - self.points))
        self.points += allowed
        return allowed


def decode_path(segment: Mapping[str, Any], limit: int) -> list[tuple[float, float]]:
    """The points of one draw segment: tldraw's delta-encoded base64 ``path`` (a Float32
    first point, then Float16 deltas; 3 values a point, or 2 with ``dim: 2``) or the older
    list of ``{x, y}`` points."""
    points: list[tuple[float, float]] = []
    raw = segment.get("points")
    if isinstance(raw, list):
        for point in raw[:limit]:
            if isinstance(point, Mapping):
                points.append((number(point.get("x")), number(point.get("y"))))
        return points
    path = segment.get("path")
    if not isinstance(path, str) or not path:
        return points
    dims = 2 if segment.get("dim") == 2 else 3
    first_size, delta_size = 4 * dims, 2 * dims
    # Enough characters for the points allowed, no more (base64: 4 characters, 3 bytes).
    needed = first_size + delta_size * max(0, limit - 1)
    text = path[: ((needed + 2) // 3) * 4 + 4]
    try:
        data = base64.b64decode(text + "=" * (-len(text) % 4), validate=False)
    except (binascii.Error, ValueError):
        return points
    if len(data) < first_size:
        return points
    x, y = struct.unpack_from("<ff", data, 0)
    points.append((number(x), number(y)))
    offset = first_size
    while offset + delta_size <= len(data) and len(points) < limit:
        dx, dy = struct.unpack_from("<ee", data, offset)
        x, y = points[-1]
        points.append((number(x + number(dx)), number(y + number(dy))))
        offset += delta_size
    return points


def _polyline(points: Sequence[tuple[float, float]], closed: bool = False) -> str:
    if not points:
        return ""
    if len(points) == 1:
        x, y = points[0]
        return f"M{fmt(x)} {fmt(y)}l0.01 0"  # a dot: a zero-length path shows nothing
    text = f"M{fmt(points[0][0])} {fmt(points[0][1])}" + "".join(
        f"L{fmt(x)} {fmt(y)}" for x, y in points[1:]
    )
    return text + ("Z" if closed else "")


def wrap(text: str, width: float, size: float) -> list[str]:
    """The lines of ``text`` in a box ``width`` wide (0: no box), words wrapped at an
    average character width: the picture has no font metrics, only a good guess."""
    lines: list[str] = []
    per_line = max(1, int(width / (size * 0.55))) if width > 0 else 0
    for line in text.split("\n"):
        if per_line and len(line) > per_line:
            lines += textwrap.wrap(line, per_line, break_long_words=True) or [""]
        else:
            lines.append(line)
        if len(lines) >= MAX_LINES:
            break
    return lines[:MAX_LINES]


def _text_block(
    text: str,
    x: float,
    y: float,
    width: float,
    align: str,
    size: float,
    font: str,
    fill: str,
    *,
    centre_vertically: float | None = None,
) -> tuple[str, float, float]:
    """The text as SVG, and the top and bottom of its lines."""
    lines = wrap(text, width, size)
    line_height = size * 1.35
    anchor = {"start": "start", "middle": "middle", "end": "end"}.get(align, "start")
    tx = x if anchor == "start" else x + width / 2 if anchor == "middle" else x + width
    top = y + size
    if centre_vertically is not None:
        top = y + (centre_vertically - line_height * len(lines)) / 2 + size
    spans = "".join(
        f'<tspan x="{fmt(tx)}" y="{fmt(top + i * line_height)}">{xml_text(line)}</tspan>'
        for i, line in enumerate(lines)
    )
    markup = (
        f'<text font-family="{font}" font-size="{fmt(size)}" fill="{fill}" '
        f'text-anchor="{anchor}" xml:space="preserve">{spans}</text>'
    )
    return markup, top - size, top + (len(lines) - 1) * line_height + size * 0.35


_ALIGN = {"start": "start", "middle": "middle", "end": "end", "start-legacy": "start"}
_ALIGN.update({"end-legacy": "end", "middle-legacy": "middle"})


def _font(props: Mapping[str, Any]) -> str:
    font = props.get("font")
    return FONT_FAMILY.get(font, "sans-serif") if isinstance(font, str) else "sans-serif"


def _font_size(props: Mapping[str, Any], scale: float) -> float:
    size = props.get("size")
    return (FONT_SIZE.get(size, 24.0) if isinstance(size, str) else 24.0) * scale


def _geo_outline(geo: str, w: float, h: float) -> tuple[str, list[str]]:
    """The outline of a geo shape as path data, and extra marks (check and cross boxes)."""
    if geo in ("ellipse", "oval", "cloud", "heart"):
        rx, ry = w / 2, h / 2
        return (
            f"M0 {fmt(ry)}A{fmt(rx)} {fmt(ry)} 0 1 0 {fmt(w)} {fmt(ry)}"
            f"A{fmt(rx)} {fmt(ry)} 0 1 0 0 {fmt(ry)}Z",
            [],
        )
    corners: list[tuple[float, float]]
    if geo == "triangle":
        corners = [(w / 2, 0), (w, h), (0, h)]
    elif geo in ("diamond", "rhombus-2"):
        corners = [(w / 2, 0), (w, h / 2), (w / 2, h), (0, h / 2)]
    elif geo == "rhombus":
        o = min(w, h) / 4
        corners = [(o, 0), (w, 0), (w - o, h), (0, h)]
    elif geo == "trapezoid":
        o = min(w, h) / 4
        corners = [(o, 0), (w - o, 0), (w, h), (0, h)]
    elif geo in ("pentagon", "hexagon", "octagon"):
        sides = {"pentagon": 5, "hexagon": 6, "octagon": 8}[geo]
        corners = [
            (
                w / 2 + w / 2 * math.cos(-math.pi / 2 + 2 * math.pi * i / sides),
                h / 2 + h / 2 * math.sin(-math.pi / 2 + 2 * math.pi * i / sides),
            )
            for i in range(sides)
        ]
    elif geo == "star":
        corners = []
        for i in range(10):
            r = 1.0 if i % 2 == 0 else 0.4
            angle = -math.pi / 2 + math.pi * i / 5
            corners.append(
                (w / 2 + w / 2 * r * math.cos(angle), h / 2 + h / 2 * r * math.sin(angle))
            )
    elif geo.startswith("arrow-"):
        corners = _arrow_polygon(geo[6:], w, h)
    else:  # rectangle, check-box, x-box and anything unknown
        corners = [(0, 0), (w, 0), (w, h), (0, h)]
    marks: list[str] = []
    if geo == "x-box":
        marks = [f"M0 0L{fmt(w)} {fmt(h)}", f"M{fmt(w)} 0L0 {fmt(h)}"]
    elif geo == "check-box":
        marks = [
            f"M{fmt(w * 0.25)} {fmt(h * 0.52)}L{fmt(w * 0.45)} {fmt(h * 0.7)}"
            f"L{fmt(w * 0.75)} {fmt(h * 0.3)}"
        ]
    return _polyline(corners, closed=True), marks


def _arrow_polygon(direction: str, w: float, h: float) -> list[tuple[float, float]]:
    right = [
        (0, h * 0.3),
        (w * 0.6, h * 0.3),
        (w * 0.6, 0),
        (w, h / 2),
        (w * 0.6, h),
        (w * 0.6, h * 0.7),
        (0, h * 0.7),
    ]
    if direction == "left":
        return [(w - x, y) for x, y in right]
    if direction == "down":
        return [(w * y / h if h else 0, h * x / w if w else 0) for x, y in right]
    if direction == "up":
        return [(w * y / h if h else 0, h - (h * x / w if w else 0)) for x, y in right]
    return right


def _arrowhead(tip: tuple[float, float], before: tuple[float, float], size: float) -> str:
    dx, dy = tip[0] - before[0], tip[1] - before[1]
    length = math.hypot(dx, dy)
    if length < 1e-6:
        return ""
    ux, uy = dx / length, dy / length
    left = (tip[0] - size * (ux * 0.87 - uy * 0.5), tip[1] - size * (uy * 0.87 + ux * 0.5))
    right = (tip[0] - size * (ux * 0.87 + uy * 0.5), tip[1] - size * (uy * 0.87 - ux * 0.5))
    return "M{} {}L{} {}L{} {}".format(*map(fmt, (*left, *tip, *right)))


def _bound_terminal(
    binding: Mapping[str, Any] | None,
    records: Mapping[str, Mapping[str, Any]],
    matrices: Mapping[str, Matrix],
) -> tuple[float, float] | None:
    """Where an arrow's end bound to a shape is, in page coordinates: the anchor tldraw
    stores (precise), else the shape's centre."""
    if binding is None:
        return None
    target_id = binding.get("toId")
    target = records.get(target_id) if isinstance(target_id, str) else None
    matrix = matrices.get(target_id) if isinstance(target_id, str) else None
    if target is None or matrix is None:
        return None
    props = binding.get("props") if isinstance(binding.get("props"), Mapping) else {}
    assert isinstance(props, Mapping)
    w, h = _size_of(target)
    anchor = props.get("normalizedAnchor")
    ax, ay = 0.5, 0.5
    if props.get("isPrecise") and isinstance(anchor, Mapping):
        ax = min(1.0, max(0.0, number(anchor.get("x"), 0.5)))
        ay = min(1.0, max(0.0, number(anchor.get("y"), 0.5)))
    return apply(matrix, ax * w, ay * h)


def _size_of(record: Mapping[str, Any]) -> tuple[float, float]:
    props = record.get("props") if isinstance(record.get("props"), Mapping) else {}
    assert isinstance(props, Mapping)
    scale = _scale(props)
    if record.get("type") == "note":
        return NOTE_SIZE * scale, (NOTE_SIZE + max(0.0, number(props.get("growY")))) * scale
    w = abs(number(props.get("w"), 0.0))
    h = abs(number(props.get("h"), 0.0)) + max(0.0, number(props.get("growY")))
    return w * (scale if record.get("type") == "text" else 1.0), h


class _Drawing:
    def __init__(self, records: Mapping[str, Mapping[str, Any]]) -> None:
        self.records = records
        self.budget = _Budget()
        self.bounds = _Bounds()
        self.parts: list[str] = []
        self.drawn = 0
        self.skipped = 0
        self.matrices: dict[str, Matrix] = {}
        self.arrow_bindings: dict[tuple[str, str], Mapping[str, Any]] = {}
        for record in records.values():
            if record.get("typeName") == "binding" and record.get("type") == "arrow":
                props = record.get("props")
                terminal = props.get("terminal") if isinstance(props, Mapping) else None
                from_id = record.get("fromId")
                if isinstance(from_id, str) and terminal in ("start", "end"):
                    self.arrow_bindings[(from_id, str(terminal))] = record

    def draw(self) -> None:
        ordered = list(_ordered_shapes(self.records))
        for record, matrix in ordered:
            self.matrices[str(record.get("id"))] = matrix
        for record, matrix in ordered:
            if self.drawn >= MAX_SHAPES:
                self.skipped += 1
                continue
            props = record.get("props")
            if not isinstance(props, Mapping):
                self.skipped += 1
                continue
            kind = record.get("type")
            painter = {
                "draw": self._draw,
                "highlight": self._draw,
                "geo": self._geo,
                "text": self._text,
                "note": self._note,
                "arrow": self._arrow,
                "line": self._line,
            }.get(kind if isinstance(kind, str) else "")
            if painter is None:
                self.skipped += 1
                continue
            if painter(record, props, matrix):
                self.drawn += 1
            else:
                self.skipped += 1

    def _group(self, matrix: Matrix, body: str, style: str = "") -> None:
        extra = f" {style}" if style else ""
        self.parts.append(f'<g transform="{matrix_attr(matrix)}"{extra}>{body}</g>')

    def _cover(self, matrix: Matrix, points: Iterable[tuple[float, float]], pad: float) -> None:
        for x, y in points:
            px, py = apply(matrix, x, y)
            self.bounds.add(px, py, pad)

    def _draw(self, record: Mapping[str, Any], props: Mapping[str, Any], matrix: Matrix) -> bool:
        segments = props.get("segments")
        if not isinstance(segments, list):
            return False
        scale = _scale(props)
        sx = number(props.get("scaleX"), 1.0) or 1.0
        sy = number(props.get("scaleY"), 1.0) or 1.0
        points: list[tuple[float, float]] = []
        for segment in segments[:1000]:
            if not isinstance(segment, Mapping):
                continue
            allowed = self.budget.take(MAX_POINTS_PER_SHAPE - len(points))
            if allowed <= 0:
                break
            decoded = decode_path(segment, allowed)
            # Unused budget goes back: decode_path may find fewer points than allowed.
            self.budget.points -= allowed - len(decoded)
            points.extend((x * scale * sx, y * scale * sy) for x, y in decoded)
        if not points:
            return False
        style = _style(record, props, scale)
        if record.get("type") == "highlight":
            style.width *= 5
            style.opacity *= 0.4
            style.stroke = colour(props.get("color"), PALETTE)
        closed = bool(props.get("isClosed"))
        attrs = style.attrs(filled=closed)
        self._group(matrix, f'<path d="{_polyline(points, closed)}" {attrs}/>')
        self._cover(matrix, points, style.width)
        return True

    def _geo(self, record: Mapping[str, Any], props: Mapping[str, Any], matrix: Matrix) -> bool:
        scale = _scale(props)
        w, h = _size_of(record)
        geo = props.get("geo") if isinstance(props.get("geo"), str) else "rectangle"
        assert isinstance(geo, str)
        outline, marks = _geo_outline(geo, w, h)
        style = _style(record, props, scale)
        body = f'<path d="{outline}" {style.attrs()}/>'
        body += "".join(f'<path d="{m}" {style.attrs(filled=False)}/>' for m in marks)
        text = rich_text(props, self.budget)
        if text:
            align = _ALIGN.get(str(props.get("align")), "middle")
            fill = colour(props.get("labelColor"))
            label, top, bottom = _text_block(
                text,
                8 * scale,
                0,
                max(0.0, w - 16 * scale),
                align,
                _font_size(props, scale),
                _font(props),
                fill,
                centre_vertically=h,
            )
            body += label
            # A label taller than its shape (tldraw grows the shape) still shows whole.
            self._cover(matrix, [(0, top), (w, bottom)], 0)
        self._group(matrix, body)
        self._cover(matrix, [(0, 0), (w, 0), (w, h), (0, h)], style.width)
        return True

    def _text(self, record: Mapping[str, Any], props: Mapping[str, Any], matrix: Matrix) -> bool:
        text = rich_text(props, self.budget)
        if not text.strip():
            return False
        scale = _scale(props)
        size = _font_size(props, scale)
        width = number(props.get("w"), 0.0) * scale
        # A text that sizes itself is as wide as its longest line; a fixed one wraps.
        fixed = props.get("autoSize") is False and width > 0
        lines = wrap(text, width if fixed else 0, size)
        if not fixed:
            width = max(len(line) for line in lines) * size * 0.6
        height = len(lines) * size * 1.35
        align = _ALIGN.get(str(props.get("textAlign")), "start")
        body, _, _ = _text_block(
            "\n".join(lines), 0, 0, width, align, size, _font(props), colour(props.get("color"))
        )
        self._group(matrix, body, _opacity(record))
        self._cover(matrix, [(0, 0), (width, 0), (width, height), (0, height)], 0)
        return True

    def _note(self, record: Mapping[str, Any], props: Mapping[str, Any], matrix: Matrix) -> bool:
        scale = _scale(props)
        w, h = _size_of(record)
        fill = colour(props.get("color"), NOTE_FILL)
        body = (
            f'<rect width="{fmt(w)}" height="{fmt(h)}" rx="{fmt(6 * scale)}" fill="{fill}" '
            f'stroke="#c4c4c4" stroke-width="1"/>'
        )
        text = rich_text(props, self.budget)
        if text:
            align = _ALIGN.get(str(props.get("align")), "middle")
            label, top, bottom = _text_block(
                text,
                12 * scale,
                0,
                w - 24 * scale,
                align,
                _font_size(props, scale) * 0.8,
                _font(props),
                colour(props.get("labelColor")),
                centre_vertically=h,
            )
            body += label
            self._cover(matrix, [(0, top), (w, bottom)], 0)
        self._group(matrix, body, _opacity(record))
        self._cover(matrix, [(0, 0), (w, 0), (w, h), (0, h)], 0)
        return True

    def _arrow(self, record: Mapping[str, Any], props: Mapping[str, Any], matrix: Matrix) -> bool:
        shape_id = str(record.get("id"))
        ends: list[tuple[float, float]] = []
        for terminal in ("start", "end"):
            bound = _bound_terminal(
                self.arrow_bindings.get((shape_id, terminal)), self.records, self.matrices
            )
            point = props.get(terminal)
            if bound is not None:
                ends.append(bound)
            elif isinstance(point, Mapping):
                ends.append(apply(matrix, number(point.get("x")), number(point.get("y"))))
            else:
                return False
        (x1, y1), (x2, y2) = ends
        bend = number(props.get("bend"))
        length = math.hypot(x2 - x1, y2 - y1)
        mx, my = (x1 + x2) / 2, (y1 + y2) / 2
        if length > 1e-6 and bend:
            # The curve passes ``bend`` away from the chord's middle, as tldraw's does.
            nx, ny = (y2 - y1) / length, -(x2 - x1) / length
            cx, cy = mx + nx * bend * 2, my + ny * bend * 2
            path = f"M{fmt(x1)} {fmt(y1)}Q{fmt(cx)} {fmt(cy)} {fmt(x2)} {fmt(y2)}"
            before_end, before_start = (cx, cy), (cx, cy)
            through = [(x1, y1), (x2, y2), (mx + nx * bend, my + ny * bend)]
        else:
            path = f"M{fmt(x1)} {fmt(y1)}L{fmt(x2)} {fmt(y2)}"
            before_end, before_start = (x1, y1), (x2, y2)
            through = [(x1, y1), (x2, y2)]
        scale = _scale(props)
        style = _style(record, props, scale)
        head = style.width * 4 + 6
        marks = []
        if props.get("arrowheadEnd", "arrow") not in ("none", None):
            marks.append(_arrowhead((x2, y2), before_end, head))
        if props.get("arrowheadStart", "none") not in ("none", None):
            marks.append(_arrowhead((x1, y1), before_start, head))
        body = f'<path d="{path}" {style.attrs(filled=False)}/>'
        body += "".join(f'<path d="{m}" {style.attrs(filled=False)}/>' for m in marks if m)
        text = rich_text(props, self.budget)
        if text:
            # On the curve's middle (the chord's, when straight).
            lx, ly = through[2] if len(through) > 2 else (mx, my)
            size = _font_size(props, scale) * 0.8
            label, top, bottom = _text_block(
                text,
                lx,
                ly - size,
                0,
                "middle",
                size,
                _font(props),
                colour(props.get("labelColor")),
            )
            body += label
            half = max(len(line) for line in text.split("\n")) * size * 0.3
            self.bounds.add(lx - half, top)
            self.bounds.add(lx + half, bottom)
        # Drawn in page coordinates: a bound end is where its target is, not in the arrow.
        self.parts.append(f"<g>{body}</g>")
        for x, y in through:
            self.bounds.add(x, y, head)
        return True

    def _line(self, record: Mapping[str, Any], props: Mapping[str, Any], matrix: Matrix) -> bool:
        raw = props.get("points")
        values = list(raw.values()) if isinstance(raw, Mapping) else raw
        if not isinstance(values, list):
            return False
        handles = sorted(
            (p for p in values[:MAX_POINTS_PER_SHAPE] if isinstance(p, Mapping)), key=_sort_key
        )
        points = [(number(p.get("x")), number(p.get("y"))) for p in handles]
        allowed = self.budget.take(len(points))
        points = points[:allowed]
        if len(points) < 2:
            return False
        scale = _scale(props)
        points = [(x * scale, y * scale) for x, y in points]
        style = _style(record, props, scale)
        self._group(matrix, f'<path d="{_polyline(points)}" {style.attrs(filled=False)}/>')
        self._cover(matrix, points, style.width)
        return True


def _opacity(record: Mapping[str, Any]) -> str:
    opacity = min(1.0, max(0.0, number(record.get("opacity"), 1.0)))
    return f'opacity="{fmt(opacity)}"' if opacity < 1 else ""


@dataclass(frozen=True)
class Picture:
    svg: str | None  # None: nothing to draw
    drawn: int
    skipped: int


def render(entries: Iterable[Any]) -> Picture:
    """The board whose stored entries are ``entries`` as an SVG document."""
    drawing = _Drawing(latest_records(entries))
    drawing.draw()
    if not drawing.parts or drawing.bounds.empty:
        return Picture(None, 0, drawing.skipped)
    b = drawing.bounds
    x, y = b.min_x - MARGIN, b.min_y - MARGIN
    w, h = max(1.0, b.max_x - b.min_x + 2 * MARGIN), max(1.0, b.max_y - b.min_y + 2 * MARGIN)
    # Shown at most 1200 px wide; the viewBox keeps the board's own coordinates.
    ratio = min(1.0, 1200 / w)
    svg = (
        '<svg xmlns="http://www.w3.org/2000/svg" version="1.1" '
        f'viewBox="{fmt(x)} {fmt(y)} {fmt(w)} {fmt(h)}" '
        f'width="{fmt(w * ratio)}" height="{fmt(h * ratio)}">'
        f'<rect x="{fmt(x)}" y="{fmt(y)}" width="{fmt(w)}" height="{fmt(h)}" fill="#ffffff"/>'
        + "".join(drawing.parts)
        + "</svg>"
    )
    return Picture(svg, drawing.drawn, drawing.skipped)
