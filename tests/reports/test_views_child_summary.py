"""The summary for children: written from prompts, its reading age shown to
the writer, no audit jargon, public (page and PDF) only once published and
only on its own partnership's pages."""

import io

import pytest
from django.test import Client
from django.urls import reverse
from pypdf import PdfReader

from core.models import AuditEvent
from partnerships.models import StaffRole
from reports.forms import reading_age
from reports.models import ChildSummary
from tests.factories import two_partnerships
from tests.staff import staff_client, staff_url

pytestmark = pytest.mark.django_db

PLAIN = {
    "title": "How grown-ups keep you safe",
    "what_we_checked": "We asked 40 groups that work with children, like schools and doctors, "
    "how they keep you safe.",
    "going_well": "- Staff know who to talk to if they are worried about a child.\n"
    "- Most groups check new staff.",
    "working_on": "- Some groups will train more of their staff by the summer.",
    "what_next": "We will check again next year. You can [tell us what you think](https://example.org/say).",
}
HARD = (
    "Notwithstanding considerable organisational heterogeneity, multi-agency safeguarding arrangements "
    "necessitate comprehensive interdisciplinary consolidation and sustained accountability."
)


@pytest.fixture
def world():
    return two_partnerships()


@pytest.fixture
def reviewer(world):
    return staff_client(Client(), world.a.partnership, StaffRole.REVIEWER)


def edit_url(w):
    return staff_url(w.partnership, "staff_child_summary", cycle_slug=w.cycle.slug)


def public(w, name="child_summary"):
    return reverse(name, kwargs={"partnership_slug": w.partnership.slug, "cycle_slug": w.cycle.slug})


def test_reading_age_is_low_for_plain_words_and_high_for_jargon():
    assert reading_age(PLAIN["what_we_checked"]) <= 11
    assert reading_age(HARD) >= 16
    assert reading_age("Too short.") is None


def test_the_writer_sees_the_reading_age_and_jargon_is_refused_with_what_they_typed(world, reviewer):
    a = world.a
    data = {**PLAIN, "working_on": "Themes rated Amber will improve. " + HARD}
    response = reviewer.post(edit_url(a), data)
    html = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in html
    assert "Use words a child would know instead of &#x27;Amber&#x27;" in html
    assert "Notwithstanding considerable" in html  # kept as typed
    assert "Too hard: use shorter sentences" in html  # the reading age of what was typed
    assert not ChildSummary.objects.exists()


def test_save_publish_and_read_it_on_the_public_pages(world, reviewer):
    a = world.a
    assert Client().get(public(a)).status_code == 404  # nothing written yet
    response = reviewer.post(edit_url(a), PLAIN)
    assert response.status_code == 302
    page = reviewer.get(edit_url(a)).content.decode()
    assert "Easy enough" in page and "Not published" in page
    assert Client().get(public(a)).status_code == 404  # written, not published

    publish = staff_url(a.partnership, "staff_child_summary_publish", cycle_slug=a.cycle.slug)
    assert reviewer.post(publish, {"publish": "yes"}).status_code == 302
    assert AuditEvent.objects.filter(verb="child_summary.published").count() == 1
    html = Client().get(public(a)).content.decode()
    assert "How grown-ups keep you safe" in html
    assert "What is going well" in html and "Staff know who to talk to" in html
    assert '<a class="govuk-link" href="https://example.org/say">tell us what you think</a>' in html
    for word in ("Red", "Amber", "Green", "RAG"):
        assert f">{word}<" not in html
    guidance = Client().get(reverse("guidance", kwargs={"partnership_slug": a.partnership.slug}))
    assert public(a) in guidance.content.decode()

    pdf = Client().get(public(a, "child_summary_pdf"))
    assert pdf.status_code == 200
    reader = PdfReader(io.BytesIO(pdf.content))
    assert "/StructTreeRoot" in reader.trailer["/Root"]
    assert "What organisations are working on" in reader.pages[0].extract_text()

    # Not on another partnership's pages.
    b = world.b
    wrong = reverse(
        "child_summary", kwargs={"partnership_slug": b.partnership.slug, "cycle_slug": a.cycle.slug}
    )
    if b.cycle.slug != a.cycle.slug:
        assert Client().get(wrong).status_code == 404
    assert Client().get(public(b)).status_code == 404

    assert reviewer.post(publish, {"publish": "no"}).status_code == 302
    assert Client().get(public(a)).status_code == 404


def test_publishing_before_writing_says_why(world, reviewer):
    a = world.a
    publish = staff_url(a.partnership, "staff_child_summary_publish", cycle_slug=a.cycle.slug)
    response = reviewer.post(publish, {"publish": "yes"}, follow=True)
    assert "Write the summary before publishing it" in response.content.decode()
