"""Forms for setting up audit cycles (partnership admins). They parse and
check what was typed; the rules live in audits/services/cycles.py."""

import re

from django import forms
from django.utils.text import slugify

from partnerships.models import Sector, StatutoryGroup

from ..models import DEFAULT_REMINDER_DAYS, AgencyScope, IncompletePolicy
from ..services.cycles import EVALUATIONS_DUE_ERROR, CycleSettings, RuleChoice, evaluation_earliest
from .fields import GovukDateField, GovukDateTimeField


def parse_reminder_days(text: str) -> list[int]:
    parts = [p for p in re.split(r"[,\s]+", text.strip()) if p]
    if not all(re.fullmatch(r"[0-9]+", p) for p in parts):
        raise forms.ValidationError(
            "Enter reminder days as whole numbers separated by commas, like 14, 7, 2, 1"
        )
    days = sorted({int(p) for p in parts}, reverse=True)
    if any(not 1 <= d <= 365 for d in days):
        raise forms.ValidationError("Each reminder must be between 1 and 365 days before the deadline")
    return days


class _CycleFields(forms.Form):
    title = forms.CharField(
        label="Title",
        max_length=200,
        help_text="For example 'Section 11 audit 2027–28'. Agencies see it.",
        error_messages={"required": "Enter a title for the cycle"},
    )
    slug = forms.SlugField(
        label="Web address",
        max_length=80,
        required=False,
        help_text="Letters, numbers and hyphens, used in the cycle's web address. "
        "Leave blank to make one from the title.",
        error_messages={"invalid": "Web address must only include letters, numbers and hyphens"},
    )
    question_set = forms.ChoiceField(
        label="Question set",
        help_text="A published version. It cannot change once the cycle opens.",
        error_messages={"required": "Choose a question set", "invalid_choice": "Choose a question set"},
    )
    opens_at = GovukDateTimeField(
        what="the cycle opens", label="Opens", help_text="For example, 1 4 2027 and 9am. UK time."
    )
    closes_at = GovukDateTimeField(
        what="the cycle closes", label="Closes", help_text="For example, 30 6 2027 and 5pm. UK time."
    )
    evaluations_due_on = GovukDateField(
        what="the date evaluations are due by",
        required=False,
        label="Evaluations due by (optional)",
        help_text="When the partnership aims to have evaluated every submitted return, for example "
        "31 8 2027. Returns still awaiting review after it show as overdue in the review queue.",
    )
    reminder_days = forms.CharField(
        label="Reminder schedule",
        required=False,
        initial=", ".join(str(d) for d in DEFAULT_REMINDER_DAYS),
        help_text="Days before the deadline on which agencies that have not submitted get a reminder, "
        "separated by commas. Clear the box for no reminders.",
    )
    action_items_required = forms.ChoiceField(
        label="Must agencies add an action for each theme they rate Amber or Red?",
        choices=[("yes", "Yes, before they can submit"), ("no", "No, actions are optional")],
        widget=forms.RadioSelect,
        initial="no",
        error_messages={"required": "Choose whether Amber and Red themes need an action"},
    )
    action_update_months = forms.IntegerField(
        label="Ask for an action plan update every, in months",
        min_value=0,
        max_value=24,
        initial=6,
        help_text="After an agency submits, and every this many months after that. 0 for never.",
        error_messages={
            "required": "Enter how often to ask for an action plan update, in months",
            "invalid": "Enter a whole number of months",
            "min_value": "Enter 0 months or more",
            "max_value": "Enter 24 months or fewer",
        },
    )

    def __init__(self, *args, question_sets, **kwargs):
        super().__init__(*args, **kwargs)
        self.question_sets = {str(q.pk): q for q in question_sets}
        self.fields["question_set"].choices = [("", "Choose a question set")] + [
            (str(q.pk), f"{q.name}, version {q.version}") for q in question_sets
        ]

    def clean_reminder_days(self):
        return parse_reminder_days(self.cleaned_data["reminder_days"])

    def clean_question_set(self):
        return self.question_sets[self.cleaned_data["question_set"]]

    def clean(self):
        data = super().clean()
        opens, closes = data.get("opens_at"), data.get("closes_at")
        if opens and closes and closes <= opens:
            self.add_error("closes_at", "The cycle must close after it opens")
        due = data.get("evaluations_due_on")
        if due and closes and due < evaluation_earliest(closes):
            self.add_error("evaluations_due_on", EVALUATIONS_DUE_ERROR)
        if "slug" in self.fields and not data.get("slug") and data.get("title"):
            data["slug"] = slugify(data["title"])[:80] or "cycle"
        return data


class CycleForm(_CycleFields):
    incomplete_policy = forms.ChoiceField(
        label="If an agency submits with questions unanswered",
        choices=IncompletePolicy.choices,
        widget=forms.RadioSelect,
        initial=IncompletePolicy.DEFAULT_RED,
        error_messages={"required": "Choose what happens to incomplete themes"},
    )
    link_grace_days = forms.IntegerField(
        label="Link grace period, in days",
        min_value=0,
        max_value=365,
        initial=14,
        help_text="How long after the deadline agencies' links keep working (to download their copy).",
        error_messages={
            "required": "Enter the link grace period in days",
            "invalid": "Link grace period must be a whole number of days",
            "min_value": "Link grace period must be 0 days or more",
            "max_value": "Link grace period must be 365 days or fewer",
        },
    )
    expected_minutes = forms.IntegerField(
        label="Roughly how long a return takes, in minutes",
        min_value=5,
        max_value=2000,
        initial=90,
        help_text="Shown to agencies on the start page.",
        error_messages={
            "required": "Enter roughly how long a return takes",
            "invalid": "Enter a whole number of minutes",
            "min_value": "Enter 5 minutes or more",
            "max_value": "Enter 2,000 minutes or fewer",
        },
    )
    agency_scope = forms.ChoiceField(
        label="Which agencies take part",
        choices=AgencyScope.choices,
        widget=forms.RadioSelect,
        initial=AgencyScope.ALL,
        error_messages={"required": "Choose which agencies take part"},
    )
    sectors = forms.MultipleChoiceField(
        label="Sectors", required=False, choices=Sector.choices, widget=forms.CheckboxSelectMultiple
    )
    localities = forms.MultipleChoiceField(
        label="Localities", required=False, widget=forms.CheckboxSelectMultiple
    )
    agencies = forms.MultipleChoiceField(
        label="Agencies", required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, localities, agencies, locked=False, creating=True, **kwargs):
        super().__init__(*args, **kwargs)
        self.localities = {str(x.pk): x for x in localities}
        self.agencies = {str(x.pk): x for x in agencies}
        self.fields["localities"].choices = [(k, v.name) for k, v in self.localities.items()]
        self.fields["agencies"].choices = [(k, v.name) for k, v in self.agencies.items()]
        self.locked = locked
        if locked:  # the cycle has opened: these are fixed (the deadline moves by extension)
            for name in ("question_set", "opens_at", "closes_at"):
                del self.fields[name]
        if not creating:
            del self.fields["slug"]

    def clean(self):
        data = super().clean()
        scope = data.get("agency_scope")
        if scope == AgencyScope.SECTOR and not data.get("sectors"):
            self.add_error("sectors", "Choose at least one sector")
        if scope == AgencyScope.LOCALITY and not data.get("localities"):
            self.add_error("localities", "Choose at least one locality")
        if scope == AgencyScope.CHOSEN and not data.get("agencies"):
            self.add_error("agencies", "Choose at least one agency")
        return data

    def to_settings(self, cycle=None) -> CycleSettings:
        d = dict(self.cleaned_data)
        if self.locked:
            d.update(question_set=cycle.question_set, opens_at=cycle.opens_at, closes_at=cycle.closes_at)
        return CycleSettings(
            title=d["title"],
            question_set=d["question_set"],
            opens_at=d["opens_at"],
            closes_at=d["closes_at"],
            incomplete_policy=d["incomplete_policy"],
            link_grace_days=d["link_grace_days"],
            reminder_days=d["reminder_days"],
            agency_scope=d["agency_scope"],
            scope_sectors=list(d.get("sectors") or []),
            scope_localities=[self.localities[k] for k in d.get("localities") or []],
            chosen_agencies=[self.agencies[k] for k in d.get("agencies") or []],
            expected_minutes=d["expected_minutes"],
            action_items_required=d["action_items_required"] == "yes",
            action_update_months=d["action_update_months"],
            evaluations_due_on=d.get("evaluations_due_on"),
        )

    @staticmethod
    def initial_for(cycle) -> dict:
        return {
            "title": cycle.title,
            "question_set": str(cycle.question_set_id),
            "opens_at": cycle.opens_at,
            "closes_at": cycle.closes_at,
            "reminder_days": ", ".join(str(d) for d in cycle.reminder_days),
            "incomplete_policy": cycle.incomplete_policy,
            "link_grace_days": cycle.link_grace_days,
            "expected_minutes": cycle.expected_minutes,
            "action_items_required": "yes" if cycle.action_items_required else "no",
            "action_update_months": cycle.action_update_months,
            "evaluations_due_on": cycle.evaluations_due_on,
            "agency_scope": cycle.agency_scope,
            "sectors": list(cycle.scope_sectors),
            "localities": [str(x.pk) for x in cycle.scope_localities.all()],
            "agencies": [str(x.pk) for x in cycle.chosen_agencies.all()],
        }


class NextCycleForm(_CycleFields):
    """Start a new cycle from this one: same agencies and settings."""

    carry_answers = forms.ChoiceField(
        label="Start each agency's return from its last answers?",
        choices=[("yes", "Yes, carry last cycle's answers forward for agencies to confirm"), ("no", "No")],
        widget=forms.RadioSelect,
        initial="yes",
        error_messages={"required": "Choose whether to carry last cycle's answers forward"},
    )

    new_rule_group = forms.ChoiceField(
        label="Which agencies",
        required=False,
        error_messages={"invalid_choice": "Select which agencies answer this question set from the list"},
    )
    new_rule_question_set = forms.ChoiceField(
        label="Question set",
        required=False,
        error_messages={"invalid_choice": "Select one of the published question sets"},
    )

    def __init__(self, *args, question_sets, previous_rules=(), agencies=(), **kwargs):
        super().__init__(*args, question_sets=question_sets, **kwargs)
        self.agencies = {str(a.pk): a for a in agencies}
        set_choices = [(str(q.pk), f"{q.name}, version {q.version}") for q in question_sets]
        newest = {}
        for q in question_sets:  # newest version first within a name
            newest.setdefault(q.name, q)
        # Each of last cycle's rules, carried forward (on the newest version
        # of its set) unless the admin says not to.
        self.rule_fields = []
        for index, rule in enumerate(previous_rules):
            name = f"rule_{index}"
            self.fields[name] = forms.ChoiceField(
                label=rule.group_label,
                required=False,
                choices=[("", "Do not carry this rule forward"), *set_choices],
                error_messages={"invalid_choice": f"Select a question set for {rule.group_label}"},
            )
            carried = newest.get(rule.question_set.name)
            if name not in self.initial:
                self.initial[name] = str(carried.pk) if carried else ""
            self.rule_fields.append((name, rule))
        self.fields["new_rule_group"].choices = [
            ("", "No other rule"),
            ("Statutory or not", [(f"statutory_group:{v}", label) for v, label in StatutoryGroup.choices]),
            ("Every agency in a sector", [(f"sector:{v}", label) for v, label in Sector.choices]),
            ("One agency", [(f"agency:{a.pk}", a.name) for a in agencies]),
        ]
        self.fields["new_rule_question_set"].choices = [("", "Choose a question set"), *set_choices]

    @property
    def rule_bound_fields(self):
        return [self[name] for name, _rule in self.rule_fields]

    @staticmethod
    def _group_key(agency_id=None, sector="", statutory_group="") -> str:
        if agency_id:
            return f"agency:{agency_id}"
        return f"sector:{sector}" if sector else f"statutory_group:{statutory_group}"

    def clean(self):
        data = super().clean()
        group, question_set = data.get("new_rule_group"), data.get("new_rule_question_set")
        if group and not question_set:
            self.add_error("new_rule_question_set", "Select the question set these agencies answer")
        if question_set and not group:
            self.add_error("new_rule_group", "Select which agencies answer this question set")
        kept = {
            self._group_key(rule.agency_id, rule.sector, rule.statutory_group)
            for name, rule in self.rule_fields
            if data.get(name)
        }
        if group and group in kept:
            self.add_error(
                "new_rule_group", "Those agencies have a rule above already. Change that one instead"
            )
        return data

    def to_rules(self) -> list[RuleChoice]:
        d = self.cleaned_data
        rules = [
            RuleChoice(
                question_set=self.question_sets[d[name]],
                agency=rule.agency,
                sector=rule.sector,
                statutory_group=rule.statutory_group,
            )
            for name, rule in self.rule_fields
            if d.get(name)
        ]
        if d.get("new_rule_group") and d.get("new_rule_question_set"):
            kind, _, value = d["new_rule_group"].partition(":")
            rules.append(
                RuleChoice(
                    question_set=self.question_sets[d["new_rule_question_set"]],
                    agency=self.agencies[value] if kind == "agency" else None,
                    sector=value if kind == "sector" else "",
                    statutory_group=value if kind == "statutory_group" else "",
                )
            )
        return rules

    def to_settings(self, previous) -> CycleSettings:
        d = self.cleaned_data
        return CycleSettings(
            title=d["title"],
            question_set=d["question_set"],
            opens_at=d["opens_at"],
            closes_at=d["closes_at"],
            incomplete_policy=previous.incomplete_policy,
            link_grace_days=previous.link_grace_days,
            reminder_days=d["reminder_days"],
            expected_minutes=previous.expected_minutes,
            action_items_required=d["action_items_required"] == "yes",
            action_update_months=d["action_update_months"],
            evaluations_due_on=d.get("evaluations_due_on"),
        )


class ExtendForm(forms.Form):
    deadline = GovukDateTimeField(
        what="of the new deadline", label="New deadline", help_text="For example, 27 3 2027 and 5pm. UK time."
    )
    reason = forms.CharField(
        label="Reason",
        max_length=2000,
        widget=forms.Textarea,
        help_text="Kept on the record with the extension.",
        error_messages={"required": "Enter the reason for the extension"},
    )
