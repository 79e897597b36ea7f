"""Online backups of the database: SQLite through its backup API, PostgreSQL through pg_dump.

A file is written beside its destination and renamed over it only when whole, so a backup or
restore that stops half-way leaves the file that was there before.
"""

import os
import shutil
import sqlite3
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.db import connections

SQLITE = "django.db.backends.sqlite3"
POSTGRESQL = "django.db.backends.postgresql"
SQLITE_HEADER = b"SQLite format 3\x00"
PG_DUMP_HEADER = b"PGDMP"


class BackupError(RuntimeError):
    """A backup or restore could not be made; the message says why."""


def _settings(alias: str) -> dict[str, object]:
    return connections[alias].settings_dict


def backup(destination: Path, alias: str = "default", *, replace: bool = False) -> Path:
    """Write a consistent copy of the live database to `destination` while the site runs.

    An existing file at `destination` is refused unless `replace` is true.
    """
    db = _settings(alias)
    if db["ENGINE"] not in (SQLITE, POSTGRESQL):
        raise BackupError(f"Backups are supported for SQLite and PostgreSQL, not {db['ENGINE']}.")
    _check_destination(destination, replace)
    if db["ENGINE"] == SQLITE:
        live = Path(str(db["NAME"]))
        if destination.exists() and destination.resolve() == live.resolve():
            raise BackupError(f"{destination} is the live database; choose another file name.")
        with _replacing(destination) as partial:
            _backup_sqlite(live, partial)
        return destination
    with _replacing(destination) as partial:
        _run(
            ["pg_dump", "--format=custom", "--no-owner", f"--file={partial}", *_pg_args(db)],
            db.get("PASSWORD"),
        )
    return destination


def restore(source: Path, alias: str = "default") -> None:
    """Replace the database's contents with a backup made by `backup()`."""
    if not source.exists():
        raise BackupError(f"There is no backup at {source}.")
    db = _settings(alias)
    connections[alias].close()
    if db["ENGINE"] == SQLITE:
        _restore_sqlite(source, Path(str(db["NAME"])))
        return
    if db["ENGINE"] == POSTGRESQL:
        if source.is_file() and _header(source) == SQLITE_HEADER:
            raise BackupError(
                f"{source} is a backup of an SQLite database, and this site's database is "
                "PostgreSQL. Nothing was restored."
            )
        _run(
            [
                "pg_restore",
                "--clean",
                "--if-exists",
                "--no-owner",
                "--single-transaction",  # all of it or, on any error, none of it
                *_pg_args(db),
                str(source),
            ],
            db.get("PASSWORD"),
        )
        return
    raise BackupError(f"Restores are supported for SQLite and PostgreSQL, not {db['ENGINE']}.")


def _check_destination(destination: Path, replace: bool) -> None:
    if destination.is_dir():
        raise BackupError(
            f"{destination} is a folder; give the backup file's name, "
            f"e.g. {destination / 'twoheads.dump'}."
        )
    if destination.exists() and not replace:
        raise BackupError(
            f"{destination} already exists; choose a new file name, or pass --force to replace it."
        )


def _backup_sqlite(live: Path, partial: Path) -> None:
    if not live.is_file():
        raise BackupError(f"There is no database at {live} to back up; run `twoheads migrate`.")
    try:
        source = sqlite3.connect(live)
        try:
            target = sqlite3.connect(partial)
            try:
                source.backup(target)
            finally:
                target.close()
        finally:
            source.close()
    except sqlite3.Error as error:
        raise BackupError(f"Could not back up the database at {live}: {error}.") from error


def _restore_sqlite(source: Path, live: Path) -> None:
    if not source.is_file():
        raise BackupError(f"{source} is a folder, not a backup file. Nothing was restored.")
    with _replacing(live) as partial:
        try:
            shutil.copyfile(source, partial)
        except OSError as error:
            raise BackupError(
                f"Could not copy {source} beside the database ({error.strerror}). "
                "Nothing was restored."
            ) from error
        _check_product_database(partial, source)
        _fold_log_into(live)
        # The old database's log and shared memory would be read as the new one's.
        for suffix in ("-wal", "-shm"):
            Path(f"{live}{suffix}").unlink(missing_ok=True)


def _check_product_database(path: Path, source: Path) -> None:
    """Refuse a file that is not a sound SQLite database with this product's tables."""
    header = _header(path)
    if header.startswith(PG_DUMP_HEADER):
        raise BackupError(
            f"{source} is a PostgreSQL backup (pg_dump), and this site's database is SQLite. "
            "Nothing was restored."
        )
    if header != SQLITE_HEADER:
        raise BackupError(
            f"{source} is not an SQLite database, so not a backup made by `twoheads backup`. "
            "Nothing was restored."
        )
    try:
        database = sqlite3.connect(path)
        try:
            problems = [row[0] for row in database.execute("PRAGMA integrity_check")]
            query = "SELECT name FROM sqlite_master WHERE type = 'table'"
            tables = {row[0] for row in database.execute(query)}
        finally:
            database.close()
    except sqlite3.Error as error:
        raise BackupError(
            f"{source} is a damaged SQLite database ({error}). Nothing was restored."
        ) from error
    if problems != ["ok"]:
        raise BackupError(
            f"{source} is a damaged SQLite database (integrity check: {problems[0]}). "
            "Nothing was restored."
        )
    missing = sorted(_product_tables() - tables)
    if missing:
        raise BackupError(
            f"{source} is an SQLite database but not one of Two Heads (missing tables: "
            f"{', '.join(missing)}). Nothing was restored."
        )


def _product_tables() -> set[str]:
    user = apps.get_model(settings.AUTH_USER_MODEL)._meta.db_table
    programme = apps.get_model("programmes", "Programme")._meta.db_table
    return {"django_migrations", user, programme}


def _fold_log_into(live: Path) -> None:
    """Write the live database's log into its file, so it is whole if the restore stops here."""
    if not live.exists():
        return
    try:
        database = sqlite3.connect(live, timeout=5)
        try:
            busy = database.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()[0]
        finally:
            database.close()
    except sqlite3.OperationalError as error:
        busy = "locked" in str(error) or "busy" in str(error)
    except sqlite3.DatabaseError:
        return  # Not a database any more: nothing in it to keep.
    if busy:
        raise BackupError(
            f"The database at {live} is in use; stop the web and worker processes, then restore "
            "again. Nothing was restored."
        )


@contextmanager
def _replacing(final: Path) -> Iterator[Path]:
    """Yield a new file beside `final` that takes its place, whole, only if the block succeeds."""
    if not final.parent.is_dir():
        raise BackupError(
            f"There is no folder {final.parent} to write {final} in; create it, or choose "
            "another path."
        )
    try:
        handle, name = tempfile.mkstemp(dir=final.parent, prefix=f".{final.name}.", suffix=".part")
    except OSError as error:
        raise BackupError(
            f"Cannot write {final}: {error.strerror} in {final.parent}. Choose a folder that "
            "the user running twoheads can write to."
        ) from error
    os.close(handle)
    partial = Path(name)
    try:
        yield partial
        try:
            if final.exists():
                shutil.copymode(final, partial)
            _fsync(partial)
            os.replace(partial, final)
            _fsync(final.parent)
        except OSError as error:
            raise BackupError(f"Cannot write {final}: {error.strerror}.") from error
    finally:
        for leftover in (partial, Path(f"{partial}-wal"), Path(f"{partial}-shm")):
            leftover.unlink(missing_ok=True)


def _fsync(path: Path) -> None:
    handle = os.open(path, os.O_RDONLY)
    try:
        os.fsync(handle)
    finally:
        os.close(handle)


def _header(path: Path) -> bytes:
    try:
        with path.open("rb") as file:
            return file.read(len(SQLITE_HEADER))
    except OSError:
        return b""  # Whatever reads the file next says why it cannot.


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
