"""Hostile input never makes a server error (issue 12 item 6).

Every URL pattern the resolver knows is requested with hostile values in
each of its path parts (a NUL byte, a broken escape, an overlong part, huge
and negative numbers, unicode, path traversal), and every page that takes a
POST is sent hostile form values (NUL bytes, overlong text, huge numbers,
unicode, every field missing, every field twice). Whoever could reach the
page asks: staff pages a partnership admin signed in with a second factor,
the platform's pages and the Django admin the platform admin, an agency's
return an agency session, everything else nobody. No answer may be a 5xx.

The valid parts come from the authorisation table (tests/authz/cases_*.py)
for staff URLs and from a small world for the rest, so each hostile value is
tried with every other part of the URL real.
"""

import importlib
import logging
import pkgutil
import re
from dataclasses import dataclass
from datetime import timedelta
from urllib.parse import quote, urlsplit

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone

from audits.models import Evidence
from audits.services import resume_link_create
from audits.services.actions import ActionItemData, action_item_add
from partnerships.models import StaffRole
from tests import authz
from tests.authz.world import authz_world
from tests.factories import AgencyFactory, SubmissionFactory, UserFactory
from tests.staff import sign_in, staff_client

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _quiet_request_log(caplog):
    # Thousands of "Not Found" warnings cost time to format and say nothing.
    caplog.set_level(logging.ERROR, logger="django.request")


# Already percent-encoded where the raw value could not be sent.
HOSTILE_PATH_VALUES = [
    "%00",
    "ok%00",
    "%ZZ",
    "x" * 4000,
    "99999999999999999999999999999",
    "2147483648",
    "-1",
    quote("\u202e\U0001d54f\u03a9\u0301 \U0001f642"),
    "..%2F..%2Fetc%2Fpasswd",
    "%C0%AF",
]
# The Django admin has some 150 patterns of the same few shapes: fewer values.
HOSTILE_ADMIN_PATH_VALUES = ["%00", "99999999999999999999999999999"]

OVERLONG = "x" * 20_000
UNICODE = "\u202e\U0001d54f\u03a9\u0301 \U0001f642 \uff1cscript\uff1e \u0000"[:-2]


def hostile_payloads(fields: list[str], file_fields: list[str]) -> list[tuple[str, dict]]:
    def every(value):
        return dict.fromkeys(fields, value)

    with_file = every("a\x00b")
    for name in file_fields:
        with_file[name] = SimpleUploadedFile("..\\..\\evil\x00.html", b"<script>alert(1)</script>")
    return [
        ("nul", with_file),
        ("overlong", every(OVERLONG)),
        ("huge", every("9" * 40)),
        ("int32", every("-2147483649")),
        ("unicode", every(UNICODE)),
        ("missing", {}),
        ("lists", {name: ["1", "2"] for name in fields}),
        ("date-overflow", {name: ("2147483648" if i % 3 == 2 else "1") for i, name in enumerate(fields)}),
    ]


# ---------------------------------------------------------------------------
# The URL patterns
# ---------------------------------------------------------------------------

PARAM = re.compile(r"<(?:(?P<converter>\w+):)?(?P<name>\w+)>")


@dataclass(frozen=True)
class Route:
    route: str  # e.g. "<slug:partnership_slug>/return/themes/<slug:theme_key>/"
    name: str | None
    regex: bool

    @property
    def params(self) -> list[str]:
        return [m.group("name") for m in PARAM.finditer(self.route)]

    def url(self, values: dict) -> str:
        return "/" + PARAM.sub(lambda m: values.get(m.group("name"), "1"), self.route)


def all_routes() -> list[Route]:
    routes = []

    def walk(patterns, prefix, regex):
        for p in patterns:
            is_regex = regex or type(p.pattern).__name__ == "RegexPattern"
            if isinstance(p, URLResolver):
                walk(p.url_patterns, prefix + str(p.pattern), is_regex)
            elif isinstance(p, URLPattern):
                routes.append(Route(prefix + str(p.pattern), p.name, is_regex))

    walk(get_resolver().url_patterns, "", False)
    return routes


def regex_route_url(route: Route) -> str | None:
    """A URL for a regular-expression pattern: the Django admin's app list
    and catch-all, allauth's key URLs."""
    path = route.route.replace("^", "").replace("$", "")
    samples = {
        r"(?P<app_label>auth|account|mfa|accounts|partnerships|themes|audits)": "audits",
        r"(?P<url>.*)": "no-such-page/",
        r"(?P<key>[-:\w]+)": "abc",
        r"(?P<uidb36>[0-9A-Za-z]+)-(?P<key>.+)": "1-abc",
    }
    for pattern, sample in samples.items():
        path = path.replace(pattern, sample)
    return None if "(?P" in path else "/" + path


# ---------------------------------------------------------------------------
# The world and who asks
# ---------------------------------------------------------------------------


def _staff_cases() -> tuple[dict, dict]:
    """The authorisation table's first case for each staff URL, and its POST
    case where it has one."""
    cases, post_cases = {}, {}
    for info in pkgutil.iter_modules(authz.__path__):
        if info.name.startswith("cases_"):
            for case in importlib.import_module(f"{authz.__name__}.{info.name}").CASES:
                cases.setdefault(case.url_name, case)
                if case.method == "post":
                    post_cases.setdefault(case.url_name, case)
    return cases, post_cases


@dataclass
class Identities:
    anonymous: Client
    staff: Client
    platform: Client
    agency: Client


class HostileWorld:
    def __init__(self):
        self.w = authz_world()
        a = self.w.a
        # The agency's own, still open return (the world's ones are submitted).
        agency = AgencyFactory(
            partnership=a.partnership, name="Open Agency", contacts=[("Jo", "jo@open.example")]
        )
        now = timezone.now()
        a.cycle.closes_at = max(a.cycle.closes_at, now + timedelta(days=30))
        a.cycle.save(update_fields=["closes_at"])
        self.open_submission = SubmissionFactory(cycle=a.cycle, agency=agency)
        theme = a.question_set.themes.order_by("order").first()
        self.evidence = Evidence.objects.create(
            submission=self.open_submission,
            theme=theme,
            kind=Evidence.Kind.LINK,
            url="https://example.org/",
            title="Policy",
            token="e" * 32,
        )
        self.item = action_item_add(
            submission=self.open_submission,
            theme=theme,
            data=ActionItemData(
                action="Train",
                lead_person="Lead",
                target_date=timezone.localdate() + timedelta(days=30),
                success_criteria="Done",
            ),
            actor=self._actor(),
        )
        self.cases, self.post_cases = _staff_cases()
        self._values_cache = {}
        self.staff_user = None
        self.values = {
            "partnership_slug": a.partnership.slug,
            "cycle_slug": a.cycle.slug,
            "theme_key": theme.key,
            "token": self.evidence.token,
            "item_id": str(self.item.pk),
            "version": "1",
            "reference": a.submission.reference,
            "user_id": str(UserFactory().pk),
            "object_id": "1",
        }
        self.admin_user = UserFactory(is_staff=True, is_superuser=True)
        from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

        TOTP.activate(self.admin_user, generate_totp_secret())

    def _actor(self):
        from core.domain import Actor

        return Actor(name="Jo", email="jo@open.example")

    def identities(self) -> Identities:
        return Identities(*(self.fresh(kind) for kind in ("anonymous", "staff", "platform", "agency")))

    def fresh(self, kind: str) -> Client:
        """A new client for one kind of person, signed in as they would be."""
        client = Client(raise_request_exception=False)
        if kind == "staff":
            if self.staff_user is None:
                self.staff_user = staff_client(Client(), self.w.a.partnership, StaffRole.ADMIN).user
            sign_in(client, self.staff_user)
        elif kind == "platform":
            sign_in(client, self.admin_user)
        elif kind == "agency":
            _, link = resume_link_create(
                submission=self.open_submission, name="Jo", email="jo@open.example", mint=True
            )
            client.get(urlsplit(link).path)
        return client

    def values_for(self, route: Route) -> dict:
        # Worked out once, before any hostile POST can remove what they name.
        if route not in self._values_cache:
            values = dict(self.values)
            case = self.cases.get(route.name or "")
            if case is not None:
                values.update({k: str(v) for k, v in case.kwargs(self.w.a).items()})
            self._values_cache[route] = values
        return self._values_cache[route]

    @staticmethod
    def kind(route: Route) -> str:
        r = route.route
        if r.startswith(("django-admin/", "staff/platform/")):
            return "platform"
        staff = ("<slug:partnership_slug>/staff/", "staff/", "accounts/2fa/", "accounts/password/change")
        if r.startswith(staff):
            return "staff"
        if r.startswith("<slug:partnership_slug>/return/"):
            return "agency"
        return "anonymous"

    def who(self, route: Route, ids: Identities) -> Client:
        return getattr(ids, self.kind(route))


def _server_error(response) -> bool:
    return response.status_code >= 500


# ---------------------------------------------------------------------------
# The tests
# ---------------------------------------------------------------------------


def test_every_url_pattern_with_hostile_path_values_answers_without_a_server_error():
    world = HostileWorld()
    ids = world.identities()
    routes = all_routes()
    assert len(routes) > 150, "the resolver walk found too few patterns"
    failures, tried = [], 0
    for route in routes:
        client = world.who(route, ids)
        if route.regex:
            url = regex_route_url(route)
            urls = [url, url + "%00", url + "%ZZ"] if url else []
        else:
            values = world.values_for(route)
            hostile = (
                HOSTILE_ADMIN_PATH_VALUES if route.route.startswith("django-admin/") else HOSTILE_PATH_VALUES
            )
            # The admin's own pages, plain, are requested by the forms test.
            plain = [] if route.route.startswith("django-admin/") and route.params else [route.url(values)]
            urls = plain + [
                route.url({**values, param: value}) for param in route.params for value in hostile
            ]
        for url in urls:
            tried += 1
            response = client.get(url)
            if _server_error(response):
                failures.append((response.status_code, route.name, url[:200]))
        if route.name == "agency_sign_out" or route.route.startswith("<slug:partnership_slug>/r/"):
            ids = world.identities()  # the agency session may have ended
    assert tried > 2000
    assert not failures, "\n".join(map(str, failures))


def test_hostile_query_strings_answer_without_a_server_error():
    """Filters, ?theme=, ?next=, ?set= and the like with hostile values."""
    world = HostileWorld()
    ids = world.identities()
    failures = []
    params = [
        "theme",
        "next",
        "set",
        "agency",
        "locality",
        "sector",
        "status",
        "rag",
        "q",
        "page",
        "overdue",
        "cycle",
    ]
    values = ["a%00b", "9" * 30 + "%ZZ" + quote(UNICODE) + "..%2F..%2F"]
    for route in all_routes():
        if route.regex or route.route.startswith("django-admin/"):
            continue
        url = route.url(world.values_for(route))
        client = world.who(route, ids)
        for value in values:
            query = "&".join(f"{p}={value}" for p in params)
            response = client.get(f"{url}?{query}")
            if _server_error(response):
                failures.append((response.status_code, route.name, value[:20]))
        if route.name == "agency_sign_out" or route.route.startswith("<slug:partnership_slug>/r/"):
            ids = world.identities()
    assert not failures, "\n".join(map(str, failures))


FIELD = re.compile(r"<(input|select|textarea)\b([^>]*)>", re.I)
ATTR = re.compile(r'(\w[\w-]*)="([^"]*)"')


def form_fields(html: str) -> tuple[list[str], list[str]]:
    names, files = [], []
    for match in FIELD.finditer(html):
        attrs = dict(ATTR.findall(match.group(2)))
        name = attrs.get("name")
        if not name or name == "csrfmiddlewaretoken" or name in names:
            continue
        names.append(name)
        if attrs.get("type") == "file":
            files.append(name)
    return names, files


def test_every_form_with_hostile_values_answers_without_a_server_error():
    world = HostileWorld()
    failures, posted = [], 0
    routes = all_routes()
    # Worked out before any hostile POST can remove what they need.
    post_fields = {name: list(case.data(world.w.a)) for name, case in world.post_cases.items()}
    for route in routes:
        if not route.regex:
            world.values_for(route)
    for route in routes:
        if route.regex:
            continue
        client = world.fresh(world.kind(route))  # a fresh session for each page: a POST may end one
        url = route.url(world.values_for(route))
        page = client.get(url)
        html = page.content.decode(errors="replace") if not page.streaming else ""
        case_fields = post_fields.get(route.name or "")
        takes_post = page.status_code == 405 or 'method="post"' in html.lower() or case_fields is not None
        if not takes_post:
            continue
        fields, files = form_fields(html)
        fields += [k for k in case_fields or () if k not in fields]
        payloads = hostile_payloads(fields or ["name", "email", "id"], files)
        if route.route.startswith("django-admin/"):
            payloads = payloads[:1] + payloads[5:6]  # NUL and nothing: the admin is Django's own
        for label, data in payloads:
            posted += 1
            response = client.post(url, data)
            if _server_error(response):
                failures.append((response.status_code, route.name, label))
    assert posted > 300
    assert not failures, "\n".join(map(str, failures))


# ---------------------------------------------------------------------------
# The three causes the review found, one by one
# ---------------------------------------------------------------------------


def test_a_nul_byte_in_a_path_part_is_not_found_and_in_a_query_string_a_bad_request():
    world = HostileWorld()
    staff = world.fresh("staff")
    slug = world.w.a.partnership.slug
    assert staff.get(f"/{slug}/staff/returns/S11%00/").status_code == 404
    assert staff.get(f"/{slug}/staff/cycles/{world.w.a.cycle.slug}/emails/%00/").status_code == 404
    assert world.fresh("agency").get(f"/{slug}/return/evidence/ab%00cd/").status_code == 404
    assert staff.get(f"/{slug}/staff/?agency=1%00").status_code == 400


@pytest.mark.parametrize("theme", ["a b", "%3Cscript%3E", "x" * 300, "no-such-theme", "%00"])
def test_save_and_come_back_later_ignores_a_theme_that_is_not_one_of_the_returns(theme):
    world = HostileWorld()
    agency = world.fresh("agency")
    slug = world.w.a.partnership.slug
    response = agency.get(f"/{slug}/return/save-and-come-back/?theme={theme}")
    assert response.status_code in (200, 400)
    if response.status_code == 200:
        assert f'href="/{slug}/return/" class="govuk-back-link"' in response.content.decode()
    key = world.values["theme_key"]
    page = agency.get(f"/{slug}/return/save-and-come-back/?theme={key}").content.decode()
    assert f'href="/{slug}/return/themes/{key}/" class="govuk-back-link"' in page
