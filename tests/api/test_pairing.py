"""Match runs and pairs through the API, from Martin's side and from everyone else's."""

from datetime import timedelta
from urllib.parse import quote

from django.utils import timezone

from tests.api.base import ApiTestCase
from twoheads.meetings.models import Meeting
from twoheads.pairing.models import MatchRun, Pair, ProposedPair, UnmatchedResult
from twoheads.participants.models import Participant

PROGRAMME = "/api/v1/programmes/acme-reverse-mentoring"


class MatchRunTests(ApiTestCase):
    def finished_run(self) -> MatchRun:
        run = MatchRun.objects.create(programme=self.programme, status="done", progress=1.0)
        ProposedPair.objects.create(
            run=run,
            mentor=self.p_sam,
            mentee=self.p_margaret,
            score=0.64,
            components={"teach": 0.7, "learn": 0.5, "compatibility": 0.6},
            explanation="Sam can teach Margaret: social media (3).",
        )
        UnmatchedResult.objects.create(run=run, participant=self.p_priya, reason="already paired")
        return run

    def test_a_run_starts_with_no_body_at_all_on_the_programmes_settings(self):
        response = self.call("POST", f"{PROGRAMME}/runs", self.martin_token, content_type="")
        self.assertEqual(response.status_code, 202, response.content)
        self.assertEqual(response.json()["mode"], self.programme.matching_mode)

    def test_it_starts_a_run_and_reports_its_progress(self):
        response = self.post(f"{PROGRAMME}/runs", {"mode": "optimal"}, self.martin_token)
        self.assertEqual(response.status_code, 202, response.content)
        run_id = response.json()["id"]
        body = self.get(f"/api/v1/runs/{run_id}", self.martin_token).json()
        self.assertEqual(body["programme"], "acme-reverse-mentoring")
        self.assertIn(body["status"], ["queued", "running", "done", "failed"])
        self.assertTrue(0 <= body["progress"] <= 1)
        [event] = self.audits("run.start")
        self.assertEqual(event.actor, self.martin)
        listing = self.get(f"{PROGRAMME}/runs", self.martin_token).json()
        self.assertEqual([r["id"] for r in listing["results"]], [run_id])

    def test_it_refuses_fairness_in_a_stable_run_and_starts_nothing(self):
        response = self.post(
            f"{PROGRAMME}/runs", {"mode": "stable", "fairness": True}, self.martin_token
        )
        body = self.assertError(response, 400, "invalid")
        [detail] = body["details"]
        self.assertEqual(detail["field"], "fairness")
        self.assertIn('only to mode "optimal"', detail["message"])
        self.assertFalse(self.programme.runs.exists())

    def test_it_refuses_fairness_where_the_programme_matches_stably(self):
        self.programme.matching_mode = "stable"
        self.programme.save(update_fields=["matching_mode"])
        response = self.post(f"{PROGRAMME}/runs", {"fairness": True}, self.martin_token)
        body = self.assertError(response, 400, "invalid")
        self.assertIn("the programme's mode", body["details"][0]["message"])
        self.assertFalse(self.programme.runs.exists())

    def test_a_stable_run_is_recorded_without_the_programmes_fairness(self):
        self.programme.fairness = True
        self.programme.save(update_fields=["fairness"])
        response = self.post(f"{PROGRAMME}/runs", {"mode": "stable"}, self.martin_token)
        self.assertEqual(response.status_code, 202, response.content)
        self.assertEqual((response.json()["mode"], response.json()["fairness"]), ("stable", False))
        optimal = self.post(f"{PROGRAMME}/runs", {"mode": "optimal"}, self.martin_token)
        self.assertTrue(optimal.json()["fairness"])

    def test_it_answers_409_while_another_run_is_in_progress(self):
        MatchRun.objects.create(programme=self.programme, status="queued")
        response = self.post(f"{PROGRAMME}/runs", {}, self.martin_token)
        self.assertError(response, 409, "conflict")
        self.assertEqual(self.programme.runs.count(), 1)

    def test_a_run_whose_worker_died_is_failed_in_the_list_and_its_results(self):
        long_ago = timezone.now() - timedelta(hours=2)
        run = MatchRun.objects.create(
            programme=self.programme, status="running", started_at=long_ago, heartbeat_at=long_ago
        )
        listing = self.get(f"{PROGRAMME}/runs", self.martin_token).json()
        self.assertEqual([r["status"] for r in listing["results"]], ["failed"])
        body = self.assertError(
            self.get(f"/api/v1/runs/{run.pk}/results", self.martin_token), 409, "not_ready"
        )
        self.assertIn("failed", body["message"])

    def test_it_answers_409_in_a_closed_programme_and_publishes_nothing(self):
        run = self.finished_run()
        self.programme.status = "closed"
        self.programme.save(update_fields=["status"])
        response = self.post(f"{PROGRAMME}/runs", {}, self.martin_token)
        body = self.assertError(response, 409, "conflict")
        self.assertIn("is closed", body["message"])
        self.assertEqual(self.programme.runs.count(), 1)
        response = self.post(f"/api/v1/runs/{run.pk}/publish", {}, self.martin_token)
        self.assertEqual(response.status_code, 409, response.content)
        self.assertFalse(Pair.objects.filter(run=run).exists())

    def test_it_returns_results_with_explanations_and_reasons(self):
        run = self.finished_run()
        body = self.get(f"/api/v1/runs/{run.pk}/results", self.martin_token).json()
        [pair] = body["pairs"]
        self.assertEqual((pair["mentor"]["id"], pair["mentee"]["id"]), ("A101", "A200"))
        self.assertEqual(pair["explanation"], "Sam can teach Margaret: social media (3).")
        self.assertIn({"name": "teach", "value": 0.7}, pair["components"])
        self.assertEqual(
            body["unmatched"],
            [{"participant": {"id": "A100", "name": "Priya Patel"}, "reason": "already paired"}],
        )

    def test_it_answers_409_for_results_of_an_unfinished_run(self):
        run = MatchRun.objects.create(programme=self.programme, status="running")
        self.assertError(
            self.get(f"/api/v1/runs/{run.pk}/results", self.martin_token), 409, "not_ready"
        )

    def test_it_publishes_once_and_answers_409_the_second_time(self):
        run = self.finished_run()
        response = self.post(f"/api/v1/runs/{run.pk}/publish", None, self.martin_token)
        self.assertEqual(response.status_code, 200, response.content)
        self.assertEqual(response.json()["pairs_created"], 1)
        self.assertEqual(response.json()["run"]["status"], "published")
        self.assertTrue(Pair.objects.filter(mentor=self.p_sam, mentee=self.p_margaret).exists())
        self.assertEqual(len(self.audits("run.publish")), 1)
        again = self.post(f"/api/v1/runs/{run.pk}/publish", None, self.martin_token)
        self.assertError(again, 409, "already_published")
        self.assertEqual(Pair.objects.filter(mentor=self.p_sam).count(), 1)

    def test_it_hides_runs_from_globex_and_from_participants(self):
        run = self.finished_run()
        for token in (self.greta_token, self.priya_token):
            self.assertError(self.get(f"/api/v1/runs/{run.pk}", token), 404, "not_found")
            self.assertError(self.get(f"/api/v1/runs/{run.pk}/results", token), 404, "not_found")
            self.assertError(
                self.post(f"/api/v1/runs/{run.pk}/publish", None, token), 404, "not_found"
            )
        self.assertError(self.post(f"{PROGRAMME}/runs", {}, self.greta_token), 404, "not_found")
        self.assertError(self.post(f"{PROGRAMME}/runs", {}, self.priya_token), 403, "forbidden")
        run.refresh_from_db()
        self.assertEqual(run.status, "done")

    def test_it_refuses_runs_without_a_token(self):
        self.assertError(self.post(f"{PROGRAMME}/runs", {}), 401, "unauthorized")


class PairTests(ApiTestCase):
    def setUp(self):
        super().setUp()
        gloria = Participant.objects.create(
            programme=self.globex_programme, external_id="G200", name="Gloria", role="mentee"
        )
        self.gus_pair = Pair.objects.create(
            programme=self.globex_programme, mentor=self.p_gus, mentee=gloria, status="active"
        )

    def test_it_lists_the_pairs_of_a_managers_programmes(self):
        body = self.get("/api/v1/pairs", self.martin_token).json()
        self.assertEqual([p["id"] for p in body["results"]], [self.pair.pk])
        pair = body["results"][0]
        self.assertEqual(
            (pair["mentor"]["name"], pair["mentee"]["name"]), ("Priya Patel", "Margaret Hughes")
        )
        self.assertEqual(pair["programme"], "acme-reverse-mentoring")

    def test_it_filters_pairs_by_programme_and_status(self):
        url = "/api/v1/pairs?programme=acme-reverse-mentoring&status=ended"
        self.assertEqual(self.get(url, self.martin_token).json()["count"], 0)
        url = "/api/v1/pairs?programme=acme-reverse-mentoring&status=active"
        self.assertEqual(self.get(url, self.martin_token).json()["count"], 1)

    def test_it_lists_the_pairs_changed_since_a_time_with_both_answers(self):
        """An integrator keeps the time of its last sync: the pairs changed at or after it
        come back, each with both partners' answers and the time of its change."""
        long_ago = timezone.now() - timedelta(days=30)
        Pair.objects.filter(pk=self.pair.pk).update(updated_at=long_ago)
        waiting = Pair.objects.create(
            programme=self.programme, mentor=self.p_sam, mentee=self.p_margaret
        )
        synced = (long_ago + timedelta(days=1)).isoformat().replace("+00:00", "Z")
        url = f"/api/v1/pairs?programme=acme-reverse-mentoring&updated_since={synced}"
        body = self.get(url, self.martin_token).json()
        self.assertEqual([p["id"] for p in body["results"]], [waiting.pk])
        self.assertEqual(
            (body["results"][0]["mentor_response"], body["results"][0]["mentee_response"]),
            ("", ""),
        )
        self.post(f"/api/v1/pairs/{self.pair.pk}/end", {"reason": "Done"}, self.martin_token)
        ended = {p["id"]: p for p in self.get(url, self.martin_token).json()["results"]}
        self.assertEqual(set(ended), {waiting.pk, self.pair.pk})
        self.assertGreater(ended[self.pair.pk]["updated_at"], synced)
        # Greta, of another organisation, gets none of Acme's changes.
        self.assertEqual(self.get(url, self.greta_token).json()["count"], 0)
        bad = self.get("/api/v1/pairs?updated_since=yesterday", self.martin_token)
        self.assertEqual(bad.status_code, 400)

    def test_a_moment_with_any_offset_or_year_is_taken_or_refused_but_never_an_error(self):
        """PostgreSQL takes offsets within +-15:59 only: every moment asked for is held in UTC."""
        for address in (
            "/api/v1/pairs?updated_since=",
            "/api/v1/meetings?since=",
            f"{PROGRAMME}/participants?updated_since=",
        ):
            for moment, status in (
                ("0423-08-18T18:14:44-22:31", 200),
                ("2026-01-01T00:00:00+23:59", 200),
                ("2026-01-01T00:00:00", 200),
                ("0001-01-01T00:00:00+01:00", 400),
                ("9999-12-31T23:59:59-12:00", 400),
            ):
                response = self.get(address + quote(moment), self.martin_token)
                self.assertEqual(response.status_code, status, (address, moment))
        body = self.get("/api/v1/pairs?updated_since=0423-08-18T18:14:44-22:31", self.martin_token)
        self.assertEqual(body.json()["count"], 1)

    def test_it_shows_a_participant_only_their_own_pairs(self):
        Pair.objects.create(programme=self.programme, mentor=self.p_sam, mentee=self.p_margaret)
        body = self.get("/api/v1/pairs", self.priya_token).json()
        self.assertEqual([p["id"] for p in body["results"]], [self.pair.pk])
        self.assertEqual(
            self.get(f"/api/v1/pairs/{self.pair.pk}", self.priya_token).status_code, 200
        )

    def test_a_partner_reads_why_they_were_matched_without_the_score_sum(self):
        why = "Priya can teach Margaret: data analysis (3). Shared interests: chess."
        score_sum = (
            "Score 0.92 = benefit 0.90 x 0.50 + compatibility 0.80 x 0.35 + reach 0.60 x 0.15."
        )
        self.pair.explanation = f"{why} {score_sum}"
        self.pair.save(update_fields=["explanation"])
        listed = self.get("/api/v1/pairs", self.priya_token).json()["results"][0]
        read = self.get(f"/api/v1/pairs/{self.pair.pk}", self.priya_token).json()
        self.assertEqual((listed["explanation"], read["explanation"]), (why, why))
        self.assertEqual(read["score"], self.pair.score)

    def test_a_manager_reads_the_explanation_with_its_score_sum(self):
        self.pair.explanation = "Priya can teach Margaret: data analysis (3). Score 0.92 = ..."
        self.pair.save(update_fields=["explanation"])
        listed = self.get("/api/v1/pairs", self.martin_token).json()["results"][0]
        read = self.get(f"/api/v1/pairs/{self.pair.pk}", self.martin_token).json()
        self.assertEqual(listed["explanation"], self.pair.explanation)
        self.assertEqual(read["explanation"], self.pair.explanation)
        ended = self.post(
            f"/api/v1/pairs/{self.pair.pk}/end", {"reason": "Done"}, self.martin_token
        )
        self.assertEqual(ended.json()["explanation"], self.pair.explanation)

    def test_it_hides_pairs_from_outsiders(self):
        self.assertError(
            self.get(f"/api/v1/pairs/{self.pair.pk}", self.greta_token), 404, "not_found"
        )
        self.assertError(
            self.get(f"/api/v1/pairs/{self.gus_pair.pk}", self.priya_token), 404, "not_found"
        )
        self.assertEqual(self.get("/api/v1/pairs", self.greta_token).json()["count"], 1)
        self.assertError(self.get(f"/api/v1/pairs/{self.pair.pk}"), 401, "unauthorized")

    def test_it_ends_a_pair_with_a_reason_and_answers_409_the_second_time(self):
        url = f"/api/v1/pairs/{self.pair.pk}/end"
        response = self.post(url, {"reason": "Margaret is moving on"}, self.martin_token)
        self.assertEqual(response.status_code, 200, response.content)
        self.assertEqual(response.json()["status"], "ended")
        self.pair.refresh_from_db()
        self.assertEqual(
            (self.pair.status, self.pair.end_reason), ("ended", "Margaret is moving on")
        )
        [event] = self.audits("pair.end")
        self.assertEqual(event.actor, self.martin)
        self.assertError(self.post(url, {"reason": "again"}, self.martin_token), 409, "conflict")

    def test_ending_a_pair_cancels_its_meetings_still_to_come(self):
        ahead = Meeting.objects.create(
            pair=self.pair, starts_at=timezone.now() + timedelta(days=3), organiser=self.priya
        )
        url = f"/api/v1/pairs/{self.pair.pk}/end"
        self.assertEqual(
            self.post(url, {"reason": "Moving on"}, self.martin_token).status_code, 200
        )
        ahead.refresh_from_db()
        self.assertEqual(ahead.status, "cancelled")

    def test_it_wants_a_reason_to_end_a_pair(self):
        url = f"/api/v1/pairs/{self.pair.pk}/end"
        body = self.assertError(self.post(url, {"reason": " "}, self.martin_token), 400, "invalid")
        self.assertEqual(body["details"][0]["field"], "reason")

    def test_it_lets_no_outsider_end_a_pair(self):
        url = f"/api/v1/pairs/{self.pair.pk}/end"
        self.assertError(self.post(url, {"reason": "x"}, self.greta_token), 404, "not_found")
        self.assertError(self.post(url, {"reason": "x"}, self.priya_token), 403, "forbidden")
        self.pair.refresh_from_db()
        self.assertEqual(self.pair.status, "active")
