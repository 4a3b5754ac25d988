"""Content-Security-Policy, Permissions-Policy and HSTS on the service's pages
(issue 12 item 5). tests/e2e/test_csp.py shows the pages work under them in
a real browser."""

import json
import os
import re
import subprocess
import sys

import pytest
from django.urls import reverse

from tests.conftest import REPO_ROOT

pytestmark = pytest.mark.django_db

NONCE_IN_POLICY = re.compile(r"'nonce-([A-Za-z0-9+/=]+)'")


def directives(policy: str) -> dict[str, list[str]]:
    parts = (d.strip().split() for d in policy.split(";") if d.strip())
    return {p[0]: p[1:] for p in parts}


@pytest.mark.parametrize("url", ["/", reverse("account_login"), reverse("account_reset_password")])
def test_pages_have_a_strict_nonce_policy_and_their_inline_script_carries_the_nonce(client, url):
    response = client.get(url)
    assert response.status_code == 200
    policy = directives(response["Content-Security-Policy"])
    assert policy["default-src"] == ["'self'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert policy["object-src"] == ["'none'"]
    assert policy["base-uri"] == ["'none'"]
    assert policy["form-action"] == ["'self'"]
    for directive in ("script-src", "style-src"):
        assert "'unsafe-inline'" not in policy[directive]
        assert "'unsafe-eval'" not in policy[directive]
        assert "*" not in policy[directive]
    nonce = NONCE_IN_POLICY.search(" ".join(policy["script-src"])).group(1)
    html = response.content.decode()
    inline_scripts = re.findall(r"<script(?![^>]*\bsrc=)([^>]*)>", html)
    assert inline_scripts, "base.html's js-enabled script is missing"
    assert all(f'nonce="{nonce}"' in attrs for attrs in inline_scripts), inline_scripts


def test_each_response_gets_its_own_nonce(client):
    first = NONCE_IN_POLICY.search(client.get("/")["Content-Security-Policy"]).group(1)
    second = NONCE_IN_POLICY.search(client.get("/")["Content-Security-Policy"]).group(1)
    assert first != second


def test_permissions_policy_turns_off_features_the_service_never_uses(client):
    header = client.get("/")["Permissions-Policy"]
    features = dict(item.strip().split("=", 1) for item in header.split(","))
    for feature in ("camera", "microphone", "geolocation", "payment", "usb", "publickey-credentials-get"):
        assert features[feature] == "()", feature


# Templates that are never served to a browser: emails (mail clients need
# inline styles) and the HTML WeasyPrint turns into PDFs.
NOT_SERVED = (
    "emails/",
    "pdf/",
    "audits/actions/plan_pdf.html",
    "reports/report_pdf.html",
    "reports/child_summary_pdf.html",
)


def _served_templates():
    for root in [REPO_ROOT / "templates", *sorted(REPO_ROOT.glob("*/templates"))]:
        for path in sorted(root.rglob("*.html")):
            name = path.relative_to(root).as_posix()
            if not name.startswith(NOT_SERVED):
                yield name, path.read_text()


def test_served_templates_have_no_inline_style_or_script_without_the_nonce():
    problems = []
    for name, text in _served_templates():
        for attrs in re.findall(r"<script\b([^>]*)>", text):
            if "src=" not in attrs and "csp_nonce" not in attrs and "application/json" not in attrs:
                problems.append(f"{name}: <script{attrs}> has no nonce")
        if re.search(r"<style\b", text):
            problems.append(f"{name}: <style> (move it to static/css/)")
        if re.search(r"\sstyle=", text):
            problems.append(f"{name}: a style= attribute (use a class)")
        if re.search(r"\son[a-z]+=", text):
            problems.append(f"{name}: an inline event handler")
    assert not problems, "\n".join(problems)


PROBE = (
    "import importlib, json, sys; m = importlib.import_module(sys.argv[1]); "
    "print(json.dumps({k: getattr(m, k, None) for k in sys.argv[2:]}))"
)


def production_settings(*names: str, **env: str) -> dict:
    keep = {k: v for k, v in os.environ.items() if not k.startswith(("SECURE_", "DEBUG"))}
    result = subprocess.run(
        [sys.executable, "-c", PROBE, "s11portal.settings.production", *names],
        cwd=REPO_ROOT,
        env={**keep, "SECRET_KEY": "x" * 60, "S11_VAR_DIR": "/tmp/s11-settings-probe", **env},
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(result.stdout)


def test_production_hsts_covers_subdomains():
    assert production_settings(
        "SECURE_HSTS_SECONDS", "SECURE_HSTS_INCLUDE_SUBDOMAINS", "SECURE_HSTS_PRELOAD"
    ) == {
        "SECURE_HSTS_SECONDS": 31536000,
        "SECURE_HSTS_INCLUDE_SUBDOMAINS": True,
        "SECURE_HSTS_PRELOAD": True,
    }
