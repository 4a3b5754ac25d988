"""The summary report: counts by status, RAG self-ratings per theme overall
and per locality, the themes most often Amber or Red; the page and its PDF
say the same, and the page costs the same number of queries for 10 agencies
as for 100."""

import io
import re
import time

import pytest
from pypdf import PdfReader

from audits.models import SubmissionStatus
from audits.selectors.reports import cycle_summary_report
from partnerships.models import StaffRole
from tests.staff import staff_client, staff_url

from .reports_world import many_agencies, reports_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return reports_world()


@pytest.fixture
def reader(client, world):
    return staff_client(client, world.partnership, StaffRole.READ_ONLY)


def url(world, name):
    return staff_url(world.partnership, name, cycle_slug=world.cycle.slug)


def counts(row):
    return (row.red, row.amber, row.green, row.not_rated)


def test_status_counts(world):
    report = cycle_summary_report(partnership=world.partnership, cycle=world.cycle)
    assert {s.status: s.count for s in report.statuses} == {
        SubmissionStatus.NOT_STARTED: 1,
        SubmissionStatus.IN_PROGRESS: 1,
        SubmissionStatus.SUBMITTED: 2,
        SubmissionStatus.RETURNED: 1,
    }
    assert (report.returns_total, report.returns_submitted) == (5, 2)


def test_rag_distribution_counts_only_submitted_returns(world):
    """Submitted: Aardvark (Green, Amber, Red) and Dormouse (Green, Green,
    Red by default). Badger's draft Amber and Eel's returned Green do not
    count."""
    report = cycle_summary_report(partnership=world.partnership, cycle=world.cycle)
    assert [(row.theme.key, counts(row), row.returns) for row in report.themes] == [
        ("theme-1", (0, 0, 2, 0), 2),
        ("theme-2", (0, 1, 1, 0), 2),
        ("theme-3", (2, 0, 0, 0), 2),
    ]
    assert report.themes[1].amber_percent == 50


def test_rag_distribution_by_locality(world):
    report = cycle_summary_report(partnership=world.partnership, cycle=world.cycle)
    by_name = {loc.name: loc for loc in report.localities}
    assert list(by_name) == ["Alpha North", "Alpha South"]
    north, south = by_name["Alpha North"], by_name["Alpha South"]
    assert north.returns == 1  # Aardvark
    assert [counts(r) for r in north.themes] == [(0, 0, 1, 0), (0, 1, 0, 0), (1, 0, 0, 0)]
    assert south.returns == 1  # Dormouse
    assert [counts(r) for r in south.themes] == [(0, 0, 1, 0), (0, 0, 1, 0), (1, 0, 0, 0)]


def test_an_agency_without_a_locality_is_reported_under_no_locality(world):
    from .reports_world import submit, theme_save, themes_of

    cormorant = world.returns["Cormorant Police"]
    for theme in themes_of(world.question_set):
        theme_save(cormorant, theme, value="yes", rag="amber", comments="Working on it")
    submit(cormorant)
    report = cycle_summary_report(partnership=world.partnership, cycle=world.cycle)
    last = report.localities[-1]
    assert last.name == "No locality"
    assert last.returns == 1
    assert [counts(r) for r in last.themes] == [(0, 1, 0, 0)] * 3


def test_themes_most_often_amber_or_red(world):
    report = cycle_summary_report(partnership=world.partnership, cycle=world.cycle)
    assert [(r.theme.key, r.amber_or_red) for r in report.most_amber_or_red] == [
        ("theme-3", 2),
        ("theme-2", 1),
    ]


def test_report_page_shows_the_counts(reader, world):
    response = reader.get(url(world, "staff_cycle_report"))
    assert response.status_code == 200
    html = response.content.decode()
    assert '<h1 class="govuk-heading-l">Summary report</h1>' in html
    assert "Returned for changes" in html
    assert "2 submitted returns" in html
    # The theme most often Amber or Red comes first, with its count.
    assert re.search(r"1\. Theme 3</th>\s*<td[^>]*>2 of 2", html)
    # RAG as a word and a colour.
    assert '<strong class="govuk-tag s11-rag s11-rag--amber">Amber</strong>' in html
    assert "Alpha North: 1 submitted return<" in html
    assert f'href="{url(world, "staff_cycle_report_pdf")}"' in html


def test_report_pdf_is_tagged_a4_and_says_the_counts(reader, world):
    started = time.monotonic()
    response = reader.get(url(world, "staff_cycle_report_pdf"))
    elapsed = time.monotonic() - started
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert 'filename="alpha-s11-2026-summary-report-' in response["Content-Disposition"]
    pdf = PdfReader(io.BytesIO(response.content))
    text = "\n".join(page.extract_text() for page in pdf.pages)
    flat = " ".join(text.split())
    assert "Section 11 audit summary report" in flat
    assert "Partnership ALPHA: Section 11 audit 2026" in flat
    for label, count in (
        ("Not started", 1),
        ("In progress", 1),
        ("Submitted", 2),
        ("Returned for changes", 1),
        ("All returns", 5),
    ):
        assert f"{label} {count}" in flat, label
    assert "1. Theme 3 2 of 2 (100%) 2 0" in flat
    assert "Theme 2 0 (0%) 1 (50%) 1 (50%) 0 (0%)" in flat
    assert "Alpha South: 1 submitted return" in flat
    assert f"Page 1 of {len(pdf.pages)}" in flat
    # A4, titled, in British English, tagged for screen readers (PDF/UA-1).
    box = pdf.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (595, 842)
    assert pdf.metadata.title == "Summary report: Section 11 audit 2026 – Partnership ALPHA"
    root = pdf.trailer["/Root"]
    assert root["/Lang"] == "en-GB"
    assert "/StructTreeRoot" in root
    assert root["/MarkInfo"]["/Marked"]
    assert b"pdfuaid" in root["/Metadata"].get_object().get_data()
    # Small and aggregate: built on request, well within a request's time.
    assert elapsed < 10


def test_report_pdf_of_a_big_cycle_runs_onto_several_pages(reader, world):
    many_agencies(world.partnership, world.cycle, world.previous, 30)
    from tests.factories import LocalityFactory

    for i in range(8):
        LocalityFactory(partnership=world.partnership, name=f"Extra locality {i}")
    response = reader.get(url(world, "staff_cycle_report_pdf"))
    pdf = PdfReader(io.BytesIO(response.content))
    pages = len(pdf.pages)
    last = " ".join(pdf.pages[-1].extract_text().split())
    assert f"Page {pages} of {pages}" in last


def test_an_empty_cycle_reports_zeros(reader, world):
    from tests.factories import AuditCycleFactory

    empty = AuditCycleFactory(partnership=world.partnership, question_set=world.question_set, slug="empty")
    response = reader.get(staff_url(world.partnership, "staff_cycle_report", cycle_slug=empty.slug))
    assert response.status_code == 200
    assert "No returns have been submitted yet" in response.content.decode()
    response = reader.get(staff_url(world.partnership, "staff_cycle_report_pdf", cycle_slug=empty.slug))
    assert response.status_code == 200


def _queries(client, url, django_assert_max_num_queries, limit):
    client.get(url)  # as a running server would be: the partnership and question sets cached
    with django_assert_max_num_queries(limit) as captured:
        assert client.get(url).status_code == 200
    return len(captured.captured_queries)


@pytest.mark.parametrize("name", ["staff_cycle_report", "staff_cycle_compare"])
def test_report_and_compare_pages_cost_the_same_for_10_and_100_agencies(
    reader, world, name, django_assert_max_num_queries
):
    many_agencies(world.partnership, world.cycle, world.previous, 10)
    few = _queries(reader, url(world, name), django_assert_max_num_queries, 30)
    many_agencies(world.partnership, world.cycle, world.previous, 90)
    many = _queries(reader, url(world, name), django_assert_max_num_queries, 30)
    assert many == few
    # And the larger page really has the larger numbers.
    html = reader.get(url(world, name)).content.decode()
    assert "Bulk agency 0104" in html or "105 of 105" in html or ">105<" in html
