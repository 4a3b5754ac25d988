"""Question sets as files (export, import) and the built-in library."""

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.text import slugify
from django.views.decorators.http import require_http_methods

from core.views import form_post
from partnerships.permissions import Perm
from partnerships.staff import staff_required
from themes import library, selectors, services
from themes.forms import CopyForm, ImportForm

from .common import posted, question_set_for, staff_url

CONTENT_TYPES = {"yaml": "application/yaml; charset=utf-8", "json": "application/json; charset=utf-8"}


@staff_required(Perm.VIEW)
def question_set_export(request, pk, fmt):
    if fmt not in CONTENT_TYPES:
        raise Http404("Export as yaml or json")
    question_set = question_set_for(request, pk)
    data = library.export_data(question_set, selectors.theme_list_with_questions(question_set=question_set))
    response = HttpResponse(library.dump(data, fmt), content_type=CONTENT_TYPES[fmt])
    filename = f"{slugify(question_set.name) or 'question-set'}-v{question_set.version}.{fmt}"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@staff_required(Perm.MANAGE)
@require_http_methods(["GET", "POST"])
def question_set_import(request):
    form = ImportForm(posted(request), request.FILES or None)
    problems = []
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            question_set = services.question_set_import(
                partnership=request.partnership,
                content=upload.read(),
                filename=upload.name,
                name=form.cleaned_data["name"],
                actor=request.staff_actor,
            )
        except library.QuestionSetFormatError as exc:
            problems = exc.problems
            for problem in problems:
                form.add_error("file", str(problem))
        else:
            messages.success(
                request,
                f"Imported {question_set} with {question_set.themes.count()} themes. "
                "It is a draft until you publish it.",
            )
            return redirect(staff_url(request, "staff_question_set", pk=question_set.pk))
    return render(request, "themes/import.html", {"form": form, "problems": problems})


@staff_required(Perm.VIEW)
def library_list(request):
    templates = []
    for key in library.template_keys():
        data = library.template_read(key)
        templates.append(
            {
                "key": key,
                "name": data.get("name", key),
                "description": data.get("description", ""),
                "audience": dict(library.Audience.choices).get(data.get("audience"), ""),
                "themes": len(data.get("themes") or []),
                "questions": sum(len(t.get("questions") or []) for t in data.get("themes") or []),
            }
        )
    return render(request, "themes/library.html", {"templates": templates})


def _template(key):
    try:
        return library.validate(library.template_read(key))
    except KeyError as exc:
        raise Http404("No such template") from exc


@staff_required(Perm.VIEW)
def library_template(request, key):
    return render(request, "themes/library_template.html", {"template": _template(key), "key": key})


@staff_required(Perm.MANAGE)
@require_http_methods(["GET", "POST"])
def library_copy(request, key):
    template = _template(key)
    form = CopyForm(posted(request), initial={"name": template["name"]})
    if done := form_post(
        request,
        form,
        lambda data: services.question_set_load_template(
            partnership=request.partnership,
            key=key,
            publish=False,
            name=data["name"],
            actor=request.staff_actor,
        ),
        done=lambda question_set: (
            f"{question_set} is a draft copy of the built-in {template['name']}. "
            "Add your local themes and questions, then publish it.",
            staff_url(request, "staff_question_set", pk=question_set.pk),
        ),
        error_field="name",
    ):
        return done
    return render(
        request, "themes/copy.html", {"form": form, "source": None, "template": template, "key": key}
    )
