"""The review queue's GET filter form, and assigning a return to a reviewer."""

from django import forms

from ..selectors.queue import QueueAssignment, QueueFilters, QueueState


class QueueFilterForm(forms.Form):
    """Bad values (a cycle of another partnership, an unknown state) get an
    error and are left out of the filter; the rest still applies."""

    state = forms.ChoiceField(
        label="Show",
        required=False,
        choices=QueueState.choices,
        error_messages={"invalid_choice": "Select which returns to show"},
    )
    cycle = forms.TypedChoiceField(
        label="Cycle",
        required=False,
        coerce=int,
        empty_value=None,
        error_messages={"invalid_choice": "Select a cycle from the list"},
    )
    assigned = forms.ChoiceField(
        label="Assigned to",
        required=False,
        choices=QueueAssignment.choices,
        error_messages={"invalid_choice": "Select who the returns are assigned to"},
    )

    def __init__(self, data, *, cycles, **kwargs):
        super().__init__(data, **kwargs)
        self.fields["cycle"].choices = [("", "All cycles"), *((c.pk, c.title) for c in cycles)]

    def filters(self) -> QueueFilters:
        if not self.is_bound:
            return QueueFilters()
        self.is_valid()
        data = self.cleaned_data
        return QueueFilters(
            state=data.get("state") or QueueState.OPEN,
            cycle_id=data.get("cycle"),
            assignment=data.get("assigned") or QueueAssignment.ANYONE,
        )


NOBODY = "nobody"


class AssignForm(forms.Form):
    reviewer = forms.ChoiceField(
        label="Reviewer",
        widget=forms.RadioSelect,
        error_messages={
            "required": "Select who will review this return",
            "invalid_choice": "Select a reviewer from the list",
        },
    )

    def __init__(self, data=None, *, reviewers, **kwargs):
        super().__init__(data, **kwargs)
        self.fields["reviewer"].choices = [
            *((str(m.pk), m.name) for m in reviewers),
            (NOBODY, "Nobody (take it off the reviewer it is assigned to)"),
        ]
