from iro.work.landings import landing_for


def work(request):
    """The user's landing page for the menu (no queries)."""
    user = getattr(request, "user", None)
    return {"work_landing": landing_for(user) if user is not None else None}
