"""The zero-set-up demo runs on a SQLite file; simultaneous submits must
wait for each other, not fail with "database is locked" (issue 12 item 16).

Each thread does what a save does: a transaction that reads, then writes.
With SQLite's default (deferred) transactions two such transactions both
read, then neither can upgrade to the write lock and one fails at once,
busy timeout or not. The settings (s11portal/settings/base.py) make SQLite
transactions take the write lock when they begin, with a busy timeout."""

import json
import os
import subprocess
import sys

from tests.conftest import REPO_ROOT

CONCURRENT_WRITES = r"""
import json, sys, threading, time
import django
django.setup()
from django.db import connection, connections, transaction

with connection.cursor() as cursor:
    cursor.execute("CREATE TABLE counter (id integer primary key, n integer not null)")
    cursor.execute("INSERT INTO counter (id, n) VALUES (1, 0)")
connection.close()

THREADS, ROUNDS = 8, 5
errors = []
start = threading.Barrier(THREADS)

def submit():
    start.wait()
    try:
        for _ in range(ROUNDS):
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute("SELECT n FROM counter WHERE id = 1")
                (n,) = cursor.fetchone()
                time.sleep(0.01)  # the rest of the request's work
                cursor.execute("UPDATE counter SET n = %s WHERE id = 1", [n + 1])
    except Exception as exc:
        errors.append(f"{type(exc).__name__}: {exc}")
    finally:
        connections.close_all()

threads = [threading.Thread(target=submit) for _ in range(THREADS)]
for t in threads:
    t.start()
for t in threads:
    t.join()
with connection.cursor() as cursor:
    cursor.execute("SELECT n FROM counter WHERE id = 1")
    (n,) = cursor.fetchone()
print(json.dumps({"errors": errors, "count": n, "expected": THREADS * ROUNDS,
                  "options": connection.settings_dict["OPTIONS"]}))
"""


def test_concurrent_writes_on_a_sqlite_file_wait_instead_of_failing(tmp_path):
    env = {
        **{k: v for k, v in os.environ.items() if k not in {"DATABASE_URL"}},
        "DJANGO_SETTINGS_MODULE": "s11portal.settings.local",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'demo.sqlite3'}",
        "S11_VAR_DIR": str(tmp_path / "var"),
    }
    result = subprocess.run(
        [sys.executable, "-c", CONCURRENT_WRITES],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    outcome = json.loads(result.stdout.strip().splitlines()[-1])
    assert outcome["errors"] == [], outcome
    assert outcome["count"] == outcome["expected"]
    assert outcome["options"]["transaction_mode"] == "IMMEDIATE"
