from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from tests.factories import PartnershipFactory
from tests.staff import staff_user

from .helpers import MFA_URL, is_signed_in, post_password

pytestmark = pytest.mark.django_db


def test_prints_a_code_that_signs_in(client, settings):
    settings.DEBUG = True
    user = staff_user(PartnershipFactory())
    out = StringIO()

    call_command("demo_totp_code", user.email.upper(), stdout=out)

    code = out.getvalue().strip()
    assert len(code) == 6 and code.isdigit()
    assert post_password(client, user.email)["Location"] == MFA_URL
    client.post(MFA_URL, {"code": code})
    assert is_signed_in(client)
    assert client.get(reverse("staff_index")).status_code == 302


def test_refuses_without_debug(settings):
    settings.DEBUG = False
    user = staff_user(PartnershipFactory())
    with pytest.raises(CommandError, match="only runs with DEBUG on"):
        call_command("demo_totp_code", user.email)


def test_an_account_without_an_app(settings):
    settings.DEBUG = True
    user = staff_user(PartnershipFactory(), mfa=False)
    with pytest.raises(CommandError, match="has no authenticator app"):
        call_command("demo_totp_code", user.email)
