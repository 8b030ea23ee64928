"""App servers keep no state of their own: two gunicorns on different ports against one
PostgreSQL database serve the same signed-in user. Sessions, the sign-in lockout's counts
and allauth's limits are all in the database. Bounded: each server must answer within
STARTUP seconds and every request within REQUEST seconds, or the test fails."""

from __future__ import annotations

import http.cookiejar
import os
import re
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from django.db import connection

from tests.factories import make_staff
from tests.notices.smtp_server import free_port

pytestmark = pytest.mark.django_db(transaction=True)

ROOT = Path(__file__).resolve().parents[2]
STARTUP = 60
REQUEST = 20
PASSWORD = "two-servers-one-database"


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def start_server(port: int) -> subprocess.Popen:
    settings = connection.settings_dict
    url = f"postgres://{settings['USER']}@{settings['HOST']}:{settings['PORT']}/{settings['NAME']}"
    env = {
        **os.environ,
        "IRO_ENV": "test",
        "DATABASE_URL": url,
        "PYTHONPATH": str(ROOT / "src"),
    }
    gunicorn = Path(sys.executable).with_name("gunicorn")
    return subprocess.Popen(
        [str(gunicorn), "iro.wsgi", "--bind", f"127.0.0.1:{port}", "--workers", "1"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def wait_until_up(port: int, process: subprocess.Popen) -> None:
    deadline = time.monotonic() + STARTUP
    while time.monotonic() < deadline:
        assert process.poll() is None, f"the server on {port} stopped"
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2)
            return
        except urllib.error.HTTPError:
            return  # it answered (503: no worker in this test)
        except OSError:
            time.sleep(0.3)
    pytest.fail(f"the server on {port} did not answer within {STARTUP} s")


@pytest.fixture
def two_servers():
    if connection.vendor != "postgresql":
        pytest.skip("the two-app-server check runs on PostgreSQL (make test-postgres)")
    ports = [free_port(), free_port()]
    processes = [start_server(port) for port in ports]
    try:
        for port, process in zip(ports, processes, strict=True):
            wait_until_up(port, process)
        yield ports
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            try:
                process.wait(timeout=REQUEST)
            except subprocess.TimeoutExpired:
                process.kill()


def csrf_token(html: str) -> str:
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)[1]


def test_signed_in_on_one_app_server_the_user_continues_on_the_other(two_servers, settings):
    # A hasher the servers know (the tests' own fast one is not among theirs).
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.PBKDF2PasswordHasher"]
    user = make_staff().iro
    user.set_password(PASSWORD)
    user.save()
    first, second = (f"http://127.0.0.1:{port}" for port in two_servers)
    jar = http.cookiejar.CookieJar()  # one browser: cookies for 127.0.0.1, any port
    browser = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar), NoRedirect)

    def get(url):
        try:
            with browser.open(url, timeout=REQUEST) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.headers.get("Location", "")

    def post(url, data, referer):
        body = urllib.parse.urlencode(data).encode()
        request = urllib.request.Request(url, data=body, headers={"Referer": referer})  # noqa: S310 (http on loopback)
        try:
            with browser.open(request, timeout=REQUEST) as response:
                return response.status, ""
        except urllib.error.HTTPError as error:
            return error.code, error.headers.get("Location", "")

    status, form = get(f"{first}/accounts/login/")
    assert status == 200
    status, where = post(
        f"{first}/accounts/login/",
        {"login": user.username, "password": PASSWORD, "csrfmiddlewaretoken": csrf_token(form)},
        referer=f"{first}/accounts/login/",
    )
    assert status == 302 and "/accounts/login/" not in where

    # The second server knows the session the first one made.
    status, page = get(f"{second}/messages/")
    assert status == 200
    assert "Messages" in page and user.get_full_name() in page

    # Signing out on the second ends the session on the first too.
    status, page = get(f"{second}/messages/")
    status, _ = post(
        f"{second}/accounts/logout/",
        {"csrfmiddlewaretoken": csrf_token(page)},
        referer=f"{second}/messages/",
    )
    assert status == 302
    status, where = get(f"{first}/messages/")
    assert status == 302 and "/accounts/login/" in where
