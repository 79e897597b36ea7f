"""A backup taken while the site runs restores every row (SQLite file or PostgreSQL pg_dump).

A file that is not a backup of this site is refused before anything is replaced, and a backup
or restore that stops half-way leaves the file that was there before.
"""

import hashlib
import os
import shutil
import sqlite3
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


# --- SQLite: what the operator sees when a file or a folder is wrong ------------------------


@pytest.fixture(scope="module")
def migrated(tmp_path_factory):
    """An SQLite database of the product with one operator in it, and a backup of it."""
    folder = tmp_path_factory.mktemp("migrated")
    env = sqlite_env(folder)
    assert twoheads("migrate", "--no-input", "-v", "0", env=env).returncode == 0
    script = (
        "import django; django.setup();"
        "from twoheads.accounts.models import User;"
        "User.objects.create_superuser(email='olga@example.com', password='x', name='Olga')"
    )
    subprocess.run(
        [sys.executable, "-c", script],
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "tests.settings", **env},
        cwd=ROOT,
        check=True,
        timeout=300,
    )
    made = twoheads("backup", str(folder / "good.dump"), env=env)
    assert made.returncode == 0, made.stderr
    return folder


@pytest.fixture
def site(migrated, tmp_path):
    """Olga's site: a folder holding a copy of the migrated database and its backup."""
    shutil.copyfile(migrated / "twoheads.sqlite3", tmp_path / "twoheads.sqlite3")
    shutil.copyfile(migrated / "good.dump", tmp_path / "good.dump")
    return tmp_path


def sqlite_env(folder: Path) -> dict[str, str]:
    return {
        "DATABASE_URL": f"sqlite:///{folder / 'twoheads.sqlite3'}",
        "TWOHEADS_DATA_DIR": str(folder),
    }


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def one_line_error(result: subprocess.CompletedProcess[str]) -> str:
    """The command failed with a single line of explanation, not a traceback."""
    assert result.returncode != 0
    assert "Traceback" not in result.stderr, result.stderr
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr
    return result.stderr


def another_products_database(path: Path) -> None:
    database = sqlite3.connect(path)
    database.execute("CREATE TABLE invoices (id INTEGER PRIMARY KEY, total REAL)")
    database.commit()
    database.close()


def damaged_backup(path: Path, good: Path) -> None:
    data = bytearray(good.read_bytes())
    data[4096 * 2 : 4096 * 6] = b"x" * (4096 * 4)
    path.write_bytes(bytes(data))


WRONG_FILES = {
    "text": (lambda path, good: path.write_text("garbage\n"), "is not an SQLite database"),
    "csv": (
        lambda path, good: path.write_text("email,name\nmei@example.com,Mei\n"),
        "is not an SQLite database",
    ),
    "pg_dump": (
        lambda path, good: path.write_bytes(b"PGDMP\x01\x0e\x00" + b"\x00" * 100),
        "is a PostgreSQL backup",
    ),
    "other_sqlite": (
        lambda path, good: another_products_database(path),
        "not one of Two Heads (missing tables: accounts_user, django_migrations",
    ),
    "damaged_sqlite": (damaged_backup, "is a damaged SQLite database"),
}


@pytest.mark.slow
@pytest.mark.parametrize("kind", WRONG_FILES)
def test_restore_refuses_a_file_that_is_not_a_backup_and_keeps_the_database(site, kind):
    write, message = WRONG_FILES[kind]
    wrong = site / f"wrong-{kind}"
    write(wrong, site / "good.dump")
    before = digest(site / "twoheads.sqlite3")

    result = twoheads("restore", "--yes", str(wrong), env=sqlite_env(site))

    assert message in one_line_error(result)
    assert "Nothing was restored" in result.stderr
    assert "Restored" not in result.stdout
    assert digest(site / "twoheads.sqlite3") == before
    assert sorted(p.name for p in site.iterdir() if p.name.startswith(".")) == []


@pytest.mark.slow
def test_a_database_that_is_no_longer_one_is_restored_from_its_backup(site):
    (site / "twoheads.sqlite3").write_text("garbage\n")

    result = twoheads("restore", "--yes", str(site / "good.dump"), env=sqlite_env(site))

    assert result.returncode == 0, result.stderr
    assert "Restored the database from" in result.stdout
    assert "('accounts.User', 1)" in count_rows(sqlite_env(site))


@pytest.mark.slow
def test_a_restore_that_stops_while_copying_leaves_the_old_database(site):
    """The copy is made beside the database and renamed over it only when whole."""
    before = digest(site / "twoheads.sqlite3")
    script = (
        "import shutil, django; django.setup()\n"
        "def full_disk(source, target, **kwargs):\n"
        "    with open(source, 'rb') as src, open(target, 'wb') as dst:\n"
        "        dst.write(src.read(100_000))\n"
        "    raise OSError(28, 'No space left on device')\n"
        "shutil.copyfile = full_disk\n"
        "from django.core.management import call_command\n"
        "call_command('restore', sys.argv[1], '--yes')\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", "import sys\n" + script, str(site / "good.dump")],
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "tests.settings", **sqlite_env(site)},
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=300,
        check=False,
    )

    assert result.returncode != 0
    assert "No space left on device" in result.stderr
    assert digest(site / "twoheads.sqlite3") == before
    assert sorted(p.name for p in site.iterdir() if p.name.startswith(".")) == []


@pytest.mark.slow
def test_backup_into_a_missing_folder_says_which_folder(site):
    result = twoheads("backup", str(site / "nowhere" / "x.dump"), env=sqlite_env(site))

    assert f"There is no folder {site / 'nowhere'}" in one_line_error(result)
    assert "create it" in result.stderr


@pytest.mark.slow
def test_backup_keeps_an_existing_file_unless_forced(site):
    notes = site / "notes.txt"
    notes.write_text("garbage\n")

    refused = twoheads("backup", str(notes), env=sqlite_env(site))

    assert "already exists" in one_line_error(refused)
    assert "--force" in refused.stderr
    assert notes.read_text() == "garbage\n"

    forced = twoheads("backup", "--force", str(notes), env=sqlite_env(site))

    assert forced.returncode == 0, forced.stderr
    restored = twoheads("restore", "--yes", str(notes), env=sqlite_env(site))
    assert restored.returncode == 0, restored.stderr
    assert sorted(p.name for p in site.iterdir() if p.name.startswith(".")) == []


@pytest.mark.slow
def test_backup_of_a_broken_database_says_so(site):
    (site / "twoheads.sqlite3").write_text("garbage\n")

    result = twoheads("backup", str(site / "new.dump"), env=sqlite_env(site))

    assert "Could not back up the database at" in one_line_error(result)
    assert "file is not a database" in result.stderr
    assert not (site / "new.dump").exists()


@pytest.mark.slow
def test_backup_never_writes_over_the_live_database(site):
    live = site / "twoheads.sqlite3"
    before = digest(live)

    result = twoheads("backup", "--force", str(live), env=sqlite_env(site))

    assert "is the live database" in one_line_error(result)
    assert digest(live) == before


# --- PostgreSQL: pg_restore refuses what is not a dump ---------------------------------------


@pytest.mark.slow
@pytest.mark.postgres
@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL (DATABASE_URL)")
@pytest.mark.django_db(transaction=True)
def test_restore_on_postgresql_refuses_a_file_that_is_not_a_dump(site):
    _, target, pg_names = database_urls(site)
    name = pg_names[1]
    with connection.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')
        cursor.execute(f'CREATE DATABASE "{name}"')
    try:
        env = {"DATABASE_URL": target, "TWOHEADS_DATA_DIR": str(site)}
        assert twoheads("migrate", "--no-input", "-v", "0", env=env).returncode == 0
        before = count_rows(env)
        (site / "garbage.txt").write_text("garbage\n")

        garbage = twoheads("restore", "--yes", str(site / "garbage.txt"), env=env)
        sqlite = twoheads("restore", "--yes", str(site / "good.dump"), env=env)

        assert "pg_restore failed" in one_line_error(garbage)
        assert "is a backup of an SQLite database" in one_line_error(sqlite)
        assert count_rows(env) == before
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
