from django.conf import settings

from iro.access.capabilities import Capability, capabilities_of
from iro.access.session_time import seconds_left


def service(request):
    caps = capabilities_of(getattr(request, "user", None))
    return {
        "council_name": settings.COUNCIL_NAME,
        "caps": {c.name: (c in caps) for c in Capability},
        "demo_mode": settings.DEMO_LOGINS_ALLOWED,
        "session_seconds_left": seconds_left(request),
    }
