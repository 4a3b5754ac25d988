"""Reads of registrations; each takes the partnership first."""

from django.shortcuts import get_object_or_404

from partnerships.models import Partnership

from .models import AgencyRegistration


def registrations_waiting(*, partnership: Partnership):
    return AgencyRegistration.objects.filter(
        partnership=partnership, status=AgencyRegistration.Status.WAITING
    )


def registrations_decided(*, partnership: Partnership):
    return AgencyRegistration.objects.filter(
        partnership=partnership,
        status__in=[AgencyRegistration.Status.APPROVED, AgencyRegistration.Status.DECLINED],
    ).order_by("-decided_at")[:50]


def registration_get(*, partnership: Partnership, pk: int) -> AgencyRegistration:
    return get_object_or_404(AgencyRegistration, partnership=partnership, pk=pk)
