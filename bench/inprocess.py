"""CPU of each page in this process: the figure that survives a busy machine.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres \\
        .venv/bin/python bench/run.py --rounds 1 --seconds 1 --save-seconds 1 --keep
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres_bench_pages \\
        .venv/bin/python bench/inprocess.py [--requests 280] [--profile check]

bench/run.py measures the pages under gunicorn and wrk, with PostgreSQL's
CPU counted too; on a machine whose load is far above its two cores, wrk
completes a handful of requests a round and its figures are noise. This
script calls the same WSGI application in-process (production settings plus
the floors' URLs, bench.floors.settings) on the database that bench/run.py
--keep leaves, as the first agency's contributor (a fresh resume link) and
the first theme's save, and reports for each page the Python CPU time
(`time.process_time`) of a request: the least and the median of seven
batches. The least is the one to compare: other work on the machine only
ever adds to it (caches, frequency). PostgreSQL's own time is not in it:
it is reported beside, as the CPU of this process's PostgreSQL backend
(from /proc, so PostgreSQL must run on this machine) over all the batches
divided by the requests (clock ticks of 10 ms: a mean, not a least).

`--profile PAGE` prints cProfile's top functions (by CPU time) for one page;
`--sort cumulative` orders them by time spent inside, and `--callees NAME`
adds where the time of the functions matching NAME goes.
Run it from another checkout (the same command, its own bench/inprocess.py
absent: copy this file) to compare code before and after on one database.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import re
import secrets
import statistics
import sys
import tempfile
import time
import urllib.parse
from http.cookies import SimpleCookie
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=280, help="requests a page (7 batches)")
    parser.add_argument(
        "--profile", default="", help="profile one page: theme, check, tasks, plain, naive, save"
    )
    parser.add_argument(
        "--sort",
        default="tottime",
        help="the profile's order: tottime, or cumulative to see where a call's time goes",
    )
    parser.add_argument(
        "--callees", default="", help="with --profile, also what this function's time is spent in"
    )
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    var = tempfile.mkdtemp(prefix="s11-inprocess-")
    os.environ.update(
        {
            "DJANGO_SETTINGS_MODULE": "bench.floors.settings",
            "SECRET_KEY": secrets.token_urlsafe(50),
            "SECURE_SSL_REDIRECT": "false",
            "SESSION_COOKIE_SECURE": "false",
            "CSRF_COOKIE_SECURE": "false",
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "DATABASE_CONN_MAX_AGE": "3600",
            "S11_VAR_DIR": var,
        }
    )
    # after django.setup(): the settings are chosen above, at run time
    import django

    django.setup()
    from django.core.handlers.wsgi import WSGIHandler
    from django.core.management import call_command

    from audits.models import Submission
    from audits.services import resume_link_create

    call_command("collectstatic", interactive=False, verbosity=0)
    app = WSGIHandler()

    def call(method, path, cookies, body=b"", content_type=None):
        environ = {
            "REQUEST_METHOD": method,
            "PATH_INFO": path,
            "QUERY_STRING": "",
            "SERVER_NAME": "127.0.0.1",
            "SERVER_PORT": "8000",
            "HTTP_HOST": "127.0.0.1",
            "SERVER_PROTOCOL": "HTTP/1.1",
            "REMOTE_ADDR": "127.0.0.1",
            "wsgi.url_scheme": "http",
            "wsgi.input": io.BytesIO(body),
            "wsgi.errors": sys.stderr,
            "CONTENT_LENGTH": str(len(body)),
            "HTTP_COOKIE": "; ".join(f"{k}={v}" for k, v in cookies.items()),
        }
        if content_type:
            environ["CONTENT_TYPE"] = content_type
        started = {}

        def start_response(status, headers, exc_info=None):
            started.update(status=status, headers=headers)

        content = b"".join(app(environ, start_response))
        for name, value in started["headers"]:
            if name.lower() == "set-cookie":
                for key, morsel in SimpleCookie(value).items():
                    cookies[key] = morsel.value
        return int(started["status"].split()[0]), content

    submission = Submission.objects.select_related("partnership").order_by("pk").first()
    _, link = resume_link_create(submission=submission, name="Sam", email="sam0@bench.example", mint=True)
    cookies: dict[str, str] = {}
    status, _ = call("GET", urllib.parse.urlsplit(link).path, cookies)
    assert status == 302, status
    theme = submission.question_set.themes.order_by("order").first()
    questions = [q.pk for q in theme.questions.order_by("order")]
    slug = submission.partnership.slug
    pages = {
        "naive": f"/_bench/{submission.pk}/naive-theme/{theme.key}/",
        "theme": f"/{slug}/return/themes/{theme.key}/",
        "plain": f"/_bench/{submission.pk}/plain-answers/",
        "check": f"/{slug}/return/check/",
        "tasks": f"/{slug}/return/",
    }
    labels = {
        "naive": "floor: naive Django-widgets theme page",
        "theme": "theme page (12 questions)",
        "plain": "floor: plain loop over 120 answers",
        "check": "check answers (120 answers)",
        "tasks": "task list (10 themes)",
        "save": "save (POST of a theme)",
    }

    def getter(path):
        def once():
            status, _ = call("GET", path, cookies)
            assert status == 200, (path, status)

        return once

    runs = {name: getter(path) for name, path in pages.items()}
    status, html = call("GET", pages["theme"], cookies)
    token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1).decode()
    state = {"version": int(re.search(rb'name="version" value="(\d+)"', html).group(1)), "n": 0}

    def save():
        form = {
            "csrfmiddlewaretoken": token,
            "version": state["version"],
            "rag": "green",
            "comments": "Saved",
            "action": "continue",
        }
        form.update({f"q_{q}": ("no" if state["n"] % 2 else "yes") for q in questions})
        body = urllib.parse.urlencode(form).encode()
        status, _ = call("POST", pages["theme"], cookies, body, "application/x-www-form-urlencoded")
        assert status == 302, status
        # A browser follows the redirect, whose page shows (and so clears)
        # the "saved" message.
        cookies.pop("messages", None)
        state["version"] += 1
        state["n"] += 1

    runs["save"] = save
    for run in runs.values():
        for _ in range(20):
            run()
    if args.profile:
        profile = cProfile.Profile(time.process_time)
        profile.enable()
        for _ in range(args.requests // 2):
            runs[args.profile]()
        profile.disable()
        stats = pstats.Stats(profile).sort_stats(args.sort)
        stats.print_stats(40)
        if args.callees:
            stats.print_callees(args.callees)
        return

    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        backend = cursor.fetchone()[0]
    batch = max(1, args.requests // 7)
    results: dict[str, list[float]] = {name: [] for name in runs}
    database = dict.fromkeys(runs, 0.0)
    for _ in range(7):  # interleaved: a busy moment hits every page alike
        for name, run in runs.items():
            started, started_db = time.process_time(), _cpu_seconds(backend)
            for _ in range(batch):
                run()
            results[name].append(1000 * (time.process_time() - started) / batch)
            database[name] += _cpu_seconds(backend) - started_db
    print(f"{'page':42} {'CPU ms/request, least':>22} {'median':>8} {'PostgreSQL, mean':>17}")
    for name, values in results.items():
        db_ms = 1000 * database[name] / (7 * batch)
        print(f"{labels[name]:42} {min(values):22.2f} {statistics.median(values):8.2f} {db_ms:17.2f}")
    least = {name: min(values) for name, values in results.items()}
    print(
        f"\ntheme page vs the naive Django page: {least['naive'] / least['theme']:.2f}× (this process's CPU)"
    )
    print(f"check answers vs the plain loop: {least['plain'] / least['check']:.2f}× (this process's CPU)")


def _cpu_seconds(pid: int) -> float:
    """User + system CPU of a process of this machine, from /proc."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


if __name__ == "__main__":
    main()
