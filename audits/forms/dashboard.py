"""The GET filter forms above the dashboard, the heatmap and the
per-question table (audits/views/staff/dashboard.py)."""

from django import forms

from partnerships.models import Sector

from ..selectors.dashboard import CycleFilters, DashboardStatus, Rating


class CycleFilterForm(forms.Form):
    """The GET form above each page. Bad values (a locality of another
    partnership, an unknown status) get an error and are left out of the
    filter; the rest still applies."""

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
    status = forms.MultipleChoiceField(
        label="Status",
        required=False,
        choices=DashboardStatus.choices,
        error_messages={"invalid_choice": "Select statuses from the list"},
    )

    def __init__(self, data, *, localities, **kwargs):
        super().__init__(data, **kwargs)
        self.fields["locality"].choices = [("", "All localities"), *((lo.pk, lo.name) for lo in localities)]

    def filters(self) -> CycleFilters:
        if not self.is_bound:
            return CycleFilters()
        self.is_valid()
        data = self.cleaned_data
        return CycleFilters(
            locality_id=data.get("locality") or None,
            sector=data.get("sector") or "",
            statuses=frozenset(data.get("status") or ()),
        )

    @property
    def is_filtered(self) -> bool:
        f = self.filters()
        return bool(f.locality_id or f.sector or f.statuses)


class HeatmapFilterForm(CycleFilterForm):
    rating = forms.ChoiceField(
        label="Show",
        required=False,
        choices=Rating.choices,
        error_messages={"invalid_choice": "Select which rating to show"},
    )

    show_not_started = forms.BooleanField(label="Include agencies not started", required=False)
    survey = forms.BooleanField(label="Show what practitioners say (practitioners' survey)", required=False)

    def shows_survey(self) -> bool:
        if not self.is_bound:
            return False
        self.is_valid()
        return bool(self.cleaned_data.get("survey"))

    def hides_not_started(self) -> bool:
        """Agencies not started are left out unless asked for, by this box or
        by choosing statuses (which then say what to show)."""
        if self.filters().statuses:
            return False
        if not self.is_bound:
            return True
        self.is_valid()
        return not self.cleaned_data.get("show_not_started")

    def rating_shown(self) -> str:
        if not self.is_bound:
            return Rating.SELF
        self.is_valid()
        return self.cleaned_data.get("rating") or Rating.SELF
