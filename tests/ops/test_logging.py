"""The log reads one line per event, with its time, level and source; no traceback where the
message says it all."""

import io
import logging
import re
from collections.abc import Iterator
from contextlib import contextmanager
from unittest import mock

from django.db import connection
from django.test import TestCase
from django.urls import reverse

LINE = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3} (WARNING|ERROR) [\w.]+: .+$")


@contextmanager
def written_log(logger: str = "") -> Iterator[io.StringIO]:
    """What the configured handlers of `logger` write, as the operator would read it."""
    ours = {"console", "console_one_line"}  # the settings' handlers, not the test runner's
    handlers = [h for h in logging.getLogger(logger).handlers if h.get_name() in ours]
    out = io.StringIO()
    previous = [h.setStream(out) for h in handlers]  # type: ignore[attr-defined]
    try:
        yield out
    finally:
        for handler, stream in zip(handlers, previous, strict=True):
            handler.setStream(stream)


class LogTests(TestCase):
    def test_each_line_has_its_time_level_and_logger(self):
        with written_log() as out:
            logging.getLogger("twoheads.mail.tasks").warning("Email 7 not delivered")
        self.assertRegex(out.getvalue().strip(), LINE)
        self.assertTrue(
            out.getvalue().strip().endswith("twoheads.mail.tasks: Email 7 not delivered")
        )

    def test_a_request_for_an_unknown_host_is_one_line_without_a_traceback(self):
        with written_log("django.security.DisallowedHost") as out:
            response = self.client.get(reverse("login"), headers={"host": "scanner.example"})
        self.assertEqual(response.status_code, 400)
        [line] = out.getvalue().splitlines()
        self.assertRegex(line, LINE)
        self.assertIn("Invalid HTTP_HOST header: 'scanner.example'", line)

    def test_a_failing_health_probe_is_one_line_without_a_traceback(self):
        failure = Exception("connection to server at db.internal failed\n\tIs the server running?")
        with written_log() as out, mock.patch.object(connection, "cursor", side_effect=failure):
            self.assertEqual(self.client.get(reverse("healthz")).status_code, 503)
        reason, status = out.getvalue().splitlines()
        self.assertRegex(reason, LINE)
        self.assertIn("db.internal failed Is the server running?", reason)
        self.assertRegex(status, LINE)
        self.assertTrue(status.endswith("django.request: Service Unavailable: /healthz"))
