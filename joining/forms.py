"""The registration form. GOV.UK error messages; what was typed is kept."""

from django import forms

from partnerships.models import Sector


def _one_line(value: str, what: str) -> str:
    if "\n" in value or "\r" in value:
        raise forms.ValidationError(f"{what} must be on one line")
    return value.strip()


class RegistrationForm(forms.Form):
    organisation_name = forms.CharField(
        label="Name of your organisation",
        max_length=200,
        error_messages={
            "required": "Enter the name of your organisation",
            "max_length": "The name of your organisation must be 200 characters or fewer",
        },
    )
    sector = forms.ChoiceField(
        label="What kind of organisation is it?",
        choices=Sector.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select what kind of organisation it is"},
    )
    contact_name = forms.CharField(
        label="Your full name",
        max_length=200,
        error_messages={
            "required": "Enter your full name",
            "max_length": "Your name must be 200 characters or fewer",
        },
    )
    job_title = forms.CharField(
        label="Your job title (optional)",
        max_length=200,
        required=False,
        error_messages={"max_length": "Your job title must be 200 characters or fewer"},
    )
    contact_email = forms.EmailField(
        label="Your work email address",
        help_text="We will send a link to this address to confirm it.",
        max_length=254,
        error_messages={
            "required": "Enter your work email address",
            "invalid": "Enter an email address in the correct format, like name@example.com",
        },
    )
    website = forms.CharField(required=False)  # a honeypot for bots

    def clean_organisation_name(self):
        return _one_line(self.cleaned_data["organisation_name"], "The name of your organisation")

    def clean_contact_name(self):
        return _one_line(self.cleaned_data["contact_name"], "Your name")
