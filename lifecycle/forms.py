"""Forms of the data pages: the retention policy and the subject-access
request. GOV.UK error messages; a bound form keeps what was typed."""

from django import forms


class RetentionPolicyForm(forms.Form):
    years = forms.IntegerField(
        label="Years to keep personal data after a cycle closes",
        help_text="For example, 6. Then contributors' names and emails are removed; answers, ratings, "
        "comments, evidence files, action plans and figures stay.",
        min_value=1,
        max_value=50,
        error_messages={
            "required": "Enter how many years to keep personal data after a cycle closes",
            "invalid": "The number of years must be a whole number, like 6",
            "min_value": "The number of years must be 1 or more",
            "max_value": "The number of years must be 50 or fewer",
        },
    )
    keep_submitted_pdfs = forms.ChoiceField(
        label="Keep the submitted copies (PDFs) of returns?",
        help_text="A submitted copy names who signed the return off.",
        choices=[("yes", "Yes, keep them"), ("no", "No, delete them with the personal data")],
        widget=forms.RadioSelect,
        error_messages={"required": "Select whether to keep the submitted copies"},
    )

    def clean_keep_submitted_pdfs(self) -> bool:
        return self.cleaned_data["keep_submitted_pdfs"] == "yes"


class SubjectAccessForm(forms.Form):
    email = forms.EmailField(
        label="Email address of the person asking",
        max_length=254,
        error_messages={
            "required": "Enter the email address of the person asking",
            "invalid": "Enter an email address in the correct format, like name@example.com",
        },
    )


class PartnershipDeleteForm(forms.Form):
    name = forms.CharField(
        label="Type the partnership's name to confirm",
        max_length=200,
        error_messages={"required": "Enter the partnership's name to confirm you want to delete it"},
    )
