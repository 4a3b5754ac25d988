"""The guidance forms (staff) and the public contact form. GOV.UK error
messages; a bound form keeps what was typed."""

from django import forms

from .models import GuidanceEntry


class GuidanceEntryForm(forms.Form):
    kind = forms.ChoiceField(
        label="Where it appears",
        choices=[("guidance", "Guidance"), ("faq", "Frequently asked questions")],
        widget=forms.RadioSelect,
        error_messages={"required": "Select where it appears"},
    )
    title = forms.CharField(
        label="Heading, or the question",
        max_length=200,
        error_messages={
            "required": "Enter a heading or the question",
            "max_length": "The heading must be 200 characters or fewer",
        },
    )
    body = forms.CharField(
        label="Text, or the answer",
        help_text="Leave a blank line between paragraphs. Start lines with '- ' for a bulleted list. "
        "Write a link as [words](https://example.org).",
        widget=forms.Textarea,
        max_length=20000,
        error_messages={
            "required": "Enter the text or the answer",
            "max_length": "The text must be 20,000 characters or fewer",
        },
    )
    order = forms.IntegerField(
        label="Position",
        help_text="Lower numbers appear first.",
        min_value=0,
        max_value=999,
        initial=0,
        error_messages={
            "required": "Enter a position, like 1",
            "invalid": "The position must be a whole number, like 1",
            "min_value": "The position must be 0 or more",
            "max_value": "The position must be 999 or less",
        },
    )

    @classmethod
    def from_entry(cls, entry: GuidanceEntry, data=None):
        initial = {"kind": entry.kind, "title": entry.title, "body": entry.body, "order": entry.order}
        return cls(data, initial=initial)


class GuidanceDocumentForm(forms.Form):
    title = forms.CharField(
        label="Title",
        max_length=200,
        error_messages={
            "required": "Enter a title",
            "max_length": "The title must be 200 characters or fewer",
        },
    )
    description = forms.CharField(
        label="Description (optional)",
        max_length=300,
        required=False,
        error_messages={"max_length": "The description must be 300 characters or fewer"},
    )
    file = forms.FileField(
        label="File",
        error_messages={"required": "Select a file", "empty": "The selected file is empty"},
    )


def _one_line(value: str, what: str) -> str:
    if "\n" in value or "\r" in value:
        raise forms.ValidationError(f"{what} must be on one line")
    return value


class ContactForm(forms.Form):
    name = forms.CharField(
        label="Your name",
        max_length=200,
        error_messages={
            "required": "Enter your name",
            "max_length": "Your name must be 200 characters or fewer",
        },
    )
    email = forms.EmailField(
        label="Your email address",
        help_text="We will reply to this address.",
        max_length=254,
        error_messages={
            "required": "Enter your email address",
            "invalid": "Enter an email address in the correct format, like name@example.com",
        },
    )
    message = forms.CharField(
        label="Your message",
        widget=forms.Textarea,
        max_length=5000,
        error_messages={
            "required": "Enter your message",
            "max_length": "Your message must be 5,000 characters or fewer",
        },
    )
    # A honeypot for bots; hidden from people and screen readers.
    website = forms.CharField(required=False)

    def clean_name(self):
        return _one_line(self.cleaned_data["name"], "Your name")
