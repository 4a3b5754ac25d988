"""Service-wide pages every page's footer links to: the accessibility
statement public bodies must publish, the privacy notice and the cookies page.
They belong to no partnership, so they live in the project layer."""

from django.conf import settings
from django.shortcuts import render
from django.views.decorators.http import require_safe

from partnerships.selectors import partnership_list_public


def _legal_context() -> dict:
    return {
        "operator": settings.SERVICE_OPERATOR,
        "operator_email": settings.SERVICE_CONTACT_EMAIL,
        "partnership_contacts": partnership_list_public(),
        "session_days": settings.SESSION_COOKIE_AGE // 86400,
        "reviewed": settings.ACCESSIBILITY_STATEMENT_REVIEWED,
    }


@require_safe
def accessibility_statement(request):
    return render(request, "legal/accessibility.html", _legal_context())


@require_safe
def privacy_notice(request):
    return render(request, "legal/privacy.html", _legal_context())


@require_safe
def cookies(request):
    return render(request, "legal/cookies.html", _legal_context())
