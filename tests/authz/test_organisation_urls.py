"""Every organisation URL (/organisations/…), tried by everyone who might ask
for it: nobody signed in, an agency contributor's resume-link session,
partnership staff, a member of another organisation (404), a member where
an admin is needed (403), and the organisation's admin. Every such URL must
have a case here."""

from dataclasses import dataclass, field
from urllib.parse import urlsplit

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from audits.services import resume_link_create
from organisations.models import AgencyLink, OrganisationEvidence
from partnerships.models import StaffRole
from tests.factories import AgencyFactory
from tests.organisations.support import member_client, org_world
from tests.staff import staff_client

pytestmark = pytest.mark.django_db

PUBLIC = {
    "organisation_sign_in",
    "organisation_sign_in_sent",
    "organisation_sign_in_link",
    "organisation_sign_out",
    "organisation_index",
}


@dataclass(frozen=True)
class OrgCase:
    url_name: str
    admin_only: bool
    kwargs: object = field(default=lambda w: {})
    method: str = "get"
    data: object = field(default=lambda w: {})
    ok: tuple[int, ...] = (200,)


def _library_file(w):
    item = OrganisationEvidence.objects.filter(organisation=w.org).first()
    if item is None:
        item = OrganisationEvidence.objects.create(
            organisation=w.org,
            token="a" * 32,
            file="organisation-evidence/x.pdf",
            original_name="x.pdf",
            content_type="application/pdf",
            sha256="0" * 64,
        )
    return item


def _link(w):
    """A proposal waiting for the organisation (made once per world)."""
    link = AgencyLink.objects.filter(organisation=w.org, status="proposed").first()
    if link is None:
        agency = AgencyFactory(partnership=w.worlds.a.partnership)
        link = AgencyLink.objects.create(
            organisation=w.org, partnership=w.worlds.a.partnership, agency=agency
        )
    return {"link_id": link.pk}


CASES = [
    OrgCase("organisation_home", False),
    OrgCase("organisation_copy", False),
    OrgCase("organisation_evidence", False),
    OrgCase("organisation_evidence_attach", False, lambda w: {"evidence_id": _library_file(w).pk}),
    # The source's theme is not answered: refused with a message, back to the page.
    OrgCase(
        "organisation_copy_theme",
        False,
        method="post",
        data=lambda w: {
            "source": w.worlds.a.submission.pk,
            "target": w.worlds.b.submission.pk,
            "theme": "theme-1",
        },
        ok=(302,),
    ),
    OrgCase("organisation_standing_drafts", False),
    OrgCase("organisation_standing_draft", False, lambda w: {"template_key": "csap"}),
    OrgCase(
        "organisation_standing_draft_theme",
        False,
        lambda w: {"template_key": "csap", "theme_key": "leadership"},
    ),
    # The member saves the theme; the admin's page was opened before: refused as stale, shown again.
    OrgCase(
        "organisation_standing_draft_theme",
        False,
        lambda w: {"template_key": "csap", "theme_key": "leadership"},
        method="post",
        data=lambda w: {"version": 0, "rag": "green", "comments": ""},
        ok=(200, 302),
    ),
    # The world's returns are on a set made by hand, not the library's: refused, back to the page.
    OrgCase(
        "organisation_standing_draft_seed",
        False,
        lambda w: {"template_key": "csap"},
        method="post",
        data=lambda w: {"source": w.worlds.a.submission.pk},
        ok=(302,),
    ),
    # No standing draft of its set: refused with a message, back to the list.
    OrgCase(
        "organisation_return_start_from_draft",
        False,
        lambda w: {"submission_id": w.worlds.a.submission.pk},
        method="post",
        ok=(302,),
    ),
    OrgCase("organisation_links", True),
    OrgCase(
        "organisation_link_decide",
        True,
        _link,
        method="post",
        data=lambda w: {"decision": "accept"},
        ok=(302,),
    ),
    OrgCase("organisation_members", True),
    OrgCase("organisation_member_invite", True),
    OrgCase("organisation_member_remove", True, lambda w: {"member_id": w.member.pk}),
    OrgCase(
        "organisation_return_open",
        False,
        lambda w: {"submission_id": w.worlds.a.submission.pk},
        method="post",
        ok=(302,),
    ),
    # Not built yet (no worker in this test): 404, as for a version that does not exist.
    OrgCase(
        "organisation_return_pdf",
        False,
        lambda w: {"submission_id": w.worlds.a.submission.pk, "version": 1},
        ok=(404,),
    ),
]


def _org_url_names() -> set[str]:
    names = set()
    for p in get_resolver().url_patterns:
        if isinstance(p, URLResolver) and str(p.pattern) == "":
            for q in p.url_patterns:
                if isinstance(q, URLPattern) and (q.name or "").startswith("organisation_"):
                    names.add(q.name)
    return names


def test_every_organisation_url_has_a_case():
    named = _org_url_names()
    assert "organisation_home" in named
    assert named - PUBLIC == {c.url_name for c in CASES}


def _request(client, case, w, organisation):
    url = reverse(case.url_name, kwargs={"organisation_id": organisation.pk, **case.kwargs(w)})
    return client.post(url, case.data(w)) if case.method == "post" else client.get(url)


@pytest.mark.parametrize("case", CASES, ids=lambda c: f"{c.url_name}-{c.method}")
def test_organisation_url_authorisation(case):
    w = org_world()
    sign_in_page = reverse("organisation_sign_in")

    # Nobody signed in: the sign-in page.
    assert _request(Client(), case, w, w.org)["Location"] == sign_in_page

    # A contributor's resume-link session is not an organisation sign-in.
    agency = Client()
    _, link_url = resume_link_create(
        submission=w.worlds.a.submission, name="Sam", email=w.worlds.a.contact.email, mint=True
    )
    agency.get(urlsplit(link_url).path)
    assert _request(agency, case, w, w.org)["Location"] == sign_in_page

    # Partnership staff (signed in, not members) and another organisation's
    # admin: as if there were no such organisation.
    staff = staff_client(Client(), w.worlds.a.partnership, StaffRole.ADMIN)
    assert _request(staff, case, w, w.org).status_code == 404
    assert _request(member_client(w.other_admin.email), case, w, w.org).status_code == 404

    # A member: allowed, or 403 where an admin is needed.
    response = _request(member_client(w.member.email), case, w, w.org)
    if case.admin_only:
        assert response.status_code == 403
    else:
        assert response.status_code in case.ok, response.status_code

    # The admin.
    response = _request(member_client(w.admin.email), case, w, w.org)
    assert response.status_code in case.ok, response.status_code


def test_the_public_pages_answer_without_signing_in():
    client = Client()
    assert client.get(reverse("organisation_sign_in")).status_code == 200
    assert client.get(reverse("organisation_sign_in_sent")).status_code == 200
    assert client.get(reverse("organisation_index"))["Location"] == reverse("organisation_sign_in")
    bad = client.get(reverse("organisation_sign_in_link", args=["not-a-token"]))
    assert bad["Location"] == reverse("organisation_sign_in") + "?invalid=1"
    assert client.get(reverse("organisation_sign_out")).status_code == 405
