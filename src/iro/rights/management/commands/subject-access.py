"""``iro subject-access --child LA_ID --format json|pdf --output FILE --user USERNAME``.

Writes everything held about one child (see ``iro.rights.subject_access``). The user
must hold the subject access capability and be able to see the child; the export is
access-logged. Bad input is one line on stderr and exit status 2.
"""

from __future__ import annotations

import os
import tempfile

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.http import Http404

from iro.children.models import Child
from iro.rights import subject_access

NO_SUCH_USER = "No user is called {name!r}."
NO_SUCH_CHILD = "No child you may see has LA child ID {id!r}."
REFUSED = "{name} may not do this: {reason}"
BAD_FORMAT = "--format {value!r}: choose json or pdf."


def fail(message: str) -> CommandError:
    return CommandError(message, returncode=2)


class Command(BaseCommand):
    help = "Write everything held about one child (subject access) as JSON or a tagged PDF."
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--child", required=True, help="the child's LA child ID")
        parser.add_argument("--format", required=True, dest="output_format", help="json or pdf")
        parser.add_argument("--output", required=True, help="the file to write")
        parser.add_argument("--user", required=True, help="who is exporting (a username)")

    def handle(self, *args, child, output_format, output, user, **options):
        if output_format not in subject_access.FORMATS:
            raise fail(BAD_FORMAT.format(value=output_format))
        acting = get_user_model().objects.filter(username=user).first()
        if acting is None:
            raise fail(NO_SUCH_USER.format(name=user))
        record = Child.objects.filter(la_child_id=child.strip()).first()
        if record is None:
            raise fail(NO_SUCH_CHILD.format(id=child))
        try:
            found, content = subject_access.export(
                user=acting, public_id=record.public_id, output_format=output_format
            )
        except Http404:
            raise fail(NO_SUCH_CHILD.format(id=child)) from None
        except PermissionDenied as exc:
            raise fail(REFUSED.format(name=user, reason=str(exc) or "refused")) from None
        directory = os.path.dirname(os.path.abspath(output))
        try:
            handle, temporary = tempfile.mkstemp(prefix=".subject-access-", dir=directory)
            with os.fdopen(handle, "wb") as out:
                out.write(content)
            os.replace(temporary, output)
        except OSError as exc:
            raise fail(f"cannot write {output}: {exc.strerror}") from None
        self.stdout.write(
            f"Wrote everything held about LA child ID {found.la_child_id} to {output}."
        )
