"""Answer once, submit to many: a member copies a theme from one of the
organisation's returns into another, by stable question key, with a preview
(what changes, what has no match), recorded in both returns' histories
without naming the other partnership; each return is still submitted on its
own."""

import pytest
from django.test import Client
from django.urls import reverse

from audits.models import Answer, Rag, SubmissionStatus, ThemeResponse
from audits.selectors.review import submission_history
from audits.services import submission_submit
from audits.services.responses import SubmissionLockedError
from core.domain import Actor
from core.models import AuditEvent
from organisations.services import OrganisationRefusedError
from organisations.services.copy import theme_copy, theme_copy_preview
from tests.factories import submission_complete, theme_save
from themes.models import Question

from .support import member_client, org_world

pytestmark = pytest.mark.django_db


def _theme(submission, key="theme-1"):
    return submission.question_set.themes.get(key=key)


def _world_with_answers():
    w = org_world()
    source, target = w.worlds.a.submission, w.worlds.b.submission
    local = Question.objects.create(
        theme=_theme(target), key="local-1", order=99, text="A Bravo-only question?", is_local=True
    )
    theme_save(source, _theme(source), value="yes", rag=Rag.AMBER, comments="We will train more staff")
    return w, source, target, local


def test_the_preview_says_what_would_change_and_what_has_no_match():
    _, source, target, local = _world_with_answers()
    previews = {p.key: p for p in theme_copy_preview(source=source, target=target)}
    first = previews["theme-1"]
    assert first.source_saved
    assert [r.new for r in first.rows] == ["Yes"] * 4
    assert all(r.current == "Not answered" for r in first.rows)
    assert first.unmatched == [local.text]
    assert (first.rag_current, first.rag_new) == ("Not rated", "Amber")
    assert first.comments_change
    assert not previews["theme-2"].source_saved


def test_copying_a_theme_saves_it_in_the_target_and_records_it_in_both_histories():
    w, source, target, _ = _world_with_answers()
    theme_copy(membership=w.member, source=source, target=target, theme_key="theme-1")
    theme = _theme(target)
    values = dict(
        Answer.objects.filter(submission=target, question__theme=theme).values_list("question__key", "value")
    )
    assert values == {f"q-{n}": "yes" for n in range(1, 5)}  # the local question is left unanswered
    response = ThemeResponse.objects.get(submission=target, theme=theme)
    assert (response.rag, response.comments, response.updated_by_name) == (
        Rag.AMBER,
        "We will train more staff",
        "Pat Member",
    )
    into = AuditEvent.objects.get(submission=target, verb="organisation.theme_copied_in")
    out = AuditEvent.objects.get(submission=source, verb="organisation.theme_copied_out")
    assert into.partnership_id == target.partnership_id and out.partnership_id == source.partnership_id
    for submission, partnership in ((target, w.worlds.b.partnership), (source, w.worlds.a.partnership)):
        words = " ".join(e.what for e in submission_history(partnership=partnership, submission=submission))
        assert "Northshire Police" in words
        other = w.worlds.a.partnership if partnership == w.worlds.b.partnership else w.worlds.b.partnership
        assert other.name not in words and source.reference not in words.replace(submission.reference, "")
    # Nothing moved the other way.
    assert not ThemeResponse.objects.filter(submission=source, theme=_theme(source), version__gt=1).exists()


def test_each_return_is_still_submitted_on_its_own():
    w, source, target, _ = _world_with_answers()
    for theme in target.question_set.themes.all():
        theme_save(source, _theme(source, theme.key), value="yes")
        theme_copy(membership=w.member, source=source, target=target, theme_key=theme.key)
    target.refresh_from_db()
    assert target.status == SubmissionStatus.IN_PROGRESS
    submission_complete(source)
    source.refresh_from_db()
    submitted = submission_submit(
        submission=source,
        submitted_by=Actor(name="Pat", email=w.member.email),
        signed_off_by_name="Chief",
        signed_off_by_role="Chief Constable",
        expected_version=source.version,
    )
    assert submitted.status == SubmissionStatus.SUBMITTED
    target.refresh_from_db()
    assert target.status != SubmissionStatus.SUBMITTED
    # A submitted return cannot be copied into.
    with pytest.raises(SubmissionLockedError):
        theme_copy(membership=w.member, source=target, target=source, theme_key="theme-1")


def test_copy_is_refused_from_an_unanswered_theme_and_within_one_return():
    w, source, target, _ = _world_with_answers()
    with pytest.raises(OrganisationRefusedError):
        theme_copy(membership=w.member, source=source, target=target, theme_key="theme-2")
    with pytest.raises(OrganisationRefusedError):
        theme_copy(membership=w.member, source=source, target=source, theme_key="theme-1")


def test_the_copy_pages_reach_only_the_organisations_returns():
    w, source, target, _ = _world_with_answers()
    client = member_client(w.member.email)
    page = reverse("organisation_copy", args=[w.org.pk])
    body = client.get(page, {"source": source.pk, "target": target.pk}).content.decode()
    assert "Copy this theme" in body and "A Bravo-only question?" in body
    # Another organisation's return is not a choice, and not reachable by POST.
    response = client.get(page, {"source": w.other_submission.pk, "target": target.pk})
    assert "Choose the return to copy from" in response.content.decode()
    post = reverse("organisation_copy_theme", args=[w.org.pk])
    response = client.post(post, {"source": w.other_submission.pk, "target": target.pk, "theme": "theme-1"})
    assert response.status_code == 404
    response = client.post(post, {"source": source.pk, "target": w.other_submission.pk, "theme": "theme-1"})
    assert response.status_code == 404
    response = client.post(post, {"source": source.pk, "target": target.pk, "theme": "theme-1"})
    assert response.status_code == 302
    assert ThemeResponse.objects.filter(submission=target, theme=_theme(target)).exists()
    # Partnership staff are not members.
    assert Client().get(page).status_code == 302


def test_a_local_question_mapped_to_a_library_question_is_copied_as_that_question():
    w, source, target, local = _world_with_answers()
    # Bravo maps its own question to the library's theme-2 question 1, which
    # sits in another theme of the source: the copy finds it there.
    local.library_key = "theme-2/q-1"
    local.save(update_fields=["library_key"])
    theme_save(source, _theme(source, "theme-2"), value="no")
    first = {p.key: p for p in theme_copy_preview(source=source, target=target)}["theme-1"]
    assert first.unmatched == []
    assert [r.new for r in first.rows] == ["Yes"] * 4 + ["No"]
    theme_copy(membership=w.member, source=source, target=target, theme_key="theme-1")
    assert Answer.objects.get(submission=target, question=local).value == "no"
