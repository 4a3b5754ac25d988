"""Forms of the review workspace. They parse and validate what a reviewer
typed, with GOV.UK-style messages; the rules that also bind the services are
called from the services, so the two cannot disagree."""

from django import forms
from django.core.exceptions import ValidationError

from ..models import Rag, ReviewOutcome
from ..services.review import COMMENT_MAX, REASON_MAX, AgreedAction, resubmit_by_check
from .fields import GovukDateField
from .meetings import meeting_kind_field

# A version missing or mangled: the page was not one this service made.
STALE_PAGE_ERRORS = dict.fromkeys(
    ("required", "invalid", "min_value"),
    "This page is out of date. Open it again from the return and make your changes again.",
)


class ModerationForm(forms.Form):
    rag = forms.ChoiceField(
        label="Moderated RAG rating",
        choices=Rag.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Select a moderated RAG rating",
            "invalid_choice": "Select Red, Amber or Green",
        },
    )
    comment = forms.CharField(
        label="Reviewer comment",
        required=False,
        max_length=COMMENT_MAX,
        widget=forms.Textarea,
        help_text="Why you agree or disagree with the agency's rating. The agency sees this with "
        "the outcome.",
        error_messages={"max_length": f"The comment must be {COMMENT_MAX} characters or fewer"},
    )
    # The moderation's version when the page was opened (optimistic locking).
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0, error_messages=STALE_PAGE_ERRORS)


class OutcomeForm(forms.Form):
    outcome = forms.ChoiceField(
        label="Outcome",
        choices=ReviewOutcome.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Select the outcome of the evaluation",
            "invalid_choice": "Select the outcome of the evaluation",
        },
    )
    message = forms.CharField(
        label="Message to the agency",
        max_length=COMMENT_MAX,
        widget=forms.Textarea,
        help_text="Sent to the agency's contacts with the outcome when you confirm the evaluation.",
        error_messages={
            "required": "Enter a message to the agency",
            "max_length": f"The message must be {COMMENT_MAX} characters or fewer",
        },
    )

    # The evaluation's version when the page was opened (optimistic locking).
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0, error_messages=STALE_PAGE_ERRORS)

    def clean_message(self):
        value = self.cleaned_data["message"].strip()
        if not value:
            raise ValidationError("Enter a message to the agency")
        return value


class ReturnForm(forms.Form):
    reason = forms.CharField(
        label="Why are you returning it?",
        max_length=REASON_MAX,
        widget=forms.Textarea,
        help_text="Say what the agency must change. They see this on their return and in the email.",
        error_messages={
            "required": "Enter the reason for returning it, so the agency knows what to change",
            "max_length": f"The reason must be {REASON_MAX} characters or fewer",
        },
    )
    resubmit_by = GovukDateField(
        what="the date to resubmit by",
        required=False,
        label="Resubmit by",
        help_text="Only if the agency needs longer than its deadline (required once the deadline "
        "has passed). It runs to 11:59pm UK time that day. For example, 27 3 2026",
    )

    def __init__(self, *args, submission, **kwargs):
        super().__init__(*args, **kwargs)
        self.submission = submission

    def clean_reason(self):
        value = self.cleaned_data["reason"].strip()
        if not value:
            raise ValidationError("Enter the reason for returning it, so the agency knows what to change")
        return value

    def clean_resubmit_by(self):
        value = self.cleaned_data.get("resubmit_by")
        problem = resubmit_by_check(submission=self.submission, resubmit_by=value)
        if problem:
            raise ValidationError(problem)
        return value


class MeetingForm(forms.Form):
    kind = meeting_kind_field()
    held_on = GovukDateField(
        what="the date of the meeting", label="Date of the meeting", help_text="For example, 27 3 2026"
    )
    submissions = forms.MultipleChoiceField(
        label="Returns discussed",
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": "Select the returns the meeting discussed",
            "invalid_choice": "Select returns of this cycle only",
        },
    )
    panel_members = forms.CharField(
        label="Panel members",
        max_length=COMMENT_MAX,
        widget=forms.Textarea,
        help_text="One person a line, with their role.",
        error_messages={
            "required": "Enter who was on the panel",
            "max_length": f"Panel members must be {COMMENT_MAX} characters or fewer",
        },
    )
    notes = forms.CharField(
        label="Notes",
        required=False,
        max_length=20000,
        widget=forms.Textarea,
        error_messages={"max_length": "Notes must be 20,000 characters or fewer"},
    )

    def __init__(self, *args, submissions, **kwargs):
        super().__init__(*args, **kwargs)
        self.submission_rows = {str(s.pk): s for s in submissions}
        self.fields["submissions"].choices = [(str(s.pk), s.agency.name) for s in submissions]

    def clean_held_on(self):
        value = self.cleaned_data["held_on"]
        if value and value.year < 2000:
            message = "The date of the meeting must be a real date"
            self.fields["held_on"].fields[2].widget.errors = [message]  # highlight the year box
            raise ValidationError(message)
        return value

    def clean_submissions(self):
        return [self.submission_rows[pk] for pk in self.cleaned_data["submissions"]]


class ActionForm(forms.Form):
    """One row of agreed actions. A row left wholly blank is ignored."""

    action = forms.CharField(
        label="Action",
        required=False,
        max_length=2000,
        error_messages={"max_length": "The action must be 2,000 characters or fewer"},
    )
    owner = forms.CharField(
        label="Owner",
        required=False,
        max_length=200,
        error_messages={"max_length": "The owner must be 200 characters or fewer"},
    )
    due_on = GovukDateField(
        what="the due date", required=False, label="Due date", help_text="For example, 27 3 2026"
    )

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        action, owner, due_on = (
            data.get("action", "").strip(),
            data.get("owner", "").strip(),
            data.get("due_on"),
        )
        if not (action or owner or due_on):
            return data
        number = self.prefix.rsplit("-", 1)[-1]
        row = int(number) + 1 if number.isdigit() else ""
        if not action:
            self.add_error("action", f"Enter action {row}")
        if not owner:
            self.add_error("owner", f"Enter who owns action {row}")
        if not due_on:
            self.add_error("due_on", f"Enter the due date of action {row}")
        return data

    def agreed_action(self) -> AgreedAction | None:
        data = self.cleaned_data
        if not data.get("action", "").strip():
            return None
        return AgreedAction(action=data["action"], owner=data["owner"], due_on=data["due_on"])


ActionFormSet = forms.formset_factory(ActionForm, extra=0, max_num=50, absolute_max=50, validate_max=True)
ACTION_ROWS = 3  # blank rows on a new meeting; "Add another action" adds one


class ConfirmForm(forms.Form):
    """Confirming the evaluation: the versions of the outcome and of the
    moderations the page showed (a stale page is refused), and, when themes
    are not moderated, that the reviewer means to confirm without them."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0, error_messages=STALE_PAGE_ERRORS)
    moderations = forms.CharField(
        widget=forms.HiddenInput,
        required=False,
        max_length=2000,
        error_messages={**STALE_PAGE_ERRORS, "max_length": STALE_PAGE_ERRORS["invalid"]},
    )
    without_moderation = forms.BooleanField(required=False)

    def __init__(self, *args, unmoderated: int = 0, **kwargs):
        super().__init__(*args, **kwargs)
        self.unmoderated = unmoderated
        self.fields["without_moderation"].label = (
            "Confirm without moderating this theme"
            if unmoderated == 1
            else f"Confirm without moderating these {unmoderated} themes"
        )

    def clean(self):
        data = super().clean()
        if self.unmoderated and not data.get("without_moderation"):
            self.add_error(
                "without_moderation",
                "Moderate every theme, or tick the box to confirm without moderating "
                + ("it" if self.unmoderated == 1 else "them"),
            )
        return data
