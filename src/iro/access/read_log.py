"""Every read of a child's data writes an access-log row: in one place, the middleware.

After a successful response (2xx, GET or POST) of one of iro's pages, ``ReadLogMiddleware``
writes one ``viewed`` row per child concerned, with ``what`` = the URL's name:

- a page whose URL names a record (``children/<id>/``, ``conferences/<id>/``,
  ``plans/<id>/``, ``disputes/<id>/``, ``challenges/<id>/``) concerns that record's
  children, found from the URL's keywords with one query (``OWNERS``); a conference's
  page for one child (``row_pk``) concerns that child only; a restricted child kept
  from the reader is left out, as the page leaves them out (``scope.not_hidden``);
- a page listing named children (``LIST_PAGES``: the caseload, My work, the report
  drill-down...) tells the middleware which children it showed with ``shown()``;
- every other page of iro is declared in ``NO_CHILD_DATA``.

``read_plan`` refuses a page of iro that fits none of these, and a test walks every URL
pattern through it: a new page cannot go unlogged by being forgotten. Rows are written
with one ``bulk_create``, so a page costs the same queries whatever the number of children.
Exports still call ``access.log.log_export`` too: those rows carry the export's detail.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from uuid import UUID

from django.core.exceptions import ImproperlyConfigured
from django.db.models import QuerySet

from iro.access.models import AccessEvent, AccessLogEntry
from iro.access.scope import not_hidden

UNKNOWN_PAGE = (
    "The access log does not know which children the page {name!r} ({route!r}) shows: "
    "add it to iro.access.read_log (OWNERS, LIST_PAGES or NO_CHILD_DATA)."
)
LIST_NOT_DECLARED = (
    "The page {name!r} lists children but did not say which: call "
    "iro.access.read_log.shown(request, ...) in its view."
)


def _children_of_child(public_id) -> QuerySet:
    from iro.children.models import Child

    return Child.objects.filter(public_id=public_id).values_list("pk", flat=True)


def _children_of_conference(public_id, row_pk=None) -> QuerySet:
    from iro.journey.models import ConferenceChild

    # ``all_objects``: a voided conference's pages still concern its children.
    rows = ConferenceChild.all_objects.filter(conference__public_id=public_id)
    if row_pk is not None:
        rows = rows.filter(pk=row_pk)
    return rows.values_list("child_id", flat=True)


def _child_of(model_path: str) -> Callable[..., QuerySet]:
    def children(public_id) -> QuerySet:
        from django.apps import apps

        model = apps.get_model(model_path)
        return model._base_manager.filter(public_id=public_id).values_list("child_id", flat=True)

    return children


# The first segment of a URL that names a record by ``public_id``, and how to find the
# record's children. Keywords after the record (``pk`` of an invitation, outcome, action,
# core group member or feedback, a Section 47's ``pk``) are parts of that record: the
# page concerns the same children, except ``row_pk`` (one child of a conference).
OWNERS: dict[str, Callable[..., QuerySet]] = {
    "children": _children_of_child,
    "conferences": _children_of_conference,
    "plans": _child_of("journey.Plan"),
    "disputes": _child_of("challenge.Dispute"),
    "challenges": _child_of("challenge.MultiAgencyChallenge"),
}
PARTS = {"pk", "output_format"}
NARROWING = {("conferences", "row_pk")}

# Pages that list children without naming one in the URL: the view calls ``shown``.
LIST_PAGES = frozenset(
    {
        "my_work",
        "caseload",
        "child_search",
        "child_new",  # the brother or sister added to, and possible duplicates shown
        "dispute_list",
        "challenge_list",
        "report_children",
        "report",  # monthly and quarterly reports list children for managers
        "retention_report",
        # The landing pages of work (iro.work).
        "service_work",
        "booking_work",
        "challenge_work",
        "team_work",
        "service_figures",
        "disputes_waiting",
        # The IRO service manager's quotes: each with its conference's children.
        "quote_list",
        "quote_review",
        # One IRO's bookings to move to other chairs: each with its children.
        "move_conferences",
        # A census import's page, and a census return's or check's: the first findings,
        # linked to the children's records.
        "census_import",
        "census_return",
        # A family document asked for in another format: its title names the child.
        "format_request",
        # The API's lists (iro.api): each says which children it returned.
        "api_children",
        "api_conferences",
        "api_plans",
        "api_disputes",
        "api_challenges",
    }
)

# iro's pages that show no child's data (by URL name; the route for an unnamed URL).
NO_CHILD_DATA = frozenset(
    {
        "healthz",
        "session_status",  # the seconds left of the signed-in session
        "favicon.ico",  # a redirect to the site's icon
        "home",
        # The public feedback form: no name, no date, nothing about the family.
        "feedback_code",
        "feedback_give",
        "plain_language_check",
        "reports_index",
        "report_download",  # aggregate figures; logged as an export by the view
        "report_summary",  # the published summary: figures, no child
        "report_summary_download",  # logged as an export by the view
        "report_sign_off",  # who signed a report off, and when
        "report_signed_off_download",  # the published edition signed off; logged as an export
        "role_grants",  # staff and their roles
        "my_account",  # the user's own account
        "notice_list",  # a notice names no child, only links to its page
        "target_list",  # aggregate figures
        "target_edit",
        "quote_feature",  # a POST that redirects
        "report_figures",  # population, staff hours, other areas' figures
        "population_edit",
        "comparison_edit",
        "working_hours_edit",
        "report_narrative",  # the report's words, which name no one
        "staff_leave",  # the IROs' leave, and counts of their bookings
        # Census imports: what a file did (counts by rule), and its findings downloaded
        # (logged as an export by the view): the importer's own file, not the records.
        "census_imports",
        "census_import_again",  # a POST that redirects
        "census_import_findings",  # the file's findings; logged as an export by the view
        # Census returns: the form and the user's own returns and checks (no child named),
        # a return and its findings downloaded (each logged as an export by the view; the
        # return's children were logged, a row each, when it was made).
        "census_index",  # a redirect to the returns (or the imports)
        "census_returns",
        "census_return_download",
        "census_return_findings",
        # A family document in another format: asked for (a POST that redirects) and
        # downloaded (logged as an export by the view, one row per child).
        "format_request_new",
        "format_request_download",
        "api_census_imports",
        "api_census_import",
        # The API's pages without a child's data: its schema and docs, a report's
        # aggregate figures and a census return (both logged as exports by the view), a
        # census file checked (the caller's own file), and the API token pages.
        "api_schema",
        "api_docs",
        "api_report",
        "api_census_validate",
        "api_census_export",
        "api_census_check",  # a year's records checked; logged as an export by check_records
        "api_tokens",
        "api_token_revoke",
    }
)

# The API names records under /api/ as the pages do at the root (``api/children/<id>/``).
API_PREFIX = "api/"


@dataclass(frozen=True)
class ReadPlan:
    """How to find the children a page showed."""

    owner: str | None = None  # a key of OWNERS
    narrow: tuple[str, ...] = ()  # keywords passed on to the owner's lookup
    is_list: bool = False


NOTHING = ReadPlan()


def read_plan(name: str | None, route: str, keywords: Iterable[str]) -> ReadPlan:
    """The plan for a page of iro; ``ImproperlyConfigured`` for a page nobody declared."""
    key = name or route
    keywords = set(keywords)
    if key in LIST_PAGES:
        return ReadPlan(is_list=True)
    if key in NO_CHILD_DATA:
        return NOTHING
    owner = route.removeprefix(API_PREFIX).split("/", 1)[0]
    if owner in OWNERS and "public_id" in keywords:
        rest = keywords - {"public_id"}
        narrow = tuple(sorted(k for k in rest if (owner, k) in NARROWING))
        if rest <= PARTS | set(narrow):
            return ReadPlan(owner=owner, narrow=narrow)
    raise ImproperlyConfigured(UNKNOWN_PAGE.format(name=name, route=route))


def shown(request, *, pks: Iterable[int] = (), public_ids: Iterable[UUID] = ()) -> None:
    """A list page says which children it showed (by primary key or public id)."""
    before_pks, before_ids = getattr(request, "_iro_children_shown", ((), ()))
    request._iro_children_shown = ([*before_pks, *pks], [*before_ids, *public_ids])


def _children_read(request, plan: ReadPlan, kwargs: dict) -> list[int]:
    if plan.owner is not None:
        lookup = OWNERS[plan.owner]
        children = lookup(kwargs["public_id"], **{k: kwargs[k] for k in plan.narrow})
        # A restricted child the page left out (a sibling's conference) was not read.
        return list(not_hidden(request.user, children))
    if plan.is_list:
        declared = getattr(request, "_iro_children_shown", None)
        if declared is None:
            raise ImproperlyConfigured(
                LIST_NOT_DECLARED.format(name=request.resolver_match.url_name)
            )
        pks, public_ids = declared
        pks = list(dict.fromkeys(pks))
        if public_ids:
            from iro.children.models import Child

            found = Child.objects.filter(public_id__in=set(public_ids)).values_list("pk", flat=True)
            pks = list(dict.fromkeys([*pks, *found]))
        return pks
    return []


def is_iro_page(match) -> bool:
    """iro's own pages; not the Django admin (whose site class is iro's) nor sign-in."""
    return (
        match is not None
        and match.func.__module__.startswith("iro.")
        and "admin" not in match.namespaces
    )


def log_read(request, response) -> None:
    """Write the rows for one response (nothing for a refusal, an error or a redirect)."""
    match = getattr(request, "resolver_match", None)
    if not is_iro_page(match) or not 200 <= response.status_code < 300:
        return
    user = request.user
    if not user.is_authenticated:
        return
    plan = read_plan(match.url_name, match.route, match.kwargs)
    children = dict.fromkeys(_children_read(request, plan, match.kwargs))
    AccessLogEntry.objects.bulk_create(
        AccessLogEntry(user=user, child_id=pk, event=AccessEvent.VIEWED, what=match.url_name)
        for pk in children
    )


class ReadLogMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        log_read(request, response)
        return response
