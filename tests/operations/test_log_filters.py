"""A refused request is one line in the server's log, not a traceback."""

from __future__ import annotations

import logging

import pytest
from django.core.exceptions import PermissionDenied

from iro.operations.log_filters import RefusalsOnOneLine
from tests.factories import make_staff

pytestmark = pytest.mark.django_db


def test_a_refused_page_is_logged_on_one_line_without_its_traceback(client, caplog):
    staff = make_staff()
    client.force_login(staff.social_worker)
    with caplog.at_level(logging.WARNING, logger="django.request"):
        assert client.get("/census/returns/").status_code == 403
    (record,) = [r for r in caplog.records if r.name == "django.request"]
    assert record.getMessage() == "Forbidden (Permission denied): /census/returns/"
    assert record.exc_info is None
    assert "Traceback" not in caplog.text


def test_another_403_and_other_faults_keep_their_traceback():
    def record(exc: Exception, status: int) -> logging.LogRecord:
        try:
            raise exc
        except Exception as caught:
            info = (type(caught), caught, caught.__traceback__)
        made = logging.LogRecord("django.request", logging.ERROR, "", 0, "x", (), info)
        made.status_code = status
        return made

    kept = record(ValueError("broken"), 500)
    assert RefusalsOnOneLine().filter(kept) and kept.exc_info is not None
    other = record(ValueError("not a refusal"), 403)
    assert RefusalsOnOneLine().filter(other) and other.exc_info is not None
    refused = record(PermissionDenied("no"), 403)
    assert RefusalsOnOneLine().filter(refused) and refused.exc_info is None
