"""A cycle's reports in the staff workspace (read by every staff role,
written by reviewers and admins), and the children's summary on the
partnership's public pages."""

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.views.decorators.http import require_http_methods, require_POST

from audits.access import cycle_access
from core.pdf import pdf_render
from core.views import form_post
from partnerships.middleware import partnership_reverse as _url
from partnerships.permissions import Perm
from partnerships.staff import staff_required

from . import selectors
from .exports.document import report_document
from .exports.word import report_docx
from .forms import NARRATIVE_HINT, ChildSummaryForm, ReportCreateForm, ReportForm, reading_ages
from .models import SECTIONS
from .services import (
    ChildSummaryData,
    ReportData,
    child_summary_publish,
    child_summary_save,
    report_create,
    report_update,
)

DOCX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _cycle(request, cycle_slug):
    return cycle_access(partnership=request.partnership, slug=cycle_slug)


def _report(request, cycle_slug, report_id):
    return selectors.report_get(partnership=request.partnership, cycle_slug=cycle_slug, pk=report_id)


def _document(request, report):
    flt = selectors.report_filter(
        partnership=request.partnership,
        locality=request.GET.get("locality", ""),
        sector=request.GET.get("sector", ""),
    )
    return report_document(partnership=request.partnership, report=report, report_filter=flt)


def _download(content: bytes, content_type: str, filename: str, *, inline: bool) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'{"inline" if inline else "attachment"}; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response


# --- reports ----------------------------------------------------------------------


@staff_required(Perm.VIEW)
def report_list(request, cycle_slug):
    cycle = _cycle(request, cycle_slug)
    return render(
        request,
        "reports/report_list.html",
        {
            "cycle": cycle,
            "reports": selectors.report_list(partnership=request.partnership, cycle=cycle),
            "child_summary": selectors.child_summary_for_cycle(partnership=request.partnership, cycle=cycle),
            "form": ReportCreateForm(),
        },
    )


@staff_required(Perm.REVIEW)
@require_http_methods(["GET", "POST"])
def report_new(request, cycle_slug):
    cycle = _cycle(request, cycle_slug)
    form = ReportCreateForm(request.POST or None)
    done = form_post(
        request,
        form,
        lambda data: report_create(
            partnership=request.partnership,
            cycle=cycle,
            title=data["title"],
            sections=[s.key for s in SECTIONS],
            actor=request.staff_actor,
        ),
        done=lambda report: (
            "Report created: choose its sections and write its narrative",
            _url(request, "staff_report_edit", cycle_slug=cycle.slug, report_id=report.pk),
        ),
    )
    return done or render(request, "reports/report_new.html", {"cycle": cycle, "form": form})


@staff_required(Perm.REVIEW)
@require_http_methods(["GET", "POST"])
def report_edit(request, cycle_slug, report_id):
    report = _report(request, cycle_slug, report_id)
    form = ReportForm(request.POST or None, initial=ReportForm.initial_for(report))
    done = form_post(
        request,
        form,
        lambda data: report_update(
            partnership=request.partnership,
            report=report,
            data=ReportData(
                title=data["title"],
                sections=data["ordered_sections"],
                good_practice=data["good_practice"],
                concerns=data["concerns"],
                method_note=data["method_note"],
            ),
            actor=request.staff_actor,
        ),
        done=lambda saved: (
            "Report saved",
            _url(request, "staff_report", cycle_slug=report.cycle.slug, report_id=saved.pk),
        ),
    )
    return done or render(
        request,
        "reports/report_edit.html",
        {"cycle": report.cycle, "report": report, "form": form, "narrative_hint": NARRATIVE_HINT},
    )


@staff_required(Perm.VIEW)
def report_detail(request, cycle_slug, report_id):
    report = _report(request, cycle_slug, report_id)
    doc = _document(request, report)
    return render(request, "reports/report.html", {"cycle": report.cycle, "doc": doc, "report": report})


@staff_required(Perm.VIEW)
def report_pdf(request, cycle_slug, report_id):
    report = _report(request, cycle_slug, report_id)
    doc = _document(request, report)
    html = render_to_string("reports/report_pdf.html", {"doc": doc, "partnership": request.partnership})
    return _download(pdf_render(html), "application/pdf", f"{doc.filename_stem}.pdf", inline=True)


@staff_required(Perm.VIEW)
def report_word(request, cycle_slug, report_id):
    report = _report(request, cycle_slug, report_id)
    doc = _document(request, report)
    return _download(report_docx(doc), DOCX_CONTENT_TYPE, f"{doc.filename_stem}.docx", inline=False)


# --- the children's summary -----------------------------------------------------------


@staff_required(Perm.REVIEW)
@require_http_methods(["GET", "POST"])
def child_summary_edit(request, cycle_slug):
    cycle = _cycle(request, cycle_slug)
    summary = selectors.child_summary_for_cycle(partnership=request.partnership, cycle=cycle)
    initial = {}
    if summary is not None:
        initial = {
            name: getattr(summary, name)
            for name in ("title", "what_we_checked", "going_well", "working_on", "what_next")
        }
    form = ChildSummaryForm(request.POST or None, initial=initial)
    done = form_post(
        request,
        form,
        lambda data: child_summary_save(
            partnership=request.partnership,
            cycle=cycle,
            data=ChildSummaryData(**data),
            actor=request.staff_actor,
        ),
        done=lambda saved: (
            "Summary saved" + (": the public page shows it now" if saved.is_published else ""),
            _url(request, "staff_child_summary", cycle_slug=cycle.slug) + "#reading-age",
        ),
    )
    if done:
        return done
    # The reading age of what is on the form: what was typed on a POST with
    # errors, else what is saved.
    texts = {name: form[name].value() or "" for name in ChildSummaryForm.base_fields}
    return render(
        request,
        "reports/child_summary_edit.html",
        {"cycle": cycle, "summary": summary, "form": form, "reading": reading_ages(texts)},
    )


@staff_required(Perm.REVIEW)
@require_POST
def child_summary_publish_view(request, cycle_slug):
    cycle = _cycle(request, cycle_slug)
    publish = request.POST.get("publish") == "yes"
    summary = selectors.child_summary_for_cycle(partnership=request.partnership, cycle=cycle)
    if summary is None:
        messages.error(request, "Write the summary before publishing it")
    else:
        child_summary_publish(
            partnership=request.partnership, cycle=cycle, publish=publish, actor=request.staff_actor
        )
        messages.success(
            request,
            "Published on your public pages" if publish else "Taken off your public pages",
        )
    return redirect(_url(request, "staff_child_summary", cycle_slug=cycle.slug))


def child_summary_page(request, cycle_slug):
    summary = selectors.child_summary_published(partnership=request.partnership, cycle_slug=cycle_slug)
    return render(request, "reports/child_summary.html", {"summary": summary, "cycle": summary.cycle})


def child_summary_pdf(request, cycle_slug):
    summary = selectors.child_summary_published(partnership=request.partnership, cycle_slug=cycle_slug)
    html = render_to_string(
        "reports/child_summary_pdf.html",
        {"summary": summary, "cycle": summary.cycle, "partnership": request.partnership},
    )
    filename = f"{request.partnership.slug}-{summary.cycle.slug}-for-children-and-young-people.pdf"
    return _download(pdf_render(html), "application/pdf", filename, inline=True)
