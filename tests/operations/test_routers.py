"""Reports and exports read from the replica (``DATABASE_REPLICA_URL``); everything else,
and every write, from the primary; with no replica the primary answers everything."""

from __future__ import annotations

import pytest
from django.db import connections
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from iro.children.models import Child
from iro.operations.routers import REPLICA, ReplicaRouter, reading_replica
from tests.factories import make_staff

# Committed rows, so the replica's own connection sees them (as a real replica would).
pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def replica(transactional_db):
    """A second connection to the test database, configured as the replica (a real
    replica holds the primary's rows): queries show which connection answered."""
    config = dict(connections["default"].settings_dict)
    connections.settings[REPLICA] = config  # what settings.py makes of DATABASE_REPLICA_URL
    # Opened here: the test's guard refuses to open connections it was not told of.
    connections[REPLICA].connect()
    yield connections[REPLICA]
    connections[REPLICA].close()
    del connections.settings[REPLICA]
    if hasattr(connections._connections, REPLICA):
        delattr(connections._connections, REPLICA)


def queries(connection, run) -> int:
    with CaptureQueriesContext(connection) as captured:
        run()
    return len(captured.captured_queries)


def test_reads_inside_reading_replica_go_to_the_replica_and_writes_to_the_primary(replica):
    staff = make_staff()

    def read():
        with reading_replica():
            assert Child.objects.count() == 0

    assert queries(replica, read) == 1
    assert queries(connections["default"], read) == 0
    router = ReplicaRouter()
    with reading_replica():
        assert router.db_for_write(Child) == "default"
        assert router.db_for_read(Child) == REPLICA
    assert router.db_for_read(Child) == "default"
    assert router.allow_migrate(REPLICA, "children") is False
    assert staff.iro.pk  # written on the primary


def test_a_report_page_reads_from_the_replica_and_a_case_page_does_not(replica, client):
    staff = make_staff()
    client.force_login(staff.senior_manager)
    on_replica = queries(replica, lambda: client.get(reverse("reports_index")))
    assert on_replica > 0
    assert queries(replica, lambda: client.get(reverse("notice_list"))) == 0


def test_with_no_replica_configured_reports_read_the_primary(client):
    staff = make_staff()
    client.force_login(staff.senior_manager)
    with reading_replica():
        assert ReplicaRouter().db_for_read(Child) == "default"
    assert queries(connections["default"], lambda: client.get(reverse("reports_index"))) > 0
