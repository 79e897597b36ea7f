"""Sam was imported from HR: his level, department, site and line manager are shown on his
profile but are HR's to change, so the level-gap and reporting-line rules cannot be stepped
round. Omar enrolled himself and fills them in."""

from django.urls import reverse

from tests.base import PersonasTestCase
from tests.participants.test_profile import profile_data
from twoheads.participants.models import Participant

HR_NOTE = "From your organisation's HR records; ask your programme manager to change it."


class HrFieldsTests(PersonasTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.programme.status = "enrolling"
        cls.programme.save()
        Participant.objects.filter(pk=cls.p_sam.pk).update(site="Leeds", manager=cls.p_margaret)

    def setUp(self) -> None:
        self.url = reverse("my_profile", args=[self.programme.slug])

    def test_an_imported_person_sees_hr_fields_read_only(self):
        self.client.force_login(self.sam)
        r = self.client.get(self.url)
        self.assertContains(r, HR_NOTE, count=4)
        self.assertContains(r, 'name="level" value="2"')
        html = r.content.decode()
        level_input = html[html.index('name="level"') - 200 : html.index('name="level"') + 200]
        self.assertIn("disabled", level_input)

    def test_an_imported_person_cannot_change_level_department_or_manager(self):
        self.client.force_login(self.sam)
        data = profile_data(level="9", department="Board", site="Paris", manager="")
        self.client.post(self.url, data)
        sam = Participant.objects.get(pk=self.p_sam.pk)
        self.assertEqual(
            (sam.level, sam.department, sam.site, sam.manager),
            (2, "Marketing", "Leeds", self.p_margaret),
        )
        self.assertEqual(sam.languages, ["en", "fr"])  # the rest of the profile is saved

    def test_someone_who_enrolled_themselves_edits_them(self):
        omar = Participant.objects.create(
            programme=self.programme, user=self.sam, external_id="user-999", level=2,
            department="Marketing", name="Sam again",
        )  # fmt: skip
        Participant.objects.filter(pk=self.p_sam.pk).delete()
        self.client.force_login(self.sam)
        r = self.client.get(self.url)
        self.assertNotContains(r, HR_NOTE)
        self.client.post(self.url, profile_data(level="4", department="Design"))
        omar.refresh_from_db()
        self.assertEqual((omar.level, omar.department), (4, "Design"))
