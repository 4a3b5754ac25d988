"""Reporting on a cycle: exports (CSV and XLSX), the summary report (a page
and the same page as a PDF for the annual report) and the comparison with an
earlier cycle. All read-only, open to every staff role."""

from django.http import FileResponse, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import timezone

from partnerships.permissions import Perm
from partnerships.staff import staff_required

from ...access import cycle_access
from ...exports.cycle import (
    ANSWERS,
    CSV_CONTENT_TYPE,
    KINDS,
    THEMES,
    XLSX_CONTENT_TYPE,
    csv_lines,
    export_filename,
    summary_report_pdf,
    xlsx_workbook,
)
from ...forms.reports import CompareForm
from ...selectors.reports import (
    Movement,
    cycle_compare_choices,
    cycle_comparison,
    cycle_summary_report,
    export_sizes,
)
from ...services.downloads import download_record


def _record_export(request, cycle, file: str) -> None:
    # Exports carry every agency's answers: the audit log says who took one.
    download_record(
        partnership=cycle.partnership,
        actor=request.staff_actor,
        what="cycle_export",
        obj=cycle,
        detail={"cycle": cycle.slug, "file": file},
    )


@staff_required(Perm.VIEW)
def cycle_exports(request, cycle_slug):
    cycle = cycle_access(partnership=request.partnership, slug=cycle_slug)
    sizes = export_sizes(partnership=cycle.partnership, cycle=cycle)
    downloads = [
        {"kind": ANSWERS, "rows": sizes.answer_rows, "csv": "staff_cycle_export_answers_csv",
         "xlsx": "staff_cycle_export_answers_xlsx"},
        {"kind": THEMES, "rows": sizes.theme_rows, "csv": "staff_cycle_export_themes_csv",
         "xlsx": "staff_cycle_export_themes_xlsx"},
    ]  # fmt: skip
    return render(
        request,
        "staff/reports/exports.html",
        {"cycle": cycle, "sizes": sizes, "downloads": downloads},
    )


@staff_required(Perm.VIEW)
def cycle_export_csv(request, cycle_slug, kind):
    cycle = cycle_access(partnership=request.partnership, slug=cycle_slug)
    export = KINDS[kind]
    _record_export(request, cycle, f"{kind}.csv")
    rows = export.rows(partnership=cycle.partnership, cycle=cycle)
    response = StreamingHttpResponse(csv_lines(export, rows), content_type=CSV_CONTENT_TYPE)
    filename = export_filename(partnership=cycle.partnership, cycle=cycle, name=kind, extension="csv")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response


def _xlsx_response(request, cycle, kinds, name):
    _record_export(request, cycle, f"{name}.xlsx")
    handle = xlsx_workbook(partnership=cycle.partnership, cycle=cycle, kinds=kinds)
    filename = export_filename(partnership=cycle.partnership, cycle=cycle, name=name, extension="xlsx")
    response = FileResponse(handle, as_attachment=True, filename=filename, content_type=XLSX_CONTENT_TYPE)
    response["Cache-Control"] = "no-store"
    return response


@staff_required(Perm.VIEW)
def cycle_export_xlsx(request, cycle_slug, kind):
    cycle = cycle_access(partnership=request.partnership, slug=cycle_slug)
    return _xlsx_response(request, cycle, [KINDS[kind]], kind)


@staff_required(Perm.VIEW)
def cycle_export_workbook(request, cycle_slug):
    cycle = cycle_access(partnership=request.partnership, slug=cycle_slug)
    return _xlsx_response(request, cycle, [ANSWERS, THEMES], "answers-and-themes")


# ---------------------------------------------------------------------------
# The summary report
# ---------------------------------------------------------------------------


@staff_required(Perm.VIEW)
def cycle_report(request, cycle_slug):
    cycle = cycle_access(partnership=request.partnership, slug=cycle_slug)
    report = cycle_summary_report(partnership=cycle.partnership, cycle=cycle)
    return render(request, "staff/reports/report.html", {"cycle": cycle, "report": report})


@staff_required(Perm.VIEW)
def cycle_report_pdf(request, cycle_slug):
    cycle = cycle_access(partnership=request.partnership, slug=cycle_slug)
    report = cycle_summary_report(partnership=cycle.partnership, cycle=cycle)
    html = render_to_string(
        "pdf/summary_report.html",
        {"cycle": cycle, "report": report, "partnership": cycle.partnership, "produced_at": timezone.now()},
        request=request,
    )
    content = summary_report_pdf(html)
    download_record(
        partnership=cycle.partnership,
        actor=request.staff_actor,
        what="cycle_report_pdf",
        obj=cycle,
        detail={"cycle": cycle.slug},
    )
    response = HttpResponse(content, content_type="application/pdf")
    filename = export_filename(
        partnership=cycle.partnership, cycle=cycle, name="summary-report", extension="pdf"
    )
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response


# ---------------------------------------------------------------------------
# Comparing with an earlier cycle
# ---------------------------------------------------------------------------


@staff_required(Perm.VIEW)
def cycle_compare(request, cycle_slug):
    cycle = cycle_access(partnership=request.partnership, slug=cycle_slug)
    earlier = list(cycle_compare_choices(partnership=request.partnership, cycle=cycle))
    context = {"cycle": cycle, "earlier": earlier, "comparison": None, "form": None}
    if earlier:
        # A GET form: the default is the cycle just before this one.
        data = request.GET if "previous" in request.GET else {"previous": earlier[0].slug}
        form = CompareForm(data, cycles=earlier)
        context["form"] = form
        if form.is_valid():
            context["comparison"] = cycle_comparison(
                partnership=cycle.partnership,
                cycle=cycle,
                previous=form.cycles[form.cleaned_data["previous"]],
            )
    context["movements"] = [
        {"label": Movement.LABELS[m], "colour": Movement.COLOURS[m], "hint": Movement.HINTS[m]}
        for m in Movement.ORDER
    ]
    return render(request, "staff/reports/compare.html", context)
