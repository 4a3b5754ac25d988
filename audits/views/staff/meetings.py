"""Meetings run in the service: schedule one, its panel (staff and outsiders,
whose links staff may revoke), invitations with a calendar file, cancel it,
record attendance and notes, agreed actions and their status, escalations
to the executive board, and the pre-read pack.

Reading needs Perm.VIEW; every change Perm.REVIEW. A meeting is fetched
through the partnership and the member's scope (audits.selectors.review
.meeting_get), so another partnership's meeting is a 404.
"""

from django.contrib import messages
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from core.domain import DomainError
from core.views import form_post
from partnerships.middleware import partnership_reverse as _url
from partnerships.permissions import Perm
from partnerships.staff import staff_required
from themes.models import Theme
from themes.selectors import question_set_structure

from ...access import cycle_access
from ...exports.meeting_pack import meeting_pack_filename
from ...forms.meetings import (
    ActionStatusForm,
    AgreedActionForm,
    CancelForm,
    EscalationForm,
    PanelMemberForm,
    RecordForm,
    ScheduleForm,
)
from ...models import PANEL_ACCESS_DAYS
from ...selectors import meetings as meeting_selectors
from ...selectors import review as review_selectors
from ...services import meetings as services
from ...services.downloads import download_record


def _meeting(request, cycle_slug, meeting_id):
    cycle = cycle_access(partnership=request.partnership, slug=cycle_slug)
    meeting = review_selectors.meeting_get(partnership=cycle.partnership, cycle=cycle, pk=meeting_id)
    return cycle, meeting


def _meeting_url(request, meeting, anchor=""):
    return _url(request, "staff_cycle_meeting", cycle_slug=meeting.cycle.slug, meeting_id=meeting.pk) + anchor


def _themes(request, meeting) -> list[Theme]:
    """The themes of the returns the meeting discusses, each set's in order,
    from the sets' structures (this partnership's, kept in the process)."""
    sets = sorted({s.question_set_id for s in meeting.submissions.all()})
    return [
        theme
        for set_id in sets
        for theme in question_set_structure(partnership=request.partnership, question_set_id=set_id).themes
    ]


def _page(request, template, cycle, meeting, **context):
    return render(request, f"staff/meetings/{template}", {"cycle": cycle, "meeting": meeting, **context})


# --- scheduling -------------------------------------------------------------------


def _schedule(request, cycle, meeting=None):
    choices = review_selectors.meeting_submission_choices(partnership=cycle.partnership, cycle=cycle)
    if meeting is not None:
        choices = sorted(set(choices) | set(meeting.submissions.all()), key=lambda s: (s.agency.name, s.pk))
        initial = {
            "kind": meeting.kind,
            "starts_at": meeting.starts_at,
            "ends_at": meeting.ends_at,
            "location": meeting.location,
            "online_url": meeting.online_url,
            "submissions": [str(s.pk) for s in meeting.submissions.all()],
        }
    else:
        wanted = request.GET.get("return", "")
        initial = {"submissions": [str(s.pk) for s in choices if s.reference == wanted]}
    form = ScheduleForm(request.POST or None, initial=initial, submissions=choices)
    if done := form_post(
        request,
        form,
        lambda data: services.meeting_schedule(
            partnership=cycle.partnership,
            cycle=cycle,
            kind=data["kind"],
            times=form.times(),
            submissions=data["submissions"],
            actor=request.staff_actor,
            meeting=meeting,
        ),
        done=lambda saved: (
            "Meeting scheduled" if meeting is None else "Meeting changed: send the invitations again",
            _meeting_url(request, saved),
        ),
    ):
        return done
    return _page(request, "schedule.html", cycle, meeting, form=form)


@staff_required(Perm.REVIEW)
@require_http_methods(["GET", "POST"])
def meeting_schedule(request, cycle_slug):
    cycle = cycle_access(partnership=request.partnership, slug=cycle_slug)
    return _schedule(request, cycle)


@staff_required(Perm.REVIEW)
@require_http_methods(["GET", "POST"])
def meeting_reschedule(request, cycle_slug, meeting_id):
    cycle, meeting = _meeting(request, cycle_slug, meeting_id)
    if not meeting.is_scheduled:
        raise Http404("Only a scheduled meeting can be moved")
    return _schedule(request, cycle, meeting)


@staff_required(Perm.REVIEW)
@require_http_methods(["GET", "POST"])
def meeting_cancel(request, cycle_slug, meeting_id):
    cycle, meeting = _meeting(request, cycle_slug, meeting_id)
    form = CancelForm(request.POST or None)
    if done := form_post(
        request,
        form,
        lambda data: services.meeting_cancel(
            meeting=meeting, reason=data["reason"], actor=request.staff_actor
        ),
        done=lambda saved: ("Meeting cancelled", _meeting_url(request, saved)),
        error_field="reason",
    ):
        return done
    return _page(request, "cancel.html", cycle, meeting, form=form)


# --- the panel --------------------------------------------------------------------


@staff_required(Perm.REVIEW)
@require_http_methods(["GET", "POST"])
def panel_add(request, cycle_slug, meeting_id):
    cycle, meeting = _meeting(request, cycle_slug, meeting_id)
    staff = meeting_selectors.panel_staff_choices(partnership=cycle.partnership, meeting=meeting)
    form = PanelMemberForm(request.POST or None, staff=staff)
    if done := form_post(
        request,
        form,
        lambda data: services.panel_member_add(
            meeting=meeting,
            actor=request.staff_actor,
            membership=data["membership"],
            name=data.get("name", ""),
            role=data.get("role", ""),
            email=data.get("email", ""),
        ),
        done=lambda member: (f"{member.name} added to the panel", _meeting_url(request, meeting, "#panel")),
    ):
        return done
    return _page(request, "panel_add.html", cycle, meeting, form=form, access_days=PANEL_ACCESS_DAYS)


@staff_required(Perm.REVIEW)
@require_POST
def panel_revoke(request, cycle_slug, meeting_id, member_id):
    cycle, meeting = _meeting(request, cycle_slug, meeting_id)
    member = meeting_selectors.panel_member_get(partnership=cycle.partnership, meeting=meeting, pk=member_id)
    try:
        services.panel_member_revoke(member=member, actor=request.staff_actor)
    except DomainError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, f"{member.name}’s link no longer works")
    return redirect(_meeting_url(request, meeting, "#panel"))


@staff_required(Perm.REVIEW)
@require_POST
def invitations_send(request, cycle_slug, meeting_id):
    _cycle, meeting = _meeting(request, cycle_slug, meeting_id)
    try:
        invited = services.meeting_invitations_send(meeting=meeting, actor=request.staff_actor)
    except DomainError as exc:
        messages.error(request, str(exc))
    else:
        if invited:
            messages.success(
                request, f"Invitations sent to {len(invited)} panel member{'s' if len(invited) != 1 else ''}"
            )
        else:
            messages.info(
                request, "Everyone on the panel already has the invitation to the meeting as it stands"
            )
    return redirect(_meeting_url(request, meeting, "#panel"))


# --- recording ----------------------------------------------------------------------


@staff_required(Perm.REVIEW)
@require_http_methods(["GET", "POST"])
def meeting_record(request, cycle_slug, meeting_id):
    cycle, meeting = _meeting(request, cycle_slug, meeting_id)
    panel = meeting_selectors.meeting_panel(partnership=cycle.partnership, meeting=meeting)
    initial = {"notes": meeting.notes, **{f"attendance_{m.pk}": m.attendance for m in panel if m.attendance}}
    form = RecordForm(request.POST or None, initial=initial, panel=panel)
    if done := form_post(
        request,
        form,
        lambda data: services.meeting_record(
            meeting=meeting, attendance=form.attendance(), notes=data["notes"], actor=request.staff_actor
        ),
        done=lambda saved: ("Attendance and notes saved", _meeting_url(request, saved)),
    ):
        return done
    return _page(request, "record.html", cycle, meeting, form=form)


@staff_required(Perm.REVIEW)
@require_http_methods(["GET", "POST"])
def action_add(request, cycle_slug, meeting_id):
    cycle, meeting = _meeting(request, cycle_slug, meeting_id)
    form = AgreedActionForm(
        request.POST or None,
        initial={"submission": request.GET.get("submission", "")},
        submissions=list(meeting.submissions.all()),
        themes=_themes(request, meeting),
    )
    if done := form_post(
        request,
        form,
        lambda data: services.meeting_action_add(
            meeting=meeting, data=form.data_for_service(), actor=request.staff_actor
        ),
        done=lambda item: ("Action added", _meeting_url(request, meeting, "#actions")),
    ):
        return done
    return _page(request, "action_add.html", cycle, meeting, form=form)


@staff_required(Perm.REVIEW)
@require_POST
def action_status(request, cycle_slug, meeting_id, action_id):
    cycle, meeting = _meeting(request, cycle_slug, meeting_id)
    item = meeting_selectors.meeting_action_get(partnership=cycle.partnership, meeting=meeting, pk=action_id)
    form = ActionStatusForm(request.POST)
    if not form.is_valid():
        messages.error(request, form.errors["status"][0])
    else:
        services.meeting_action_status_set(
            item=item, status=form.cleaned_data["status"], actor=request.staff_actor
        )
        messages.success(request, "Action status saved")
    return redirect(_meeting_url(request, meeting, "#actions"))


@staff_required(Perm.REVIEW)
@require_http_methods(["GET", "POST"])
def escalate(request, cycle_slug, meeting_id):
    cycle, meeting = _meeting(request, cycle_slug, meeting_id)
    form = EscalationForm(request.POST or None, themes=_themes(request, meeting))
    if done := form_post(
        request,
        form,
        lambda data: services.meeting_escalate(
            meeting=meeting,
            issue=data["issue"],
            reason=data["reason"],
            board=data["board"],
            board_on=data.get("board_on"),
            theme=data.get("theme"),
            actor=request.staff_actor,
        ),
        done=lambda saved: (f"Escalated to {saved.board}", _meeting_url(request, meeting, "#escalations")),
    ):
        return done
    return _page(request, "escalate.html", cycle, meeting, form=form)


# --- the pre-read pack ----------------------------------------------------------------


@staff_required(Perm.REVIEW)
@require_POST
def pack_request(request, cycle_slug, meeting_id):
    _cycle, meeting = _meeting(request, cycle_slug, meeting_id)
    pack = services.meeting_pack_request(meeting=meeting, actor=request.staff_actor)
    messages.success(
        request, f"Pre-read pack version {pack.version} is being made: refresh this page in a minute"
    )
    return redirect(_meeting_url(request, meeting, "#pack"))


@staff_required(Perm.VIEW)
def pack_download(request, cycle_slug, meeting_id, version):
    cycle, meeting = _meeting(request, cycle_slug, meeting_id)
    pack = meeting_selectors.meeting_pack_get(partnership=cycle.partnership, meeting=meeting, version=version)
    if not pack.is_built:
        raise Http404("The pack is not ready yet")
    # Every return of the meeting in one file: recorded like any download.
    download_record(
        partnership=cycle.partnership,
        actor=request.staff_actor,
        what="meeting_pack",
        obj=meeting,
        detail={"version": pack.version},
    )
    response = FileResponse(
        pack.file.open("rb"),
        as_attachment=True,
        filename=meeting_pack_filename(meeting=meeting, version=pack.version),
        content_type="application/pdf",
    )
    response["Cache-Control"] = "private, no-store"
    return response
