"""A programme manager writes to the programme's people by email: everyone, one side, the
people in a pair or those without one. A partner organisation's manager writes to their own
people only; nobody else may write at all."""

from django.core import mail
from django.urls import reverse

from tests.base import PersonasTestCase
from twoheads.accounts.models import AuditEvent
from twoheads.participants.models import Announcement, Participant


class AnnouncementTestCase(PersonasTestCase):
    """Acme's programme: Priya (reverse mentor) and Margaret (mentee) are a pair, Sam (reverse
    mentor) has no partner. Omar withdrew; "Org Chart" is only in the org chart."""

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        Participant.objects.create(
            programme=cls.programme, external_id="A102", name="Omar Obi", email="omar@acme.test",
            role="mentor", level=1, status="withdrawn",
        )  # fmt: skip
        Participant.objects.create(
            programme=cls.programme, external_id="A900", name="Org Chart", email="oc@acme.test"
        )

    def url(self) -> str:
        return reverse("announcement_list", args=[self.programme.slug])

    def send(self, audience: str, subject: str = "Kick-off on Tuesday", **kw: str):
        with self.captureOnCommitCallbacks(execute=True):
            return self.client.post(
                self.url(),
                {"audience": audience, "subject": subject, "body": "Bring a question.", **kw},
            )

    def sent_to(self) -> list[str]:
        return sorted(address for message in mail.outbox for address in message.to)


class AnnouncementTests(AnnouncementTestCase):
    def setUp(self) -> None:
        self.client.force_login(self.martin)

    def test_everyone_taking_part_is_written_to_and_nobody_else(self):
        r = self.send("everyone")
        self.assertRedirects(r, self.url())
        self.assertEqual(self.sent_to(), ["margaret@acme.test", "priya@acme.test", "sam@acme.test"])
        message = mail.outbox[0]
        self.assertEqual(message.subject, "Acme Reverse Mentoring: Kick-off on Tuesday")
        self.assertIn("Bring a question.", message.body)
        self.assertIn("Martin Manager sent this to you", message.body)
        announcement = Announcement.objects.get()
        self.assertEqual((announcement.recipients, announcement.sent_by), (3, self.martin))
        event = AuditEvent.objects.get(action="programme.announce")
        self.assertEqual(event.details["recipients"], 3)

    def test_each_audience_reaches_its_people(self):
        expected = {
            "mentors": ["priya@acme.test", "sam@acme.test"],
            "mentees": ["margaret@acme.test"],
            "paired": ["margaret@acme.test", "priya@acme.test"],
            "unpaired": ["sam@acme.test"],
        }
        for audience, addresses in expected.items():
            mail.outbox.clear()
            self.send(audience)
            self.assertEqual(self.sent_to(), addresses, audience)

    def test_the_email_goes_to_the_account_address(self):
        self.priya.email = "priya.patel@acme.test"
        self.priya.save()
        self.send("paired")
        self.assertEqual(self.sent_to(), ["margaret@acme.test", "priya.patel@acme.test"])

    def test_the_page_counts_each_audience_in_the_programmes_words(self):
        page = self.client.get(self.url())
        self.assertContains(page, "The reverse mentors (2 people)")
        self.assertContains(page, "People without a partner (1 person)")
        self.assertContains(page, "No announcements yet.")
        self.send("mentees")
        page = self.client.get(self.url())
        self.assertContains(page, "<summary>Kick-off on Tuesday</summary>", html=True)

    def test_an_audience_of_nobody_is_refused_and_nothing_is_sent(self):
        Participant.objects.filter(pk=self.p_sam.pk).update(status="withdrawn")
        r = self.send("unpaired")
        self.assertEqual(r.status_code, 200)
        self.assertContains(r, "Nobody is there to read it yet")
        self.assertFalse(Announcement.objects.exists())
        self.assertEqual(mail.outbox, [])

    def test_anonymising_the_programme_removes_what_announcements_said(self):
        from twoheads.privacy.retention import anonymise_programme

        self.send("everyone", subject="Welcome Priya Patel")
        anonymise_programme(self.programme)
        announcement = Announcement.objects.get()
        self.assertEqual((announcement.subject, announcement.body), ("", ""))
        self.assertEqual(announcement.recipients, 3)

    def test_a_subject_is_needed(self):
        r = self.send("everyone", subject="")
        self.assertEqual(r.status_code, 200)
        self.assertTrue(r.context["form"].errors["subject"])
        self.assertEqual(mail.outbox, [])


class HomePageAnnouncementTests(AnnouncementTestCase):
    def setUp(self) -> None:
        self.client.force_login(self.martin)

    def home(self, user) -> str:
        self.client.force_login(user)
        return self.client.get(reverse("home")).content.decode()

    def test_the_people_written_to_find_it_on_their_home_page(self):
        self.send("mentors", subject="Mentors: bring a laptop")
        self.assertIn("Mentors: bring a laptop", self.home(self.priya))
        self.assertIn("Bring a question.", self.home(self.sam))
        # Margaret is a mentee; Gus takes part in another organisation's programme.
        self.assertNotIn("Mentors: bring a laptop", self.home(self.margaret))
        self.assertNotIn("Mentors: bring a laptop", self.home(self.gus))

    def test_a_persons_data_lists_the_announcements_written_to_them(self):
        from twoheads.privacy.export import export_personal_data

        self.send("mentees", subject="For the mentees")
        [row] = export_personal_data(self.margaret)["announcements_received"]
        self.assertEqual(
            (row["programme"], row["subject"]), ("Acme Reverse Mentoring", "For the mentees")
        )
        self.assertEqual(export_personal_data(self.priya)["announcements_received"], [])

    def test_an_erased_person_is_no_longer_among_those_written_to(self):
        from twoheads.privacy.erasure import erase_person

        self.send("everyone")
        erase_person(self.priya, self.priya)
        announcement = Announcement.objects.get()
        self.assertEqual(
            set(announcement.sent_to.values_list("pk", flat=True)),
            {self.p_margaret.pk, self.p_sam.pk},
        )
        self.assertEqual(announcement.recipients, 3)

    def test_someone_who_becomes_a_mentee_later_does_not_find_an_earlier_one(self):
        self.send("mentees", subject="Before Mei")
        Participant.objects.filter(pk=self.p_sam.pk).update(role="mentee")
        self.assertNotIn("Before Mei", self.home(self.sam))
        self.assertIn("Before Mei", self.home(self.margaret))


class PartnerAnnouncementTests(AnnouncementTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.p_gus_here = cls.open_to_globex()

    def test_a_partners_manager_writes_to_their_own_people_only(self):
        self.client.force_login(self.greta)
        self.assertContains(self.client.get(self.url()), "Everyone taking part (1 person)")
        self.send("everyone", subject="From Globex")
        self.assertEqual(self.sent_to(), ["gus@globex.test"])

    def test_each_organisation_sees_the_announcements_of_its_own_managers(self):
        self.client.force_login(self.martin)
        self.send("everyone", subject="From Acme")
        self.client.force_login(self.greta)
        self.send("everyone", subject="From Globex")
        self.assertNotContains(self.client.get(self.url()), "From Acme")
        self.client.force_login(self.martin)
        self.assertNotContains(self.client.get(self.url()), "From Globex")


class OutsiderAnnouncementTests(AnnouncementTestCase):
    def test_another_organisations_manager_and_a_participant_get_nothing(self):
        for user in (self.greta, self.priya):
            self.client.force_login(user)
            self.assertEqual(self.client.get(self.url()).status_code, 404)
            self.assertEqual(self.send("everyone").status_code, 404)
        self.assertEqual(mail.outbox, [])
        self.assertFalse(Announcement.objects.exists())

    def test_an_anonymous_visitor_is_sent_to_sign_in(self):
        r = self.send("everyone")
        self.assertEqual(r.status_code, 302)
        self.assertIn(reverse("login"), r["Location"])
        self.assertFalse(Announcement.objects.exists())
