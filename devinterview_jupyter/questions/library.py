"""The question library: the question files of the configured folders and of the starter
set shipped in the package, listed and read by id.

A question's id is its folder's key and its path in the folder, ``~``-separated, without
the suffix (``shipped~python~two-sum``): it names a file only inside a known folder, so an
id can never reach outside one. Files are parsed when listed and kept while their size and
modification time stay the same.
"""

from __future__ import annotations

import os
import re
import stat as stat_module
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .parse import SUFFIXES, QuestionFileError, parse_question_file

SHIPPED = Path(__file__).with_name("shipped")
SHIPPED_KEY = "shipped"
MAX_FILES = 1000
MAX_DEPTH = 6
MAX_ID = 512  # the API's and the database's limit
_SEGMENT = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.-]{0,99}")
_KEY = re.compile(r"[a-z][a-z0-9]{0,31}")


class UnknownQuestion(LookupError):
    """No question has this id."""


@dataclass(frozen=True)
class QuestionFolder:
    key: str
    path: Path


def folders_of(paths: list[str], root: str, *, shipped: bool) -> list[QuestionFolder]:
    """The library's folders: the shipped set (if wanted), then ``paths`` (relative ones
    from the Jupyter root) as ``folder1``, ``folder2``..."""
    folders = [QuestionFolder(SHIPPED_KEY, SHIPPED)] if shipped else []
    for n, raw in enumerate(paths, start=1):
        path = Path(os.path.expanduser(raw))
        folders.append(
            QuestionFolder(f"folder{n}", path if path.is_absolute() else Path(root) / path)
        )
    return folders


def _summary(question: dict[str, Any]) -> dict[str, Any]:
    keys = ("id", "title", "difficulty", "duration_minutes", "languages", "tags", "source")
    summary = {key: question[key] for key in keys}
    summary.update(
        parts=len(question["parts"]),
        tests=len(question["tests"]),
        hidden_tests=len(question["hidden_tests"]),
    )
    return summary


class QuestionLibrary:
    def __init__(self, folders: list[QuestionFolder]) -> None:
        self.folders = {folder.key: folder for folder in folders}
        self._cache: dict[Path, tuple[tuple[int, int], dict[str, Any] | str]] = {}

    # -- listing --------------------------------------------------------------------------

    def scan(self) -> tuple[list[dict[str, Any]], list[dict[str, str]]]:
        """Every question (summaries, by title) and every file that could not be read."""
        questions: list[dict[str, Any]] = []
        problems: list[dict[str, str]] = []
        seen: set[Path] = set()
        for folder in self.folders.values():
            ids: dict[str, str] = {}
            for relative in self._files(folder, problems):
                path = folder.path / relative
                seen.add(path)
                result = self._read(folder, relative)
                if isinstance(result, str):
                    problems.append(
                        {"folder": folder.key, "path": relative.as_posix(), "message": result}
                    )
                    continue
                if result["id"] in ids:
                    problems.append(
                        {
                            "folder": folder.key,
                            "path": relative.as_posix(),
                            "message": f"{ids[result['id']]} has the same name: rename one",
                        }
                    )
                    continue
                ids[result["id"]] = relative.as_posix()
                questions.append(_summary(result))
        # Forget files that are gone (the cache would otherwise grow with renames).
        for path in list(self._cache):
            if path not in seen:
                self._cache.pop(path, None)
        questions.sort(key=lambda q: (q["title"].lower(), q["id"]))
        return questions, problems

    def _files(self, folder: QuestionFolder, problems: list[dict[str, str]]) -> list[Path]:
        base = folder.path
        if not base.is_dir():
            return []
        found: list[Path] = []
        for directory, subdirs, files in os.walk(base, followlinks=False):
            relative_dir = Path(directory).relative_to(base)
            # Hidden folders (.ipynb_checkpoints, .git) hold copies, not questions.
            subdirs[:] = sorted(
                d
                for d in subdirs
                if not d.startswith(".") and len(relative_dir.parts) < MAX_DEPTH - 1
            )
            for name in sorted(files):
                if name.startswith(".") or not name.endswith(SUFFIXES):
                    continue
                relative = relative_dir / name
                if not all(_SEGMENT.fullmatch(part) for part in relative.parts):
                    problems.append(
                        {
                            "folder": folder.key,
                            "path": relative.as_posix(),
                            "message": "question file and folder names use only letters, "
                            "digits, '_', '-' and '.'",
                        }
                    )
                    continue
                found.append(relative)
                if len(found) >= MAX_FILES:
                    problems.append(
                        {
                            "folder": folder.key,
                            "path": ".",
                            "message": f"only the first {MAX_FILES} question files are read",
                        }
                    )
                    return found
        return found

    # -- one question -----------------------------------------------------------------------

    def get(self, question_id: str) -> dict[str, Any]:
        """The whole question with this id. Raises UnknownQuestion, or QuestionFileError
        for a file that exists but cannot be used."""
        folder, relative = self._locate(question_id)
        result = self._read(folder, relative)
        if isinstance(result, str):
            raise QuestionFileError(result)
        return result

    def _locate(self, question_id: str) -> tuple[QuestionFolder, Path]:
        key, _, rest = question_id.partition("~")
        folder = self.folders.get(key) if _KEY.fullmatch(key) else None
        segments = rest.split("~") if rest else []
        if (
            folder is None
            or not segments
            or len(segments) > MAX_DEPTH
            or not all(_SEGMENT.fullmatch(s) for s in segments)
        ):
            raise UnknownQuestion(question_id)
        base = folder.path.resolve()
        for suffix in SUFFIXES:
            relative = Path(*segments[:-1], segments[-1] + suffix)
            path = folder.path / relative
            # A symbolic link may point anywhere: only files really inside the folder.
            if path.is_file() and path.resolve().is_relative_to(base):
                return folder, relative
        raise UnknownQuestion(question_id)

    def _read(self, folder: QuestionFolder, relative: Path) -> dict[str, Any] | str:
        path = folder.path / relative
        try:
            if not path.resolve().is_relative_to(folder.path.resolve()):
                return "the file is a link to outside the question folder"
            stat = path.stat()
            stamp = (stat.st_size, stat.st_mtime_ns)
            cached = self._cache.get(path)
            if cached is not None and cached[0] == stamp:
                return cached[1]
            if not stat_module.S_ISREG(stat.st_mode):
                return "not a regular file"  # a FIFO would block the reading thread
            try:
                question: dict[str, Any] | str = parse_question_file(path)
            except QuestionFileError as e:
                question = str(e)
            except Exception as e:  # one broken file must not break the whole list
                question = f"the file cannot be read ({type(e).__name__})"
        except OSError as e:
            return f"the file cannot be read ({e.strerror or e})"
        if isinstance(question, dict):
            question_id = "~".join((folder.key, *relative.with_suffix("").parts))
            if len(question_id) > MAX_ID:
                return f"the path is too long for an id ({MAX_ID} characters)"
            question = {
                "id": question_id,
                **question,
                "source": {"folder": folder.key, "path": relative.as_posix()},
            }
        self._cache[path] = (stamp, question)
        return question
