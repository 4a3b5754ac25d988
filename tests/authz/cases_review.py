"""The review workspace's URLs: one return (returns/<reference>/…) and the
meetings of a cycle."""

import secrets

from django.core.files.base import ContentFile

from audits.models import (
    Evidence,
    ReviewMeeting,
    Submission,
    SubmissionReview,
    SubmissionStatus,
    ThemeModeration,
)
from audits.services import resume_link_create
from partnerships.permissions import Perm

from .cases import Case


def _ref(w):
    return {"reference": w.submission.reference}


def _theme(w):
    return {**_ref(w), "theme_key": w.question_set.themes.order_by("order").first().key}


def _moderation_post(w):
    # The version the page would show now: each permitted role saves in turn.
    theme = w.question_set.themes.order_by("order").first()
    current = ThemeModeration.objects.filter(submission=w.submission, theme=theme).first()
    return {"rag": "amber", "comment": "Checked", "version": str(current.version if current else 0)}


def _outcome_post(w):
    current = SubmissionReview.objects.filter(submission=w.submission).first()
    return {"outcome": "assured", "message": "Thank you", "version": str(current.version if current else 0)}


def _evidence(w):
    """A file of the (submitted, locked) return. The lock refuses new
    evidence, so it is attached the way a return for changes would allow."""
    item = Evidence.objects.filter(submission=w.submission, kind="file").first()
    if item is None:
        submission = w.submission
        Submission.objects.filter(pk=submission.pk).update(status=SubmissionStatus.RETURNED)
        item = Evidence(
            submission=submission,
            theme=w.question_set.themes.order_by("order").first(),
            kind=Evidence.Kind.FILE,
            token=secrets.token_hex(16),
            original_name="policy.pdf",
            content_type="application/pdf",
            size=9,
        )
        item.file.save("policy.pdf", ContentFile(b"%PDF-1.4\n"), save=False)
        item.save()
        Submission.objects.filter(pk=submission.pk).update(status=SubmissionStatus.SUBMITTED)
    return {**_ref(w), "token": item.token}


def _link(w):
    link = w.submission.resume_links.order_by("pk").first()
    if link is None:
        link, _ = resume_link_create(submission=w.submission, name="Sam", email=w.contact.email)
    return {**_ref(w), "link_id": link.pk}


def _cycle(w):
    return {"cycle_slug": w.cycle.slug}


def _meeting(w):
    meeting = ReviewMeeting.objects.filter(cycle=w.cycle).first()
    if meeting is None:
        meeting = ReviewMeeting.objects.create(
            partnership=w.partnership,
            cycle=w.cycle,
            held_on=w.cycle.opens_at.date(),
            panel_members="Chair",
        )
        meeting.submissions.add(w.submission)
    return {**_cycle(w), "meeting_id": meeting.pk}


CASES = [
    Case("staff_return_review", Perm.VIEW, _ref),
    Case("staff_return_history", Perm.VIEW, _ref),
    Case("staff_return_evidence", Perm.VIEW, _evidence),
    Case("staff_return_moderate", Perm.REVIEW, _theme),
    Case(
        "staff_return_moderate",
        Perm.REVIEW,
        _theme,
        method="post",
        data=_moderation_post,
        ok=(302,),
        id_suffix="post",
    ),
    Case("staff_return_outcome", Perm.REVIEW, _ref),
    Case(
        "staff_return_outcome",
        Perm.REVIEW,
        _ref,
        method="post",
        data=_outcome_post,
        ok=(302,),
        id_suffix="post",
    ),
    # With no outcome yet the confirm page sends the reviewer to choose one.
    Case("staff_return_confirm", Perm.REVIEW, _ref, ok=(200, 302)),
    Case("staff_return_confirm", Perm.REVIEW, _ref, method="post", ok=(302,), id_suffix="post"),
    Case("staff_return_send_back", Perm.REVIEW, _ref),
    Case(
        "staff_return_send_back",
        Perm.REVIEW,
        _ref,
        method="post",
        data=lambda w: {"reason": "Please add evidence"},
        ok=(302,),
        id_suffix="post",
    ),
    Case("staff_return_link_revoke", Perm.REVIEW, _link, method="post", ok=(302,)),
    Case("staff_cycle_meetings", Perm.VIEW, _cycle),
    Case("staff_cycle_meeting", Perm.VIEW, _meeting),
    Case("staff_cycle_meeting_create", Perm.REVIEW, _cycle),
    Case(
        "staff_cycle_meeting_create",
        Perm.REVIEW,
        _cycle,
        method="post",
        data=lambda w: {
            "kind": "assurance",
            "held_on_0": "3",
            "held_on_1": "3",
            "held_on_2": "2026",
            "submissions": [str(w.submission.pk)],
            "panel_members": "Chair",
            "actions-TOTAL_FORMS": "0",
            "actions-INITIAL_FORMS": "0",
        },
        ok=(302,),
        # Outside a locality lead's localities the return is not a choice.
        ok_out_of_scope=(200,),
        id_suffix="post",
    ),
    Case("staff_cycle_meeting_edit", Perm.REVIEW, _meeting),
]
