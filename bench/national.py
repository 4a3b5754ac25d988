"""National-scale data in SQL (generate_series): minutes, not hours.

`national_fill()` adds to a migrated PostgreSQL database (bench/run.py's,
with --national) `partnerships` partnerships of `agencies` agencies each,
every one with a published question set of `themes` × `questions`, an open
cycle, four localities, and a return per agency with every question
answered and every theme rated: at the defaults (150 × 700 × 10 × 12) that
is 105,000 returns, 12.6 million answers and 1.05 million theme responses.
The bench's own partnership is grown to `agencies` agencies the same way,
in its own cycle and question set, so its dashboard shows 700 agencies with
120-question returns.

The load runs with session_replication_role = replica (no triggers: the
integrity triggers would check 12.6 million rows one by one; the rows are
built consistent), in one transaction, then VACUUM ANALYZE, as autovacuum
would soon after. Bounded: a statement_timeout stops it if the machine is
far slower than expected.

`explain()` prints EXPLAIN (ANALYZE, BUFFERS) of the queries that used to
grow with the size of the database.
"""

from __future__ import annotations

import time

LOAD_TIMEOUT = "45min"


def _run(cursor, label: str, sql: str, params=None) -> None:
    started = time.perf_counter()
    cursor.execute(sql, params or {})
    print(f"  {label}: {cursor.rowcount:,} rows in {time.perf_counter() - started:.1f} s", flush=True)


def national_fill(
    conn, *, bench_partnership_id: int, partnerships: int, agencies: int, themes: int, questions: int
) -> None:
    p = {"n": partnerships, "agencies": agencies, "themes": themes, "questions": questions}
    p["bench"] = bench_partnership_id
    started = time.perf_counter()
    with conn.cursor() as c:
        c.execute(f"SET statement_timeout = '{LOAD_TIMEOUT}'")
        c.execute("SET session_replication_role = replica")
        _run(
            c,
            "partnerships",
            """INSERT INTO partnerships_partnership (name, slug, contact_email, reply_to_email, created_at)
               SELECT 'National ' || g, 'national-' || g, 'contact@national-' || g || '.example', '', now()
               FROM generate_series(1, %(n)s - 1) g""",
            p,
        )
        c.execute(
            """CREATE TEMP TABLE nat_p ON COMMIT DROP AS
               SELECT id FROM partnerships_partnership WHERE slug LIKE 'national-%%'"""
        )
        _run(
            c,
            "question sets",
            """INSERT INTO themes_questionset (partnership_id, name, version, status, description, audience,
                   template_key, previous_version_id, published_at, created_at)
               SELECT id, 'Section 11 standards', 1, 'published', '', 'statutory', '', NULL, now(), now()
               FROM nat_p""",
        )
        _run(
            c,
            "themes",
            """INSERT INTO themes_theme (question_set_id, key, "order", title, description, guidance,
                   red_descriptor, amber_descriptor, green_descriptor, is_local)
               SELECT qs.id, 'theme-' || t, t, 'Theme ' || t, 'What this theme covers.', '',
                   'Not compliant with theme ' || t || '.', 'Partly compliant.', 'Fully compliant.', false
               FROM themes_questionset qs JOIN nat_p ON nat_p.id = qs.partnership_id,
                    generate_series(1, %(themes)s) t""",
            p,
        )
        _run(
            c,
            "questions",
            """INSERT INTO themes_question (theme_id, key, "order", text, guidance, allows_na,
                   evidence_expected, is_local, library_key)
               SELECT th.id, 'q-' || q, q, 'Question ' || q || ' of ' || th.title || ': does your organisation
                   meet this standard?', '', true, false, false, ''
               FROM themes_theme th JOIN themes_questionset qs ON qs.id = th.question_set_id
                    JOIN nat_p ON nat_p.id = qs.partnership_id, generate_series(1, %(questions)s) q""",
            p,
        )
        _run(
            c,
            "cycles",
            """INSERT INTO audits_auditcycle (partnership_id, question_set_id, title, slug, opens_at,
                   closes_at, incomplete_policy, link_grace_days, expected_minutes, created_at,
                   action_items_required, action_update_months, agency_scope, previous_cycle_id,
                   reminder_days, scope_sectors)
               SELECT qs.partnership_id, qs.id, 'Section 11 audit', 'c', now() - interval '10 days',
                   now() + interval '50 days', 'default_red', 30, 60, now(), false, 3, 'all', NULL,
                   '[]'::jsonb, '[]'::jsonb
               FROM themes_questionset qs JOIN nat_p ON nat_p.id = qs.partnership_id""",
        )
        _run(
            c,
            "localities",
            """INSERT INTO partnerships_locality (partnership_id, name)
               SELECT id, 'Locality ' || l FROM nat_p, generate_series(1, 4) l""",
        )
        # The bench partnership grows to `agencies` too, in its own cycle.
        c.execute(
            "CREATE TEMP TABLE nat_all ON COMMIT DROP AS SELECT id FROM nat_p UNION ALL SELECT %(bench)s", p
        )
        _run(
            c,
            "agencies",
            """INSERT INTO partnerships_agency
                   (partnership_id, name, sector, is_statutory, is_active, created_at)
               SELECT nat_all.id, 'National agency ' || lpad(a::text, 4, '0'),
                   (ARRAY['local_authority','nhs','police','education','voluntary'])[1 + a %% 5],
                   a %% 5 < 3, true, now()
               FROM nat_all, generate_series(1, %(agencies)s - CASE WHEN nat_all.id = %(bench)s
                   THEN (SELECT count(*) FROM partnerships_agency WHERE partnership_id = %(bench)s)
                   ELSE 0 END) a""",
            p,
        )
        _run(
            c,
            "agency localities",
            """INSERT INTO partnerships_agency_localities (agency_id, locality_id)
               SELECT a.id, (SELECT l.id FROM partnerships_locality l
                             WHERE l.partnership_id = a.partnership_id
                             ORDER BY l.id OFFSET a.id %% 4 LIMIT 1)
               FROM partnerships_agency a JOIN nat_all ON nat_all.id = a.partnership_id
               WHERE a.name LIKE 'National agency %%'
                 AND EXISTS (SELECT 1 FROM partnerships_locality l
                             WHERE l.partnership_id = a.partnership_id)""",
        )
        _run(
            c,
            "returns",
            """INSERT INTO audits_submission (partnership_id, cycle_id, agency_id, question_set_id, reference,
                   status, submitted_at, submitted_by_name, submitted_by_email, signed_off_by_name,
                   signed_off_by_role, extended_until, version, created_at, updated_at, carried_from_id)
               SELECT a.partnership_id, cy.id, a.id, cy.question_set_id, 'S11-N' || a.id,
                   CASE WHEN a.id %% 3 = 0 THEN 'submitted' ELSE 'in_progress' END,
                   CASE WHEN a.id %% 3 = 0 THEN now() - interval '1 day' END,
                   '', '', '', '', NULL, 10, now(), now(), NULL
               FROM partnerships_agency a JOIN nat_all ON nat_all.id = a.partnership_id
                    JOIN LATERAL (SELECT id, question_set_id FROM audits_auditcycle
                                  WHERE partnership_id = a.partnership_id ORDER BY id LIMIT 1) cy ON true
               WHERE a.name LIKE 'National agency %%'""",
        )
        c.execute(
            """CREATE TEMP TABLE nat_s ON COMMIT DROP AS SELECT id, question_set_id FROM audits_submission
               WHERE reference LIKE 'S11-N%%'"""
        )
        _run(
            c,
            "answers",
            """INSERT INTO audits_answer (submission_id, question_id, value, updated_at)
               SELECT s.id, q.id, (ARRAY['yes','yes','no','na'])[1 + (s.id + q.id) %% 4], now()
               FROM nat_s s JOIN themes_theme th ON th.question_set_id = s.question_set_id
                    JOIN themes_question q ON q.theme_id = th.id""",
        )
        _run(
            c,
            "theme responses",
            """INSERT INTO audits_themeresponse (submission_id, theme_id, rag, rag_defaulted, comments,
                   carried_forward, version, updated_at, updated_by_name, updated_by_email)
               SELECT s.id, th.id, (ARRAY['red','amber','green'])[1 + (s.id + th.id) %% 3], false,
                   'Comments on this theme.', false, 1, now(), 'Contributor ' || s.id %% 37, ''
               FROM nat_s s JOIN themes_theme th ON th.question_set_id = s.question_set_id""",
        )
        c.execute("SET session_replication_role = DEFAULT")
    conn.commit()
    print(f"  loaded in {time.perf_counter() - started:.0f} s; VACUUM ANALYZE ...", flush=True)
    old = conn.autocommit
    conn.autocommit = True
    with conn.cursor() as c:
        started = time.perf_counter()
        c.execute("VACUUM ANALYZE")
        print(f"  VACUUM ANALYZE in {time.perf_counter() - started:.0f} s", flush=True)
    conn.autocommit = old


def explain(conn, *, submission_id: int, partnership_id: int, cycle_id: int) -> None:
    """EXPLAIN ANALYZE of the queries that used to read the whole country."""
    queries = {
        "task list: one return's answered questions (counted by theme in Python)": (
            """SELECT a.question_id FROM audits_answer a WHERE a.submission_id = %(s)s"""
        ),
        "dashboard: agencies' localities through the partnership": (
            """SELECT al.agency_id, l.name FROM partnerships_agency_localities al
               JOIN partnerships_locality l ON al.locality_id = l.id
               WHERE l.partnership_id = %(p)s ORDER BY l.name"""
        ),
        "answers by question for the cycle": (
            """SELECT a.question_id,
                   count(a.value) FILTER (WHERE a.value = 'yes'),
                   count(a.value) FILTER (WHERE a.value = 'no'),
                   count(a.value) FILTER (WHERE a.value = 'na')
               FROM audits_answer a WHERE a.submission_id IN
                   (SELECT id FROM audits_submission WHERE partnership_id = %(p)s AND cycle_id = %(c)s)
               GROUP BY a.question_id"""
        ),
    }
    params = {"s": submission_id, "p": partnership_id, "c": cycle_id}
    with conn.cursor() as c:
        for label, sql in queries.items():
            c.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql, params)
            print(f"\n-- {label}")
            print("\n".join(row[0] for row in c.fetchall()))
