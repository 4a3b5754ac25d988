"""Issue 14's loop in a real browser: a reviewer confirms an evaluation of
Further evidence requested with a request for evidence; the agency sees the
evaluation and the request on its return, challenges a theme's rating and
uploads the evidence; the reviewer answers and gives the final word; the
agency sees the result. axe finds nothing on any page (the agency's pages at
320 CSS pixels too)."""

import re
from datetime import timedelta

import pytest
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.utils import timezone
from playwright.sync_api import expect

from audits.models import (
    Challenge,
    ChallengeStatus,
    EvidenceRequest,
    Rag,
    SupplementaryEvidence,
    ThemeModeration,
)
from audits.services import resume_link_create
from audits.services.review import theme_moderation_save
from core.domain import Actor
from partnerships.models import StaffRole
from tests.audits.review_support import submitted_world
from tests.audits.test_views_journey import TINY_PDF
from tests.factories import DEFAULT_PASSWORD, StaffMembershipFactory, UserFactory

from .test_accessibility import AxeAudit
from .test_review import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_evaluation_challenge_and_evidence_round_trip(new_context, site, world, outbox, shot, tmp_path):
    submitted_world(world)
    secret = generate_totp_secret()
    user = UserFactory(email="rita.reviewer@alpha.example", full_name="Rita Reviewer")
    StaffMembershipFactory(user=user, partnership=world.partnership, role=StaffRole.REVIEWER)
    TOTP.activate(user, secret)
    slug = world.partnership.slug
    theme = world.question_set.themes.order_by("order").first()
    theme_moderation_save(
        submission=world.submission,
        theme=theme,
        rag=Rag.AMBER,
        comment="The training log is two years old.",
        actor=Actor.for_user(user),
    )
    review_url = f"{site}/{slug}/staff/returns/{world.submission.reference}/"

    # --- The reviewer confirms Further evidence requested, asking for the log.
    staff = new_context().new_page()
    staff_axe = AxeAudit(staff)
    staff.goto(review_url)
    sign_in(staff, email=user.email, password=DEFAULT_PASSWORD, secret=secret)
    expect(staff).to_have_url(review_url)
    staff.get_by_role("link", name="Record the outcome").click()
    staff.get_by_role("radio", name="Further evidence requested").check()
    staff.get_by_label("Message to the agency").fill("Please send your current training log.")
    staff.get_by_role("button", name="Save and check before sending").click()
    expect(staff.get_by_role("heading", level=1)).to_have_text("Confirm the evaluation")
    staff_axe.check("confirm page with an evidence request")
    staff.locator("#id_without_moderation").check()  # the other themes stand as the agency rated them
    staff.get_by_role("checkbox", name=re.compile(theme.title)).check()
    staff.get_by_label("What evidence should the agency send?").fill("Your training log for 2026.")
    due = timezone.localdate() + timedelta(days=14)
    due_group = staff.get_by_role("group", name="Due date")
    due_group.get_by_label("Day").fill(str(due.day))
    due_group.get_by_label("Month").fill(str(due.month))
    due_group.get_by_label("Year").fill(str(due.year))
    staff.get_by_role("button", name="Confirm and email the agency").click()
    expect(staff.get_by_text(f"Evaluation confirmed and emailed to {world.agency.name}")).to_be_visible()
    expect(staff.get_by_text("Your training log for 2026.")).to_be_visible()
    staff_axe.check("review page with an evidence request")
    request = EvidenceRequest.objects.get(submission=world.submission)
    assert request.due_on == due

    # --- The agency sees the evaluation and the request.
    _, link = resume_link_create(
        submission=world.submission, name="Sam", email=world.contact.email, mint=True
    )
    agency = new_context().new_page()
    agency_axe = AxeAudit(agency, reflow=True)
    agency.goto(link.replace("http://127.0.0.1:8000", site))
    expect(agency.get_by_role("heading", level=1)).to_have_text("Your Section 11 return")
    expect(agency.get_by_text("Please send your current training log.")).to_be_visible()
    expect(agency.locator(f"#evaluation-{theme.key}")).to_contain_text("The training log is two years old.")
    expect(agency.get_by_text("Evidence requested").first).to_be_visible()
    agency_axe.check("task list with the evaluation and a request")
    shot(agency, "evaluation-task-list")

    # It challenges the theme's rating, first with an error.
    agency.get_by_role("link", name=f"Respond about {theme.title}").click()
    expect(agency.get_by_role("heading", level=1)).to_have_text("Respond to the evaluation")
    agency.get_by_role("button", name="Send to the partnership").click()
    expect(agency.get_by_text("There is a problem")).to_be_visible()
    agency_axe.check("respond page with errors")
    agency.get_by_label("Your message to the partnership").fill("Our log was renewed in March: see the file.")
    agency.get_by_role("button", name="Send to the partnership").click()
    expect(agency.get_by_role("heading", level=1)).to_have_text(theme.title)
    agency_axe.check("the conversation")

    # It uploads the evidence.
    agency.get_by_role("link", name="Back to your return").click()
    agency.get_by_role("link", name=re.compile("Send the evidence")).click()
    expect(agency.get_by_role("heading", level=1)).to_have_text("Evidence requested")
    agency_axe.check("evidence request page")
    log = tmp_path / "training-log.pdf"
    log.write_bytes(TINY_PDF)
    agency.get_by_label("Upload a file").set_input_files(str(log))
    agency.get_by_role("button", name="Send to the partnership").click()
    expect(agency.get_by_text("training-log.pdf sent to the partnership")).to_be_visible()
    agency_axe.check("evidence request page, answered")
    assert SupplementaryEvidence.objects.get(submission=world.submission).original_name == "training-log.pdf"

    # --- The reviewer sees both, and gives the final word: the log is current.
    staff.goto(review_url)
    expect(staff.get_by_text("1 open response to the evaluation waiting for an answer")).to_be_visible()
    expect(staff.get_by_role("link", name="training-log.pdf")).to_be_visible()
    staff_axe.check("review page with an open response and evidence")
    staff.locator(".govuk-notification-banner").get_by_role("link", name=theme.title).click()
    staff_axe.check("staff view of the conversation")
    staff.get_by_role("link", name="Give the final word").click()
    staff.get_by_role("radio", name="Change the moderated rating").check()
    staff.get_by_role("radio", name="Green").check()
    staff.get_by_label("Reason").fill("The renewed log shows everyone trained this year.")
    staff.get_by_role("button", name="Give the final word").click()
    expect(staff.get_by_text("moderated rating now Green")).to_be_visible()
    staff_axe.check("the conversation, resolved")
    challenge = Challenge.objects.get(submission=world.submission)
    assert challenge.status == ChallengeStatus.RESOLVED
    assert ThemeModeration.objects.get(submission=world.submission, theme=theme).rag == Rag.GREEN

    # --- The agency sees the result.
    agency.goto(f"{site}/{slug}/return/")
    expect(agency.locator(f"#evaluation-{theme.key}")).to_contain_text("Green")
    expect(agency.locator(f"#challenge-{challenge.pk}-status")).to_have_text("Resolved")
    agency_axe.check("task list after the final word")
    agency.get_by_role("link", name=theme.title, exact=True).last.click()
    expect(agency.get_by_text("The renewed log shows everyone trained this year.")).to_be_visible()
    agency_axe.check("the conversation with the final word")
    assert outbox.last_to(world.contact.email).subject.startswith(f"{world.partnership.name}: final word")

    staff_axe.assert_clean()
    agency_axe.assert_clean()
