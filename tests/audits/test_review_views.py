"""The review pages through the Django test client: read-only review,
moderation, outcome and confirmation, return for changes (and what the
agency then sees), links, evidence, history; GOV.UK errors that keep what
was typed; a constant number of queries whatever the size of the return."""

import re
import secrets
from datetime import timedelta

import pytest
from django.core import mail
from django.core.files.base import ContentFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from audits.models import (
    ActionItem,
    ActionStatus,
    Evidence,
    Rag,
    ResumeLink,
    ReviewOutcome,
    Submission,
    SubmissionReview,
    SubmissionStatus,
    ThemeModeration,
)
from audits.services import resume_link_create
from audits.services.actions import ActionItemData, action_item_add, action_update_record
from audits.services.review import (
    review_evaluation_confirm,
    review_outcome_save,
    submission_return,
    theme_moderation_save,
)
from partnerships.models import StaffRole
from tests.factories import (
    AuditCycleFactory,
    SubmissionFactory,
    World,
    question_set_with_questions,
    theme_save,
    two_partnerships,
)
from tests.staff import staff_client, staff_url, staff_user
from themes.models import Theme

from .review_support import SUBMITTER, reviewer_actor, submit, submitted_world

pytestmark = pytest.mark.django_db


def _committing(client, capture):
    original = client.request

    def request(**kwargs):
        with capture(execute=True):
            return original(**kwargs)

    client.request = request
    return client


@pytest.fixture
def world():
    return two_partnerships()


@pytest.fixture
def a(world):
    return submitted_world(world.a)


@pytest.fixture
def reviewer(client, a, django_capture_on_commit_callbacks):
    return _committing(
        staff_client(client, a.partnership, StaffRole.REVIEWER), django_capture_on_commit_callbacks
    )


def url(a, name, **kwargs):
    return staff_url(a.partnership, name, reference=a.submission.reference, **kwargs)


def themes(a):
    return list(a.question_set.themes.order_by("order"))


def text(response) -> str:
    return response.content.decode()


# ---------------------------------------------------------------------------
# The review page
# ---------------------------------------------------------------------------


def test_the_review_page_shows_the_return_read_only(reviewer, a):
    theme = themes(a)[0]
    theme_moderation_save(
        submission=a.submission,
        theme=theme,
        rag=Rag.AMBER,
        comment="Needs <b>dates</b>",
        actor=reviewer_actor(reviewer.user),
    )
    page = reviewer.get(url(a, "staff_return_review"))

    assert page.status_code == 200
    html = text(page)
    assert a.agency.name in html
    for question in theme.questions.all():
        assert question.text in html
    assert "Fully compliant" in html  # the agency's Green, as a word
    assert "Needs &lt;b&gt;dates&lt;/b&gt;" in html  # escaped
    assert "Differs from the agency's self-rating" in html
    # Read-only: the only form controls are the revoke buttons' hidden CSRF fields.
    assert "<textarea" not in html and "<select" not in html
    assert re.findall(r"<input(?![^>]*type=\"hidden\")", html) == []
    assert url(a, "staff_return_moderate", theme_key=theme.key) in html


def test_a_read_only_member_sees_no_review_actions(client, a):
    resume_link_create(submission=a.submission, name="Sam", email=a.contact.email)
    viewer = staff_client(client, a.partnership, StaffRole.READ_ONLY)
    html = text(viewer.get(url(a, "staff_return_review")))

    assert a.agency.name in html
    assert "/moderate/" not in html
    assert "Record the outcome" not in html
    assert "/revoke/" not in html
    assert "return-for-changes" not in html
    assert viewer.get(url(a, "staff_return_moderate", theme_key=themes(a)[0].key)).status_code == 403


def test_the_review_page_takes_the_same_queries_for_3_or_12_themes(client, world):
    small = _busy_world(world.a.partnership, themes=3)
    large = _busy_world(world.a.partnership, themes=12)
    reviewer = staff_client(client, world.a.partnership, StaffRole.REVIEWER)

    def count(w):
        reviewer.get(url(w, "staff_return_review"))  # warm up the session and caches
        with CaptureQueriesContext(connection) as queries:
            response = reviewer.get(url(w, "staff_return_review"))
        assert response.status_code == 200
        assert w.agency.name in text(response)
        assert text(response).count("s11-action-row--overdue") == 1
        assert text(response).count("Started.") == len(w.question_set.themes.all())
        return len(queries)

    assert count(small) == count(large)
    assert count(large) <= 21  # 20, and one for the practitioners' survey (surveys.templatetags)


def _busy_world(partnership, *, themes: int) -> World:
    """A submitted return with evidence, an action item (with a progress
    update) for every theme, a moderation of every theme, links, a meeting
    and an earlier return for changes."""
    question_set = question_set_with_questions(partnership, themes=themes)
    cycle = AuditCycleFactory(partnership=partnership, question_set=question_set)
    submission = SubmissionFactory(cycle=cycle)
    for theme in question_set.themes.order_by("order"):
        theme_save(submission, theme, new_links=[(f"https://example.org/{theme.key}", theme.title)])
        action_item_add(
            submission=submission,
            theme=theme,
            data=ActionItemData(
                action=f"Act on {theme.title}",
                lead_person="Head of HR",
                target_date=timezone.localdate() + timedelta(days=30),
                success_criteria="Done",
            ),
            actor=SUBMITTER,
        )
    ActionItem.objects.filter(submission=submission, theme__order=1).update(
        target_date=timezone.localdate() - timedelta(days=1)
    )
    submission = submit(submission)
    for item in ActionItem.objects.filter(submission=submission):
        action_update_record(item=item, progress="Started.", status=ActionStatus.IN_PROGRESS, actor=SUBMITTER)
    actor = reviewer_actor(staff_user(partnership))
    submission_return(submission=submission, reason="Check it", actor=actor)
    submission = submit(submission)
    for theme in question_set.themes.all():
        theme_moderation_save(submission=submission, theme=theme, rag=Rag.AMBER, comment="ok", actor=actor)
    from audits.models import ReviewMeeting

    meeting = ReviewMeeting.objects.create(
        partnership=partnership, cycle=cycle, held_on=timezone.localdate(), panel_members="Chair"
    )
    meeting.submissions.add(submission)
    return World(partnership, None, submission.agency, question_set, cycle, submission)


# ---------------------------------------------------------------------------
# Moderation
# ---------------------------------------------------------------------------


def test_moderating_a_theme(reviewer, a):
    theme = themes(a)[1]
    page = reviewer.get(url(a, "staff_return_moderate", theme_key=theme.key))
    assert page.status_code == 200
    assert theme.amber_descriptor in text(page)

    response = reviewer.post(
        url(a, "staff_return_moderate", theme_key=theme.key),
        {"rag": "red", "comment": "No policy seen", "version": "0"},
    )

    assert response.status_code == 302
    assert response["Location"] == url(a, "staff_return_review") + f"#theme-{theme.key}"
    moderation = ThemeModeration.objects.get(submission=a.submission, theme=theme)
    assert (moderation.rag, moderation.comment) == ("red", "No policy seen")


def test_moderation_lists_ratings_green_first_and_says_each_meaning_once(reviewer, a):
    theme = themes(a)[0]
    Theme.objects.filter(pk=theme.pk).update(
        green_descriptor="Fully compliant: a board-level lead is in place.",
        amber_descriptor="Partially compliant – a lead is named but oversight is limited.",
    )
    page = text(reviewer.get(url(a, "staff_return_moderate", theme_key=theme.key)))
    html = page[page.index('<form method="post"') :]  # the rating radios
    values = re.findall(r'name="rag" type="radio" value="(\w+)"', html)
    assert values == ["green", "amber", "red"]  # the order of the agency's own form
    assert html.count("Fully compliant") == 1  # the label, not the hint again
    assert ">A board-level lead is in place.</div>" in html
    assert html.count("Partially compliant") == 1
    assert ">A lead is named but oversight is limited.</div>" in html


def test_moderation_without_a_rating_shows_the_error_and_keeps_the_comment(reviewer, a):
    theme = themes(a)[0]
    response = reviewer.post(
        url(a, "staff_return_moderate", theme_key=theme.key), {"comment": "My careful comment"}
    )

    assert response.status_code == 200
    html = text(response)
    assert "<title>Error: " in html
    assert "There is a problem" in html
    assert '<a href="#id_rag_1">Select a moderated RAG rating</a>' in html
    assert 'id="id_rag-error"' in html
    assert ">My careful comment</textarea>" in html
    assert not ThemeModeration.objects.exists()


def test_moderation_of_an_unknown_theme_is_not_found(reviewer, a):
    assert reviewer.get(url(a, "staff_return_moderate", theme_key="no-such-theme")).status_code == 404


def test_moderation_post_after_the_return_went_back_is_refused_with_a_reason(reviewer, a):
    submission_return(submission=a.submission, reason="x", actor=reviewer_actor(reviewer.user))
    response = reviewer.post(
        url(a, "staff_return_moderate", theme_key=themes(a)[0].key), {"rag": "red"}, follow=True
    )
    assert "returned to the agency" in text(response) or "with the agency for changes" in text(response)
    assert not ThemeModeration.objects.exists()


# ---------------------------------------------------------------------------
# Outcome and confirmation
# ---------------------------------------------------------------------------


def test_outcome_errors_keep_the_message(reviewer, a):
    response = reviewer.post(url(a, "staff_return_outcome"), {"message": "Dear agency, thank you."})

    assert response.status_code == 200
    html = text(response)
    assert '<a href="#id_outcome_1">Select the outcome of the evaluation</a>' in html
    assert ">Dear agency, thank you.</textarea>" in html

    response = reviewer.post(url(a, "staff_return_outcome"), {"outcome": "assured", "message": "   "})
    assert '<a href="#id_message">Enter a message to the agency</a>' in text(response)
    assert 'value="assured" aria-describedby="id_outcome_1-item-hint" checked' in text(response)


def test_recording_and_confirming_the_outcome_emails_the_agency(reviewer, a):
    response = reviewer.post(
        url(a, "staff_return_outcome"),
        {"outcome": "further_evidence", "message": "Send your training log.", "version": "0"},
    )
    assert response.status_code == 302
    assert response["Location"] == url(a, "staff_return_confirm")

    check = reviewer.get(response["Location"])
    assert check.status_code == 200
    assert "Further evidence requested" in text(check)
    assert a.contact.email in text(check) and SUBMITTER.email in text(check)
    assert not [m for m in mail.outbox if "evaluation" in m.subject]

    # No theme is moderated: the page says so, and the reviewer confirms anyway.
    assert "Confirm without moderating these" in text(check)
    done = reviewer.post(
        url(a, "staff_return_confirm"), {"version": "1", "moderations": "", "without_moderation": "on"}
    )
    assert done.status_code == 302
    assert done["Location"] == url(a, "staff_return_review")
    assert SubmissionReview.objects.get().evaluated_at is not None
    outcome_mail = [m for m in mail.outbox if "evaluation" in m.subject]
    assert len(outcome_mail) == 2
    assert "Send your training log." in outcome_mail[0].body

    page = text(reviewer.get(done["Location"]))
    assert "confirmed by" in page
    assert "Evaluated" in page
    assert "/moderate/" not in page  # nothing left to change


def test_the_confirm_page_without_an_outcome_sends_you_to_choose_one(reviewer, a):
    response = reviewer.get(url(a, "staff_return_confirm"))
    assert response.status_code == 302
    assert response["Location"] == url(a, "staff_return_outcome")


def test_confirming_does_not_happen_on_get(reviewer, a):
    review_outcome_save(
        submission=a.submission,
        outcome=ReviewOutcome.ASSURED,
        message="m",
        actor=reviewer_actor(reviewer.user),
    )
    assert reviewer.get(url(a, "staff_return_confirm")).status_code == 200
    assert SubmissionReview.objects.get().evaluated_at is None


# ---------------------------------------------------------------------------
# Return for changes
# ---------------------------------------------------------------------------


def test_return_for_changes_errors_keep_what_was_typed(reviewer, a):
    response = reviewer.post(
        url(a, "staff_return_send_back"),
        {"reason": "", "resubmit_by_0": "31", "resubmit_by_1": "2", "resubmit_by_2": "2030"},
    )

    assert response.status_code == 200
    html = text(response)
    assert "<title>Error: " in html
    assert '<a href="#id_reason">Enter the reason for returning it' in html
    assert '<a href="#id_resubmit_by_0">The date to resubmit by must be a real date' in html
    assert 'type="text" name="resubmit_by_0" value="31"' in html
    assert 'type="text" name="resubmit_by_2" value="2030"' in html
    assert Submission.objects.get(pk=a.submission.pk).status == SubmissionStatus.SUBMITTED

    response = reviewer.post(
        url(a, "staff_return_send_back"),
        {"reason": "Add the policy", "resubmit_by_0": "4", "resubmit_by_2": "2030"},
    )
    assert "The date to resubmit by must include a month" in text(response)
    assert ">Add the policy</textarea>" in text(response)


def test_return_for_changes_after_the_deadline_asks_for_a_date(reviewer, a):
    Submission.objects.filter(pk=a.submission.pk).update(extended_until=None)
    a.cycle.__class__.objects.filter(pk=a.cycle.pk).update(closes_at=timezone.now() - timedelta(hours=1))
    response = reviewer.post(url(a, "staff_return_send_back"), {"reason": "Late gap"})
    assert "The deadline has passed: enter the date by which the agency must resubmit" in text(response)

    day = timezone.localdate() + timedelta(days=7)
    response = reviewer.post(
        url(a, "staff_return_send_back"),
        {
            "reason": "Late gap",
            "resubmit_by_0": day.day,
            "resubmit_by_1": day.month,
            "resubmit_by_2": day.year,
        },
    )
    assert response.status_code == 302
    assert timezone.localtime(Submission.objects.get(pk=a.submission.pk).deadline).date() == day


def test_a_returned_return_shows_its_reason_to_the_agency_and_can_be_resubmitted(reviewer, a):
    response = reviewer.post(url(a, "staff_return_send_back"), {"reason": "Theme 2 needs a date."})
    assert response.status_code == 302
    page = text(reviewer.get(response["Location"]))
    assert "Returned for changes" in page and "Theme 2 needs a date." in page

    # The agency follows the link from the email.
    returned_mail = [m for m in mail.outbox if "returned for changes" in m.subject]
    assert len(returned_mail) == 2
    link = re.search(r"https?://\S+?/r/[\w-]+/", returned_mail[0].body).group(0)
    agency = Client()
    assert agency.get(link.split("127.0.0.1:8000", 1)[-1]).status_code == 302
    task_list = text(agency.get(reverse("task_list", kwargs={"partnership_slug": a.partnership.slug})))
    assert "Returned for changes" in task_list
    assert "Theme 2 needs a date." in task_list
    # The agency resubmits: locked again, a new version, the reason gone.
    before = Submission.objects.get(pk=a.submission.pk).version
    check = reverse("check_answers", kwargs={"partnership_slug": a.partnership.slug})
    response = agency.post(
        check,
        {"version": before, "signed_off_by_name": "Alex", "signed_off_by_role": "Director", "confirm": "on"},
    )
    assert response.status_code == 302
    submission = Submission.objects.get(pk=a.submission.pk)
    assert (submission.status, submission.version) == (SubmissionStatus.SUBMITTED, before + 1)
    task_list = text(agency.get(reverse("task_list", kwargs={"partnership_slug": a.partnership.slug})))
    assert "Theme 2 needs a date." not in task_list


# ---------------------------------------------------------------------------
# Links, evidence, history
# ---------------------------------------------------------------------------


def test_links_are_listed_and_can_be_revoked(reviewer, a):
    link, url_ = resume_link_create(
        submission=a.submission, name="Pat Helper", email="pat@alpha-council.example", mint=True
    )
    page = text(reviewer.get(url(a, "staff_return_review")))
    assert "Pat Helper" in page and "pat@alpha-council.example" in page
    assert "Never" in page  # not used yet
    revoke = url(a, "staff_return_link_revoke", link_id=link.pk)
    assert revoke in page

    assert reviewer.get(revoke).status_code == 405  # never on GET
    response = reviewer.post(revoke)
    assert response.status_code == 302
    link.refresh_from_db()
    assert link.revoked_at is not None and link.revoked_by == reviewer.user
    # The link no longer opens the return.
    assert Client().get(url_.split("127.0.0.1:8000", 1)[-1])["Location"].endswith("/link/expired/")
    page = text(reviewer.get(url(a, "staff_return_review")))
    assert "Revoked" in page


def test_revoking_a_link_of_another_return_is_not_found(reviewer, a, world):
    other = submitted_world(world.b)
    link, _ = resume_link_create(submission=other.submission, name="B", email=other.contact.email)
    assert reviewer.post(url(a, "staff_return_link_revoke", link_id=link.pk)).status_code == 404
    mine = SubmissionFactory(cycle=a.cycle)
    link, _ = resume_link_create(submission=mine, name="Same partnership", email="x@alpha.example")
    assert reviewer.post(url(a, "staff_return_link_revoke", link_id=link.pk)).status_code == 404
    assert not ResumeLink.objects.filter(revoked_at__isnull=False).exists()


def _file(submission, theme, *, staged=False):
    """A file of the return; the lock refuses it on a submitted return, so
    it is attached while the return is unlocked, as a return for changes does."""
    status = Submission.objects.get(pk=submission.pk).status
    Submission.objects.filter(pk=submission.pk).update(status=SubmissionStatus.RETURNED)
    item = Evidence(
        submission=submission,
        theme=theme,
        kind=Evidence.Kind.FILE,
        token=secrets.token_hex(16),
        original_name='policy "final".pdf',
        content_type="application/pdf",
        size=9,
        staged=staged,
    )
    item.file.save("x", ContentFile(b"%PDF-1.4\n"), save=False)
    item.save()
    Submission.objects.filter(pk=submission.pk).update(status=status)
    return item


def test_staff_download_evidence_as_an_attachment(reviewer, a):
    item = _file(a.submission, themes(a)[0])
    page = text(reviewer.get(url(a, "staff_return_review")))
    download = url(a, "staff_return_evidence", token=item.token)
    assert download in page

    response = reviewer.get(download)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"%PDF-1.4\n"
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response["Content-Security-Policy"]
    assert "no-store" in response["Cache-Control"]


def test_staged_or_other_returns_evidence_is_not_found(reviewer, a, world):
    staged = _file(a.submission, themes(a)[0], staged=True)
    assert reviewer.get(url(a, "staff_return_evidence", token=staged.token)).status_code == 404
    neighbour = SubmissionFactory(cycle=a.cycle)
    theirs = _file(neighbour, themes(a)[0])
    assert reviewer.get(url(a, "staff_return_evidence", token=theirs.token)).status_code == 404


def test_history_tells_the_story_in_plain_words_and_uk_time(reviewer, a):
    actor = reviewer_actor(reviewer.user)
    theme_moderation_save(submission=a.submission, theme=themes(a)[0], rag=Rag.RED, comment="", actor=actor)
    submission_return(submission=a.submission, reason="Please add dates", actor=actor)
    review = text(reviewer.get(url(a, "staff_return_history")))

    assert "Return started" in review
    assert f"Saved the theme “{themes(a)[0].title}”" in review
    assert "Submitted the return, signed off by Alex Director" in review
    assert f"Moderated “{themes(a)[0].title}” as Red; the agency rated it Green" in review
    assert "Returned it to the agency for changes" in review and "Please add dates" in review
    assert reviewer.user.email in review
    assert re.search(r"\d{1,2}(:\d\d)?(am|pm) on \w+day \d{1,2} \w+ \d{4}|midday on|midnight on", review)


def test_confirmed_evaluation_appears_in_history(reviewer, a):
    actor = reviewer_actor(reviewer.user)
    review_outcome_save(submission=a.submission, outcome="assured", message="Thanks", actor=actor)
    review_evaluation_confirm(submission=a.submission, actor=actor)
    history = text(reviewer.get(url(a, "staff_return_history")))
    assert "Confirmed the evaluation: Assured; emailed to" in history
