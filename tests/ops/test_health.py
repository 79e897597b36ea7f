"""/healthz answers 503 only for the database, and reports the worker and the outbox beside it."""

from datetime import timedelta

from django.test import TestCase, override_settings
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult, get_date_max

from twoheads.mail.models import OutgoingEmail

DATABASE_QUEUE = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def waiting_task(minutes: int) -> None:
    task = DBTaskResult.objects.create(
        args_kwargs={"args": [1], "kwargs": {}},
        task_path="twoheads.mail.tasks.deliver",
        backend_name="default",
        run_after=get_date_max(),
    )
    enqueued = timezone.now() - timedelta(minutes=minutes)
    DBTaskResult.objects.filter(pk=task.pk).update(enqueued_at=enqueued)


def email(status: str) -> None:
    OutgoingEmail.objects.create(from_email="a@x.test", recipients=["b@x.test"], status=status)


@override_settings(TASKS=DATABASE_QUEUE)
class HealthTests(TestCase):
    def health(self) -> tuple[int, dict[str, object]]:
        response = self.client.get(reverse("healthz"))
        return response.status_code, response.json()

    def test_all_well_says_ok_with_the_worker_and_outbox(self):
        waiting_task(minutes=1)
        email("sent")
        with self.assertNumQueries(3):  # the database, one for the worker, one for the outbox
            code, report = self.health()
        self.assertEqual(code, 200)
        self.assertEqual(report["status"], "ok")
        self.assertEqual(report["database"], "ok")
        self.assertEqual(report["worker"]["state"], "ok")
        self.assertAlmostEqual(report["worker"]["oldest_task_waiting_seconds"], 60, delta=5)
        self.assertEqual(report["outbox"], {"waiting": 0, "gave_up": 0})

    def test_a_task_waiting_over_ten_minutes_reports_the_worker_late_but_stays_200(self):
        waiting_task(minutes=11)
        code, report = self.health()
        self.assertEqual(code, 200)
        self.assertEqual(report["status"], "degraded")
        self.assertEqual(report["worker"]["state"], "late")

    def test_a_task_deferred_to_later_is_not_waiting(self):
        task = DBTaskResult.objects.create(
            args_kwargs={"args": [1], "kwargs": {}},
            task_path="twoheads.mail.tasks.deliver",
            backend_name="default",
            run_after=timezone.now() + timedelta(hours=1),
        )
        DBTaskResult.objects.filter(pk=task.pk).update(
            enqueued_at=timezone.now() - timedelta(days=1)
        )
        self.assertEqual(
            self.health()[1]["worker"], {"state": "ok", "oldest_task_waiting_seconds": 0}
        )

    def test_the_outbox_counts_emails_waiting_and_given_up(self):
        for status in ("queued", "retrying", "failed", "sent"):
            email(status)
        code, report = self.health()
        self.assertEqual(code, 200)
        self.assertEqual(report["status"], "ok")
        self.assertEqual(report["outbox"], {"waiting": 2, "gave_up": 1})
