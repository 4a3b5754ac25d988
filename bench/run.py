"""The agency pages against their floors, under gunicorn, in one run.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres \\
    .venv/bin/python bench/run.py [--rounds 8] [--seconds 4] [--connections 16] [--save-seconds 15]

What it does (issue 20; docs/performance.md):

1. Makes a fresh database beside the one named (<name>_bench_pages, or
   <name>_bench_national with --national; dropped at the end unless
   --keep), migrates it and collects static files, under
   production settings plus the floors' URLs (bench.floors.settings).
2. Builds a partnership with 16 agencies, each with a return of 10 themes ×
   12 questions, every question answered, and a resume link.
3. Serves it with gunicorn as in production (gunicorn.conf.py, 2 sync
   workers; access log off) on 127.0.0.1, and loads each page with wrk (16
   connections) in interleaved rounds, page order shuffled each round.
4. Measures CPU per request: user + system time, from /proc, of the gunicorn
   processes and of the PostgreSQL backends serving them, over each wrk run,
   divided by the requests wrk completed. CPU rather than wall time because
   this machine is shared: other work delays requests but does not add to
   their CPU. Reports the median of the rounds and each page's ratio to its
   floor (capacity ratio = floor's CPU per request / page's).
5. A save load test: 16 clients (threads here), each its own return,
   POSTing a theme back to back for --save-seconds; p50/p99 latency and CPU
   per save.

Pages: the naive Django-widgets theme page and the plain-loop list of 120
answers (bench/floors, served only by this bench's settings), the real
theme page, check answers and task list, and the start page.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import secrets
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from http.client import HTTPConnection
from http.cookies import SimpleCookie
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
CLK_TCK = os.sysconf("SC_CLK_TCK")
AGENCIES = 16


# --- set-up (runs in a child process, with Django configured) ---------------


def setup() -> None:
    """Build the data; print what the runner needs as JSON."""
    # after django.setup(): the settings are chosen above, at run time
    import django

    django.setup()
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
    question_set = question_set_with_questions(partnership, themes=10, questions=12)
    cycle = AuditCycleFactory(partnership=partnership, question_set=question_set, slug="c")
    themes = list(question_set.themes.order_by("order"))
    clients = []
    for i in range(AGENCIES):
        email = f"sam{i}@bench.example"
        agency = AgencyFactory(partnership=partnership, name=f"Agency {i:02d}", contacts=[("Sam", email)])
        submission = SubmissionFactory(cycle=cycle, agency=agency)
        for theme in themes:
            theme_response_save(
                submission=submission,
                theme=theme,
                answers={q.pk: "yes" for q in theme.questions.all()},
                rag="green",
                comments="Benchmark comment " * 10,
                expected_version=0,
                actor=Actor(name="Sam", email=email),
            )
        _, link = resume_link_create(submission=submission, name="Sam", email=email, mint=True)
        clients.append(
            {
                "submission": submission.pk,
                "link": urllib.parse.urlsplit(link).path,
                "theme": themes[0].key,
                "questions": [q.pk for q in themes[0].questions.all()],
            }
        )
    # A reviewer's session, signed in with the second factor as staff pages need.
    # Django is set up above
    from django.test import Client

    from partnerships.models import StaffRole
    from tests.staff import sign_in, staff_user

    reviewer_client = Client()
    sign_in(reviewer_client, staff_user(partnership, StaffRole.REVIEWER))
    session_key = reviewer_client.cookies["sessionid"].value
    print(
        json.dumps(
            {
                "clients": clients,
                "themes": [t.key for t in themes],
                "partnership": partnership.pk,
                "cycle": cycle.pk,
                "staff_cookie": f"sessionid={session_key}",
            }
        )
    )


# --- processes and CPU -------------------------------------------------------


def _cpu_seconds(pid: int) -> float:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (FileNotFoundError, ProcessLookupError):
        return 0.0
    return (int(fields[11]) + int(fields[12])) / CLK_TCK  # utime + stime


def _children(pid: int) -> list[int]:
    out = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (FileNotFoundError, ProcessLookupError):
            continue
        if int(fields[1]) == pid:
            out.append(int(stat.parent.name))
    return out


class Meter:
    """CPU of the gunicorn master and workers and of the database backends
    connected to the bench database (persistent connections, one a worker)."""

    def __init__(self, master: int, dsn: str, dbname: str):
        # psycopg2 only for the PostgreSQL meter
        import psycopg2

        self.master = master
        self.dbname = dbname
        self.conn = psycopg2.connect(dsn)
        self.conn.autocommit = True

    def pids(self) -> list[int]:
        with self.conn.cursor() as cursor:
            cursor.execute(
                # Client backends only: not autovacuum, whose work after the
                # bulk load is not the pages'.
                "SELECT pid FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()"
                " AND backend_type = 'client backend'",
                [self.dbname],
            )
            backends = [row[0] for row in cursor.fetchall()]
        self.backends = set(backends)
        return [self.master, *_children(self.master), *backends]

    def snapshot(self) -> dict[int, float]:
        return {pid: _cpu_seconds(pid) for pid in self.pids()}

    @staticmethod
    def used(before: dict[int, float], after: dict[int, float]) -> float:
        # Only processes seen at both ends: the workers and their backends
        # live for the whole run (persistent connections).
        return sum(after[pid] - before[pid] for pid in after if pid in before)

    def used_by_database(self, before: dict[int, float], after: dict[int, float]) -> float:
        return sum(after[pid] - before[pid] for pid in after if pid in before and pid in self.backends)


# --- load --------------------------------------------------------------------


def wrk(url: str, cookie: str, seconds: float, connections: int) -> tuple[int, int]:
    """(requests completed, non-2xx/3xx responses)."""
    out = subprocess.run(
        ["wrk", "-t2", f"-c{connections}", f"-d{seconds:g}s", "-H", f"Cookie: {cookie}", url],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    done = int(re.search(r"(\d+) requests in", out).group(1))
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return done, int(bad.group(1)) if bad else 0


def _request(conn, method, path, cookies, body=None, headers=None):
    head = {"Cookie": "; ".join(f"{k}={v}" for k, v in cookies.items()), **(headers or {})}
    conn.request(method, path, body=body, headers=head)
    response = conn.getresponse()
    data = response.read()
    for header in response.headers.get_all("Set-Cookie") or []:
        for key, morsel in SimpleCookie(header).items():
            cookies[key] = morsel.value
    return response.status, data


def sign_in(port: int, link: str) -> dict:
    conn = HTTPConnection("127.0.0.1", port, timeout=30)
    cookies: dict[str, str] = {}
    status, _ = _request(conn, "GET", link, cookies)
    assert status == 302 and "sessionid" in cookies, status
    return cookies


def save_load(port: int, clients: list[dict], seconds: float) -> list[float]:
    """Each client POSTs its theme back to back; the latencies in ms."""
    latencies: list[float] = []
    lock = threading.Lock()
    stop = time.monotonic() + seconds
    errors = []

    def run(client):
        conn = HTTPConnection("127.0.0.1", port, timeout=60)
        cookies = dict(client["cookies"])
        path = f"/bench/return/themes/{client['theme']}/"
        status, html = _request(conn, "GET", path, cookies)
        token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1).decode()
        version = int(re.search(rb'name="version" value="(\d+)"', html).group(1))
        n = 0
        while time.monotonic() < stop:
            value = "no" if n % 2 else "yes"
            form = {"csrfmiddlewaretoken": token, "version": version, "rag": "green", "comments": "Saved"}
            form.update({f"q_{q}": value for q in client["questions"]})
            form["action"] = "continue"
            body = urllib.parse.urlencode(form)
            started = time.perf_counter()
            status, _ = _request(
                conn,
                "POST",
                path,
                cookies,
                body=body,
                headers={"Content-Type": "application/x-www-form-urlencoded"},
            )
            elapsed = (time.perf_counter() - started) * 1000
            if status != 302:
                errors.append(status)
                return
            with lock:
                latencies.append(elapsed)
            version += 1
            n += 1

    threads = [threading.Thread(target=run, args=(c,)) for c in clients]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors
    return latencies


def _percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


# --- the run -----------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=4)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--save-seconds", type=float, default=15)
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--sequential", type=int, default=20, help="requests a page, one at a time")
    parser.add_argument("--keep", action="store_true", help="keep the bench database")
    parser.add_argument(
        "--national",
        type=int,
        default=0,
        metavar="P",
        help="add national-scale data first: P partnerships of --agencies agencies (bench/national.py)",
    )
    parser.add_argument("--agencies", type=int, default=700, help="agencies a partnership with --national")
    parser.add_argument("--setup", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.setup:
        sys.path.insert(0, str(ROOT))
        setup()
        return

    # psycopg2 only when measuring against PostgreSQL
    import psycopg2

    source = urllib.parse.urlsplit(
        os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/postgres")
    )
    if not source.scheme.startswith("postgres"):
        sys.exit("bench/run.py needs a PostgreSQL DATABASE_URL")
    suffix = "bench_national" if args.national else "bench_pages"
    dbname = f"{source.path.lstrip('/') or 'postgres'}_{suffix}"
    bench_url = urllib.parse.urlunsplit(source._replace(path=f"/{dbname}"))
    admin = psycopg2.connect(urllib.parse.urlunsplit(source))
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{dbname}"')
        cursor.execute(f'CREATE DATABASE "{dbname}"')

    var = tempfile.mkdtemp(prefix="s11-bench-")
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "bench.floors.settings",
        "DATABASE_URL": bench_url,
        # Production settings; the connection kept for the whole run so each
        # worker's backend (whose CPU is counted) lives as long as the bench.
        "DATABASE_CONN_MAX_AGE": "3600",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "SECURE_SSL_REDIRECT": "false",
        "SESSION_COOKIE_SECURE": "false",
        "CSRF_COOKIE_SECURE": "false",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "S11_VAR_DIR": var,
        "PYTHONPATH": str(ROOT),
    }
    env.pop("CELERY_BROKER_URL", None)
    server = None
    try:
        manage = [PYTHON, str(ROOT / "manage.py")]
        subprocess.run([*manage, "migrate", "--verbosity", "0"], env=env, check=True, cwd=ROOT)
        subprocess.run(
            [*manage, "collectstatic", "--noinput", "--verbosity", "0"], env=env, check=True, cwd=ROOT
        )
        built = json.loads(
            subprocess.run(
                [PYTHON, __file__, "--setup"], env=env, check=True, cwd=ROOT, capture_output=True, text=True
            )
            .stdout.strip()
            .splitlines()[-1]
        )
        conn = psycopg2.connect(bench_url)
        if args.national:
            # the national data set, only with --national
            from national import explain, national_fill

            print(
                f"national-scale data: {args.national} partnerships × {args.agencies} agencies × 120 answers"
            )
            national_fill(
                conn,
                bench_partnership_id=built["partnership"],
                partnerships=args.national,
                agencies=args.agencies,
                themes=10,
                questions=12,
            )
            explain(
                conn,
                submission_id=built["clients"][0]["submission"],
                partnership_id=built["partnership"],
                cycle_id=built["cycle"],
            )
        else:
            with conn.cursor() as cursor:
                cursor.execute("ANALYZE")
            conn.commit()
        conn.close()
        server = subprocess.Popen(
            [
                str(Path(PYTHON).parent / "gunicorn"),
                "-c",
                str(ROOT / "gunicorn.conf.py"),
                "--bind",
                f"127.0.0.1:{args.port}",
                "--workers",
                "2",
                "--access-logfile",
                "/dev/null",
                "s11portal.wsgi",
            ],
            env=env,
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        _wait_for(args.port)
        clients = built["clients"]
        for client in clients:
            client["cookies"] = sign_in(args.port, client["link"])
        first = clients[0]
        cookie = "; ".join(f"{k}={v}" for k, v in first["cookies"].items())
        base = f"http://127.0.0.1:{args.port}"
        theme = built["themes"][0]
        floors = f"{base}/_bench/{first['submission']}"
        pages = {
            "floor: naive Django-widgets theme page": f"{floors}/naive-theme/{theme}/",
            "theme page (12 questions)": f"{base}/bench/return/themes/{theme}/",
            "floor: plain loop over 120 answers": f"{floors}/plain-answers/",
            "check answers (120 answers)": f"{base}/bench/return/check/",
            "task list (10 themes)": f"{base}/bench/return/",
            "dashboard (staff)": f"{base}/bench/staff/cycles/c/",
        }
        cookies = dict.fromkeys(pages, cookie)
        cookies["dashboard (staff)"] = built["staff_cookie"]
        meter = Meter(server.pid, urllib.parse.urlunsplit(source), dbname)
        for label, url in pages.items():  # each page answers 200 (wrk counts a redirect as a success)
            conn = HTTPConnection("127.0.0.1", args.port, timeout=60)
            conn.request("GET", urllib.parse.urlsplit(url).path, headers={"Cookie": cookies[label]})
            response = conn.getresponse()
            response.read()
            assert response.status == 200, (label, response.status)
        for label, url in pages.items():  # warm: caches, template loader, connections
            done, bad = wrk(url, cookies[label], 1, 2)
            assert done and not bad, (url, done, bad)
        results: dict[str, list[float]] = {label: [] for label in pages}
        database: dict[str, list[float]] = {label: [] for label in pages}
        print(f"{args.rounds} rounds × {args.seconds:g} s a page, {args.connections} connections (wrk)")
        for n in range(args.rounds):
            order = list(pages.items())
            random.shuffle(order)
            for label, url in order:
                before = meter.snapshot()
                done, bad = wrk(url, cookies[label], args.seconds, args.connections)
                after = meter.snapshot()
                assert not bad, (label, bad)
                if not done:  # the machine too busy to answer one request in the run: no figure
                    print(f"  {label}: no request completed this round", file=sys.stderr)
                    continue
                results[label].append(1000 * Meter.used(before, after) / done)
                database[label].append(1000 * meter.used_by_database(before, after) / done)
            print(f"  round {n + 1} done", file=sys.stderr)

        print(f"\n{'page':42} {'CPU ms/request (median)':>24} {'min':>7} {'max':>7} {'of it PostgreSQL':>17}")
        median = {label: statistics.median(v) if v else float("nan") for label, v in results.items()}
        for label, values in results.items():
            if not values:
                print(f"{label:42} {'no round completed a request':>24}")
                continue
            db = statistics.median(database[label])
            print(f"{label:42} {median[label]:24.2f} {min(values):7.2f} {max(values):7.2f} {db:17.2f}")
        # One request at a time: each page's own latency, with no queue.
        print(f"\n{'page, one request at a time':42} {'median ms':>10} {'p90 ms':>8}")
        for label, url in pages.items():
            conn = HTTPConnection("127.0.0.1", args.port, timeout=60)
            path = urllib.parse.urlsplit(url).path
            times = []
            for _ in range(args.sequential):
                started = time.perf_counter()
                conn.request("GET", path, headers={"Cookie": cookies[label]})
                conn.getresponse().read()
                times.append((time.perf_counter() - started) * 1000)
                conn = HTTPConnection("127.0.0.1", args.port, timeout=60)  # sync workers close it
            print(f"{label:42} {statistics.median(times):10.1f} {_percentile(times, 90):8.1f}")

        naive = median["floor: naive Django-widgets theme page"]
        plain = median["floor: plain loop over 120 answers"]
        print(
            f"\ntheme page capacity vs the naive Django page: "
            f"{naive / median['theme page (12 questions)']:.2f}× (goal ≥ 1.5×)"
        )
        print(
            f"check answers capacity vs the plain loop: "
            f"{plain / median['check answers (120 answers)']:.2f}× (goal ≥ 1.0×)"
        )

        before = meter.snapshot()
        client_before = time.process_time()
        latencies = save_load(args.port, clients, args.save_seconds)
        used = Meter.used(before, meter.snapshot())
        client_used = time.process_time() - client_before
        print(
            f"\nsave load test: {len(clients)} clients for {args.save_seconds:g} s, {len(latencies)} saves; "
            f"CPU {1000 * used / len(latencies):.2f} ms a save (goal ≤ 10); "
            f"p50 {_percentile(latencies, 50):.0f} ms, p99 {_percentile(latencies, 99):.0f} ms (goal < 100)"
        )
        # The load generator shares the two cores: what it takes from them
        # is time the server waits for (the clients are Python threads).
        print(f"the load generator's own CPU: {1000 * client_used / len(latencies):.2f} ms a save")
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=30)
        if not args.keep:
            with admin.cursor() as cursor:
                cursor.execute(f'DROP DATABASE IF EXISTS "{dbname}" WITH (FORCE)')


def _wait_for(port: int) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            conn = HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", "/")
            conn.getresponse().read()
            return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError("gunicorn did not start")


if __name__ == "__main__":
    main()
