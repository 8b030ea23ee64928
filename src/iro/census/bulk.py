"""The set-based write of children new to the records: the census import's fast path.

A child of the file whose LAchildID the records do not hold is built in memory, step
by step in the order ``importer._ChildImport`` records it through the services, and
checked at each step by the services' own rules (``check_referral``, ``check_booking``,
``check_held``, ``check_plan_start``... in ``iro.journey.services``, ``new_child`` in
``iro.children.services``), given what the records hold from memory instead of reading
it: for a new child, that is only what this import has built. Then a whole batch of such
children is written with one ``bulk_create`` per table, and one per history table, each
history row as the service's save would have written it (its type, the importing user,
no change reason).

A child the in-memory pass cannot take (a rule refuses it, or the file repeats an
episode, enquiry, plan or assessment date within it) goes through the services one by
one instead, so that its reason for being skipped, or what it writes, is theirs.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import fields, is_dataclass
from datetime import date

from django.core.exceptions import ValidationError
from django.db import DatabaseError, connections, router
from django.db.models import (
    BooleanField,
    CharField,
    DateField,
    DateTimeField,
    ForeignKey,
    IntegerField,
    Model,
    TextField,
)
from django.db.models.base import ModelState
from django.db.models.signals import post_init, pre_init
from django.utils import timezone

from iro import timescales
from iro.access.capabilities import Capability
from iro.access.guards import require
from iro.access.scope import sees_every_unrestricted_child, visible_to
from iro.census import export, reader
from iro.census.importer import (
    IMPORTED_BOOKING_REASON,
    IMPORTED_PLAN_END_REASON,
    NO_START_DATE,
    NOTE_CLOSURE_CHANGED,
    NOTE_ICPC_FLAG_IGNORED,
    NOTE_PLAN_END_CHANGED,
    NOTE_PREVIOUS_CHANGED,
    NOTE_REVIEW_AFTER_END,
    Allocation,
    child_fields,
    episode_steps,
)
from iro.children.models import Child, ChildSearchTerm
from iro.children.search import names_of, terms_for
from iro.children.services import new_child
from iro.journey.checks import Errors, choice_values
from iro.journey.models import (
    Assessment,
    Category,
    CinPlanPeriod,
    Conference,
    ConferenceChild,
    ConferenceKind,
    ConferenceStatus,
    Decision,
    Episode,
    Plan,
    PlanEndReason,
    Section47,
)
from iro.journey.services import (
    UNKNOWN_CODE,
    ChildOutcome,
    Subject,
    _check_assessment,
    _check_chair,
    _check_cin_plan_dates,
    _check_confirmation,
    _check_in_episode,
    _closures,
    _write_record,
    check_booking,
    check_closure,
    check_held,
    check_plan_end,
    check_plan_start,
    check_referral,
    episode_activity,
    plan_overlaps,
)
from iro.people.models import Leave
from iro.people.selectors import closure_days
from iro.reports.cache import record_changed

# The tables in the order they are written (each row's references before it).
_TABLES = (
    Child,
    Episode,
    Section47,
    Plan,
    Conference,
    ConferenceChild,
    CinPlanPeriod,
    Assessment,
)


# PostgreSQL plans queries from each table's statistics, which autovacuum refreshes
# only some time after a large load: until then a page over freshly imported years can
# pick plans a thousand times slower (the regional dataset's work queues took 30 to 48 s,
# then 0.1 s once analysed). An import that wrote at least this many children in bulk
# refreshes them itself.
ANALYSE_AFTER = 5000


def analyse_written(children_written: int) -> bool:
    """Refresh PostgreSQL's statistics of the tables a bulk import writes (and their
    history tables) when ``children_written`` is large enough to change the plans; True
    if it did. SQLite's planner keeps no such statistics to go stale."""
    connection = connections[router.db_for_write(Child)]
    if children_written < ANALYSE_AFTER or connection.vendor != "postgresql":
        return False
    tables = [t._meta.db_table for t in _TABLES]
    tables += [_table(t).history._meta.db_table for t in _TABLES if _has_history(t)]
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE " + ", ".join(connection.ops.quote_name(t) for t in tables))
    return True


def _has_history(model: type) -> bool:
    return hasattr(model._meta, "simple_history_manager_attribute")


class OneByOne(Exception):
    """The child goes through the services one by one (see the module's docstring)."""


class Refused(Exception):
    """A rule refuses the child: ``reason`` is the one the services' refusal gives."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def may_write_in_bulk(user) -> bool:
    """Whether ``user``'s import may write new children in bulk: the services' access
    checks, asked once. Every capability the services ask for (or the census import under
    way, for ``importable`` writes), and every new child within sight (a new child is not
    restricted: a role that sees every unrestricted child sees them; any other user's new
    children go through ``create_child``, which asks for each)."""
    for capability in (
        Capability.ADD_CHILDREN,
        Capability.RECORD_STRATEGY_DISCUSSION,
        Capability.SCHEDULE_CONFERENCES,
        Capability.CHAIR_CONFERENCES,
    ):
        require(user, capability, importable=True)
    return sees_every_unrestricted_child(user)


class _Table:
    """One history table: its columns, and how each is read from a record."""

    def __init__(self, model: type) -> None:
        self.history = getattr(model, model._meta.simple_history_manager_attribute).model
        tracked = {f.attname: f for f in self.history.tracked_fields}
        self.pk = model._meta.pk.attname
        self.columns = [
            f
            for f in self.history._meta.concrete_fields
            if not f.primary_key and (f.attname in tracked or f.attname in _HISTORY_COLUMNS)
        ]
        # Text, numbers, yes/no and references go to the driver as they are; the rest
        # (dates, times, JSON, UUIDs) through the field, as Django's own insert does.
        self.convert = [not isinstance(f, _AS_IS) for f in self.columns]
        missing = set(_HISTORY_COLUMNS) - {f.attname for f in self.columns}
        if missing:  # a simple-history that names its columns differently
            raise RuntimeError(f"{self.history.__name__} has no {', '.join(sorted(missing))}")
        # (attname, name of the reference or None) of each tracked column, the record's
        # primary key apart (read at write time).
        self.read = [
            (f.attname, tracked[f.attname].name if tracked[f.attname].is_relation else None)
            for f in self.columns
            if f.attname in tracked and f.attname != self.pk
        ]
        self.plain = [attname for attname, name in self.read if name is None]
        self.references = [(attname, name) for attname, name in self.read if name is not None]
        # Where in a row each reference goes (its value may be a record, written as its key).
        self.reference_at = [
            i for i, f in enumerate(self.columns) if f.attname in dict(self.references)
        ]

    def snapshot(self, instance) -> dict:
        """The tracked values as they are now. A reference is its key when the record
        has one, else the referred record itself (new in this batch: its key is known only
        at write time), which is what reading the reference gives without a query."""
        values = instance.__dict__
        snap = {attname: values[attname] for attname in self.plain}
        cached = instance._state.fields_cache
        for attname, name in self.references:
            key = values[attname]
            snap[attname] = key if key is not None else cached.get(name)
        return snap

    def write(self, rows: list, user) -> None:
        """Insert ``rows`` (record, type, date, snapshot) in one statement (``insert``)."""
        if not rows:
            return
        connection = connections[router.db_for_write(self.history)]
        names = [f.attname for f in self.columns]
        prepare = [(i, _preparer(f, connection))
                   for i, (f, convert) in enumerate(zip(self.columns, self.convert, strict=True))
                   if convert]  # fmt: skip
        references = self.reference_at
        pk = self.pk
        user_pk = user.pk
        params = []
        for instance, history_type, when, values in rows:
            values = {
                **values,
                "history_date": when,
                "history_type": history_type,
                "history_user_id": user_pk,
                "history_change_reason": None,
                pk: instance.pk,
            }
            row = [values[name] for name in names]
            for i in references:
                if isinstance(row[i], Model):
                    row[i] = row[i].pk
            for i, to_db in prepare:
                if row[i] is not None:
                    row[i] = to_db(row[i])
            params.append(row)
        insert(connection, self.history._meta.db_table, [f.column for f in self.columns], params)


_AS_IS = (CharField, TextField, IntegerField, BooleanField, ForeignKey)
_record_tables: dict[tuple[type, str], _Records] = {}


def _records(model: type, connection) -> _Records:
    key = (model, connection.alias)
    if key not in _record_tables:
        _record_tables[key] = _Records(model, connection)
    return _record_tables[key]


_HISTORY_COLUMNS = ("history_date", "history_type", "history_user_id", "history_change_reason")
_tables: dict[type, _Table] = {}


def _table(model: type) -> _Table:
    if model not in _tables:
        _tables[model] = _Table(model)
    return _tables[model]


def _preparer(field, connection):
    """How a value of ``field`` goes to the driver, as Django's own insert prepares it
    (dates through the backend's adapter, the rest through the field)."""
    if isinstance(field, DateTimeField):  # aware times (``timezone.now()``) as they are
        return connection.ops.adapt_datetimefield_value
    if isinstance(field, DateField):
        return connection.ops.adapt_datefield_value
    return lambda value: field.get_db_prep_save(value, connection)


def insert(connection, table: str, columns: list[str], rows: list) -> None:
    """Insert ``rows`` (values already prepared for the driver, in the order of
    ``columns``) into ``table``: with ``COPY`` on PostgreSQL, one ``executemany``
    elsewhere. The caller gives names from the models' own metadata; every value is
    data, never SQL."""
    if not rows:
        return
    quote = connection.ops.quote_name
    names = ", ".join(quote(c) for c in columns)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.copy(f"COPY {quote(table)} ({names}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            placeholders = ", ".join(["%s"] * len(columns))
            sql = f"INSERT INTO {quote(table)} ({names}) VALUES ({placeholders})"  # noqa: S608
            cursor.executemany(sql, rows)


def reserve_ids(model: type, count: int) -> list[int]:
    """``count`` primary keys for new rows of ``model``, taken before they are written so
    the rows that refer to them can be written in the same statement.

    PostgreSQL: the table's own sequence, in one query (what an insert would take; other
    writers keep taking theirs). SQLite: after the largest key the table holds or has
    held (``sqlite_sequence``, so a deleted row's key is not reused, as AUTOINCREMENT
    promises), inside the caller's transaction, which on SQLite holds the write lock
    from its start (``transaction_mode`` IMMEDIATE): no one else inserts meanwhile."""
    if count <= 0:
        return []
    connection = connections[router.db_for_write(model)]
    table, column = model._meta.db_table, model._meta.pk.column
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                [connection.ops.quote_name(table), column, count],
            )
            return [row[0] for row in cursor.fetchall()]
        if not connection.in_atomic_block:
            raise RuntimeError("reserve_ids needs the transaction the rows are written in")
        quote = connection.ops.quote_name
        cursor.execute(f"SELECT max({quote(column)}) FROM {quote(table)}")  # noqa: S608
        largest = cursor.fetchone()[0] or 0
        try:
            cursor.execute("SELECT seq FROM sqlite_sequence WHERE name = %s", [table])
            held = cursor.fetchone()
        except DatabaseError:  # no AUTOINCREMENT table in the database yet
            held = None
        first = max(largest, held[0] if held else 0) + 1
        return list(range(first, first + count))


class _Records:
    """One table of the records: its rows written as Django's ``bulk_create`` writes
    them (each field's value prepared by the field), keys reserved by ``reserve_ids``."""

    def __init__(self, model: type, connection) -> None:
        self.model = model
        self.fields = list(model._meta.concrete_fields)
        self.pk = model._meta.pk
        self.prepare = []
        for f in self.fields:
            if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
                self.prepare.append(("pre_save", f, None))
            elif f.is_relation:
                self.prepare.append(("relation", f, None))
            elif isinstance(f, _AS_IS) or f.primary_key:
                self.prepare.append(("as_is", f, None))
            else:
                self.prepare.append(("prepare", f, _preparer(f, connection)))

    def write(self, instances: list, connection) -> None:
        if not instances:
            return
        for instance, pk in zip(instances, reserve_ids(self.model, len(instances)), strict=True):
            setattr(instance, self.pk.attname, pk)
        # Most values go as they are: read them in one pass, then prepare the others.
        names = [f.attname for f in self.fields]
        relations = [(i, f) for i, (how, f, _) in enumerate(self.prepare) if how == "relation"]
        pre_save = [(i, f) for i, (how, f, _) in enumerate(self.prepare) if how == "pre_save"]
        prepared = [(i, to_db) for i, (how, _, to_db) in enumerate(self.prepare) if to_db]
        rows = []
        for instance in instances:
            values = instance.__dict__
            row = [values[name] for name in names]
            for i, f in relations:
                if row[i] is None and f.is_cached(instance):
                    related = getattr(instance, f.name)
                    if related is not None:
                        if related.pk is None:
                            raise ValueError(
                                f"{f.name} of a new {self.model.__name__} is not written"
                            )
                        row[i] = related.pk
                        setattr(instance, f.attname, related.pk)
            for i, f in pre_save:
                row[i] = f.get_db_prep_save(f.pre_save(instance, True), connection)
            for i, to_db in prepared:
                if row[i] is not None:
                    row[i] = to_db(row[i])
            rows.append(row)
        insert(connection, self.model._meta.db_table, [f.column for f in self.fields], rows)
        for instance in instances:
            instance._state.adding = False
            instance._state.db = connection.alias


class _Maker:
    """New records of one model, made as ``model(**values)`` makes them, faster.

    Django's ``Model.__init__`` is generic: for every field it looks the value up among
    the keywords, else works out the default, and sets a reference through its
    descriptor (type check, routing). In a profile of the bulk path that was a third of
    building a child's records. Here each field's default is worked out once (a callable
    default, such as a UUID, is called for each record), and a new record takes the
    defaults and the given values in one step. What it makes is the same: the same
    values under the same names, a reference given as a record cached on it as the
    descriptor caches it (its key when it has one), and both routed to the database
    they are written to (``tests/census/test_bulk_writes.py`` compares the two for every
    model written here).
    A model with ``pre_init``/``post_init`` receivers, and values with a one-to-one
    reference or a name that is not a concrete field, go through ``model(**values)``.
    """

    def __init__(self, model: type) -> None:
        self.model = model
        concrete = model._meta.concrete_fields
        self.fields = {f.name: f for f in concrete}
        self.fields.update({f.attname: f for f in concrete})
        self.defaults: dict[str, object] = {}
        self.called: list[tuple[str, object]] = []
        for f in concrete:
            if f.has_default() and callable(f.default):
                self.called.append((f.attname, f.default))  # a new value for each record
                self.defaults[f.attname] = None
            elif f.has_db_default():  # a new expression for each, as the field gives it
                self.called.append((f.attname, f.get_default))
                self.defaults[f.attname] = None
            else:
                self.defaults[f.attname] = f.get_default()
        self.plain = not (pre_init.has_listeners(model) or post_init.has_listeners(model))

    def __call__(self, **values):
        model = self.model
        if not self.plain or not values.keys() <= self.fields.keys():
            return model(**values)
        instance = model.__new__(model)
        state = instance._state = ModelState()
        attributes = instance.__dict__
        attributes.update(self.defaults)
        for attname, default in self.called:
            attributes[attname] = default()
        for name, value in values.items():
            f = self.fields[name]
            if f.is_relation and name == f.name:
                if f.one_to_one or (value is not None and not isinstance(value, f.related_model)):
                    # The descriptor also caches the record the other way; or a wrong
                    # record, refused with Django's own error.
                    return model(**values)
                state.fields_cache[f.name] = value
                if value is None:
                    attributes[f.attname] = None
                    continue
                attributes[f.attname] = getattr(value, f.target_field.attname)
                # Where each is written, as the descriptor routes them.
                if state.db is None:
                    state.db = router.db_for_write(model, instance=value)
                if value._state.db is None:
                    value._state.db = router.db_for_write(type(value), instance=instance)
            else:
                attributes[f.attname] = value
        return instance


_makers: dict[type, _Maker] = {}


def make(model: type, **values):
    """A new, unsaved ``model`` record (see ``_Maker``)."""
    maker = _makers.get(model)
    if maker is None:
        maker = _makers[model] = _Maker(model)
    return maker(**values)


class _History:
    """History rows kept as the saves would write them; references resolved at write
    time (the records they name are created in the same batch)."""

    def __init__(self, user) -> None:
        self.user = user
        self.rows: dict[type, list] = defaultdict(list)

    def add(self, instance, history_type: str) -> None:
        model = type(instance)
        self.rows[model].append(
            (instance, history_type, timezone.now(), _table(model).snapshot(instance))
        )

    def write(self) -> None:
        for model in _TABLES:
            _table(model).write(self.rows.get(model, []), self.user)


class _NewChild:
    """One new child's records, built in memory as ``_ChildImport`` records them."""

    def __init__(
        self,
        record: reader.Child,
        user,
        closures,
        history: _History,
        allocate: Allocation | None = None,
        busy: frozenset[int] = frozenset(),
    ) -> None:
        self.record = record
        self.user = user
        self.closures = closures
        self.history = history
        # The importer's ``Allocation`` (the child's team, its conferences' chair), and
        # the chairs with leave or a booked conference: a booking of theirs is checked
        # against the records, by the services.
        self.team = allocate.team_for(record) if allocate is not None else None
        self.chair = allocate.chair_for(record) if allocate is not None else None
        if self.chair is not None and self.chair.pk in busy:
            raise OneByOne
        self.added: Counter = Counter()
        self.updated: Counter = Counter()
        self.notes: Counter = Counter()
        self.created: dict[type, list] = defaultdict(list)
        self.plans: dict[date, Plan] = {}
        # Each plan's held reviews: (day, decision).
        self.reviews: dict[int, list[tuple[date, str]]] = defaultdict(list)
        self.icpcs_held: set[int] = set()

    # --- helpers ------------------------------------------------------------------------

    def _new(self, instance):
        self.created[type(instance)].append(instance)
        self.history.add(instance, "+")
        return instance

    def _changed(self, instance) -> None:
        self.history.add(instance, "~")

    def _check(self, errors: Errors) -> None:
        if errors.by_field:
            self._refuse(ValidationError(errors.by_field))

    def _refuse(self, error: ValidationError):
        """Refused as ``_ChildImport`` would be at this step, with the same words."""
        from iro.census.importer import _reason

        raise Refused(_reason(error, self.step))

    def _check_lengths(self) -> None:
        """Text longer than its column holds: the database would refuse it (PostgreSQL
        does, SQLite does not), so the child goes through the services."""
        for model, rows in self.created.items():
            limits = _lengths(model)
            for row in rows:
                for attname, limit in limits:
                    value = getattr(row, attname)
                    if value is not None and len(value) > limit:
                        raise OneByOne

    # --- the child ----------------------------------------------------------------------

    def run(self) -> None:
        r = self.record
        self.step = "the child's details"
        try:
            self.child = new_child(
                la_child_id=r.la_child_id.strip(), team=self.team, **child_fields(r, self.notes)
            )
        except ValidationError as error:
            self._refuse(error)
        self._new(self.child)
        self.added["children"] += 1
        dates = [e.referral_date for e in r.episodes]
        if len(set(dates)) != len(dates):
            raise OneByOne
        for ep_record in sorted(r.episodes, key=lambda e: e.referral_date):
            self._episode(ep_record)
        self._check_lengths()

    def search_terms(self) -> list[ChildSearchTerm]:
        return [
            ChildSearchTerm(child=self.child, term=term, word_start=start)
            for term, start in terms_for(*names_of(self.child))
        ]

    # --- an episode ---------------------------------------------------------------------

    def _episode(self, r: reader.Episode) -> None:
        self.step = f"the episode from {r.referral_date}"
        errors = Errors()
        check_referral(
            errors,
            child=self.child,
            referral_date=r.referral_date,
            referral_source=r.referral_source or "",
            primary_need=r.primary_need or "",
            acting_user=self.user,
        )
        self._check(errors)
        episode = self._new(
            make(
                Episode,
                child=self.child,
                referral_date=r.referral_date,
                referral_source=r.referral_source or "",
                primary_need=r.primary_need or "",
                referral_nfa=bool(r.referral_nfa),
            )
        )
        self.added["episodes"] += 1
        self.cin_plans: list[CinPlanPeriod] = []
        self.episode_plans: list[Plan] = []
        for many in (r.section47s, r.assessments, r.cin_plans):
            starts = [x.start_date for x in many]
            if len(set(starts)) != len(starts):
                raise OneByOne  # a date twice: the services decide what the second does
        enquiries = [
            (s, self._section47(episode, s))
            for s in sorted(r.section47s, key=lambda s: s.start_date)
        ]
        steps, icpc_on = episode_steps(r, enquiries)
        for item in steps:
            if isinstance(item, reader.ProtectionPlan):
                self._plan(episode, item, icpc_on.get(item.start_date))
            else:
                self._icpc(*item, plan_record=None)
        if r.icpc_date is not None and r.icpc_date not in icpc_on:
            self.step = f"the ICPC on {r.icpc_date} given on the episode"
            errors = Errors()
            _check_in_episode(errors, "icpc_date", episode, r.icpc_date, self.user)
            self._check(errors)
            episode.icpc_date = r.icpc_date
            self._changed(episode)
        for a_record in sorted(r.assessments, key=lambda a: a.start_date or date.min):
            self._assessment(episode, a_record)
        for cin_record in sorted(r.cin_plans, key=lambda c: c.start_date or date.min):
            self._cin_plan(episode, cin_record)
        if r.closure_date is not None:
            self._closure(episode, r)

    def _closure(self, episode: Episode, r: reader.Episode) -> None:
        if episode.closure_date is not None:
            if episode.closure_date != r.closure_date:
                self.notes[NOTE_CLOSURE_CHANGED] += 1
            return
        self.step = f"the episode's closure on {r.closure_date}"
        open_cin_plans = [c for c in self.cin_plans if c.end_date is None]
        errors = Errors()
        check_closure(
            errors,
            episode=episode,
            closure_date=r.closure_date,
            closure_reason=r.closure_reason or "",
            has_open_plan=any(
                p.end_date is None and (p.episode is episode or p.episode is None)
                for p in self.plans.values()
            ),
            open_cin_plans=open_cin_plans,
            activity=episode_activity(
                plans=bool(r.plans),
                section47s=bool(r.section47s),
                icpc=r.icpc_date is not None,
                cin_plans=bool(r.cin_plans),
            ),
        )
        self._check(errors)
        episode.closure_date = r.closure_date
        episode.closure_reason = r.closure_reason or ""
        self._changed(episode)
        for cin_plan in open_cin_plans:
            cin_plan.end_date = r.closure_date
            self._changed(cin_plan)

    # --- Child in Need plans and assessments ---------------------------------------------

    def _cin_plan(self, episode: Episode, r: reader.CinPlan) -> None:
        if r.start_date is None:
            self._refuse(
                ValidationError(NO_START_DATE.format(what="a Child in Need plan", line=r.line))
            )
        self.step = f"the Child in Need plan from {r.start_date}"
        errors = Errors()
        _check_cin_plan_dates(
            errors,
            episode=episode,
            start_date=r.start_date,
            end_date=r.end_date,
            acting_user=self.user,
            others=self.cin_plans,
        )
        self._check(errors)
        period = self._new(
            make(CinPlanPeriod, episode=episode, start_date=r.start_date, end_date=r.end_date)
        )
        self.cin_plans.append(period)
        self.added["cin_plans"] += 1

    def _assessment(self, episode: Episode, r: reader.Assessment) -> None:
        if r.start_date is None:
            self._refuse(ValidationError(NO_START_DATE.format(what="an assessment", line=r.line)))
        self.step = f"the assessment from {r.start_date}"
        factors = list(r.factors)
        errors = Errors()
        _check_assessment(
            errors,
            episode=episode,
            start_date=r.start_date,
            internal_review_date=r.internal_review_date,
            authorisation_date=r.authorisation_date,
            factors=factors,
            acting_user=self.user,
        )
        self._check(errors)
        self._new(
            make(
                Assessment,
                episode=episode,
                start_date=r.start_date,
                internal_review_date=r.internal_review_date,
                authorisation_date=r.authorisation_date,
                factors=factors,
            )
        )
        self.added["assessments"] += 1

    # --- Section 47s and conferences ------------------------------------------------------

    def _section47(self, episode: Episode, r: reader.Section47) -> Section47:
        self.step = f"the Section 47 from {r.start_date}"
        not_required = bool(r.icpc_not_required)
        if not_required and r.icpc_date is not None:
            self.notes[NOTE_ICPC_FLAG_IGNORED] += 1
            not_required = False
        errors = Errors()
        _check_in_episode(errors, "start_date", episode, r.start_date, self.user)
        self._check(errors)
        s47 = self._new(
            make(
                Section47, episode=episode, start_date=r.start_date, icpc_not_required=not_required
            )
        )
        self.added["section47s"] += 1
        return s47

    def _held_reviews(self, plan: Plan) -> list[date]:
        return sorted({day for day, _decision in self.reviews[id(plan)]})

    def _plan_open_on(self, child, *, on: date) -> Plan | None:
        open_plans = [p for p in self.plans.values() if p.start_date <= on and p.end_date is None]
        return max(open_plans, key=lambda p: p.start_date) if open_plans else None

    def _conference(self, kind: str, subject: Subject, day: date, outcome: ChildOutcome):
        """Book and hold one conference (``schedule_conference``, then
        ``record_conference_held`` with an imported record)."""
        errors = Errors()
        warnings = check_booking(
            errors,
            kind=kind,
            subjects=[subject],
            scheduled_date=day,
            acting_user=self.user,
            closures=self.closures,
            icpc_held=lambda s47: id(s47) in self.icpcs_held,
            held_reviews=self._held_reviews,
        )
        # The chair's role and independence (``schedule_conference``'s ``_check_chair``);
        # their leave and bookings need no reading: a busy chair's child is not here.
        _check_chair(errors, chair=self.chair, children=[subject.child], scheduled_date=None,
                     scheduled_time=None)  # fmt: skip
        _check_confirmation(errors, warnings, IMPORTED_BOOKING_REASON)
        self._check(errors)
        conference = self._new(
            make(
                Conference,
                kind=kind,
                scheduled_date=day,
                chair=self.chair,
                booking_warnings=" ".join(warnings),
                booking_reason=IMPORTED_BOOKING_REASON if warnings else "",
            )
        )
        row = self._new(
            make(
                ConferenceChild,
                conference=conference,
                child=subject.child,
                section47=subject.section47,
                plan=subject.plan if kind == ConferenceKind.REVIEW else None,
            )
        )
        errors = Errors()
        latest_due = check_held(
            errors,
            conference=conference,
            rows=[row],
            held_on=day,
            outcomes={subject.child.pk: outcome},
            acting_user=self.user,
            closures=self.closures,
            imported=True,
            plan_open_on=self._plan_open_on,
            held_reviews=self._held_reviews,
        )
        self._check(errors)
        conference.status = ConferenceStatus.HELD
        conference.held_on = day
        conference.lateness_reason = ""
        conference.lateness_detail = ""
        del latest_due  # an imported record gives no reason for lateness
        conference.from_return = True
        conference.version += 1
        self._changed(conference)
        _write_record(row, outcome, self.user)
        return conference, row

    def _icpc(self, r: reader.Section47, s47: Section47, *, plan_record) -> bool:
        self.step = f"the ICPC on {r.icpc_date}"
        if id(s47) in self.icpcs_held:
            return False
        existing_plan = self.plans.get(r.icpc_date) if plan_record else None
        outcome = ChildOutcome(
            decision=Decision.PLAN if plan_record else Decision.NO_PLAN,
            category=(plan_record.initial_category or "") if plan_record else "",
            previous_plans=plan_record.previous_plans if plan_record else None,
            existing_plan=existing_plan,
        )
        _conference, row = self._conference(
            ConferenceKind.INITIAL, Subject(child=self.child, section47=s47), r.icpc_date, outcome
        )
        if outcome.decision == Decision.PLAN:
            if existing_plan is not None:
                row.plan = existing_plan
            else:
                row.plan = self._start_plan(
                    start_date=r.icpc_date,
                    category=outcome.category,
                    latest_category=None,
                    previous_plans=outcome.previous_plans,
                    episode=s47.episode,
                )
        self._changed(row)
        self.icpcs_held.add(id(s47))
        self.added["icpcs"] += 1
        return existing_plan is None and plan_record is not None

    def _start_plan(self, *, start_date, category, latest_category, previous_plans, episode):
        errors = Errors()
        check_plan_start(
            errors,
            child=self.child,
            start_date=start_date,
            category=category,
            latest_category=latest_category,
            previous_plans=previous_plans,
            acting_user=self.user,
            overlaps=any(plan_overlaps(p, start_date) for p in self.plans.values()),
        )
        self._check(errors)
        if previous_plans is None:
            previous_plans = sum(1 for p in self.plans.values() if p.start_date < start_date)
        plan = self._new(
            make(
                Plan,
                child=self.child,
                episode=episode,
                start_date=start_date,
                initial_category=category,
                latest_category=latest_category or category,
                previous_plans=previous_plans,
            )
        )
        self.plans[start_date] = plan
        return plan

    def _plan(self, episode: Episode, r: reader.ProtectionPlan, icpc) -> None:
        started_now = changed = False
        if icpc is not None:
            started_now = self._icpc(*icpc, plan_record=r)
        self.step = f"the plan from {r.start_date}"
        plan = self.plans.get(r.start_date)
        if plan is None:
            plan = self._start_plan(
                start_date=r.start_date,
                category=r.initial_category or "",
                latest_category=r.latest_category,
                previous_plans=r.previous_plans,
                episode=episode,
            )
            started_now = True
        if started_now:
            self.added["plans"] += 1
        if r.latest_category and r.latest_category != plan.latest_category:
            if r.latest_category not in choice_values(Category):
                self._refuse(
                    ValidationError(
                        {
                            "latest_category": UNKNOWN_CODE.format(
                                value=r.latest_category, what="category of abuse"
                            )
                        }
                    )
                )
            plan.latest_category = r.latest_category
            plan.version += 1
            self._changed(plan)
            changed = True
        if (
            not started_now
            and r.previous_plans is not None
            and r.previous_plans != plan.previous_plans
        ):
            self.notes[NOTE_PREVIOUS_CHANGED] += 1
        held = set() if started_now else set(self._held_reviews(plan))
        for day in sorted(set(r.review_dates) - held):
            if plan.end_date is not None:
                self.notes[NOTE_REVIEW_AFTER_END] += 1
                continue
            self.step = f"the review on {day} of the plan from {plan.start_date}"
            _conference, row = self._conference(
                ConferenceKind.REVIEW,
                Subject(child=self.child, plan=plan),
                day,
                ChildOutcome(decision=Decision.CONTINUE),
            )
            self._changed(row)
            self.reviews[id(plan)].append((day, Decision.CONTINUE))
            self.added["reviews"] += 1
        if r.end_date is not None:
            self.step = f"the end on {r.end_date} of the plan from {r.start_date}"
            if plan.end_date is None:
                self._end_plan(plan, r.end_date)
                changed = True
            elif plan.end_date != r.end_date:
                self.notes[NOTE_PLAN_END_CHANGED] += 1
        if changed and not started_now:
            self.updated["plans"] += 1

    def _end_plan(self, plan: Plan, ended_on: date) -> None:
        reason = IMPORTED_PLAN_END_REASON
        continued = max(
            (
                day
                for day, decision in self.reviews[id(plan)]
                if decision == Decision.CONTINUE and day > ended_on
            ),
            default=None,
        )
        errors = Errors()
        check_plan_end(errors, plan=plan, ended_on=ended_on, reason=reason, continued=continued)
        self._check(errors)
        if reason == PlanEndReason.STEP_DOWN_CIN:
            raise OneByOne  # the step down starts a Child in Need plan: the services'
        plan.end_date = ended_on
        plan.end_reason = reason
        plan.version += 1
        self._changed(plan)


_length_limits: dict[type, list[tuple[str, int]]] = {}


def _lengths(model: type) -> list[tuple[str, int]]:
    if model not in _length_limits:
        _length_limits[model] = [
            (f.attname, f.max_length)
            for f in model._meta.concrete_fields
            if isinstance(f, CharField) and f.max_length
        ]
    return _length_limits[model]


def build(
    record: reader.Child,
    user,
    closures,
    history: _History,
    allocate: Allocation | None = None,
    busy: frozenset[int] = frozenset(),
) -> _NewChild:
    """A new child's records in memory, or ``OneByOne`` (nothing of it kept in
    ``history``: the caller passes a history of its own per child)."""
    work = _NewChild(record, user, closures, history, allocate, busy)
    work.run()
    return work


def busy_chairs() -> frozenset[int]:
    """The people with recorded leave or a conference booked to chair (not yet held): a
    booking of theirs may clash, which the services check against the records."""
    return frozenset(Leave.objects.values_list("user_id", flat=True).distinct()) | frozenset(
        Conference.objects.filter(status=ConferenceStatus.SCHEDULED, chair__isnull=False)
        .values_list("chair_id", flat=True)
        .distinct()
    )


class Batch:
    """New children of one batch, written together."""

    def __init__(self, user, allocate: Allocation | None = None) -> None:
        self.user = user
        self.closures = _closures()
        self.children: list[_NewChild] = []
        self.allocate = allocate
        self.busy = busy_chairs() if allocate is not None else frozenset()

    def add(self, record: reader.Child) -> _NewChild | str | None:
        """The child built in memory; or the reason a rule refuses it, as the services
        give it; or None when it must go through the services one by one."""
        history = _History(self.user)
        try:
            work = build(record, self.user, self.closures, history, self.allocate, self.busy)
        except OneByOne:
            return None
        except Refused as refused:
            return refused.reason
        work.history = history
        self.children.append(work)
        return work

    def write(self) -> None:
        if not self.children:
            return
        connection = connections[router.db_for_write(Child)]
        for model in (*_TABLES, ChildSearchTerm):
            if model is ChildSearchTerm:
                rows = [term for work in self.children for term in work.search_terms()]
            else:
                rows = [row for work in self.children for row in work.created.get(model, ())]
            _records(model, connection).write(rows, connection)
        history = _History(self.user)
        for work in self.children:
            for model, rows in work.history.rows.items():
                history.rows[model].extend(rows)
        history.write()
        record_changed(Child)  # what the reports read has changed (no save signal here)
        self.children = []


# --- A child the records already hold exactly: nothing to change -----------------------

# What a record of the file and one exported from the records may differ in without
# saying anything different: where in a file it was, what could not be read (a child
# with a reading problem never matches), the ICPC target (computed, never stored).
_NOT_COMPARED = frozenset({"line", "problems", "icpc_target"})


def _canonical(value):
    if is_dataclass(value):
        return tuple(
            (f.name, _canonical(getattr(value, f.name)))
            for f in fields(value)
            if f.name not in _NOT_COMPARED
        )
    if isinstance(value, list):
        return tuple(sorted((_canonical(v) for v in value), key=repr))
    return value


def year_of(header: reader.Header) -> timescales.Period | None:
    """The census year a file's header names (its reference date ends it), if any."""
    ref = header.reference_date
    if ref is None:
        return None
    try:
        period = timescales.parse_period(timescales.ANNUAL, f"{ref.year - 1}-{ref.year % 100:02d}")
    except ValueError:
        return None
    return period if period.last_day == ref else None


def unchanged(records: list[reader.Child], known: dict[str, int], user, period) -> set[str]:
    """The LAchildIDs of ``records`` (children the records hold: ``known`` maps their
    LAchildIDs to primary keys) whose record of the year, exported from the records, is
    the file's record: importing them changes nothing (the import is idempotent), so the
    services need not be asked. Read in a few queries for the whole batch. A child the
    user may not see is never among them (the services refuse it, with a reason)."""
    if period is None or not known:
        return set()
    visible = list(visible_to(user).filter(pk__in=known.values()).values_list("pk", flat=True))
    exported = {
        r.la_child_id: r
        for r in export._batch(visible, period, closure_days(), export.ExportNotes())
    }
    return {
        r.la_child_id
        for r in records
        if r.la_child_id in exported
        and not r.problems
        and _canonical(r) == _canonical(exported[r.la_child_id])
    }
