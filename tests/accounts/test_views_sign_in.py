"""Signing in as staff through the test client: password, then the code from
the authenticator app, then the staff home and the partnership's workspace."""

import re
from urllib.parse import urlencode, urlsplit

import pytest
from allauth.mfa.models import Authenticator
from django.urls import reverse

from partnerships.models import StaffRole
from tests.factories import DEFAULT_PASSWORD, PartnershipFactory, UserFactory
from tests.staff import sign_in, staff_url, staff_user

from .helpers import MFA_URL, fresh_totp_code, is_signed_in, post_password, totp_secret, wrong_code

pytestmark = pytest.mark.django_db


def path_of(response) -> str:
    assert response.status_code == 302, response.status_code
    return urlsplit(response["Location"]).path


def test_password_then_code_then_the_partnerships_workspace(client):
    partnership = PartnershipFactory(name="Alpha Safeguarding Partnership")
    user = staff_user(partnership, StaffRole.REVIEWER)

    response = post_password(client, user.email)
    assert path_of(response) == MFA_URL
    assert not is_signed_in(client), "the password alone must not sign anyone in"

    page = client.get(MFA_URL)
    html = page.content.decode()
    assert "Enter the code from your authenticator app" in html
    assert 'class="govuk-input govuk-input--width-10"' in html
    assert 'autocomplete="one-time-code"' in html

    response = client.post(MFA_URL, {"code": fresh_totp_code(totp_secret(user))})
    assert is_signed_in(client)
    assert path_of(response) == reverse("staff_index")  # LOGIN_REDIRECT_URL

    response = client.get(reverse("staff_index"))
    assert path_of(response) == staff_url(partnership, "staff_home")
    workspace = client.get(staff_url(partnership, "staff_home"))
    assert workspace.status_code == 200
    assert "Alpha Safeguarding Partnership" in workspace.content.decode()


def test_sign_in_returns_to_the_page_that_asked_for_it(client):
    partnership = PartnershipFactory()
    user = staff_user(partnership)
    wanted = staff_url(partnership, "staff_home")

    response = client.get(wanted)
    assert path_of(response) == reverse("account_login")
    login_page = client.get(response["Location"])
    assert f'name="next" value="{wanted}"' in login_page.content.decode()

    post_password(client, user.email, next_url=wanted)
    response = client.post(MFA_URL, {"code": fresh_totp_code(totp_secret(user))})
    assert response["Location"] == wanted


def test_a_wrong_code_is_refused_with_a_govuk_error(client):
    user = staff_user(PartnershipFactory())
    post_password(client, user.email)

    response = client.post(MFA_URL, {"code": wrong_code(totp_secret(user))})

    assert response.status_code == 200
    html = response.content.decode()
    assert re.search(r"<title>\s*Error: ", html)
    assert 'class="govuk-error-summary"' in html
    assert '<a href="#id_code">The code is not correct.' in html
    assert 'class="govuk-form-group govuk-form-group--error"' in html
    assert '<p id="id_code-error" class="govuk-error-message">' in html
    assert 'aria-describedby="id_code-hint id_code-error"' in html
    assert not is_signed_in(client)
    assert path_of(client.get(reverse("staff_index"))) == reverse("account_login")


def test_an_empty_code_asks_for_the_code(client):
    user = staff_user(PartnershipFactory())
    post_password(client, user.email)

    html = client.post(MFA_URL, {"code": ""}).content.decode()

    assert "Enter the 6-digit code from your authenticator app" in html
    assert not is_signed_in(client)


def test_a_recovery_code_signs_in_instead_of_the_app(client):
    from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes

    user = staff_user(PartnershipFactory())
    codes = RecoveryCodes.activate(user).generate_codes()
    post_password(client, user.email)

    client.post(MFA_URL, {"code": codes[0]})

    assert is_signed_in(client)


def test_a_wrong_password_is_shown_beside_the_email_address(client):
    user = staff_user(PartnershipFactory())

    response = post_password(client, user.email, "not the password")

    html = response.content.decode()
    assert response.status_code == 200
    assert re.search(r"<title>\s*Error: ", html)
    assert '<a href="#id_login">Enter the email address and password for your staff account</a>' in html
    assert '<p id="id_login-error" class="govuk-error-message">' in html
    # what was typed is kept, except the password
    assert f'value="{user.email}"' in html
    assert "not the password" not in html
    assert not is_signed_in(client)


def test_empty_sign_in_form_says_what_to_enter(client):
    html = post_password(client, "", "").content.decode()

    assert '<a href="#id_login">Enter your email address</a>' in html
    assert '<a href="#id_password">Enter your password</a>' in html


def test_an_inactive_account_cannot_sign_in(client):
    user = staff_user(PartnershipFactory())
    user.is_active = False
    user.save(update_fields=["is_active"])

    response = post_password(client, user.email)

    assert not is_signed_in(client)
    assert path_of(response) == reverse("account_inactive")
    assert "Your account has been turned off" in client.get(response["Location"]).content.decode()
    assert path_of(client.get(reverse("staff_index"))) == reverse("account_login")


class TestSettingUpTheAuthenticatorApp:
    """A member of staff with no authenticator app, while one is required."""

    def sign_in_without_app(self, client, *, confirmed: bool = False):
        user = UserFactory()
        partnership = PartnershipFactory()
        from tests.factories import StaffMembershipFactory

        StaffMembershipFactory(user=user, partnership=partnership)
        response = post_password(client, user.email)
        # no second step yet: there is nothing to ask for
        assert path_of(response) == reverse("staff_index")
        assert is_signed_in(client)
        if confirmed:
            client.post(reverse("account_reauthenticate"), {"password": DEFAULT_PASSWORD})
        return user, partnership

    def test_the_gate_sends_them_to_set_it_up_when_required(self, client, settings):
        settings.S11_REQUIRE_MFA = True
        _, partnership = self.sign_in_without_app(client)

        for url in (reverse("staff_index"), staff_url(partnership, "staff_home")):
            response = client.get(url)
            assert path_of(response) == reverse("mfa_activate_totp")
            assert response["Location"].endswith("?" + urlencode({"next": url}))

    def test_not_when_the_setting_is_off(self, client, settings):
        settings.S11_REQUIRE_MFA = False
        _, partnership = self.sign_in_without_app(client)

        assert path_of(client.get(reverse("staff_index"))) == staff_url(partnership, "staff_home")
        assert client.get(staff_url(partnership, "staff_home")).status_code == 200

    def test_setting_it_up_returns_to_the_interrupted_page(self, client, settings):
        settings.S11_REQUIRE_MFA = True
        user, partnership = self.sign_in_without_app(client)
        # a query string of its own must survive the trip
        wanted = staff_url(partnership, "staff_home") + "?cycle=s11-2026&view=all"

        setup_url = client.get(wanted)["Location"]
        # Just signed in with the password: not asked for it a second time.
        page = client.get(setup_url)
        assert page.status_code == 200
        html = page.content.decode()
        secret = page.context["form"].secret
        assert f'<code class="s11-totp-secret" id="totp-secret">{secret}</code>' in html
        assert 'src="data:image/svg+xml;base64,' in html
        assert 'alt="QR code for adding' in html
        assert f'<input type="hidden" name="next" value="{wanted.replace("&", "&amp;")}">' in html

        code = fresh_totp_code(secret)
        response = client.post(reverse("mfa_activate_totp"), {"code": code, "next": wanted})

        assert Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()
        # first the new recovery codes, whose "Continue" goes on to the page
        assert path_of(response) == reverse("mfa_view_recovery_codes")
        codes_page = client.get(response["Location"]).content.decode()
        assert "Your recovery codes" in codes_page
        assert f'href="{wanted.replace("&", "&amp;")}">Continue</a>' in codes_page
        assert client.get(wanted).status_code == 200

    def test_a_stale_sign_in_is_asked_to_confirm_it_is_you_first(self, client, settings):
        settings.S11_REQUIRE_MFA = True
        _, partnership = self.sign_in_without_app(client)
        setup_url = client.get(staff_url(partnership, "staff_home"))["Location"]
        # The sign-in is older than allauth's window for sensitive changes.
        settings.ACCOUNT_REAUTHENTICATION_TIMEOUT = 0

        response = client.get(setup_url)
        assert path_of(response) == reverse("account_reauthenticate")
        confirm = client.get(response["Location"])
        assert "Confirm it is you" in confirm.content.decode()
        response = client.post(response["Location"], {"password": DEFAULT_PASSWORD, "next": setup_url})
        assert response["Location"] == setup_url

    def test_a_member_with_an_app_still_confirms_before_changing_it(self, client, settings):
        """Only the first set-up skips "Confirm it is you": turning the app
        off or making new recovery codes still asks, however fresh the sign-in."""
        settings.S11_REQUIRE_MFA = True
        user = staff_user(PartnershipFactory())
        post_password(client, user.email)
        client.post(MFA_URL, {"code": fresh_totp_code(totp_secret(user))})
        assert is_signed_in(client)

        for name in ("mfa_deactivate_totp", "mfa_generate_recovery_codes"):
            response = client.get(reverse(name))
            assert path_of(response) == reverse("account_reauthenticate"), name

    def test_a_wrong_code_keeps_the_same_secret_and_shows_an_error(self, client, settings):
        settings.S11_REQUIRE_MFA = True
        user, _ = self.sign_in_without_app(client, confirmed=True)
        secret = client.get(reverse("mfa_activate_totp")).context["form"].secret

        response = client.post(reverse("mfa_activate_totp"), {"code": wrong_code(secret)})

        html = response.content.decode()
        assert response.status_code == 200
        assert 'class="govuk-error-summary"' in html
        assert "The code is not correct" in html
        assert response.context["form"].secret == secret
        assert not Authenticator.objects.filter(user=user).exists()

    @pytest.mark.parametrize(
        "next_url", ["https://evil.example/staff/", "//evil.example/", "javascript:alert(1)"]
    )
    def test_a_next_to_another_site_is_ignored(self, client, settings, next_url):
        settings.S11_REQUIRE_MFA = True
        self.sign_in_without_app(client, confirmed=True)
        url = reverse("mfa_activate_totp") + "?" + urlencode({"next": next_url})
        page = client.get(url)
        assert 'name="next"' not in page.content.decode()
        secret = page.context["form"].secret

        response = client.post(url, {"code": fresh_totp_code(secret), "next": next_url})

        codes_url = response["Location"]
        assert "evil" not in codes_url and "javascript" not in codes_url
        codes_page = client.get(codes_url + "?" + urlencode({"next": next_url})).content.decode()
        assert f'href="{reverse("staff_index")}">Continue</a>' in codes_page


class TestStaffHome:
    """/staff/ shows a person only the partnerships they belong to."""

    def test_one_partnership_goes_straight_to_its_workspace(self, client):
        partnership = PartnershipFactory()
        PartnershipFactory(name="Somebody Else's Partnership")
        sign_in(client, staff_user(partnership))

        assert path_of(client.get(reverse("staff_index"))) == staff_url(partnership, "staff_home")

    def test_several_partnerships_are_a_choice_of_exactly_those(self, client):
        from tests.factories import StaffMembershipFactory

        mine = [PartnershipFactory(name="Alpha Partnership"), PartnershipFactory(name="Bravo Partnership")]
        PartnershipFactory(name="Charlie Partnership")
        user = staff_user(mine[0])
        StaffMembershipFactory(user=user, partnership=mine[1], role=StaffRole.ADMIN)
        sign_in(client, user)

        response = client.get(reverse("staff_index"))

        assert response.status_code == 200
        html = response.content.decode()
        assert "Choose a partnership" in html
        for partnership in mine:
            assert f'href="{staff_url(partnership, "staff_home")}">{partnership.name}</a>' in html
        assert "Charlie Partnership" not in html

    def test_no_partnership_is_explained(self, client):
        from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

        PartnershipFactory(name="Alpha Partnership")
        user = UserFactory()
        TOTP.activate(user, generate_totp_secret())
        sign_in(client, user)

        response = client.get(reverse("staff_index"))

        html = response.content.decode()
        assert response.status_code == 200
        assert "not a member of any partnership" in html
        assert "Alpha Partnership" not in html

    def test_a_partnership_they_do_not_belong_to_is_not_found(self, client):
        mine, theirs = PartnershipFactory(), PartnershipFactory()
        sign_in(client, staff_user(mine))

        assert client.get(staff_url(theirs, "staff_home")).status_code == 404


def test_signing_out_asks_then_signs_out(client):
    user = staff_user(PartnershipFactory())
    client.force_login(user)

    page = client.get(reverse("account_logout"))
    assert page.status_code == 200
    assert "Are you sure you want to sign out?" in page.content.decode()
    assert is_signed_in(client)

    response = client.post(reverse("account_logout"))
    assert path_of(response) == reverse("account_login")
    assert not is_signed_in(client)


def test_sign_up_is_closed(client):
    from django.contrib.auth import get_user_model

    page = client.get(reverse("account_signup"))
    assert "You cannot create an account here" in page.content.decode()
    assert 'name="password1"' not in page.content.decode()

    client.post(
        reverse("account_signup"),
        {
            "email": "new@example.org",
            "password1": "a long new password 1",
            "password2": "a long new password 1",
        },
    )
    assert not get_user_model().objects.filter(email="new@example.org").exists()


def test_an_invited_members_first_sign_in_asks_for_the_password_once(client, settings):
    """From the invitation's set-password link to the authenticator set-up:
    the password is typed to set it, once to sign in, and not again."""
    from partnerships.services import staff_invitation_password_url

    settings.S11_REQUIRE_MFA = True
    partnership = PartnershipFactory()
    user = staff_user(partnership, mfa=False)
    user.set_unusable_password()
    user.save(update_fields=["password"])
    set_password = client.get(staff_invitation_password_url(user_pk=user.pk).split("8000", 1)[1])
    new_password = "correct horse battery staple"
    response = client.post(set_password["Location"], {"password1": new_password, "password2": new_password})
    assert path_of(response) == reverse("account_reset_password_from_key_done")

    response = post_password(client, user.email, password=new_password)
    pages = []
    while response.status_code == 302:
        pages.append(path_of(response))
        response = client.get(response["Location"])
    assert reverse("account_reauthenticate") not in pages
    assert pages[-1] == reverse("mfa_activate_totp")
    assert "Set up an authenticator app" in response.content.decode()
