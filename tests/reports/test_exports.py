"""A report's three outputs say the same: the page (every chosen section, in
its order, charts with a title and a description), the tagged PDF (cover,
contents, page numbers, no table split after its header) and the Word
document (opens, has every chosen section)."""

import io
import re
import subprocess
import tempfile

import pytest
from django.test import Client
from pypdf import PdfReader

from core.domain import Actor
from partnerships.models import Sector, StaffRole
from reports.models import SECTION_BY_KEY, SECTION_KEYS
from reports.services import ReportData, report_create, report_update
from tests.core.test_pdf import hostile_html, loopback  # noqa: F401 (fixtures, asked for by name)
from tests.staff import staff_client, staff_url

from .world import report_world

pytestmark = pytest.mark.django_db

ORDER = ["method", "themes", "movement", "status", "sectors", "localities", "amber_red", "actions",
         "meetings", "meetings_year", "good_practice", "concerns"]  # fmt: skip


@pytest.fixture
def world():
    w = report_world()
    report = report_create(
        partnership=w.partnership, cycle=w.cycle, title="Board report 2026", sections=list(SECTION_KEYS),
        actor=Actor(name="Rae Reviewer"),
    )  # fmt: skip
    w.report = report_update(
        partnership=w.partnership,
        report=report,
        data=ReportData(
            title="Board report 2026",
            sections=ORDER,
            good_practice="Agencies train new staff well.\n\n- Aardvark's induction",
            concerns="<script>alert(1)</script> Some [plans](https://example.org/plans) are late.",
            method_note="Moderated by the business unit.",
        ),
        actor=Actor(name="Rae Reviewer"),
    )
    return w


@pytest.fixture
def reader(world):
    return staff_client(Client(), world.partnership, StaffRole.READ_ONLY)


def url(world, name, query=""):
    return staff_url(world.partnership, name, cycle_slug=world.cycle.slug, report_id=world.report.pk) + query


def test_the_page_shows_every_chosen_section_in_order_with_charts(world, reader):
    html = reader.get(url(world, "staff_report")).content.decode()
    headings = re.findall(r'<h2 class="govuk-heading-l s11-report-heading" id="section-(\w+)-heading">', html)
    assert headings == ORDER
    for chart in ("chart-rag", "chart-self-moderated", "chart-movement", "chart-response"):
        assert f'aria-labelledby="{chart}-title {chart}-desc"' in html
        assert f'<title id="{chart}-title">' in html and f'<desc id="{chart}-desc">' in html
    assert "Theme 1: 0 Red, 1 Amber, 1 Green, 0 not rated" in html  # the agreed ratings chart's description
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert '<a class="govuk-link" href="https://example.org/plans">plans</a>' in html


def test_a_locality_pack_and_a_sector_view_are_one_click_away(world, reader):
    html = reader.get(url(world, "staff_report")).content.decode()
    assert f'href="?locality={world.north.pk}"' in html and f'href="?sector={Sector.VOLUNTARY}"' in html
    pack = reader.get(url(world, "staff_report", f"?locality={world.north.pk}")).content.decode()
    assert "for Alpha North only" in pack
    assert (
        f"report.pdf?locality={world.north.pk}" in pack and f"report.docx?locality={world.north.pk}" in pack
    )
    assert reader.get(url(world, "staff_report", "?locality=999999")).status_code == 404
    assert reader.get(url(world, "staff_report", "?sector=pirates")).status_code == 404


def _pdf(reader, world, query=""):
    response = reader.get(url(world, "staff_report_pdf", query))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    return response.content


def _pages_text(content: bytes) -> list[str]:
    with tempfile.NamedTemporaryFile(suffix=".pdf") as handle:
        handle.write(content)
        handle.flush()
        text = subprocess.run(
            ["pdftotext", "-layout", handle.name, "-"], capture_output=True, check=True
        ).stdout
    return text.decode().split("\f")


def test_the_pdf_is_tagged_with_a_cover_contents_and_page_numbers(world, reader):
    content = _pdf(reader, world)
    pdf = PdfReader(io.BytesIO(content))
    root = pdf.trailer["/Root"]
    assert bool(root["/MarkInfo"]["/Marked"])
    assert "/StructTreeRoot" in root
    assert root["/Lang"] == "en-GB"
    assert pdf.metadata.title == "Board report 2026 – Partnership ALPHA"
    pages = _pages_text(content)
    assert "Board report 2026" in pages[0] and "Page 1 of" not in pages[0]  # the cover
    assert "Contents" in pages[1]
    # The contents give each section's page, and the section is on it.
    for number, key in enumerate(ORDER, start=1):
        title = SECTION_BY_KEY[key].title
        line = next(line for line in pages[1].splitlines() if f"{number}. {title}" in line)
        page = int(line.split()[-1])
        assert title in pages[page - 1], (title, page)
    total = len(pdf.pages)
    assert f"Page 2 of {total}" in pages[1]


def test_no_pdf_table_is_split_after_its_header(world, reader):
    """Each table's caption, header and first row are on one page. With a
    theme list long enough to push tables across page ends, too."""
    from tests.factories import question_set_with_questions  # noqa: F401 (the world's sets are enough)

    pages = _pages_text(_pdf(reader, world))
    checks = [
        ("Self-ratings and moderated ratings by theme", "Theme 1"),
        ("Returns by status", "Not started"),
        ("Response rate by cycle", "Section 11 audit 2024"),
        ("Returns and agreed ratings by sector", "Local authority"),
        ("Returns and agreed ratings by locality", "Alpha North"),
        ("Movement since Section 11 audit 2024", "Theme 1"),
        ("Themes most often rated Amber or Red", "Theme 3"),
        ("Action plans", "Completed"),
        ("Actions agreed at the assurance meeting", "Send the training matrix"),
    ]
    for caption, first_row in checks:
        page = next((p for p in pages if caption in p and "Contents" not in p[:200]), None)
        assert page is not None, caption
        assert first_row in page.split(caption, 1)[1], (caption, first_row)


def test_the_word_document_opens_and_has_every_chosen_section(world, reader):
    import docx

    response = reader.get(url(world, "staff_report_docx", f"?locality={world.south.pk}"))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["Content-Disposition"].endswith(f'-locality-{world.south.pk}.docx"')
    document = docx.Document(io.BytesIO(response.content))
    headings = [p.text for p in document.paragraphs if p.style.name == "Heading 1"]
    assert headings == [SECTION_BY_KEY[k].title for k in ORDER]
    assert document.core_properties.title == "Board report 2026"
    text = "\n".join(p.text for p in document.paragraphs)
    assert "Agencies train new staff well." in text
    assert "plans (https://example.org/plans)" in text
    assert "Partnership ALPHA: Section 11 audit 2026 – Alpha South" in text
    tables = {t.rows[0].cells[0].text: t for t in document.tables}
    assert [c.text for c in tables["Locality"].rows[1].cells[:3]] == ["Alpha South", "3", "1"]
    assert len(tables["Locality"].rows) == 2  # the pack has its own locality only


def test_a_report_of_another_partnership_is_not_found(world):
    bravo = report_world("bravo")
    other = staff_client(Client(), bravo.partnership, StaffRole.ADMIN)
    for name in ("staff_report", "staff_report_pdf", "staff_report_docx", "staff_report_edit"):
        wrong = staff_url(bravo.partnership, name, cycle_slug=bravo.cycle.slug, report_id=world.report.pk)
        assert other.get(wrong).status_code == 404, name


def test_the_report_and_childrens_pdfs_fetch_nothing_from_outside(world, reader, request):
    """As every PDF the service makes (tests/core/test_pdf.py): tags
    naming a loopback server are put into the HTML WeasyPrint is given."""
    from demo.reports import CHILD_SUMMARY
    from reports.services import child_summary_publish, child_summary_save

    asked = request.getfixturevalue("hostile_html")
    assert _pdf(reader, world).startswith(b"%PDF")
    assert _pdf(reader, world, f"?locality={world.north.pk}").startswith(b"%PDF")
    child_summary_save(
        partnership=world.partnership, cycle=world.cycle, data=CHILD_SUMMARY, actor=Actor(name="R")
    )
    child_summary_publish(
        partnership=world.partnership, cycle=world.cycle, publish=True, actor=Actor(name="R")
    )
    path = f"/{world.partnership.slug}/children/{world.cycle.slug}/summary.pdf"
    assert Client().get(path).content.startswith(b"%PDF")
    assert asked == []
