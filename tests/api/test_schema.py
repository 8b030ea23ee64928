"""The OpenAPI 3.1 schema, fuzzed in process by schemathesis: no server error, and every
response is one the schema documents (status, content type, body)."""

from __future__ import annotations

import time

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.test import Client
from hypothesis import HealthCheck, given, settings
from schemathesis import checks as st_checks
from schemathesis.specs.openapi import checks as openapi_checks

from tests.api.conftest import token_for

pytestmark = pytest.mark.django_db

EXAMPLES = 5  # per operation
TIME_BOUND = 240  # seconds for the whole run
CHECKS = [
    st_checks.not_a_server_error,
    openapi_checks.status_code_conformance,
    openapi_checks.content_type_conformance,
    openapi_checks.response_schema_conformance,
    openapi_checks.response_headers_conformance,
]


@pytest.fixture
def in_process():
    """Django's WSGI handler, keeping the test's database connection (as the test client
    does) so each request sees the test's records."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield WSGIHandler()
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


def test_the_schema_is_openapi_3_1_and_needs_a_sign_in(staff):
    assert Client().get("/api/schema/").status_code == 401
    response = Client(headers={"Authorization": f"Bearer {token_for(staff.iro)}"}).get(
        "/api/schema/", {"format": "json"}
    )
    schema = response.json()
    assert schema["openapi"] == "3.1.0"
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            assert {"401", "403", "429"} <= set(operation["responses"]), (path, method)


def test_fuzzing_every_operation_finds_no_server_error_and_no_undocumented_response(
    case, staff, in_process
):
    headers = {"Authorization": f"Bearer {token_for(staff.iro_manager)}"}
    schema = schemathesis.openapi.from_wsgi("/api/schema/?format=json", in_process, headers=headers)
    started = time.monotonic()
    failures = []
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 20
    for operation in operations:
        if time.monotonic() - started > TIME_BOUND:
            pytest.fail(f"the fuzzing took over {TIME_BOUND}s: lower EXAMPLES")

        @given(generated=operation.as_strategy())
        @settings(
            max_examples=EXAMPLES,
            deadline=None,
            database=None,
            derandomize=True,
            suppress_health_check=list(HealthCheck),
        )
        def run(generated):
            generated.call_and_validate(headers=headers, checks=CHECKS)

        try:
            run()
        except Exception as error:
            failures.append(f"{operation.method.upper()} {operation.path}: {error}")
    assert not failures, "\n\n".join(failures)
