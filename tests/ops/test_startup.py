"""Starting `twoheads` with debug off and no SECRET_KEY stops with one line saying what to set;
`twoheads --version` says which Two Heads this is."""

import os
import subprocess
import sys
from importlib import metadata
from pathlib import Path

import django
import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("command", [["check"], ["migrate"], ["backup", "x.dump"], []])
def test_a_missing_secret_key_is_one_line_and_exit_status_1(tmp_path, command):
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"SECRET_KEY", "DJANGO_SETTINGS_MODULE", "DATABASE_URL"}
    }
    env |= {"DJANGO_DEBUG": "0", "TWOHEADS_DATA_DIR": str(tmp_path)}

    result = subprocess.run(
        [sys.executable, "-m", "twoheads", *command],
        env=env,
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
        check=False,
    )

    assert result.returncode == 1
    assert result.stdout == ""
    assert result.stderr.splitlines() == [result.stderr.strip()], result.stderr
    assert result.stderr.startswith("twoheads: SECRET_KEY is not set.")
    assert "Set the SECRET_KEY environment variable" in result.stderr


@pytest.mark.parametrize("argument", ["--version", "version"])
def test_version_is_two_heads_own_and_needs_no_configuration(argument):
    env = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "DJANGO_SETTINGS_MODULE"}}
    env["DJANGO_DEBUG"] = "0"
    result = subprocess.run(
        [sys.executable, "-m", "twoheads", argument],
        env=env,
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert (
        result.stdout
        == f"twoheads {metadata.version('twoheads')} (Django {django.get_version()})\n"
    )


CONFIG_MISTAKES = [
    (
        {"DATABASE_URL": "postgress://twoheads:s3cret@db.internal/twoheads"},
        "twoheads: DATABASE_URL must look like postgres://user:password@host:5432/name or "
        "sqlite:////path/to/file.sqlite3; its scheme 'postgress' is unknown.",
    ),
    (
        {"DATABASE_URL": "mysql://twoheads:s3cret@db.internal/twoheads"},
        "twoheads: DATABASE_URL must look like postgres://user:password@host:5432/name or "
        "sqlite:////path/to/file.sqlite3; Two Heads does not run on 'mysql'.",
    ),
    (
        {"DATABASE_URL": "postgres://twoheads:s3cret@127.0.0.1:1/twoheads"},
        "twoheads: cannot connect to the PostgreSQL database 'twoheads' at 127.0.0.1:1: "
        "connection failed: ",
    ),
    (
        {"DATABASE_URL": "sqlite:////no/such/folder/twoheads.sqlite3"},
        "twoheads: cannot connect to the SQLite database /no/such/folder/twoheads.sqlite3: "
        "unable to open database file",
    ),
    ({"EMAIL_PORT": "five-eight-seven"}, "twoheads: EMAIL_PORT must be a whole number, not "),
    ({"LOGIN_ACCOUNT_LIMIT": "5 tries"}, "twoheads: LOGIN_ACCOUNT_LIMIT must be a whole number"),
]


@pytest.mark.parametrize(("mistake", "said"), CONFIG_MISTAKES)
def test_a_configuration_mistake_is_one_line_naming_what_to_fix(tmp_path, mistake, said):
    env = {k: v for k, v in os.environ.items() if k not in {"DJANGO_SETTINGS_MODULE"}}
    env |= {
        "DJANGO_DEBUG": "0",
        "SECRET_KEY": "a-production-secret-key-that-is-long-and-random-9f8e7d6c5b4a3f2e1d0c",
        "TWOHEADS_DATA_DIR": str(tmp_path),
        "EMAIL_BACKEND": "smtp",
        **mistake,
    }
    result = subprocess.run(
        [sys.executable, "-m", "twoheads", "migrate", "--no-input"],
        env=env,
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
        check=False,
    )
    assert result.returncode == 1
    assert result.stderr.splitlines() == [result.stderr.strip()], result.stderr
    assert result.stderr.startswith(said), result.stderr
    assert "s3cret" not in result.stderr
