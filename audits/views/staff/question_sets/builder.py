"""The question-set builder: sets, their themes and questions, versions,
the agency's-eye preview and the changes between two versions."""

from types import SimpleNamespace

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from audits.forms.journey import ThemeForm as AgencyThemeForm
from audits.selectors import cycle_list
from audits.selectors.question_sets import question_set_list as question_set_rows
from audits.selectors.question_sets import question_set_usage
from audits.views.theme_page import theme_page_context
from core.domain import DomainError
from core.views import form_post
from partnerships.permissions import Perm, role_has_perm
from partnerships.staff import staff_required
from themes import selectors, services
from themes.forms import CopyForm, QuestionForm, QuestionSetForm, ThemeForm
from themes.selectors.diff import question_set_diff

from .common import back_to_set, posted, question_set_for, staff_url

FROZEN_HINT = "Make a new version to change it."


@staff_required(Perm.VIEW)
def question_set_list(request):
    return render(
        request,
        "themes/list.html",
        {
            "question_sets": list(question_set_rows(partnership=request.partnership)),
            "cycles": list(cycle_list(partnership=request.partnership).select_related("question_set")),
        },
    )


@staff_required(Perm.MANAGE)
@require_http_methods(["GET", "POST"])
def question_set_create(request):
    form = QuestionSetForm(posted(request), initial={"audience": "statutory"})
    if done := form_post(
        request,
        form,
        lambda data: services.question_set_create(
            partnership=request.partnership, actor=request.staff_actor, **data
        ),
        done=lambda question_set: (
            f"{question_set.name} created. Add its themes and questions.",
            staff_url(request, "staff_question_set", pk=question_set.pk),
        ),
        error_field="name",
    ):
        return done
    return render(request, "themes/set_form.html", {"form": form, "question_set": None})


@staff_required(Perm.VIEW)
def question_set_detail(request, pk):
    question_set = question_set_for(request, pk)
    frozen = question_set.is_frozen()
    can_manage = role_has_perm(request.membership.role, Perm.MANAGE)
    return render(
        request,
        "themes/detail.html",
        {
            "question_set": question_set,
            "themes": selectors.theme_list_with_questions(question_set=question_set),
            "frozen": frozen,
            "can_edit": can_manage and not frozen,
            "can_manage": can_manage,
            "usage": question_set_usage(partnership=request.partnership, question_set=question_set),
            "publish_problems": services.question_set_problems(question_set)
            if question_set.status == question_set.Status.DRAFT
            else [],
            "next_versions": list(question_set.next_versions.order_by("version")),
            "can_delete": question_set.status == question_set.Status.DRAFT
            and not services.question_set_in_use(question_set),
        },
    )


def _editable_or_redirect(request, question_set):
    """None when the set may change; otherwise the redirect to show why not."""
    if question_set.is_frozen():
        return back_to_set(request, question_set, error=f"{question_set} is in use. {FROZEN_HINT}")
    return None


@staff_required(Perm.MANAGE)
@require_http_methods(["GET", "POST"])
def question_set_edit(request, pk):
    question_set = question_set_for(request, pk)
    if refused := _editable_or_redirect(request, question_set):
        return refused
    form = QuestionSetForm(
        posted(request),
        initial={
            "name": question_set.name,
            "description": question_set.description,
            "audience": question_set.audience,
        },
    )
    if done := form_post(
        request,
        form,
        lambda data: services.question_set_update(
            question_set=question_set, actor=request.staff_actor, **data
        ),
        done=lambda _: (
            "Question set details saved",
            staff_url(request, "staff_question_set", pk=question_set.pk),
        ),
        error_field="name",
        refused=lambda exc: (
            None
            if isinstance(exc, services.QuestionSetNameTakenError)
            else back_to_set(request, question_set, error=str(exc))
        ),
    ):
        return done
    return render(request, "themes/set_form.html", {"form": form, "question_set": question_set})


@staff_required(Perm.MANAGE)
@require_POST
def question_set_publish(request, pk):
    question_set = question_set_for(request, pk)
    try:
        services.question_set_publish(question_set=question_set, actor=request.staff_actor)
    except DomainError as exc:
        return back_to_set(request, question_set, error=str(exc))
    return back_to_set(request, question_set, success=f"{question_set} is published. A cycle can now use it.")


@staff_required(Perm.MANAGE)
@require_POST
def question_set_new_version(request, pk):
    question_set = question_set_for(request, pk)
    draft = services.question_set_new_version(question_set=question_set, actor=request.staff_actor)
    messages.success(
        request,
        f"Version {draft.version} is a draft copy of version {question_set.version}. "
        "Change it here; returns already answered on earlier versions stay as they are.",
    )
    return redirect(staff_url(request, "staff_question_set", pk=draft.pk))


@staff_required(Perm.MANAGE)
@require_http_methods(["GET", "POST"])
def question_set_copy(request, pk):
    question_set = question_set_for(request, pk)
    form = CopyForm(posted(request), initial={"name": f"{question_set.name} (copy)"})
    if done := form_post(
        request,
        form,
        lambda data: services.question_set_copy(
            question_set=question_set, name=data["name"], actor=request.staff_actor
        ),
        done=lambda copy: (
            f"{copy.name} is a draft copy of {question_set}.",
            staff_url(request, "staff_question_set", pk=copy.pk),
        ),
        error_field="name",
    ):
        return done
    return render(request, "themes/copy.html", {"form": form, "source": question_set, "template": None})


@staff_required(Perm.MANAGE)
@require_http_methods(["GET", "POST"])
def question_set_delete(request, pk):
    question_set = question_set_for(request, pk)
    if request.method == "POST":
        try:
            services.question_set_delete(question_set=question_set, actor=request.staff_actor)
        except DomainError as exc:
            return back_to_set(request, question_set, error=str(exc))
        messages.success(request, f"{question_set} deleted")
        return redirect(staff_url(request, "staff_question_sets"))
    return render(
        request,
        "themes/confirm_delete.html",
        {
            "question_set": question_set,
            "heading": f"Delete {question_set}?",
            "body": "The draft and all its themes and questions will be deleted. This cannot be undone.",
            "button": "Delete question set",
        },
    )


# ---------------------------------------------------------------------------
# Themes
# ---------------------------------------------------------------------------


def _theme_initial(theme) -> dict:
    return {f: getattr(theme, f) for f in services.THEME_FIELDS}


@staff_required(Perm.MANAGE)
@require_http_methods(["GET", "POST"])
def theme_add(request, pk):
    question_set = question_set_for(request, pk)
    if refused := _editable_or_redirect(request, question_set):
        return refused
    form = ThemeForm(posted(request))
    if done := form_post(
        request,
        form,
        lambda data: services.theme_add(question_set=question_set, actor=request.staff_actor, **data),
        done=lambda theme: (
            f"Theme {theme.title} added. Now add its questions.",
            staff_url(request, "staff_question_set_question_add", pk=question_set.pk, theme_pk=theme.pk),
        ),
        refused=lambda exc: back_to_set(request, question_set, error=str(exc)),
    ):
        return done
    return render(
        request, "themes/theme_form.html", {"form": form, "question_set": question_set, "theme": None}
    )


@staff_required(Perm.MANAGE)
@require_http_methods(["GET", "POST"])
def theme_edit(request, pk, theme_pk):
    question_set = question_set_for(request, pk)
    theme = selectors.theme_get(partnership=request.partnership, question_set=question_set, pk=theme_pk)
    if refused := _editable_or_redirect(request, question_set):
        return refused
    form = ThemeForm(posted(request), initial=_theme_initial(theme))
    if done := form_post(
        request,
        form,
        lambda data: services.theme_update(theme=theme, actor=request.staff_actor, **data),
        done=lambda _: (f"Theme {theme.title} saved", _theme_url(request, question_set, theme)),
        refused=lambda exc: back_to_set(request, question_set, error=str(exc)),
    ):
        return done
    return render(
        request, "themes/theme_form.html", {"form": form, "question_set": question_set, "theme": theme}
    )


def _theme_url(request, question_set, theme) -> str:
    return staff_url(request, "staff_question_set", pk=question_set.pk) + f"#theme-{theme.pk}"


def _back_to_theme(request, question_set, theme, success):
    messages.success(request, success)
    return redirect(_theme_url(request, question_set, theme))


@staff_required(Perm.MANAGE)
@require_POST
def theme_move(request, pk, theme_pk):
    question_set = question_set_for(request, pk)
    theme = selectors.theme_get(partnership=request.partnership, question_set=question_set, pk=theme_pk)
    direction = "up" if request.POST.get("direction") == "up" else "down"
    try:
        services.theme_move(theme=theme, direction=direction, actor=request.staff_actor)
    except DomainError as exc:
        return back_to_set(request, question_set, error=str(exc))
    return _back_to_theme(request, question_set, theme, f"Theme {theme.title} moved {direction}")


@staff_required(Perm.MANAGE)
@require_http_methods(["GET", "POST"])
def theme_delete(request, pk, theme_pk):
    question_set = question_set_for(request, pk)
    theme = selectors.theme_get(partnership=request.partnership, question_set=question_set, pk=theme_pk)
    if refused := _editable_or_redirect(request, question_set):
        return refused
    if request.method == "POST":
        try:
            services.theme_remove(theme=theme, actor=request.staff_actor)
        except DomainError as exc:
            return back_to_set(request, question_set, error=str(exc))
        return back_to_set(request, question_set, success=f"Theme {theme.title} removed")
    count = len(theme.questions.all())
    return render(
        request,
        "themes/confirm_delete.html",
        {
            "question_set": question_set,
            "heading": f"Remove the theme {theme.title}?",
            "body": f"The theme and its {count} question{'s' if count != 1 else ''} will be removed "
            f"from {question_set}.",
            "button": "Remove theme",
        },
    )


@staff_required(Perm.VIEW)
@require_http_methods(["GET", "POST"])
def theme_preview(request, pk, theme_pk):
    """The agency's theme page, rendered from the agency's own template and
    form, for this theme. It can be filled in to try the page's checks;
    nothing is ever saved."""
    question_set = question_set_for(request, pk)
    theme = selectors.theme_get(partnership=request.partnership, question_set=question_set, pk=theme_pk)
    themes = list(question_set.themes.order_by("order").values_list("pk", "title"))
    ids = [t[0] for t in themes]
    index = ids.index(theme.pk)
    next_pk = ids[index + 1] if index + 1 < len(ids) else None
    prev_pk = ids[index - 1] if index > 0 else None

    # Anyone on the staff may look; trying the page's checks is for those
    # who build question sets (a read-only member's POST is refused).
    can_try = role_has_perm(request.membership.role, Perm.MANAGE)
    if request.method == "POST" and not can_try:
        raise PermissionDenied("Only partnership admins can try the page's checks.")
    if request.method == "POST":
        form = AgencyThemeForm(request.POST, request.FILES, theme=theme)
        if form.is_valid():
            messages.info(request, "This is a preview: nothing was saved.")
            target = next_pk if request.POST.get("action") == "continue" and next_pk else theme.pk
            return redirect(staff_url(request, "staff_question_set_theme_preview", pk=pk, theme_pk=target))
    else:
        form = AgencyThemeForm(initial={"version": 0}, theme=theme)

    return render(
        request,
        "themes/theme_preview.html",
        {
            "question_set": question_set,
            "preview_prev": prev_pk,
            "preview_next": next_pk,
            # What audits/theme.html expects, as for an agency that has not started.
            "agency": SimpleNamespace(name="Your organisation"),
            "cycle": SimpleNamespace(title=question_set.name),
            **theme_page_context(
                theme=theme,
                form=form,
                can_edit=can_try,
                why_not=""
                if can_try
                else "This is how agencies see this theme. Only partnership admins can try its checks here.",
                position=index + 1,
                total_themes=len(ids),
                is_last=next_pk is None,
            ),
            # The agency sees no staff navigation.
            "navigation_items": [],
        },
    )


# ---------------------------------------------------------------------------
# Questions
# ---------------------------------------------------------------------------


@staff_required(Perm.MANAGE)
@require_http_methods(["GET", "POST"])
def question_add(request, pk, theme_pk):
    question_set = question_set_for(request, pk)
    theme = selectors.theme_get(partnership=request.partnership, question_set=question_set, pk=theme_pk)
    if refused := _editable_or_redirect(request, question_set):
        return refused
    form = QuestionForm(posted(request), initial={"allows_na": True})
    another = request.POST.get("action") == "another"
    if done := form_post(
        request,
        form,
        lambda data: services.question_add(theme=theme, actor=request.staff_actor, **data),
        done=lambda _: (
            (f"Question added to {theme.title}. Add another.", request.path)
            if another
            else (f"Question added to {theme.title}", _theme_url(request, question_set, theme))
        ),
        refused=lambda exc: back_to_set(request, question_set, error=str(exc)),
    ):
        return done
    return render(
        request,
        "themes/question_form.html",
        {"form": form, "question_set": question_set, "theme": theme, "question": None},
    )


def _question(request, question_set, question_pk):
    return selectors.question_get(partnership=request.partnership, question_set=question_set, pk=question_pk)


@staff_required(Perm.MANAGE)
@require_http_methods(["GET", "POST"])
def question_edit(request, pk, question_pk):
    question_set = question_set_for(request, pk)
    question = _question(request, question_set, question_pk)
    if refused := _editable_or_redirect(request, question_set):
        return refused
    form = QuestionForm(
        posted(request),
        initial={f: getattr(question, f) for f in services.QUESTION_FIELDS},
    )
    if done := form_post(
        request,
        form,
        lambda data: services.question_update(question=question, actor=request.staff_actor, **data),
        done=lambda _: ("Question saved", _theme_url(request, question_set, question.theme)),
        refused=lambda exc: back_to_set(request, question_set, error=str(exc)),
    ):
        return done
    return render(
        request,
        "themes/question_form.html",
        {"form": form, "question_set": question_set, "theme": question.theme, "question": question},
    )


@staff_required(Perm.MANAGE)
@require_POST
def question_move(request, pk, question_pk):
    question_set = question_set_for(request, pk)
    question = _question(request, question_set, question_pk)
    direction = "up" if request.POST.get("direction") == "up" else "down"
    try:
        services.question_move(question=question, direction=direction, actor=request.staff_actor)
    except DomainError as exc:
        return back_to_set(request, question_set, error=str(exc))
    return _back_to_theme(request, question_set, question.theme, f"Question moved {direction}")


@staff_required(Perm.MANAGE)
@require_http_methods(["GET", "POST"])
def question_delete(request, pk, question_pk):
    question_set = question_set_for(request, pk)
    question = _question(request, question_set, question_pk)
    if refused := _editable_or_redirect(request, question_set):
        return refused
    if request.method == "POST":
        try:
            services.question_remove(question=question, actor=request.staff_actor)
        except DomainError as exc:
            return back_to_set(request, question_set, error=str(exc))
        return _back_to_theme(request, question_set, question.theme, "Question removed")
    return render(
        request,
        "themes/confirm_delete.html",
        {
            "question_set": question_set,
            "heading": "Remove this question?",
            "quote": question.text,
            "body": f"It will be removed from the theme {question.theme.title}.",
            "button": "Remove question",
        },
    )


# ---------------------------------------------------------------------------
# Changes between versions
# ---------------------------------------------------------------------------


@staff_required(Perm.VIEW)
def question_set_diff_view(request, pk):
    """What changed from another set (by default the version this one was
    made from) to this one. `?from=<id>` picks the other set."""
    question_set = question_set_for(request, pk)
    others = [
        s
        for s in question_set_rows(partnership=request.partnership).select_related(None)
        if s.pk != question_set.pk
    ]
    raw = request.GET.get("from") or (
        question_set.previous_version_id and str(question_set.previous_version_id)
    )
    base = None
    if raw:
        if not str(raw).isdigit():
            raise Http404("No such question set")
        base = question_set_for(request, int(raw))
    diff = None
    if base is not None:
        diff = question_set_diff(
            old_set=base,
            old_themes=selectors.theme_list_with_questions(question_set=base),
            new_set=question_set,
            new_themes=selectors.theme_list_with_questions(question_set=question_set),
        )
    return render(
        request,
        "themes/diff.html",
        {"question_set": question_set, "base": base, "others": others, "diff": diff},
    )
