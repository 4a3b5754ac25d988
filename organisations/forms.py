"""Forms for organisations, with GOV.UK error messages. They check what was
typed; the rules are the services'."""

from django import forms

from audits.models import AnswerValue, Rag
from partnerships.models import Sector

from .models import IdentifierType, OrganisationRole
from .services.standing import library_questions as standing_library_questions
from .services.standing import standing_theme_rules_check

EMAIL_ERRORS = {
    "required": "Enter an email address",
    "invalid": "Enter an email address in the correct format, like name@example.org",
    "max_length": "Email address must be 254 characters or fewer",
}


def _email(label: str, **kwargs) -> forms.EmailField:
    return forms.EmailField(label=label, max_length=254, error_messages=EMAIL_ERRORS, **kwargs)


class _Clean:
    def clean_email(self):
        return self.cleaned_data["email"].strip().lower()


class OrganisationSearchForm(forms.Form):
    q = forms.CharField(
        label="Organisation name or identifier",
        max_length=200,
        required=False,
        help_text="For example an NHS ODS code (RXN), a police force code, a charity or company number.",
        error_messages={"max_length": "Search must be 200 characters or fewer"},
    )


class LinkForm(forms.Form):
    organisation = forms.IntegerField(min_value=1, error_messages={"required": "Choose an organisation"})


class OrganisationProposeForm(forms.Form):
    name = forms.CharField(
        label="Organisation name",
        max_length=200,
        error_messages={
            "required": "Enter the organisation’s name",
            "max_length": "Name must be 200 characters or fewer",
        },
    )
    kind = forms.ChoiceField(
        label="Kind of organisation",
        choices=[("", "Choose the kind"), *list(Sector.choices)],
        error_messages={
            "required": "Choose the kind of organisation",
            "invalid_choice": "Choose the kind of organisation",
        },
    )
    identifier_type = forms.ChoiceField(
        label="Type of identifier (optional)",
        choices=[("", "No identifier"), *list(IdentifierType.choices)],
        required=False,
        error_messages={"invalid_choice": "Choose a type of identifier from the list"},
    )
    identifier = forms.CharField(
        label="Identifier (optional)",
        max_length=40,
        required=False,
        error_messages={"max_length": "Identifier must be 40 characters or fewer"},
    )
    admin_name = forms.CharField(
        label="Full name of the person who will run it",
        max_length=200,
        error_messages={
            "required": "Enter the full name of the person who will run it",
            "max_length": "Full name must be 200 characters or fewer",
        },
    )
    admin_email = _email(
        "Their email address",
        help_text="They become the organisation’s admin and are asked to accept the link.",
    )

    def clean_admin_email(self):
        return self.cleaned_data["admin_email"].strip().lower()

    def clean(self):
        data = super().clean()
        if data.get("identifier", "").strip() and not data.get("identifier_type"):
            self.add_error("identifier_type", "Choose the type of identifier")
        if data.get("identifier_type") and not data.get("identifier", "").strip():
            self.add_error("identifier", "Enter the identifier, or choose no identifier")
        return data


class SignInForm(_Clean, forms.Form):
    email = _email("Email address")


class MemberInviteForm(_Clean, forms.Form):
    name = forms.CharField(
        label="Full name",
        max_length=200,
        error_messages={
            "required": "Enter their full name",
            "max_length": "Full name must be 200 characters or fewer",
        },
    )
    email = _email("Email address", help_text="We will email them a link to sign in.")
    role = forms.ChoiceField(
        label="Role",
        choices=OrganisationRole.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose a role", "invalid_choice": "Choose a role"},
    )


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(
        choices=[("accept", "Accept"), ("refuse", "Refuse")],
        error_messages={"required": "Choose accept or refuse", "invalid_choice": "Choose accept or refuse"},
    )


class CopyChooseForm(forms.Form):
    """Which return to copy from and which to copy into (the choices are the
    organisation's returns; the view gives them)."""

    source = forms.TypedChoiceField(
        label="Copy from",
        coerce=int,
        error_messages={
            "required": "Choose the return to copy from",
            "invalid_choice": "Choose the return to copy from",
        },
    )
    target = forms.TypedChoiceField(
        label="Copy into",
        coerce=int,
        help_text="Only returns of open audits that are not submitted can be changed.",
        error_messages={
            "required": "Choose the return to copy into",
            "invalid_choice": "Choose the return to copy into",
        },
    )

    def __init__(self, *args, sources, targets, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["source"].choices = [("", "Choose a return"), *sources]
        self.fields["target"].choices = [("", "Choose a return"), *targets]

    def clean(self):
        data = super().clean()
        if data.get("source") and data.get("source") == data.get("target"):
            self.add_error("target", "Choose a different return to copy into")
        return data


class CopyThemeForm(forms.Form):
    source = forms.IntegerField(min_value=1)
    target = forms.IntegerField(min_value=1)
    theme = forms.SlugField(max_length=60)


class EvidenceUploadForm(forms.Form):
    file = forms.FileField(
        label="Upload a file",
        error_messages={"required": "Select a file", "empty": "The selected file is empty"},
    )
    title = forms.CharField(
        label="Title (optional)",
        max_length=300,
        required=False,
        error_messages={"max_length": "Title must be 300 characters or fewer"},
    )


class EvidenceAttachForm(forms.Form):
    """Which open return and theme to attach a library file to: choices
    "<return id>:<theme key>", which the view gives."""

    where = forms.ChoiceField(
        label="Attach to",
        error_messages={
            "required": "Choose a return and theme",
            "invalid_choice": "Choose a return and theme",
        },
    )

    def __init__(self, *args, choices, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["where"].choices = [("", "Choose a return and theme"), *choices]

    def target(self) -> tuple[int, str]:
        pk, key = self.cleaned_data["where"].split(":", 1)
        return int(pk), key


class StandingThemeForm(forms.Form):
    """One theme of a standing draft: a Yes / No / Not applicable radio per
    library question (q_<question key>), the rating and the comments, checked
    by the agency theme page's rules in its words."""

    rag = forms.ChoiceField(label="Rating", choices=Rag.choices, required=False, widget=forms.RadioSelect)
    comments = forms.CharField(
        label="Comments",
        required=False,
        widget=forms.Textarea,
        max_length=10000,
        error_messages={"max_length": "Comments must be 10,000 characters or fewer"},
    )
    version = forms.IntegerField(min_value=0, widget=forms.HiddenInput)

    def __init__(self, *args, theme: dict, **kwargs):
        super().__init__(*args, **kwargs)
        self.theme = theme
        self.question_keys = [q["key"] for q in standing_library_questions(theme)]
        for question in standing_library_questions(theme):
            choices = AnswerValue.choices if question["allows_na"] else AnswerValue.choices[:2]
            self.fields[f"q_{question['key']}"] = forms.ChoiceField(
                label=question["text"],
                choices=choices,
                required=False,
                widget=forms.RadioSelect,
                error_messages={
                    "invalid_choice": "Select yes, no or not applicable"
                    if question["allows_na"]
                    else "Select yes or no; this question cannot be not applicable"
                },
            )

    def answers(self) -> dict[str, str]:
        return {
            key: self.cleaned_data[f"q_{key}"]
            for key in self.question_keys
            if self.cleaned_data.get(f"q_{key}")
        }

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        errors = standing_theme_rules_check(
            theme=self.theme,
            answers=self.answers(),
            rag=data.get("rag", ""),
            comments=data.get("comments", ""),
        )
        for name, message in errors.items():
            self.add_error(None if name == "__all__" else name, message)
        return data


class StandingSeedForm(forms.Form):
    source = forms.TypedChoiceField(
        label="Return to update the draft from",
        coerce=int,
        error_messages={
            "required": "Choose the return to update the draft from",
            "invalid_choice": "Choose the return to update the draft from",
        },
    )

    def __init__(self, *args, sources, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["source"].choices = [("", "Choose a return"), *sources]
