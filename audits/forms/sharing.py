"""The form that offers a cycle to another partnership (joint boards)."""

import re

from django import forms

PARTNER_ERROR = "Enter the other partnership’s web address, like sheffield-adults"


class CycleShareForm(forms.Form):
    partner = forms.CharField(
        label="The other partnership’s web address on this service",
        help_text="The part after the service’s address: for /sheffield-adults/, enter sheffield-adults.",
        max_length=80,
        error_messages={"required": PARTNER_ERROR, "max_length": PARTNER_ERROR},
    )

    def clean_partner(self):
        value = self.cleaned_data["partner"].strip().strip("/").lower()
        if not re.fullmatch(r"[-a-z0-9_]+", value):
            raise forms.ValidationError(PARTNER_ERROR)
        return value
