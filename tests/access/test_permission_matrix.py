"""The permission matrix: every URL of the site, for every role, GET and POST.

Each cell ``test_matrix[<url>-<user>]`` opens one URL of the URL configuration, by GET and POST,
filled with the ids of a small rich authority (``matrix_authority``), as one user, and
checks the outcome the table ``PAGES`` below expects:

- anonymous: sent to sign in;
- refused: 403 or 404 (the Django admin too: it has no sign-in form of its own and
  refuses a signed-in non-administrator), never a 200 and never a 500, and a refused
  POST changes nothing;
- allowed: the page (200, or a download or a redirect where that is its nature); a POST
  with an empty body is never a 500;
- and no page a user may open shows a name they must not see: the analyst, the
  partnership officer and the administrator see no child's or family member's name at
  all, a social worker of another team and an IRO limited to the children they chair see
  none of this team's (PDFs are read with ``pdftotext``, spreadsheets with openpyxl).

A new page is covered automatically: the walk over the URL configuration finds it, and
the cell fails until ``PAGES`` says who may open it (one line) and, if its URL has a new
kind of id, ``fill`` knows where to find one. See "The permission matrix" in
docs/architecture.md.
"""

from __future__ import annotations

import io
import re
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.apps import apps
from django.contrib import admin
from django.contrib.contenttypes.models import ContentType
from django.db import connection, transaction
from django.test import override_settings
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.urls.resolvers import RegexPattern, RoutePattern

from iro.access.capabilities import ROLE_CAPABILITIES, Capability
from iro.operations.heartbeat import beat
from tests.access.matrix_authority import Authority, authority_settings, build_authority

C = Capability

# ------------------------------------------------------------------------------ who


@dataclass(frozen=True)
class Who:
    """A user of the matrix, and the facts the expectations depend on."""

    key: str
    role: str | None  # None: not signed in
    sees_child: bool = False  # may open Quorrelle's record (and her conferences)
    chairs: bool = False  # chairs Quorrelle's conferences
    admin_site: bool = False  # may use the Django admin
    chaired_only: bool = False  # runs under IRO_CHILD_ACCESS="chaired"
    hidden_names: str | None = None  # "every" or "this_team": names this user must not see

    @property
    def capabilities(self) -> frozenset[Capability]:
        return ROLE_CAPABILITIES.get(self.role, frozenset()) if self.role else frozenset()


USERS = {
    w.key: w
    for w in [
        Who("anonymous", None),
        Who("iro", "iro", sees_child=True, chairs=True),
        Who("iro_manager", "iro_manager", sees_child=True),
        Who("coordinator", "coordinator", sees_child=True),
        Who("social_worker", "social_worker", sees_child=True),
        Who("team_manager", "team_manager", sees_child=True),
        Who("senior_manager", "senior_manager", sees_child=True),
        Who("analyst", "analyst", sees_child=True, hidden_names="every"),
        Who("partnership", "partnership", hidden_names="every"),
        Who("admin", "admin", admin_site=True, hidden_names="every"),
        Who("outsider", "social_worker", hidden_names="this_team"),
        Who("chaired_iro", "iro", chaired_only=True, hidden_names="this_team"),
    ]
}

# The staff member each key signs in as (attributes of tests.factories.Staff).
STAFF_ATTRIBUTE = {"chaired_iro": "other_iro"}


# ---------------------------------------------------------------------------- rules


class Rule:
    """Who may open a page: a predicate over ``Who``, combined with ``&`` and ``|``."""

    def __init__(self, test, text: str):
        self.test, self.text = test, text

    def __call__(self, who: Who) -> bool:
        return who.role is not None and self.test(who)

    def __and__(self, other: Rule) -> Rule:
        return Rule(lambda w: self(w) and other(w), f"({self.text} and {other.text})")

    def __or__(self, other: Rule) -> Rule:
        return Rule(lambda w: self(w) or other(w), f"({self.text} or {other.text})")

    def __repr__(self) -> str:
        return self.text


def can(capability: Capability) -> Rule:
    return Rule(lambda w: capability in w.capabilities, capability.name)


SIGNED_IN = Rule(lambda w: True, "signed in")
CHILD = Rule(lambda w: w.sees_child, "sees the child")
# The conference's chair, or an IRO manager (who may record any conference).
RECORDER = can(C.CHAIR_CONFERENCES) & (
    Rule(lambda w: w.chairs, "chairs it") | can(C.SCHEDULE_CONFERENCES)
)
ADMIN_SITE = Rule(lambda w: w.admin_site, "administrator")
# The matrix's request for another format was made by the social worker.
ASKER = Rule(lambda w: w.key == "social_worker", "asked for it")
# The matrix's dispute waits at a stage addressed to the team manager.
ADDRESSEE = Rule(lambda w: w.key == "team_manager", "the dispute's stage is addressed to them")


@dataclass(frozen=True)
class Page:
    """What a URL needs, and what an allowed user gets."""

    rule: Rule | None  # None: open to everyone, signed in or not
    ok: tuple[int, ...] = (200,)  # an allowed GET's status
    post_only: bool = False  # a GET is 405 for everyone signed in
    get_only: bool = False  # a POST is 405 for everyone signed in
    conference: str = "review"  # which conference a conferences/<id>/ URL opens
    admin: bool = False  # a page of the Django admin
    read_only: bool = False  # allowed users' POSTs are refused (403) by its nature
    # The same for every user allowed and slow to make (a report): opened only by the
    # allowed users who must not see names and one who may, and POSTed only by the refused.
    heavy: bool = False
    # An endpoint of the API (/api/): it answers 401 to the anonymous, not the sign-in page.
    api: bool = False
    # Who may POST, when not the same as who may GET (an API list that also creates).
    post_rule: Rule | None = None

    def rule_for(self, method: str) -> Rule | None:
        return self.post_rule if method == "POST" and self.post_rule else self.rule


def post_only(rule: Rule, **kw) -> Page:
    return Page(rule, post_only=True, **kw)


def api(rule: Rule, **kw) -> Page:
    """An API endpoint that answers GET only."""
    return Page(rule, api=True, get_only=True, **kw)


def api_post(rule: Rule, **kw) -> Page:
    """An API endpoint that answers POST only."""
    return Page(rule, api=True, post_only=True, **kw)


# One line per URL name: who may open it. A new page fails its cells until it is here.
PAGES: dict[str, Page] = {
    # Open pages.
    # Open to everyone. The authority's worker beats again just before (``test_matrix``):
    # a beat made when the authority was built is stale once the matrix has run longer
    # than IRO_WORKER_STALE_SECONDS, and an unhealthy answer (503) is a server error here.
    "healthz": Page(None),
    # The seconds left of the signed-in session, and staying signed in (JSON; 401 to others).
    "session_status": Page(SIGNED_IN, api=True),
    "favicon.ico": Page(None, ok=(301,)),  # to the site's icon, for anyone
    # journey
    "home": Page(SIGNED_IN, ok=(200, 302)),  # chairs and caseload holders are sent on
    "my_work": Page(can(C.VIEW_MY_WORK)),
    # work: each role's landing page
    "service_work": Page(can(C.VIEW_SERVICE_WORK)),
    "booking_work": Page(can(C.VIEW_BOOKING_WORK)),
    "team_work": Page(can(C.VIEW_TEAM_WORK)),
    "challenge_work": Page(can(C.HANDLE_MULTI_AGENCY_CHALLENGES)),
    "service_figures": Page(can(C.VIEW_SERVICE_FIGURES)),
    "caseload": Page(can(C.VIEW_CHILDREN), ok=(200, 302)),  # an IRO: to the children they chair
    "child_journey": Page(CHILD),
    "child_search": Page(can(C.VIEW_CHILDREN)),
    "child_details": Page(CHILD & can(C.CORRECT_CHILD_DETAILS)),
    "child_new": Page(can(C.ADD_CHILDREN)),
    "family_adult_new": Page(CHILD & can(C.ADD_CHILDREN)),
    "family_adult_change": Page(CHILD & can(C.CORRECT_CHILD_DETAILS)),
    "family_adult_remove": Page(CHILD & can(C.CORRECT_CHILD_DETAILS)),
    "child_family": Page(CHILD & can(C.CORRECT_CHILD_DETAILS)),
    "referral_new": Page(CHILD & can(C.ADD_CHILDREN)),
    "child_protection": Page(CHILD),
    "strategy_discussion_new": Page(CHILD & can(C.RECORD_STRATEGY_DISCUSSION)),
    "section47_icpc": Page(CHILD & can(C.RECORD_STRATEGY_DISCUSSION)),
    "referral_date": Page(CHILD & (can(C.RECORD_STRATEGY_DISCUSSION) | can(C.VOID_RECORDS))),
    "section47_date": Page(CHILD & (can(C.RECORD_STRATEGY_DISCUSSION) | can(C.VOID_RECORDS))),
    # Sends back to the child's page when there is nothing waiting for an initial conference.
    "conference_new": Page(CHILD & can(C.SCHEDULE_CONFERENCES), ok=(200, 302)),
    "conference_detail": Page(CHILD),
    "conference_schedule": Page(CHILD & can(C.SCHEDULE_CONFERENCES)),
    "conference_cancel": Page(CHILD & can(C.SCHEDULE_CONFERENCES)),
    "conference_add_children": Page(CHILD & can(C.SCHEDULE_CONFERENCES), ok=(200, 302)),
    "conference_remove_child": Page(CHILD & can(C.SCHEDULE_CONFERENCES), ok=(200, 302)),
    "conference_chair": Page(CHILD & can(C.SCHEDULE_CONFERENCES)),
    # The minutes of a held conference: they name the family, so only for readers of names.
    "conference_minutes": Page(CHILD & can(C.VIEW_CHILD_NAMES), conference="icpc", get_only=True),
    "conference_minutes_pdf": Page(
        CHILD & can(C.VIEW_CHILD_NAMES), conference="icpc", get_only=True
    ),
    "conference_invitations": Page(CHILD & can(C.SCHEDULE_CONFERENCES)),
    "conference_invitations_send": post_only(CHILD & can(C.SCHEDULE_CONFERENCES)),
    "conference_invitations_keep": post_only(CHILD & can(C.SCHEDULE_CONFERENCES)),
    "conference_invitation_remove": post_only(CHILD & can(C.SCHEDULE_CONFERENCES)),
    "conference_invitation_posted": post_only(CHILD & can(C.SCHEDULE_CONFERENCES)),
    "conference_invitation_contact": Page(CHILD & can(C.SCHEDULE_CONFERENCES)),
    # Sent by the coordinators; read by them and whoever sees the family's names.
    "conference_invitation_letter": Page(
        CHILD & (can(C.SCHEDULE_CONFERENCES) | can(C.VIEW_CHILD_NAMES))
    ),
    "conference_invitation_letter_pdf": Page(
        CHILD & (can(C.SCHEDULE_CONFERENCES) | can(C.VIEW_CHILD_NAMES))
    ),
    "conference_attendance": Page(CHILD & (can(C.SCHEDULE_CONFERENCES) | RECORDER)),
    "conference_pre_meetings": Page(CHILD),
    "conference_pre_meeting": Page(CHILD & RECORDER),
    "conference_record": Page(CHILD & RECORDER),
    "conference_amend": Page(CHILD & RECORDER, conference="icpc"),
    "conference_held_date": Page(CHILD & RECORDER, conference="icpc"),
    "conference_report": Page(CHILD & can(C.RECORD_CONFERENCE_REPORT)),
    "conference_history": Page(CHILD, conference="icpc"),
    "conference_agree_late": post_only(CHILD & can(C.AGREE_LATE_CONFERENCES)),
    "conference_minutes_sent": post_only(CHILD & can(C.SCHEDULE_CONFERENCES)),
    "conference_plans": Page(CHILD, ok=(200, 302), conference="icpc"),
    "plan_detail": Page(CHILD),
    "plan_outcome_new": Page(CHILD & can(C.CHAIR_CONFERENCES)),
    "plan_outcome": Page(CHILD & can(C.CHAIR_CONFERENCES)),
    "plan_action_new": Page(CHILD & can(C.CHAIR_CONFERENCES)),
    "plan_actions_review": Page(CHILD & can(C.CHAIR_CONFERENCES)),
    "plan_action": Page(CHILD & can(C.CHAIR_CONFERENCES)),
    "plan_action_progress": Page(CHILD & can(C.RECORD_ACTION_PROGRESS)),
    "plan_core_group": Page(CHILD & can(C.MANAGE_CORE_GROUP)),
    "plan_core_group_keep": post_only(CHILD & can(C.MANAGE_CORE_GROUP)),
    "plan_core_group_leave": Page(CHILD & can(C.MANAGE_CORE_GROUP)),
    "plan_end": Page(CHILD & can(C.CHAIR_CONFERENCES)),
    # corrections: void and restore (a restore page of a live record sends on to it)
    "conference_void": Page(CHILD & can(C.VOID_RECORDS)),
    "conference_restore": Page(CHILD & can(C.VOID_RECORDS), ok=(302,)),
    "plan_end_void": Page(CHILD & can(C.VOID_RECORDS)),
    "plan_end_restore": Page(CHILD & can(C.VOID_RECORDS)),
    "dispute_void": Page(CHILD & can(C.VOID_RECORDS)),
    "dispute_restore": Page(CHILD & can(C.VOID_RECORDS), ok=(302,)),
    "challenge_void": Page(CHILD & can(C.VOID_RECORDS)),
    "challenge_restore": Page(CHILD & can(C.VOID_RECORDS), ok=(302,)),
    "referral_void": Page(CHILD & can(C.VOID_RECORDS)),
    "referral_restore": Page(CHILD & can(C.VOID_RECORDS), ok=(302,)),
    "strategy_discussion_void": Page(CHILD & can(C.VOID_RECORDS)),
    "strategy_discussion_restore": Page(CHILD & can(C.VOID_RECORDS), ok=(302,)),
    "section47_void": Page(CHILD & can(C.VOID_RECORDS)),
    "section47_restore": Page(CHILD & can(C.VOID_RECORDS), ok=(302,)),
    "conference_child_void": Page(CHILD & can(C.VOID_RECORDS)),
    "conference_child_restore": Page(CHILD & can(C.VOID_RECORDS), ok=(302,)),
    # documents
    "plain_language_check": post_only(can(C.VIEW_CHILD_NAMES)),
    # The family's own document, written to them by name: not for roles that see none.
    "family_plan": Page(CHILD & can(C.VIEW_CHILD_NAMES)),
    "family_plan_pdf": Page(CHILD & can(C.VIEW_CHILD_NAMES)),
    # Other formats: asked for by anyone signed in (the view asks the document's own
    # access; an empty form is a 400), and the request is its asker's alone.
    "format_request_new": post_only(SIGNED_IN),
    "format_request": Page(ASKER, get_only=True),
    "format_request_download": Page(ASKER, get_only=True),
    "family_journey": Page(CHILD & can(C.VIEW_CHILD_NAMES)),
    "family_journey_leaflet": Page(CHILD & can(C.VIEW_CHILD_NAMES)),
    "family_journey_pdf": Page(CHILD & can(C.VIEW_CHILD_NAMES)),
    # challenge
    "child_worries": Page(CHILD),
    "dispute_new": Page(CHILD & can(C.RAISE_CHALLENGES)),
    "challenge_new": Page(CHILD & can(C.RAISE_CHALLENGES)),
    "dispute_list": Page(
        can(C.RAISE_CHALLENGES) | can(C.VIEW_SERVICE_FIGURES) | can(C.ANSWER_DISPUTES)
    ),
    "dispute_detail": Page(CHILD),
    "dispute_response": post_only(CHILD & can(C.RAISE_CHALLENGES)),
    "dispute_escalate": post_only(CHILD & can(C.RAISE_CHALLENGES)),
    "dispute_resolve": post_only(CHILD & can(C.RAISE_CHALLENGES)),
    "dispute_answer": Page(ADDRESSEE & can(C.ANSWER_DISPUTES)),
    "disputes_waiting": Page(can(C.ANSWER_DISPUTES)),
    "target_list": Page(can(C.SET_TARGETS)),
    "target_edit": Page(can(C.SET_TARGETS)),
    "quote_list": Page(can(C.APPROVE_QUOTES)),
    "quote_review": Page(CHILD & can(C.APPROVE_QUOTES)),
    "quote_feature": post_only(CHILD & can(C.APPROVE_QUOTES), ok=(302,)),
    "report_figures": Page(can(C.RECORD_REPORT_FIGURES)),
    "population_edit": Page(can(C.RECORD_REPORT_FIGURES)),
    "comparison_edit": Page(can(C.RECORD_REPORT_FIGURES)),
    "working_hours_edit": Page(can(C.RECORD_REPORT_FIGURES)),
    # notices
    "notice_list": Page(SIGNED_IN),
    "challenge_list": Page(can(C.HANDLE_MULTI_AGENCY_CHALLENGES) | can(C.RAISE_CHALLENGES)),
    "challenge_detail": Page(
        can(C.HANDLE_MULTI_AGENCY_CHALLENGES) | (CHILD & can(C.RAISE_CHALLENGES))
    ),
    "challenge_forward": post_only(can(C.HANDLE_MULTI_AGENCY_CHALLENGES)),
    "challenge_response": post_only(
        can(C.HANDLE_MULTI_AGENCY_CHALLENGES) | (CHILD & can(C.RAISE_CHALLENGES))
    ),
    # The public feedback form: open to everyone (a link or code opens it, not a role).
    "feedback_code": Page(None),
    "feedback_give": Page(None),
    "feedback_letter": post_only(CHILD & can(C.SCHEDULE_CONFERENCES), conference="icpc"),
    "conference_feedback": Page(
        CHILD & (can(C.CHAIR_CONFERENCES) | can(C.SCHEDULE_CONFERENCES)), conference="icpc"
    ),
    "feedback_withdraw_consent": post_only(
        CHILD & (can(C.CHAIR_CONFERENCES) | can(C.SCHEDULE_CONFERENCES)), conference="icpc"
    ),
    # reports
    "reports_index": Page(can(C.VIEW_REPORTS)),
    "report": Page(can(C.VIEW_REPORTS), heavy=True),
    "report_download": Page(can(C.VIEW_REPORTS), heavy=True),
    "report_sign_off": Page(can(C.WRITE_REPORT_NARRATIVE)),
    "report_signed_off_download": Page(can(C.VIEW_REPORTS)),
    "report_children": Page(can(C.VIEW_REPORTS) & can(C.VIEW_CHILDREN)),
    # The annual report summary: the published edition, for every report reader.
    "report_summary": Page(can(C.VIEW_REPORTS), heavy=True),
    "report_summary_download": Page(can(C.VIEW_REPORTS), heavy=True),
    # The IRO service manager writes the report's words; every other role is refused.
    "report_narrative": Page(can(C.WRITE_REPORT_NARRATIVE)),
    # access
    "role_grants": Page(can(C.REVIEW_ROLE_GRANTS)),
    # people
    "staff_leave": Page(can(C.MANAGE_LEAVE)),
    "move_conferences": Page(can(C.SCHEDULE_CONFERENCES)),
    # census: the analyst imports returns
    "census_imports": Page(can(C.IMPORT_RETURNS)),
    "census_import": Page(can(C.IMPORT_RETURNS), get_only=True),
    "census_import_findings": Page(can(C.IMPORT_RETURNS), get_only=True),
    # the matrix's import is done, so starting it again is refused with a message
    "census_import_again": post_only(can(C.IMPORT_RETURNS), ok=(302,)),
    # census: the analyst makes returns and checks the records, each their own
    "census_index": Page(can(C.EXPORT_RETURNS) | can(C.IMPORT_RETURNS), ok=(302,), get_only=True),
    "census_returns": Page(can(C.EXPORT_RETURNS)),
    "census_return": Page(can(C.EXPORT_RETURNS), get_only=True),
    "census_return_download": Page(can(C.EXPORT_RETURNS), get_only=True),
    "census_return_findings": Page(can(C.EXPORT_RETURNS), get_only=True),
    # rights
    "child_restriction": Page(CHILD & can(C.RESTRICT_RECORDS)),
    "subject_access_export": Page(CHILD & can(C.EXPORT_SUBJECT_ACCESS), get_only=True),
    "retention_report": Page(can(C.REVIEW_RETENTION), get_only=True),
    # the API (iro.api): the same rules as the pages they stand beside
    "api_schema": api(SIGNED_IN),
    "api_docs": api(SIGNED_IN),
    "api_children": api(can(C.VIEW_CHILDREN)),
    "api_child": api(CHILD),
    "api_child_journey": api(CHILD),
    "api_conferences": Page(can(C.VIEW_CHILDREN), api=True, post_rule=can(C.SCHEDULE_CONFERENCES)),
    "api_conference": api(CHILD),
    "api_conference_chair": api_post(CHILD & can(C.SCHEDULE_CONFERENCES)),
    "api_conference_record": api_post(CHILD & RECORDER),
    "api_conference_feedback": Page(
        CHILD & (can(C.CHAIR_CONFERENCES) | can(C.SCHEDULE_CONFERENCES)),
        api=True,
        conference="icpc",
    ),
    "api_plans": api(can(C.VIEW_CHILDREN)),
    "api_plan": api(CHILD),
    "api_plan_outcomes": api_post(CHILD & can(C.CHAIR_CONFERENCES)),
    "api_action_progress": api_post(CHILD & can(C.RECORD_ACTION_PROGRESS)),
    "api_disputes": Page(can(C.RAISE_CHALLENGES), api=True),
    "api_dispute": api(CHILD),
    "api_dispute_escalate": api_post(CHILD & can(C.RAISE_CHALLENGES)),
    "api_dispute_resolve": api_post(CHILD & can(C.RAISE_CHALLENGES)),
    # By the IRO service, or by the person the dispute's current stage was sent to.
    "api_dispute_responses": api_post(
        (CHILD & can(C.RAISE_CHALLENGES)) | (ADDRESSEE & can(C.ANSWER_DISPUTES))
    ),
    "api_challenges": Page(
        can(C.HANDLE_MULTI_AGENCY_CHALLENGES) | can(C.RAISE_CHALLENGES),
        api=True,
        post_rule=can(C.RAISE_CHALLENGES),
    ),
    "api_challenge": api(can(C.HANDLE_MULTI_AGENCY_CHALLENGES) | (CHILD & can(C.RAISE_CHALLENGES))),
    "api_challenge_forward": api_post(can(C.HANDLE_MULTI_AGENCY_CHALLENGES)),
    "api_challenge_responses": api_post(
        can(C.HANDLE_MULTI_AGENCY_CHALLENGES) | (CHILD & can(C.RAISE_CHALLENGES))
    ),
    "api_report": api(can(C.VIEW_REPORTS), heavy=True),
    "api_census_validate": api_post(can(C.EXPORT_RETURNS)),
    "api_census_export": api(can(C.EXPORT_RETURNS), ok=(200, 400)),
    "api_census_check": api(can(C.EXPORT_RETURNS)),
    "api_census_imports": Page(can(C.IMPORT_RETURNS), api=True, ok=(200,)),
    "api_census_import": api(can(C.IMPORT_RETURNS)),
    # Each user's own API tokens; a token of someone else's is not found.
    "api_tokens": Page(SIGNED_IN),
    # Each user's own account (their email address changed with their password).
    "my_account": Page(SIGNED_IN),
    "api_token_revoke": post_only(SIGNED_IN, ok=(302, 404)),
    # the Django admin (per model: see admin_page)
    "admin:index": Page(ADMIN_SITE, admin=True),
    # No form of its own: the administrator is sent on, anyone else refused.
    "admin:login": Page(ADMIN_SITE, ok=(302,), admin=True),
    "admin:logout": post_only(ADMIN_SITE, admin=True),
    "admin:password_change": Page(ADMIN_SITE, admin=True),
    "admin:password_change_done": Page(ADMIN_SITE, admin=True),
    "admin:autocomplete": Page(ADMIN_SITE, ok=(403,), admin=True),  # needs a field to ask
    "admin:jsi18n": Page(ADMIN_SITE, admin=True),
    "admin:view_on_site": Page(ADMIN_SITE, ok=(404,), admin=True),  # no model has a page
    "admin:app_list": Page(ADMIN_SITE, admin=True),
    "admin:auth_user_password_change": Page(ADMIN_SITE, admin=True),
    "admin/(?P<url>.*)$": Page(ADMIN_SITE, ok=(404,), admin=True),  # the admin's catch-all
}

# What a model's admin refuses to everyone, the administrator included.
ADMIN_REFUSES = {
    "access.accesslogentry": {"add", "delete", "change"},  # the access log: read only
    "access.rolegrant": {"add", "delete", "change"},  # roles given: read only
    "axes.accessattempt": {"add"},
    "axes.accesslog": {"add", "delete", "change"},  # the sign-in history: read only
    "axes.accessfailurelog": {"add", "delete", "change"},
    # Background work: every try's result is kept as it happened.
    "django_tasks_database.dbtaskresult": {"add", "delete", "change"},
    "operations.workerheartbeat": {"add", "change"},  # written by the worker only
    # Revoked (an action), never changed or deleted; made only by its owner, on their page.
    "api.apitoken": {"add", "delete", "change"},
    # A second factor is removed (its owner told), never made or shown: its secret would
    # make its owner's codes. Addresses are changed on the user's page, their owner told.
    "mfa.authenticator": {"add", "change"},
    "account.emailaddress": {"add", "delete", "change"},
}

# django-allauth's sign-in, sign-out, password and two-factor pages: open, never a 500.
ACCOUNT_PAGE = Page(None, ok=())


def admin_page(name: str | None, route: str) -> Page | None:
    """The expectation of a Django admin URL of a registered model."""
    action = (name or "").rpartition("_")[2]
    model = admin_model(route)
    if model is None:
        return None
    if name is None:  # <object_id>/ sends on to the change page
        return Page(ADMIN_SITE, ok=(302,), admin=True)
    refuses = ADMIN_REFUSES.get(model._meta.label_lower, set())
    if action in refuses and action in ("add", "delete"):
        return Page(ADMIN_SITE, ok=(403,), admin=True)
    # A past version (simple-history's page) is read, never saved ("Revert" refused).
    past_version = name.endswith("_simple_history")
    return Page(ADMIN_SITE, admin=True, read_only=action in refuses or past_version)


def admin_model(route: str):
    match = re.match(r"admin/(\w+)/(\w+)/", route)
    if not match:
        return None
    try:
        return apps.get_model(match[1], match[2])
    except LookupError:
        return None


def page_for(url: Url) -> Page | None:
    if (url.name or url.route) in PAGES:
        return PAGES[url.name or url.route]
    if url.route.startswith("accounts/"):
        return ACCOUNT_PAGE
    if url.route.startswith("admin/"):
        return admin_page(url.name, url.route)
    return None


# ----------------------------------------------------------------------- the URLs


@dataclass(frozen=True)
class Url:
    name: str | None
    route: str  # the patterns joined, as written in the URL configuration
    kwargs: tuple[str, ...]
    positional: int  # unnamed regex groups (simple-history's admin pages)
    routes_only: bool  # every part is a path() route (unnamed URLs are built from it)

    @property
    def label(self) -> str:
        return self.name or re.sub(r"<(?:\w+:)?(\w+)>", r"\1", self.route) or "/"


def walk(resolver=None, route: str = "", namespace: str = "", routes_only: bool = True):
    resolver = resolver or get_resolver()
    for p in resolver.url_patterns:
        text = str(p.pattern)
        only = routes_only and isinstance(p.pattern, RoutePattern)
        if isinstance(p, URLResolver):
            ns = f"{namespace}:{p.namespace}".strip(":") if p.namespace else namespace
            yield from walk(p, route + text, ns, only)
        elif isinstance(p, URLPattern):
            names, positional = _groups(p.pattern)
            parents = _parent_kwargs(route)
            yield Url(
                name=f"{namespace}:{p.name}".strip(":") if p.name else None,
                route=route + text,
                kwargs=tuple(parents + names),
                positional=positional,
                routes_only=only,
            )


def _parent_kwargs(route: str) -> list[str]:
    """The parameters of the include()s above (none today; fill() would find them)."""
    return re.findall(r"<(?:\w+:)?(\w+)>", route) + re.findall(r"\(\?P<(\w+)>", route)


def _groups(pattern) -> tuple[list[str], int]:
    if isinstance(pattern, RoutePattern):
        return list(pattern.converters), 0
    assert isinstance(pattern, RegexPattern)
    regex = pattern.regex
    return list(regex.groupindex), regex.groups - len(regex.groupindex)


def every_url() -> list[Url]:
    return [u for u in walk() if not u.route.startswith("static/")]


# --------------------------------------------------------------- filling the ids


class CannotFill(Exception):
    pass


REPORT = {"kind": "annual", "label": "2025-26", "measure": "children_on_plan_during_period"}
TARGET = {"year": "2025-26", "measure": "child_attended"}
FIGURES = {"year": "2025-26", "measure": "children_on_plan_at_period_end_per_10000"}
DOWNLOADS = ("pdf", "xlsx", "csv", "json")
# The id after each kind of path segment.
PUBLIC_IDS = {
    "children": lambda a, page: a.child.public_id,
    "conferences": lambda a, page: getattr(a, page.conference).public_id,
    "plans": lambda a, page: a.plan.public_id,
    "disputes": lambda a, page: a.dispute.public_id,
    "challenges": lambda a, page: a.challenge.public_id,
    "imports": lambda a, page: a.census_import.public_id,
    "returns": lambda a, page: a.census_return.public_id,
    "other-formats": lambda a, page: a.format_request.public_id,
}
PKS = {
    "section-47": lambda a: a.section47.pk,
    "adults": lambda a: a.adult.pk,
    "strategy-discussions": lambda a: a.section47.strategy_discussion_id,
    "referrals": lambda a: a.section47.episode_id,
    "invitations": lambda a: a.parent_invitation.pk,
    "feedback": lambda a: a.feedback.pk,
    "feedback-links": lambda a: a.letter_link.pk,
    "quotes": lambda a: a.feedback.pk,
    "outcomes": lambda a: a.outcome.pk,
    "actions": lambda a: a.action.pk,
    "core-group": lambda a: a.core_group_parent.pk,
    "pre-meetings": lambda a: a.review_row.pk,
    "children": lambda a: a.review_row.pk,
    "tokens": lambda a: a.api_token.pk,
    "hours": lambda a: a.staff.iro.pk,
    "staff": lambda a: a.staff.iro.pk,
}
# The object each model's admin pages open: the one most likely to name a child.
ADMIN_OBJECT = {
    "people.team": lambda a: a.staff.team,
    "people.user": lambda a: a.staff.iro,
    "people.agency": lambda a: a.challenge.agency,
}


def variants(url: Url) -> list[str]:
    """One cell per variant: each download format, each admin app."""
    if url.name == "report_summary_download":
        return ["pdf", "html", "json"]
    if url.name in ("census_import_findings", "census_return_findings"):
        return ["csv", "xlsx"]
    if "fmt" in url.kwargs:
        return list(DOWNLOADS)
    if "output_format" in url.kwargs:
        return ["json", "pdf"]
    if "app_label" in url.kwargs:
        return sorted({m._meta.app_label for m in admin.site._registry})
    return [""]


def _segment_before(route: str, kwarg: str) -> str:
    match = re.search(r"([\w-]+)/<(?:\w+:)?" + kwarg + ">", route)
    return match[1] if match else ""


def _admin_object(a: Authority, url: Url):
    model = admin_model(url.route)
    if model is None:
        raise CannotFill(f"{url.label}: which model's object?")
    label = model._meta.label_lower
    if label in ADMIN_OBJECT:
        return ADMIN_OBJECT[label](a)
    obj = model._default_manager.order_by("pk").first()
    if obj is None:
        raise CannotFill(f"{url.label}: make a {label} in matrix_authority")
    return obj


def fill(url: Url, variant: str, a: Authority, page: Page) -> tuple[dict, list]:
    """The URL's kwargs and positional args, from the authority; CannotFill if a kwarg is
    of a kind this test does not know (teach it here, in one line)."""
    kwargs = {}
    for kwarg in url.kwargs:
        before = _segment_before(url.route, kwarg)
        if kwarg == "public_id" and before in PUBLIC_IDS:
            kwargs[kwarg] = PUBLIC_IDS[before](a, page)
        elif kwarg in ("pk", "row_pk") and before in PKS:
            kwargs[kwarg] = PKS[before](a)
        elif url.name == "target_edit" and kwarg in TARGET:
            kwargs[kwarg] = TARGET[kwarg]
        elif url.name in ("population_edit", "comparison_edit") and kwarg in FIGURES:
            kwargs[kwarg] = FIGURES[kwarg]
        elif kwarg == "token" and url.name == "feedback_give":
            kwargs[kwarg] = a.feedback_token
        elif kwarg in REPORT:
            kwargs[kwarg] = REPORT[kwarg]
        elif kwarg == "year" and url.name in ("api_census_export", "api_census_check"):
            kwargs[kwarg] = REPORT["label"]
        elif kwarg in ("fmt", "app_label", "output_format"):
            kwargs[kwarg] = variant
        elif kwarg == "object_id" and url.name == "admin:view_on_site":
            kwargs[kwarg] = a.staff.team.pk
        elif kwarg == "content_type_id":
            kwargs[kwarg] = ContentType.objects.get_for_model(a.staff.team).pk
        elif kwarg == "object_id" or (kwarg == "id" and url.route.startswith("admin/")):
            kwargs[kwarg] = _admin_object(a, url).pk
        elif kwarg == "url" and url.route.startswith("admin/"):  # the admin's catch-all
            kwargs[kwarg] = "no-such-page/"
        elif url.route.startswith("accounts/") and kwarg in ("key", "uidb36"):
            kwargs[kwarg] = "0-not-a-real-key"
        else:
            raise CannotFill(f"{url.label}: no value for <{kwarg}> (after '{before}/')")
    args: list = []
    if url.positional:
        if url.name and url.name.endswith("_simple_history") and url.positional == 2:
            obj = _admin_object(a, url)
            args = [obj.pk, obj.history.order_by("-history_id").first().history_id]
        else:
            raise CannotFill(f"{url.label}: {url.positional} unnamed groups")
    return kwargs, args


def build_path(url: Url, kwargs: dict, args: list) -> str:
    if url.name:
        return reverse(url.name, kwargs=kwargs or None, args=args or None)
    if args:
        raise CannotFill(f"{url.route}: an unnamed URL with unnamed groups")
    path = re.sub(r"<(?:\w+:)?(\w+)>", lambda m: str(kwargs[m[1]]), url.route)
    if not url.routes_only:  # a named group is (?P<name>...) with no group inside
        path = re.sub(r"\(\?P<(\w+)>[^()]*\)", lambda m: str(kwargs[m[1]]), path)
        path = path.replace("^", "").replace("$", "")
    return "/" + path


# ------------------------------------------------------------------- the cells

# Third-party pages whose behaviour does not depend on the role: the Django admin lets in
# administrators only (one gate for every page), allauth's pages are the same for
# everyone. Each of them is opened by the administrator and the analyst (a refused staff
# member); the site's own pages, and the admin's front door, by every user.
FEW_USERS = ("analyst", "admin")
EVERY_USER_ADMIN = ("admin:index", "admin:people_team_changelist", "admin:people_team_delete")


def cells():
    """One cell per URL and user; a cell makes a GET and a POST."""
    for url in every_url():
        third_party = url.route.startswith(("accounts/", "admin/"))
        users = FEW_USERS if third_party and url.name not in EVERY_USER_ADMIN else USERS
        page = page_for(url)
        for variant in variants(url):
            label = f"{url.label}.{variant}" if variant else url.label
            for user in users:
                if methods(page, USERS[user]):
                    yield pytest.param(url, variant, user, id=f"{label}-{user}")


def methods(page: Page | None, who: Who) -> tuple[str, ...]:
    """GET and POST; for a heavy page (a report, the same for everyone allowed), only a
    GET by the allowed users who must not see names and by one who may."""
    if page is None or not page.heavy or not page.rule(who):
        return ("GET", "POST")
    return ("GET",) if who.hidden_names is not None or who.key == "iro" else ()


# ---------------------------------------------------------------- the checks


@pytest.fixture(scope="module", autouse=True)
def _module_settings():
    """tests/conftest.py's settings (set there per test) while the authority is built."""
    with authority_settings():
        yield


@pytest.fixture(scope="module")
def authority(_module_settings, django_db_setup, django_db_blocker):
    """Built once for the module inside a transaction rolled back at its end; each cell's
    own transaction nests inside it."""
    with django_db_blocker.unblock(), transaction.atomic():
        yield build_authority()
        transaction.set_rollback(True)


CASE_APPS = ("children", "journey", "challenge", "people", "auth", "account", "mfa")


def snapshot() -> dict[str, object]:
    """Rows, highest id and highest version of every case and staff table, in one query."""
    labels, parts = [], []
    for model in apps.get_models():
        if model._meta.app_label not in CASE_APPS:
            continue
        table = connection.ops.quote_name(model._meta.db_table)
        exprs = ["COUNT(*)", f"MAX({connection.ops.quote_name(model._meta.pk.column)})"]
        if "version" in {f.name for f in model._meta.concrete_fields}:
            exprs.append("MAX(version)")
        for expr in exprs:
            labels.append(f"{model._meta.label} {expr}")
            parts.append(f"(SELECT {expr} FROM {table})")  # noqa: S608 (names of tables)
    with connection.cursor() as cursor:
        cursor.execute("SELECT " + ", ".join(parts))
        return dict(zip(labels, cursor.fetchone(), strict=True))


def text_of(response) -> str:
    """The response as text: HTML, JSON, CSV as they are; a PDF through pdftotext; a
    spreadsheet's cell values."""
    content = b"".join(response.streaming_content) if response.streaming else response.content
    kind = response.get("Content-Type", "")
    if kind.startswith("application/pdf"):
        with tempfile.TemporaryDirectory() as tmp:
            pdf = Path(tmp) / "page.pdf"
            pdf.write_bytes(content)
            done = subprocess.run(
                ["pdftotext", "-enc", "UTF-8", str(pdf), "-"], capture_output=True, check=True
            )
            return done.stdout.decode()
    if "spreadsheetml" in kind:
        import openpyxl

        book = openpyxl.load_workbook(io.BytesIO(content), read_only=True)
        return "\n".join(
            str(value)
            for sheet in book.worksheets
            for row in sheet.iter_rows(values_only=True)
            for value in row
            if value is not None
        )
    return content.decode("utf-8", errors="replace")


def names_shown(text: str, names: frozenset[str]) -> list[str]:
    if not names:
        return []
    pattern = r"\b(" + "|".join(re.escape(n) for n in sorted(names)) + r")\b"
    return sorted({m.lower() for m in re.findall(pattern, text, flags=re.IGNORECASE)})


@dataclass
class Outcome:
    status: int
    location: str = ""


def _refusal_problem(page: Page, got: Outcome) -> str | None:
    if got.status in (403, 404):
        return None
    return f"refused: expected 403 or 404, got {got.status} {got.location}"


def expected_problem(page: Page, who: Who, method: str, got: Outcome) -> str | None:
    """Why this outcome is wrong for this cell, or None."""
    if got.status >= 500:
        return f"server error {got.status}"
    rule = page.rule_for(method)
    if rule is not None and who.role is None:
        if page.api and got.status == 401:
            return None
        if got.status == 302 and got.location.startswith("/accounts/login/"):
            return None
        return f"anonymous: expected the sign-in page, got {got.status} {got.location}"
    if rule is None:  # open pages: anything but an error
        return None
    if page.get_only and method == "POST" and got.status == 405:
        return None
    if not rule(who):
        if page.post_only and method == "GET" and got.status == 405:
            return None
        return _refusal_problem(page, got)
    if page.post_only and method == "GET":
        return None if got.status == 405 else f"GET of a POST-only URL: {got.status}, not 405"
    if method == "POST" and page.read_only:
        return None if got.status == 403 else f"POST to a read-only page: {got.status}, not 403"
    if method == "GET" and page.ok and got.status not in page.ok:
        return f"allowed ({rule}): expected {page.ok}, got {got.status} {got.location}"
    if method == "POST" and got.status in (403, 404) and got.status not in page.ok:
        return f"allowed ({rule}): the POST was refused with {got.status}"
    return None


@pytest.mark.django_db
@pytest.mark.parametrize(("url", "variant", "user"), list(cells()))
def test_matrix(client, authority, url, variant, user):
    page = page_for(url)
    assert page is not None, f"{url.label}: add its expectation to PAGES ({url.route})"
    who = USERS[user]
    try:
        path = build_path(url, *fill(url, variant, authority, page))
    except CannotFill as problem:
        pytest.fail(f"teach fill() this URL's ids: {problem}")
    chaired = override_settings(IRO_CHILD_ACCESS="chaired" if who.chaired_only else "all")
    if page is PAGES["healthz"]:
        beat("matrix-worker")  # a worker alive now, however long the matrix has run
    problems = []
    with chaired:
        for method in methods(page, who):
            if who.role is not None:
                client.force_login(getattr(authority.staff, STAFF_ATTRIBUTE.get(user, user)))
            problems += _problems(client, authority, page, who, method, path)
    assert not problems, "\n".join(problems)


def _problems(client, authority, page: Page, who: Who, method: str, path: str) -> list[str]:
    rule = page.rule_for(method)
    refused = rule is not None and not rule(who)
    before = snapshot() if method == "POST" and refused else None
    response = client.get(path) if method == "GET" else client.post(path, {})
    got = Outcome(response.status_code, response.get("Location", ""))
    out = []
    if before is not None and (after := snapshot()) != before:
        changed = sorted({k.split()[0] for k in before if before[k] != after[k]})
        out.append(f"a refused POST changed {', '.join(changed)}")
    if problem := expected_problem(page, who, method, got):
        out.append(problem)
    if who.hidden_names and 200 <= got.status < 300:
        shown = names_shown(text_of(response), authority.names[who.hidden_names])
        if shown:
            out.append(f"shows names: {', '.join(shown)}")
    return [f"{who.key} {method} {path}: {p}" for p in out]


def test_every_url_has_an_expectation_and_ids():
    """Listed in one place: any URL the matrix cannot open (a new page without a line in
    PAGES, or an id fill() does not know)."""
    missing = [u.label for u in every_url() if page_for(u) is None]
    assert not missing, f"add to PAGES: {missing}"


@pytest.mark.django_db
def test_every_url_can_be_filled(authority):
    problems = []
    for url in every_url():
        page = page_for(url) or Page(SIGNED_IN)
        for variant in variants(url):
            try:
                build_path(url, *fill(url, variant, authority, page))
            except CannotFill as problem:
                problems.append(str(problem))
    assert not problems, problems


def test_the_users_cover_every_role():
    from iro.people.models import Role

    assert {w.role for w in USERS.values()} - {None} == set(Role.values)


# ------------------------------------------------- the checks check themselves


@pytest.mark.django_db
def test_the_names_come_from_children_families_invitations_and_the_core_group(authority):
    assert {"Quorrelle", "Pellavine", "Vossberg", "Zanthe", "Dacian", "Marlowby"} <= (
        authority.names["this_team"]
    )
    assert "Ysolde" in authority.names["every"] - authority.names["this_team"]
    assert not {"Aldous", "Fenwright", "household"} & authority.names["every"]  # police; a word


def test_names_are_found_as_whole_words_whatever_the_case():
    names = frozenset({"Quorrelle", "Vossberg"})
    assert names_shown("Seen by QUORRELLE's worker", names) == ["quorrelle"]
    assert names_shown("Vossbergs and Quorrellean", names) == []


def test_a_pdf_and_a_spreadsheet_are_read_as_text():
    import openpyxl
    from django.http import HttpResponse
    from weasyprint import HTML

    pdf = HttpResponse(HTML(string="<p>Met Quorrelle</p>").write_pdf())
    pdf["Content-Type"] = "application/pdf"
    assert "Quorrelle" in text_of(pdf)
    book = openpyxl.Workbook()
    book.active["B2"] = "Zanthe Vossberg"
    buffer = io.BytesIO()
    book.save(buffer)
    xlsx = HttpResponse(
        buffer.getvalue(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    assert "Zanthe Vossberg" in text_of(xlsx)
