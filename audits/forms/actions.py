"""Forms of the action plan: an action item (with the GOV.UK date input of
audits.forms.fields for its target date) and a progress update. The rules live in
audits.services.actions and are called from here."""

from datetime import date

from django import forms

from ..models import ActionStatus
from ..services.actions import ActionItemData, action_item_rules_check
from .fields import GovukDateField

TEXT_MAX = 5000


def _text(label: str, required: bool = True, max_length: int = TEXT_MAX) -> forms.CharField:
    return forms.CharField(
        label=label,
        required=required,
        max_length=max_length,
        widget=forms.Textarea,
        error_messages={
            "required": f"Enter the {label.lower()}",
            "max_length": f"The {label.lower()} must be {max_length:,} characters or fewer",
        },
    )


class ActionItemForm(forms.Form):
    action = _text("Action")
    lead_person = forms.CharField(
        label="Lead person",
        max_length=200,
        help_text="The name or role of the person responsible, for example 'Head of HR'",
        error_messages={
            "required": "Enter the name or role of the lead person",
            "max_length": "The lead person must be 200 characters or fewer",
        },
    )
    target_date = GovukDateField(
        what="the date the action is due", label="Target date", help_text="For example, 31 3 2027"
    )
    success_criteria = _text("Success criteria")
    expected_outcome = _text("Expected outcome", required=False)
    impact_measure = _text("Impact measure", required=False)

    def __init__(self, *args, saved_target_date: date | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.saved_target_date = saved_target_date
        self.fields["success_criteria"].help_text = "How you will know the action has been achieved"
        self.fields[
            "expected_outcome"
        ].help_text = "Optional. What will be different for children and families"
        self.fields["impact_measure"].help_text = "Optional. How you will measure the difference it makes"

    def data_object(self) -> ActionItemData:
        d = self.cleaned_data
        return ActionItemData(
            action=d["action"],
            lead_person=d["lead_person"],
            target_date=d["target_date"],
            success_criteria=d["success_criteria"],
            expected_outcome=d.get("expected_outcome", ""),
            impact_measure=d.get("impact_measure", ""),
        )

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        for name, message in action_item_rules_check(
            data=self.data_object(), was=self.saved_target_date
        ).items():
            self.add_error(name, message)
        return data


class ActionUpdateForm(forms.Form):
    progress = _text("Progress")
    status = forms.ChoiceField(
        label="Status",
        choices=ActionStatus.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Select the status of the action",
            "invalid_choice": "Select not started, in progress or done",
        },
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["progress"].label = "What has been done"
        self.fields["progress"].error_messages["required"] = "Enter what has been done"
        self.fields["progress"].error_messages["max_length"] = (
            "What has been done must be 5,000 characters or fewer"
        )
