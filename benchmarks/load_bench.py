"""Load benchmark: figures, not a timed test.

Drives the busiest pages of a served demo authority as signed-in users, the way
``make run`` serves it (``scripts/serve.sh``: gunicorn beside the background worker), on
this machine's loopback only:

1. builds the demo authority (``iro demo``, optionally ``--scale``d) in a temporary
   ``IRO_VAR_DIR`` on SQLite, or in a PostgreSQL database given by ``--database-url``;
   ``--var-dir`` keeps it and a second run reuses it (``iro demo --if-empty``);
   ``--dataset regional|national`` builds (or reuses) that dataset instead
   (``iro demo --dataset``: years of census returns loaded with the bulk import);
2. starts ``scripts/serve.sh`` on 127.0.0.1 and a free port (a non-loopback host is
   refused, here and for every request);
3. signs in demo users (``demo-iro`` and ``demo-manager``, who need no second factor
   outside production) through the real sign-in page, CSRF token and all, one session
   per simulated user;
4. baseline: one user runs the loop alone, with no think time (``--baseline-loops``);
5. load: ``--users`` simulated users run the loop concurrently, each waiting about
   ``--think`` seconds (0.5 to 1.5 times it) before each request, until
   ``--max-requests`` requests or ``--duration`` seconds, whichever comes first.

The loop, each request timed on its own (redirects are not followed): My work; the
caseload filtered by a team and "on a plan"; a search by LA child ID (one child found
answers with a redirect to the journey); a child's journey; an action's progress form
and the POST that records progress on it (each simulated user has an action of its own,
so no two users collide on its version); the monthly report of the last full month; the
annual report of the last full reporting year.

Printed per page: requests, median, p95, max, errors, and p95 as a multiple of the
single-user median measured in the same run (the figures are ratios to a baseline, not
timed tests); requests per second overall and for the case pages (My work, caseload,
search, journey). Run from the repository root:

    .venv/bin/python -m benchmarks.load_bench [--users 20] [--think 2] [--duration 60]
        [--max-requests 20000] [--scale 1 | --dataset regional|national]
        [--database-url postgres://...] [--var-dir DIR]
"""

from __future__ import annotations

import argparse
import html
import ipaddress
import os
import random
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from datetime import date, timedelta
from http.cookiejar import CookieJar
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SRC = REPO / "src"
if str(SRC) not in sys.path:
    sys.path.insert(0, str(SRC))

BIN = Path(sys.executable).parent
DEMO_USERS = ("demo-iro", "demo-manager")
CASE_PAGES = ("my work", "caseload", "search", "journey")
PAGES = (*CASE_PAGES, "progress", "monthly report", "annual report")  # --pages
P95_GOAL_MS = 300
RPS_GOAL = 100
LOOP = 8  # requests in one pass of the loop


# --- Loopback only ------------------------------------------------------------------------


def require_loopback(url_or_host: str) -> str:
    """The host of ``url_or_host`` when it is this machine's loopback; ``ValueError``
    otherwise (the load is never aimed at another machine)."""
    host = urllib.parse.urlsplit(url_or_host).hostname if "//" in url_or_host else url_or_host
    host = (host or "").strip("[]")
    if host == "localhost":
        return host
    try:
        if ipaddress.ip_address(host).is_loopback:
            return host
    except ValueError:
        pass
    raise ValueError(f"refused: {url_or_host!r} is not this machine's loopback")


# --- One signed-in browser ----------------------------------------------------------------


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None  # the redirect is the answer: each request is timed on its own


_CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
_VERSION = re.compile(r'name="version" value="([^"]*)"')
_STATUS = re.compile(r'<option value="([^"]+)"[^>]*selected')


@dataclass
class Answer:
    status: int
    body: str
    seconds: float
    location: str = ""


class Browser:
    """Cookies, no redirects followed, every URL checked to be on the loopback."""

    def __init__(self, base_url: str, timeout: float = 60) -> None:
        require_loopback(base_url)
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout
        self.cookies = CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.cookies), _NoRedirect()
        )

    def request(self, path: str, data: dict | None = None) -> Answer:
        url = self.base_url + path
        require_loopback(url)
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        req = urllib.request.Request(url, data=body)  # noqa: S310 - loopback http only
        if data is not None:
            req.add_header("Referer", url)
        started = time.perf_counter()
        try:
            with self.opener.open(req, timeout=self.timeout) as response:
                text = response.read().decode("utf-8", "replace")
                status, location = response.status, ""
        except urllib.error.HTTPError as error:
            text = error.read().decode("utf-8", "replace")
            status, location = error.code, error.headers.get("Location", "")
        return Answer(status, text, time.perf_counter() - started, location)

    def sign_in(self, username: str, password: str, wait: float = 90) -> None:
        """Sign in through the sign-in page. allauth allows 30 sign-ins a minute from one
        address: a refused one (429) is tried again until ``wait`` seconds have passed."""
        give_up = time.monotonic() + wait
        while True:
            page = self.request("/accounts/login/")
            token = _CSRF.search(page.body)
            if page.status != 200 or not token:
                raise RuntimeError(f"sign-in page answered {page.status}")
            answer = self.request(
                "/accounts/login/",
                {"csrfmiddlewaretoken": token[1], "login": username, "password": password},
            )
            if answer.status == 302 and "/accounts/login/" not in answer.location:
                return
            if answer.status == 429 and time.monotonic() < give_up:
                time.sleep(5)
                continue
            raise RuntimeError(f"signing in {username} answered {answer.status}")


# --- What the users open ------------------------------------------------------------------


@dataclass(frozen=True)
class Targets:
    """Pages to open, read from the database before the load starts."""

    la_child_ids: list[str]
    children: list[str]  # public ids
    teams: list[int]
    actions: list[tuple[str, int]]  # (plan public id, action pk) on open plans
    month: str
    year: str


def last_full_periods(today: date) -> tuple[str, str]:
    """The labels of the last full month and the last full reporting year (April-March)."""
    last_month = today.replace(day=1) - timedelta(days=1)
    first = today.year - 1 if today.month >= 4 else today.year - 2
    return f"{last_month:%Y-%m}", f"{first}-{(first + 1) % 100:02d}"


def discover_targets(today: date | None = None, sample: int = 200) -> Targets:
    """Children, teams and open plans' actions to open (Django must be set up)."""
    from iro.children.models import Child
    from iro.journey.models import PlanAction
    from iro.people.models import Team

    rng = random.Random(2026)  # noqa: S311 - which pages to open, not secrets
    children = list(
        Child.objects.filter(restricted=False).values_list("la_child_id", "public_id")[:5000]
    )
    picked = rng.sample(children, min(sample, len(children)))
    actions = [
        (str(plan_id), pk)
        for plan_id, pk in PlanAction.objects.filter(
            plan__end_date__isnull=True, plan__child__restricted=False
        ).values_list("plan__public_id", "pk")[:sample]
    ]
    month, year = last_full_periods(today or date.today())
    return Targets(
        la_child_ids=[la for la, _ in picked if la],
        children=[str(pid) for _, pid in picked],
        teams=list(Team.objects.values_list("pk", flat=True)),
        actions=actions,
        month=month,
        year=year,
    )


# --- The simulated users ------------------------------------------------------------------


@dataclass
class Tally:
    """Every timing by page, shared by the users (behind a lock)."""

    max_requests: int
    deadline: float
    times: dict[str, list[float]] = field(default_factory=dict)
    errors: dict[str, int] = field(default_factory=dict)
    samples: dict[str, str] = field(default_factory=dict)  # one failure per page
    # Report pages answered 202 "being worked out" (the worker building the report the
    # page asked for): not an error, but not the figures either, so counted apart.
    waiting: dict[str, int] = field(default_factory=dict)
    requests: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def claim(self) -> bool:
        """One more request may be made (within the bounds)."""
        with self.lock:
            if self.requests >= self.max_requests or time.monotonic() >= self.deadline:
                return False
            self.requests += 1
            return True

    def record(self, page: str, answer: Answer, ok: bool) -> None:
        with self.lock:
            self.times.setdefault(page, []).append(answer.seconds)
            self.errors.setdefault(page, 0)
            if answer.status == 202:
                self.waiting[page] = self.waiting.get(page, 0) + 1
            if not ok:
                self.errors[page] += 1
                self.samples.setdefault(page, f"{answer.status} {answer.location}".strip())


# A report page answers 202 while the worker works the report out (``iro.reports.cache``).
REPORT_OK = (200, 202)


class Stop(Exception):
    """The bounds are reached."""


def _fetch(browser: Browser, path: str, data: dict | None = None) -> Answer:
    """The answer; a connection refused, reset or timed out is an answer with status 0."""
    started = time.perf_counter()
    try:
        return browser.request(path, data)
    except OSError as error:
        return Answer(0, "", time.perf_counter() - started, f"({error})")


def user_loop(
    browser: Browser,
    targets: Targets,
    tally: Tally,
    *,
    index: int,
    think: float,
    seed: int,
    pages: tuple[str, ...] = PAGES,
) -> None:
    """One simulated user: the loop of ``pages`` until the bounds are reached
    ("progress" is the action's progress form and the POST that records it)."""
    rng = random.Random(seed)  # noqa: S311 - think times and which child, not secrets

    def get(page: str, path: str, ok=(200,)) -> Answer:
        if think:
            time.sleep(think * rng.uniform(0.5, 1.5))
        if not tally.claim():
            raise Stop
        answer = _fetch(browser, path)
        tally.record(page, answer, answer.status in ok)
        return answer

    def post(page: str, path: str, data: dict) -> None:
        if think:
            time.sleep(think * rng.uniform(0.5, 1.5))
        if not tally.claim():
            raise Stop
        answer = _fetch(browser, path, data)
        tally.record(page, answer, answer.status == 302)

    action = targets.actions[index % len(targets.actions)] if targets.actions else None
    try:
        while True:
            if "my work" in pages:
                get("my work", "/my-work/")
            if "caseload" in pages:
                team = rng.choice(targets.teams) if targets.teams else ""
                get("caseload", f"/children/?team={team}&on_plan=yes")
            if targets.la_child_ids and "search" in pages:
                q = urllib.parse.quote(rng.choice(targets.la_child_ids))
                get("search", f"/children/search/?q={q}", ok=(200, 302))
            if targets.children and "journey" in pages:
                get("journey", f"/children/{rng.choice(targets.children)}/")
            if action and "progress" in pages:
                path = f"/plans/{action[0]}/actions/{action[1]}/progress"
                form = get("progress form", path)
                token, version = _CSRF.search(form.body), _VERSION.search(form.body)
                status = _STATUS.search(form.body)
                if token and version:
                    post(
                        "record progress (POST)",
                        path,
                        {
                            "csrfmiddlewaretoken": token[1],
                            "version": html.unescape(version[1]),
                            "status": html.unescape(status[1]) if status else "in_progress",
                            "progress": f"Load test: progress noted ({rng.randrange(10**6)}).",
                        },
                    )
            if "monthly report" in pages:
                get("monthly report", f"/reports/monthly/{targets.month}/", ok=REPORT_OK)
            if "annual report" in pages:
                get("annual report", f"/reports/annual/{targets.year}/", ok=REPORT_OK)
    except Stop:
        return


def run_load(
    base_url: str,
    logins: list[tuple[str, str]],
    targets: Targets,
    *,
    users: int,
    think: float,
    duration: float,
    max_requests: int,
    seed: int = 1,
    pages: tuple[str, ...] = PAGES,
) -> dict:
    """Sign in ``users`` sessions (cycling through ``logins``), then run them together
    within the bounds; the tally by page and the wall time of the load."""
    require_loopback(base_url)
    browsers = []
    for i in range(users):
        browser = Browser(base_url)
        browser.sign_in(*logins[i % len(logins)])
        browsers.append(browser)
    tally = Tally(max_requests=max_requests, deadline=time.monotonic() + duration)
    threads = [
        threading.Thread(
            target=user_loop,
            args=(browser, targets, tally),
            kwargs={"index": i, "think": think, "seed": seed * 1000 + i, "pages": pages},
            daemon=True,
        )
        for i, browser in enumerate(browsers)
    ]
    busy, client = machine_busy_seconds(), time.process_time()
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    cpu = None
    if busy is not None and (after := machine_busy_seconds()) is not None:
        cpu = {"machine": after - busy, "client": time.process_time() - client}
    return {"tally": tally, "elapsed": elapsed, "users": users, "think": think, "cpu": cpu}


def machine_busy_seconds() -> float | None:
    """CPU seconds the whole machine has spent busy since it started, every core counted
    (Linux's /proc/stat: all but idle and waiting for I/O); None where there is none."""
    try:
        ticks = [int(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:9]]
    except (OSError, ValueError):
        return None
    idle = ticks[3] + ticks[4]
    return (sum(ticks) - idle) / os.sysconf("SC_CLK_TCK")


# --- The served demo ----------------------------------------------------------------------


def _free_port(host: str) -> int:
    with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as s:
        s.bind((host, 0))
        return s.getsockname()[1]


def _env(var_dir: Path, database_url: str | None) -> dict:
    env = {**os.environ, "IRO_VAR_DIR": str(var_dir), "IRO_ENV": "demo"}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(SRC), env.get("PYTHONPATH")]))
    if database_url:
        env["DATABASE_URL"] = database_url
    else:
        env.pop("DATABASE_URL", None)
    env.pop("DATABASE_REPLICA_URL", None)
    return env


def prepare_database(
    var_dir: Path, database_url: str | None, scale: float, dataset: str | None = None
) -> float:
    """Migrate and build the demo authority (or ``dataset``) when the database has no
    children (a kept ``--var-dir`` or database is reused); the seconds it took."""
    if database_url:
        _create_pg_database(database_url)
    env = _env(var_dir, database_url)
    started = time.perf_counter()
    with open(var_dir / "demo.log", "a") as log:
        for args in (
            ["migrate", "--no-input", "-v", "0"],
            [
                "demo",
                "--if-empty",
                *(["--dataset", dataset] if dataset else ["--scale", str(scale)]),
            ],
        ):
            subprocess.run(  # noqa: S603 - our own command, our own arguments
                [str(BIN / "iro"), *args], env=env, cwd=REPO, stdout=log, stderr=log, check=True
            )
    if database_url:  # fresh statistics for the planner, as after a night's autovacuum
        import psycopg

        with psycopg.connect(database_url, autocommit=True) as conn:
            conn.execute("ANALYZE")
    return time.perf_counter() - started


def _create_pg_database(url: str) -> None:
    import psycopg

    parts = urllib.parse.urlsplit(url)
    require_loopback(parts.hostname or "")
    name = parts.path.lstrip("/")
    server = urllib.parse.urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(server, autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')


class Server:
    """``scripts/serve.sh`` (gunicorn and the worker) on the loopback; a context manager."""

    def __init__(self, var_dir: Path, database_url: str | None, host: str, workers: int):
        require_loopback(host)
        self.host, self.port = host, _free_port(host)
        self.env = {
            **_env(var_dir, database_url),
            "BIN": str(BIN),
            "HOST": host,
            "PORT": str(self.port),
            "WEB_WORKERS": str(workers),
        }
        self.log_path = var_dir / "serve.log"
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}"

    def __enter__(self) -> Server:
        self.log = open(self.log_path, "a")
        self.process = subprocess.Popen(  # noqa: S603 - the project's own script
            [str(REPO / "scripts" / "serve.sh")],
            env=self.env,
            cwd=REPO,
            stdout=self.log,
            stderr=self.log,
            start_new_session=True,
        )
        give_up = time.monotonic() + 60
        while time.monotonic() < give_up:
            if self.process.poll() is not None:
                raise SystemExit(f"serve.sh stopped at once; see {self.log_path}")
            try:
                if Browser(self.url).request("/accounts/login/").status == 200:
                    return self
            except OSError:
                pass
            time.sleep(0.5)
        self.__exit__(None, None, None)
        raise SystemExit(f"the server did not answer within 60 s; see {self.log_path}")

    def stopped(self) -> str:
        """Empty while serving; otherwise the exit status and the end of the log (serve.sh
        stops gunicorn when the worker stops, and the other way round)."""
        if not self.process or self.process.poll() is None:
            return ""
        self.log.flush()
        tail = self.log_path.read_text(errors="replace").splitlines()[-15:]
        return f"exit status {self.process.returncode}; the end of its log:\n" + "\n".join(tail)

    def __exit__(self, *exc) -> None:
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)  # serve.sh stops both
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)  # our own process group
                self.process.wait()
        self.log.close()


# --- Figures ------------------------------------------------------------------------------


def _p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(0.95 * len(ordered)) - 1))]


def summarise(result: dict, baseline: dict | None = None) -> dict:
    """Per page: count, median, p95, max (ms), errors, p95 against the baseline median."""
    tally: Tally = result["tally"]
    base = {}
    if baseline:
        base = {p: statistics.median(t) for p, t in baseline["tally"].times.items()}
    pages = {}
    for page, times in tally.times.items():
        pages[page] = {
            "count": len(times),
            "median_ms": statistics.median(times) * 1000,
            "p95_ms": _p95(times) * 1000,
            "max_ms": max(times) * 1000,
            "errors": tally.errors.get(page, 0),
            "waiting": tally.waiting.get(page, 0),
            "failure": tally.samples.get(page, ""),
            "vs_baseline": _p95(times) / base[page] if base.get(page) else None,
        }
    total = sum(len(t) for t in tally.times.values())
    case = sum(len(tally.times.get(p, [])) for p in CASE_PAGES)
    return {
        "pages": pages,
        "requests": total,
        "errors": sum(tally.errors.values()),
        "waiting": sum(tally.waiting.values()),
        "elapsed_s": result["elapsed"],
        "rps": total / result["elapsed"] if result["elapsed"] else 0.0,
        "case_rps": case / result["elapsed"] if result["elapsed"] else 0.0,
        "cpu": _cpu_per_request(result.get("cpu"), total, result["elapsed"]),
    }


def _cpu_per_request(cpu: dict | None, requests: int, elapsed: float) -> dict | None:
    """Where the machine's CPU went during the load, per request: the load client's own
    threads, and everything else (the web workers, PostgreSQL, the background worker and
    whatever else runs), so what a request costs the server side is known apart from
    the client that shares the cores."""
    if not cpu or not requests or not elapsed:
        return None
    server = max(0.0, cpu["machine"] - cpu["client"])
    return {
        "busy_share": cpu["machine"] / (elapsed * (os.cpu_count() or 1)),
        "client_ms": cpu["client"] / requests * 1000,
        "server_ms": server / requests * 1000,
    }


def print_summary(title: str, summary: dict) -> None:
    print()
    print(title)
    header = (
        f"{'page':24} {'requests':>8} {'median ms':>10} {'p95 ms':>8} {'max ms':>8} "
        f"{'errors':>6} {'p95 / alone':>11}"
    )
    print(header)
    print("-" * len(header))
    for page, row in summary["pages"].items():
        ratio = f"x{row['vs_baseline']:.1f}" if row["vs_baseline"] else "-"
        print(
            f"{page:24} {row['count']:>8} {row['median_ms']:>10.0f} {row['p95_ms']:>8.0f} "
            f"{row['max_ms']:>8.0f} {row['errors']:>6} {ratio:>11}"
        )
    for page, row in summary["pages"].items():
        if row["waiting"]:
            print(
                f"  {page}: {row['waiting']} of {row['count']} answered 202, the report "
                "being worked out by the worker (the page opens it when ready)"
            )
        if row["failure"]:
            print(f"  {page}: first failure answered {row['failure']}")
    print(
        f"{summary['requests']} requests in {summary['elapsed_s']:.1f} s: "
        f"{summary['rps']:.1f} per second overall, {summary['case_rps']:.1f} per second "
        f"on the case pages ({', '.join(CASE_PAGES)}); {summary['errors']} errors"
    )
    if cpu := summary.get("cpu"):
        cores = os.cpu_count() or 1
        print(
            f"CPU: the machine {cpu['busy_share']:.0%} busy; per request {cpu['client_ms']:.1f}"
            f" ms in the load client and {cpu['server_ms']:.1f} ms in everything else (web "
            f"workers, database, background worker): {cores} cores at that cost serve at "
            f"most {cores * 1000 / max(cpu['server_ms'], 0.001):.0f} requests a second "
            "without the client"
        )


def print_goals(summary: dict, think: float) -> None:
    pages = summary["pages"]
    if not pages:
        return
    slowest = max(pages, key=lambda p: pages[p]["p95_ms"])
    over = [p for p, row in pages.items() if row["p95_ms"] >= P95_GOAL_MS]
    if think:
        verdict = "met" if not over and not summary["errors"] else "missed"
        print(
            f"Goal (p95 under {P95_GOAL_MS} ms on every page, no errors): {verdict}"
            + (f"; over: {', '.join(over)}" if over else "")
        )
    else:
        verdict = "met" if summary["case_rps"] >= RPS_GOAL else "missed"
        print(
            f"Goal (at least {RPS_GOAL} requests per second on the case pages): {verdict} "
            f"({summary['case_rps']:.1f})"
        )
    print(f"Slowest page: {slowest}, p95 {pages[slowest]['p95_ms']:.0f} ms")


# --- The driver ---------------------------------------------------------------------------


def wait_for_kept_reports(limit: float, poll: float = 2.0) -> float | None:
    """Seconds until the worker has kept every report it keeps (``reports_kept_now``),
    or None if it has not after ``limit`` seconds. A service's reports are kept all day;
    right after the server starts, the worker's first round (twelve reports, about a
    minute at regional size) would otherwise be measured as load."""
    from iro.reports.keeping import reports_kept_now

    start = time.monotonic()
    while True:
        if reports_kept_now():
            return time.monotonic() - start
        if time.monotonic() - start >= limit:
            return None
        time.sleep(poll)


def _setup_django(var_dir: Path, database_url: str | None) -> None:
    os.environ.update(_env(var_dir, database_url))
    if not database_url:
        os.environ.pop("DATABASE_URL", None)
    os.environ["DJANGO_SETTINGS_MODULE"] = "iro.settings"
    import django

    django.setup()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--users", type=int, default=20, help="simulated users at once")
    parser.add_argument("--think", type=float, default=2.0, help="seconds between requests")
    parser.add_argument("--duration", type=float, default=60.0, help="at most, in seconds")
    parser.add_argument("--max-requests", type=int, default=20000, help="at most, in all")
    parser.add_argument(
        "--pages", nargs="+", choices=PAGES, default=list(PAGES), help="the loop's pages"
    )
    parser.add_argument("--baseline-loops", type=int, default=3, help="one user alone")
    parser.add_argument("--scale", type=float, default=1.0, help="of the demo authority")
    parser.add_argument(
        "--dataset",
        choices=("regional", "national"),
        help="data at scale instead of the demo authority (iro demo --dataset)",
    )
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers")
    parser.add_argument("--host", default="127.0.0.1", help="a loopback address")
    parser.add_argument("--database-url", help="PostgreSQL on the loopback (default SQLite)")
    parser.add_argument("--var-dir", help="keep the demo here and reuse it next time")
    parser.add_argument(
        "--wait-for-reports",
        type=float,
        default=600,
        metavar="SECONDS",
        help="before measuring, wait at most this long for the worker to keep the reports "
        "most read, as a running service has them (0: do not wait)",
    )
    args = parser.parse_args(argv)
    if args.wait_for_reports < 0:
        parser.error(f"--wait-for-reports must be 0 or more seconds, not {args.wait_for_reports:g}")
    try:
        require_loopback(args.host)
        if args.database_url:
            require_loopback(args.database_url)
    except ValueError as error:
        raise SystemExit(str(error)) from error

    var_dir = Path(args.var_dir or tempfile.mkdtemp(prefix="iro-load-"))
    var_dir.mkdir(parents=True, exist_ok=True)
    try:
        backend = "PostgreSQL" if args.database_url else "SQLite"
        what = f"{args.dataset} dataset" if args.dataset else f"demo authority (scale {args.scale})"
        print(f"{backend} {what} in {var_dir} ...", flush=True)
        built = prepare_database(var_dir, args.database_url, args.scale, args.dataset)
        print(f"ready in {built:.0f} s", flush=True)
        _setup_django(var_dir, args.database_url)
        from django.conf import settings

        targets = discover_targets()
        loop = len(args.pages) + ("progress" in args.pages)  # the progress form and its POST
        logins = [(name, settings.DEMO_PASSWORD) for name in DEMO_USERS]
        with Server(var_dir, args.database_url, args.host, args.workers) as server:
            print(f"serving at {server.url} ({args.workers} gunicorn workers)", flush=True)
            # A warm-up loop (first requests fill the reports' cache), then the baseline.
            run_load(server.url, logins, targets, users=1, think=0, duration=120,
                     max_requests=loop, pages=tuple(args.pages))  # fmt: skip
            if args.wait_for_reports > 0:
                waited = wait_for_kept_reports(args.wait_for_reports)
                print(
                    f"the worker kept the reports most read in {waited:.0f} s"
                    if waited is not None
                    else f"the worker had not kept the reports most read after "
                    f"{args.wait_for_reports:g} s; measuring all the same",
                    flush=True,
                )
            baseline = run_load(
                server.url, logins, targets, users=1, think=0, duration=300,
                max_requests=loop * args.baseline_loops, pages=tuple(args.pages),
            )  # fmt: skip
            print_summary("Baseline: one user alone, no think time", summarise(baseline))
            print(f"\nSigning in {args.users} users ...", flush=True)
            print(
                "Load average before: " + ", ".join(f"{x:.2f}" for x in os.getloadavg()),
                flush=True,
            )
            result = run_load(
                server.url,
                logins,
                targets,
                users=args.users,
                think=args.think,
                duration=args.duration,
                max_requests=args.max_requests,
                pages=tuple(args.pages),
            )
            if stopped := server.stopped():
                print(f"\nThe server stopped during the load: {stopped}")
        summary = summarise(result, baseline)
        print_summary(
            f"Load: {args.users} users, think time {args.think:g} s, "
            f"at most {args.duration:g} s and {args.max_requests} requests ({backend}; "
            f"pages: {', '.join(args.pages)})",
            summary,
        )
        print_goals(summary, args.think)
        print(
            "Load average (1, 5, 15 min) at the end: "
            + ", ".join(f"{x:.2f}" for x in os.getloadavg())
            + f" on {os.cpu_count()} cores (the client runs on the same machine)"
        )
    finally:
        if not args.var_dir:
            shutil.rmtree(var_dir, ignore_errors=True)


if __name__ == "__main__":
    main()
