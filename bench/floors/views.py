"""The naive pages: what a Django developer writes first. Each request reads
its rows with the ORM the ordinary way (no caching), as the real pages read
theirs."""

from django import forms
from django.shortcuts import get_object_or_404, render

from audits.models import Answer, AnswerValue, Rag, Submission, ThemeResponse
from themes.models import Theme


class NaiveThemeForm(forms.Form):
    def __init__(self, *args, questions, **kwargs):
        super().__init__(*args, **kwargs)
        for question in questions:
            choices = [(AnswerValue.YES, "Yes"), (AnswerValue.NO, "No")]
            if question.allows_na:
                choices.append((AnswerValue.NA, "Not applicable"))
            self.fields[f"q_{question.pk}"] = forms.ChoiceField(
                label=question.text,
                help_text=question.guidance,
                choices=choices,
                required=False,
                widget=forms.RadioSelect,
            )
        self.fields["rag"] = forms.ChoiceField(
            label="How well does your organisation meet this theme?",
            choices=Rag.choices,
            required=False,
            widget=forms.RadioSelect,
        )
        self.fields["comments"] = forms.CharField(label="Comments", required=False, widget=forms.Textarea)


def naive_theme(request, submission_id, theme_key):
    submission = get_object_or_404(Submission.objects.select_related("partnership"), pk=submission_id)
    theme = get_object_or_404(Theme, question_set_id=submission.question_set_id, key=theme_key)
    questions = list(theme.questions.order_by("order"))
    initial = {
        f"q_{q}": v
        for q, v in Answer.objects.filter(submission=submission, question__theme=theme).values_list(
            "question_id", "value"
        )
    }
    response = ThemeResponse.objects.filter(submission=submission, theme=theme).first()
    if response:
        initial.update(rag=response.rag, comments=response.comments)
    form = NaiveThemeForm(initial=initial, questions=questions)
    return render(
        request,
        "floors/naive_theme.html",
        {"theme": theme, "form": form, "partnership": submission.partnership},
    )


def plain_answers(request, submission_id):
    submission = get_object_or_404(Submission.objects.select_related("partnership"), pk=submission_id)
    answers = (
        Answer.objects.filter(submission=submission)
        .select_related("question__theme")
        .order_by("question__theme__order", "question__order")
    )
    return render(
        request,
        "floors/plain_answers.html",
        {"answers": answers, "partnership": submission.partnership, "labels": dict(AnswerValue.choices)},
    )
