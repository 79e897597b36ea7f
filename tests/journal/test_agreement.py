"""A pair writes down how they will work together; it holds once both agree to the same
words, a change asks the other to agree again, and only the two of them read it.

Priya (reverse mentor) and Margaret (mentee) are an active pair at Acme.
"""

from datetime import timedelta

from django.core import mail
from django.urls import reverse
from django.utils import timezone

from tests.base import PersonasTestCase
from twoheads.guard.models import GuardConfirmation
from twoheads.journal.models import Agreement
from twoheads.journal.nudges import due_nudges
from twoheads.pairing.models import Pair
from twoheads.privacy.erasure import erase_person
from twoheads.privacy.export import export_personal_data
from twoheads.privacy.retention import anonymise_programme

WRITTEN = {
    "meet_every_days": "21",
    "how_we_meet": "Video call, Tuesdays at 10",
    "between_us": "What we say stays between us.",
}


class AgreementTests(PersonasTestCase):
    def url(self, name: str = "agreement", pair: Pair | None = None) -> str:
        return reverse(name, args=[(pair or self.pair).pk])

    def write(self, user, **fields: str):
        self.client.force_login(user)
        with self.captureOnCommitCallbacks(execute=True):
            return self.client.post(self.url(), {**WRITTEN, **fields})

    def agreement(self) -> Agreement:
        return Agreement.objects.get(pair=self.pair)

    def test_the_pair_page_asks_them_to_write_it_down(self):
        self.client.force_login(self.priya)
        page = self.client.get(reverse("pair_detail", args=[self.pair.pk]))
        self.assertContains(page, "Agree how you will work together")
        form = self.client.get(self.url())
        self.assertContains(form, "What I hope for from our mentoring")
        self.assertEqual(form.context["form"]["meet_every_days"].value(), 14)

    def test_the_writer_agrees_and_the_partner_is_asked_by_email(self):
        r = self.write(self.priya, mentor_hopes="Confidence presenting to the board")
        self.assertRedirects(r, reverse("pair_detail", args=[self.pair.pk]))
        agreement = self.agreement()
        self.assertIsNotNone(agreement.mentor_agreed_at)
        self.assertIsNone(agreement.mentee_agreed_at)
        self.assertFalse(agreement.agreed)
        [message] = mail.outbox
        self.assertEqual(message.to, ["margaret@acme.test"])
        self.assertIn(self.url(), message.body)
        page = self.client.get(reverse("pair_detail", args=[self.pair.pk]))
        self.assertContains(page, "Waiting for Margaret Hughes to agree")

    def test_both_agreeing_holds_and_a_change_asks_again(self):
        self.write(self.priya, mentor_hopes="Confidence")
        self.client.force_login(self.margaret)
        page = self.client.get(self.url())
        self.assertContains(page, "What Priya Patel hopes for:")
        self.assertContains(page, "Confidence")
        self.client.post(self.url("agreement_agree"))
        self.assertTrue(self.agreement().agreed)
        pair_page = self.client.get(reverse("pair_detail", args=[self.pair.pk]))
        self.assertContains(pair_page, "Agreed by both")
        self.assertContains(pair_page, "You meet every 21 days")
        # Margaret changes it: Priya is asked to agree again.
        self.write(self.margaret, mentee_hopes="Learn the new tools", how_we_meet="Coffee")
        agreement = self.agreement()
        self.assertIsNone(agreement.mentor_agreed_at)
        self.assertIsNotNone(agreement.mentee_agreed_at)
        self.assertEqual(agreement.mentor_hopes, "Confidence")  # her own hopes are kept

    def test_saving_it_unchanged_keeps_the_partners_agreement(self):
        self.write(self.priya)
        self.client.force_login(self.margaret)
        self.client.post(self.url("agreement_agree"))
        self.write(self.priya)
        self.assertTrue(self.agreement().agreed)

    def test_each_partner_writes_only_their_own_hopes(self):
        self.write(self.priya, mentor_hopes="Mine", mentee_hopes="Written for Margaret")
        self.assertEqual(self.agreement().mentee_hopes, "")

    def test_nobody_else_reads_or_agrees(self):
        self.write(self.priya)
        for user in (self.sam, self.martin, self.greta, self.gus):
            self.client.force_login(user)
            self.assertEqual(self.client.get(self.url()).status_code, 404, user)
            self.assertEqual(self.client.post(self.url("agreement_agree")).status_code, 404)
        self.client.logout()
        self.assertEqual(self.client.get(self.url()).status_code, 302)
        self.assertIsNone(self.agreement().mentee_agreed_at)

    def test_an_ended_pair_reads_it_but_cannot_change_it(self):
        self.write(self.priya)
        Pair.objects.filter(pk=self.pair.pk).update(status=Pair.Status.ENDED)
        self.client.force_login(self.margaret)
        self.assertNotContains(self.client.get(self.url()), "Save: I agree to this")
        self.client.post(self.url("agreement_agree"))
        self.assertIsNone(self.agreement().mentee_agreed_at)

    def test_a_persons_data_holds_their_agreement_and_erasure_removes_their_hopes(self):
        self.write(self.priya, mentor_hopes="Confidence")
        self.write(self.margaret, mentee_hopes="Tools")
        [row] = export_personal_data(self.margaret)["agreements"]
        self.assertEqual((row["your_hopes"], row["meet_every_days"]), ("Tools", 21))
        erase_person(self.priya, self.priya)
        agreement = self.agreement()
        self.assertEqual((agreement.mentor_hopes, agreement.mentee_hopes), ("", "Tools"))

    def test_anonymising_the_programme_blanks_it(self):
        self.write(self.priya, mentor_hopes="Confidence")
        anonymise_programme(self.programme)
        agreement = self.agreement()
        self.assertEqual(agreement.text(), "")


class AgreementAcrossOrganisationsTests(PersonasTestCase):
    def test_a_flagged_agreement_to_another_organisation_is_held_back(self):
        self.acme.confidential_terms = "Project Falcon"
        self.acme.save()
        gus_here = self.open_to_globex()
        cross = Pair.objects.create(
            programme=self.programme, mentor=gus_here, mentee=self.p_margaret, status="active"
        )
        self.client.force_login(self.margaret)
        url = reverse("agreement", args=[cross.pk])
        flagged = {**WRITTEN, "mentee_hopes": "Advice on Project Falcon"}
        r = self.client.post(url, flagged)
        self.assertContains(r, "Project Falcon</mark>")
        self.assertFalse(Agreement.objects.exists())
        shown = r.context["crossing"].fingerprint
        self.client.post(url, {**flagged, "guard_reason": "It is public", "guard_shown": shown})
        self.assertTrue(Agreement.objects.filter(pair=cross).exists())
        self.assertEqual(GuardConfirmation.objects.get().content_kind, "agreement")


class AgreementNudgeTests(PersonasTestCase):
    def setUp(self) -> None:
        self.now = timezone.now()
        Pair.objects.filter(pk=self.pair.pk).update(activated_at=self.now - timedelta(days=20))
        self.pair.refresh_from_db()

    def nudges(self, user, now=None) -> list[str]:
        return [n.text for n in due_nudges(user, now or self.now) if n.kind == "agreement"]

    def test_two_weeks_in_without_one_both_are_asked_to_write_it(self):
        self.assertEqual(
            self.nudges(self.priya),
            ["Write down how you and Margaret Hughes will work together."],
        )
        self.assertEqual(self.nudges(self.priya, self.now - timedelta(days=10)), [])

    def test_the_partner_who_has_not_agreed_is_asked_to_read_it(self):
        agreement = Agreement.objects.create(
            pair=self.pair, between_us="x", mentor_agreed_at=self.now
        )
        self.assertEqual(self.nudges(self.priya), [])
        self.assertEqual(
            self.nudges(self.margaret),
            ["Priya Patel wrote down your agreement: read it and agree, or change it."],
        )
        agreement.agree(self.p_margaret)
        agreement.save()
        self.assertEqual(self.nudges(self.margaret), [])
