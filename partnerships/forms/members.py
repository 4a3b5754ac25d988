"""Forms for managing a partnership's staff, with GOV.UK error messages.
They only check what was typed; the rules (one admin at least, not
yourself) are the services'."""

from django import forms

from ..models import StaffRole
from ..permissions import ROLE_DESCRIPTIONS

ROLE_ERRORS = {"required": "Choose a role", "invalid_choice": "Choose a role"}
LOCALITY_LEAD_NEEDS_LOCALITY = "Choose at least one locality for a locality lead"
COMMISSIONER_NEEDS_AGENCY = "Choose the agency they commission for"


class RoleFields(forms.Form):
    """The role, a locality lead's localities and a commissioner's agency
    (each chosen under its role's radio; ignored for any other role)."""

    role = forms.ChoiceField(
        label="Role", choices=StaffRole.choices, widget=forms.RadioSelect, error_messages=ROLE_ERRORS
    )
    localities = forms.TypedMultipleChoiceField(
        label="Localities",
        required=False,
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": "Choose localities from the list"},
    )
    agency = forms.TypedChoiceField(
        label="The agency they commission for (a commissioner only)",
        required=False,
        coerce=int,
        empty_value=None,
        error_messages={"invalid_choice": "Choose an agency from the list"},
    )

    def __init__(self, *args, localities=(), agencies=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["localities"].choices = [(str(lo.pk), lo.name) for lo in localities]
        self.fields["agency"].choices = [("", "Choose an agency")] + [(str(a.pk), a.name) for a in agencies]

    def clean(self):
        data = super().clean()
        role = data.get("role")
        if role == StaffRole.LOCALITY_LEAD:
            if not data.get("localities") and "localities" not in self.errors:
                self.add_error("localities", LOCALITY_LEAD_NEEDS_LOCALITY)
        else:
            data["localities"] = []
        if role == StaffRole.COMMISSIONER:
            if data.get("agency") is None and "agency" not in self.errors:
                self.add_error("agency", COMMISSIONER_NEEDS_AGENCY)
        else:
            data["agency"] = None
        return data


def role_options() -> list[tuple[str, str, str]]:
    """(value, label, what the role can do) for each role, most powerful first."""
    return [(value, label, ROLE_DESCRIPTIONS[value]) for value, label in StaffRole.choices]


class StaffMemberAddForm(RoleFields):
    full_name = forms.CharField(
        label="Full name",
        max_length=200,
        error_messages={
            "required": "Enter their full name",
            "max_length": "Full name must be 200 characters or fewer",
        },
    )
    email = forms.EmailField(
        label="Email address",
        max_length=254,
        help_text="We will email them a link to set up their account.",
        error_messages={
            "required": "Enter their email address",
            "invalid": "Enter an email address in the correct format, like name@example.org",
            "max_length": "Email address must be 254 characters or fewer",
        },
    )
    field_order = ["full_name", "email", "role", "localities", "agency"]

    def clean_email(self):
        return self.cleaned_data["email"].strip().lower()


class StaffMemberRoleForm(RoleFields):
    pass


class SecondFactorResetForm(forms.Form):
    reason = forms.CharField(
        label="Why are you resetting their authenticator app?",
        help_text="For example, they have lost their phone. This is kept on the record.",
        max_length=1000,
        widget=forms.Textarea,
        error_messages={
            "required": "Enter why you are resetting their authenticator app",
            "max_length": "Reason must be 1000 characters or fewer",
        },
    )


class InvitationAcceptForm(forms.Form):
    display_name = forms.CharField(
        label="Your name",
        help_text="As the partnership will see it on its staff list and audit log.",
        max_length=200,
        error_messages={
            "required": "Enter your name",
            "max_length": "Your name must be 200 characters or fewer",
        },
    )


class AccountSearchForm(forms.Form):
    """The platform admin's search for a staff account."""

    q = forms.CharField(label="Email address or name", required=False, max_length=254)
