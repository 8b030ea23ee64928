"""How long a signed-in session has left, and staying signed in.

A session lasts ``IRO_SIGNED_IN_SECONDS`` (8 hours) from signing in, to the second: signing
in writes that moment into the session (``SIGNED_IN_UNTIL``, whatever expiry allauth
gives the cookie), and a request after it is signed out (``end_if_over``, called by
``access.middleware.LoginRequiredMiddleware``). It ends sooner when iro is left unused for
``IRO_IDLE_SECONDS`` (30 minutes; 0 for never): each request the user makes notes the time
(``note_activity``; written into the session at most once a minute), but not the page's
own question of how long is left. Every page tells the browser how many seconds are left
(the sooner of the two ends); five minutes before the end a banner says when the user
will be signed out and offers "Stay signed in", which starts both times again (WCAG 2.2
success criterion 2.2.1, Timing Adjustable: a chair typing a conference's record must not
lose it to a time limit they were not warned of).

``/accounts/session/`` answers GET (the seconds left, for a page open in another tab
that may have been extended meanwhile) and POST (stay signed in), as JSON; to a browser
no longer signed in, 401.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpRequest, JsonResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

SIGNED_IN_UNTIL = "iro_signed_in_until"  # a POSIX timestamp
LAST_SEEN = "iro_last_seen"  # a POSIX timestamp: the user's last request, to the minute
NOTED_EVERY = 60  # seconds: the session is written for it at most this often
SIGNED_OUT = (
    "You were signed out: a session lasts {hours} hours, to keep children's records safe. "
    "Sign in again to go on."
)
SIGNED_OUT_IDLE = (
    "You were signed out after {minutes} minutes without using iro, to keep children's "
    "records safe. Sign in again to go on."
)


def _start(session) -> None:
    now = timezone.now().timestamp()
    session[SIGNED_IN_UNTIL] = now + settings.IRO_SIGNED_IN_SECONDS
    session[LAST_SEEN] = now


def _idle_left(session, now: float) -> int | None:
    idle, seen = settings.IRO_IDLE_SECONDS, session.get(LAST_SEEN)
    if not idle or seen is None:
        return None
    return max(0, int(seen + idle - now))


def note_activity(request: HttpRequest) -> None:
    """The signed-in user made a request: the idle time starts again."""
    session = getattr(request, "session", None)
    if not settings.IRO_IDLE_SECONDS or session is None:
        return
    if not getattr(getattr(request, "user", None), "is_authenticated", False):
        return
    now = timezone.now().timestamp()
    seen = session.get(LAST_SEEN)
    if seen is None or now - seen >= NOTED_EVERY:
        session[LAST_SEEN] = now


def start_the_clock(sender, request, user, **kwargs) -> None:
    """``user_logged_in``: the session ends ``IRO_SIGNED_IN_SECONDS`` from now."""
    if request is not None and hasattr(request, "session"):
        _start(request.session)


def seconds_left(request: HttpRequest) -> int | None:
    """The seconds until the signed-in session ends; None for a session whose end is not
    known (signed in before the end was kept) or nobody signed in."""
    session = getattr(request, "session", None)
    user = getattr(request, "user", None)
    if session is None or not getattr(user, "is_authenticated", False):
        return None
    now = timezone.now().timestamp()
    until = session.get(SIGNED_IN_UNTIL)
    ends = [] if until is None else [max(0, int(until - now))]
    idle = _idle_left(session, now)
    if idle is not None:
        ends.append(idle)
    return min(ends) if ends else None


def end_if_over(request: HttpRequest) -> bool:
    """Sign out a session whose time is over; True if it was."""
    if seconds_left(request) != 0:
        return False
    idle = _idle_left(request.session, timezone.now().timestamp()) == 0
    logout(request)
    if idle:
        messages.info(request, SIGNED_OUT_IDLE.format(minutes=settings.IRO_IDLE_SECONDS // 60))
    else:
        messages.info(request, SIGNED_OUT.format(hours=settings.IRO_SIGNED_IN_SECONDS // 3600))
    return True


@never_cache
@require_http_methods(["GET", "POST"])
def session_status(request: HttpRequest) -> JsonResponse:
    if not request.user.is_authenticated:
        return JsonResponse({"signed_in": False, "seconds_left": 0}, status=401)
    if request.method == "POST":
        _start(request.session)
    left = seconds_left(request)
    return JsonResponse(
        {
            "signed_in": True,
            "seconds_left": settings.IRO_SIGNED_IN_SECONDS if left is None else left,
        }
    )
