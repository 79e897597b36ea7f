"""A match run: queued, running, done, failed and retried; never half-written."""

from datetime import timedelta
from unittest import mock

from django.test import override_settings
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from tests.pairing.stories import MatchingTestCase
from twoheads.accounts.models import AuditEvent
from twoheads.pairing import engine
from twoheads.pairing.models import MatchRun, ProposedPair, UnmatchedResult
from twoheads.programmes.models import Programme

DB_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


class RunLifecycleTests(MatchingTestCase):
    def test_it_starts_a_run_from_the_page_and_shows_its_pairs(self):
        self.client.force_login(self.martin)
        url = reverse("run_start", args=[self.programme.slug])
        r = self.client.post(url, {"mode": "optimal"})
        run = MatchRun.objects.get()
        self.assertRedirects(r, run.get_absolute_url())
        self.assertEqual(run.status, MatchRun.Status.DONE)
        pairs = set(run.proposals.values_list("mentor__name", "mentee__name"))
        self.assertEqual(pairs, {("Priya Patel", "Margaret Hughes"), ("Sam Okafor", "Mei Lin")})
        live = run.proposals.get(mentor=self.p_priya)
        self.assertTrue(live.already_live and live.locked)
        page = self.client.get(run.get_absolute_url())
        self.assertContains(page, "Sam Okafor")
        self.assertContains(page, "<meter", count=2 * 5, html=False)
        self.assertContains(page, "match rate")
        self.assertTrue(AuditEvent.objects.filter(action="run.start", actor=self.martin).exists())

    def test_it_reports_an_incomplete_profile_as_unmatched(self):
        run = self.make_run()
        reason = UnmatchedResult.objects.get(run=run, participant=self.p_ivy).reason
        self.assertTrue(reason.startswith("Their profile is not complete (missing: "), reason)
        self.assertNotIn(" you", reason)
        self.assertEqual(run.summary["incomplete"], 1)
        self.assertEqual(run.summary["mentees_total"], 3)

    def test_it_refuses_a_second_run_while_one_is_working(self):
        with override_settings(TASKS=DB_TASKS):
            self.make_run()
            with self.assertRaisesMessage(engine.PairingError, "already in progress"):
                self.make_run()

    def test_it_queues_with_the_database_backend_and_polls_until_done(self):
        self.client.force_login(self.martin)
        with override_settings(TASKS=DB_TASKS):
            run = self.make_run()
            self.assertEqual(run.status, MatchRun.Status.QUEUED)
            self.assertTrue(DBTaskResult.objects.filter(id=run.task_id).exists())
            page = self.client.get(run.get_absolute_url())
            self.assertContains(page, 'hx-trigger="every 2s"')
            self.assertContains(page, "seconds so far")
            engine.execute_run(run.pk)
            progress = reverse("run_progress", args=[self.programme.slug, run.pk])
            r = self.client.get(progress, headers={"HX-Request": "true"})
        self.assertEqual(r["HX-Refresh"], "true")
        self.assertNotContains(r, "every 2s")
        run.refresh_from_db()
        self.assertEqual(run.status, MatchRun.Status.DONE)
        self.assertEqual(run.progress, 1.0)

    def test_it_marks_a_run_whose_worker_died_failed_and_retries_it(self):
        self.client.force_login(self.martin)
        with override_settings(TASKS=DB_TASKS):
            run = self.make_run()
            long_ago = timezone.now() - timedelta(hours=2)
            MatchRun.objects.filter(pk=run.pk).update(
                status="running", started_at=long_ago, heartbeat_at=long_ago
            )
            page = self.client.get(run.get_absolute_url())
            self.assertContains(page, "presumed dead")
            self.assertContains(page, "Retry the run")
            run.refresh_from_db()
            self.assertEqual(run.status, MatchRun.Status.FAILED)
            r = self.client.post(reverse("run_retry", args=[self.programme.slug, run.pk]))
            self.assertRedirects(r, run.get_absolute_url())
            run.refresh_from_db()
            self.assertEqual((run.status, run.attempts, run.error), ("queued", 2, ""))
            engine.execute_run(run.pk)
        run.refresh_from_db()
        self.assertEqual(run.status, MatchRun.Status.DONE)
        self.assertTrue(AuditEvent.objects.filter(action="run.retry").exists())

    def test_a_run_never_handed_to_a_worker_is_failed_and_can_be_retried(self):
        run = self.make_run()
        MatchRun.objects.filter(pk=run.pk).update(
            status="queued", task_id="", created_at=timezone.now() - timedelta(hours=1)
        )
        run.refresh_from_db()
        self.assertTrue(run.fail_if_stalled())
        self.assertIn("never handed to a worker", run.error)
        fresh = self.make_run()  # the programme is free to run again
        self.assertNotEqual(fresh.pk, run.pk)

    def test_the_runs_say_how_pairs_were_made_and_what_waits_in_words(self):
        self.make_run()
        self.make_run(mode="stable")
        self.client.force_login(self.martin)
        page = self.client.get(reverse("run_list", args=[self.programme.slug]))
        self.assertContains(page, "<td>Best overall pairs (exact)</td>", html=True)
        self.assertContains(page, "<td>Stable pairs from everyone's ranking</td>", html=True)
        self.assertContains(page, ">Ready to review</span>", count=2)
        self.assertNotContains(page, "<td>optimal</td>", html=True)

    def test_it_marks_a_run_failed_when_its_task_failed(self):
        self.client.force_login(self.martin)
        with override_settings(TASKS=DB_TASKS):
            run = self.make_run()
            DBTaskResult.objects.filter(id=run.task_id).update(
                status="FAILED",
                exception_class_path="builtins.MemoryError",
                traceback="Traceback (most recent call last):\nMemoryError: out of memory",
            )
            self.client.get(reverse("run_list", args=[self.programme.slug]))
        run.refresh_from_db()
        self.assertEqual(run.status, MatchRun.Status.FAILED)
        self.assertIn("MemoryError: out of memory", run.error)

    def test_it_leaves_nothing_half_written_when_writing_fails(self):
        with (
            mock.patch.object(
                UnmatchedResult.objects, "bulk_create", side_effect=RuntimeError("disk full")
            ),
            self.assertLogs("django.tasks", level="ERROR"),
        ):
            run = self.make_run()
        run.refresh_from_db()
        self.assertEqual(run.status, MatchRun.Status.FAILED)
        self.assertIn("disk full", run.error)
        self.assertFalse(ProposedPair.objects.filter(run=run).exists())

    def test_it_fails_with_the_engine_message_on_bad_input(self):
        self.programme.type = "reverse"
        with mock.patch(
            "twoheads.pairing.engine.match",
            side_effect=engine.MatchInputError('"A100": level is missing'),
        ):
            run = self.make_run()
        self.assertEqual(run.status, MatchRun.Status.FAILED)
        self.assertIn("level is missing", run.error)

    def test_it_saves_progress_at_most_once_a_second(self):
        with override_settings(TASKS=DB_TASKS):
            run = self.make_run()
        MatchRun.objects.filter(pk=run.pk).update(status="running")
        report = engine._ProgressReporter(run.pk)
        report(0.2, "Scoring candidates")
        report(0.4, "Scoring more")
        run.refresh_from_db()
        self.assertEqual((run.progress, run.message), (0.2, "Scoring candidates"))
        report(1.0, "Done")
        run.refresh_from_db()
        self.assertEqual(run.progress, 1.0)

    def test_it_moves_an_enrolling_programme_to_matching(self):
        self.programme.status = "enrolling"
        self.programme.save()
        self.make_run()
        self.programme.refresh_from_db()
        self.assertEqual(self.programme.status, "matching")


class RunAccessTests(MatchingTestCase):
    def setUp(self):
        self.run = self.make_run()
        self.urls = [
            reverse("run_list", args=[self.programme.slug]),
            self.run.get_absolute_url(),
            reverse("run_progress", args=[self.programme.slug, self.run.pk]),
            reverse("run_publish", args=[self.programme.slug, self.run.pk]),
            reverse("manual_pair", args=[self.programme.slug, self.run.pk]),
            reverse("run_compare", args=[self.programme.slug]),
        ]

    def test_it_hides_runs_from_another_organisations_manager(self):
        self.client.force_login(self.greta)
        for url in self.urls:
            self.assertEqual(self.client.get(url).status_code, 404, url)
        r = self.client.post(reverse("run_start", args=[self.programme.slug]), {"mode": "optimal"})
        self.assertEqual(r.status_code, 404)
        self.assertEqual(MatchRun.objects.count(), 1)

    def test_it_hides_runs_from_participants(self):
        self.client.force_login(self.sam)
        for url in self.urls:
            self.assertEqual(self.client.get(url).status_code, 404, url)
        r = self.client.post(reverse("run_publish", args=[self.programme.slug, self.run.pk]))
        self.assertEqual(r.status_code, 404)

    def test_it_sends_anonymous_visitors_to_log_in(self):
        for url in self.urls:
            r = self.client.get(url)
            self.assertEqual(r.status_code, 302, url)
            self.assertIn(reverse("login"), r["Location"])

    def test_it_hides_another_programmes_run_behind_a_managed_slug(self):
        other = engine.start_run(self.globex_programme, self.greta)
        self.client.force_login(self.martin)
        url = reverse("run_detail", args=[self.programme.slug, other.pk])
        self.assertEqual(self.client.get(url).status_code, 404)


class RunNumberTests(MatchingTestCase):
    def test_runs_are_numbered_within_their_programme(self):
        MatchRun.objects.create(programme=self.globex_programme, mode="optimal")
        first = self.make_run()
        self.assertEqual((first.number, str(first)), (1, f"Run 1 of {self.programme}"))
        self.client.force_login(self.martin)
        page = self.client.get(reverse("run_list", args=[self.programme.slug]))
        self.assertContains(page, ">Run 1</a>")
        self.assertNotContains(page, f">Run {first.pk}</a>")
        page = self.client.get(first.get_absolute_url())
        self.assertContains(page, "Run 1 <span")

    def test_a_run_with_nobody_to_match_says_so_instead_of_showing_zeros(self):
        empty = Programme.objects.create(
            organisation=self.acme, name="Empty", status="enrolling", created_by=self.martin
        )
        run = engine.start_run(empty, self.martin)
        run.refresh_from_db()
        self.client.force_login(self.martin)
        page = self.client.get(run.get_absolute_url())
        self.assertContains(page, "This run had no mentees to match.")
        self.assertNotContains(page, "match rate (0 of 0 mentees)")
