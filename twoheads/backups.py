"""Online backups of the database: SQLite through its backup API, PostgreSQL through pg_dump."""

import os
import shutil
import sqlite3
import subprocess
from pathlib import Path

from django.db import connections


class BackupError(RuntimeError):
    """A backup or restore could not be made; the message says why."""


def _settings(alias: str) -> dict[str, object]:
    return connections[alias].settings_dict


def backup(destination: Path, alias: str = "default") -> Path:
    """Write a consistent copy of the live database to `destination` while the site runs."""
    db = _settings(alias)
    if db["ENGINE"] == "django.db.backends.sqlite3":
        source = sqlite3.connect(str(db["NAME"]))
        target = sqlite3.connect(str(destination))
        with target:
            source.backup(target)
        source.close()
        target.close()
        return destination
    if db["ENGINE"] == "django.db.backends.postgresql":
        _run(
            ["pg_dump", "--format=custom", "--no-owner", f"--file={destination}", *_pg_args(db)],
            db.get("PASSWORD"),
        )
        return destination
    raise BackupError(f"Backups are supported for SQLite and PostgreSQL, not {db['ENGINE']}.")


def restore(source: Path, alias: str = "default") -> None:
    """Replace the database's contents with a backup made by `backup()`."""
    if not source.exists():
        raise BackupError(f"There is no backup at {source}.")
    db = _settings(alias)
    connections[alias].close()
    if db["ENGINE"] == "django.db.backends.sqlite3":
        target = Path(str(db["NAME"]))
        for suffix in ("-wal", "-shm"):
            Path(f"{target}{suffix}").unlink(missing_ok=True)
        shutil.copyfile(source, target)
        return
    if db["ENGINE"] == "django.db.backends.postgresql":
        _run(
            ["pg_restore", "--clean", "--if-exists", "--no-owner", *_pg_args(db), str(source)],
            db.get("PASSWORD"),
        )
        return
    raise BackupError(f"Restores are supported for SQLite and PostgreSQL, not {db['ENGINE']}.")


def _pg_args(db: dict[str, object]) -> list[str]:
    args = [f"--dbname={db['NAME']}"]
    for flag, key in (("--host", "HOST"), ("--port", "PORT"), ("--username", "USER")):
        if db.get(key):
            args.append(f"{flag}={db[key]}")
    return args


def _run(command: list[str], password: object = None) -> None:
    if shutil.which(command[0]) is None:
        raise BackupError(f"{command[0]} is not installed; install PostgreSQL's client tools.")
    env = {**os.environ, "PGPASSWORD": str(password)} if password else None
    result = subprocess.run(command, capture_output=True, text=True, env=env, check=False)  # noqa: S603
    if result.returncode != 0:
        raise BackupError(f"{command[0]} failed: {result.stderr.strip()[:500]}")
