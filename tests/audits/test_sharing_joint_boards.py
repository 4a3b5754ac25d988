"""Joint boards (issue 17 item 9): alpha shares one cycle with bravo; once
bravo's admin accepts, bravo's members review that cycle's returns from
bravo's workspace, by their role there. The returns stay alpha's (their
rows, their audit log), bravo sees nothing else of alpha's, and a third
partnership, charlie, sees nothing at all."""

from html import unescape

import pytest
from django.test import Client
from django.utils.html import strip_tags

from audits.models import CycleShare, Submission, ThemeModeration
from audits.services import submission_submit
from audits.services.sharing import (
    CycleShareRefusedError,
    cycle_share_accept,
    cycle_share_end,
    cycle_share_invite,
)
from core.domain import Actor
from core.models import AuditEvent
from partnerships.models import StaffRole
from tests.factories import (
    AuditCycleFactory,
    LocalityFactory,
    SubmissionFactory,
    partnership_world,
    submission_complete,
    two_partnerships,
)
from tests.staff import staff_client, staff_url

pytestmark = pytest.mark.django_db

ADA = Actor(name="Ada Alpha", email="ada@alpha.example")
BEN = Actor(name="Ben Bravo", email="ben@bravo.example")


def _submit(submission):
    submission_complete(submission)
    submission.refresh_from_db()
    return submission_submit(
        submission=submission,
        submitted_by=Actor(name="Sam", email="sam@example.org"),
        signed_off_by_name="Alex Director",
        signed_off_by_role="Director",
        expected_version=submission.version,
    )


@pytest.fixture
def world():
    """Alpha's cycle s11-2026 (submitted return) shared with bravo and
    accepted; alpha's other cycle (not shared); bravo's own cycle of the
    same slug; charlie beside them."""
    w = two_partnerships()
    w.a.submission = _submit(w.a.submission)
    w.hidden_cycle = AuditCycleFactory(
        partnership=w.a.partnership, question_set=w.a.question_set, slug="s11-2025", title="Alpha 2025 audit"
    )
    w.hidden_return = SubmissionFactory(cycle=w.hidden_cycle, agency=w.a.agency)
    w.c = partnership_world(slug="charlie")
    w.share = cycle_share_invite(
        partnership=w.a.partnership, cycle=w.a.cycle, partner_slug="bravo", actor=ADA
    )
    cycle_share_accept(partnership=w.b.partnership, share=w.share, actor=BEN)
    w.share.refresh_from_db()
    return w


def _words(response) -> str:
    return " ".join(unescape(strip_tags(response.content.decode())).split())


def _shared(w, name, **kwargs):
    return staff_url(w.b.partnership, name, **kwargs)


# --- offering, accepting, ending ------------------------------------------------


def test_the_offer_is_seen_by_nobody_until_the_other_admin_accepts(world):
    w = world
    cycle_share_end(partnership=w.b.partnership, share=w.share, actor=BEN)
    share = cycle_share_invite(
        partnership=w.a.partnership, cycle=w.a.cycle, partner_slug="/Bravo/", actor=ADA
    )
    assert share.partnership == w.b.partnership and share.slug == "alpha-s11-2026"
    reviewer = staff_client(Client(), w.b.partnership, StaffRole.REVIEWER)
    assert reviewer.get(_shared(w, "staff_cycle_dashboard", cycle_slug=share.slug)).status_code == 404
    cycle_share_accept(partnership=w.b.partnership, share=share, actor=BEN)
    assert reviewer.get(_shared(w, "staff_cycle_dashboard", cycle_slug=share.slug)).status_code == 200
    verbs = set(AuditEvent.objects.filter(partnership=w.b.partnership).values_list("verb", flat=True))
    assert {"cycle.share_offered", "cycle.share_accepted", "cycle.share_ended"} <= verbs


@pytest.mark.parametrize(
    "slug, message",
    [("alpha", "not your own"), ("nowhere", "There is no partnership"), ("bravo", "already shared")],
)
def test_offers_that_cannot_be_made(world, slug, message):
    w = world
    with pytest.raises(CycleShareRefusedError, match=message):
        cycle_share_invite(partnership=w.a.partnership, cycle=w.a.cycle, partner_slug=slug, actor=ADA)


def test_only_the_invited_partnership_accepts_and_only_a_side_ends_it(world):
    w = world
    with pytest.raises(CycleShareRefusedError):
        cycle_share_accept(partnership=w.c.partnership, share=w.share, actor=ADA)
    with pytest.raises(CycleShareRefusedError):
        cycle_share_end(partnership=w.c.partnership, share=w.share, actor=ADA)
    assert CycleShare.objects.filter(pk=w.share.pk).exists()


def test_the_pages_offer_accept_and_stop_with_govuk_errors(world):
    w = world
    admin_a = staff_client(Client(), w.a.partnership, StaffRole.ADMIN)
    url = staff_url(w.a.partnership, "staff_cycle_admin_share", cycle_slug=w.a.cycle.slug)
    assert "Partnership BRAVO" in _words(admin_a.get(url))
    response = admin_a.post(url, {"partner": "<script>alert(1)</script>"})
    assert response.status_code == 200
    assert "Enter the other partnership’s web address" in _words(response)
    response = admin_a.post(url, {"partner": "nowhere"})
    assert "There is no partnership at the web address /nowhere/" in _words(response)
    assert admin_a.post(url, {"partner": "charlie"}).status_code == 302
    offer = CycleShare.objects.get(partnership=w.c.partnership)

    admin_c = staff_client(Client(), w.c.partnership, StaffRole.ADMIN)
    listing = _words(admin_c.get(staff_url(w.c.partnership, "staff_shared_cycles")))
    assert "Offered by Ada" in listing or "Offered" in listing
    accept = staff_url(w.c.partnership, "staff_shared_cycle_accept", share_id=offer.pk)
    assert admin_c.post(accept).status_code == 302
    assert CycleShare.objects.get(pk=offer.pk).is_accepted
    # Bravo cannot accept or end charlie's share through its own address.
    admin_b = staff_client(Client(), w.b.partnership, StaffRole.ADMIN)
    assert (
        admin_b.post(staff_url(w.b.partnership, "staff_shared_cycle_end", share_id=offer.pk)).status_code
        == 404
    )
    stop = staff_url(
        w.a.partnership, "staff_cycle_admin_share_stop", cycle_slug=w.a.cycle.slug, share_id=offer.pk
    )
    assert admin_a.post(stop).status_code == 302
    assert not CycleShare.objects.filter(pk=offer.pk).exists()


# --- what the second board sees ---------------------------------------------------


def test_the_second_board_reviews_the_shared_cycle_from_its_own_workspace(world):
    w = world
    reviewer = staff_client(Client(), w.b.partnership, StaffRole.REVIEWER)
    home = _words(reviewer.get(staff_url(w.b.partnership, "staff_home")))
    assert "Shared with Partnership BRAVO by other partnerships" in home and "Partnership ALPHA" in home

    slug = {"cycle_slug": w.share.slug}
    dashboard = reviewer.get(_shared(w, "staff_cycle_dashboard", **slug))
    assert dashboard.status_code == 200
    assert "ALPHA Borough Council" in _words(dashboard) and "shared by Partnership ALPHA" in _words(dashboard)
    # Links stay in bravo's workspace, under the share's name for the cycle.
    assert f"/bravo/staff/cycles/{w.share.slug}/heatmap/" in dashboard.content.decode()
    for name in (
        "staff_cycle_heatmap",
        "staff_cycle_questions",
        "staff_cycle_report",
        "staff_action_plans_cycle",
    ):
        assert reviewer.get(_shared(w, name, **slug)).status_code == 200, name
    csv = b"".join(reviewer.get(_shared(w, "staff_cycle_export_answers_csv", **slug)).streaming_content)
    assert b"ALPHA Borough Council" in csv

    ref = {"reference": w.a.submission.reference}
    assert reviewer.get(_shared(w, "staff_return_review", **ref)).status_code == 200
    theme = w.a.question_set.themes.order_by("order").first()
    moderate = _shared(w, "staff_return_moderate", theme_key=theme.key, **ref)
    assert (
        reviewer.post(moderate, {"rag": "amber", "comment": "Joint panel", "version": "0"}).status_code == 302
    )
    # The moderation is alpha's row, on alpha's audit log, by bravo's reviewer.
    moderation = ThemeModeration.objects.get(submission=w.a.submission, theme=theme)
    assert moderation.partnership_id == w.a.partnership.pk
    assert Submission.objects.get(pk=w.a.submission.pk).partnership_id == w.a.partnership.pk

    # A read-only member of bravo reads, and may not moderate.
    reader = staff_client(Client(), w.b.partnership, StaffRole.READ_ONLY)
    assert reader.get(_shared(w, "staff_return_review", **ref)).status_code == 200
    assert reader.post(moderate, {"rag": "red", "comment": "x", "version": "1"}).status_code == 403


def test_the_second_board_sees_nothing_else_of_the_owner(world):
    w = world
    for role in (StaffRole.ADMIN, StaffRole.REVIEWER):
        client = staff_client(Client(), w.b.partnership, role)
        for name, kwargs in (
            ("staff_cycle_dashboard", {"cycle_slug": "alpha-s11-2025"}),
            ("staff_cycle_dashboard", {"cycle_slug": w.hidden_cycle.slug}),
            ("staff_return_review", {"reference": w.hidden_return.reference}),
            ("staff_agency_detail", {"agency_id": w.a.agency.pk}),
            ("staff_cycle_admin_detail", {"cycle_slug": w.share.slug}),
            ("staff_cycle_emails", {"cycle_slug": w.share.slug}),
        ):
            # (A reviewer may not open any cycle's settings: 403 before that.)
            expected = 403 if role == StaffRole.REVIEWER and "admin" in name else 404
            assert client.get(_shared(w, name, **kwargs)).status_code == expected, (role, name)
        # Bravo's own cycle of the same slug is still bravo's own.
        own = _words(client.get(_shared(w, "staff_cycle_dashboard", cycle_slug=w.b.cycle.slug)))
        assert "BRAVO Borough Council" in own and "ALPHA Borough Council" not in own
        # Nothing to compare the shared cycle with: alpha's other cycles are not shared.
        compare = _words(client.get(_shared(w, "staff_cycle_compare", cycle_slug=w.share.slug)))
        assert "Alpha 2025 audit" not in compare
        # The agencies page is bravo's own.
        agencies = _words(client.get(staff_url(w.b.partnership, "staff_agencies")))
        assert "ALPHA Borough Council" not in agencies


def test_a_third_partnership_and_bravos_scoped_roles_see_nothing_of_the_shared_cycle(world):
    w = world
    urls = [
        staff_url(w.c.partnership, "staff_cycle_dashboard", cycle_slug=w.share.slug),
        staff_url(w.c.partnership, "staff_return_review", reference=w.a.submission.reference),
        staff_url(w.b.partnership, "staff_cycle_dashboard", cycle_slug=w.share.slug),
        staff_url(w.b.partnership, "staff_return_review", reference=w.a.submission.reference),
    ]
    for client, targets in (
        (staff_client(Client(), w.c.partnership, StaffRole.ADMIN), urls[:2]),
        (staff_client(Client(), w.b.partnership, StaffRole.ADMIN), urls[:2]),  # bravo, at charlie's address
        (staff_client(Client(), w.b.partnership, StaffRole.LOCALITY_LEAD), urls[2:]),
    ):
        for url in targets:
            assert client.get(url).status_code == 404, url
    lead_home = _words(
        staff_client(Client(), w.b.partnership, StaffRole.LOCALITY_LEAD).get(
            staff_url(w.b.partnership, "staff_home")
        )
    )
    assert "Partnership ALPHA" not in lead_home
    assert LocalityFactory  # bravo's localities are bravo's: a lead of them reaches no alpha agency


def test_ending_the_share_takes_the_cycle_away_at_once(world):
    w = world
    reviewer = staff_client(Client(), w.b.partnership, StaffRole.REVIEWER)
    url = _shared(w, "staff_return_review", reference=w.a.submission.reference)
    assert reviewer.get(url).status_code == 200
    cycle_share_end(partnership=w.a.partnership, share=w.share, actor=ADA)
    assert reviewer.get(url).status_code == 404
