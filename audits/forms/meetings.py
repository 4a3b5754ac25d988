"""Forms of meetings run in the service: scheduling, the panel, recording
attendance, agreed actions, escalations; and the panel's link request.
GOV.UK messages; the rules that bind the services are the services' own
(audits.services.meetings), whose refusals form_post puts on these forms."""

from django import forms
from django.core.exceptions import ValidationError

from ..models import MeetingAction, PanelMember, ReviewMeeting
from ..services.meetings import TEXT_MAX, ActionData, MeetingTimes
from .fields import GovukDateField, GovukDateTimeField


def meeting_kind_field() -> forms.ChoiceField:
    """An assurance meeting or a scrutiny panel: scheduling one and recording
    one after the fact ask the same way."""
    return forms.ChoiceField(
        label="Kind of meeting",
        choices=ReviewMeeting.Kind.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Select the kind of meeting",
            "invalid_choice": "Select the kind of meeting",
        },
    )


def _required(what: str) -> dict:
    return {"required": f"Enter {what}"}


class ScheduleForm(forms.Form):
    kind = meeting_kind_field()
    starts_at = GovukDateTimeField(
        what="the meeting starts", label="Starts", help_text="For example, 12 5 2026 and 10am (UK time)"
    )
    ends_at = GovukDateTimeField(
        what="the meeting ends", label="Ends", help_text="For example, 12 5 2026 and 12:30pm"
    )
    location = forms.CharField(
        label="Place",
        required=False,
        max_length=300,
        help_text="The room and building. Leave blank for an online meeting.",
        error_messages={"max_length": "The place must be 300 characters or fewer"},
    )
    online_url = forms.URLField(
        label="Online meeting link",
        required=False,
        max_length=500,
        assume_scheme="https",
        help_text="For example, a Teams or Zoom link. Leave blank if everyone meets in person.",
        error_messages={
            "invalid": "Enter the online meeting link in the right format, like https://teams.example/meet/123",
            "max_length": "The link must be 500 characters or fewer",
        },
    )
    submissions = forms.MultipleChoiceField(
        label="Returns to discuss",
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": "Select the returns the meeting will discuss",
            "invalid_choice": "Select returns of this cycle only",
        },
    )

    def __init__(self, *args, submissions, **kwargs):
        super().__init__(*args, **kwargs)
        self.submission_rows = {str(s.pk): s for s in submissions}
        self.fields["submissions"].choices = [(str(s.pk), s.agency.name) for s in submissions]

    def clean_submissions(self):
        return [self.submission_rows[pk] for pk in self.cleaned_data["submissions"]]

    def clean(self):
        data = super().clean()
        starts, ends = data.get("starts_at"), data.get("ends_at")
        if starts and ends and ends <= starts:
            self.add_error("ends_at", "The meeting must end after it starts")
        return data

    def times(self) -> MeetingTimes:
        data = self.cleaned_data
        return MeetingTimes(
            starts_at=data["starts_at"],
            ends_at=data["ends_at"],
            location=data.get("location", ""),
            online_url=data.get("online_url", ""),
        )


class PanelMemberForm(forms.Form):
    """Someone from the partnership's staff, or from outside it."""

    STAFF, OUTSIDER = "staff", "outsider"

    who = forms.ChoiceField(
        label="Who are you adding?",
        choices=[
            (STAFF, "A member of the partnership’s staff"),
            (OUTSIDER, "Someone from outside the partnership"),
        ],
        widget=forms.RadioSelect,
        error_messages={
            "required": "Select who you are adding",
            "invalid_choice": "Select who you are adding",
        },
    )
    membership = forms.ChoiceField(label="Member of staff", required=False)
    name = forms.CharField(label="Full name", required=False, max_length=200)
    role = forms.CharField(
        label="Role on the panel",
        required=False,
        max_length=200,
        help_text="For example, independent chair or independent scrutineer.",
        error_messages={"max_length": "The role must be 200 characters or fewer"},
    )
    email = forms.EmailField(
        label="Email address",
        required=False,
        max_length=254,
        error_messages={"invalid": "Enter an email address in the correct format, like name@example.com"},
    )

    def __init__(self, *args, staff, **kwargs):
        super().__init__(*args, **kwargs)
        self.staff_rows = {str(m.pk): m for m in staff}
        self.fields["membership"].choices = [("", "Choose a member of staff")] + [
            (str(m.pk), f"{m} ({m.user.email})") for m in staff
        ]

    def clean(self):
        data = super().clean()
        if data.get("who") == self.STAFF:
            member = self.staff_rows.get(data.get("membership") or "")
            if member is None:
                self.add_error("membership", "Select the member of staff")
            data["membership"] = member
        elif data.get("who") == self.OUTSIDER:
            data["membership"] = None
            if not (data.get("name") or "").strip():
                self.add_error("name", "Enter their full name")
            if not (data.get("role") or "").strip():
                self.add_error("role", "Enter their role on the panel")
            if not data.get("email") and "email" not in self.errors:
                self.add_error("email", "Enter their email address")
        return data


class CancelForm(forms.Form):
    reason = forms.CharField(
        label="Why is the meeting cancelled?",
        max_length=TEXT_MAX,
        widget=forms.Textarea,
        help_text="Sent to everyone invited.",
        error_messages={
            "required": "Enter why the meeting is cancelled",
            "max_length": f"The reason must be {TEXT_MAX} characters or fewer",
        },
    )


class RecordForm(forms.Form):
    """Attendance of each panel member, and the notes."""

    notes = forms.CharField(
        label="Notes",
        required=False,
        max_length=TEXT_MAX,
        widget=forms.Textarea,
        error_messages={"max_length": f"The notes must be {TEXT_MAX} characters or fewer"},
    )

    def __init__(self, *args, panel: list[PanelMember], **kwargs):
        super().__init__(*args, **kwargs)
        self.panel = panel
        for member in panel:
            self.fields[f"attendance_{member.pk}"] = forms.ChoiceField(
                label=member.name,
                choices=PanelMember.Attendance.choices,
                widget=forms.RadioSelect,
                error_messages={
                    "required": f"Select whether {member.name} attended",
                    "invalid_choice": f"Select whether {member.name} attended",
                },
            )

    def attendance_fields(self):
        return [(member, self[f"attendance_{member.pk}"]) for member in self.panel]

    def attendance(self) -> dict[int, str]:
        return {member.pk: self.cleaned_data[f"attendance_{member.pk}"] for member in self.panel}


class AgreedActionForm(forms.Form):
    action = forms.CharField(
        label="Action",
        max_length=2000,
        widget=forms.Textarea,
        error_messages={
            **_required("the action"),
            "max_length": "The action must be 2,000 characters or fewer",
        },
    )
    owner = forms.CharField(
        label="Owner",
        max_length=200,
        help_text="The person or role who will do it.",
        error_messages={
            **_required("who owns the action"),
            "max_length": "The owner must be 200 characters or fewer",
        },
    )
    owner_email = forms.EmailField(
        label="Owner’s email address (optional)",
        required=False,
        help_text="They are reminded a week before it is due, and once if it becomes overdue.",
        error_messages={"invalid": "Enter an email address in the correct format, like name@example.com"},
    )
    due_on = GovukDateField(what="the due date", label="Due date", help_text="For example, 30 6 2026")
    submission = forms.ChoiceField(
        label="About which return (optional)",
        required=False,
        help_text="An action about a return shows on that agency’s action plan.",
    )
    theme = forms.ChoiceField(label="Theme (optional)", required=False)

    def __init__(self, *args, submissions, themes, **kwargs):
        super().__init__(*args, **kwargs)
        self.submission_rows = {str(s.pk): s for s in submissions}
        self.theme_rows = {str(t.pk): t for t in themes}
        self.fields["submission"].choices = [("", "None")] + [(str(s.pk), s.agency.name) for s in submissions]
        self.fields["theme"].choices = [("", "None")] + [(str(t.pk), f"{t.order}. {t.title}") for t in themes]

    def clean(self):
        data = super().clean()
        data["submission"] = self.submission_rows.get(data.get("submission") or "")
        data["theme"] = self.theme_rows.get(data.get("theme") or "")
        if data["theme"] is not None and data["submission"] is None:
            self.add_error("submission", "Select the return the theme is about")
        return data

    def data_for_service(self) -> ActionData:
        data = self.cleaned_data
        return ActionData(
            action=data["action"],
            owner=data["owner"],
            due_on=data["due_on"],
            owner_email=data.get("owner_email") or "",
            submission=data["submission"],
            theme=data["theme"],
        )


class ActionStatusForm(forms.Form):
    status = forms.ChoiceField(
        label="Status",
        choices=MeetingAction.Status.choices,
        error_messages={
            "required": "Select how far the action has got",
            "invalid_choice": "Select how far the action has got",
        },
    )


class EscalationForm(forms.Form):
    issue = forms.CharField(
        label="Issue",
        max_length=TEXT_MAX,
        widget=forms.Textarea,
        error_messages={
            **_required("the issue"),
            "max_length": f"The issue must be {TEXT_MAX} characters or fewer",
        },
    )
    reason = forms.CharField(
        label="Why it goes to the board",
        max_length=TEXT_MAX,
        widget=forms.Textarea,
        error_messages={
            **_required("why it is escalated"),
            "max_length": f"The reason must be {TEXT_MAX} characters or fewer",
        },
    )
    board = forms.CharField(
        label="Board",
        max_length=200,
        help_text="For example, Children’s Executive Board.",
        error_messages={
            **_required("the board it goes to"),
            "max_length": "The board must be 200 characters or fewer",
        },
    )
    board_on = GovukDateField(
        what="the date of the board meeting",
        required=False,
        label="Board meeting date (optional)",
        help_text="For example, 19 6 2026",
    )
    theme = forms.ChoiceField(
        label="Theme (optional)", required=False, help_text="For the year’s roll-up by theme."
    )

    def __init__(self, *args, themes, **kwargs):
        super().__init__(*args, **kwargs)
        self.theme_rows = {str(t.pk): t for t in themes}
        self.fields["theme"].choices = [("", "None")] + [(str(t.pk), f"{t.order}. {t.title}") for t in themes]

    def clean_theme(self):
        value = self.cleaned_data.get("theme") or ""
        if value and value not in self.theme_rows:
            raise ValidationError("Select a theme of the returns discussed")
        return self.theme_rows.get(value)


class PanelLinkRequestForm(forms.Form):
    email = forms.EmailField(
        label="Email address",
        max_length=254,
        error_messages={
            "required": "Enter your email address",
            "invalid": "Enter an email address in the correct format, like name@example.com",
        },
    )
