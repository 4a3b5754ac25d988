"""A member's choice of staff notifications: how often, per kind."""

from django import forms

from ..models import NotificationFrequency, NotificationKind

FREQUENCY_ERRORS = {
    "required": "Select how often you want to be emailed",
    "invalid_choice": "Select how often you want to be emailed",
}


class NotificationPreferencesForm(forms.Form):
    """One set of radios a kind, named by the kind."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for kind, label in NotificationKind.choices:
            self.fields[kind] = forms.ChoiceField(
                label=label,
                choices=NotificationFrequency.choices,
                widget=forms.RadioSelect,
                error_messages={
                    "required": f"Select how often you want to be emailed when {label[0].lower()}{label[1:]}",
                    "invalid_choice": f"Select how often you want to be emailed when "
                    f"{label[0].lower()}{label[1:]}",
                },
            )
