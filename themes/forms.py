"""Forms of the question-set builder. They parse input; the rules live in
themes.services."""

from django import forms

from partnerships.models import Sector, StatutoryGroup

from .library import MAX_FILE_BYTES
from .models import Audience

NAME_ERRORS = {
    "required": "Enter a name for the question set",
    "max_length": "The name must be 200 characters or fewer",
}


class QuestionSetForm(forms.Form):
    name = forms.CharField(
        label="Name",
        max_length=200,
        help_text="For example 'Section 11 audit 2026' or 'Voluntary sector self-assessment'",
        error_messages=NAME_ERRORS,
    )
    description = forms.CharField(
        label="Description (optional)",
        required=False,
        widget=forms.Textarea,
        max_length=5000,
        error_messages={"max_length": "The description must be 5,000 characters or fewer"},
    )
    audience = forms.ChoiceField(
        label="Who it is for",
        choices=Audience.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select who the question set is for"},
    )


class CopyForm(forms.Form):
    name = forms.CharField(
        label="Name of the copy",
        max_length=200,
        help_text="The copy is a draft you can change.",
        error_messages=NAME_ERRORS,
    )


class ThemeForm(forms.Form):
    title = forms.CharField(
        label="Title",
        max_length=200,
        error_messages={
            "required": "Enter a title for the theme",
            "max_length": "The title must be 200 characters or fewer",
        },
    )
    description = forms.CharField(
        label="Description (optional)",
        required=False,
        widget=forms.Textarea,
        help_text="One or two sentences under the title, saying what the theme is about.",
    )
    guidance = forms.CharField(
        label="Guidance (optional)",
        required=False,
        widget=forms.Textarea,
        help_text="What agencies should consider and what evidence to have ready.",
    )
    red_descriptor = forms.CharField(
        label="Red (not compliant)",
        widget=forms.Textarea,
        help_text="What a Red rating means for this theme.",
        error_messages={"required": "Describe what a Red rating means for this theme"},
    )
    amber_descriptor = forms.CharField(
        label="Amber (partially compliant)",
        widget=forms.Textarea,
        help_text="What an Amber rating means for this theme.",
        error_messages={"required": "Describe what an Amber rating means for this theme"},
    )
    green_descriptor = forms.CharField(
        label="Green (fully compliant)",
        widget=forms.Textarea,
        help_text="What a Green rating means for this theme.",
        error_messages={"required": "Describe what a Green rating means for this theme"},
    )


class QuestionForm(forms.Form):
    text = forms.CharField(
        label="Question",
        widget=forms.Textarea,
        max_length=2000,
        help_text="Agencies answer Yes, No or (if you allow it) Not applicable.",
        error_messages={
            "required": "Enter the question",
            "max_length": "The question must be 2,000 characters or fewer",
        },
    )
    guidance = forms.CharField(
        label="Guidance (optional)",
        required=False,
        widget=forms.Textarea,
        help_text="Shown under the question: what a Yes means, what to have ready.",
    )
    allows_na = forms.BooleanField(label="Agencies may answer 'Not applicable'", required=False)
    evidence_expected = forms.BooleanField(
        label="Agencies should have evidence ready for this", required=False
    )


class ImportForm(forms.Form):
    file = forms.FileField(
        label="Upload a question set file",
        help_text="A YAML (.yaml or .yml) or JSON (.json) file in the s11portal question-set format, "
        "up to 1MB.",
        error_messages={"required": "Choose a YAML or JSON file to import", "empty": "The file is empty"},
    )
    name = forms.CharField(
        label="Name (optional)",
        required=False,
        max_length=200,
        help_text="Leave blank to use the name in the file.",
        error_messages={"max_length": "The name must be 200 characters or fewer"},
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_FILE_BYTES:
            raise forms.ValidationError("The file must be smaller than 1MB")
        return upload


class RuleForm(forms.Form):
    """Give one group of a cycle's agencies their own question set. The
    group is one choice from one list: a statutory group, a sector or an
    agency ("statutory_group:statutory", "sector:voluntary", "agency:12")."""

    question_set = forms.ChoiceField(
        label="Question set",
        error_messages={
            "required": "Select a question set",
            "invalid_choice": "Select one of the published question sets",
        },
    )
    group = forms.ChoiceField(
        label="Which agencies answer it",
        error_messages={
            "required": "Select which agencies answer this question set",
            "invalid_choice": "Select which agencies answer this question set from the list",
        },
    )

    def __init__(self, *args, question_sets, agencies, **kwargs):
        super().__init__(*args, **kwargs)
        self.question_sets = {str(q.pk): q for q in question_sets}
        self.agencies = {str(a.pk): a for a in agencies}
        self.fields["question_set"].choices = [("", "Choose a question set")] + [
            (str(q.pk), f"{q.name} (version {q.version})") for q in question_sets
        ]
        self.fields["group"].choices = [
            ("", "Choose which agencies"),
            ("Statutory or not", [(f"statutory_group:{v}", label) for v, label in StatutoryGroup.choices]),
            ("Every agency in a sector", [(f"sector:{v}", label) for v, label in Sector.choices]),
            ("One agency", [(f"agency:{a.pk}", a.name) for a in agencies]),
        ]

    def rule_kwargs(self) -> dict:
        kind, _, value = self.cleaned_data["group"].partition(":")
        return {
            "question_set": self.question_sets[self.cleaned_data["question_set"]],
            "agency": self.agencies[value] if kind == "agency" else None,
            "sector": value if kind == "sector" else "",
            "statutory_group": value if kind == "statutory_group" else "",
        }


class QuestionMapForm(forms.Form):
    """Which built-in library question one of the partnership's own
    questions asks the same as (themes.services.question_map checks it)."""

    library_key = forms.ChoiceField(
        label="Library question",
        required=False,
        help_text="Organisations that answer for several partnerships copy answers by library question.",
    )

    def __init__(self, *args, library_questions=(), taken=frozenset(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["library_key"].choices = [("", "Not mapped: a question of your own")] + [
            (
                q.library_key,
                f"{q.theme_title}: {q.text[:140]}"
                + (" (the set already asks it)" if q.library_key in taken else ""),
            )
            for q in library_questions
        ]
        self.fields["library_key"].error_messages["invalid_choice"] = (
            "Select a question from the list, or ‘Not mapped’"
        )
