"""Browser tests: Playwright drives Debian's Chromium against pytest-django's
live server.

Every test here needs ``@pytest.mark.browser`` (skipped without
/usr/bin/chromium, fails in CI) and ``@pytest.mark.django_db(transaction=True)``:
the live server handles requests in another thread, where each request
commits for real, so on-commit callbacks (the outbox's email sends) run and
the locmem ``django.core.mail.outbox`` receives the emails.

On SQLite the test database is in memory; pytest-django hands the same
connection to the live server thread, so both see the same rows.
"""

import os

# Playwright's sync API runs an event loop in this thread; without this,
# Django refuses ORM calls made from the test while a browser is open.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

import re
from dataclasses import dataclass

import pytest

from tests.conftest import CHROMIUM_PATH

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
]
SCREENSHOT_DIR = "/tmp"  # screenshots are written to /tmp/e2e-*.png
RESUME_LINK_RE = re.compile(r"https?://\S+?/r/[\w-]+/")


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {**browser_type_launch_args, "executable_path": str(CHROMIUM_PATH), "args": CHROMIUM_ARGS}


@pytest.fixture(autouse=True)
def _fresh_cache():
    """The link-request rate limits count in the (process-wide) cache, and
    every browser request comes from 127.0.0.1: start each test afresh."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def site(live_server, settings):
    """The live server's URL, which emails now use for their links, so a test
    follows the links exactly as they were sent."""
    settings.BASE_URL = live_server.url
    return live_server.url


@dataclass
class Sent:
    """One email from django.core.mail.outbox."""

    to: list[str]
    subject: str
    body: str

    @property
    def link(self) -> str:
        match = RESUME_LINK_RE.search(self.body)
        assert match, f"no resume link in the email {self.subject!r}:\n{self.body}"
        return match.group(0)


class Outbox:
    """What the app has emailed during this test (django.core.mail.outbox)."""

    def all(self) -> list[Sent]:
        from django.core import mail

        return [Sent(to=list(m.to), subject=m.subject, body=m.body) for m in mail.outbox]

    def last_to(self, address: str) -> Sent:
        matching = [m for m in self.all() if any(address in to for to in m.to)]
        assert matching, f"no email to {address}; sent: {[(m.to, m.subject) for m in self.all()]}"
        return matching[-1]


@pytest.fixture
def outbox(mailoutbox) -> Outbox:
    return Outbox()


@pytest.fixture
def world():
    """Partnership A's world (partnership B exists too, so a leak would show)."""
    from tests.factories import two_partnerships

    return two_partnerships().a


def answer_theme(page, value: str = "Yes") -> None:
    """Answer every question on a theme page by clicking its label."""
    questions = page.locator("fieldset").filter(has=page.locator("input[name^='q_']"))
    for index in range(questions.count()):
        questions.nth(index).locator("label").get_by_text(value, exact=True).click()


def choose_organisation(page, name: str) -> None:
    """On the start form: with JavaScript, type the start of the name in the
    "Your organisation" combobox and pick it from the list; without, choose
    it in the plain select."""
    if page.evaluate("() => !!window.accessibleAutocomplete"):
        # The text box the script puts in place of the select (a select is a
        # combobox too): fill waits for it, so a slow enhancement is no race.
        combobox = page.locator("input").and_(page.get_by_role("combobox", name="Your organisation"))
        combobox.fill(name[: max(4, len(name) // 2)])
        page.get_by_role("option", name=name, exact=True).click()
        return
    page.get_by_label("Your organisation").select_option(label=name)


def choose_rag(page, rating: str) -> None:
    group = page.get_by_role("group", name="How well does your organisation meet this theme?")
    group.locator("label").filter(has_text=rating).click()


@pytest.fixture
def shot():
    """shot(page, name) saves a full-page screenshot to /tmp/e2e-<name>.png."""

    def take(page, name: str) -> str:
        path = f"{SCREENSHOT_DIR}/e2e-{name}.png"
        page.screenshot(path=path, full_page=True)
        return path

    return take
