"""Staff validation errors are GOV.UK errors (issue 18 item 8): a POST the
view refuses and redirects from ("Send a reminder now" with nobody ticked,
a moderation of a return that went back) shows the error summary at the top
of the page it lands on, linking to the field when there is one, with the
field marked and "Error: " in the title; never the blue "Important" banner."""

import re
from datetime import UTC, datetime, timedelta

import pytest
from django.test import Client

from audits.services.reminders import reminders_due
from audits.services.review import submission_return
from partnerships.models import StaffRole
from tests.factories import (
    AgencyFactory,
    AuditCycleFactory,
    PartnershipFactory,
    question_set_with_questions,
    two_partnerships,
)
from tests.staff import staff_client, staff_url

from .review_support import reviewer_actor, submitted_world

pytestmark = pytest.mark.django_db


def _summary(html: str) -> str:
    match = re.search(r'<div class="govuk-error-summary".*?</ul>', html, re.S)
    assert match, "no error summary"
    return match[0]


@pytest.fixture
def cycle():
    partnership = PartnershipFactory()
    now = datetime.now(UTC)
    cycle = AuditCycleFactory(
        partnership=partnership,
        question_set=question_set_with_questions(partnership, themes=1, questions=1),
        opens_at=now - timedelta(days=3),
        closes_at=now + timedelta(days=20),
    )
    AgencyFactory(partnership=partnership, contacts=1)
    reminders_due()  # makes the returns of the open cycle
    return cycle


@pytest.mark.parametrize("page_name", ["staff_cycle_dashboard", "staff_cycle_emails"])
def test_a_reminder_to_nobody_gets_an_error_summary_linking_to_the_agencies(cycle, page_name):
    client = staff_client(Client(), cycle.partnership, StaffRole.REVIEWER)
    back = staff_url(cycle.partnership, page_name, cycle_slug=cycle.slug)
    response = client.post(
        staff_url(cycle.partnership, "staff_cycle_remind", cycle_slug=cycle.slug), {"next": back}
    )
    assert response.status_code == 302 and response["Location"] == back

    html = client.get(back).content.decode()
    assert '<a href="#remind-agencies">Select at least one agency to remind</a>' in _summary(html)
    assert html.index("govuk-error-summary") < html.index("<h1")  # at the top, not by the button
    assert re.search(r'class="govuk-form-group govuk-form-group--error" id="remind-agencies"', html)
    assert (
        '<p class="govuk-error-message"><span class="govuk-visually-hidden">Error:</span> '
        "Select at least one agency to remind</p>" in html
    )
    assert "<title>Error: " in html
    assert "Important" not in html

    html = client.get(back).content.decode()  # shown once
    assert "govuk-error-summary" not in html and "govuk-form-group--error" not in html
    assert "<title>Error: " not in html


def test_a_refused_post_without_a_field_is_an_error_summary_without_a_link(
    client, django_capture_on_commit_callbacks
):
    a = submitted_world(two_partnerships().a)
    reviewer = staff_client(client, a.partnership, StaffRole.REVIEWER)
    with django_capture_on_commit_callbacks(execute=True):
        submission_return(
            submission=a.submission, reason="Add the policy", actor=reviewer_actor(reviewer.user)
        )
    theme = a.cycle.question_set.themes.order_by("order").first()
    response = reviewer.post(
        staff_url(
            a.partnership, "staff_return_moderate", reference=a.submission.reference, theme_key=theme.key
        ),
        {"rag": "red"},
        follow=True,
    )
    html = response.content.decode()
    summary = _summary(html)
    assert "with the agency for changes" in summary
    assert "<a href" not in summary
    assert "<title>Error: " in html
    assert "Important" not in html


def test_success_and_information_banners_are_unchanged(cycle):
    client = staff_client(Client(), cycle.partnership, StaffRole.REVIEWER)
    back = staff_url(cycle.partnership, "staff_cycle_emails", cycle_slug=cycle.slug)
    agency = cycle.partnership.agencies.get()
    client.post(
        staff_url(cycle.partnership, "staff_cycle_remind", cycle_slug=cycle.slug),
        {"agency": [agency.pk], "next": back},
    )
    html = client.get(back).content.decode()
    assert "govuk-notification-banner--success" in html
    assert "govuk-error-summary" not in html
    assert "<title>Error: " not in html


# A service's refusal (DomainError) on a form page: a form error in the error
# summary, linked to the field it concerns, the page shown again (200) with
# what was typed (core.views.form_post).


def test_a_refused_extension_is_an_error_on_the_deadline(cycle):
    client = staff_client(Client(), cycle.partnership, StaffRole.ADMIN)
    earlier = cycle.closes_at - timedelta(days=2)
    response = client.post(
        staff_url(cycle.partnership, "staff_cycle_admin_extend", cycle_slug=cycle.slug),
        {
            "deadline_0": str(earlier.day),
            "deadline_1": str(earlier.month),
            "deadline_2": str(earlier.year),
            "deadline_3": "5pm",
            "reason": "Half term",
        },
    )
    assert response.status_code == 200
    html = response.content.decode()
    message = "The new closing date must be later than the current one"
    assert f'<a href="#id_deadline_0">{message}</a>' in _summary(html)
    assert 'id="div_id_deadline" class="govuk-form-group govuk-form-group--error"' in html
    assert ">Half term</textarea>" in html
    assert "<title>Error: " in html


def test_a_question_set_name_taken_is_an_error_on_the_name(cycle):
    client = staff_client(Client(), cycle.partnership, StaffRole.ADMIN)
    taken = cycle.question_set.name
    response = client.post(
        staff_url(cycle.partnership, "staff_question_set_create"),
        {"name": taken, "description": "", "audience": "statutory"},
    )
    assert response.status_code == 200
    html = response.content.decode()
    summary = _summary(html)
    assert '<a href="#id_name">' in summary and taken in summary
    assert "govuk-form-group--error" in html
    assert "<title>Error: " in html


def test_an_email_input_and_radios_with_errors_carry_the_design_systems_classes(cycle):
    """crispy-forms-gds 2.0.1 drops govuk-input--error from email inputs and
    the base govuk-radios class from inline radios; the pages render these
    fields with their own templates, and keep both."""
    client = staff_client(Client(), cycle.partnership, StaffRole.ADMIN)
    response = client.post(
        staff_url(cycle.partnership, "staff_member_add"), {"email": "not an address", "full_name": "Sam"}
    )
    assert response.status_code == 200
    html = response.content.decode()
    email = re.search(r'<input[^>]*name="email"[^>]*>', html)[0]
    assert re.search(r'class="govuk-input[^"]*\bgovuk-input--error\b', email), email
    assert 'type="email"' in email
    radios = re.search(r'<div class="(govuk-radios[^"]*)"[^>]*>\s*<div class="govuk-radios__item">', html)
    assert radios and "govuk-radios" in radios[1].split(), html
    assert '<a href="#id_role_1">' in _summary(html)


def test_hostile_agency_ids_in_a_reminder_are_ignored(cycle):
    client = staff_client(Client(), cycle.partnership, StaffRole.REVIEWER)
    back = staff_url(cycle.partnership, "staff_cycle_emails", cycle_slug=cycle.slug)
    response = client.post(
        staff_url(cycle.partnership, "staff_cycle_remind", cycle_slug=cycle.slug),
        {"agency": ["²", "9" * 40, "-1", "1e3"], "next": back},
    )
    assert response.status_code == 302 and response["Location"] == back
    assert "Select at least one agency to remind" in client.get(back).content.decode()
