"""``iro grant-role USERNAME ROLE``: give a role from the server's console.

For the first administrator (made with ``iro createsuperuser``), who cannot give
themself a role in the admin. Written through ``access.grants`` and shown on the IRO
service manager's "Roles given" page as given by the server's console.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from iro.access import grants
from iro.people.models import Role, User


class Command(BaseCommand):
    help = "Give a member of staff a role (logged as given by the server's console)."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("role", help=f"one of {', '.join(Role.values)}")

    def handle(self, *args, username: str, role: str, **options):
        try:
            user = User.objects.get(username=username)
        except User.DoesNotExist:
            raise CommandError(f"No user is called {username!r}.", returncode=2) from None
        try:
            grant = grants.change_role(user=user, role=role, acting_user=None)
        except ValidationError as error:
            raise CommandError(error.message_dict["role"][0], returncode=2) from None
        if grant is None:
            self.stdout.write(f"{username} already has the role {role}.")
        else:
            self.stdout.write(f"{username} is now {user.get_role_display()}.")
