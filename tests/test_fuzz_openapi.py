"""Schema-driven fuzzing: schemathesis generates valid and invalid requests from openapi.json
against a real server process; no answer may be a 5xx or stray from the document."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis.checks import positive_data_acceptance
from schemathesis.config import SchemathesisConfig
from schemathesis.generation.modes import GenerationMode

from devinterview_jupyter.pytest_plugin import empty_postgres, selected_backends
from devinterview_jupyter.testing.server import LiveServer, live_server


@pytest.fixture(scope="module", params=selected_backends())
def fuzz_server(request: pytest.FixtureRequest, tmp_path_factory) -> Iterator[LiveServer]:
    workdir: Path = tmp_path_factory.mktemp(f"fuzz-{request.param}")
    if request.param == "sqlite":
        url = f"sqlite:///{workdir / 'fuzz.db'}"
    else:
        url = request.getfixturevalue("devinterview_postgres_url")
        empty_postgres(url)
    # Every request of the fuzzer, many without credentials, comes from one address: the
    # limit on failed invite checks (tests/test_invite_guessing.py) would answer 429.
    settings = {"invite_failures_per_minute": 0}
    with live_server(url, workdir, settings=settings) as server:
        yield server


# Unknown query parameters are ignored on purpose: JupyterLab adds a cache-busting one
# to every GET, and Jupyter's own `token=` must pass too.
CONFIG = SchemathesisConfig.from_dict({"generation": {"allow-extra-parameters": False}})

# Display names are refused by Unicode category (format, unassigned, blank, stacked marks:
# profiles.clean_display_name, tests/test_display_names.py), which a JSON Schema pattern
# cannot say portably; so a schema-valid name may be refused — only with 400, and only
# there. Every other check (no 5xx, the answer matches the document) still applies.
NAME_RULES_BEYOND_SCHEMA = {("PUT", "/profile")}


def operations(server: LiveServer):
    schema = schemathesis.openapi.from_url(
        server.api + "/openapi.json", headers=server.auth, config=CONFIG
    )
    for result in schema.get_all_operations():
        yield result.ok()


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE])
def test_api_never_errors_and_matches_document(fuzz_server: LiveServer, mode):
    failures: list[str] = []
    ran = 0
    for operation in operations(fuzz_server):

        @given(case=operation.as_strategy(generation_mode=mode))
        @settings(
            max_examples=25,
            deadline=None,
            suppress_health_check=list(HealthCheck),
            derandomize=True,
            database=None,
        )
        def check(case) -> None:
            excluded = (
                [positive_data_acceptance]
                if (case.method.upper(), case.path) in NAME_RULES_BEYOND_SCHEMA
                else []
            )
            case.call_and_validate(
                base_url=fuzz_server.api, headers=fuzz_server.auth, excluded_checks=excluded
            )

        try:
            check()
        except Unsatisfiable:
            # An operation without parameters or body has no invalid input to generate.
            assert mode is GenerationMode.NEGATIVE
            continue
        except Exception as e:  # collect per operation, report all at once
            failures.append(f"{operation.method.upper()} {operation.path}: {e}")
        ran += 1
    assert ran >= (11 if mode is GenerationMode.POSITIVE else 7), f"only {ran} operations found"
    assert not failures, "\n\n".join(failures)
