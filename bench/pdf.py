"""Time of the PDFs for a 120-question return (10 themes × 12 questions,
every question answered, a paragraph of comments and two pieces of evidence
per theme), against WeasyPrint rendering the same HTML on its own, in one run.

Runs in-process on whatever DATABASE_URL points at (default: a throwaway
SQLite file), storage in a temporary directory, cached template loader:

    .venv/bin/python bench/pdf.py [--rounds 10] [--dump DIR]

Prints, per step, the mean and median milliseconds (one process, one
thread), the pages and the size. `--dump DIR` writes the PDFs there to look
at (pdftoppm -r 60 -png). Record results in docs/performance.md with the
command.
"""

import argparse
import hashlib
import io
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "s11portal.settings.test")
os.environ.setdefault("DATABASE_URL", f"sqlite:///{tempfile.mkdtemp()}/bench.sqlite3")


def timed(rounds, fn):
    """Wall-clock and CPU milliseconds per call (CPU time is the steadier
    figure on a shared machine)."""
    result = fn()  # warm: imports, fonts, template cache
    wall, cpu = [], []
    for _ in range(rounds):
        start, start_cpu = time.perf_counter(), time.process_time()
        result = fn()
        wall.append((time.perf_counter() - start) * 1000)
        cpu.append((time.process_time() - start_cpu) * 1000)
    return wall, cpu, result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=10)
    parser.add_argument("--dump", type=Path)
    args = parser.parse_args()

    # after django.setup(): the settings are chosen above, at run time
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.test import Client
    from django.test.utils import setup_test_environment
    from django.urls import reverse

    setup_test_environment()
    storage_dir = tempfile.mkdtemp()
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": storage_dir, "base_url": None},
        },
    }
    call_command("migrate", verbosity=0)
    from pypdf import PdfReader
    from weasyprint import HTML

    from audits.exports import pdf as rendering
    from audits.models import SubmissionPdf
    from audits.selectors import submission_full
    from audits.services import resume_link_create, submission_submit, theme_response_save
    from audits.services.pdf import reference_sheet_get, submission_pdf_build
    from core.domain import Actor
    from tests.factories import (
        AgencyFactory,
        AuditCycleFactory,
        PartnershipFactory,
        SubmissionFactory,
        question_set_with_questions,
    )

    partnership = PartnershipFactory(slug="bench", name="Bench Safeguarding Children Partnership")
    agency = AgencyFactory(
        partnership=partnership, name="Bench NHS Foundation Trust", contacts=[("Sam", "sam@bench.example")]
    )
    question_set = question_set_with_questions(partnership, themes=10, questions=12)
    question_set.themes.update(guidance="Think about every service that works with children. " * 3)
    cycle = AuditCycleFactory(partnership=partnership, question_set=question_set, slug="c")
    submission = SubmissionFactory(cycle=cycle, agency=agency)
    sam = Actor(name="Sam", email="sam@bench.example")
    for index, theme in enumerate(question_set.themes.order_by("order")):
        rag = ["green", "amber", "red"][index % 3]
        theme_response_save(
            submission=submission,
            theme=theme,
            answers={q.pk: ["yes", "no", "na"][(q.order + index) % 3] for q in theme.questions.all()},
            rag=rag,
            comments=("Benchmark comment explaining the rating and the plan to improve. " * 8 + "\n") * 2,
            expected_version=0,
            actor=sam,
            new_links=[
                (f"https://example.org/policies/theme-{index}/safeguarding-policy.html", f"Policy {index}"),
                (f"https://example.org/minutes/board-{index}.html", f"Board minutes {index}"),
            ],
        )
    submission.refresh_from_db()
    submission = submission_submit(
        submission=submission,
        submitted_by=sam,
        signed_off_by_name="Alex Director",
        signed_off_by_role="Chief Nurse",
        expected_version=submission.version,
    )
    record = SubmissionPdf.objects.get(submission=submission)
    html = rendering.submission_pdf_html(record.snapshot)

    def full_build():
        # What the Celery task does: the row, the template, WeasyPrint,
        # the hash and the file in storage.
        SubmissionPdf.objects.filter(pk=record.pk).update(sha256="", file="")
        return submission_pdf_build(pdf_id=record.pk).file.read()

    def weasyprint_alone():
        return HTML(string=html).write_pdf(pdf_variant="pdf/ua-1")

    def weasyprint_untagged():
        return HTML(string=html).write_pdf()

    def template_alone():
        return rendering.submission_pdf_html(record.snapshot)

    def snapshot_alone():
        return rendering.submission_snapshot(
            submission=submission, sections=submission_full(submission=submission), version=1
        )

    client = Client()
    _, link = resume_link_create(submission=submission, name="Sam", email="sam@bench.example", mint=True)
    client.get(link.split("127.0.0.1:8000", 1)[-1])
    download = reverse("return_pdf_download", kwargs={"partnership_slug": "bench", "version": 1})

    def served():
        response = client.get(download)
        assert response.status_code == 200
        return b"".join(response.streaming_content)

    sheet = reverse("question_list_pdf", kwargs={"partnership_slug": "bench", "cycle_slug": "c"})
    grades = reverse("grading_sheet_pdf", kwargs={"partnership_slug": "bench", "cycle_slug": "c"})

    def sheet_cold():
        for path in Path(storage_dir, "reference-sheets").rglob("*.pdf"):
            path.unlink()
        return reference_sheet_get(cycle=cycle, kind="questions")

    def sheet_request():
        response = Client().get(sheet)
        assert response.status_code == 200
        return b"".join(response.streaming_content)

    def grades_request():
        return b"".join(Client().get(grades).streaming_content)

    steps = [
        ("submission PDF, as the task builds it", full_build),
        ("WeasyPrint alone, same HTML", weasyprint_alone),
        ("WeasyPrint alone, untagged", weasyprint_untagged),
        ("template to HTML", template_alone),
        ("snapshot from the database", snapshot_alone),
        ("download, stored file served", served),
        ("question list sheet, first build", sheet_cold),
        ("question list sheet, from storage", sheet_request),
        ("grading sheet, from storage", grades_request),
    ]
    print(f"{'step':40} {'mean ms':>8} {'median ms':>10} {'CPU ms':>7} {'pages':>6} {'KiB':>6}")
    outputs = {}
    for label, fn in steps:
        times, cpu, result = timed(args.rounds, fn)
        pages = size = ""
        if isinstance(result, str) and result.endswith(".pdf"):
            # Django is set up in main() before this runs
            from django.core.files.storage import default_storage

            result = default_storage.open(result).read()
        if isinstance(result, bytes) and result.startswith(b"%PDF"):
            pages = len(PdfReader(io.BytesIO(result)).pages)
            size = f"{len(result) / 1024:.0f}"
            outputs[label] = result
        print(
            f"{label:40} {statistics.mean(times):8.1f} {statistics.median(times):10.1f} "
            f"{statistics.median(cpu):7.1f} {pages!s:>6} {size:>6}"
        )
    built = outputs["submission PDF, as the task builds it"]
    served_hash = hashlib.sha256(outputs["download, stored file served"]).hexdigest()
    assert hashlib.sha256(built).hexdigest() == served_hash, "the served file is not the stored one"
    if args.dump:
        args.dump.mkdir(parents=True, exist_ok=True)
        (args.dump / "submission-120.pdf").write_bytes(built)
        (args.dump / "question-list.pdf").write_bytes(outputs["question list sheet, from storage"])
        (args.dump / "grading-sheet.pdf").write_bytes(outputs["grading sheet, from storage"])


if __name__ == "__main__":
    main()
