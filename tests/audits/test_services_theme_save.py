"""Saving a theme: answers, RAG, comments and evidence, whole or nothing."""

import hashlib
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from audits.models import Answer, Evidence, Submission, SubmissionStatus, ThemeResponse
from audits.services import (
    StaleThemeError,
    SubmissionLockedError,
    evidence_stage_file,
    submission_submit,
    theme_response_save,
)
from core.domain import Actor, DomainError
from core.models import AuditEvent
from tests.factories import (
    AuditCycleFactory,
    SubmissionFactory,
    question_set_with_questions,
    submission_in_window,
    theme_save,
    two_partnerships,
)

pytestmark = pytest.mark.django_db

ALEX = Actor(name="Alex Patel", email="alex.patel@alpha-council.example")
BEN = Actor(name="Ben Okafor", email="ben.okafor@alpha-council.example")

# A real, if tiny, one-page PDF.
PDF_BYTES = (
    b"%PDF-1.4\n"
    b"1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\n"
    b"xref\n0 4\n0000000000 65535 f \n0000000009 00000 n \n0000000052 00000 n \n0000000101 00000 n \n"
    b"trailer<</Size 4/Root 1 0 R>>\nstartxref\n164\n%%EOF\n"
)


@pytest.fixture
def world():
    return two_partnerships()


@pytest.fixture
def a(world):
    return world.a


@pytest.fixture
def evidence_storage(settings, tmp_path):
    """Keep uploaded evidence out of var/."""
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": tmp_path, "base_url": None},
        },
    }
    return tmp_path


def themes_of(side):
    return list(side.question_set.themes.order_by("order"))


def save(submission, theme, *, answers=None, value="yes", rag="green", comments="", version=None, **kw):
    if answers is None:
        answers = {q.pk: value for q in theme.questions.all()}
    if version is None:
        current = ThemeResponse.objects.filter(submission=submission, theme=theme).first()
        version = current.version if current else 0
    return theme_response_save(
        submission=submission,
        theme=theme,
        answers=answers,
        rag=rag,
        comments=comments,
        expected_version=version,
        actor=kw.pop("actor", ALEX),
        **kw,
    )


def stored_answers(submission, theme=None):
    qs = Answer.objects.filter(submission=submission)
    if theme is not None:
        qs = qs.filter(question__theme=theme)
    return dict(qs.values_list("question_id", "value"))


# ---------------------------------------------------------------------------
# Saving
# ---------------------------------------------------------------------------


def test_saves_answers_rag_and_comments(a):
    theme = themes_of(a)[0]
    q1, q2, q3, q4 = theme.questions.order_by("order")

    response = save(
        a.submission,
        theme,
        answers={q1.pk: "yes", q2.pk: "no", q3.pk: "na", q4.pk: "yes"},
        rag="amber",
        comments="  Q3 does not apply: we hold no contracts. Supervision policy to be revised by March.  ",
    )

    assert stored_answers(a.submission, theme) == {q1.pk: "yes", q2.pk: "no", q3.pk: "na", q4.pk: "yes"}
    response.refresh_from_db()
    assert response.rag == "amber"
    assert response.comments.startswith("Q3 does not apply")
    assert response.comments.endswith("by March.")
    assert response.version == 1
    assert (response.updated_by_name, response.updated_by_email) == (ALEX.name, ALEX.email)
    submission = Submission.objects.get(pk=a.submission.pk)
    assert submission.status == SubmissionStatus.IN_PROGRESS
    assert submission.version == a.submission.version + 1


def test_a_partial_save_keeps_earlier_answers(a):
    theme = themes_of(a)[0]
    q1, q2, *_ = theme.questions.order_by("order")
    save(a.submission, theme, answers={q1.pk: "yes"}, rag="")

    save(a.submission, theme, answers={q2.pk: "no"}, rag="")

    assert stored_answers(a.submission, theme) == {q1.pk: "yes", q2.pk: "no"}


def test_saving_again_changes_answers_and_bumps_the_version(a):
    theme = themes_of(a)[0]
    save(a.submission, theme, value="no", rag="red", comments="A new policy is being written.")

    response = save(a.submission, theme, value="yes", rag="green")

    assert set(stored_answers(a.submission, theme).values()) == {"yes"}
    assert response.version == 2
    assert response.rag == "green"


def test_writes_an_audit_event_with_the_actors_name_and_email(a):
    theme = themes_of(a)[0]
    first_q = theme.questions.order_by("order").first()

    save(a.submission, theme, answers={first_q.pk: "yes"}, rag="green", actor=BEN)

    event = AuditEvent.objects.get(submission=a.submission, verb="theme.saved")
    assert (event.actor_name, event.actor_email, event.actor) == (BEN.name, BEN.email, None)
    assert event.partnership == a.partnership
    assert event.detail["theme"] == theme.title
    assert event.detail["answers_changed"] == {str(first_q.pk): [None, "yes"]}
    assert event.detail["rag"] == ["", "green"]


# ---------------------------------------------------------------------------
# The theme rules
# ---------------------------------------------------------------------------


def test_not_applicable_needs_a_reason_in_the_comments(a):
    theme = themes_of(a)[0]
    first_q = theme.questions.order_by("order").first()

    with pytest.raises(DomainError, match="Not applicable"):
        save(a.submission, theme, answers={first_q.pk: "na"}, rag="green", comments="   ")

    assert stored_answers(a.submission) == {}
    save(a.submission, theme, answers={first_q.pk: "na"}, rag="green", comments="We have no premises.")
    assert stored_answers(a.submission) == {first_q.pk: "na"}


def test_not_applicable_is_refused_where_the_question_disallows_it(world):
    partnership = world.a.partnership
    question_set = question_set_with_questions(partnership, themes=1, questions=2, allows_na=False)
    submission = SubmissionFactory(cycle=AuditCycleFactory(question_set=question_set))
    theme = question_set.themes.get()
    first_q = theme.questions.order_by("order").first()

    with pytest.raises(DomainError, match="cannot be not applicable"):
        save(submission, theme, answers={first_q.pk: "na"}, rag="green", comments="It does not apply.")

    assert stored_answers(submission) == {}


@pytest.mark.parametrize("rag", ["amber", "red"])
def test_amber_or_red_needs_comments_on_how_to_improve(a, rag):
    theme = themes_of(a)[0]

    with pytest.raises(DomainError, match="how your organisation will improve"):
        save(a.submission, theme, value="no", rag=rag, comments="")

    assert stored_answers(a.submission) == {}
    assert not ThemeResponse.objects.filter(submission=a.submission).exists()


def test_an_unknown_rag_is_refused(a):
    with pytest.raises(DomainError):
        save(a.submission, themes_of(a)[0], rag="purple")
    assert stored_answers(a.submission) == {}


def test_a_theme_of_another_partnerships_set_is_refused(world):
    b_theme = themes_of(world.b)[0]

    with pytest.raises(DomainError):
        save(world.a.submission, b_theme, answers={}, rag="green")

    assert not ThemeResponse.objects.filter(submission=world.a.submission).exists()


def test_a_question_of_another_theme_is_refused(a):
    first, second = themes_of(a)[:2]
    stray = second.questions.first()

    with pytest.raises(DomainError, match="out of date"):
        save(a.submission, first, answers={stray.pk: "yes"}, rag="green")

    assert stored_answers(a.submission) == {}


# ---------------------------------------------------------------------------
# Versions: one contributor cannot silently overwrite another
# ---------------------------------------------------------------------------


def test_a_stale_version_raises_and_writes_nothing(a):
    theme = themes_of(a)[0]
    save(a.submission, theme, value="yes", rag="green", actor=ALEX)  # version 0 -> 1
    submission_before = Submission.objects.get(pk=a.submission.pk)
    events_before = AuditEvent.objects.count()

    with pytest.raises(StaleThemeError) as excinfo:
        save(a.submission, theme, value="no", rag="red", comments="Will fix.", version=0, actor=BEN)

    assert excinfo.value.current.updated_by_name == ALEX.name
    assert set(excinfo.value.current_answers.values()) == {"yes"}
    assert "Alex Patel saved this theme" in str(excinfo.value)
    assert set(stored_answers(a.submission, theme).values()) == {"yes"}
    response = ThemeResponse.objects.get(submission=a.submission, theme=theme)
    assert (response.rag, response.version, response.updated_by_name) == ("green", 1, ALEX.name)
    assert Submission.objects.get(pk=a.submission.pk).version == submission_before.version
    assert AuditEvent.objects.count() == events_before


def test_saves_of_two_themes_with_their_own_versions_do_not_conflict(a):
    first, second = themes_of(a)[:2]
    # Both contributors opened their pages before either saved.
    opened_first = opened_second = 0

    save(a.submission, first, rag="green", version=opened_first, actor=ALEX)
    save(a.submission, second, rag="green", version=opened_second, actor=BEN)

    assert ThemeResponse.objects.get(submission=a.submission, theme=first).updated_by_name == ALEX.name
    assert ThemeResponse.objects.get(submission=a.submission, theme=second).updated_by_name == BEN.name
    assert len(stored_answers(a.submission)) == 8


# ---------------------------------------------------------------------------
# When a return can be changed
# ---------------------------------------------------------------------------


def test_saving_before_the_cycle_opens_is_refused(world):
    submission = submission_in_window(
        world.a.partnership, opens_in=timedelta(days=2), closes_in=timedelta(days=30)
    )
    theme = submission.question_set.themes.first()

    with pytest.raises(DomainError, match="This audit opens at"):
        save(submission, theme)

    assert stored_answers(submission) == {}


def test_saving_after_the_cycle_closes_is_refused(world):
    submission = submission_in_window(
        world.a.partnership, opens_in=-timedelta(days=30), closes_in=-timedelta(minutes=1)
    )
    theme = submission.question_set.themes.first()

    with pytest.raises(DomainError, match="closed"):
        save(submission, theme)

    assert stored_answers(submission) == {}


def test_an_extension_allows_saving_after_the_cycle_closes(world):
    submission = submission_in_window(
        world.a.partnership,
        opens_in=-timedelta(days=30),
        closes_in=-timedelta(days=1),
        extended_for=timedelta(days=7),
    )
    theme = submission.question_set.themes.first()

    save(submission, theme)

    assert len(stored_answers(submission)) == 4


def test_an_extension_that_has_run_out_does_not(world):
    submission = submission_in_window(
        world.a.partnership,
        opens_in=-timedelta(days=30),
        closes_in=-timedelta(days=3),
        extended_for=-timedelta(hours=1),
    )

    with pytest.raises(DomainError, match="closed"):
        save(submission, submission.question_set.themes.first())


def test_saving_a_submitted_return_raises_submission_locked(a):
    themes = themes_of(a)
    for theme in themes:
        save(a.submission, theme)
    submission = Submission.objects.get(pk=a.submission.pk)
    submission_submit(
        submission=submission,
        submitted_by=ALEX,
        signed_off_by_name="Chris Chief",
        signed_off_by_role="Director of Children's Services",
        expected_version=submission.version,
    )

    with pytest.raises(SubmissionLockedError):
        save(a.submission, themes[0], value="no", rag="red", comments="Changed our mind.")

    assert set(stored_answers(a.submission).values()) == {"yes"}


def test_a_stale_submission_object_cannot_get_round_the_lock(a):
    """The service reads the submission afresh under a row lock, so a copy
    read before someone else submitted does not let a save through."""
    stale_copy = Submission.objects.get(pk=a.submission.pk)
    for theme in themes_of(a):
        save(a.submission, theme)
    fresh = Submission.objects.get(pk=a.submission.pk)
    submission_submit(
        submission=fresh,
        submitted_by=ALEX,
        signed_off_by_name="Chris Chief",
        signed_off_by_role="Chief Executive",
        expected_version=fresh.version,
    )

    with pytest.raises(SubmissionLockedError):
        save(stale_copy, themes_of(a)[0], value="no", rag="red", comments="Late change.")


# ---------------------------------------------------------------------------
# Cost: a save's query count does not grow with the number of questions
# ---------------------------------------------------------------------------


def _queries_for_first_and_second_save(partnership, questions):
    question_set = question_set_with_questions(partnership, themes=1, questions=questions)
    submission = SubmissionFactory(cycle=AuditCycleFactory(question_set=question_set))
    theme = question_set.themes.get()
    counts = []
    for version, value in ((0, "yes"), (1, "no")):
        answers = {q.pk: value for q in theme.questions.all()}
        with CaptureQueriesContext(connection) as ctx:
            theme_response_save(
                submission=submission,
                theme=theme,
                answers=answers,
                rag="red" if value == "no" else "green",
                comments="Action plan agreed.",
                expected_version=version,
                actor=ALEX,
            )
        counts.append(len(ctx.captured_queries))
    assert len(stored_answers(submission)) == questions
    return counts


def test_query_count_of_a_save_does_not_grow_with_the_questions(a):
    small = _queries_for_first_and_second_save(a.partnership, questions=2)
    large = _queries_for_first_and_second_save(a.partnership, questions=40)

    assert small == large


# ---------------------------------------------------------------------------
# Evidence
# ---------------------------------------------------------------------------


def pdf_upload(name="safeguarding-policy.pdf", data=PDF_BYTES):
    return SimpleUploadedFile(name, data, content_type="application/pdf")


def test_a_real_pdf_is_accepted_as_evidence(a, evidence_storage):
    theme = themes_of(a)[0]

    save(a.submission, theme, new_files=[pdf_upload()])

    evidence = Evidence.objects.get(submission=a.submission)
    assert evidence.kind == Evidence.Kind.FILE
    assert evidence.content_type == "application/pdf"
    assert evidence.original_name == "safeguarding-policy.pdf"
    assert evidence.size == len(PDF_BYTES)
    assert evidence.sha256 == hashlib.sha256(PDF_BYTES).hexdigest()
    assert not evidence.staged
    assert (evidence.added_by_name, evidence.added_by_email) == (ALEX.name, ALEX.email)
    # The stored name never carries the uploader's file name.
    assert "safeguarding-policy" not in evidence.file.name
    assert evidence.file.read() == PDF_BYTES
    assert AuditEvent.objects.get(submission=a.submission, verb="theme.saved").detail["evidence_added"] == 1


def test_a_text_file_named_pdf_is_refused_and_nothing_is_saved(a, evidence_storage):
    theme = themes_of(a)[0]
    fake = SimpleUploadedFile("policy.pdf", b"Just some text pretending to be a PDF.\n", "application/pdf")

    with pytest.raises(DomainError, match="must be a PDF"):
        save(a.submission, theme, new_files=[fake])

    assert not Evidence.objects.exists()
    assert stored_answers(a.submission) == {}
    assert not ThemeResponse.objects.filter(submission=a.submission).exists()


def test_an_oversized_file_is_refused(a, evidence_storage, settings):
    settings.EVIDENCE_MAX_BYTES = 200
    theme = themes_of(a)[0]
    big = pdf_upload(data=PDF_BYTES + b"%" + b"x" * 400 + b"\n")

    with pytest.raises(DomainError, match="must be smaller than"):
        save(a.submission, theme, new_files=[big])

    assert not Evidence.objects.exists()
    assert stored_answers(a.submission) == {}


def test_an_empty_file_is_refused(a, evidence_storage):
    with pytest.raises(DomainError, match="empty"):
        save(a.submission, themes_of(a)[0], new_files=[pdf_upload(data=b"")])
    assert not Evidence.objects.exists()


def test_staged_evidence_is_attached_when_the_theme_is_saved(a, evidence_storage):
    theme = themes_of(a)[0]
    staged = evidence_stage_file(submission=a.submission, theme=theme, upload=pdf_upload(), actor=ALEX)
    assert staged.staged

    save(a.submission, theme, staged_evidence_ids=[staged.pk])

    staged.refresh_from_db()
    assert not staged.staged
    assert staged.submission == a.submission


def test_staged_evidence_of_another_return_is_not_attached(world, evidence_storage):
    theme_a = themes_of(world.a)[0]
    neighbour = SubmissionFactory(cycle=world.a.cycle)
    theirs = evidence_stage_file(submission=neighbour, theme=theme_a, upload=pdf_upload(), actor=BEN)

    save(world.a.submission, theme_a, staged_evidence_ids=[theirs.pk])

    theirs.refresh_from_db()
    assert theirs.staged
    assert theirs.submission == neighbour


def test_a_link_is_saved_as_evidence(a):
    theme = themes_of(a)[0]

    save(a.submission, theme, new_links=[("https://intranet.alpha.example/policy", "")])

    evidence = Evidence.objects.get(submission=a.submission)
    assert (evidence.kind, evidence.url, evidence.title) == (
        Evidence.Kind.LINK,
        "https://intranet.alpha.example/policy",
        "https://intranet.alpha.example/policy",
    )


def test_the_helper_saves_through_the_service(a):
    # tests.factories.theme_save is what other tests use to fill in returns.
    theme = themes_of(a)[0]
    theme_save(a.submission, theme)
    theme_save(a.submission, theme, value="no", rag="red", comments="Training plan agreed.")

    assert ThemeResponse.objects.get(submission=a.submission, theme=theme).version == 2
