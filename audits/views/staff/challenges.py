"""The agency's responses to a confirmed evaluation, as staff see them: the
conversation (anyone on the staff may read it), a reply and the final word
(reviewers). Every page names the return by its reference and the challenge
by its id, both fetched through the partnership: another partnership's, or
another return's, is a 404."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from core.views import form_post
from partnerships.middleware import partnership_reverse as _url
from partnerships.permissions import Perm
from partnerships.staff import staff_required

from ... import policy
from ...access import submission_access
from ...forms.evaluation import ChallengeMessageForm, ChallengeResolveForm
from ...models import Rag
from ...selectors.evaluation import challenge_get
from ...services.challenges import challenge_message_add, challenge_resolve


def _challenge(request, reference, challenge_id):
    submission = submission_access(partnership=request.partnership, reference=reference)
    challenge = challenge_get(partnership=request.partnership, submission=submission, pk=challenge_id)
    challenge.submission = submission
    return submission, challenge


def _thread_url(request, submission, challenge):
    return _url(request, "staff_return_challenge", reference=submission.reference, challenge_id=challenge.pk)


def _page(request, template, submission, challenge, **extra):
    open_ = policy.may_add_to_challenge(challenge)
    return render(
        request,
        template,
        {
            "submission": submission,
            "cycle": submission.cycle,
            "agency": submission.agency,
            "challenge": challenge,
            "can_write": bool(open_),
            "why_not": open_.why_not,
            **extra,
        },
    )


@staff_required(Perm.VIEW)
def challenge(request, reference, challenge_id):
    submission, item = _challenge(request, reference, challenge_id)
    return _page(request, "staff/review/challenge.html", submission, item)


def _refuse_if_closed(request, submission, item):
    verdict = policy.may_add_to_challenge(item)
    if request.method == "POST" and not verdict:
        messages.error(request, verdict.why_not)
        return redirect(_thread_url(request, submission, item))
    return None


@staff_required(Perm.REVIEW)
@require_http_methods(["GET", "POST"])
def challenge_reply(request, reference, challenge_id):
    submission, item = _challenge(request, reference, challenge_id)
    if refused := _refuse_if_closed(request, submission, item):
        return refused
    form = ChallengeMessageForm(request.POST or None)
    if done := form_post(
        request,
        form,
        lambda data: challenge_message_add(
            challenge=item, body=data["message"], actor=request.staff_actor, from_agency=False
        ),
        done=lambda _: (
            f"Reply sent to {submission.agency.name}",
            _thread_url(request, submission, item),
        ),
    ):
        return done
    return _page(request, "staff/review/challenge_reply.html", submission, item, form=form)


@staff_required(Perm.REVIEW)
@require_http_methods(["GET", "POST"])
def challenge_resolve_view(request, reference, challenge_id):
    submission, item = _challenge(request, reference, challenge_id)
    if refused := _refuse_if_closed(request, submission, item):
        return refused
    form = ChallengeResolveForm(request.POST or None, theme=item.theme)
    if done := form_post(
        request,
        form,
        lambda data: challenge_resolve(
            challenge=item,
            reason=data["reason"],
            rag=data.get("rag") or "",
            change_rating=form.change_rating,
            actor=request.staff_actor,
        ),
        done=lambda resolved: (
            f"Final word given: {item.subject}"
            + (f", moderated rating now {Rag(resolved.rag_after).label}" if resolved.rating_changed else ""),
            _thread_url(request, submission, item),
        ),
    ):
        return done
    return _page(request, "staff/review/challenge_resolve.html", submission, item, form=form)
