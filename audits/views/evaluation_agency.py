"""The agency's side of a confirmed evaluation: responding to it or
challenging it (a theme's rating or the whole evaluation), and the
conversation that follows. Every view needs the agency session
(agency_required) and reaches only that session's return: another return's
challenge is a 404."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from core.views import form_post
from partnerships.middleware import partnership_reverse as _url
from themes.selectors import question_set_structure

from .. import policy
from .agency_session import agency_required
from ..forms.evaluation import ChallengeMessageForm, ChallengeStartForm
from ..selectors.evaluation import challenge_get, evaluation_confirmed_get
from ..services.challenges import challenge_message_add, challenge_open

TOP = "#main-content"


def _context(access, **extra):
    submission = access.submission
    return {
        "access": access,
        "submission": submission,
        "cycle": submission.cycle,
        "agency": submission.agency,
        **extra,
    }


@agency_required
@require_http_methods(["GET", "POST"])
def challenge_start(request, access):
    submission = access.submission
    review = evaluation_confirmed_get(partnership=request.partnership, submission=submission)
    verdict = policy.may_challenge(submission, review)
    if not verdict:
        messages.error(request, verdict.why_not)
        return redirect(_url(request, "task_list") + TOP)
    themes = question_set_structure(
        partnership=submission.partnership_id, question_set_id=submission.question_set_id
    ).themes
    initial = {"subject": request.GET.get("theme", "")}
    form = ChallengeStartForm(request.POST or None, initial=initial, themes=themes)
    if done := form_post(
        request,
        form,
        lambda data: challenge_open(
            submission=submission, theme=form.theme(), body=data["message"], actor=access.actor
        ),
        done=lambda challenge: (
            f"Your message about {challenge.subject if challenge.theme_id else 'the evaluation'} "
            "has been sent to the partnership",
            _url(request, "challenge", challenge_id=challenge.pk) + TOP,
        ),
    ):
        return done
    return render(request, "audits/evaluation/challenge_start.html", _context(access, form=form))


@agency_required
@require_http_methods(["GET", "POST"])
def challenge(request, access, challenge_id):
    submission = access.submission
    item = challenge_get(partnership=request.partnership, submission=submission, pk=challenge_id)
    item.submission = submission
    open_ = policy.may_add_to_challenge(item)
    form = ChallengeMessageForm(request.POST or None)
    if request.method == "POST" and not open_:
        messages.error(request, open_.why_not)
        return redirect(_url(request, "challenge", challenge_id=item.pk) + TOP)
    if done := form_post(
        request,
        form,
        lambda data: challenge_message_add(
            challenge=item, body=data["message"], actor=access.actor, from_agency=True
        ),
        done=lambda _: (
            "Your message has been sent to the partnership",
            _url(request, "challenge", challenge_id=item.pk) + TOP,
        ),
    ):
        return done
    return render(
        request,
        "audits/evaluation/challenge.html",
        _context(access, challenge=item, form=form, can_write=bool(open_), why_not=open_.why_not),
    )
