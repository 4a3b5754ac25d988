"""Commissioners (issue 17 item 8): a partnership admin marks an agency as
commissioned by another; a member with the Commissioner role for that
agency sees the returns of the services it commissions, read-only: no
moderation, no outcome, nothing of any other agency, in exports too.
tests/authz/test_staff_urls.py tries every staff URL as a commissioner (of
the world's agency, and of an agency that commissions nothing)."""

from html import unescape

import pytest
from django.test import Client
from django.utils.html import strip_tags

from core.models import AuditEvent
from partnerships.models import Agency, StaffInvitation, StaffRole
from partnerships.scope import NO_AGENCY, Scope, scope_of
from partnerships.services import staff_invitation_accept, staff_member_invite
from partnerships.services.agencies import FieldDomainError, PartnershipMismatchError, agency_commissioner_set
from partnerships.services.members import StaffMemberRefusedError
from tests.factories import (
    AgencyFactory,
    StaffMembershipFactory,
    SubmissionFactory,
    UserFactory,
    two_partnerships,
)
from tests.staff import staff_client, staff_url

from .test_scope_locality_leads import ADMIN

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    """Alpha's council commissions Provider Ltd (which has a return); the
    world's own agency is not commissioned by it."""
    w = two_partnerships()
    w.council = AgencyFactory(partnership=w.a.partnership, name="Alpha County Council")
    w.provider = AgencyFactory(partnership=w.a.partnership, name="Provider Ltd")
    w.provider_return = SubmissionFactory(cycle=w.a.cycle, agency=w.provider)
    agency_commissioner_set(agency=w.provider, commissioned_by=w.council, actor=ADMIN)
    return w


def _words(response) -> str:
    return " ".join(unescape(strip_tags(response.content.decode())).split())


def _commissioner(w, agency=None):
    return staff_client(Client(), w.a.partnership, StaffRole.COMMISSIONER, agency=agency or w.council)


def test_marking_an_agency_as_commissioned_is_on_the_audit_log(world):
    w = world
    w.provider.refresh_from_db()
    assert w.provider.commissioned_by == w.council
    event = AuditEvent.objects.get(verb="agency.commissioner_set")
    assert event.detail == {"commissioned_by": ["", "Alpha County Council"]}
    agency_commissioner_set(agency=w.provider, commissioned_by=None, actor=ADMIN)
    w.provider.refresh_from_db()
    assert w.provider.commissioned_by is None


def test_an_agency_cannot_commission_itself_or_be_commissioned_from_another_partnership(world):
    w = world
    with pytest.raises(FieldDomainError, match="cannot commission itself"):
        agency_commissioner_set(agency=w.council, commissioned_by=w.council, actor=ADMIN)
    with pytest.raises(PartnershipMismatchError):
        agency_commissioner_set(agency=w.provider, commissioned_by=w.b.agency, actor=ADMIN)
    assert Agency.objects.get(pk=w.provider.pk).commissioned_by == w.council


def test_the_admin_sets_it_from_the_agency_page_with_govuk_errors(world):
    w = world
    admin = staff_client(Client(), w.a.partnership, StaffRole.ADMIN)
    detail = _words(admin.get(staff_url(w.a.partnership, "staff_agency_detail", agency_id=w.provider.pk)))
    assert "Commissioned by Alpha County Council" in detail
    url = staff_url(w.a.partnership, "staff_agency_commissioner", agency_id=w.a.agency.pk)
    response = admin.post(url, {"commissioned_by": str(w.b.agency.pk)})
    assert response.status_code == 200
    assert "There is a problem" in _words(response)
    assert "Choose an agency from the list" in _words(response)
    response = admin.post(url, {"commissioned_by": str(w.council.pk)})
    assert response.status_code == 302
    assert Agency.objects.get(pk=w.a.agency.pk).commissioned_by == w.council


def test_a_commissioner_is_invited_for_an_agency_and_joins_with_it(world):
    w = world
    with pytest.raises(StaffMemberRefusedError, match="Choose the agency they commission for"):
        staff_member_invite(
            partnership=w.a.partnership,
            email="cam@alpha.example",
            full_name="Cam Commissioner",
            role=StaffRole.COMMISSIONER,
            agency_id=w.b.agency.pk,
            actor=ADMIN,
        )
    invitation = staff_member_invite(
        partnership=w.a.partnership,
        email="cam@alpha.example",
        full_name="Cam Commissioner",
        role=StaffRole.COMMISSIONER,
        agency_id=w.council.pk,
        actor=ADMIN,
    )
    membership = staff_invitation_accept(invitation=invitation, user=UserFactory(email="cam@alpha.example"))
    assert membership.agency == w.council
    assert scope_of(membership) == Scope(commissioned_by=w.council.pk)
    membership.agency = None
    assert scope_of(membership) is NO_AGENCY


def test_the_invite_form_asks_which_agency_under_the_role(world):
    w = world
    admin = staff_client(Client(), w.a.partnership, StaffRole.ADMIN)
    url = staff_url(w.a.partnership, "staff_member_add")
    data = {"full_name": "Cam Commissioner", "email": "cam@alpha.example", "role": "commissioner"}
    response = admin.post(url, data)
    assert response.status_code == 200
    assert "Choose the agency they commission for" in _words(response)
    assert 'name="agency"' in response.content.decode()
    response = admin.post(url, {**data, "agency": "not a number"})
    assert "Choose an agency from the list" in _words(response)
    assert admin.post(url, {**data, "agency": str(w.council.pk)}).status_code == 302
    assert StaffInvitation.objects.get(email="cam@alpha.example").agency == w.council
    assert "For: Alpha County Council" in _words(admin.get(staff_url(w.a.partnership, "staff_members")))


def test_a_commissioner_sees_the_services_it_commissions_read_only(world):
    w = world
    client = _commissioner(w)
    cycle = {"cycle_slug": w.a.cycle.slug}
    dashboard = _words(client.get(staff_url(w.a.partnership, "staff_cycle_dashboard", **cycle)))
    assert "Provider Ltd" in dashboard
    assert w.a.agency.name not in dashboard and "Alpha County Council" not in dashboard
    csv = b"".join(
        client.get(staff_url(w.a.partnership, "staff_cycle_export_answers_csv", **cycle)).streaming_content
    )
    assert w.a.agency.name.encode() not in csv

    ref = {"reference": w.provider_return.reference}
    assert client.get(staff_url(w.a.partnership, "staff_return_review", **ref)).status_code == 200
    # Read-only: no moderation, no outcome, no sending back.
    theme = w.a.question_set.themes.order_by("order").first()
    moderate = staff_url(w.a.partnership, "staff_return_moderate", theme_key=theme.key, **ref)
    assert client.post(moderate, {"rag": "red", "comment": "x", "version": "0"}).status_code == 403
    assert client.get(staff_url(w.a.partnership, "staff_return_outcome", **ref)).status_code == 403
    assert client.get(staff_url(w.a.partnership, "staff_return_send_back", **ref)).status_code == 403
    # Another agency's return is not found.
    other = {"reference": w.a.submission.reference}
    assert client.get(staff_url(w.a.partnership, "staff_return_review", **other)).status_code == 404


def test_a_commissioner_of_an_agency_that_commissions_nothing_sees_no_return(world):
    w = world
    client = _commissioner(w, agency=w.a.agency)
    dashboard = _words(
        client.get(staff_url(w.a.partnership, "staff_cycle_dashboard", cycle_slug=w.a.cycle.slug))
    )
    assert "Provider Ltd" not in dashboard and w.a.agency.name not in dashboard
    ref = {"reference": w.provider_return.reference}
    assert client.get(staff_url(w.a.partnership, "staff_return_review", **ref)).status_code == 404


def test_a_member_whose_commissioning_agency_is_gone_sees_nothing(world):
    w = world
    member = StaffMembershipFactory(
        partnership=w.a.partnership, role=StaffRole.COMMISSIONER, agency=w.council
    )
    assert scope_of(member) == Scope(commissioned_by=w.council.pk)
    member.agency = None
    assert scope_of(member) is NO_AGENCY
