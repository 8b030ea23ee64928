"""``iro demo [--seed N] [--if-empty] [--today YYYY-MM-DD] [--scale X | --dataset NAME]``.

Builds a synthetic authority (staff, teams, agencies and about six years of
children's journeys, with the IRO's disputes and multi-agency challenges,
feedback after conferences, the action plan's targets, invitations and
attendance of recent conferences and the content of open plans, all written
through the services) in an empty database, and prints a summary and the demo
logins. Refused under production settings.

``--dataset regional|national`` builds data at scale instead: ten (or 150) authorities'
staff and years of child protection journeys, loaded as census returns through the bulk
import (``iro.demo.datasets``).
"""

from __future__ import annotations

import argparse
import time
from datetime import date

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from iro.children.models import Child
from iro.demo.builder import DEFAULT_SEED, Summary, build_demo
from iro.demo.datasets import BAD_DATASET, DATASETS, Dataset, DatasetSummary, build_dataset
from iro.demo.guard import DEMO_LOGINS_REFUSED, DEMO_USERNAME_PREFIX
from iro.demo.staff import DEMO_LOGINS
from iro.people.models import Role, User

BAD_TODAY = "--today {value!r} is not a date: expected YYYY-MM-DD, for example 2026-04-15"
TODAY_IN_FUTURE = (
    "--today {value} is after today ({today}): demo journeys are only recorded up to the real date"
)
TODAY_TOO_EARLY = "--today {value} is too early: the demo starts from {earliest} at the earliest"
BAD_SCALE = "--scale {value!r} must be a number greater than 0 and at most 2"
NOT_EMPTY = (
    "The database is not empty ({what}): demo data is only loaded into an empty database "
    "(--if-empty skips quietly)"
)
ALREADY_LOADED = "The database already holds data: demo data not loaded."
NO_DEMO_LOGINS = "No demo logins in this database."
BUILDING = (
    "Building the demo authority (seed {seed}, up to {today:%Y-%m-%d}); "
    "this takes about a minute..."
)
BUILDING_DATASET = (
    "Building the {name} dataset (seed {seed}, up to {today:%Y-%m-%d}): {authorities} "
    "authorities, about {on_plan:,} children on a plan; this takes {minutes}..."
)
SCALE_WITH_DATASET = "--scale is for the demo authority: a --dataset has its own size"
BAD_SIZE = "--dataset-size {value!r} must be a number greater than 0 and at most 1"
EARLIEST_TODAY = date(2015, 4, 1)
MAX_SCALE = 2.0


def parse_today(value: str | None) -> date:
    real_today = timezone.localdate()
    if value is None:
        return real_today
    try:
        if len(value) != 10:
            raise ValueError(value)
        today = date.fromisoformat(value)
    except ValueError:
        raise CommandError(BAD_TODAY.format(value=value), returncode=2) from None
    if today > real_today:
        raise CommandError(TODAY_IN_FUTURE.format(value=today, today=real_today), returncode=2)
    if today < EARLIEST_TODAY:
        raise CommandError(
            TODAY_TOO_EARLY.format(value=today, earliest=EARLIEST_TODAY), returncode=2
        )
    return today


def parse_scale(value: str) -> float:
    try:
        scale = float(value)
    except ValueError:
        raise CommandError(BAD_SCALE.format(value=value), returncode=2) from None
    if not 0 < scale <= MAX_SCALE:
        raise CommandError(BAD_SCALE.format(value=value), returncode=2)
    return scale


def parse_dataset(value: str | None) -> Dataset | None:
    if value is None:
        return None
    if value not in DATASETS:
        choices = " or ".join(DATASETS)
        raise CommandError(BAD_DATASET.format(value=value, choices=choices), returncode=2)
    return DATASETS[value]


def parse_size(value: str) -> float:
    try:
        size = float(value)
    except ValueError:
        raise CommandError(BAD_SIZE.format(value=value), returncode=2) from None
    if not 0 < size <= 1:
        raise CommandError(BAD_SIZE.format(value=value), returncode=2)
    return size


def dataset_lines(summary: DatasetSummary, seconds: float) -> list[str]:
    lines = [
        f"Built the {summary.dataset} dataset in {seconds:.0f} s "
        f"({', '.join(f'{what} {s:.0f} s' for what, s in summary.seconds.items())}):",
        f"  {summary.authorities} authorities, {summary.staff} staff in {summary.teams} teams; "
        f"{summary.children:,} children ({summary.in_bulk:,} through the bulk import, "
        f"{summary.one_by_one:,} one by one, {summary.skipped} skipped)",
    ]
    for label, icpcs, on_plan in summary.years:
        lines.append(f"  {label}: {icpcs:,} ICPCs held; {on_plan:,} children on a plan at 31 March")
    if summary.to_date is not None:
        label, icpcs, on_plan = summary.years[-1]
        lines[-1] = (
            f"  {label} to date: {icpcs:,} ICPCs held; {on_plan:,} children on a plan "
            f"on {summary.to_date:%-d %B %Y}"
        )
    lines.append(
        f"  demo-iro's open plans given outcomes and actions: {summary.plans_with_content}"
    )
    return lines


def logins_table() -> list[str]:
    """The demo logins in this database, one line each, as ``make run`` shows them."""
    users = {
        u.username: u
        for u in User.objects.filter(username__startswith=DEMO_USERNAME_PREFIX, is_active=True)
    }
    rows = [(name, Role(role).label) for name, role in DEMO_LOGINS if name in users]
    if not rows:
        return [NO_DEMO_LOGINS]
    width = max(len(name) for name, _ in rows) + 2
    role_width = max(len(label) for _, label in rows) + 2
    lines = [f"Demo logins (password: {settings.DEMO_PASSWORD}):"]
    lines.append(f"  {'username':<{width}}{'role':<{role_width}}password")
    lines += [
        f"  {name:<{width}}{label:<{role_width}}{settings.DEMO_PASSWORD}" for name, label in rows
    ]
    return lines


def summary_lines(summary: Summary, seconds: float) -> list[str]:
    lines = [
        f"Built the demo authority (seed {summary.seed}, today {summary.today:%Y-%m-%d}, "
        f"scale {summary.scale:g}) in {seconds:.1f} s:",
        f"  {summary.staff} staff in {summary.teams} teams and the IRO service; "
        f"{summary.agencies} agencies",
        f"  {summary.families} families, {summary.children} children; "
        f"{summary.plans} plans ({summary.open_plans} open); "
        f"{summary.conferences_held} conferences held, "
        f"{summary.conferences_scheduled} scheduled",
    ]
    for year in summary.years:
        percent = "n/a" if year.icpc_percent is None else f"{year.icpc_percent:.1f}%"
        lines.append(
            f"  {year.label}: {year.during} children on a plan during the year, "
            f"{year.at_end} at 31 March; ICPCs within 15 working days {percent} "
            f"({year.icpc_in_time} of {year.icpc_units})"
        )
    for worries in summary.worries:
        lines.append(
            f"  {worries.label}: disputes about {worries.children_with_dispute} children "
            f"({worries.disputes} disputes); {worries.challenges} multi-agency challenges "
            f"to {worries.agencies} agencies; {worries.feedback} feedback "
            f"({worries.quotable} may be quoted); {worries.targets} targets"
        )
    work = summary.casework
    lines.append(
        f"  Recent and coming conferences: {work.invitations} invitations "
        f"({work.invitations_sent} sent for the coming fortnight), "
        f"{work.pre_meetings} pre-meetings; open plans: {work.outcomes} outcomes, "
        f"{work.actions} actions, {work.core_group} core group members"
    )
    lines.append(
        f"  Now: {summary.open_disputes} disputes open, "
        f"{summary.waiting_to_forward} challenges waiting for the partnership to forward"
    )
    return lines


class Command(BaseCommand):
    help = (
        "Build a synthetic authority (staff, teams, children's journeys) in an empty "
        "database, deterministic for --seed, and print the demo logins."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help="random seed")
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="do nothing (but print the logins) when the database already has children",
        )
        parser.add_argument(
            "--today", help="the last day with recorded events, YYYY-MM-DD (default today)"
        )
        parser.add_argument(
            "--scale",
            default="1",
            help="size of the authority relative to the full demo (tests use 0.1)",
        )
        parser.add_argument(
            "--dataset",
            help="data at scale instead of the demo authority: "
            + ", ".join(
                f"{d.name} ({d.authorities} authorities, about {d.on_plan:,} children on "
                f"a plan, {d.years} years)"
                for d in DATASETS.values()
            ),
        )
        # The tests' small variant of a dataset (a share of its caseload).
        parser.add_argument("--dataset-size", default="1", help=argparse.SUPPRESS)

    def handle(self, *args, seed: int, if_empty: bool, today: str | None, scale: str, **options):
        self.verbosity = options.get("verbosity", 1)
        if not settings.DEMO_LOGINS_ALLOWED:
            raise CommandError(DEMO_LOGINS_REFUSED, returncode=2)
        day = parse_today(today)
        size = parse_scale(scale)
        dataset = parse_dataset(options.get("dataset"))
        dataset_size = parse_size(options.get("dataset_size") or "1")
        if dataset is not None and scale != "1":
            raise CommandError(SCALE_WITH_DATASET, returncode=2)
        children = Child.objects.count()
        has_demo_users = User.objects.filter(username__startswith=DEMO_USERNAME_PREFIX).exists()
        if children or has_demo_users:
            if not if_empty:
                what = f"{children} children" if children else "it has demo logins"
                raise CommandError(NOT_EMPTY.format(what=what), returncode=2)
            self.stdout.write(ALREADY_LOADED)
        elif dataset is not None:
            self._say(
                BUILDING_DATASET.format(
                    name=dataset.name,
                    seed=seed,
                    today=day,
                    authorities=dataset.authorities,
                    on_plan=round(dataset.on_plan * dataset_size),
                    minutes="about five minutes"
                    if dataset.on_plan < 10_000
                    else "about half an hour",
                )
            )
            started = time.monotonic()
            built = build_dataset(dataset, seed=seed, today=day, size=dataset_size, say=self._say)
            self.stdout.write("\n".join(dataset_lines(built, time.monotonic() - started)))
        else:
            if self.verbosity >= 1:
                self.stderr.write(BUILDING.format(seed=seed, today=day))
            started = time.monotonic()
            summary = build_demo(seed=seed, today=day, scale=size, progress=self._progress)
            self.stdout.write("\n".join(summary_lines(summary, time.monotonic() - started)))
        self.stdout.write("\n".join(logins_table()))

    def _say(self, line: str) -> None:
        if self.verbosity >= 1:
            self.stderr.write(line)

    def _progress(self, done: int, total: int) -> None:
        if self.verbosity >= 1:
            self.stderr.write(f"  {done} of {total} families written")
