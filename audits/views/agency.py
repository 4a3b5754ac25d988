"""The agency's return: task list, theme pages, save and come back later,
check answers, submit, confirmation, evidence. Every view needs the agency
session a resume link starts (agency_required).

Redirects after a POST carry a fragment of their own (#main-content, the
skip link's target, unless they mean a place on the page): a Location
without one inherits the request's fragment, so after adding evidence
(#evidence) "Save and continue" would open the next theme far down."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from core.domain import DomainError
from core.views import form_post
from partnerships.middleware import partnership_reverse as _url

from .. import policy, selectors, services
from ..forms.journey import ContributorForm, DeclarationForm, ThemeForm
from ..models import AnswerValue, Rag
from ..selectors.actions import action_item_list, action_items_attach, action_plan
from ..selectors.cycles import theme_last_cycle
from ..selectors.evaluation import challenge_list, evaluation_for_agency, evidence_request_list
from ..selectors.review import return_for_changes_current
from ..services.downloads import download_record, evidence_download_detail
from ..services.links import progression_link_send
from ..services.submit import submission_gaps_block, submission_gaps_from_sections
from .agency_session import agency_required, agency_session_end
from .evidence import evidence_file_response
from .theme_page import (
    answer_sections_link,
    answer_sections_prepare,
    task_list_action_entry,
    theme_page_context,
)

TOP = "#main-content"


def _top(request, name, **kwargs):
    """A redirect to the top of a page (see the module's docstring)."""
    return redirect(_url(request, name, **kwargs) + TOP)


def _stale_submission(request, exc):
    """The return changed since "check your answers" was opened: the page
    again, as it now is, saying so. Any other refusal goes on the form."""
    if not isinstance(exc, services.StaleSubmissionError):
        return None
    messages.error(request, str(exc))
    return _top(request, "check_answers")


def _base_context(access):
    submission = access.submission
    can_edit = policy.may_edit(submission)
    why_not = can_edit.why_not
    return {
        "access": access,
        "submission": submission,
        "cycle": submission.cycle,
        "agency": submission.agency,
        "can_edit": bool(can_edit),
        "why_not": why_not,
    }


@agency_required
def task_list(request, access):
    submission = access.submission
    rows = selectors.submission_theme_rows(submission=submission)
    last_event = (
        selectors.audit_event_list(partnership=request.partnership, submission=submission)
        .filter(verb="theme.saved")
        .only("actor_name", "created_at")
        .first()
    )
    plans = action_plan(
        submission=submission, themes=[r.theme for r in rows], responses=[r.response for r in rows]
    )
    evaluation = evaluation_for_agency(
        partnership=request.partnership,
        submission=submission,
        responses={r.theme.pk: r.response for r in rows if r.response},
    )
    return render(
        request,
        "audits/task_list.html",
        {
            **_base_context(access),
            "rows": rows,
            "completed": sum(1 for r in rows if r.status == "Completed"),
            "last_event": last_event,
            "returned": return_for_changes_current(partnership=request.partnership, submission=submission),
            "action_entry": task_list_action_entry(submission=submission, plans=plans),
            "evaluation": evaluation,
            "challenges": challenge_list(
                partnership=request.partnership, submission=submission, messages=False
            )
            if evaluation
            else [],
            "evidence_requests": evidence_request_list(
                partnership=request.partnership, submission=submission, details=False
            )
            if submission.is_locked
            else [],
        },
    )


def _theme_neighbours(submission, theme):
    keys = selectors.submission_theme_keys(submission=submission)
    index = keys.index(theme.key)
    return (keys[index + 1] if index + 1 < len(keys) else None), index + 1, len(keys)


@agency_required
@require_http_methods(["GET", "POST"])
def theme_page(request, access, theme_key):
    submission = access.submission
    theme = selectors.submission_theme_get(submission=submission, key=theme_key)
    conflict = None
    staged = []
    version = 0

    if request.method == "POST":
        form = ThemeForm(request.POST, request.FILES, theme=theme)
        action = request.POST.get("action", "continue")
        can_edit = policy.may_edit(submission)
        if not can_edit:
            messages.error(request, can_edit.why_not)
            return _top(request, "task_list")
        valid = form.is_valid()
        upload = request.FILES.get("evidence_file")
        staged_ids = form.staged_ids() if valid else _parse_ids(request.POST.get("staged", ""))
        if valid and action == "evidence" and upload is None and not form.cleaned_data["evidence_url"]:
            form.add_error("evidence_file", "Choose a file or enter a link to add as evidence")
            valid = False
        if upload is not None and not valid:
            # Keep the chosen file, so an error elsewhere on the page does not
            # make the person upload it again.
            try:
                item = services.evidence_stage_file(
                    submission=submission, theme=theme, upload=upload, actor=access.actor
                )
                staged_ids.append(item.pk)
            except DomainError as exc:
                form.add_error("evidence_file", str(exc))
        _staged_remember(request, submission, theme, staged_ids if not valid else [])
        if valid:
            try:
                services.theme_response_save(
                    submission=submission,
                    theme=theme,
                    answers=form.answers(),
                    rag=form.cleaned_data["rag"],
                    comments=form.cleaned_data["comments"],
                    expected_version=form.cleaned_data["version"],
                    actor=access.actor,
                    staged_evidence_ids=staged_ids,
                    new_links=[(form.cleaned_data["evidence_url"], form.cleaned_data["evidence_title"])]
                    if form.cleaned_data["evidence_url"]
                    else [],
                    new_files=[upload] if upload is not None else [],
                )
            except services.StaleThemeError as exc:
                _staged_remember(request, submission, theme, staged_ids)
                conflict = _conflict(theme, exc, form)
                version = exc.current.version
            except DomainError as exc:
                _staged_remember(request, submission, theme, staged_ids)
                target = "evidence_file" if upload is not None and "file" in str(exc) else None
                form.add_error(target, str(exc))
            else:
                if action == "later":
                    return redirect(_url(request, "save_later") + f"?theme={theme.key}{TOP}")
                if action == "add_action":
                    return redirect(
                        _url(request, "action_item_add", theme_key=theme.key) + f"?return_to=theme{TOP}"
                    )
                if action == "evidence":
                    messages.success(request, f"{theme.title} saved and evidence added")
                    return redirect(_url(request, "theme", theme_key=theme.key) + "#evidence")
                next_key, _, _ = _theme_neighbours(submission, theme)
                messages.success(request, f"{theme.title} saved")
                if next_key:
                    return _top(request, "theme", theme_key=next_key)
                return _top(request, "task_list")
        staged = [
            e
            for e in selectors.submission_evidence(submission=submission, theme=theme, staged=True)
            if e.pk in staged_ids
        ]
        response = selectors.theme_response_get(submission=submission, theme=theme, with_flags=True)
        if conflict is None:
            version = request.POST.get("version", response.version if response else 0)
    else:
        # What is saved: read on GET only (a successful POST redirects).
        response = selectors.theme_response_get(submission=submission, theme=theme, with_flags=True)
        version = response.version if response else 0
        saved_answers = selectors.submission_answers(submission=submission, theme=theme)
        initial = {f"q_{q}": v for q, v in saved_answers.items()}
        initial.update(
            version=version,
            rag=response.rag if response else "",
            comments=response.comments if response else "",
        )
        form = ThemeForm(initial=initial, theme=theme)
        # A file uploaded while the page had an error, if the person left and
        # came back in the same session: still shown, still to be saved.
        staged_ids = _staged_recall(request, submission, theme)
        if staged_ids:
            staged = [
                e
                for e in selectors.submission_evidence(submission=submission, theme=theme, staged=True)
                if e.pk in staged_ids
            ]

    next_key, position, total = _theme_neighbours(submission, theme)
    base = _base_context(access)
    page = theme_page_context(
        theme=theme,
        form=form,
        can_edit=base["can_edit"],
        why_not=base["why_not"],
        submission=submission,
        response=response,
        evidence=selectors.submission_evidence(submission=submission, theme=theme)
        if response is None or response.has_evidence
        else [],
        staged=staged,
        version=version,
        conflict=conflict,
        position=position,
        total_themes=total,
        is_last=next_key is None,
        last=theme_last_cycle(partnership=request.partnership, submission=submission, theme=theme),
        action_items=action_item_list(submission=submission, theme=theme)
        if response is None or response.has_action_items
        else [],
    )
    if page["read_only"] is not None:
        evaluation = evaluation_for_agency(
            partnership=request.partnership,
            submission=submission,
            responses={theme.pk: response} if response else {},
        )
        page["read_only"]["evaluation"] = evaluation.for_theme(theme.pk) if evaluation else None
    return render(request, "audits/theme.html", {**base, **page})


STAGED_SESSION_KEY = "s11_staged_evidence"


def _staged_key(submission, theme) -> str:
    return f"{submission.pk}:{theme.key}"


def _staged_remember(request, submission, theme, ids) -> None:
    """Keep the files held for a theme page (uploaded while it had an error)
    for the session, so leaving and coming back does not lose them; none
    (after a save) forgets them."""
    held = dict(request.session.get(STAGED_SESSION_KEY, {}))
    key = _staged_key(submission, theme)
    if ids:
        held[key] = list(ids)
    elif key not in held:
        return
    else:
        del held[key]
    request.session[STAGED_SESSION_KEY] = held


def _staged_recall(request, submission, theme) -> list[int]:
    return list(request.session.get(STAGED_SESSION_KEY, {}).get(_staged_key(submission, theme), ()))


def _parse_ids(raw: str) -> list[int]:
    return [int(p) for p in raw.split(",") if p.strip().isdigit()]


def _conflict(theme, exc, form):
    """What the other contributor saved, beside what this person typed."""
    labels = dict(AnswerValue.choices)
    rows = []
    mine = form.answers() if hasattr(form, "cleaned_data") else {}
    for question in theme.questions.all():
        theirs = exc.current_answers.get(question.pk)
        yours = mine.get(question.pk)
        if theirs != yours and (theirs or yours):
            rows.append(
                (question.text, labels.get(theirs, "Not answered"), labels.get(yours, "Not answered"))
            )
    current = exc.current
    if (current.rag or "") != (form.cleaned_data.get("rag") or ""):
        rows.append(
            (
                "RAG self-rating",
                Rag(current.rag).label if current.rag else "Not rated",
                Rag(form.cleaned_data["rag"]).label if form.cleaned_data.get("rag") else "Not rated",
            )
        )
    if (current.comments or "").strip() != (form.cleaned_data.get("comments") or "").strip():
        rows.append(("Comments", current.comments or "None", form.cleaned_data.get("comments") or "None"))
    return {"who": current.updated_by_name or "Someone else", "when": current.updated_at, "rows": rows}


@agency_required
@require_http_methods(["GET", "POST"])
def save_later(request, access):
    """After "Save and come back later": where to send the link."""
    # ?theme= only sets the Back link: a value that is not one of this
    # return's themes is ignored.
    theme_key = request.GET.get("theme", "")
    if theme_key not in selectors.submission_theme_keys(submission=access.submission):
        theme_key = ""
    form = ContributorForm(
        request.POST or None, initial={"name": access.link.name, "email": access.link.email}
    )

    def done(link):
        agency_session_end(request)
        request.session["s11_sent_to"] = link.email
        return "", _url(request, "saved") + TOP

    if response := form_post(
        request,
        form,
        lambda data: progression_link_send(
            submission=access.submission,
            name=data["name"],
            email=data["email"],
            saved_by=access.link.name,
            actor=access.actor,
        ),
        done=done,
    ):
        return response
    return render(
        request, "audits/save_later.html", {**_base_context(access), "form": form, "theme_key": theme_key}
    )


def saved(request):
    return render(request, "audits/saved.html", {"email": request.session.get("s11_sent_to", "")})


@agency_required
@require_http_methods(["GET", "POST"])
def check_answers(request, access):
    submission = access.submission
    if submission.is_locked:
        return redirect(_url(request, "confirmation"))
    sections = action_items_attach(
        sections=selectors.submission_full(submission=submission), submission=submission
    )
    answer_sections_link(sections=sections, partnership_slug=request.partnership.slug)
    base = _base_context(access)
    answer_sections_prepare(sections=sections, change=base["can_edit"])
    gaps = submission_gaps_from_sections(submission=submission, sections=sections)
    blocked = submission_gaps_block(submission=submission, gaps=gaps)
    form = DeclarationForm(request.POST or None, initial={"version": submission.version})
    if done := form_post(
        request,
        form,
        lambda data: services.submission_submit(
            submission=submission,
            submitted_by=access.actor,
            signed_off_by_name=data["signed_off_by_name"],
            signed_off_by_role=data["signed_off_by_role"],
            expected_version=data["version"],
        ),
        done=lambda _: ("", _url(request, "confirmation") + TOP),
        refused=lambda exc: _stale_submission(request, exc),
    ):
        return done
    return render(
        request,
        "audits/check_answers.html",
        {
            **base,
            "sections": sections,
            "gaps": gaps,
            "blocked": blocked,
            "form": form,
            "answer_labels": dict(AnswerValue.choices),
        },
    )


@agency_required
def confirmation(request, access):
    if not access.submission.is_locked:
        return redirect(_url(request, "check_answers"))
    sections = action_items_attach(
        sections=selectors.submission_full(submission=access.submission), submission=access.submission
    )
    answer_sections_prepare(sections=sections, change=False)
    evaluation = evaluation_for_agency(
        partnership=request.partnership,
        submission=access.submission,
        responses={s["theme"].pk: s["response"] for s in sections if s["response"]},
    )
    if evaluation is not None:
        for section in sections:
            section["evaluation"] = evaluation.for_theme(section["theme"].pk)
    return render(
        request,
        "audits/confirmation.html",
        {
            **_base_context(access),
            "sections": sections,
            "answer_labels": dict(AnswerValue.choices),
            "evaluation": evaluation,
        },
    )


@agency_required
def evidence_download(request, access, token):
    item = selectors.evidence_get(partnership=request.partnership, token=token)
    if item.submission_id != access.submission.pk or not item.file:
        raise Http404
    download_record(
        partnership=request.partnership,
        actor=access.actor,
        what="evidence",
        submission=access.submission,
        obj=item,
        detail=evidence_download_detail(item),
    )
    return evidence_file_response(item)


@agency_required
@require_POST
def evidence_remove(request, access, token):
    item = selectors.evidence_get(partnership=request.partnership, token=token)
    if item.submission_id != access.submission.pk:
        raise Http404
    theme_key = item.theme.key
    try:
        services.evidence_remove(submission=access.submission, evidence=item, actor=access.actor)
    except DomainError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, f"Removed {item}")
    return redirect(_url(request, "theme", theme_key=theme_key) + "#evidence")


@require_POST
def sign_out(request):
    agency_session_end(request)
    return redirect("partnership_home", partnership_slug=request.partnership.slug)
