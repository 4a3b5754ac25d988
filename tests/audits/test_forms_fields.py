"""The GOV.UK date input (audits.forms.fields) drawn by crispy-forms-gds:
the Design System's messages, only the wrong boxes highlighted, the error
summary linking to the first of them, hostile numbers refused with a
message, and the date and time read as UK time across the clock changes."""

import re
from datetime import UTC, date, datetime

import pytest
from django import forms
from django.template import Context, Template

from audits.forms.fields import GovukDateField, GovukDateTimeField


class DateForm(forms.Form):
    due = GovukDateField(
        what="the date the action is due", label="Target date", help_text="For example, 31 3 2027"
    )
    optional = GovukDateField(what="the date to resubmit by", label="Resubmit by", required=False)


class MomentForm(forms.Form):
    opens = GovukDateTimeField(what="the cycle opens", label="Opens", help_text="UK time.")


def _post(prefix, *parts):
    return {f"{prefix}_{index}": value for index, value in enumerate(parts)}


def _render(form) -> str:
    template = Template(
        "{% load s11 %}{% include 'includes/error_summary.html' %}"
        "{% for field in form %}{% govuk_date_input field %}{% endfor %}"
    )
    return template.render(Context({"form": form}))


def _boxes(html, name):
    """{box index: its classes} for the inputs of one date input."""
    found = re.findall(rf'<input type="text" name="{name}_(\d)"[^>]*class="([^"]*)"', html)
    return {int(index): set(classes.split()) for index, classes in found}


@pytest.mark.parametrize(
    ("parts", "message", "wrong"),
    [
        (("", "", ""), "Enter the date the action is due", {0, 1, 2}),
        (("12", "", "2030"), "The date the action is due must include a month", {1}),
        (("", "", "2030"), "The date the action is due must include a day and month", {0, 1}),
        (("4", "", ""), "The date the action is due must include a month and year", {1, 2}),
        (("31", "2", "2030"), "The date the action is due must be a real date", {0, 1}),
        (("32", "1", "2030"), "The date the action is due must be a real date", {0}),
        (("1", "13", "2030"), "The date the action is due must be a real date", {1}),
        (("1", "x", "2030"), "The date the action is due must be a real date", {1}),
        (("1", "6", "30"), "Year must include 4 numbers", {2}),
        # hostile numbers: an error, never an OverflowError or a ValueError
        (("1", "6", "2147483648"), "Year must include 4 numbers", {2}),
        (("1", "6", "9" * 400), "Year must include 4 numbers", {2}),
        (("9" * 30, "6", "2030"), "The date the action is due must be a real date", {0}),
        (("1", "9" * 30, "2030"), "The date the action is due must be a real date", {1}),
        (("²", "6", "2030"), "The date the action is due must be a real date", {0}),
        (("-1", "6", "2030"), "The date the action is due must be a real date", {0}),
    ],
)
def test_govuk_messages_and_only_the_wrong_boxes_highlighted(parts, message, wrong):
    form = DateForm(_post("due", *parts))
    assert not form.is_valid()
    assert form.errors["due"] == [message]

    html = _render(form)
    boxes = _boxes(html, "due")
    assert set(boxes) == {0, 1, 2}
    for index, classes in boxes.items():
        assert {"govuk-input", "govuk-date-input__input"} <= classes
        assert ("govuk-input--error" in classes) == (index in wrong), (index, classes)
    assert f'<a href="#id_due_{min(wrong)}">{message}</a>' in html
    assert 'class="govuk-form-group govuk-form-group--error"' in html
    assert re.search(
        r'class="govuk-error-message">\s*<span class="govuk-visually-hidden">Error:</span> '
        + re.escape(message),
        html,
    )
    for index, value in enumerate(parts):  # what was typed is kept
        if value:
            assert f'name="due_{index}" value="{value}"' in html


def test_a_real_date_is_a_date_and_a_blank_optional_one_is_none():
    form = DateForm(_post("due", " 7 ", "03", "2031"))
    assert form.is_valid(), form.errors
    assert form.cleaned_data == {"due": date(2031, 3, 7), "optional": None}


def test_an_error_the_form_adds_later_highlights_every_box():
    form = DateForm(_post("due", "1", "6", "2020"))
    assert form.is_valid()
    form.add_error("due", "The date the action is due must be today or in the future")
    boxes = _boxes(_render(form), "due")
    assert all("govuk-input--error" in classes for classes in boxes.values())


def test_the_date_input_markup_is_the_design_systems():
    html = _render(DateForm(initial={"due": date(2027, 3, 31)}))
    assert '<div class="govuk-date-input" id="id_due">' in html
    assert '<legend class="govuk-fieldset__legend govuk-fieldset__legend--s">' in html
    assert '<div id="id_due_hint" class="govuk-hint">For example, 31 3 2027</div>' in html
    for index, (label, width, value) in enumerate((("Day", 2, "31"), ("Month", 2, "3"), ("Year", 4, "2027"))):
        assert (
            f'<label class="govuk-label govuk-date-input__label" for="id_due_{index}">{label}</label>' in html
        )
        box = re.search(rf'<input type="text" name="due_{index}" value="{value}"[^>]*>', html)[0]
        assert f'class="govuk-input govuk-date-input__input govuk-input--width-{width}"' in box
        assert 'inputmode="numeric"' in box
        assert "required" not in box  # our messages, not the browser's
    assert "govuk-input--error" not in html
    assert "govuk-error-summary" not in html


# --- date and time, read as UK time -------------------------------------------------


@pytest.mark.parametrize(
    ("parts", "moment"),
    [
        (("1", "12", "2027", "9am"), datetime(2027, 12, 1, 9, 0, tzinfo=UTC)),  # GMT
        (("30", "6", "2027", "5pm"), datetime(2027, 6, 30, 16, 0, tzinfo=UTC)),  # BST
        (("31", "10", "2027", "1:30am"), datetime(2027, 10, 31, 0, 30, tzinfo=UTC)),  # twice: BST meant
        (("28", "3", "2027", "2:30am"), datetime(2027, 3, 28, 1, 30, tzinfo=UTC)),  # just after the change
    ],
)
def test_date_and_time_are_uk_time(parts, moment):
    form = MomentForm(_post("opens", *parts))
    assert form.is_valid(), form.errors
    assert form.cleaned_data["opens"].astimezone(UTC) == moment


@pytest.mark.parametrize(
    ("parts", "message", "wrong"),
    [
        (("", "", "", ""), "Enter the date and time the cycle opens", {0, 1, 2, 3}),
        (("1", "", "2027", "9am"), "The date the cycle opens must include a month", {1}),
        (("30", "2", "2027", "9am"), "The date the cycle opens must be a real date", {0, 1}),
        (("1", "4", "2147483648", "9am"), "Year must include 4 numbers", {2}),
        (("1", "4", "9999", "11pm"), "Year must be between 2000 and 2100", {2}),
        (("1", "1", "0001", "midnight"), "Year must be between 2000 and 2100", {2}),
        (("1", "4", "2027", ""), "Enter the time the cycle opens, like 9am, 5:30pm or 17:00", {3}),
        (("1", "4", "2027", "teatime"), "Enter the time the cycle opens like 9am, 5:30pm or 17:00", {3}),
        (
            ("1", "4", "2027", "99999999999999999999:00"),
            "Enter the time the cycle opens like 9am, 5:30pm or 17:00",
            {3},
        ),
        (
            ("28", "3", "2027", "1:30am"),
            "1:30am does not exist on 28 March 2027 because the clocks go forward: choose another time",
            {3},
        ),
    ],
)
def test_date_and_time_errors_highlight_the_wrong_box(parts, message, wrong):
    form = MomentForm(_post("opens", *parts))
    assert not form.is_valid()
    assert form.errors["opens"] == [message]
    html = _render(form)
    boxes = _boxes(html, "opens")
    assert set(boxes) == {0, 1, 2, 3}
    assert {index for index, classes in boxes.items() if "govuk-input--error" in classes} == wrong
    assert f'<a href="#id_opens_{min(wrong)}">' in html


def test_a_saved_moment_shows_in_uk_time():
    html = _render(MomentForm(initial={"opens": datetime(2027, 6, 30, 16, 0, tzinfo=UTC)}))
    for index, value in enumerate(("30", "6", "2027", "17:00")):
        assert f'name="opens_{index}" value="{value}"' in html
    assert '<label class="govuk-label govuk-date-input__label" for="id_opens_3">Time</label>' in html
    time_box = re.search(r'<input type="text" name="opens_3"[^>]*>', html)[0]
    assert "govuk-input--width-5" in time_box
    assert "inputmode" not in time_box  # "5:30pm" needs letters
