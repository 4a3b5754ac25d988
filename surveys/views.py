"""The practitioners' survey: the public page each agency's open link leads
to, and the staff pages (set-up, progress and results, export).

The public page asks for nothing about the person, sets no session, and
hands the client's address to the service for the rate limit only."""

import csv
import io

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from audits.access import cycle_access
from audits.exports.cycle import CSV_CONTENT_TYPE, export_filename
from core.client_ip import client_ip
from core.domain import DomainError
from core.spreadsheets import spreadsheet_row
from core.views import form_post
from partnerships.middleware import partnership_reverse as _url
from partnerships.permissions import Perm
from partnerships.staff import staff_required

from . import selectors
from .forms import BotSuspectedError, SurveyReplyForm, SurveySetupForm, SurveyShareRemindForm, served_stamp
from .services import (
    SurveyClosedError,
    SurveyReplyLimitedError,
    survey_create,
    survey_reply_record,
    survey_share_reminders_queue,
    survey_update,
)

# --- the public page ---------------------------------------------------------------

BOT_MESSAGE = "Your answers were not sent. Check them and select ‘Send answers’ again."


def _closed(request, link):
    return render(request, "surveys/closed.html", {"link": link, "survey": link.survey}, status=410)


@require_http_methods(["GET", "POST"])
def survey_answer(request, token):
    link = selectors.survey_link_get(partnership=request.partnership, token=token)
    survey = link.survey
    if not survey.is_open():
        return _closed(request, link)
    questions = selectors.survey_questions(partnership=request.partnership, survey=survey)
    status = 200
    if request.method == "POST":
        form = SurveyReplyForm(request.POST, questions=questions)
        valid = form.is_valid()
        try:
            form.bot_check()
        except BotSuspectedError:
            # Nothing stored; a person gets the page back with their answers.
            form.add_error(None, BOT_MESSAGE)
            valid = False
        if valid:
            try:
                survey_reply_record(link=link, answers=form.answers(), ip=client_ip(request))
            except SurveyClosedError:
                return _closed(request, link)
            except SurveyReplyLimitedError as exc:
                form.add_error(None, str(exc))
                status = 429
            except DomainError as exc:
                form.add_error(None, str(exc))
            else:
                return redirect("survey_thanks", partnership_slug=request.partnership.slug, token=token)
        # Served again: the wait before sending starts again too.
        data = request.POST.copy()
        data["served"] = served_stamp()
        form.data = data
    else:
        form = SurveyReplyForm(initial={"served": served_stamp()}, questions=questions)
    return render(
        request,
        "surveys/answer.html",
        {"form": form, "link": link, "survey": survey, "min_group": selectors.MIN_GROUP},
        status=status,
    )


def survey_thanks(request, token):
    link = selectors.survey_link_get(partnership=request.partnership, token=token)
    return render(request, "surveys/thanks.html", {"link": link, "survey": link.survey})


# --- staff pages -------------------------------------------------------------------


def _survey(request, cycle_slug):
    cycle = cycle_access(partnership=request.partnership, slug=cycle_slug)
    return cycle, selectors.survey_get(partnership=request.partnership, cycle=cycle)


@staff_required(Perm.VIEW)
def survey_overview(request, cycle_slug):
    return _overview(request, cycle_slug)


def _overview(request, cycle_slug, *, remind_form=None, status=200):
    cycle = cycle_access(partnership=request.partnership, slug=cycle_slug)
    survey = selectors.survey_for_cycle(partnership=request.partnership, cycle=cycle)
    context = {"cycle": cycle, "survey": survey, "min_group": selectors.MIN_GROUP}
    if survey is not None:
        progress = selectors.survey_progress(partnership=request.partnership, survey=survey)
        base = settings.BASE_URL.rstrip("/")
        context |= {
            "remind_form": remind_form or SurveyShareRemindForm(initial={"which": "few"}),
            "progress": [(row, base + _url(request, "survey_answer", token=row.token)) for row in progress],
            "total_replies": sum(row.replies for row in progress),
            "results": selectors.survey_results(partnership=request.partnership, survey=survey),
            "questions": selectors.survey_questions(partnership=request.partnership, survey=survey),
            "across": selectors.survey_triangulation_across_agencies(
                partnership=request.partnership, survey=survey
            ),
        }
    return render(request, "surveys/staff/overview.html", context, status=status)


@staff_required(Perm.REVIEW)
@require_http_methods(["POST"])
def survey_share_remind(request, cycle_slug):
    """Email agencies' contacts their survey link (one a contact a day)."""
    cycle, survey = _survey(request, cycle_slug)
    progress = selectors.survey_progress(partnership=request.partnership, survey=survey)
    form = SurveyShareRemindForm(request.POST, agencies=[row.agency for row in progress])
    if form.is_valid():
        try:
            queued = survey_share_reminders_queue(
                partnership=request.partnership,
                survey=survey,
                agency_ids=form.agency_ids(),
                base_url=settings.BASE_URL,
                actor=request.staff_actor,
            )
        except DomainError as exc:
            form.add_error(None, str(exc))
        else:
            if queued:
                messages.success(request, f"Emails queued to agency contacts: {queued}.")
            else:
                messages.info(
                    request, "No emails queued: those contacts were emailed today already, or have none."
                )
            return redirect(_url(request, "staff_survey", cycle_slug=cycle.slug))
    return _overview(request, cycle_slug, remind_form=form, status=400)


@staff_required(Perm.VIEW)
def survey_agency(request, cycle_slug, agency_id):
    cycle, survey = _survey(request, cycle_slug)
    rows = {
        row.agency.pk: row
        for row in selectors.survey_progress(partnership=request.partnership, survey=survey)
    }
    if agency_id not in rows:
        raise Http404("No such agency in this survey")
    agency = rows[agency_id].agency
    results = selectors.survey_results(partnership=request.partnership, survey=survey, agency=agency)
    return render(
        request,
        "surveys/staff/agency.html",
        {
            "cycle": cycle,
            "survey": survey,
            "agency": agency,
            "results": results,
            "min_group": selectors.MIN_GROUP,
        },
    )


@staff_required(Perm.VIEW)
def survey_export(request, cycle_slug):
    """Aggregated figures only: the all-agencies group, then each agency with
    enough replies. A smaller group has no row at all."""
    cycle, survey = _survey(request, cycle_slug)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["Group", "Replies", "Question", "Answer", "Count", "Share agreeing (%)"])
    groups = [
        (
            "All agencies with enough replies",
            selectors.survey_results(partnership=request.partnership, survey=survey),
        )
    ]
    groups += [
        (agency.name, results)
        for agency, results in selectors.survey_results_by_agency(
            partnership=request.partnership, survey=survey
        )
    ]
    for name, results in groups:
        if results.suppressed:
            continue
        for question in results.questions:
            share = round(question.agree_share)
            for label, count in question.rows():
                writer.writerow(
                    spreadsheet_row([name, results.replies, question.question.text, label, count, share])
                )
    response = HttpResponse(out.getvalue(), content_type=CSV_CONTENT_TYPE)
    filename = export_filename(
        partnership=request.partnership, cycle=cycle, name="practitioners-survey", extension="csv"
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@staff_required(Perm.MANAGE)
@require_http_methods(["GET", "POST"])
def survey_setup(request, cycle_slug):
    cycle = cycle_access(partnership=request.partnership, slug=cycle_slug)
    survey = selectors.survey_for_cycle(partnership=request.partnership, cycle=cycle)
    editing = survey is not None
    initial = {"disagreement_threshold": survey.disagreement_threshold if editing else 25}
    form = SurveySetupForm(request.POST or None, initial=initial, editing=editing)

    def save(data):
        if editing:
            made = survey_update(
                partnership=request.partnership,
                survey=survey,
                disagreement_threshold=data["disagreement_threshold"],
                actor=request.staff_actor,
            )
            return f"Survey settings saved. New agency links: {made}."
        survey_create(
            partnership=request.partnership,
            cycle=cycle,
            library_key=data["library_key"],
            disagreement_threshold=data["disagreement_threshold"],
            actor=request.staff_actor,
        )
        return "Practitioners' survey created. Send each agency its link."

    if done := form_post(
        request,
        form,
        save,
        done=lambda message: (message, _url(request, "staff_survey", cycle_slug=cycle.slug)),
    ):
        return done
    return render(request, "surveys/staff/setup.html", {"cycle": cycle, "survey": survey, "form": form})
