"""The agency's side of a confirmed evaluation: responding to it or
challenging it (a theme's rating or the whole evaluation), and the
conversation that follows; and answering the partnership's evidence
requests with supplementary evidence, the return staying locked. Every view needs the agency session
(agency_required) and reaches only that session's return: another return's
challenge is a 404."""

from django.conf import settings
from django.contrib import messages
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from core.views import form_post
from partnerships.middleware import partnership_reverse as _url
from themes.selectors import question_set_structure

from .. import policy
from ..forms.evaluation import ChallengeMessageForm, ChallengeStartForm, SupplementaryEvidenceForm
from ..selectors.evaluation import (
    challenge_get,
    evaluation_confirmed_get,
    evidence_request_get,
    supplementary_evidence_get,
)
from ..services.challenges import challenge_message_add, challenge_open
from ..services.downloads import download_record, evidence_download_detail
from ..services.evidence_files import EVIDENCE_TYPES_HINT
from ..services.evidence_requests import supplementary_evidence_add
from .agency_session import agency_required
from .evidence import evidence_file_response

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


# --- evidence requests ------------------------------------------------------------


@agency_required
@require_http_methods(["GET", "POST"])
def evidence_request(request, access, request_id):
    submission = access.submission
    ask = evidence_request_get(partnership=request.partnership, submission=submission, pk=request_id)
    may = policy.may_answer_evidence_request(submission)
    form = SupplementaryEvidenceForm(request.POST or None, request.FILES or None, themes=ask.theme_list)
    if request.method == "POST" and not may:
        messages.error(request, may.why_not)
        return redirect(_url(request, "evidence_request", request_id=ask.pk) + TOP)
    if done := form_post(
        request,
        form,
        lambda data: supplementary_evidence_add(
            request=ask,
            theme=form.chosen_theme(),
            actor=access.actor,
            upload=data.get("evidence_file"),
            url=data.get("evidence_url", ""),
            title=data.get("evidence_title", ""),
            note=data.get("note", ""),
        ),
        done=lambda item: (
            f"{item} sent to the partnership",
            _url(request, "evidence_request", request_id=ask.pk) + "#sent",
        ),
    ):
        return done
    return render(
        request,
        "audits/evaluation/evidence_request.html",
        _context(
            access,
            ask=ask,
            form=form,
            can_answer=bool(may),
            why_not=may.why_not,
            evidence_hint=EVIDENCE_TYPES_HINT,
            max_upload_mb=settings.EVIDENCE_MAX_BYTES // (1024 * 1024),
        ),
    )


@agency_required
def supplementary_download(request, access, token):
    item = supplementary_evidence_get(
        partnership=request.partnership, submission=access.submission, token=token
    )
    download_record(
        partnership=request.partnership,
        actor=access.actor,
        what="supplementary_evidence",
        submission=access.submission,
        obj=item,
        detail=evidence_download_detail(item),
    )
    return evidence_file_response(item)
