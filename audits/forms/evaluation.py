"""Forms about a confirmed evaluation: the agency's challenge and messages,
and the partnership's replies and final word. GOV.UK-style messages; the
rules that bind the services too are checked there."""

from django import forms
from django.core.exceptions import ValidationError

from ..models import Rag
from ..services.challenges import BODY_MAX
from ..services.evidence_requests import NOTE_MAX, WHAT_MAX, EvidenceRequestData, evidence_request_problems
from .fields import GovukDateField
from .journey import ThemeForm

WHOLE = "whole"


def _message_field(label: str, help_text: str = "", required_message: str = "Enter your message"):
    return forms.CharField(
        label=label,
        max_length=BODY_MAX,
        widget=forms.Textarea,
        help_text=help_text,
        error_messages={
            "required": required_message,
            "max_length": f"The message must be {BODY_MAX} characters or fewer",
        },
    )


class _Stripped:
    def _stripped(self, name: str, message: str) -> str:
        value = self.cleaned_data[name].strip()
        if not value:
            raise ValidationError(message)
        return value


class ChallengeStartForm(_Stripped, forms.Form):
    subject = forms.ChoiceField(
        label="What do you want to respond to?",
        widget=forms.RadioSelect,
        error_messages={
            "required": "Select a theme, or the evaluation as a whole",
            "invalid_choice": "Select a theme, or the evaluation as a whole",
        },
    )
    message = _message_field(
        "Your message to the partnership",
        "Say what you disagree with and why, or what you want the partnership to know. It is kept on "
        "the record of your return.",
        "Enter your message to the partnership",
    )

    def __init__(self, *args, themes, **kwargs):
        super().__init__(*args, **kwargs)
        self.themes = {t.key: t for t in themes}
        self.fields["subject"].choices = [
            (WHOLE, "The evaluation as a whole"),
            *[(t.key, f"{t.order}. {t.title}") for t in themes],
        ]

    def clean_message(self):
        return self._stripped("message", "Enter your message to the partnership")

    def theme(self):
        """The chosen theme, or None for the evaluation as a whole."""
        return self.themes.get(self.cleaned_data["subject"])


class ChallengeMessageForm(_Stripped, forms.Form):
    message = _message_field("Your message")

    def clean_message(self):
        return self._stripped("message", "Enter your message")


class ChallengeResolveForm(_Stripped, forms.Form):
    KEEP, CHANGE = "keep", "change"

    decision = forms.ChoiceField(
        label="Your final word",
        widget=forms.RadioSelect,
        choices=[(KEEP, "Keep the moderated rating"), (CHANGE, "Change the moderated rating")],
        error_messages={
            "required": "Select whether to keep or change the moderated rating",
            "invalid_choice": "Select whether to keep or change the moderated rating",
        },
    )
    rag = forms.ChoiceField(
        label="New moderated rating",
        required=False,
        widget=forms.RadioSelect,
        choices=[(value, label) for value, label in reversed(Rag.choices)],
        error_messages={"invalid_choice": "Select Green, Amber or Red"},
    )
    reason = _message_field(
        "Reason",
        "Why you keep or change it. The agency is emailed this and sees it on its return.",
        "Enter the reason for your decision",
    )

    def __init__(self, *args, theme=None, **kwargs):
        super().__init__(*args, **kwargs)
        if theme is None:  # the evaluation as a whole: there is no rating to change
            self.fields["decision"].choices = [(self.KEEP, "The evaluation stands")]
            self.fields["decision"].required = False
            self.fields["decision"].initial = self.KEEP
            del self.fields["rag"]

    def clean_reason(self):
        return self._stripped("reason", "Enter the reason for your decision")

    def clean(self):
        data = super().clean()
        if data.get("decision") == self.CHANGE and "rag" in self.fields and not data.get("rag"):
            self.add_error("rag", "Select the new moderated rating")
        return data

    @property
    def change_rating(self) -> bool:
        return self.cleaned_data.get("decision") == self.CHANGE


# --- evidence requests ------------------------------------------------------------


class EvidenceRequestForm(forms.Form):
    """A reviewer's request for evidence. With `optional` (on the confirm
    page, beside an outcome of Further evidence requested), all blank means
    no request; anything filled in makes every part required."""

    themes = forms.MultipleChoiceField(
        label="Which themes do you want evidence for?",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": "Select themes of this return only"},
    )
    what = forms.CharField(
        label="What evidence should the agency send?",
        required=False,
        max_length=WHAT_MAX,
        widget=forms.Textarea,
        help_text="Be specific: the agency's contacts are emailed this with a link to send it.",
        error_messages={"max_length": f"What you ask for must be {WHAT_MAX} characters or fewer"},
    )
    due_on = GovukDateField(
        what="the date the evidence is due",
        required=False,
        label="Due date",
        help_text="The agency is reminded 7, 2 and 1 days before. For example, 27 3 2027",
    )

    def __init__(self, *args, submission, themes, optional: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.submission = submission
        self.optional = optional
        self.theme_by_key = {t.key: t for t in themes}
        self.fields["themes"].choices = [(t.key, f"{t.order}. {t.title}") for t in themes]

    def request_data(self) -> EvidenceRequestData | None:
        """What was asked for, or None (optional and left blank)."""
        return self.cleaned_data.get("request")

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        chosen = [self.theme_by_key[k] for k in data.get("themes", [])]
        request = EvidenceRequestData(themes=chosen, what=data.get("what", ""), due_on=data.get("due_on"))
        if self.optional and not (chosen or request.what.strip() or request.due_on):
            data["request"] = None
            return data
        for field, message in evidence_request_problems(submission=self.submission, data=request).items():
            self.add_error(field, message)
        data["request"] = request
        return data


class SupplementaryEvidenceForm(forms.Form):
    theme = forms.ChoiceField(
        label="Which theme is it for?",
        widget=forms.RadioSelect,
        error_messages={
            "required": "Select the theme the evidence is for",
            "invalid_choice": "Select one of the themes the partnership asked about",
        },
    )
    evidence_file = forms.FileField(
        label="Upload a file",
        required=False,
        error_messages={"invalid": "The selected file could not be read: choose it again"},
    )
    evidence_url = forms.CharField(
        label="Or give a link",
        required=False,
        max_length=1000,
        help_text="For example a document in a shared drive, starting https://",
        error_messages={"max_length": "The link must be 1,000 characters or fewer"},
    )
    evidence_title = forms.CharField(
        label="What the link is",
        required=False,
        max_length=300,
        error_messages={"max_length": "What the link is must be 300 characters or fewer"},
    )
    note = forms.CharField(
        label="Note for the partnership (optional)",
        required=False,
        max_length=NOTE_MAX,
        widget=forms.Textarea,
        error_messages={"max_length": f"The note must be {NOTE_MAX} characters or fewer"},
    )

    def __init__(self, *args, themes, **kwargs):
        super().__init__(*args, **kwargs)
        self.theme_by_key = {t.key: t for t in themes}
        self.fields["theme"].choices = [(t.key, f"{t.order}. {t.title}") for t in themes]
        if len(themes) == 1:
            self.fields["theme"].initial = themes[0].key

    clean_evidence_url = ThemeForm.clean_evidence_url

    def clean(self):
        data = super().clean()
        if "evidence_url" in self.errors or "evidence_file" in self.errors:
            return data
        has_file, has_link = bool(data.get("evidence_file")), bool(data.get("evidence_url"))
        if has_file == has_link:
            self.add_error(
                "evidence_file",
                "Choose a file or enter a link"
                if not has_file
                else "Choose a file or enter a link, not both",
            )
        elif data.get("evidence_title") and not has_link:
            self.add_error("evidence_url", "Enter the link, or remove what the link is")
        return data

    def chosen_theme(self):
        return self.theme_by_key[self.cleaned_data["theme"]]
