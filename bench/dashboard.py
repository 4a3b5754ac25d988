"""Server time of a cycle's dashboard, RAG heatmap and per-question table for
700 agencies × 11 themes.

Builds the data in a fresh database, made beside the one DATABASE_URL names
the way the test runner makes its own and dropped afterwards (default: a
throwaway SQLite file; give a PostgreSQL URL to measure there: it creates
<name>_bench_dashboard), then runs the views in-process through
Django's test client as a signed-in reviewer, with the cached template
loader as in production:

    .venv/bin/python bench/dashboard.py [--agencies 700] [--themes 11] [--rounds 15]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/s11portal .venv/bin/python bench/dashboard.py

Prints, per page, the queries it made, the page's size, and the mean and
median milliseconds per request (one process, one thread), wall-clock and
CPU. Record results in
docs/performance.md with the command.

`populate()` is also what tests/audits/test_dashboard_views.py uses to check
that the pages make the same number of queries for 10 and for 200 agencies.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def populate(partnership, *, agencies: int, themes: int = 11, questions: int = 5, localities: int = 4):
    """A cycle of `partnership` with `agencies` agencies at every stage, in
    bulk: a tenth active without a return yet (not started), the rest with a
    return cycling through not started, in progress (half the themes done),
    submitted and returned, each started one with a contributor's resume
    link, answers and RAG ratings of every kind. Returns the cycle."""
    # run as a script, Django is set up in main(), after this module is imported
    from django.utils import timezone

    from audits.models import (
        Answer,
        AnswerValue,
        Rag,
        ResumeLink,
        Submission,
        SubmissionStatus,
        ThemeResponse,
    )
    from partnerships.models import Agency, Sector
    from tests.factories import AuditCycleFactory, LocalityFactory, question_set_with_questions

    now = timezone.now()
    question_set = question_set_with_questions(partnership, themes=themes, questions=questions)
    cycle = AuditCycleFactory(partnership=partnership, question_set=question_set)
    places = [LocalityFactory(partnership=partnership) for _ in range(localities)]
    sectors = Sector.values
    made = Agency.objects.bulk_create(
        Agency(partnership=partnership, name=f"Agency {cycle.pk}-{i:04d}", sector=sectors[i % len(sectors)])
        for i in range(agencies)
    )
    if not made[0].pk:  # backends that do not return ids from bulk inserts
        made = list(Agency.objects.filter(partnership=partnership, name__startswith=f"Agency {cycle.pk}-"))
    through = Agency.localities.through
    through.objects.bulk_create(
        through(agency_id=agency.pk, locality_id=places[i % len(places)].pk) for i, agency in enumerate(made)
    )
    # Every seventh agency works in two localities.
    through.objects.bulk_create(
        through(agency_id=agency.pk, locality_id=places[(i + 1) % len(places)].pk)
        for i, agency in enumerate(made)
        if i % 7 == 0 and len(places) > 1
    )

    stages = [
        SubmissionStatus.NOT_STARTED,
        SubmissionStatus.IN_PROGRESS,
        SubmissionStatus.SUBMITTED,
        SubmissionStatus.RETURNED,
        SubmissionStatus.SUBMITTED,
    ]
    with_return = [agency for i, agency in enumerate(made) if i % 10 != 9]
    Submission.objects.bulk_create(
        Submission(
            partnership=partnership,
            cycle=cycle,
            agency=agency,
            question_set=question_set,
            reference=f"S11-B{cycle.pk}-{i:05d}",
            extended_until=now + timedelta(days=45) if i % 11 == 0 else None,
        )
        for i, agency in enumerate(with_return)
    )
    submissions = list(Submission.objects.filter(cycle=cycle).order_by("reference"))
    stage_of = {s.pk: stages[i % len(stages)] for i, s in enumerate(submissions)}
    theme_list = list(question_set.themes.order_by("order").prefetch_related("questions"))
    rags, values = Rag.values, [AnswerValue.YES, AnswerValue.YES, AnswerValue.NO, AnswerValue.NA]
    responses, answers, links = [], [], []
    for i, s in enumerate(submissions):
        stage = stage_of[s.pk]
        if stage == SubmissionStatus.NOT_STARTED:
            continue
        done = theme_list[: len(theme_list) // 2] if stage == SubmissionStatus.IN_PROGRESS else theme_list
        contributor = f"Contributor {i % 37}"
        links.append(
            ResumeLink(
                partnership=partnership,
                submission=s,
                name=contributor,
                email=f"contributor{i}@agency.example",
                expires_at=now + timedelta(days=60),
                last_used_at=now - timedelta(hours=i % 48),
            )
        )
        for t, theme in enumerate(done):
            responses.append(
                ThemeResponse(
                    submission=s,
                    theme=theme,
                    # Every thirteenth a Red given by default on submission.
                    rag=Rag.RED if (i + t) % 13 == 0 else rags[(i + t) % len(rags)],
                    rag_defaulted=(i + t) % 13 == 0,
                    comments="Benchmark comment",
                    version=1,
                    updated_by_name=contributor if t % 2 else f"Colleague {i % 11}",
                    updated_by_email=f"contributor{i}@agency.example",
                )
            )
            answers.extend(
                Answer(submission=s, question=q, value=values[(i + t + n) % len(values)])
                for n, q in enumerate(theme.questions.all())
            )
    ResumeLink.objects.bulk_create(links, batch_size=500)
    ThemeResponse.objects.bulk_create(responses, batch_size=500)
    Answer.objects.bulk_create(answers, batch_size=1000)
    # Statuses last: on PostgreSQL a submitted return's answers are locked.
    for stage in set(stages) - {SubmissionStatus.NOT_STARTED}:
        ids = [pk for pk, st in stage_of.items() if st == stage]
        extra = {"submitted_at": now - timedelta(days=1)} if stage == SubmissionStatus.SUBMITTED else {}
        Submission.objects.filter(pk__in=ids).update(status=stage, **extra)
    return cycle


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--agencies", type=int, default=700)
    parser.add_argument("--themes", type=int, default=11)
    parser.add_argument("--questions", type=int, default=5, help="questions per theme")
    parser.add_argument("--rounds", type=int, default=15)
    args = parser.parse_args()

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "s11portal.settings.test")
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{tempfile.mkdtemp()}/bench.sqlite3")
    # after django.setup(): the settings are chosen above, at run time
    import django

    django.setup()
    from django.db import connection
    from django.test.utils import setup_test_environment

    setup_test_environment()
    # A fresh database beside the configured one, made and migrated the way
    # the test runner makes its own, and dropped at the end (on SQLite: a
    # file in a temporary directory).
    database = connection.settings_dict
    if connection.vendor == "sqlite":
        database["TEST"]["NAME"] = f"{tempfile.mkdtemp()}/bench-dashboard.sqlite3"
    else:
        database["TEST"]["NAME"] = f"{database['NAME']}_bench_dashboard"
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        _run(args)
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


def _run(args) -> None:
    # Django is set up in main() before this runs
    from django.db import connection, reset_queries
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    from partnerships.models import StaffRole
    from tests.factories import PartnershipFactory
    from tests.staff import staff_client

    partnership = PartnershipFactory(slug="bench-dashboard", name="Bench dashboard partnership")
    started = time.perf_counter()
    cycle = populate(partnership, agencies=args.agencies, themes=args.themes, questions=args.questions)
    print(f"built {args.agencies} agencies × {args.themes} themes in {time.perf_counter() - started:.1f} s")
    if connection.vendor == "postgresql" and not os.environ.get("BENCH_NO_ANALYZE"):
        # As autovacuum would soon after a bulk load: without statistics the
        # planner guesses, and guesses badly for the anti-joins here.
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    client = staff_client(Client(), partnership, StaffRole.REVIEWER)

    def page(name, query=""):
        url = reverse(name, kwargs={"partnership_slug": partnership.slug, "cycle_slug": cycle.slug})
        return url + query

    pages = {
        "dashboard": page("staff_cycle_dashboard"),
        "dashboard, one locality": page(
            "staff_cycle_dashboard", f"?locality={partnership.localities.order_by('pk').first().pk}"
        ),
        "heatmap, self-rating": page("staff_cycle_heatmap"),
        "heatmap, moderated": page("staff_cycle_heatmap", "?rating=moderated"),
        "answers by question": page("staff_cycle_questions"),
    }
    print(f"{connection.vendor}; {args.rounds} rounds a page")
    # Wall-clock time, and the process's CPU time (which another process's
    # load on a shared machine does not inflate; on SQLite it includes the
    # database's work, on PostgreSQL it does not).
    print(f"{'page':26} {'queries':>7} {'KiB':>6} {'mean ms':>8} {'median ms':>10} {'median CPU ms':>13}")
    for label, url in pages.items():
        # request_started clears the query log; start empty so the count is this request's.
        reset_queries()
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        assert response.status_code == 200, (label, response.status_code)
        count = len(queries)  # now: the next request clears the log it reads
        if os.environ.get("BENCH_SHOW_SQL"):
            print("\n".join(f"{q['time']:>7} {q['sql'][:150]}" for q in queries))
        times, cpu = [], []
        for _ in range(args.rounds):
            start, start_cpu = time.perf_counter(), time.process_time()
            client.get(url)
            times.append((time.perf_counter() - start) * 1000)
            cpu.append((time.process_time() - start_cpu) * 1000)
        print(
            f"{label:26} {count:7d} {len(response.content) / 1024:6.0f} "
            f"{statistics.mean(times):8.1f} {statistics.median(times):10.1f} {statistics.median(cpu):13.1f}"
        )


if __name__ == "__main__":
    main()
