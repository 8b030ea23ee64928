"""The administration site: Django's admin, closed to every door but the service's own.

- No sign-in of its own. Django's admin has a password-only login form; under
  production settings that would skip the second factor (and let anyone who is
  signed in switch to the administrator's account with a password alone). Here
  ``/admin/login/`` sends everyone to the service's sign-in, which asks for the
  second factor, and then back.
- Only for administrators: an active account whose role includes ``ADMINISTER``.
  The role decides, given and logged through ``access.grants``; Django's staff and
  superuser flags neither open the site nor are needed (``AdministratorBackend``
  gives the role what the site shows). The MFA rule of ``access.middleware`` applies
  to ``/admin/`` as to every other page.
- Deleting names nobody. Django's delete confirmation lists every related object
  by its name (a team's delete listed every child blocking it). Here every model
  admin counts the related records instead (``Children: 235``).
- History is read, never reverted. django-simple-history's "Revert" saved a whole old
  row through the change form, past the checks of ``save_model``: it gave a role with
  no grant recorded (even to oneself), re-activated an account and brought back an old
  password. Every model admin here shows a past version read only and refuses to save
  it (``ReadOnlyHistoryMixin``).
"""

from __future__ import annotations

from collections import Counter
from functools import wraps

from django.contrib import admin
from django.contrib.admin.utils import NestedObjects
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.contrib.auth.backends import BaseBackend
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.db import router
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.text import capfirst
from simple_history.admin import SimpleHistoryAdmin

from iro.access.capabilities import Capability, has_capability

NOT_AN_ADMINISTRATOR = "The administration pages are for administrators only."


def may_administer(user) -> bool:
    return bool(getattr(user, "is_active", False) and has_capability(user, Capability.ADMINISTER))


class AdministratorBackend(BaseBackend):
    """An administrator's permissions in the admin: those of every model the site shows
    (each model admin still refuses what it never allows, such as deleting a token),
    as the role gives them, without Django's superuser flag or hand-picked permissions.
    Signs nobody in."""

    @staticmethod
    def _shown() -> dict[str, set[str]]:
        shown: dict[str, set[str]] = {}
        for model in admin.site._registry:
            shown.setdefault(model._meta.app_label, set()).add(model._meta.model_name)
        return shown

    def has_perm(self, user_obj, perm: str, obj=None) -> bool:
        if not may_administer(user_obj):
            return False
        app_label, _, codename = perm.partition(".")
        action, _, model_name = codename.partition("_")
        return action in ("add", "change", "delete", "view") and model_name in self._shown().get(
            app_label, set()
        )

    def has_module_perms(self, user_obj, app_label: str) -> bool:
        return may_administer(user_obj) and app_label in self._shown()


class CountingDeleteMixin:
    """Delete confirmations that count related records instead of naming them."""

    def get_deleted_objects(self, objs, request):
        objs = list(objs)
        if not objs:
            return [], {}, set(), []
        collector = NestedObjects(using=router.db_for_write(objs[0]._meta.model), origin=objs)
        collector.collect(objs)
        own = self.model._meta
        model_count = {
            model._meta.verbose_name_plural: len(found)
            for model, found in collector.model_objs.items()
        }
        to_delete: list[str] = [f"{capfirst(own.verbose_name)}: {obj}" for obj in objs]
        to_delete += [
            f"{capfirst(model._meta.verbose_name_plural)}: {len(found)}"
            for model, found in collector.model_objs.items()
            if model is not self.model
        ]
        perms_needed = {
            model._meta.verbose_name
            for model in collector.model_objs
            if self.admin_site.is_registered(model)
            and not self.admin_site.get_model_admin(model).has_delete_permission(request)
        }
        blocking = Counter(type(obj) for obj in collector.protected)
        protected = [
            f"{capfirst(model._meta.verbose_name_plural)}: {count}"
            for model, count in sorted(blocking.items(), key=lambda item: item[0]._meta.label)
        ]
        return to_delete, model_count, perms_needed, protected


HISTORY_READ_ONLY = (
    "A past version is shown to read, not to save: make the change on the record's own "
    "page, where it is checked and kept in its history."
)


class ReadOnlyHistoryMixin:
    """A past version of a record (django-simple-history's admin) to read, not to save."""

    def revert_disabled(self, request, obj=None) -> bool:
        return True

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        if request.method != "GET":
            raise PermissionDenied(HISTORY_READ_ONLY)
        return super().history_form_view(request, object_id, version_id, extra_context)


class IroAdminSite(admin.AdminSite):
    site_header = "iro administration"
    site_title = "iro administration"
    index_title = "Users, teams, agencies and closure days"

    def has_permission(self, request) -> bool:
        return may_administer(request.user)

    def login(self, request, extra_context=None):
        """The service's sign-in (with its second factor), never a form of the admin's."""
        next_url = request.GET.get(REDIRECT_FIELD_NAME, "")
        if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
            next_url = reverse("admin:index")
        if request.user.is_authenticated:
            if may_administer(request.user):
                return redirect(next_url)
            raise PermissionDenied(NOT_AN_ADMINISTRATOR)
        return redirect_to_login(next_url, reverse("account_login"))

    def admin_view(self, view, cacheable=False):
        inner = super().admin_view(view, cacheable)

        @wraps(inner)
        def guarded(request, *args, **kwargs):
            # A signed-in user who is not an administrator is refused outright rather
            # than offered the admin's sign-in form for another account.
            if request.user.is_authenticated and not may_administer(request.user):
                raise PermissionDenied(NOT_AN_ADMINISTRATOR)
            return inner(request, *args, **kwargs)

        return guarded

    def register(self, model_or_iterable, admin_class=None, **options):
        admin_class = admin_class or admin.ModelAdmin
        mixins: tuple[type, ...] = ()
        if not issubclass(admin_class, CountingDeleteMixin):
            mixins += (CountingDeleteMixin,)
        if issubclass(admin_class, SimpleHistoryAdmin) and not issubclass(
            admin_class, ReadOnlyHistoryMixin
        ):
            mixins += (ReadOnlyHistoryMixin,)
        if mixins:
            admin_class = type(admin_class.__name__, (*mixins, admin_class), {})
        return super().register(model_or_iterable, admin_class, **options)
