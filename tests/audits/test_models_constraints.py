"""What the database itself refuses, whatever path a write takes.

The first half holds on SQLite and PostgreSQL (Django's unique and check
constraints). The second half is PostgreSQL's alone (see
the PostgreSQL steps at the end of audits/migrations/0001_squashed_0012_staff_invitation_kind.py):
composite foreign keys that keep a row's relations in its partnership,
triggers that keep answers in their submission's question set, the lock on a
submitted return, and the append-only audit log.
"""

from contextlib import contextmanager
from datetime import timedelta

import pytest
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from audits.models import Answer, AuditCycle, Evidence, Submission, SubmissionStatus, ThemeResponse
from audits.services import (
    cycle_create,
    submission_get_or_create,
    submission_reference_new,
    submission_submit,
)
from core.audit import audit_event_record
from core.domain import SYSTEM, Actor, DomainError
from core.models import AuditEvent, OutboundEmail
from partnerships.models import Agency, StaffMembership
from tests.factories import (
    AgencyFactory,
    StaffMembershipFactory,
    SubmissionFactory,
    UserFactory,
    theme_save,
    two_partnerships,
)
from themes.models import QuestionSet

pytestmark = pytest.mark.django_db


@contextmanager
def refused():
    """Expect the database to refuse what the block does. The savepoint keeps
    the test's own transaction usable afterwards (PostgreSQL aborts a
    transaction on any error)."""
    with pytest.raises(IntegrityError), transaction.atomic():
        yield


@pytest.fixture
def world():
    return two_partnerships()


def first_theme(side):
    return side.question_set.themes.order_by("order").first()


def first_question(side):
    return first_theme(side).questions.order_by("order").first()


# ---------------------------------------------------------------------------
# Unique pairs (SQLite and PostgreSQL)
# ---------------------------------------------------------------------------


def test_one_submission_per_agency_per_cycle(world):
    a = world.a
    with refused():
        Submission.objects.create(
            partnership=a.partnership,
            cycle=a.cycle,
            agency=a.agency,
            question_set=a.question_set,
            reference=submission_reference_new(cycle=a.cycle),
        )


def test_one_answer_per_question_per_submission(world):
    a = world.a
    Answer.objects.create(submission=a.submission, question=first_question(a), value="yes")
    with refused():
        Answer.objects.create(submission=a.submission, question=first_question(a), value="no")


def test_one_theme_response_per_theme_per_submission(world):
    a = world.a
    ThemeResponse.objects.create(submission=a.submission, theme=first_theme(a), rag="green")
    with refused():
        ThemeResponse.objects.create(submission=a.submission, theme=first_theme(a), rag="red")


def test_one_cycle_slug_per_partnership(world):
    a = world.a
    with refused():
        AuditCycle.objects.create(
            partnership=a.partnership,
            title="Again",
            slug=a.cycle.slug,
            question_set=a.question_set,
            opens_at=a.cycle.opens_at,
            closes_at=a.cycle.closes_at,
        )


def test_agency_names_are_unique_per_partnership_ignoring_case(world):
    a, b = world.a, world.b
    # The same name in another partnership is fine.
    Agency.objects.create(partnership=b.partnership, name=a.agency.name, sector="police")
    with refused():
        Agency.objects.create(partnership=a.partnership, name=a.agency.name.upper(), sector="police")


def test_one_membership_per_user_per_partnership(world):
    membership = StaffMembershipFactory(partnership=world.a.partnership)
    with refused():
        StaffMembership.objects.create(user=membership.user, partnership=world.a.partnership, role="admin")


# ---------------------------------------------------------------------------
# Check constraints (SQLite and PostgreSQL)
# ---------------------------------------------------------------------------


def test_answer_value_must_be_yes_no_or_na(world):
    a = world.a
    with refused():
        Answer.objects.create(submission=a.submission, question=first_question(a), value="mby")


def test_rag_must_be_red_amber_green_or_blank(world):
    a = world.a
    with refused():
        ThemeResponse.objects.create(submission=a.submission, theme=first_theme(a), rag="purple")


def test_agency_sector_must_be_known(world):
    with refused():
        Agency.objects.create(partnership=world.a.partnership, name="Ministry of Magic", sector="ministry")


def test_cycle_must_close_after_it_opens(world):
    a = world.a
    now = timezone.now()
    with refused():
        AuditCycle.objects.create(
            partnership=a.partnership,
            title="Backwards",
            slug="backwards",
            question_set=a.question_set,
            opens_at=now,
            closes_at=now - timedelta(days=1),
        )
    with refused():
        AuditCycle.objects.create(
            partnership=a.partnership,
            title="Zero length",
            slug="zero-length",
            question_set=a.question_set,
            opens_at=now,
            closes_at=now,
        )


def test_submitted_submission_must_have_a_date(world):
    with refused():
        Submission.objects.filter(pk=world.a.submission.pk).update(status=SubmissionStatus.SUBMITTED)


def test_submission_status_must_be_known(world):
    with refused():
        Submission.objects.filter(pk=world.a.submission.pk).update(status="lost")


def test_membership_role_must_be_known(world):
    with refused():
        StaffMembership.objects.create(user=UserFactory(), partnership=world.a.partnership, role="owner")


def test_published_question_set_must_have_a_date(world):
    with refused():
        QuestionSet.objects.filter(pk=world.a.question_set.pk).update(published_at=None)


def test_evidence_needs_a_file_or_a_link(world):
    a = world.a
    with refused():
        Evidence.objects.create(
            submission=a.submission, theme=first_theme(a), kind="link", token="t1", url=""
        )
    with refused():
        Evidence.objects.create(submission=a.submission, theme=first_theme(a), kind="file", token="t2")


def test_sent_email_must_have_a_date(world):
    with refused():
        OutboundEmail.objects.create(
            partnership=world.a.partnership,
            kind="link",
            dedupe_key="x",
            to_email="a@b.example",
            template="link",
            message_id="<x@y>",
            status="sent",
        )


# ---------------------------------------------------------------------------
# PostgreSQL: rows of one submission stay in one partnership
# ---------------------------------------------------------------------------


def _cross_partnership_rows(world):
    """Each builds one row that joins partnership A to a row of B."""
    a, b = world.a, world.b
    now = timezone.now()

    def submission(**overrides):
        fields = {
            "partnership": a.partnership,
            "cycle": a.cycle,
            "agency": AgencyFactory(partnership=a.partnership),
            "question_set": a.question_set,
            "reference": submission_reference_new(cycle=a.cycle),
            **overrides,
        }
        return lambda: Submission.objects.create(**fields)

    return {
        "submission-agency": submission(agency=b.agency),
        "submission-cycle": submission(cycle=b.cycle),
        "submission-question-set": submission(question_set=b.question_set),
        "cycle-question-set": lambda: AuditCycle.objects.create(
            partnership=a.partnership,
            title="Borrowed set",
            slug="borrowed",
            question_set=b.question_set,
            opens_at=now,
            closes_at=now + timedelta(days=1),
        ),
        "event-submission": lambda: AuditEvent.objects.create(
            partnership=a.partnership, submission=b.submission, verb="test.cross"
        ),
    }


CROSS_CASES = [
    "submission-agency",
    "submission-cycle",
    "submission-question-set",
    "cycle-question-set",
    "event-submission",
]


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("case", CROSS_CASES)
def test_postgres_refuses_a_row_joining_two_partnerships_at_commit(case):
    world = two_partnerships()
    create = _cross_partnership_rows(world)[case]

    # The composite foreign keys are DEFERRABLE INITIALLY DEFERRED, so the
    # refusal comes when the transaction commits.
    with pytest.raises(IntegrityError), transaction.atomic():
        create()


@pytest.mark.postgres
@pytest.mark.parametrize("case", CROSS_CASES)
def test_postgres_refuses_a_row_joining_two_partnerships_when_checked(world, case):
    create = _cross_partnership_rows(world)[case]

    with refused():
        create()
        connection.check_constraints()


@pytest.mark.postgres
def test_postgres_accepts_rows_of_one_partnership(world):
    a = world.a
    SubmissionFactory(cycle=a.cycle)
    audit_event_record(partnership=a.partnership, actor=SYSTEM, verb="test.ok", submission=a.submission)
    connection.check_constraints()


@pytest.mark.postgres
def test_postgres_refuses_an_answer_to_another_sets_question(world):
    a, b = world.a, world.b
    with refused():
        Answer.objects.create(submission=a.submission, question=first_question(b), value="yes")


@pytest.mark.postgres
def test_postgres_refuses_moving_an_answer_to_another_sets_question(world):
    a, b = world.a, world.b
    answer = Answer.objects.create(submission=a.submission, question=first_question(a), value="yes")
    with refused():
        Answer.objects.filter(pk=answer.pk).update(question=first_question(b))


@pytest.mark.postgres
def test_postgres_refuses_a_whole_statement_with_one_answer_to_another_sets_question(world):
    # The checks run once a statement over all the rows it wrote: one bad
    # row among good ones undoes them all.
    a, b = world.a, world.b
    good = list(first_theme(a).questions.all())
    rows = [Answer(submission=a.submission, question=q, value="yes") for q in good]
    rows.append(Answer(submission=a.submission, question=first_question(b), value="yes"))
    with refused():
        Answer.objects.bulk_create(rows)
    assert not Answer.objects.filter(submission=a.submission).exists()
    Answer.objects.bulk_create(rows[:-1])
    assert Answer.objects.filter(submission=a.submission).count() == len(good)


@pytest.mark.postgres
def test_postgres_refuses_a_theme_response_to_another_sets_theme(world):
    a, b = world.a, world.b
    with refused():
        ThemeResponse.objects.create(submission=a.submission, theme=first_theme(b), rag="green")


# ---------------------------------------------------------------------------
# PostgreSQL: a submitted return is locked
# ---------------------------------------------------------------------------


@pytest.fixture
def submitted(world):
    """A's return, first theme answered with a link as evidence, submitted."""
    a = world.a
    theme_save(a.submission, first_theme(a), new_links=[("https://example.org/policy", "Policy")])
    submission = Submission.objects.get(pk=a.submission.pk)
    return submission_submit(
        submission=submission,
        submitted_by=Actor(name="Sam", email="sam@alpha-council.example"),
        signed_off_by_name="Chris Chief",
        signed_off_by_role="Chief Executive",
        expected_version=submission.version,
    )


@pytest.mark.postgres
def test_postgres_refuses_updating_answers_of_a_submitted_return(submitted):
    with refused():
        Answer.objects.filter(submission=submitted).update(value="no")
    assert set(Answer.objects.filter(submission=submitted).values_list("value", flat=True)) == {"yes"}


@pytest.mark.postgres
def test_postgres_refuses_inserting_and_deleting_answers_of_a_submitted_return(world, submitted):
    unanswered = world.a.question_set.themes.get(order=2).questions.first()
    with refused():
        Answer.objects.create(submission=submitted, question=unanswered, value="yes")
    with refused():
        Answer.objects.filter(submission=submitted).delete()


@pytest.mark.postgres
def test_postgres_refuses_moving_an_answer_out_of_a_submitted_return(world, submitted):
    # The return it leaves is checked as well as the one it joins.
    other = SubmissionFactory(cycle=submitted.cycle, agency=AgencyFactory(partnership=submitted.partnership))
    with refused():
        Answer.objects.filter(submission=submitted).update(submission=other)
    assert not Answer.objects.filter(submission=other).exists()


@pytest.mark.postgres
def test_postgres_lets_a_partnership_purge_delete_a_submitted_returns_answers(submitted):
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SELECT set_config('s11portal.purge', 'on', true)")
        Answer.objects.filter(submission=submitted).delete()
    assert not Answer.objects.filter(submission=submitted).exists()


@pytest.mark.postgres
def test_postgres_refuses_changing_theme_responses_of_a_submitted_return(world, submitted):
    with refused():
        ThemeResponse.objects.filter(submission=submitted).update(rag="green", rag_defaulted=False)
    with refused():
        ThemeResponse.objects.filter(submission=submitted).delete()


@pytest.mark.postgres
def test_postgres_refuses_inserting_a_theme_response_into_a_submitted_return(world):
    a = world.a
    submission = Submission.objects.get(pk=a.submission.pk)
    Submission.objects.filter(pk=submission.pk).update(status="submitted", submitted_at=timezone.now())
    with refused():
        ThemeResponse.objects.create(submission=submission, theme=first_theme(a), rag="green")


@pytest.mark.postgres
def test_postgres_refuses_adding_and_removing_evidence_of_a_submitted_return(world, submitted):
    with refused():
        Evidence.objects.create(
            submission=submitted,
            theme=first_theme(world.a),
            kind="link",
            url="https://example.org/late",
            token="late-evidence",
        )
    with refused():
        Evidence.objects.filter(submission=submitted).delete()
    with refused():
        Evidence.objects.filter(submission=submitted).update(title="Changed")


@pytest.mark.postgres
def test_postgres_refuses_changing_what_a_submitted_return_says_about_itself(submitted):
    with refused():
        Submission.objects.filter(pk=submitted.pk).update(signed_off_by_name="Someone else")
    with refused():
        Submission.objects.filter(pk=submitted.pk).update(submitted_at=timezone.now())


@pytest.mark.postgres
def test_postgres_unlocks_a_return_given_back_for_changes(submitted):
    Submission.objects.filter(pk=submitted.pk).update(status=SubmissionStatus.RETURNED)

    Answer.objects.filter(submission=submitted).update(value="no")

    assert set(Answer.objects.filter(submission=submitted).values_list("value", flat=True)) == {"no"}


@pytest.mark.postgres
def test_postgres_leaves_other_returns_unlocked(world, submitted):
    neighbour = SubmissionFactory(cycle=world.a.cycle)
    theme_save(neighbour, first_theme(world.a))

    Answer.objects.filter(submission=neighbour).update(value="no")


# ---------------------------------------------------------------------------
# PostgreSQL: the audit log is append-only
# ---------------------------------------------------------------------------


@pytest.mark.postgres
def test_postgres_refuses_changing_or_deleting_audit_events(world):
    event = audit_event_record(
        partnership=world.a.partnership,
        actor=Actor(name="Pat", email="pat@alpha.example"),
        verb="submission.returned",
        submission=world.a.submission,
    )
    with refused():
        AuditEvent.objects.filter(pk=event.pk).update(verb="submission.viewed")
    with refused():
        AuditEvent.objects.filter(pk=event.pk).update(actor_name="Someone else")
    with refused():
        AuditEvent.objects.filter(pk=event.pk).delete()
    assert AuditEvent.objects.get(pk=event.pk).verb == "submission.returned"


@pytest.mark.postgres
def test_postgres_keeps_the_event_when_its_staff_account_is_deleted(world):
    user = UserFactory(full_name="Pat Reviewer")
    event = audit_event_record(
        partnership=world.a.partnership, actor=Actor.for_user(user), verb="submission.returned"
    )

    user.delete()

    event = AuditEvent.objects.get(pk=event.pk)
    assert event.actor is None
    assert (event.actor_name, event.actor_email) == ("Pat Reviewer", user.email)


@pytest.mark.postgres
def test_postgres_deletes_audit_events_only_in_a_deliberate_purge(world):
    event = audit_event_record(partnership=world.a.partnership, actor=SYSTEM, verb="test.purge")

    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL s11portal.purge = 'on'")
        AuditEvent.objects.filter(pk=event.pk).delete()

    assert not AuditEvent.objects.filter(pk=event.pk).exists()


# ---------------------------------------------------------------------------
# Every database: the services refuse first, with a message for people
# ---------------------------------------------------------------------------


def test_services_refuse_joining_two_partnerships_on_any_database(world):
    a, b = world.a, world.b
    now = timezone.now()

    with pytest.raises(DomainError):
        submission_get_or_create(cycle=a.cycle, agency=b.agency)
    with pytest.raises(DomainError):
        cycle_create(
            partnership=a.partnership,
            title="Borrowed set",
            slug="borrowed",
            question_set=b.question_set,
            opens_at=now,
            closes_at=now + timedelta(days=1),
        )
    assert not Submission.objects.filter(cycle=a.cycle, agency=b.agency).exists()
    assert not AuditCycle.objects.filter(slug="borrowed").exists()
