"""The demo tests' fixed day, seed and size (the small authority itself: authority/)."""

from __future__ import annotations

from datetime import date

from django.utils import timezone

# A fixed "today" keeps the authority the same whatever day the tests run (it must
# not be after the real date: the services refuse future events).
TODAY = min(date(2026, 5, 15), timezone.localdate())
SEED = 2026
SMALL = 0.1  # a tenth of the full authority: seconds to build
