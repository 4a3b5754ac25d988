"""Every staff URL, tried by everyone who might ask for it: nobody signed in,
an agency contributor's session, a member without a second factor, each
role, and a reviewer of another partnership. Cases live in cases_*.py."""

import importlib
import pkgutil
from io import BytesIO
from urllib.parse import urlsplit

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from openpyxl import load_workbook
from pypdf import PdfReader

from audits.services import resume_link_create
from partnerships.models import Agency, StaffRole
from partnerships.permissions import ROLE_PERMS
from s11portal.urls import STAFF
from tests import authz
from tests.factories import AgencyFactory, LocalityFactory
from tests.staff import is_login_redirect, staff_client

from .world import authz_world

pytestmark = pytest.mark.django_db


def _cases():
    cases = []
    for info in pkgutil.iter_modules(authz.__path__):
        if info.name.startswith("cases_"):
            cases.extend(importlib.import_module(f"{authz.__name__}.{info.name}").CASES)
    return cases


CASES = _cases()


def _staff_url_names() -> set[str]:
    names = set()

    def walk(patterns):
        for p in patterns:
            if isinstance(p, URLResolver):
                walk(p.url_patterns)
            elif isinstance(p, URLPattern) and p.name:
                names.add(p.name)

    for p in get_resolver().url_patterns:
        if isinstance(p, URLResolver) and str(p.pattern) == STAFF:
            walk(p.url_patterns)
    return names


def test_every_staff_url_has_a_case():
    named = _staff_url_names()
    assert "staff_home" in named
    missing = named - {c.url_name for c in CASES}
    assert not missing, f"add a Case to tests/authz/cases_<part>.py for: {sorted(missing)}"
    unknown = {c.url_name for c in CASES} - named
    assert not unknown, f"cases for URLs that do not exist: {sorted(unknown)}"


def test_every_staff_url_name_starts_with_staff():
    assert all(name.startswith("staff_") for name in _staff_url_names())


def _request(client, case, w, world):
    url = reverse(case.url_name, kwargs={"partnership_slug": world.partnership.slug, **case.kwargs(world)})
    if case.method == "post":
        return client.post(url, case.data(world))
    return client.get(url)


ORDER = [
    StaffRole.READ_ONLY,
    StaffRole.REVIEWER,
    StaffRole.ADMIN,
    StaffRole.LOCALITY_LEAD,
    StaffRole.COMMISSIONER,
]
# The roles that see only some of the partnership's agencies.
SCOPED = (StaffRole.LOCALITY_LEAD, StaffRole.COMMISSIONER)

# A URL naming one of these names one agency (or a meeting about its return).
NAMES_AN_AGENCY = {"reference", "agency_id", "meeting_id"}


def _text(response) -> str:
    """What the response says, read back from a PDF or a workbook too."""
    body = b"".join(response.streaming_content) if getattr(response, "streaming", False) else response.content
    content_type = response.get("Content-Type", "")
    if content_type.startswith("application/pdf"):
        return " ".join(page.extract_text() for page in PdfReader(BytesIO(body)).pages)
    if "spreadsheetml" in content_type:
        book = load_workbook(BytesIO(body), read_only=True)
        return " ".join(str(c) for sheet in book for row in sheet.iter_rows(values_only=True) for c in row)
    return body.decode("utf-8", "replace")


def _commissioned(w) -> Agency:
    """The world's agency, commissioned by another agency of alpha's, whose
    commissioners see it."""
    commissioning = AgencyFactory(partnership=w.a.partnership, name="Commissioning Council")
    Agency.objects.filter(pk=w.a.agency.pk).update(commissioned_by=commissioning)
    return commissioning


def _out_of_scope(case, w, role):
    """A locality lead of another of this partnership's localities, or a
    commissioner of an agency that commissions nothing: the world's agency
    is not theirs. A URL naming it (its return, evidence, meeting, survey
    results) is not found; any other page they may see leaves the agency
    out, exports and PDFs too."""
    if role == StaffRole.LOCALITY_LEAD:
        elsewhere = LocalityFactory(partnership=w.a.partnership, name="Elsewhere")
        client = staff_client(Client(), w.a.partnership, role, localities=[elsewhere])
    else:
        elsewhere = AgencyFactory(partnership=w.a.partnership, name="Elsewhere Council")
        client = staff_client(Client(), w.a.partnership, role, agency=elsewhere)
    response = _request(client, case, w, w.a)
    if NAMES_AN_AGENCY & set(case.kwargs(w.a)):
        assert response.status_code == 404, response.status_code
        return
    assert response.status_code in case.ok + case.ok_out_of_scope, response.status_code
    text = _text(response)
    for secret in (w.a.agency.name, w.a.submission.reference):
        assert secret not in text, secret


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_staff_url_authorisation(case):
    w = authz_world()

    # Nobody signed in: the sign-in page, coming back here afterwards.
    response = _request(Client(), case, w, w.a)
    assert is_login_redirect(response), (response.status_code, response.get("Location"))

    # An agency contributor's session is not a staff sign-in.
    agency = Client()
    _, link_url = resume_link_create(
        submission=w.a.submission, name="Sam", email=w.a.contact.email, mint=True
    )
    assert agency.get(urlsplit(link_url).path).status_code == 302
    assert is_login_redirect(_request(agency, case, w, w.a))

    # A member with no authenticator app is sent to set one up.
    response = _request(staff_client(Client(), w.a.partnership, StaffRole.ADMIN, mfa=False), case, w, w.a)
    assert response.status_code == 302
    assert urlsplit(response["Location"]).path == reverse("mfa_activate_totp")

    # A reviewer (or admin) of another partnership: as if there were no such page.
    for role in (StaffRole.REVIEWER, StaffRole.ADMIN):
        response = _request(staff_client(Client(), w.b.partnership, role), case, w, w.a)
        assert response.status_code == 404, (role, response.status_code)

    # Each role of this partnership: allowed, or 403. The locality lead leads
    # every locality; the commissioner's agency commissions the world's agency.
    commissioning = _commissioned(w)
    for role in ORDER:
        agency = commissioning if role == StaffRole.COMMISSIONER else None
        client = staff_client(Client(), w.a.partnership, role, agency=agency)
        response = _request(client, case, w, w.a)
        if case.perm in ROLE_PERMS[role]:
            assert response.status_code in case.ok, (role, response.status_code)
            assert not is_login_redirect(response)
        else:
            assert response.status_code == 403, (role, response.status_code)

    for role in SCOPED:
        if case.perm in ROLE_PERMS[role]:
            _out_of_scope(case, w, role)

    # This partnership's admin asking for the other partnership's objects
    # under this partnership's address: 404.
    own, other = case.kwargs(w.a), case.kwargs(w.b)
    if own != other:
        client = staff_client(Client(), w.a.partnership, StaffRole.ADMIN)
        url = reverse(case.url_name, kwargs={"partnership_slug": w.a.partnership.slug, **other})
        response = client.post(url, case.data(w.b)) if case.method == "post" else client.get(url)
        assert response.status_code == 404, response.status_code
