"""The organisation's standing drafts (issue 13 item 5): its own answers to
each built-in library set, kept between cycles and in no partnership;
updated theme by theme or from one of its returns; a linked agency's new
return started from one. Views parse input, call one service and redirect."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from audits.access import linked_submission_access
from audits.models import AnswerValue, Rag
from core.domain import DomainError
from core.views import form_post
from themes.models import GRADE_MEANINGS

from .. import selectors
from ..forms import StandingSeedForm, StandingThemeForm
from ..services import standing as services_standing
from ..session import member_required
from .members import org_context, org_url, return_label


def _draft_url(membership, template_key: str) -> str:
    return org_url("organisation_standing_draft", membership, template_key=template_key)


def _returns(membership):
    accepted = selectors.organisation_accepted_links(organisation=membership.organisation)
    return accepted, selectors.organisation_returns(links=accepted, with_details=False)


@never_cache
@member_required()
@require_http_methods(["GET", "HEAD"])
def standing_drafts(request, membership):
    """Each library set's standing draft, and the linked agencies' returns
    that may start from one (open, nobody has saved a theme, a draft of
    their set exists)."""
    drafts = selectors.standing_drafts_list(organisation=membership.organisation)
    started = {d["key"] for d in drafts if d["draft"] and d["draft"].updated_at}
    _, returns = _returns(membership)
    startable = [
        s
        for s in returns
        if s.can_open and not s.is_locked and s.last_saved_at is None and s.set_template_key in started
    ]
    return render(
        request,
        "organisations/standing_drafts.html",
        {
            **org_context(membership, "organisation_standing_drafts"),
            "drafts": drafts,
            "startable": [(s, return_label(s)) for s in startable],
        },
    )


@never_cache
@member_required()
@require_http_methods(["GET", "HEAD"])
def standing_draft(request, membership, template_key):
    draft, themes = selectors.standing_draft_overview(
        organisation=membership.organisation, template_key=template_key
    )
    _, returns = _returns(membership)
    sources = [(s.pk, return_label(s)) for s in returns if s.set_template_key == template_key]
    return render(
        request,
        "organisations/standing_draft.html",
        {
            **org_context(membership, "organisation_standing_drafts"),
            "template": selectors.standing_draft_template(template_key=template_key),
            "template_key": template_key,
            "draft": draft,
            "themes": themes,
            "seed_form": StandingSeedForm(sources=sources) if sources else None,
        },
    )


@never_cache
@member_required()
@require_http_methods(["GET", "HEAD", "POST"])
def standing_draft_theme(request, membership, template_key, theme_key):
    theme, row, answers = selectors.standing_draft_theme_get(
        organisation=membership.organisation, template_key=template_key, theme_key=theme_key
    )
    initial = {
        "rag": row.rag if row else "",
        "comments": row.comments if row else "",
        "version": row.version if row else 0,
        **{f"q_{key}": value for key, value in answers.items()},
    }
    data = request.POST.copy() if request.method == "POST" else None
    form = StandingThemeForm(data, theme=theme, initial=initial)

    def refused(exc):
        if isinstance(exc, services_standing.StandingDraftStaleError):
            # Keep what was typed; the next save overwrites what the other member saved.
            data["version"] = str(exc.current.version if exc.current else 0)
        return None

    if done := form_post(
        request,
        form,
        lambda cleaned: services_standing.standing_draft_theme_save(
            membership=membership,
            template_key=template_key,
            theme_key=theme_key,
            answers=form.answers(),
            rag=cleaned["rag"],
            comments=cleaned["comments"],
            expected_version=cleaned["version"],
        ),
        done=lambda _: (
            f"{theme['title']} saved in your standing draft",
            _draft_url(membership, template_key),
        ),
        error_field={services_standing.StandingDraftStaleError: "__all__"},
        refused=refused,
    ):
        return done
    questions = [
        {
            "number": n,
            "question": q,
            "field": form[f"q_{q['key']}"],
            "choices": [
                (v, label) for v, label in AnswerValue.choices if q["allows_na"] or v != AnswerValue.NA
            ],
        }
        for n, q in enumerate(services_standing.library_questions(theme), start=1)
    ]
    rag_radios = [
        {"n": n, "value": value, "label": label, "meaning": GRADE_MEANINGS[value], "descriptor": theme[value]}
        for n, (value, label) in enumerate(Rag.choices, start=1)
    ]
    return render(
        request,
        "organisations/standing_draft_theme.html",
        {
            **org_context(membership, "organisation_standing_drafts"),
            "template": selectors.standing_draft_template(template_key=template_key),
            "template_key": template_key,
            "theme": theme,
            "row": row,
            "form": form,
            "questions": questions,
            "rag_radios": rag_radios,
        },
    )


@member_required()
@require_POST
def standing_draft_seed(request, membership, template_key):
    """Update the draft from one of the organisation's returns of its set."""
    selectors.standing_draft_template(template_key=template_key)
    accepted, returns = _returns(membership)
    sources = [(s.pk, return_label(s)) for s in returns if s.set_template_key == template_key]
    form = StandingSeedForm(request.POST, sources=sources)
    if not form.is_valid():
        messages.error(request, form.errors["source"][0])
        return redirect(_draft_url(membership, template_key))
    source = linked_submission_access(
        agencies=selectors.organisation_agency_pairs(links=accepted), pk=form.cleaned_data["source"]
    )
    try:
        detail = services_standing.standing_draft_update_from_return(membership=membership, source=source)
    except DomainError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request,
            f"Standing draft updated from {source.reference}: "
            f"{detail['themes']} themes, {detail['answers']} answers",
        )
    return redirect(_draft_url(membership, template_key))


@member_required()
@require_POST
def return_start_from_draft(request, membership, submission_id):
    """Start a linked agency's return that nobody has saved from the
    organisation's standing draft of its set."""
    accepted = selectors.organisation_accepted_links(organisation=membership.organisation)
    target = linked_submission_access(
        agencies=selectors.organisation_agency_pairs(links=accepted), pk=submission_id
    )
    try:
        detail = services_standing.standing_draft_start(membership=membership, target=target)
    except DomainError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request,
            f"{target.reference} started from your standing draft: {detail['answers']} answers in "
            f"{detail['themes']} themes, each to be confirmed theme by theme before it is submitted",
        )
    return redirect(org_url("organisation_standing_drafts", membership))
