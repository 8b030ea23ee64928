"""Who is away on a day, and whose leave overlaps a period."""

from datetime import date

import pytest

from iro.people.selectors import leave_between, leave_on
from tests.factories import LeaveFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_leave_on_a_day_inside_the_period_is_found_and_either_side_is_not():
    leave = LeaveFactory(start_date=date(2025, 8, 4), end_date=date(2025, 8, 8))
    other = UserFactory()
    ids = [leave.user_id, other.pk]

    assert leave_on(ids, date(2025, 8, 4)) == {leave.user_id: leave}
    assert leave_on(ids, date(2025, 8, 8)) == {leave.user_id: leave}
    assert leave_on(ids, date(2025, 8, 3)) == {}
    assert leave_on(ids, date(2025, 8, 9)) == {}


def test_leave_between_lists_each_users_overlapping_leave_in_date_order():
    first = LeaveFactory(start_date=date(2025, 8, 4), end_date=date(2025, 8, 8))
    later = LeaveFactory(user=first.user, start_date=date(2025, 8, 18), end_date=date(2025, 8, 18))
    LeaveFactory(user=first.user, start_date=date(2025, 9, 1), end_date=date(2025, 9, 5))

    found = leave_between([first.user_id], date(2025, 8, 8), date(2025, 8, 31))

    assert found == {first.user_id: [first, later]}
