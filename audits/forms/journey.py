"""Forms of the agency journey. They parse and validate input; the rules
that also bind the services live in the services and are called from here,
so the two can never disagree."""

from urllib.parse import urlparse

from django import forms
from django.core.validators import URLValidator

from ..models import SIGN_OFF_DECLARATION, AnswerValue, Rag
from ..services.responses import theme_rules_check

NAME_MAX = 200
# A hidden field only goes wrong when the page is stale or was tampered with.
STALE_PAGE_ERRORS = dict.fromkeys(
    ("required", "invalid", "min_value"),
    "This page is out of date. Go back to your return and open it again.",
)


class ContributorForm(forms.Form):
    name = forms.CharField(
        label="Full name",
        max_length=NAME_MAX,
        error_messages={
            "required": "Enter your full name",
            "max_length": "Full name must be 200 characters or fewer",
        },
    )
    email = forms.EmailField(
        label="Email address",
        max_length=254,
        help_text="We'll send a link to this address so you can come back to the return.",
        error_messages={
            "required": "Enter your email address",
            "invalid": "Enter an email address in the correct format, like name@example.org",
        },
    )

    def clean_name(self):
        return " ".join(self.cleaned_data["name"].split())

    def clean_email(self):
        return self.cleaned_data["email"].strip().lower()


class StartForm(ContributorForm):
    agency = forms.ChoiceField(
        label="Your organisation",
        error_messages={
            "required": "Select your organisation",
            "invalid_choice": "Select your organisation from the list",
        },
    )
    field_order = ["agency", "name", "email"]

    def __init__(self, *args, agencies, **kwargs):
        super().__init__(*args, **kwargs)
        self.agencies = {str(a.pk): a for a in agencies}
        self.fields["agency"].choices = [("", "Select your organisation")] + [
            (str(a.pk), a.name) for a in agencies
        ]

    def clean_agency(self):
        return self.agencies[self.cleaned_data["agency"]]


class LinkRequestForm(forms.Form):
    email = ContributorForm.base_fields["email"]


# A question's field: one of two, shared by every form and question. Making
# a ChoiceField with its RadioSelect for each of a theme's questions on every
# theme page and save cost about 13% of a save's CPU (docs/performance.md);
# a field keeps no state of a form's (cleaning only reads it), and the page's
# markup is made from the question and these choices
# (audits.views.theme_page), not from the field's widget or label.
ANSWER_FIELDS = {
    allows_na: forms.ChoiceField(
        choices=[(AnswerValue.YES, "Yes"), (AnswerValue.NO, "No")]
        + ([(AnswerValue.NA, "Not applicable")] if allows_na else []),
        required=False,
        widget=forms.RadioSelect,
        error_messages={
            "invalid_choice": "Select yes, no or not applicable" if allows_na else "Select yes or no"
        },
    )
    for allows_na in (False, True)
}


class ThemeForm(forms.Form):
    """Questions, RAG self-rating, comments and evidence of one theme.

    Every field is optional on its own: a return is saved bit by bit, and
    completeness is checked when it is submitted. The rules that must hold on
    every save (N/A needs a reason; Amber or Red needs an improvement plan)
    are the services' own, called from clean().
    """

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0, error_messages=STALE_PAGE_ERRORS)
    rag = forms.ChoiceField(
        label="RAG self-rating",
        choices=Rag.choices,
        required=False,
        widget=forms.RadioSelect,
        error_messages={"invalid_choice": "Select Red, Amber or Green"},
    )
    comments = forms.CharField(
        label="Comments",
        required=False,
        max_length=10000,
        widget=forms.Textarea,
        error_messages={"max_length": "Comments must be 10,000 characters or fewer"},
    )
    evidence_url = forms.CharField(
        label="Link to evidence",
        required=False,
        max_length=1000,
        help_text="For example a policy on your website or a document in a shared drive, starting https://",
    )
    evidence_title = forms.CharField(
        label="What the link is",
        required=False,
        max_length=300,
        help_text="For example 'Safeguarding policy 2026'",
    )
    evidence_file = forms.FileField(
        label="Upload a file",
        required=False,
        help_text="PDF, Word, Excel, PowerPoint, OpenDocument, PNG, JPEG or GIF",
    )
    staged = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, theme, **kwargs):
        super().__init__(*args, **kwargs)
        self.theme = theme
        self.questions = list(theme.questions.all())
        for question in self.questions:
            self.fields[f"q_{question.pk}"] = ANSWER_FIELDS[question.allows_na]

    def answers(self) -> dict[int, str]:
        return {
            q.pk: self.cleaned_data[f"q_{q.pk}"] for q in self.questions if self.cleaned_data.get(f"q_{q.pk}")
        }

    def staged_ids(self) -> list[int]:
        raw = self.cleaned_data.get("staged") or ""
        return [int(part) for part in raw.split(",") if part.strip().isdigit()]

    def clean_evidence_url(self):
        url = self.cleaned_data["evidence_url"].strip()
        if not url:
            return ""
        if "://" not in url:
            url = f"https://{url}"
        try:
            URLValidator(schemes=["http", "https"])(url)
        except forms.ValidationError as exc:
            raise forms.ValidationError(
                "Enter a link in the correct format, like https://www.example.org/policy.pdf"
            ) from exc
        if not urlparse(url).hostname:
            raise forms.ValidationError("Enter a link in the correct format")
        return url

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        if data.get("evidence_title") and not data.get("evidence_url"):
            self.add_error("evidence_url", "Enter the link, or remove what the link is")
        for field, message in theme_rules_check(
            theme=self.theme,
            answers=self.answers(),
            rag=data.get("rag", ""),
            comments=data.get("comments", ""),
        ).items():
            self.add_error(None if field == "__all__" else field, message)
        return data


class DeclarationForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0, error_messages=STALE_PAGE_ERRORS)
    signed_off_by_name = forms.CharField(
        label="Full name",
        max_length=NAME_MAX,
        error_messages={"required": "Enter the full name of the person signing off the return"},
    )
    signed_off_by_role = forms.CharField(
        label="Role",
        max_length=200,
        help_text="For example Director of Children's Services, or Designated Safeguarding Lead",
        error_messages={"required": "Enter the role of the person signing off the return"},
    )
    confirm = forms.BooleanField(
        label=SIGN_OFF_DECLARATION,
        error_messages={"required": "Confirm that the return has been approved"},
    )
