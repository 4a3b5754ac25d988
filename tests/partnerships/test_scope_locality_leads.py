"""Locality leads (issue 17 item 7): a member scoped to some of the
partnership's localities is given them when invited or when their role
changes, and sees and reviews only those localities' agencies, on every
page, export and PDF, with a 404 for a return or agency outside them.
tests/authz/test_staff_urls.py tries every staff URL as a lead of another
locality; this file follows one partnership with two localities through
the pages a lead uses."""

from html import unescape

import pytest
from django.test import Client
from django.utils.html import strip_tags

from audits.services import submission_submit
from core.domain import Actor
from partnerships.models import StaffInvitation, StaffMembership, StaffRole
from partnerships.scope import WHOLE_AND_SHARED, WHOLE_PARTNERSHIP, Scope, scope_applied, scope_of
from partnerships.selectors import agency_list_for_staff, membership_get
from partnerships.services import staff_invitation_accept, staff_member_invite, staff_member_role_change
from partnerships.services.members import StaffMemberRefusedError
from tests.factories import (
    AgencyFactory,
    LocalityFactory,
    StaffMembershipFactory,
    SubmissionFactory,
    UserFactory,
    submission_complete,
    two_partnerships,
)
from tests.staff import staff_client, staff_url

pytestmark = pytest.mark.django_db

ADMIN = Actor(name="Ada Admin", email="ada@alpha.example")


@pytest.fixture
def world():
    """Alpha with North (the world's agency, submitted) and South (Southern
    Trust, submitted too); bravo beside it."""
    w = two_partnerships()
    south = LocalityFactory(partnership=w.a.partnership, name="ALPHA South")
    southern = AgencyFactory(partnership=w.a.partnership, name="Southern Trust", localities=[south])
    south_return = SubmissionFactory(cycle=w.a.cycle, agency=southern)
    for submission in (w.a.submission, south_return):
        submission_complete(submission)
        submission.refresh_from_db()
        submission_submit(
            submission=submission,
            submitted_by=Actor(name="Sam", email="sam@example.org"),
            signed_off_by_name="Alex Director",
            signed_off_by_role="Director",
            expected_version=submission.version,
        )
    w.south, w.southern, w.south_return = south, southern, south_return
    w.south_return.refresh_from_db()
    w.a.submission.refresh_from_db()
    return w


def _words(response) -> str:
    return " ".join(unescape(strip_tags(response.content.decode())).split())


def _lead(w, localities):
    return staff_client(Client(), w.a.partnership, StaffRole.LOCALITY_LEAD, localities=localities)


# --- giving someone localities ------------------------------------------------


def test_an_invited_locality_lead_joins_with_their_localities(world):
    w = world
    invitation = staff_member_invite(
        partnership=w.a.partnership,
        email="lee@alpha.example",
        full_name="Lee Lead",
        role=StaffRole.LOCALITY_LEAD,
        locality_ids=[w.south.pk],
        actor=ADMIN,
    )
    assert list(invitation.localities.all()) == [w.south]
    membership = staff_invitation_accept(invitation=invitation, user=UserFactory(email="lee@alpha.example"))
    assert list(membership.localities.all()) == [w.south]
    assert scope_of(membership) == Scope(locality_ids=frozenset({w.south.pk}))


@pytest.mark.parametrize(
    "localities, message",
    [
        (lambda w: [], "Choose at least one locality for a locality lead"),
        (lambda w: [w.b.locality.pk], "Choose localities of Partnership ALPHA from the list"),
    ],
)
def test_a_locality_lead_needs_localities_of_their_own_partnership(world, localities, message):
    w = world
    with pytest.raises(StaffMemberRefusedError, match=message):
        staff_member_invite(
            partnership=w.a.partnership,
            email="lee@alpha.example",
            full_name="Lee Lead",
            role=StaffRole.LOCALITY_LEAD,
            locality_ids=localities(w),
            actor=ADMIN,
        )
    assert not StaffInvitation.objects.filter(email="lee@alpha.example").exists()


def test_changing_role_sets_and_clears_the_localities_on_the_record(world):
    w = world
    member = StaffMembershipFactory(partnership=w.a.partnership, role=StaffRole.REVIEWER)
    staff_member_role_change(
        partnership=w.a.partnership,
        membership=member,
        role=StaffRole.LOCALITY_LEAD,
        locality_ids=[w.a.locality.pk, w.south.pk],
        actor=ADMIN,
    )
    assert set(member.localities.all()) == {w.a.locality, w.south}
    staff_member_role_change(
        partnership=w.a.partnership, membership=member, role=StaffRole.REVIEWER, actor=ADMIN
    )
    assert not member.localities.exists()
    assert scope_of(StaffMembership.objects.get(pk=member.pk)) is WHOLE_AND_SHARED


def test_the_invite_form_asks_for_localities_under_the_role_and_keeps_what_was_typed(world):
    w = world
    admin = staff_client(Client(), w.a.partnership, StaffRole.ADMIN)
    page = admin.get(staff_url(w.a.partnership, "staff_member_add"))
    assert "Localities they lead" in _words(page)
    assert 'name="localities"' in page.content.decode()

    url = staff_url(w.a.partnership, "staff_member_add")
    data = {"full_name": "Lee Lead", "email": "lee@alpha.example", "role": "locality_lead"}
    response = admin.post(url, data)
    assert response.status_code == 200
    assert "There is a problem" in _words(response)
    assert "Choose at least one locality for a locality lead" in _words(response)
    assert 'value="Lee Lead"' in response.content.decode()

    response = admin.post(url, {**data, "localities": ["999999", "<script>"]})
    assert response.status_code == 200
    assert "Choose localities from the list" in _words(response)

    response = admin.post(url, {**data, "localities": [str(w.south.pk)]})
    assert response.status_code == 302
    invitation = StaffInvitation.objects.get(email="lee@alpha.example")
    assert list(invitation.localities.all()) == [w.south]
    listing = _words(admin.get(staff_url(w.a.partnership, "staff_members")))
    assert "Locality lead Localities: ALPHA South" in listing


# --- what a lead sees -----------------------------------------------------------


def test_membership_get_brings_the_localities_in_its_own_query(world, django_assert_num_queries):
    w = world
    member = StaffMembershipFactory(partnership=w.a.partnership, role=StaffRole.LOCALITY_LEAD)
    member.localities.set([w.south])
    with django_assert_num_queries(1):
        fetched = membership_get(partnership=w.a.partnership, user=member.user)
        assert scope_of(fetched) == Scope(locality_ids=frozenset({w.south.pk}))


def test_a_lead_sees_only_their_localities_agencies_on_every_cycle_page(world):
    w = world
    lead = _lead(w, [w.south])
    cycle = {"cycle_slug": w.a.cycle.slug}
    for name in (
        "staff_home",
        "staff_cycle_dashboard",
        "staff_cycle_heatmap",
        "staff_cycle_report",
        "staff_cycle_compare",
        "staff_cycle_emails",
        "staff_action_plans_cycle",
        "staff_agencies",
    ):
        kwargs = {} if name in ("staff_home", "staff_agencies") else cycle
        response = lead.get(staff_url(w.a.partnership, name, **kwargs))
        assert response.status_code == 200, name
        words = _words(response)
        assert w.a.agency.name not in words, name
        if name in ("staff_cycle_dashboard", "staff_cycle_heatmap", "staff_cycle_emails", "staff_agencies"):
            assert "Southern Trust" in words, name

    csv = b"".join(
        lead.get(staff_url(w.a.partnership, "staff_cycle_export_answers_csv", **cycle)).streaming_content
    )
    assert b"Southern Trust" in csv and w.a.agency.name.encode() not in csv

    # The dashboard's locality filter offers their localities alone.
    dashboard = lead.get(staff_url(w.a.partnership, "staff_cycle_dashboard", **cycle)).content.decode()
    assert "ALPHA South" in dashboard and "ALPHA North" not in dashboard


def test_a_return_or_agency_outside_their_localities_is_not_found(world):
    w = world
    lead = _lead(w, [w.south])
    assert (
        lead.get(
            staff_url(w.a.partnership, "staff_return_review", reference=w.south_return.reference)
        ).status_code
        == 200
    )
    for name, kwargs in (
        ("staff_return_review", {"reference": w.a.submission.reference}),
        ("staff_return_pdf_list", {"reference": w.a.submission.reference}),
        ("staff_action_plan", {"reference": w.a.submission.reference}),
        ("staff_agency_detail", {"agency_id": w.a.agency.pk}),
    ):
        assert lead.get(staff_url(w.a.partnership, name, **kwargs)).status_code == 404, name
    # Reviewing is theirs to do for their own localities' returns.
    theme = w.a.question_set.themes.order_by("order").first()
    url = staff_url(
        w.a.partnership, "staff_return_moderate", reference=w.south_return.reference, theme_key=theme.key
    )
    assert lead.post(url, {"rag": "amber", "comment": "Checked", "version": "0"}).status_code == 302
    url = staff_url(
        w.a.partnership, "staff_return_moderate", reference=w.a.submission.reference, theme_key=theme.key
    )
    assert lead.post(url, {"rag": "amber", "comment": "Checked", "version": "0"}).status_code == 404


def test_a_lead_whose_localities_were_all_removed_sees_no_agency(world):
    w = world
    member = StaffMembershipFactory(partnership=w.a.partnership, role=StaffRole.LOCALITY_LEAD)
    scope = scope_of(member)
    assert scope == Scope(locality_ids=frozenset())
    with scope_applied(scope):
        assert agency_list_for_staff(partnership=w.a.partnership) == []
    with scope_applied(WHOLE_PARTNERSHIP):
        assert len(agency_list_for_staff(partnership=w.a.partnership)) == 2
