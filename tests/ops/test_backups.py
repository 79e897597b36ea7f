"""A backup taken while the site runs restores every row (SQLite file or PostgreSQL pg_dump)."""

import os
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]


def twoheads(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "twoheads", *args],
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "tests.settings", **env},
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=300,
        check=False,
    )


def count_rows(env: dict[str, str]) -> str:
    script = (
        "import django; django.setup();"
        "from django.apps import apps;"
        "print(sorted((m._meta.label, m.objects.count()) for m in apps.get_models()))"
    )
    result = subprocess.run(
        [sys.executable, "-c", script],
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "tests.settings", **env},
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=300,
        check=True,
    )
    return result.stdout


def database_urls(tmp: Path) -> tuple[str, str, list[str]]:
    """A source and a target database of the kind under test, and SQL to drop them after."""
    if connection.vendor == "postgresql":
        settings = connection.settings_dict
        host = f"{settings['HOST'] or '127.0.0.1'}:{settings['PORT'] or 5432}"
        base = f"postgres://{settings['USER']}@{host}"
        suffix = os.getpid()
        names = [f"th_backup_src_{suffix}", f"th_backup_dst_{suffix}"]
        return f"{base}/{names[0]}", f"{base}/{names[1]}", names
    return f"sqlite:///{tmp / 'source.sqlite3'}", f"sqlite:///{tmp / 'target.sqlite3'}", []


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_a_backup_restores_every_row_into_an_empty_database():
    with tempfile.TemporaryDirectory() as directory:
        tmp = Path(directory)
        source, target, pg_names = database_urls(tmp)
        if pg_names:
            with connection.cursor() as cursor:
                for name in pg_names:
                    cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')
                    cursor.execute(f'CREATE DATABASE "{name}"')
        try:
            src = {"DATABASE_URL": source, "TWOHEADS_DATA_DIR": str(tmp)}
            dst = {"DATABASE_URL": target, "TWOHEADS_DATA_DIR": str(tmp)}
            for env in (src, dst):
                assert twoheads("migrate", "--no-input", "-v", "0", env=env).returncode == 0
            seeded = twoheads("seed_demo", env=src)
            assert seeded.returncode == 0, seeded.stderr
            before = count_rows(src)
            assert "('accounts.User', 0)" not in before

            made = twoheads("backup", str(tmp / "backup.dump"), env=src)
            assert made.returncode == 0, made.stderr
            restored = twoheads("restore", str(tmp / "backup.dump"), "--yes", env=dst)
            assert restored.returncode == 0, restored.stderr

            assert count_rows(dst) == before
        finally:
            if pg_names:
                with connection.cursor() as cursor:
                    for name in pg_names:
                        cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_restore_refuses_a_missing_file(tmp_path):
    env = {
        "DATABASE_URL": f"sqlite:///{tmp_path / 'x.sqlite3'}",
        "TWOHEADS_DATA_DIR": str(tmp_path),
    }
    result = twoheads("restore", str(tmp_path / "nope.dump"), "--yes", env=env)
    assert result.returncode != 0
    assert "There is no backup at" in result.stderr
