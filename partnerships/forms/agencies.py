"""Forms for the agencies pages (partnership admins). They parse what was
typed; the rules (unique names and emails, one partnership) live in the
services in partnerships/services.py."""

from django import forms

from ..models import Sector
from ..selectors import AgencyFilters
from ..services import AGENCY_NAME_MAX, IMPORT_MAX_BYTES, LOCALITY_NAME_MAX

YES_NO = [("yes", "Yes"), ("no", "No")]


class AgencyFilterForm(forms.Form):
    """The GET form above the agencies table. A bad value gets an error and
    is left out of the filter; the rest still applies."""

    q = forms.CharField(
        label="Agency name",
        required=False,
        max_length=200,
        error_messages={"max_length": "The name to search for must be 200 characters or fewer"},
    )
    locality = forms.TypedChoiceField(
        label="Locality",
        required=False,
        coerce=int,
        empty_value=None,
        error_messages={"invalid_choice": "Select a locality from the list"},
    )
    sector = forms.ChoiceField(
        label="Sector",
        required=False,
        choices=[("", "All sectors"), *Sector.choices],
        error_messages={"invalid_choice": "Select a sector from the list"},
    )
    status = forms.ChoiceField(
        label="Status",
        required=False,
        choices=[("", "Active and inactive"), ("active", "Active"), ("inactive", "Inactive")],
        error_messages={"invalid_choice": "Select active, inactive or both"},
    )

    def __init__(self, data, *, localities, **kwargs):
        super().__init__(data, **kwargs)
        self.fields["locality"].choices = [("", "All localities"), *((lo.pk, lo.name) for lo in localities)]

    def filters(self):
        if not self.is_bound:
            return AgencyFilters()
        self.is_valid()
        data = self.cleaned_data
        status = data.get("status") or ""
        return AgencyFilters(
            locality_id=data.get("locality") or None,
            sector=data.get("sector") or "",
            active={"active": True, "inactive": False}.get(status),
            search=(data.get("q") or "").strip(),
        )

    @property
    def is_filtered(self) -> bool:
        f = self.filters()
        return bool(f.locality_id or f.sector or f.active is not None or f.search)


class AgencyForm(forms.Form):
    name = forms.CharField(
        label="Name",
        max_length=AGENCY_NAME_MAX,
        error_messages={
            "required": "Enter the agency’s name",
            "max_length": f"The name must be {AGENCY_NAME_MAX} characters or fewer",
        },
    )
    sector = forms.ChoiceField(
        label="Sector",
        choices=[("", "Select a sector"), *Sector.choices],
        error_messages={"required": "Select a sector", "invalid_choice": "Select a sector from the list"},
    )
    statutory = forms.ChoiceField(
        label="Is it a statutory partner?",
        choices=YES_NO,
        widget=forms.RadioSelect,
        help_text="Named in Section 11 of the Children Act 2004, rather than taking part by choice.",
        error_messages={
            "required": "Select yes if it is a statutory partner",
            "invalid_choice": "Select yes or no",
        },
    )
    localities = forms.TypedMultipleChoiceField(
        label="Localities",
        required=False,
        coerce=int,
        error_messages={"invalid_choice": "Select localities from the list"},
    )
    active = forms.ChoiceField(
        label="Is it active?",
        choices=YES_NO,
        widget=forms.RadioSelect,
        help_text="An inactive agency keeps its returns and their history, but is no longer counted "
        "among the agencies taking part in audit cycles.",
        error_messages={
            "required": "Select yes if the agency is active",
            "invalid_choice": "Select yes or no",
        },
    )

    def __init__(self, data=None, *, localities, creating: bool, **kwargs):
        super().__init__(data, **kwargs)
        self.locality_rows = {lo.pk: lo for lo in localities}
        self.fields["localities"].choices = [(lo.pk, lo.name) for lo in localities]
        if creating:
            del self.fields["active"]

    @staticmethod
    def initial_for(agency) -> dict:
        return {
            "name": agency.name,
            "sector": agency.sector,
            "statutory": "yes" if agency.is_statutory else "no",
            "localities": [str(lo.pk) for lo in agency.localities.all()],
            "active": "yes" if agency.is_active else "no",
        }

    def clean_name(self):
        name = " ".join(self.cleaned_data["name"].split())
        if not name:
            raise forms.ValidationError("Enter the agency’s name")
        return name

    def chosen_localities(self):
        return [self.locality_rows[pk] for pk in self.cleaned_data.get("localities") or ()]


class ContactForm(forms.Form):
    name = forms.CharField(
        label="Full name",
        max_length=200,
        error_messages={
            "required": "Enter the contact’s full name",
            "max_length": "The name must be 200 characters or fewer",
        },
    )
    email = forms.EmailField(
        label="Email address",
        max_length=254,
        error_messages={
            "required": "Enter the contact’s email address",
            "invalid": "Enter an email address in the correct format, like name@example.org",
            "max_length": "The email address must be 254 characters or fewer",
        },
    )
    job_title = forms.CharField(
        label="Job title (optional)",
        required=False,
        max_length=200,
        error_messages={"max_length": "The job title must be 200 characters or fewer"},
    )
    primary = forms.ChoiceField(
        label="Is this the primary contact?",
        choices=YES_NO,
        widget=forms.RadioSelect,
        help_text="The primary contact is named first in invitations and reminders. An agency's first "
        "contact is always its primary contact.",
        error_messages={
            "required": "Select yes if this is the primary contact",
            "invalid_choice": "Select yes or no",
        },
    )

    def __init__(self, data=None, *, creating: bool, **kwargs):
        super().__init__(data, **kwargs)
        if not creating:
            del self.fields["primary"]

    def clean_name(self):
        name = " ".join(self.cleaned_data["name"].split())
        if not name:
            raise forms.ValidationError("Enter the contact’s full name")
        return name


class LocalityForm(forms.Form):
    name = forms.CharField(
        label="Name",
        max_length=LOCALITY_NAME_MAX,
        error_messages={
            "required": "Enter the locality’s name",
            "max_length": f"The name must be {LOCALITY_NAME_MAX} characters or fewer",
        },
    )

    def clean_name(self):
        name = " ".join(self.cleaned_data["name"].split())
        if not name:
            raise forms.ValidationError("Enter the locality’s name")
        return name


class AgencyImportForm(forms.Form):
    file = forms.FileField(
        label="Upload a CSV file",
        help_text="A CSV file with the columns described above, up to 1MB.",
        error_messages={"required": "Choose a CSV file to import", "empty": "The file is empty"},
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > IMPORT_MAX_BYTES:
            raise forms.ValidationError("The file must be smaller than 1MB")
        return upload


class CommissionerForm(forms.Form):
    """Which of the partnership's agencies commissions this one, if any."""

    commissioned_by = forms.TypedChoiceField(
        label="Which agency commissions it?",
        help_text="Commissioners of that agency will see this agency’s returns, without changing them.",
        required=False,
        coerce=int,
        empty_value=None,
        error_messages={"invalid_choice": "Choose an agency from the list"},
    )

    def __init__(self, data=None, *, agency, agencies, **kwargs):
        super().__init__(data, **kwargs)
        self.agency_rows = {a.pk: a for a in agencies if a.pk != agency.pk}
        self.fields["commissioned_by"].choices = [("", "Not commissioned by another agency")] + [
            (str(pk), a.name) for pk, a in self.agency_rows.items()
        ]

    def chosen(self):
        pk = self.cleaned_data.get("commissioned_by")
        return self.agency_rows.get(pk) if pk is not None else None
