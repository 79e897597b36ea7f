"""The `twoheads` console command: Django's management commands plus the project's own."""

import os
import sys


def main() -> None:
    if sys.argv[1:2] == ["match"]:
        # The engine's command needs no database and no settings, so none are loaded: it
        # works on a machine where the web application was never configured.
        from twoheads.matching.cli import main as match

        sys.exit(match(sys.argv[2:]))
    if sys.argv[1:2] in (["--version"], ["version"]):
        print(version())  # Django's own answer would be Django's version
        return
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "twoheads.settings")
    from django.conf import settings
    from django.core.exceptions import ImproperlyConfigured
    from django.core.management import execute_from_command_line

    try:
        settings.SECRET_KEY  # noqa: B018 -- loads the settings, which check the environment
    except ImproperlyConfigured as error:
        # A configuration mistake, not a bug: its message alone says what to set.
        sys.exit(f"twoheads: {error}")
    from django.db import OperationalError, connection

    try:
        execute_from_command_line(sys.argv)
    except OperationalError as error:
        if connection.connection is not None or "--traceback" in sys.argv:
            raise  # connected, then a query failed: the traceback says where
        sys.exit(f"twoheads: cannot connect to {database_name()}: {one_line(error)}")


def database_name() -> str:
    """Where DATABASE_URL points, without its user or password."""
    from django.db import connection

    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"the SQLite database {db['NAME']}"
    where = db["HOST"] or "localhost"
    where += f":{db['PORT']}" if db["PORT"] else ""
    return f"the {connection.display_name} database {db['NAME']!r} at {where}"


def one_line(error: Exception) -> str:
    return " ".join(line.strip() for line in str(error).splitlines() if line.strip())


def version() -> str:
    """This installation's version, from the package's metadata, and Django's beside it."""
    from importlib.metadata import PackageNotFoundError
    from importlib.metadata import version as installed

    import django

    try:
        ours = installed("twoheads")
    except PackageNotFoundError:  # run from a checkout that was never installed
        ours = "(not installed)"
    return f"twoheads {ours} (Django {django.get_version()})"


if __name__ == "__main__":
    main()
