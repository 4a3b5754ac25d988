"""Forms about a confirmed evaluation: the agency's challenge and messages,
and the partnership's replies and final word. GOV.UK-style messages; the
rules that bind the services too are checked there."""

from django import forms
from django.core.exceptions import ValidationError

from ..models import Rag
from ..services.challenges import BODY_MAX

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
