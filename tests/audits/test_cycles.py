"""Setting up cycles (partnership admins), extending deadlines, and starting
a cycle from the previous one with last answers carried forward."""

import re
from datetime import UTC, datetime, timedelta

import pytest
from django.test import Client
from django.utils import timezone

from audits.forms.fields import parse_uk_time, uk_moment
from audits.models import Answer, AuditCycle, Submission, SubmissionStatus, ThemeResponse
from audits.selectors.scope import cycle_participants
from audits.services import resume_link_create, submission_submit
from audits.services.cycles import (
    CycleSettings,
    cycle_setup_create,
    cycle_start_from_previous,
)
from core.dates import UK
from core.domain import Actor, DomainError
from core.models import AuditEvent, OutboundEmail
from partnerships.models import StaffRole
from tests.factories import (
    AgencyFactory,
    AuditCycleFactory,
    PartnershipFactory,
    QuestionSetFactory,
    SubmissionFactory,
    question_set_with_questions,
    theme_save,
    two_partnerships,
)
from tests.staff import staff_client, staff_url

pytestmark = pytest.mark.django_db

STAFF = Actor(name="Amira Admin", email="admin@partnership.example")


@pytest.fixture
def world():
    return two_partnerships()


@pytest.fixture
def admin(world):
    return staff_client(Client(), world.a.partnership, StaffRole.ADMIN)


def _dt(prefix, moment_text):
    day, month, year, at = moment_text.split()
    return {f"{prefix}_0": day, f"{prefix}_1": month, f"{prefix}_2": year, f"{prefix}_3": at}


def _cycle_post(world, **overrides):
    data = {
        "title": "Section 11 audit 2027",
        "slug": "",
        "question_set": str(world.a.question_set.pk),
        **_dt("opens_at", "1 4 2027 9am"),
        **_dt("closes_at", "30 6 2027 5pm"),
        "reminder_days": "14, 7, 2, 1",
        "incomplete_policy": "default_red",
        "link_grace_days": "14",
        "expected_minutes": "90",
        "action_items_required": "no",
        "action_update_months": "6",
        "agency_scope": "all",
    }
    data.update(overrides)
    return data


# --- dates and times in the UK ------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [("5pm", (17, 0)), ("5:30pm", (17, 30)), ("17:00", (17, 0)), ("9am", (9, 0)), ("midday", (12, 0))],
)
def test_times_are_read_the_way_people_write_them(text, expected):
    at = parse_uk_time(text)
    assert (at.hour, at.minute) == expected


@pytest.mark.parametrize("text", ["25:00", "13pm", "soon", "5:75"])
def test_nonsense_times_are_refused(text):
    assert parse_uk_time(text) is None


def test_uk_times_across_the_clock_changes():
    from datetime import date, time

    # 1:30am on 29 March 2026 never happened in the UK.
    assert uk_moment(date(2026, 3, 29), time(1, 30)) is None
    assert uk_moment(date(2026, 3, 29), time(9, 0)).astimezone(UTC).hour == 8  # BST
    # 1:30am on 25 October 2026 happened twice: the first (BST) is meant.
    assert uk_moment(date(2026, 10, 25), time(1, 30)).astimezone(UTC).hour == 0
    assert uk_moment(date(2026, 12, 1), time(17, 0)).astimezone(UTC).hour == 17  # GMT


# --- creating and changing a cycle ----------------------------------------------------


def test_admin_creates_a_cycle_for_agencies_in_a_sector(world, admin):
    police = AgencyFactory(partnership=world.a.partnership, sector="police")
    response = admin.post(
        staff_url(world.a.partnership, "staff_cycle_admin_create"),
        _cycle_post(world, agency_scope="sector", sectors=["police"], reminder_days="10, 3"),
    )
    assert response.status_code == 302
    cycle = AuditCycle.objects.get(partnership=world.a.partnership, slug="section-11-audit-2027")
    assert cycle.opens_at == datetime(2027, 4, 1, 8, tzinfo=UTC)  # 9am BST
    assert cycle.closes_at == datetime(2027, 6, 30, 16, tzinfo=UTC)
    assert cycle.reminder_days == [10, 3]
    assert list(cycle_participants(cycle=cycle)) == [police]
    assert AuditEvent.objects.filter(verb="cycle.created", object_id=str(cycle.pk)).exists()
    page = admin.get(response["Location"]).content.decode()
    assert "9am on Thursday 1 April 2027" in page
    assert "5pm on Wednesday 30 June 2027" in page
    # The schedule, in UK time.
    assert "5pm on Sunday 20 June 2027" in page


def test_bad_input_gets_an_error_summary_and_keeps_what_was_typed(world, admin):
    response = admin.post(
        staff_url(world.a.partnership, "staff_cycle_admin_create"),
        _cycle_post(
            world,
            title="",
            reminder_days="14, soon",
            **_dt("opens_at", "29 3 2027 1:30am"),
            closes_at_1="",
            agency_scope="chosen",
        ),
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "There is a problem" in page
    assert "Enter a title for the cycle" in page
    assert "Enter reminder days as whole numbers separated by commas" in page
    assert "1:30am does not exist on 28 March 2027" not in page  # 29 March 2027 is not the change
    assert "The date the cycle closes must include a month" in page
    assert "Choose at least one agency" in page
    assert 'href="#id_closes_at_1"' in page  # the first wrong box: the month
    assert 'value="14, soon"' in page
    assert not AuditCycle.objects.filter(title="").exists()


def test_a_time_skipped_by_the_clocks_is_refused(world, admin):
    response = admin.post(
        staff_url(world.a.partnership, "staff_cycle_admin_create"),
        _cycle_post(world, **_dt("opens_at", "28 3 2027 1:30am")),
    )
    assert "1:30am does not exist on 28 March 2027 because the clocks go forward" in response.content.decode()


def test_agencies_and_question_sets_of_another_partnership_are_refused(world):
    a, b = world.a, world.b
    settings = CycleSettings(
        title="X",
        question_set=a.question_set,
        opens_at=timezone.now(),
        closes_at=timezone.now() + timedelta(days=9),
        agency_scope="chosen",
        chosen_agencies=[b.agency],
    )
    with pytest.raises(DomainError):
        cycle_setup_create(partnership=a.partnership, slug="x", settings=settings, actor=STAFF)
    settings.chosen_agencies, settings.question_set = [a.agency], b.question_set
    with pytest.raises(DomainError):
        cycle_setup_create(partnership=a.partnership, slug="x", settings=settings, actor=STAFF)
    # The form offers only this partnership's agencies: another's id is an invalid choice.
    admin = staff_client(Client(), a.partnership, StaffRole.ADMIN)
    response = admin.post(
        staff_url(a.partnership, "staff_cycle_admin_create"),
        _cycle_post(world, agency_scope="chosen", agencies=[str(b.agency.pk)]),
    )
    assert response.status_code == 200
    assert not AuditCycle.objects.filter(slug="section-11-audit-2027").exists()


def test_an_open_cycles_question_set_and_dates_are_fixed(world, admin):
    cycle = world.a.cycle
    old_title = cycle.title
    url = staff_url(world.a.partnership, "staff_cycle_admin_edit", cycle_slug=cycle.slug)
    page = admin.get(url).content.decode()
    assert "extend the deadline" in page
    assert 'name="opens_at_0"' not in page
    locality = world.a.locality
    response = admin.post(
        url,
        {
            "title": "Renamed",
            "reminder_days": "5",
            "incomplete_policy": "block",
            "link_grace_days": "3",
            "expected_minutes": "60",
            "action_items_required": "no",
            "action_update_months": "6",
            "agency_scope": "locality",
            "localities": [str(locality.pk)],
        },
    )
    assert response.status_code == 302, re.findall(r"<li>([^<]*)</li>", response.content.decode())
    cycle.refresh_from_db()
    assert (cycle.title, cycle.reminder_days, cycle.incomplete_policy) == ("Renamed", [5], "block")
    assert list(cycle.scope_localities.all()) == [locality]
    event = AuditEvent.objects.get(verb="cycle.updated")
    assert event.detail["title"] == [old_title, "Renamed"]


def test_extending_the_deadline_needs_a_reason_and_is_on_the_record(world, admin):
    cycle = world.a.cycle
    url = staff_url(world.a.partnership, "staff_cycle_admin_extend", cycle_slug=cycle.slug)
    later = timezone.localtime(cycle.closes_at + timedelta(days=14), UK)
    data = _dt("deadline", f"{later.day} {later.month} {later.year} 5pm")
    response = admin.post(url, data)
    assert "Enter the reason for the extension" in response.content.decode()
    response = admin.post(url, {**data, "reason": "Local elections"})
    assert response.status_code == 302
    cycle.refresh_from_db()
    assert timezone.localtime(cycle.closes_at, UK).date() == later.date()
    event = AuditEvent.objects.get(verb="cycle.deadline_extended")
    assert event.detail["reason"] == "Local elections"
    assert "Local elections" in admin.get(response["Location"]).content.decode()
    # Earlier than now is refused.
    response = admin.post(url, {**_dt("deadline", "1 1 2020 5pm"), "reason": "x"})
    assert "must be later than the current one" in response.content.decode()


def test_extending_one_agencys_deadline(world):
    a = world.a
    admin = staff_client(Client(), a.partnership, StaffRole.ADMIN)
    url = staff_url(
        a.partnership,
        "staff_cycle_admin_extend_agency",
        cycle_slug=a.cycle.slug,
        reference=a.submission.reference,
    )
    later = timezone.localtime(a.cycle.closes_at + timedelta(days=7), UK)
    response = admin.post(
        url, {**_dt("deadline", f"{later.day} {later.month} {later.year} 17:00"), "reason": "New DSL"}
    )
    assert response.status_code == 302
    a.submission.refresh_from_db()
    assert a.submission.deadline > a.cycle.closes_at
    assert a.submission.events.filter(verb="submission.deadline_extended").get().detail["reason"] == "New DSL"


# --- carry forward ---------------------------------------------------------------------------


@pytest.fixture
def last_year():
    """A closed cycle in which one agency submitted and another saved a theme."""
    partnership = PartnershipFactory(slug="carry")
    qs1 = question_set_with_questions(partnership, themes=2, questions=3, name="Section 11 tool")
    now = timezone.now()
    cycle = AuditCycleFactory(
        partnership=partnership,
        question_set=qs1,
        opens_at=now - timedelta(days=60),
        closes_at=now + timedelta(days=1),
        slug="s11-2025",
        title="Section 11 audit 2025",
    )
    done = AgencyFactory(partnership=partnership, name="Done Council")
    partial = AgencyFactory(partnership=partnership, name="Partial Police")
    fresh = AgencyFactory(partnership=partnership, name="Fresh NHS")
    s_done = SubmissionFactory(cycle=cycle, agency=done)
    themes = list(qs1.themes.order_by("order"))
    theme_save(s_done, themes[0], value="yes", rag="green")
    q = list(themes[1].questions.order_by("order"))
    theme_save(
        s_done,
        themes[1],
        answers={q[0].pk: "no", q[1].pk: "na", q[2].pk: "yes"},
        rag="amber",
        comments="Training refresh due; q2 does not apply to us.",
    )
    s_done.refresh_from_db()
    submission_submit(
        submission=s_done,
        submitted_by=Actor(name="Jo", email="jo@done.example"),
        signed_off_by_name="Director",
        signed_off_by_role="Director",
        expected_version=s_done.version,
    )
    s_partial = SubmissionFactory(cycle=cycle, agency=partial)
    theme_save(s_partial, themes[0], value="no", rag="red", comments="Policy out of date.")
    AuditCycle.objects.filter(pk=cycle.pk).update(closes_at=now - timedelta(days=2))
    cycle.refresh_from_db()
    # Version 2: theme 2's first question reworded under a new key, and N/A
    # no longer allowed for its second question.
    qs2 = QuestionSetFactory(
        partnership=partnership,
        name="Section 11 tool",
        version=2,
        previous_version=qs1,
        themes=2,
        themes__questions=3,
    )
    t2 = qs2.themes.get(key="theme-2")
    t2.questions.filter(key="q-1").update(key="q-1-revised", text="Reworded question?")
    t2.questions.filter(key="q-2").update(allows_na=False)
    return {
        "partnership": partnership,
        "cycle": cycle,
        "qs2": qs2,
        "done": s_done,
        "partial": s_partial,
        "fresh": fresh,
    }


def _snapshot(submission):
    submission.refresh_from_db()
    return (
        submission.status,
        submission.version,
        sorted(Answer.objects.filter(submission=submission).values_list("question_id", "value")),
        sorted(
            ThemeResponse.objects.filter(submission=submission).values_list(
                "theme_id", "rag", "comments", "version"
            )
        ),
    )


def test_new_cycle_starts_from_last_answers_marked_and_old_returns_unchanged(last_year):
    before = {k: _snapshot(last_year[k]) for k in ("done", "partial")}
    now = timezone.now()
    cycle = cycle_start_from_previous(
        previous=last_year["cycle"],
        slug="s11-2026",
        settings=CycleSettings(
            title="Section 11 audit 2026",
            question_set=last_year["qs2"],
            opens_at=now - timedelta(hours=1),
            closes_at=now + timedelta(days=40),
        ),
        actor=STAFF,
    )
    assert cycle.previous_cycle == last_year["cycle"]
    new = {s.agency.name: s for s in Submission.objects.filter(cycle=cycle).select_related("agency")}
    assert set(new) == {"Done Council", "Partial Police", "Fresh NHS"}

    done = new["Done Council"]
    assert done.carried_from == last_year["done"]
    assert done.question_set == last_year["qs2"]
    assert done.status == SubmissionStatus.NOT_STARTED
    responses = {r.theme.key: r for r in done.theme_responses.select_related("theme")}
    assert all(r.carried_forward for r in responses.values())
    assert (responses["theme-1"].rag, responses["theme-2"].rag) == ("green", "amber")
    assert responses["theme-2"].comments.startswith("Training refresh due")
    answers = dict(
        Answer.objects.filter(submission=done, question__theme__key="theme-2").values_list(
            "question__key", "value"
        )
    )
    # q-1 changed key (new question, unanswered); N/A is no longer allowed for q-2.
    assert answers == {"q-3": "yes"}
    assert Answer.objects.filter(submission=done, question__theme__key="theme-1").count() == 3
    assert all(
        a.question.theme.question_set_id == last_year["qs2"].pk
        for a in Answer.objects.filter(submission=done)
    )

    assert new["Partial Police"].carried_from == last_year["partial"]
    assert new["Partial Police"].theme_responses.count() == 1
    assert new["Fresh NHS"].carried_from is None
    assert not new["Fresh NHS"].theme_responses.exists()

    # Last cycle's returns are exactly as they were.
    assert {k: _snapshot(last_year[k]) for k in ("done", "partial")} == before
    assert AuditEvent.objects.filter(verb="submission.carried_forward").count() == 2


def test_the_agency_sees_what_was_carried_and_saving_confirms_it(
    last_year, django_capture_on_commit_callbacks
):
    now = timezone.now()
    cycle = cycle_start_from_previous(
        previous=last_year["cycle"],
        slug="s11-2026",
        settings=CycleSettings(
            title="Section 11 audit 2026",
            question_set=last_year["qs2"],
            opens_at=now - timedelta(hours=1),
            closes_at=now + timedelta(days=40),
        ),
        actor=STAFF,
    )
    submission = Submission.objects.get(cycle=cycle, agency__name="Done Council")
    _, url = resume_link_create(submission=submission, name="Jo", email="jo@done.example", mint=True)
    client = Client()
    assert client.get(url.split("127.0.0.1:8000", 1)[-1]).status_code == 302
    p = last_year["partnership"].slug
    tasks = client.get(f"/{p}/return/").content.decode()
    assert tasks.count("Check last cycle's answers") == 2, tasks[tasks.find("<main") :]
    assert "You have completed 0 of 2 themes" in tasks

    page = client.get(f"/{p}/return/themes/theme-2/").content.decode()
    assert "carried forward from your return for Section 11 audit 2025" in page
    assert "New question" in page  # the reworded q-1
    # q-2 was N/A last time, now not allowed, so not carried: shown as different.
    assert "In Section 11 audit 2025 you answered: <strong>Not applicable</strong>" in page

    theme = submission.question_set.themes.get(key="theme-2")
    response = theme_save(submission, theme, value="yes", rag="green", comments="All fixed.")
    assert response.carried_forward is False
    page = client.get(f"/{p}/return/themes/theme-2/").content.decode()
    assert "carried forward from your return" not in page
    assert "In Section 11 audit 2025 you rated this theme Amber" in page
    assert "In Section 11 audit 2025 you answered: <strong>No</strong>" not in page  # q-1 is a new question
    tasks = client.get(f"/{p}/return/").content.decode()
    assert tasks.count("Check last cycle's answers") == 1


def test_start_next_cycle_page(last_year):
    admin = staff_client(Client(), last_year["partnership"], StaffRole.ADMIN)
    url = staff_url(last_year["partnership"], "staff_cycle_admin_next", cycle_slug="s11-2025")
    page = admin.get(url).content.decode()
    # A newer version of the same set is offered first.
    assert f'<option value="{last_year["qs2"].pk}" selected>' in page
    response = admin.post(
        url,
        {
            "title": "Section 11 audit 2027",
            "slug": "s11-2027",
            "question_set": str(last_year["qs2"].pk),
            **_dt("opens_at", "1 4 2027 9am"),
            **_dt("closes_at", "30 6 2027 5pm"),
            "reminder_days": "14, 7",
            "action_items_required": "no",
            "action_update_months": "6",
            "carry_answers": "yes",
        },
    )
    assert response.status_code == 302
    cycle = AuditCycle.objects.get(slug="s11-2027")
    assert cycle.submissions.filter(carried_from__isnull=False).count() == 2


def test_a_new_cycle_form_starts_with_the_usual_reminder_schedule(world, admin):
    page = admin.get(staff_url(world.a.partnership, "staff_cycle_admin_create")).content.decode()
    assert 'name="reminder_days" type="text" value="14, 7, 2, 1"' in page or (
        'value="14, 7, 2, 1"' in page and 'name="reminder_days"' in page
    )
    assert "Leave blank for no reminders" not in page


def test_action_plan_rules_are_set_on_the_cycle_forms_and_carried_to_the_next_cycle(world, admin):
    partnership = world.a.partnership
    response = admin.post(
        staff_url(partnership, "staff_cycle_admin_create"),
        _cycle_post(world, action_items_required="yes", action_update_months="3"),
    )
    assert response.status_code == 302
    cycle = AuditCycle.objects.get(partnership=partnership, slug="section-11-audit-2027")
    assert cycle.action_items_required is True
    assert cycle.action_update_months == 3
    event = AuditEvent.objects.get(verb="cycle.created", object_id=str(cycle.pk))
    assert event.detail["action_items_required"] is True
    assert event.detail["action_update_months"] == 3

    # The edit form shows them as set, and changes them.
    edit_url = staff_url(partnership, "staff_cycle_admin_edit", cycle_slug=cycle.slug)
    page = admin.get(edit_url).content.decode()
    assert re.search(r'name="action_items_required" type="radio" value="yes"[^>]*checked', page)
    assert re.search(r'name="action_update_months"[^>]*value="3"', page)

    # Starting the next cycle offers the same rules, and the new cycle keeps them.
    next_url = staff_url(partnership, "staff_cycle_admin_next", cycle_slug=cycle.slug)
    page = admin.get(next_url).content.decode()
    assert re.search(r'name="action_items_required" type="radio" value="yes"[^>]*checked', page)
    assert re.search(r'name="action_update_months"[^>]*value="3"', page)
    response = admin.post(
        next_url,
        {
            "title": "Section 11 audit 2028",
            "slug": "s11-2028",
            "question_set": str(world.a.question_set.pk),
            **_dt("opens_at", "1 4 2028 9am"),
            **_dt("closes_at", "30 6 2028 5pm"),
            "reminder_days": "14, 7",
            "action_items_required": "yes",
            "action_update_months": "3",
            "carry_answers": "no",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    following = AuditCycle.objects.get(partnership=partnership, slug="s11-2028")
    assert (following.action_items_required, following.action_update_months) == (True, 3)


@pytest.mark.parametrize(
    ("months", "message"),
    [
        ("", "Enter how often to ask for an action plan update, in months"),
        ("six", "Enter a whole number of months"),
        ("-1", "Enter 0 months or more"),
        ("99999999999999999999", "Enter 24 months or fewer"),
    ],
)
def test_a_bad_update_interval_gets_a_message_and_keeps_what_was_typed(world, admin, months, message):
    response = admin.post(
        staff_url(world.a.partnership, "staff_cycle_admin_create"),
        _cycle_post(world, action_update_months=months, action_items_required=""),
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert message in page
    assert "Choose whether Amber and Red themes need an action" in page
    assert 'value="Section 11 audit 2027"' in page
    assert not AuditCycle.objects.filter(
        partnership=world.a.partnership, slug="section-11-audit-2027"
    ).exists()


# --- email history pages ------------------------------------------------------------------


def test_staff_see_which_emails_went_to_each_agency(world, django_capture_on_commit_callbacks):
    from audits.services.reminders import reminders_due

    a = world.a
    a.submission.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        reminders_due()
    reviewer = staff_client(Client(), a.partnership, StaffRole.REVIEWER)
    page = reviewer.get(
        staff_url(a.partnership, "staff_cycle_emails", cycle_slug=a.cycle.slug)
    ).content.decode()
    assert a.agency.name in page
    assert "Send a reminder now to the agencies selected" in page
    detail = reviewer.get(
        staff_url(
            a.partnership,
            "staff_cycle_emails_agency",
            cycle_slug=a.cycle.slug,
            reference=a.submission.reference,
        )
    ).content.decode()
    assert "Invitation" in detail and "Sent" in detail and a.contact.email in detail
    assert "Send the invitation again" not in detail  # reviewers cannot; admins can
    admin = staff_client(Client(), a.partnership, StaffRole.ADMIN)
    url = staff_url(
        a.partnership,
        "staff_cycle_admin_invitation_resend",
        cycle_slug=a.cycle.slug,
        reference=a.submission.reference,
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = admin.post(url)
    assert response.status_code == 302
    assert OutboundEmail.objects.filter(submission=a.submission, kind="invitation").count() == 2
    assert "Invitation sent again to 1 contact" in admin.get(response["Location"]).content.decode()


def test_email_list_is_constant_query(world, django_assert_max_num_queries):
    a = world.a
    for _ in range(15):
        SubmissionFactory(cycle=a.cycle, agency=AgencyFactory(partnership=a.partnership, contacts=2))
    from audits.services.reminders import reminders_due

    reminders_due()
    reviewer = staff_client(Client(), a.partnership, StaffRole.REVIEWER)
    url = staff_url(a.partnership, "staff_cycle_emails", cycle_slug=a.cycle.slug)
    with django_assert_max_num_queries(12):
        assert reviewer.get(url).status_code == 200


def test_cycle_list_and_create_pages_render(world, admin):
    page = admin.get(staff_url(world.a.partnership, "staff_cycle_admin_list")).content.decode()
    assert world.a.cycle.title in page
    assert world.b.cycle.title not in page
    page = admin.get(staff_url(world.a.partnership, "staff_cycle_admin_create")).content.decode()
    assert 'name="opens_at_0"' in page and "Which agencies take part" in page


def test_changing_an_unopened_cycles_set_keeps_group_rules(world):
    """Before a cycle opens its default set may change: returns on the old
    default move to the new one, a return a group rule gave another set keeps it."""
    from audits.models import CycleQuestionSet
    from audits.services.cycles import cycle_setup_update

    a = world.a
    now = timezone.now()
    cycle = AuditCycleFactory(
        partnership=a.partnership,
        question_set=a.question_set,
        slug="next",
        opens_at=now + timedelta(days=10),
        closes_at=now + timedelta(days=40),
    )
    group_set = question_set_with_questions(a.partnership, name="Voluntary sector set")
    new_default = question_set_with_questions(a.partnership, name="Statutory set v2")
    charity = AgencyFactory(partnership=a.partnership, name="Alpha Charity", sector="voluntary")
    CycleQuestionSet.objects.create(
        partnership=a.partnership, cycle=cycle, question_set=group_set, agency=charity
    )
    on_default = SubmissionFactory(cycle=cycle, agency=a.agency, question_set=a.question_set)
    on_rule = SubmissionFactory(cycle=cycle, agency=charity, question_set=group_set)

    cycle_setup_update(
        cycle=cycle,
        settings=CycleSettings(
            title=cycle.title,
            question_set=new_default,
            opens_at=cycle.opens_at,
            closes_at=cycle.closes_at,
        ),
        actor=STAFF,
    )

    on_default.refresh_from_db()
    on_rule.refresh_from_db()
    assert on_default.question_set == new_default
    assert on_rule.question_set == group_set
