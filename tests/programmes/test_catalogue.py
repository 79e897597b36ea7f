"""Martin keeps Acme's skill catalogue tidy: add, rename, merge; people's profiles follow."""

from django.core.exceptions import ValidationError
from django.urls import reverse

from tests.base import PersonasTestCase
from twoheads.participants.models import ParticipantSkill
from twoheads.programmes.catalogue import seed_catalogue
from twoheads.programmes.models import Skill


class CatalogueTests(PersonasTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        seed_catalogue(cls.programme)
        cls.genai = cls.programme.skills.get(name="Generative AI tools")
        cls.chatbots = Skill.objects.create(programme=cls.programme, name="Chatbots")
        ParticipantSkill.objects.create(
            participant=cls.p_priya, skill=cls.chatbots, kind="offer", level=3
        )
        ParticipantSkill.objects.create(
            participant=cls.p_priya, skill=cls.genai, kind="offer", level=1
        )
        ParticipantSkill.objects.create(
            participant=cls.p_margaret, skill=cls.chatbots, kind="want", level=2
        )

    def test_seeding_twice_adds_nothing(self):
        count = self.programme.skills.count()
        seed_catalogue(self.programme)
        self.assertEqual(self.programme.skills.count(), count)

    def test_merging_moves_every_profile_and_keeps_the_old_name_as_an_alias(self):
        moved = self.chatbots.merge_into(self.genai)
        self.assertEqual(moved, 2)
        self.assertFalse(Skill.objects.filter(name="Chatbots").exists())
        priya = ParticipantSkill.objects.get(participant=self.p_priya, kind="offer")
        self.assertEqual((priya.skill, priya.level), (self.genai, 3), "the higher level is kept")
        margaret = ParticipantSkill.objects.get(participant=self.p_margaret, kind="want")
        self.assertEqual(margaret.skill, self.genai)
        self.assertEqual(self.programme.find_skill("chatbots"), self.genai)

    def test_a_skill_cannot_be_merged_into_another_programmes_skill(self):
        other = Skill.objects.create(programme=self.globex_programme, name="Chatbots")
        with self.assertRaises(ValidationError):
            self.chatbots.merge_into(other)

    def test_renaming_keeps_the_old_name_findable(self):
        self.chatbots.rename("Conversational AI")
        self.assertEqual(self.programme.find_skill("Chatbots").name, "Conversational AI")

    def test_renaming_onto_another_skill_asks_for_a_merge(self):
        with self.assertRaises(ValidationError):
            self.chatbots.rename("GenAI")

    def test_search_finds_skills_by_alias(self):
        found = list(self.programme.skills.search("chatgpt"))
        self.assertEqual(found, [self.genai])

    def test_martin_merges_on_the_catalogue_page(self):
        self.client.force_login(self.martin)
        url = reverse("skill_merge", args=[self.programme.slug])
        self.client.post(url, {"source": self.chatbots.pk, "target": self.genai.pk})
        self.assertFalse(Skill.objects.filter(pk=self.chatbots.pk).exists())

    def test_martin_adds_renames_and_approves_on_the_catalogue_page(self):
        self.client.force_login(self.martin)
        slug = self.programme.slug
        self.client.post(
            reverse("skill_list", args=[slug]), {"name": "Podcasting", "kind": "technology"}
        )
        skill = self.programme.skills.get(name="Podcasting")
        self.client.post(reverse("skill_rename", args=[slug, skill.pk]), {"name": "Podcasts"})
        skill.refresh_from_db()
        self.assertEqual(skill.name, "Podcasts")
        skill.approved = False
        skill.save()
        self.client.post(reverse("skill_approve", args=[slug, skill.pk]))
        skill.refresh_from_db()
        self.assertTrue(skill.approved)

    def test_adding_an_alias_of_an_existing_skill_is_refused(self):
        self.client.force_login(self.martin)
        response = self.client.post(
            reverse("skill_list", args=[self.programme.slug]), {"name": "genai", "kind": "other"}
        )
        self.assertContains(response, "already in the catalogue")

    def test_greta_cannot_merge_acmes_skills(self):
        self.client.force_login(self.greta)
        url = reverse("skill_merge", args=[self.programme.slug])
        response = self.client.post(url, {"source": self.chatbots.pk, "target": self.genai.pk})
        self.assertEqual(response.status_code, 404)
        self.assertTrue(Skill.objects.filter(pk=self.chatbots.pk).exists())

    def test_the_type_ahead_offers_aliases_to_participants_only_of_their_programme(self):
        self.client.force_login(self.priya)
        response = self.client.get(
            reverse("skill_search", args=[self.programme.slug]), {"q": "gen"}
        )
        self.assertContains(response, 'value="GenAI"')
        self.client.force_login(self.gus)
        response = self.client.get(
            reverse("skill_search", args=[self.programme.slug]), {"q": "gen"}
        )
        self.assertEqual(response.status_code, 404)


class QuestionnaireTests(PersonasTestCase):
    def posted(self, url: str) -> dict[str, object]:
        """The questionnaire as the page shows it, ready to post, with an empty new row."""
        formset = self.client.get(url).context["formset"]
        data = {
            "form-TOTAL_FORMS": "6",
            "form-INITIAL_FORMS": "5",
            "form-MIN_NUM_FORMS": "0",
            "form-MAX_NUM_FORMS": "1000",
        }
        for i, form in enumerate(formset.forms[:5]):
            q = form.instance
            data.update(
                {
                    f"form-{i}-id": q.pk,
                    f"form-{i}-text": q.text,
                    f"form-{i}-low_label": q.low_label,
                    f"form-{i}-high_label": q.high_label,
                    f"form-{i}-position": q.position,
                }
            )
        return data

    def test_martin_edits_and_adds_questions(self):
        seed_catalogue(self.programme)
        self.client.force_login(self.martin)
        url = reverse("question_list", args=[self.programme.slug])
        data = self.posted(url)
        data["form-0-text"] = "How structured should meetings be?"
        data["form-4-DELETE"] = "on"
        data.update(
            {
                "form-5-text": "Do you like to think aloud?",
                "form-5-low_label": "No",
                "form-5-high_label": "Yes",
                "form-5-position": 9,
            }
        )
        response = self.client.post(url, data)
        self.assertRedirects(response, url)
        texts = list(self.programme.questions.values_list("text", flat=True))
        self.assertIn("How structured should meetings be?", texts)
        self.assertIn("Do you like to think aloud?", texts)
        self.assertEqual(len(texts), 5)

    def test_each_question_shows_its_import_column_and_needs_both_ends(self):
        seed_catalogue(self.programme)
        self.client.force_login(self.martin)
        url = reverse("question_list", args=[self.programme.slug])
        page = self.client.get(url)
        first = self.programme.questions.first()
        self.assertContains(page, f"<code>style:{first.key}</code>", html=False)
        last = max(q.position for q in self.programme.questions.all())
        self.assertEqual(page.context["formset"].forms[-1]["position"].value(), last + 1)
        data = self.posted(url)
        data.update({"form-5-text": "Do you like to think aloud?", "form-5-position": 9})
        response = self.client.post(url, data)
        self.assertIn("low_label", response.context["formset"].forms[5].errors)
        self.assertEqual(self.programme.questions.count(), 5)

    def test_the_same_question_twice_is_refused_unless_one_is_removed(self):
        seed_catalogue(self.programme)
        self.client.force_login(self.martin)
        url = reverse("question_list", args=[self.programme.slug])
        data = self.posted(url)
        first = data["form-0-text"]
        data.update(
            {
                "form-5-text": f"  {first.upper()} ",
                "form-5-low_label": "No",
                "form-5-high_label": "Yes",
                "form-5-position": 9,
            }
        )
        response = self.client.post(url, data)
        self.assertEqual(
            response.context["formset"].forms[5].errors["text"],
            ["This question is already in the questionnaire."],
        )
        self.assertEqual(self.programme.questions.count(), 5)
        data["form-0-DELETE"] = "on"  # replacing a question by its new wording is fine
        self.assertRedirects(self.client.post(url, data), url)
        self.assertEqual(self.programme.questions.count(), 5)
