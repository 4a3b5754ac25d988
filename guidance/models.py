"""A partnership's public guidance: sections of guidance and FAQs its admins
write (safe formatting only: guidance.formatting), and documents to
download (checked like evidence)."""

from django.db import models

from partnerships.models import Partnership


class GuidanceEntry(models.Model):
    class Kind(models.TextChoices):
        GUIDANCE = "guidance", "Guidance"
        FAQ = "faq", "Frequently asked question"

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    title = models.CharField(max_length=200, help_text="A heading, or the question.")
    body = models.TextField(help_text="Paragraphs, lists and links: see guidance.formatting.")
    order = models.PositiveSmallIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["kind", "order", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind__in=["guidance", "faq"]), name="guidance_kind_valid"
            ),
        ]

    def __str__(self):
        return self.title


def guidance_document_upload_to(instance, filename):
    return f"guidance/{instance.partnership_id}/{instance.token}.{instance.extension}"


class GuidanceDocument(models.Model):
    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="+")
    title = models.CharField(max_length=200)
    description = models.CharField(max_length=300, blank=True)
    token = models.CharField(max_length=32, unique=True)
    file = models.FileField(upload_to=guidance_document_upload_to, max_length=300)
    original_name = models.CharField(max_length=255)
    content_type = models.CharField(max_length=120)
    size = models.PositiveBigIntegerField(default=0)
    sha256 = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["title", "pk"]

    def __str__(self):
        return self.title

    @property
    def extension(self) -> str:
        return self.original_name.rsplit(".", 1)[-1] if "." in self.original_name else "bin"
