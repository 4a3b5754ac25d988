"""Server time of the agency journey's pages for a 120-question return.

Runs the views in-process through Django's test client (no network, no
browser), on whatever DATABASE_URL points at (default: a throwaway SQLite
file), with the cached template loader as in production:

    .venv/bin/python bench/journey_pages.py [--rounds 200]

Prints, per page, the mean and median milliseconds a request (one process,
one thread). Record results in docs/performance.md with the command.
"""

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "s11portal.settings.test")
os.environ.setdefault("DATABASE_URL", f"sqlite:///{tempfile.mkdtemp()}/bench.sqlite3")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=200)
    args = parser.parse_args()

    # after django.setup(): the settings are chosen above, at run time
    import django

    django.setup()
    from django.core.management import call_command
    from django.test import Client
    from django.test.utils import setup_test_environment
    from django.urls import reverse

    setup_test_environment()
    call_command("migrate", verbosity=0)
    from audits.services import resume_link_create, theme_response_save
    from core.domain import Actor
    from tests.factories import (
        AgencyFactory,
        AuditCycleFactory,
        PartnershipFactory,
        SubmissionFactory,
        question_set_with_questions,
    )

    partnership = PartnershipFactory(slug="bench", name="Bench partnership")
    agency = AgencyFactory(partnership=partnership, contacts=[("Sam", "sam@bench.example")])
    question_set = question_set_with_questions(partnership, themes=10, questions=12)
    cycle = AuditCycleFactory(partnership=partnership, question_set=question_set, slug="c")
    submission = SubmissionFactory(cycle=cycle, agency=agency)
    themes = list(question_set.themes.order_by("order"))
    for theme in themes:
        theme_response_save(
            submission=submission,
            theme=theme,
            answers={q.pk: "yes" for q in theme.questions.all()},
            rag="green",
            comments="Benchmark comment " * 10,
            expected_version=0,
            actor=Actor(name="Sam", email="sam@bench.example"),
        )
    client = Client()
    _, link = resume_link_create(submission=submission, name="Sam", email="sam@bench.example", mint=True)
    client.get(link.split("127.0.0.1:8000", 1)[-1])

    def page(name, **kwargs):
        return reverse(name, kwargs={"partnership_slug": "bench", **kwargs})

    pages = {
        "task list (10 themes)": page("task_list"),
        "theme page (12 questions)": page("theme", theme_key=themes[0].key),
        "check answers (120 questions)": page("check_answers"),
        "start page": page("cycle_start", cycle_slug="c"),
    }
    # Query counts are asserted in tests/audits/test_views_journey.py.
    print(f"{'page':32} {'mean ms':>8} {'median ms':>10} {'req/s':>7}")
    for label, url in pages.items():
        assert client.get(url).status_code == 200, label
        times = []
        for _ in range(args.rounds):
            start = time.perf_counter()
            client.get(url)
            times.append((time.perf_counter() - start) * 1000)
        mean = statistics.mean(times)
        print(f"{label:32} {mean:8.2f} {statistics.median(times):10.2f} {1000 / mean:7.0f}")


if __name__ == "__main__":
    main()
