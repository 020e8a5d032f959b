"""The rules a shown name follows, whoever typed it (an interviewer's profile, a candidate
in the lobby): a hostile name must not look empty, like someone else, or spill over others."""

from __future__ import annotations

import pytest

from devinterview_jupyter.errors import ApiError
from devinterview_jupyter.profiles import clean_display_name


@pytest.mark.parametrize(
    ("typed", "shown"),
    [
        ("Ada Lovelace", "Ada Lovelace"),
        ("  Ada \t Lovelace ", "Ada Lovelace"),  # one line, single spaces
        ("Jose\u0301", "José"),  # NFC: the same name compares equal however it was typed
        ("李雷", "李雷"),
        ("R2", "R2"),
        ("x" * 80, "x" * 80),
    ],
)
def test_names_people_type_are_kept(typed: str, shown: str) -> None:
    assert clean_display_name(typed) == shown


@pytest.mark.parametrize(
    "typed",
    [
        "",
        "   ",
        "x" * 81,
        "Ada\u202eecalevol",  # bidi override: shows as another name
        "Ada\u200b",  # zero-width space
        "\u3164",  # Hangul filler: a letter that draws nothing
        "\u2800\u2800",  # blank Braille pattern
        "\uffa0",  # halfwidth Hangul filler
        "Ada\ufe0f",  # variation selector
        "\u0301\u0301",  # marks without a letter
        "Z" + "\u0301\u0302\u0303" * 20,  # stacked marks draw over neighbouring rows
        "---",  # no letter or digit
        "Ada\x07",  # a control character
    ],
)
def test_names_that_would_mislead_are_refused(typed: str) -> None:
    with pytest.raises(ApiError) as refused:
        clean_display_name(typed)
    assert refused.value.status_code == 400
    assert refused.value.error_reason == "invalid_name"
