"""A second factor is required whenever DEBUG is off, and production cannot
be talked out of it. Each settings module is imported in a fresh interpreter
with the environment under test."""

import json
import os
import subprocess
import sys

import pytest

from tests.conftest import REPO_ROOT

PROBE = (
    "import importlib, json, sys; m = importlib.import_module(sys.argv[1]); "
    "print(json.dumps({'debug': m.DEBUG, 'require_mfa': m.S11_REQUIRE_MFA}))"
)


def settings_of(module: str, **env: str) -> dict:
    clean = {k: v for k, v in os.environ.items() if k not in {"DEBUG", "S11_REQUIRE_MFA", "SECRET_KEY"}}
    result = subprocess.run(
        [sys.executable, "-c", PROBE, f"s11portal.settings.{module}"],
        cwd=REPO_ROOT,
        env={**clean, "S11_VAR_DIR": "/tmp/s11-settings-probe", **env},
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(result.stdout)


@pytest.mark.parametrize("asked", ["0", "false", "1"])
def test_production_always_requires_it(asked):
    assert settings_of("production", SECRET_KEY="x" * 50, S11_REQUIRE_MFA=asked, DEBUG="true") == {
        "debug": False,
        "require_mfa": True,
    }


def test_local_with_debug_makes_it_optional():
    assert settings_of("local") == {"debug": True, "require_mfa": False}


def test_local_can_ask_for_it():
    assert settings_of("local", S11_REQUIRE_MFA="1")["require_mfa"] is True


def test_local_without_debug_requires_it():
    assert settings_of("local", DEBUG="false") == {"debug": False, "require_mfa": True}


def test_the_tests_require_it():
    from django.conf import settings

    assert settings.S11_REQUIRE_MFA is True
