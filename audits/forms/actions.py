"""Forms of the action plan: an action item (with a GOV.UK date input for
its target date) and a progress update. The rules live in
audits.services.actions and are called from here."""

from datetime import date

from django import forms

from ..models import ActionStatus
from ..services.actions import ActionItemData, action_item_rules_check

TEXT_MAX = 5000


class GovukDateWidget(forms.MultiWidget):
    """Day, month and year boxes. The template draws them (see
    templates/audits/actions/_date_input.html); the names are
    <name>_0, _1 and _2, so Django's error summary links to the day box."""

    def __init__(self, attrs=None):
        super().__init__([forms.TextInput, forms.TextInput, forms.TextInput], attrs)

    def decompress(self, value):
        if isinstance(value, date):
            return [str(value.day), str(value.month), str(value.year)]
        return ["", "", ""]


class GovukDateField(forms.MultiValueField):
    """A date typed as day, month and year, with the GOV.UK messages. After
    cleaning, `error_parts` names the boxes to highlight."""

    widget = GovukDateWidget

    def __init__(self, *, label: str, **kwargs):
        self.noun = label.lower()
        parts = (forms.CharField(required=False),) * 3
        super().__init__(parts, require_all_fields=False, required=False, label=label, **kwargs)
        self.error_parts: set[str] = set()

    def clean(self, value):
        self.error_parts = set()
        day, month, year = ((value or [""] * 3) + ["", "", ""])[:3]
        day, month, year = (str(v or "").strip() for v in (day, month, year))
        given = {"day": day, "month": month, "year": year}
        missing = [name for name, v in given.items() if not v]
        if len(missing) == 3:
            self.error_parts = {"day", "month", "year"}
            raise forms.ValidationError(f"Enter the {self.noun}")
        if missing:
            self.error_parts = set(missing)
            raise forms.ValidationError(f"The {self.noun} must include a {' and a '.join(missing)}")
        if not all(v.isdigit() for v in given.values()):
            self.error_parts = {name for name, v in given.items() if not v.isdigit()}
            raise forms.ValidationError(f"The {self.noun} must be a real date")
        if len(year) != 4:
            self.error_parts = {"year"}
            raise forms.ValidationError("The year must include 4 numbers")
        try:
            return date(int(year), int(month), int(day))
        except ValueError:
            self.error_parts = {"day", "month"} if 1 <= int(month) <= 12 else {"month"}
            raise forms.ValidationError(f"The {self.noun} must be a real date") from None

    def compress(self, data_list):  # clean() does it all
        return None


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
    target_date = GovukDateField(label="Target date", help_text="For example, 31 3 2027")
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
            if name == "target_date":
                self.fields["target_date"].error_parts = {"day", "month", "year"}
        return data

    def date_parts(self):
        """(part, label, value, width, has error) for the date input."""
        field = self["target_date"]
        values = (
            field.value() if self.is_bound else self.fields["target_date"].widget.decompress(field.value())
        )
        if not isinstance(values, list | tuple):
            values = self.fields["target_date"].widget.decompress(values)
        values = [*values, "", "", ""]
        errored = self.fields["target_date"].error_parts if field.errors else set()
        return [
            (index, part, part.capitalize(), values[index] or "", width, part in errored)
            for index, (part, width) in enumerate((("day", 2), ("month", 2), ("year", 4)))
        ]


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
