"""Programmes through the API: Martin runs Acme's, Greta runs Globex's, Priya takes part."""

from tests.api.base import ApiTestCase
from twoheads.programmes.models import Programme

ACME = "/api/v1/programmes/acme-reverse-mentoring"


class ProgrammeReadTests(ApiTestCase):
    def test_it_lists_only_the_programmes_a_manager_runs(self):
        body = self.get("/api/v1/programmes", self.martin_token).json()
        self.assertEqual([p["slug"] for p in body["results"]], ["acme-reverse-mentoring"])
        body = self.get("/api/v1/programmes", self.greta_token).json()
        self.assertEqual([p["slug"] for p in body["results"]], ["globex-exchange"])

    def test_it_lists_for_a_participant_the_programmes_they_take_part_in(self):
        body = self.get("/api/v1/programmes", self.priya_token).json()
        self.assertEqual([p["slug"] for p in body["results"]], ["acme-reverse-mentoring"])

    def test_it_reads_a_programme_for_its_manager(self):
        body = self.get(ACME, self.martin_token).json()
        self.assertEqual(body["status"], "active")
        self.assertEqual(body["organisation"], "acme-ltd")
        self.assertEqual(body["next_statuses"], ["closed"])

    def test_it_hides_acme_programmes_from_globex(self):
        self.assertError(self.get(ACME, self.greta_token), 404, "not_found")

    def test_it_hides_a_programme_from_a_participant_of_another(self):
        self.assertError(
            self.get("/api/v1/programmes/globex-exchange", self.priya_token), 404, "not_found"
        )

    def test_it_filters_by_status_and_pages_in_a_stable_order(self):
        for n in range(3):
            Programme.objects.create(organisation=self.acme, name=f"Pilot {n}", status="draft")
        first = self.get("/api/v1/programmes?status=draft&page_size=2", self.martin_token).json()
        self.assertEqual(first["count"], 3)
        self.assertEqual(first["pages"], 2)
        self.assertEqual([p["name"] for p in first["results"]], ["Pilot 0", "Pilot 1"])
        self.assertTrue(first["next"].endswith("page=2") or "page=2" in first["next"])
        second = self.get(first["next"], self.martin_token).json()
        self.assertEqual([p["name"] for p in second["results"]], ["Pilot 2"])
        self.assertIsNone(second["next"])
        self.assertIsNotNone(second["previous"])

    def test_it_answers_404_for_a_page_past_the_end(self):
        response = self.get("/api/v1/programmes?page=9", self.martin_token)
        body = self.assertError(response, 404, "not_found")
        self.assertEqual(body["message"], "Page 9 does not exist; there is 1 page.")
        Programme.objects.create(organisation=self.acme, name="Pilot", status="draft")
        response = self.get("/api/v1/programmes?page=9&page_size=1", self.martin_token)
        body = self.assertError(response, 404, "not_found")
        self.assertEqual(body["message"], "Page 9 does not exist; there are 2 pages.")

    def test_it_answers_304_when_the_list_has_not_changed(self):
        first = self.get("/api/v1/programmes", self.martin_token)
        etag = first["ETag"]
        again = self.get("/api/v1/programmes", self.martin_token, **{"If-None-Match": etag})
        self.assertEqual(again.status_code, 304)
        self.programme.name = "Acme Reverse Mentoring 2026"
        self.programme.save()
        changed = self.get("/api/v1/programmes", self.martin_token, **{"If-None-Match": etag})
        self.assertEqual(changed.status_code, 200)
        self.assertNotEqual(changed["ETag"], etag)


class ProgrammeCreateTests(ApiTestCase):
    def test_it_creates_a_programme_with_the_default_catalogue_and_questionnaire(self):
        response = self.post(
            "/api/v1/programmes",
            {"name": "Spring Exchange", "type": "reverse", "starts_on": "2027-03-01"},
            self.martin_token,
        )
        self.assertEqual(response.status_code, 201, response.content)
        body = response.json()
        self.assertEqual((body["status"], body["organisation"]), ("draft", "acme-ltd"))
        programme = Programme.objects.get(slug=body["slug"])
        self.assertEqual(programme.created_by, self.martin)
        self.assertIsNotNone(programme.find_skill("GenAI"))
        self.assertEqual(programme.questions.count(), 5)
        [event] = self.audits("programme.create")
        self.assertEqual((event.actor, event.organisation), (self.martin, self.acme))

    def test_it_asks_which_organisation_when_the_manager_runs_several(self):
        from twoheads.accounts.models import Membership

        Membership.objects.create(user=self.martin, organisation=self.globex, role="org_admin")
        body = self.assertError(
            self.post("/api/v1/programmes", {"name": "Joint"}, self.martin_token), 400, "invalid"
        )
        self.assertEqual(body["details"][0]["field"], "organisation")
        response = self.post(
            "/api/v1/programmes", {"name": "Joint", "organisation": "globex"}, self.martin_token
        )
        self.assertEqual(response.json()["organisation"], "globex")

    def test_it_refuses_dates_out_of_order_naming_the_field(self):
        payload = {"name": "Backwards", "starts_on": "2027-06-01", "ends_on": "2027-05-01"}
        body = self.assertError(
            self.post("/api/v1/programmes", payload, self.martin_token), 400, "invalid"
        )
        self.assertEqual(
            body["details"],
            [{"field": "ends_on", "message": "The programme would end before it starts."}],
        )
        self.assertFalse(Programme.objects.filter(name="Backwards").exists())

    def test_it_refuses_to_create_in_an_organisation_the_manager_does_not_run(self):
        response = self.post(
            "/api/v1/programmes", {"name": "Takeover", "organisation": "acme-ltd"}, self.greta_token
        )
        self.assertError(response, 404, "not_found")
        self.assertFalse(Programme.objects.filter(name="Takeover").exists())

    def test_it_refuses_to_let_a_participant_create_a_programme(self):
        response = self.post("/api/v1/programmes", {"name": "Mine"}, self.priya_token)
        self.assertError(response, 403, "forbidden")

    def test_it_refuses_a_blank_name(self):
        body = self.assertError(
            self.post("/api/v1/programmes", {"name": "   "}, self.martin_token), 400, "invalid"
        )
        self.assertEqual(body["details"][0]["field"], "name")


class ProgrammeStatusTests(ApiTestCase):
    def setUp(self):
        super().setUp()
        self.pilot = Programme.objects.create(organisation=self.acme, name="Pilot")

    def url(self):
        return f"/api/v1/programmes/{self.pilot.slug}/status"

    def test_it_moves_a_programme_along_its_lifecycle_and_audits_it(self):
        response = self.post(self.url(), {"status": "enrolling"}, self.martin_token)
        self.assertEqual(response.status_code, 200, response.content)
        self.assertEqual(response.json()["status"], "enrolling")
        self.pilot.refresh_from_db()
        self.assertEqual(self.pilot.status, "enrolling")
        [event] = self.audits("programme.status")
        self.assertEqual(event.details["new"], "enrolling")

    def test_it_answers_409_for_a_step_the_lifecycle_does_not_allow(self):
        body = self.assertError(
            self.post(self.url(), {"status": "active"}, self.martin_token), 409, "bad_transition"
        )
        self.assertIn("Draft", body["message"])
        self.pilot.refresh_from_db()
        self.assertEqual(self.pilot.status, "draft")

    def test_closing_a_programme_closes_its_live_pairs_as_the_page_does(self):
        from twoheads.pairing.models import Pair

        response = self.post(f"{ACME}/status", {"status": "closed"}, self.martin_token)
        self.assertEqual(response.status_code, 200, response.content)
        self.pair.refresh_from_db()
        self.assertEqual(
            (self.pair.status, self.pair.end_reason),
            (Pair.Status.ENDED, "The programme has ended."),
        )
        [event] = self.audits("programme.status")
        self.assertEqual((event.actor, event.details.get("via")), (self.martin, "api"))

    def test_it_answers_400_for_a_status_that_does_not_exist(self):
        self.assertError(
            self.post(self.url(), {"status": "paused"}, self.martin_token), 400, "invalid"
        )

    def test_it_hides_the_programme_from_another_organisations_manager(self):
        self.assertError(
            self.post(self.url(), {"status": "enrolling"}, self.greta_token), 404, "not_found"
        )

    def test_it_forbids_a_participant_to_change_their_programme(self):
        url = f"{ACME}/status"
        self.assertError(self.post(url, {"status": "closed"}, self.priya_token), 403, "forbidden")
        self.programme.refresh_from_db()
        self.assertEqual(self.programme.status, "active")

    def test_it_refuses_a_revoked_token_and_no_token(self):
        self.assertError(self.post(self.url(), {"status": "enrolling"}), 401, "unauthorized")


class SkillCatalogueTests(ApiTestCase):
    """Priya (reverse mentor) can teach generative AI tools, which Margaret (mentee) wants;
    a withdrawn mentee who wanted it too is not counted, nor a skill nobody approved."""

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        from twoheads.participants.models import Participant, ParticipantSkill
        from twoheads.programmes.catalogue import seed_catalogue
        from twoheads.programmes.models import Skill

        seed_catalogue(cls.programme)
        genai = cls.programme.find_skill("GenAI")
        ParticipantSkill.objects.create(participant=cls.p_priya, skill=genai, kind="offer")
        ParticipantSkill.objects.create(participant=cls.p_margaret, skill=genai, kind="want")
        gone = Participant.objects.create(
            programme=cls.programme, external_id="A999", name="Gone", role="mentee",
            level=7, status="withdrawn",
        )  # fmt: skip
        ParticipantSkill.objects.create(participant=gone, skill=genai, kind="want")
        Skill.objects.create(programme=cls.programme, name="Crypto trading", approved=False)

    def test_a_manager_reads_each_skill_with_who_can_teach_and_who_wants_it(self):
        body = self.get(f"{ACME}/skills", self.martin_token).json()
        skills = {s["name"]: s for s in body}
        self.assertNotIn("Crypto trading", skills)
        genai = skills["Generative AI tools"]
        self.assertEqual(genai["kind"], "technology")
        self.assertIn("GenAI", genai["aliases"])
        self.assertEqual(
            [genai[k] for k in ("mentors_offer", "mentees_want", "mentees_offer", "mentors_want")],
            [1, 1, 0, 0],
        )
        self.assertEqual([s["name"] for s in body], sorted(skills))

    def test_nobody_else_reads_it(self):
        # Another organisation's manager is not told the programme exists; a participant is
        # told it is the managers'.
        self.assertError(self.get(f"{ACME}/skills", self.greta_token), 404, "not_found")
        self.assertError(self.get(f"{ACME}/skills", self.priya_token), 403, "forbidden")
        self.assertError(self.get(f"{ACME}/skills"), 401, "unauthorized")
