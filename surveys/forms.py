"""The practitioner's answer form (with its bot check) and the admin's
survey settings form."""

import time

from django import forms
from django.conf import settings
from django.core import signing

from .library import survey_template_keys, survey_template_read

SIGNER_SALT = "surveys.served"
# A person cannot read and answer the survey faster than this.
MIN_SECONDS_DEFAULT = 5
# A page older than this (a day) is stale: served again, answers kept.
MAX_AGE_SECONDS = 86400


def min_seconds() -> int:
    return getattr(settings, "SURVEY_MIN_SECONDS", MIN_SECONDS_DEFAULT)


def served_stamp() -> str:
    """When the page was served, signed so a bot cannot backdate it."""
    return signing.dumps(int(time.time()), salt=SIGNER_SALT)


class BotSuspectedError(Exception):
    pass


class SurveyReplyForm(forms.Form):
    # The honeypot: hidden from people (and screen readers) by the template,
    # filled in by bots that fill in everything.
    website = forms.CharField(required=False)
    served = forms.CharField(widget=forms.HiddenInput)

    def __init__(self, *args, questions, **kwargs):
        super().__init__(*args, **kwargs)
        self.questions = list(questions)
        for number, question in enumerate(self.questions, start=1):
            self.fields[self.field_name(question)] = forms.ChoiceField(
                label=question.text,
                choices=[(c.value, c.label) for c in question.choices],
                widget=forms.RadioSelect,
                error_messages={
                    "required": f"Select an answer to question {number}",
                    "invalid_choice": f"Select an answer to question {number}",
                },
            )

    @staticmethod
    def field_name(question) -> str:
        return f"q{question.pk}"

    def question_fields(self):
        return [(q, self[self.field_name(q)]) for q in self.questions]

    def bot_check(self) -> None:
        """Raises BotSuspectedError for a filled honeypot, a missing or
        forged stamp, or a reply sent too soon after the page was served."""
        if self.data.get("website"):
            raise BotSuspectedError("honeypot")
        try:
            served = signing.loads(self.data.get("served", ""), salt=SIGNER_SALT, max_age=MAX_AGE_SECONDS)
        except signing.BadSignature as exc:  # SignatureExpired is one
            raise BotSuspectedError("stamp") from exc
        if time.time() - served < min_seconds():
            raise BotSuspectedError("too fast")

    def answers(self) -> dict[int, str]:
        return {q.pk: self.cleaned_data[self.field_name(q)] for q in self.questions}


class SurveySetupForm(forms.Form):
    library_key = forms.ChoiceField(
        label="Questions",
        error_messages={"required": "Select the questions to ask"},
    )
    disagreement_threshold = forms.IntegerField(
        label="Flag a difference of",
        help_text=(
            "Percentage points between what the agency said (Yes counts as 100%, No as 0%) "
            "and the share of its practitioners who agree, for example 25."
        ),
        min_value=1,
        max_value=100,
        error_messages={
            "required": "Enter the difference to flag, as a whole number of percentage points",
            "invalid": "The difference to flag must be a whole number, like 25",
            "min_value": "The difference to flag must be 1 or more",
            "max_value": "The difference to flag must be 100 or less",
        },
    )

    def __init__(self, *args, editing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["library_key"].choices = [
            (key, survey_template_read(key)["name"]) for key in survey_template_keys()
        ]
        if editing:
            del self.fields["library_key"]


class SurveyShareRemindForm(forms.Form):
    """Which agencies' contacts to email their survey link: every agency
    with fewer than five replies, or the agencies ticked."""

    which = forms.ChoiceField(
        choices=[("few", "Every agency with fewer than 5 replies"), ("ticked", "The agencies I ticked")],
        widget=forms.RadioSelect,
        error_messages={"required": "Select which agencies to email"},
    )
    agency = forms.TypedMultipleChoiceField(coerce=int, required=False, widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, agencies=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agency"].choices = [(a.pk, a.name) for a in agencies]

    def clean(self):
        data = super().clean()
        if data.get("which") == "ticked" and not data.get("agency"):
            self.add_error("agency", "Tick at least one agency to email")
        return data

    def agency_ids(self) -> list[int] | None:
        return self.cleaned_data["agency"] if self.cleaned_data["which"] == "ticked" else None
