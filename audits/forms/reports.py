"""The form that picks the earlier cycle a cycle is compared with."""

from django import forms


class CompareForm(forms.Form):
    previous = forms.ChoiceField(
        label="Compare with",
        error_messages={
            "required": "Select an earlier cycle to compare with",
            "invalid_choice": "Select one of this partnership's earlier cycles",
        },
    )

    def __init__(self, *args, cycles, **kwargs):
        super().__init__(*args, **kwargs)
        self.cycles = {c.slug: c for c in cycles}
        self.fields["previous"].choices = [(c.slug, c.title) for c in cycles]
