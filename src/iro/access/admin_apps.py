"""Django's admin, with the service's own site (``access.admin_site``) as its default."""

from django.contrib.admin.apps import AdminConfig


class IroAdminConfig(AdminConfig):
    default_site = "iro.access.admin_site.IroAdminSite"
