"""The docker-compose deployment (issue 12 items 5 and 8, and "check
--deploy prints no warnings"): Caddy in front, gunicorn and Mailpit not
reachable from outside, and Django's deployment checks clean with the
production settings and the compose file's values."""

import os
import re
import secrets
import subprocess
import sys

import yaml

from tests.conftest import REPO_ROOT

COMPOSE = yaml.safe_load((REPO_ROOT / "docker-compose.yml").read_text())
SERVICES = COMPOSE["services"]


def compose_env(service: str = "web") -> dict[str, str]:
    """The service's environment as docker compose would give it with no
    variables set on this machine: ${NAME:-default} becomes the default."""
    env = {}
    for name, value in SERVICES[service]["environment"].items():
        value = str(value)
        if name == "SECRET_KEY":
            value = secrets.token_urlsafe(50)
        env[name] = re.sub(r"\$\{[A-Z_]+:-([^}]*)\}", r"\1", value)
    return env


def test_check_deploy_with_the_compose_values_has_no_warnings(tmp_path):
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("SECURE_", "DJANGO_", "DEBUG"))},
        **compose_env(),
        "S11_VAR_DIR": str(tmp_path),
    }
    assert env["DJANGO_SETTINGS_MODULE"] == "s11portal.settings.production"
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout, result.stdout + result.stderr


def test_only_the_proxy_is_published():
    assert "ports" not in SERVICES["web"]
    published = {name for name, service in SERVICES.items() if service.get("ports")}
    assert published == {"caddy", "mailpit"}
    assert all(str(port).startswith("127.0.0.1:") for port in SERVICES["mailpit"]["ports"])


def test_the_app_trusts_exactly_the_one_proxy_and_caddy_caps_bodies():
    assert compose_env()["TRUSTED_PROXY_COUNT"] == "1"
    caddyfile = re.sub(r"#.*", "", (REPO_ROOT / "deploy" / "Caddyfile").read_text())
    assert re.search(r"request_body \{\s*max_size \{\$MAX_REQUEST_BODY:30MiB\}", caddyfile)
    assert "reverse_proxy web:8000" in caddyfile
    assert "header -Server" in caddyfile
    assert "trusted_proxies" not in caddyfile  # a client's own X-Forwarded-For is replaced
