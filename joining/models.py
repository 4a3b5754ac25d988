"""An organisation not on a partnership's list asking to take part
(Pan-Lancashire FAQ 6: organisations not mandated may still take part). It
is verified by email, then a partnership admin approves it (and only then is
it an agency, with a return in the cycles it joins) or declines it."""

from django.conf import settings
from django.db import models

from partnerships.models import Agency, Partnership, Sector


class AgencyRegistration(models.Model):
    class Status(models.TextChoices):
        UNVERIFIED = "unverified", "Email address not confirmed"
        WAITING = "waiting", "Waiting for approval"
        APPROVED = "approved", "Approved"
        DECLINED = "declined", "Declined"

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="+")
    organisation_name = models.CharField(max_length=200)
    sector = models.CharField(max_length=20, choices=Sector.choices)
    contact_name = models.CharField(max_length=200)
    contact_email = models.EmailField()
    job_title = models.CharField(max_length=200, blank=True)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.UNVERIFIED)
    created_at = models.DateTimeField(auto_now_add=True)
    verified_at = models.DateTimeField(null=True, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    agency = models.ForeignKey(Agency, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=["unverified", "waiting", "approved", "declined"]),
                name="agency_registration_status_valid",
            ),
        ]

    def __str__(self):
        return f"{self.organisation_name} ({self.get_status_display()})"
