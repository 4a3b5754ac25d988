"""PDFs of returns and the reference sheets: what they say (their text, read
back with pypdf), that they are tagged PDF/UA, that a submitted version is
built once, on commit, stored with its hash and never changes, and who may
download what.

Set S11_PDF_DUMP=/some/dir to keep the PDFs these tests make, to look at."""

import hashlib
import io
import os
import re
from datetime import timedelta
from pathlib import Path
from unittest import mock
from urllib.parse import unquote

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from audits.models import SIGN_OFF_DECLARATION, AuditCycle, Submission, SubmissionPdf, SubmissionStatus
from audits.services import resume_link_create, submission_submit
from audits.services.pdf import submission_pdf_record
from audits.templatetags.s11 import uk_datetime
from core import pdf as s11_pdf
from core.audit import audit_event_record
from core.domain import Actor
from core.models import AuditEvent
from partnerships.models import StaffRole
from tests.factories import theme_save, two_partnerships
from tests.staff import staff_client, staff_url

pytestmark = pytest.mark.django_db

LONG_COMMENT = (
    "We audited every recruitment file in March; two references were missing and have since been "
    "chased. The designated lead reports to the board each quarter. "
) * 12
PDF_BYTES = (
    b"%PDF-1.4\n"
    b"1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\n"
    b"xref\n0 4\n0000000000 65535 f \n0000000009 00000 n \n0000000052 00000 n \n0000000101 00000 n \n"
    b"trailer<</Size 4/Root 1 0 R>>\nstartxref\n164\n%%EOF\n"
)


@pytest.fixture(autouse=True)
def private_storage(settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": tmp_path, "base_url": None},
        },
    }
    return tmp_path


def dump(name: str, content: bytes) -> None:
    target = os.environ.get("S11_PDF_DUMP")
    if target:
        Path(target).mkdir(parents=True, exist_ok=True)
        (Path(target) / name).write_bytes(content)


def pdf_text(content: bytes) -> str:
    """All the text, whitespace collapsed (table cells wrap across lines)."""
    reader = PdfReader(io.BytesIO(content))
    return " ".join(" ".join(page.extract_text() or "" for page in reader.pages).split())


def body_text(content: bytes, *furniture: str) -> str:
    """The text without the running header and footer, so that a paragraph
    that goes over a page reads on."""
    text = pdf_text(content)
    text = re.sub(r" ?Page \d+ of \d+ ?", " ", text)
    for item in furniture:
        text = text.replace(f" {item} ", " ")
    return " ".join(text.split())


def page_texts(content: bytes) -> list[str]:
    return [" ".join((p.extract_text() or "").split()) for p in PdfReader(io.BytesIO(content)).pages]


def url(world, name, **kwargs):
    return reverse(name, kwargs={"partnership_slug": world.partnership.slug, **kwargs})


def agency_client(world, client=None):
    client = client or Client()
    _, link = resume_link_create(
        submission=world.submission, name="Sam Alpha", email=world.contact.email, mint=True
    )
    assert client.get(link.split("127.0.0.1:8000", 1)[-1]).status_code == 302
    return client


def fill_return(world):
    """A return with every kind of answer: Yes, No, N/A and unanswered; each
    RAG; long comments; a file and a link as evidence."""
    themes = list(world.question_set.themes.order_by("order"))
    first, second, third = themes
    q1 = list(first.questions.order_by("order"))
    theme_save(
        world.submission,
        first,
        answers={q1[0].pk: "yes", q1[1].pk: "no", q1[2].pk: "na", q1[3].pk: "yes"},
        rag="amber",
        comments="Theme one comment: the N/A question does not apply to a charity.\n" + LONG_COMMENT,
        new_links=[
            ("https://example.org/policies/safeguarding-2026-with-a-long-path/index.html", "Policy page")
        ],
        new_files=[SimpleUploadedFile("board-minutes.pdf", PDF_BYTES, content_type="application/pdf")],
    )
    theme_save(
        world.submission, second, value="no", rag="red", comments="Theme two comment: no training plan yet."
    )
    q3 = list(third.questions.order_by("order"))
    # Theme three half answered, not rated: defaulted to Red on submission.
    theme_save(
        world.submission, third, answers={q3[0].pk: "yes", q3[1].pk: "yes"}, rag="", comments="Theme three."
    )
    world.submission.refresh_from_db()
    return themes


def submit(world):
    world.submission.refresh_from_db()
    world.submission = submission_submit(
        submission=world.submission,
        submitted_by=Actor(name="Sam Alpha", email=world.contact.email),
        signed_off_by_name="Alex Director",
        signed_off_by_role="Director of Children's Services",
        expected_version=world.submission.version,
    )
    return world.submission


def return_for_changes(submission):
    """What the review service will do (another part builds it): status back
    to 'returned', the edit counter bumped, on the record."""
    Submission.objects.filter(pk=submission.pk).update(
        status=SubmissionStatus.RETURNED, version=submission.version + 1, updated_at=timezone.now()
    )
    audit_event_record(
        partnership=submission.partnership,
        actor=Actor(name="Rev"),
        verb="submission.returned",
        submission=submission,
    )
    submission.refresh_from_db()


@pytest.fixture
def worlds():
    return two_partnerships()


@pytest.fixture
def world(worlds):
    return worlds.a


@pytest.fixture
def submitted(world, django_capture_on_commit_callbacks):
    fill_return(world)
    with django_capture_on_commit_callbacks(execute=True):
        submit(world)
    return SubmissionPdf.objects.get(submission=world.submission)


# --- what the submitted PDF says ---------------------------------------------------


def test_submitted_pdf_has_every_answer_comment_rating_and_the_declaration(world, submitted):
    assert submitted.is_built
    content = submitted.file.read()
    dump("submitted.pdf", content)
    text = pdf_text(content)
    themes = list(world.question_set.themes.order_by("order"))
    labels = {"yes": "Yes", "no": "No", "na": "Not applicable", "": "Not answered"}
    for section in submitted.snapshot["sections"]:
        assert section["theme"]["title"] in text
        for number, (question, answer) in enumerate(section["questions"], start=1):
            # Each row: number, question, answer, in reading order.
            assert f"{number} {question['text']} {labels[answer]}" in text, question
    assert "Theme one comment: the N/A question does not apply to a charity." in text
    footer = f"Version 1, submitted {uk_datetime(world.submission.submitted_at)}"
    header = f"{world.agency.name} – {world.cycle.title}"
    body = body_text(content, footer, header, world.submission.reference)
    assert " ".join(LONG_COMMENT.split()) in body
    assert "Theme two comment: no training plan yet." in text
    assert "Theme three." in text
    # Ratings as words: summary table and per theme.
    assert text.count("Amber Partially compliant") == 2
    assert text.count("Red Not compliant") >= 4  # theme 2 and theme 3 (defaulted), twice each
    assert "given by default: questions were unanswered" in text
    assert "File: board-minutes.pdf" in text
    assert "Link: Policy page" in text
    assert "https://example.org/policies/safeguarding-2026-with-a-long-path/index.html" in text.replace(
        " ", ""
    )
    # The cover.
    submission = world.submission
    assert world.partnership.name in text
    assert world.agency.name in text
    assert world.cycle.title in text
    assert submission.reference in text
    local = timezone.localtime(submission.submitted_at)
    assert f"{local.day} {local:%B %Y}" in text and "(UK time)" in text
    assert "Signed off by Alex Director, Director of Children's Services" in text.replace("’", "'")
    assert " ".join(SIGN_OFF_DECLARATION.split()) in text
    assert len(themes) == 3


def test_every_page_has_the_running_header_and_page_n_of_m(submitted, world):
    pages = page_texts(submitted.file.read())
    assert len(pages) >= 3
    for number, page in enumerate(pages, start=1):
        assert f"Page {number} of {len(pages)}" in page
        assert world.submission.reference in page
        assert "DRAFT" not in page


def test_the_pdf_is_tagged_pdf_ua_with_title_and_language(submitted):
    reader = PdfReader(io.BytesIO(submitted.file.read()))
    root = reader.trailer["/Root"]
    assert "/StructTreeRoot" in root
    assert root["/MarkInfo"]["/Marked"] in (True, "true")
    assert root["/Lang"] == "en-GB"
    assert root["/ViewerPreferences"]["/DisplayDocTitle"] in (True, "true")
    xmp = root["/Metadata"].get_object().get_data()
    assert re.search(rb'pdfuaid:part="1"|<pdfuaid:part>1</pdfuaid:part>', xmp), xmp[:500]
    assert reader.metadata.title.startswith("Section 11 self-assessment")
    assert b"Section 11 self-assessment" in xmp


def test_no_fonts_or_anything_else_is_fetched():
    html = (
        '<html lang="en-GB"><head><title>t</title>'
        '<link rel="stylesheet" href="https://fonts.example/x.css">'
        "<style>@font-face { font-family: Web; src: url(https://fonts.example/web.woff2) }"
        " body { font-family: Web }</style></head>"
        '<body><img src="https://example.org/x.png" alt="">Hi</body></html>'
    )
    asked = []
    original = s11_pdf.pdf_url_fetcher

    def refuse(url, *args, **kwargs):
        asked.append(url)
        return original(url)

    with mock.patch.object(s11_pdf, "pdf_url_fetcher", refuse):
        content = s11_pdf.pdf_render(html)
    assert set(asked) == {
        "https://fonts.example/x.css",
        "https://fonts.example/web.woff2",
        "https://example.org/x.png",
    }
    fonts = PdfReader(io.BytesIO(content)).pages[0]["/Resources"]["/Font"]
    names = {str(f.get_object()["/BaseFont"]) for f in fonts.values()}
    assert all("Liberation" in n or "DejaVu" in n for n in names), names


# --- built on commit, once, stored with its hash -------------------------------------


def test_the_build_is_queued_on_commit_not_before(world, django_capture_on_commit_callbacks):
    fill_return(world)
    with mock.patch("audits.tasks.build_submission_pdf.delay") as delay:
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            submit(world)
            record = SubmissionPdf.objects.get(submission=world.submission)
            assert not record.is_built
            delay.assert_not_called()
        assert len(callbacks) >= 1
        for callback in callbacks:
            callback()
        delay.assert_called_once_with(record.pk)


def test_the_task_is_idempotent(submitted, private_storage):
    from audits.tasks import build_submission_pdf

    first = submitted.sha256
    build_submission_pdf(submitted.pk)
    build_submission_pdf(submitted.pk)
    submitted.refresh_from_db()
    assert submitted.sha256 == first
    files = list((private_storage / "submission-pdfs").rglob("*.pdf"))  # not the evidence
    assert [p.name for p in files] == ["v1.pdf"]
    assert AuditEvent.objects.filter(verb="submission.pdf_built").count() == 1
    assert hashlib.sha256(files[0].read_bytes()).hexdigest() == first
    assert submitted.size == files[0].stat().st_size


def test_submitting_twice_keeps_one_version(world, submitted, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        submit(world)
        submission_pdf_record(submission=world.submission)
    assert SubmissionPdf.objects.filter(submission=world.submission).count() == 1


def test_the_served_file_matches_the_stored_hash(world, submitted):
    client = agency_client(world)
    response = client.get(url(world, "return_pdf_download", version=1))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    body = b"".join(response.streaming_content)
    assert hashlib.sha256(body).hexdigest() == submitted.sha256 == response["X-Content-SHA256"]
    disposition = response["Content-Disposition"]
    assert "attachment" in disposition
    assert f"{world.submission.reference} ALPHA Borough Council v1.pdf" in unquote(disposition)
    assert "private" in response["Cache-Control"] and "no-store" in response["Cache-Control"]


def test_a_missing_file_is_rebuilt_from_the_snapshot_with_the_same_bytes(
    world, submitted, django_capture_on_commit_callbacks
):
    recorded = submitted.sha256
    submitted.file.storage.delete(submitted.file.name)
    # Sent back for changes and changed: version 1 still shows what was
    # submitted, because it is built from the snapshot taken at submission.
    return_for_changes(world.submission)
    theme_save(
        world.submission, world.question_set.themes.get(order=2), comments="Changed since.", rag="green"
    )
    client = staff_client(Client(), world.partnership, StaffRole.READ_ONLY)
    download = staff_url(
        world.partnership, "staff_return_pdf_download", reference=world.submission.reference, version=1
    )
    events = AuditEvent.objects.count()
    page = client.get(download)
    assert page.status_code == 200
    assert "not ready to download yet" in page.content.decode()
    assert AuditEvent.objects.count() == events  # the GET built nothing

    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(download)["Location"] == download
    response = client.get(download)
    assert response.status_code == 200
    body = b"".join(response.streaming_content)
    assert hashlib.sha256(body).hexdigest() == recorded
    submitted.refresh_from_db()
    assert submitted.sha256 == recorded
    assert submitted.file.storage.exists(submitted.file.name)
    text = pdf_text(body)
    assert "Theme two comment: no training plan yet." in text and "Changed since." not in text


def test_a_return_submitted_before_pdfs_were_kept_gets_one_when_asked(
    world, django_capture_on_commit_callbacks
):
    fill_return(world)
    submit(world)
    SubmissionPdf.objects.all().delete()
    client = agency_client(world)
    page = client.get(url(world, "return_pdf"))
    assert page.status_code == 200
    assert "Prepare the PDF" in page.content.decode()
    assert not SubmissionPdf.objects.exists()  # a GET records nothing

    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(url(world, "return_pdf"))["Location"] == url(world, "return_pdf")
    assert "Download version 1" in client.get(url(world, "return_pdf")).content.decode()
    response = client.get(url(world, "return_pdf_download", version=1))
    assert response.status_code == 200
    assert world.submission.reference in pdf_text(b"".join(response.streaming_content))


# --- returned for changes and submitted again -------------------------------------------------


def test_resubmission_is_a_new_version_and_the_old_one_stays(
    world, submitted, django_capture_on_commit_callbacks
):
    return_for_changes(world.submission)
    second_theme = world.question_set.themes.get(order=2)
    theme_save(
        world.submission, second_theme, value="yes", rag="green", comments="Training plan agreed in May."
    )
    with django_capture_on_commit_callbacks(execute=True):
        submit(world)
    versions = list(SubmissionPdf.objects.filter(submission=world.submission).order_by("version"))
    assert [v.version for v in versions] == [1, 2]
    assert all(v.is_built for v in versions)
    old, new = (pdf_text(v.file.read()) for v in versions)
    assert "Theme two comment: no training plan yet." in old and "Training plan agreed in May." not in old
    assert "Training plan agreed in May." in new
    assert "submitted again after the partnership returned it for changes" in new

    client = staff_client(Client(), world.partnership, StaffRole.READ_ONLY)
    listing = client.get(
        staff_url(world.partnership, "staff_return_pdf_list", reference=world.submission.reference)
    )
    html = listing.content.decode()
    assert "Download version 1" in html and "Download version 2" in html and "Superseded" in html
    for v in versions:
        response = client.get(
            staff_url(
                world.partnership,
                "staff_return_pdf_download",
                reference=world.submission.reference,
                version=v.version,
            )
        )
        assert hashlib.sha256(b"".join(response.streaming_content)).hexdigest() == v.sha256
        assert f"v{v.version}.pdf" in response["Content-Disposition"]


# --- the draft ------------------------------------------------------------------------


def test_the_draft_says_draft_on_every_page(world):
    fill_return(world)
    client = agency_client(world)
    task_list = client.get(url(world, "task_list")).content.decode()
    assert url(world, "return_pdf_draft") in task_list
    response = client.get(url(world, "return_pdf_draft"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert f"{world.submission.reference} ALPHA Borough Council DRAFT.pdf" in unquote(
        response["Content-Disposition"]
    )
    dump("draft.pdf", response.content)
    pages = page_texts(response.content)
    assert len(pages) >= 3
    for page in pages:
        assert f"DRAFT – {world.submission.reference}" in page
        assert "DRAFT – not submitted" in page
    text = " ".join(pages)
    assert "Theme two comment: no training plan yet." in text
    assert "Not signed off yet" in text
    assert "Not answered" in text
    assert not SubmissionPdf.objects.exists()


def test_the_draft_of_a_submitted_return_goes_to_the_submitted_copy(world, submitted):
    client = agency_client(world)
    response = client.get(url(world, "return_pdf_draft"))
    assert response.status_code == 302
    assert response["Location"] == url(world, "return_pdf")
    task_list = client.get(url(world, "task_list")).content.decode()
    assert url(world, "return_pdf") in task_list and url(world, "return_pdf_draft") not in task_list
    confirmation = client.get(url(world, "confirmation")).content.decode()
    assert url(world, "return_pdf") in confirmation


# --- who may download ----------------------------------------------------------------------


def test_agency_pages_need_the_agency_session(world, submitted):
    for name, kwargs in (
        ("return_pdf", {}),
        ("return_pdf_download", {"version": 1}),
        ("return_pdf_draft", {}),
    ):
        response = Client().get(url(world, name, **kwargs))
        assert response.status_code == 302
        assert response["Location"] == url(world, "link_invalid")


def test_another_agency_cannot_reach_this_return_copies(worlds, django_capture_on_commit_callbacks):
    a, b = worlds
    fill_return(a)
    with django_capture_on_commit_callbacks(execute=True):
        submit(a)
    # b's contributor, signed in to b's return, asking under a's address and
    # under its own: a session is for its own partnership and return only.
    client = agency_client(b)
    assert client.get(url(b, "return_pdf_download", version=1)).status_code == 404
    response = client.get(url(a, "return_pdf_download", version=1))
    assert response.status_code == 302 and response["Location"] == url(a, "link_invalid")
    # Another return in the same partnership: its own copies only.
    from tests.factories import AgencyFactory, SubmissionFactory

    sibling = SubmissionFactory(cycle=a.cycle, agency=AgencyFactory(partnership=a.partnership))
    _, link = resume_link_create(submission=sibling, name="Pat", email="pat@sibling.example", mint=True)
    other = Client()
    other.get(link.split("127.0.0.1:8000", 1)[-1])
    assert other.get(url(a, "return_pdf_download", version=1)).status_code == 404


def test_staff_of_another_partnership_get_404(worlds, django_capture_on_commit_callbacks):
    a, b = worlds
    fill_return(a)
    with django_capture_on_commit_callbacks(execute=True):
        submit(a)
    client = staff_client(Client(), b.partnership, StaffRole.ADMIN)
    for name, kwargs in (
        ("staff_return_pdf_list", {"reference": a.submission.reference}),
        ("staff_return_pdf_download", {"reference": a.submission.reference, "version": 1}),
    ):
        assert client.get(staff_url(b.partnership, name, **kwargs)).status_code == 404
        assert client.get(staff_url(a.partnership, name, **kwargs)).status_code == 404


def test_staff_list_of_an_unsubmitted_return_says_so(world):
    client = staff_client(Client(), world.partnership, StaffRole.READ_ONLY)
    page = client.get(
        staff_url(world.partnership, "staff_return_pdf_list", reference=world.submission.reference)
    )
    assert page.status_code == 200
    assert "has not been submitted yet" in page.content.decode()
    download = staff_url(
        world.partnership, "staff_return_pdf_download", reference=world.submission.reference, version=1
    )
    assert client.get(download).status_code == 404


# --- public reference sheets ----------------------------------------------------------------------


def test_question_list_sheet_has_every_theme_question_and_guidance(world):
    from themes.models import Question, Theme

    Theme.objects.filter(question_set=world.question_set, order=1).update(
        guidance="Read Working Together 2023 first."
    )
    Question.objects.filter(theme__question_set=world.question_set, order=2).update(
        guidance="Count volunteers as staff.", allows_na=False
    )
    response = Client().get(url(world, "question_list_pdf", cycle_slug=world.cycle.slug))
    assert response.status_code == 200
    body = b"".join(response.streaming_content)
    dump("question-list.pdf", body)
    text = pdf_text(body)
    for question in Question.objects.filter(theme__question_set=world.question_set):
        assert question.text in text
    assert "Read Working Together 2023 first." in text
    assert text.count("Count volunteers as staff.") == 3
    assert "Not applicable is not an option for this question." in text
    assert "Question list reference sheet" in text
    assert "question list reference sheet.pdf" in unquote(response["Content-Disposition"])
    assert "/StructTreeRoot" in PdfReader(io.BytesIO(body)).trailer["/Root"]


@pytest.mark.parametrize(
    ("required", "months", "says", "not_said"),
    [
        (True, 6, ["needs at least one action", "every 6 months"], ["does not require"]),
        (False, 0, ["does not require an action"], ["needs at least one action", "every 0"]),
    ],
)
def test_grading_sheet_says_what_the_cycle_requires_of_action_plans(world, required, months, says, not_said):
    AuditCycle.objects.filter(pk=world.cycle.pk).update(
        action_items_required=required, action_update_months=months
    )
    response = Client().get(url(world, "grading_sheet_pdf", cycle_slug=world.cycle.slug))
    text = " ".join(pdf_text(b"".join(response.streaming_content)).split())
    for words in says:
        assert words in text
    for words in not_said:
        assert words not in text


def test_grading_sheet_has_each_theme_descriptors(world):
    response = Client().get(url(world, "grading_sheet_pdf", cycle_slug=world.cycle.slug))
    assert response.status_code == 200
    body = b"".join(response.streaming_content)
    dump("grading-sheet.pdf", body)
    text = pdf_text(body)
    for theme in world.question_set.themes.all():
        for rag, descriptor in (
            ("Green", theme.green_descriptor),
            ("Amber", theme.amber_descriptor),
            ("Red", theme.red_descriptor),
        ):
            assert f"{rag} {descriptor}" in text


def test_reference_sheets_are_built_once_and_again_when_the_questions_change(world, private_storage):
    sheet = url(world, "question_list_pdf", cycle_slug=world.cycle.slug)
    with mock.patch("audits.services.pdf.pdf_render", wraps=s11_pdf.pdf_render) as build:
        first = b"".join(Client().get(sheet).streaming_content)
        again = b"".join(Client().get(sheet).streaming_content)
        assert build.call_count == 1
        assert first == again
        world.question_set.themes.filter(order=1).update(title="Leadership and accountability")
        changed = b"".join(Client().get(sheet).streaming_content)
        assert build.call_count == 2
    assert "Leadership and accountability" in pdf_text(changed)
    assert len(list(private_storage.rglob("questions-*.pdf"))) == 2


def test_reference_sheets_are_per_partnership(worlds):
    a, b = worlds
    b.cycle.slug = "only-in-bravo"
    b.cycle.save()
    assert Client().get(url(a, "question_list_pdf", cycle_slug="only-in-bravo")).status_code == 404
    assert Client().get(url(a, "grading_sheet_pdf", cycle_slug="only-in-bravo")).status_code == 404


def test_start_and_question_list_pages_link_the_sheets(world):
    for name in ("cycle_start", "question_list"):
        html = Client().get(url(world, name, cycle_slug=world.cycle.slug)).content.decode()
        assert url(world, "question_list_pdf", cycle_slug=world.cycle.slug) in html
        assert url(world, "grading_sheet_pdf", cycle_slug=world.cycle.slug) in html


def test_header_text_is_escaped_for_css():
    from audits.templatetags.s11_pdf import css_string

    assert css_string('A "B" \\ </style>') == '"A \\000022B\\000022 \\00005c \\00003c/style\\00003e"'


def test_bulk_work_can_defer_the_builds_to_the_sweep(world, django_capture_on_commit_callbacks):
    from audits.services.pdf import submission_pdf_builds_deferred

    fill_return(world)
    with (
        mock.patch("audits.tasks.build_submission_pdf.delay") as delay,
        submission_pdf_builds_deferred(),
        django_capture_on_commit_callbacks(execute=True),
    ):
        submit(world)
    delay.assert_not_called()
    record = SubmissionPdf.objects.get(submission=world.submission)
    assert not record.is_built
    client = agency_client(world)
    page = client.get(url(world, "return_pdf_download", version=1))
    assert "not ready to download yet" in page.content.decode()
    record.refresh_from_db()
    assert not record.is_built

    # Celery beat's sweep queues what is still not built a while later.
    from audits.services.pdf import submission_pdfs_sweep

    assert submission_pdfs_sweep() == 0  # too recent: its own build may still be on the way
    assert submission_pdfs_sweep(now=timezone.now() + timedelta(minutes=10)) == 1
    response = client.get(url(world, "return_pdf_download", version=1))
    assert response.status_code == 200
    record.refresh_from_db()
    assert hashlib.sha256(b"".join(response.streaming_content)).hexdigest() == record.sha256


# --- a GET writes nothing but the download record (issue 21) --------------------------------


def _pdf_gets(world):
    staff = staff_client(Client(), world.partnership, StaffRole.READ_ONLY)
    agency = agency_client(world)
    ref = world.submission.reference
    return [
        staff.get(staff_url(world.partnership, "staff_return_pdf_list", reference=ref)),
        staff.get(staff_url(world.partnership, "staff_return_pdf_download", reference=ref, version=1)),
        agency.get(url(world, "return_pdf")),
        agency.get(url(world, "return_pdf_download", version=1)),
    ]


def test_pdf_pages_get_writes_no_version_row_and_builds_nothing(world):
    """A return submitted with no version recorded (before PDFs were kept,
    or its build lost): staff's and the agency's GETs neither record a
    version nor build one."""
    fill_return(world)
    submit(world)
    SubmissionPdf.objects.all().delete()
    events = AuditEvent.objects.count()

    responses = _pdf_gets(world)

    assert [r.status_code for r in responses] == [200, 404, 200, 404]
    assert not SubmissionPdf.objects.exists()
    assert AuditEvent.objects.count() == events


def test_pdf_download_get_writes_only_the_download_record(world, submitted):
    record = SubmissionPdf.objects.get(pk=submitted.pk)
    assert record.is_built
    before = set(AuditEvent.objects.values_list("pk", flat=True))

    responses = _pdf_gets(world)

    assert [r.status_code for r in responses] == [200, 200, 200, 200]
    assert SubmissionPdf.objects.get().built_at == record.built_at
    new = AuditEvent.objects.exclude(pk__in=before)
    assert sorted(new.values_list("verb", flat=True)) == ["submission.pdf_downloaded"] * 2
    assert {e.actor_email for e in new} == {world.contact.email, responses[1].wsgi_request.user.email}


def test_a_version_not_built_yet_gets_a_page_saying_so_not_a_build(world, django_capture_on_commit_callbacks):
    fill_return(world)
    with (
        mock.patch("audits.tasks.build_submission_pdf.delay"),
        django_capture_on_commit_callbacks(execute=True),
    ):
        submit(world)
    record = SubmissionPdf.objects.get()
    events = AuditEvent.objects.count()

    responses = _pdf_gets(world)

    assert [r.status_code for r in responses] == [200, 200, 200, 200]
    for response in (responses[1], responses[3]):
        page = response.content.decode()
        assert "Version 1 is not ready to download yet" in page
        assert "Check again" in page and "Prepare the PDF" in page
        assert "no-store" in response["Cache-Control"]
    record.refresh_from_db()
    assert not record.is_built and AuditEvent.objects.count() == events
