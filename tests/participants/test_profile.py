"""Sam fills in his profile in a few minutes; matching knows how complete it is."""

from django.urls import reverse

from tests.base import PersonasTestCase
from twoheads.pairing.models import Pair
from twoheads.participants.forms import ProfileForm
from twoheads.participants.models import Participant
from twoheads.programmes.catalogue import seed_catalogue
from twoheads.programmes.models import Skill


def profile_data(**extra: object) -> dict[str, object]:
    data = {
        "role": "mentor",
        "level": "2",
        "department": "Marketing",
        "site": "Leeds",
        "manager": "",
        "timezone": "Europe/London",
        "languages": "en, fr",
        "interests": "cycling, jazz",
        "capacity": "1",
        "offer_1": "GenAI",
        "offer_1_level": "3",
        "want_1": "Negotiation",
        "want_1_level": "2",
        "availability": ["0-9", "0-10", "3-14"],
    }
    for i in range(2, 6):
        data.update(
            {f"offer_{i}": "", f"offer_{i}_level": "2", f"want_{i}": "", f"want_{i}_level": "2"}
        )
    data.update(extra)
    return data


class ProfileTests(PersonasTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.programme.status = "enrolling"
        cls.programme.save()
        seed_catalogue(cls.programme)

    def setUp(self) -> None:
        self.client.force_login(self.sam)
        self.url = reverse("my_profile", args=[self.programme.slug])

    def sams_profile(self) -> Participant:
        return Participant.objects.get(pk=self.p_sam.pk)

    def test_a_new_profile_says_what_is_missing(self):
        sam = self.sams_profile()
        self.assertFalse(sam.is_complete)
        self.assertIn("skills you can teach", sam.missing)
        self.assertLess(sam.completeness, 50)
        response = self.client.get(self.url)
        self.assertContains(response, "Matching still needs")
        self.assertContains(response, "at least 2 levels below the mentee")

    def test_sam_saves_his_profile_with_aliases_folded_and_hours_merged(self):
        response = self.client.post(self.url, profile_data())
        self.assertRedirects(response, self.url)
        sam = self.sams_profile()
        self.assertEqual([ps.skill.name for ps in sam.offered()], ["Generative AI tools"])
        self.assertEqual(sam.availability, [[0, 540, 660], [3, 840, 900]])
        self.assertEqual(sam.languages, ["en", "fr"])
        self.assertTrue(sam.is_complete)
        self.assertIn(sam, Participant.objects.complete())

    def test_languages_are_kept_as_codes(self):
        self.client.post(self.url, profile_data(languages="English, Deutsch, en-US"))
        self.assertEqual(self.sams_profile().languages, ["en", "de"])

    def test_a_half_finished_profile_is_saved_too(self):
        self.client.post(self.url, profile_data(offer_1="", want_1="", availability=[]))
        sam = self.sams_profile()
        self.assertEqual(sam.department, "Marketing")
        self.assertFalse(sam.is_complete)
        self.assertIn(sam, Participant.objects.incomplete())

    def test_a_skill_not_in_the_catalogue_is_proposed(self):
        self.client.post(self.url, profile_data(offer_2="Prompt poetry"))
        skill = Skill.objects.get(programme=self.programme, name="Prompt poetry")
        self.assertFalse(skill.approved)
        self.assertEqual(skill.proposed_by, self.sam)

    def test_sam_names_his_manager_and_someone_to_avoid(self):
        label = f"{self.p_margaret.name} ({self.p_margaret.external_id})"
        self.client.post(self.url, profile_data(manager=label, exclude_1="Priya Patel (A100)"))
        sam = self.sams_profile()
        self.assertEqual(sam.manager, self.p_margaret)
        self.assertEqual(sam.exclude, ["A100"])

    def test_an_unknown_manager_is_a_clear_error_and_nothing_is_saved(self):
        response = self.client.post(self.url, profile_data(manager="Nobody Known", department="X"))
        self.assertContains(response, "We could not find")
        self.assertEqual(self.sams_profile().department, "Marketing")

    def test_a_skill_is_given_once_on_each_side_whatever_its_name(self):
        response = self.client.post(
            self.url, profile_data(offer_2="Generative AI", offer_2_level="1", want_2="GenAI")
        )
        errors = response.context["form"].errors
        self.assertEqual(
            errors["offer_2"],
            ["This is Generative AI tools again; give it once, with one level."],
        )
        self.assertNotIn("want_2", errors)  # teaching and learning the same skill is allowed

    def test_saving_a_profile_keeps_a_status_an_import_changed_meanwhile(self):
        loaded = self.sams_profile()
        form = ProfileForm(profile_data(bio="Designer"), participant=loaded)
        self.assertTrue(form.is_valid(), form.errors)
        Participant.objects.filter(pk=loaded.pk).update(status="leaver")  # the HR import
        form.save(self.sam)
        sam = self.sams_profile()
        self.assertEqual((sam.status, sam.bio), ("leaver", "Designer"))

    def test_nobody_to_avoid_is_yourself_or_listed_twice(self):
        response = self.client.post(
            self.url,
            profile_data(
                exclude_1="Sam Okafor (A101)",
                exclude_2="Priya Patel (A100)",
                exclude_3="Priya Patel (A100)",
                department="X",
            ),
        )
        errors = response.context["form"].errors
        self.assertEqual(errors["exclude_1"], ["You are never paired with yourself."])
        self.assertEqual(errors["exclude_3"], ["Priya Patel is already listed."])
        self.assertNotIn("exclude_2", errors)
        self.assertEqual(self.sams_profile().department, "Marketing")

    def test_someone_who_reports_to_you_cannot_be_your_manager(self):
        Participant.objects.filter(pk=self.p_priya.pk).update(manager=self.p_margaret)
        Participant.objects.filter(pk=self.p_margaret.pk).update(manager=self.p_sam)
        response = self.client.post(self.url, profile_data(manager="Priya Patel (A100)"))
        self.assertContains(response, "reports to you, directly or further down")
        self.assertIsNone(self.sams_profile().manager)
        # Someone outside the chain below is fine.
        Participant.objects.filter(pk=self.p_margaret.pk).update(manager=None)
        self.assertRedirects(
            self.client.post(self.url, profile_data(manager="Priya Patel (A100)")), self.url
        )

    def test_in_a_pair_the_role_stays_and_the_capacity_covers_the_pairs(self):
        self.client.force_login(self.priya)
        response = self.client.post(self.url, profile_data(role="mentee", capacity="0"))
        errors = response.context["form"].errors
        self.assertIn("Your role cannot change while you are in a pair", errors["role"][0])
        self.assertIn("capacity", errors)
        Pair.objects.create(
            programme=self.programme,
            mentor=self.p_priya,
            mentee=self.p_sam,
            status=Pair.Status.PROPOSED,
            score=0.5,
        )
        response = self.client.post(self.url, profile_data(capacity="1"))
        self.assertEqual(
            response.context["form"].errors["capacity"],
            ["You are in 2 pairs now: partners at once cannot be fewer."],
        )
        self.assertRedirects(self.client.post(self.url, profile_data(capacity="2")), self.url)
        self.assertEqual(Participant.objects.get(pk=self.p_priya.pk).capacity, 2)

    def test_a_profile_takes_as_many_partners_as_the_programme_allows(self):
        self.assertRedirects(self.client.post(self.url, profile_data(capacity="10")), self.url)
        response = self.client.post(self.url, profile_data(capacity="11"))
        self.assertIn("capacity", response.context["form"].errors)

    def test_the_questionnaire_answers_are_stored(self):
        self.client.post(self.url, profile_data(q_structure="4", q_pace="2"))
        self.assertEqual(self.sams_profile().style, {"structure": 4, "pace": 2})

    def test_the_people_type_ahead_finds_names(self):
        response = self.client.get(
            reverse("participant_search", args=[self.programme.slug]), {"manager": "marg"}
        )
        self.assertContains(response, "Margaret Hughes (A200)")

    def test_gus_of_globex_cannot_search_acmes_people(self):
        self.client.force_login(self.gus)
        response = self.client.get(
            reverse("participant_search", args=[self.programme.slug]), {"q": "marg"}
        )
        self.assertEqual(response.status_code, 404)

    def test_in_a_shared_programme_the_type_ahead_offers_only_people_one_may_see(self):
        self.programme.cross_organisation = True
        self.programme.save()
        self.programme.partners.add(self.globex)
        Participant.objects.create(
            programme=self.programme,
            user=self.gus,
            external_id="G900",
            name="Marguerite Globex",
            role="mentor",
            level=1,
            organisation=self.globex,
        )
        url = reverse("participant_search", args=[self.programme.slug])

        def found(user):
            self.client.force_login(user)
            return self.client.get(url, {"q": "marg"}).content.decode()

        # Sam (Acme) finds his colleague Margaret, not Globex's Marguerite, nor her HR id.
        self.assertIn("Margaret Hughes (A200)", found(self.sam))
        self.assertNotIn("G900", found(self.sam))
        # Gus (Globex) finds Globex's people only.
        self.assertIn("Marguerite Globex (G900)", found(self.gus))
        self.assertNotIn("A200", found(self.gus))
        # Acme's manager holds everyone's records; Globex's manager only Globex's.
        self.assertIn("A200", found(self.martin))
        self.assertIn("G900", found(self.martin))
        self.assertIn("G900", found(self.greta))
        self.assertNotIn("A200", found(self.greta))

    def test_sam_withdraws_before_matching(self):
        self.client.post(reverse("withdraw", args=[self.programme.slug]))
        self.assertEqual(self.sams_profile().status, Participant.Status.WITHDRAWN)
        self.assertNotIn(self.sams_profile(), Participant.objects.matchable())

    def test_nobody_withdraws_once_matching_has_started(self):
        self.programme.status = "matching"
        self.programme.save()
        self.client.post(reverse("withdraw", args=[self.programme.slug]))
        self.assertEqual(self.sams_profile().status, Participant.Status.ACTIVE)

    def test_gus_has_no_profile_in_acmes_programme(self):
        self.client.force_login(self.gus)
        self.assertEqual(self.client.get(self.url).status_code, 404)
        self.client.post(reverse("withdraw", args=[self.programme.slug]))
        self.assertEqual(self.sams_profile().status, Participant.Status.ACTIVE)

    def test_the_complete_query_agrees_with_is_complete(self):
        self.client.post(self.url, profile_data())
        for person in Participant.objects.all():
            with self.subTest(person.external_id):
                self.assertEqual(
                    person.is_complete, Participant.objects.complete().filter(pk=person.pk).exists()
                )
