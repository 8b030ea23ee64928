"""Background work: how a feature defines a task, enqueues it, and has it retried.

A task is a plain function decorated with ``@background(...)``; callers enqueue it with
``my_task.enqueue(pk)``. Arguments must be JSON (ids, never model instances or names).
Under the database backend (demo, production) enqueuing writes a row in the caller's
transaction, so the task exists if and only if the change that asked for it is
committed; ``iro worker`` runs it. Under the immediate backend (tests) it runs at once.

A task that raises one of its ``retry_on`` exceptions is tried again: ``attempts`` in
all, the pause doubling from ``backoff_seconds`` after each failure. Every failed try is
a failed task result in the administration site (*Tasks*), marked "tried again" or,
after the last try, "gave up". The function can be told which try it is (``attempt``
keyword, when it takes one) and whether it is the last (``last``).
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable
from datetime import timedelta

from django.utils import timezone
from django_tasks import task

# The keyword a retried task is enqueued with (task results show it in their kwargs).
ATTEMPT = "_attempt"


def backoff(first_pause: float, attempt: int) -> timedelta:
    """The pause after failed try number ``attempt`` (1, 2, ...): first_pause, then doubled."""
    return timedelta(seconds=first_pause * 2 ** (attempt - 1))


def background(
    *,
    attempts: int | Callable[[], int] = 1,
    backoff_seconds: float | Callable[[], float] = 60,
    retry_on: tuple[type[BaseException], ...] = (Exception,),
    queue_name: str = "default",
):
    """Make ``function`` a task retried up to ``attempts`` times (callables are read at
    each failure, so settings can be changed in tests)."""

    def decorate(function):
        params = inspect.signature(function).parameters
        wants_attempt = "attempt" in params
        wants_last = "last" in params

        @functools.wraps(function)
        def run(*args, **kwargs):
            attempt = int(kwargs.pop(ATTEMPT, 1))
            limit = attempts() if callable(attempts) else attempts
            last = attempt >= limit
            extra = {}
            if wants_attempt:
                extra["attempt"] = attempt
            if wants_last:
                extra["last"] = last
            try:
                return function(*args, **kwargs, **extra)
            except retry_on:
                if not last:
                    pause = backoff_seconds() if callable(backoff_seconds) else backoff_seconds
                    again = the_task
                    if again.get_backend().supports_defer:
                        again = again.using(run_after=timezone.now() + backoff(pause, attempt))
                    again.enqueue(*args, **kwargs, **{ATTEMPT: attempt + 1})
                raise

        the_task = task(queue_name=queue_name)(run)
        return the_task

    return decorate
