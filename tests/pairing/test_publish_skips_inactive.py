"""Publishing leaves out a proposed pair whose mentor or mentee HR has since marked a leaver or
on leave: the publish page names those pairs beforehand, and the result counts them."""

from django.core import mail
from django.urls import reverse

from tests.pairing.stories import MatchingTestCase
from twoheads.accounts.models import AuditEvent
from twoheads.pairing import engine
from twoheads.pairing.models import Pair, ProposedPair
from twoheads.participants.models import Participant


class PublishSkipsInactiveTests(MatchingTestCase):
    def setUp(self):
        self.run = self.make_run()
        # A second new proposal, so that one pair is still published when Mei leaves.
        ProposedPair.objects.create(run=self.run, mentor=self.p_priya, mentee=self.p_ivy)
        self.client.force_login(self.martin)
        self.url = reverse("run_publish", args=[self.programme.slug, self.run.pk])

    def leave(self, person: Participant, status: str) -> None:
        Participant.objects.filter(pk=person.pk).update(status=status)

    def test_it_names_the_pairs_it_will_skip_and_why(self):
        self.leave(self.p_mei, Participant.Status.LEAVER)
        r = self.client.get(self.url)
        self.assertContains(r, "1 pair will be created.")
        self.assertContains(r, "1 proposed pair will be skipped")
        self.assertContains(r, "Sam Okafor &amp; Mei Lin")
        self.assertContains(r, "Mei Lin: left the organisation")

    def test_it_creates_no_pair_for_a_leaver_and_emails_neither_partner(self):
        self.leave(self.p_mei, Participant.Status.LEAVER)
        with self.captureOnCommitCallbacks(execute=True):
            r = self.client.post(self.url, follow=True)
        self.assertEqual(
            list(Pair.objects.filter(run=self.run).values_list("mentor", "mentee")),
            [(self.p_priya.pk, self.p_ivy.pk)],
        )
        self.assertContains(r, "1 pairs published")
        self.assertContains(r, "1 proposed pair was skipped: its mentor or mentee is no longer")
        recipients = {m.to[0] for m in mail.outbox}
        self.assertNotIn("mei@acme.test", recipients)
        self.assertNotIn("sam@acme.test", recipients)
        self.assertEqual(AuditEvent.objects.get(action="run.publish").details["skipped"], 1)

    def test_someone_on_leave_is_skipped_too(self):
        self.leave(self.p_sam, Participant.Status.ON_LEAVE)
        engine.publish_run(self.run, self.martin)
        self.assertFalse(Pair.objects.filter(run=self.run, mentor=self.p_sam).exists())
        self.assertTrue(Pair.objects.filter(run=self.run, mentee=self.p_ivy).exists())

    def test_a_run_whose_every_new_pair_has_a_leaver_cannot_be_published(self):
        self.leave(self.p_mei, Participant.Status.LEAVER)
        self.leave(self.p_ivy, Participant.Status.LEAVER)
        with self.assertRaisesMessage(engine.PairingError, "no longer active"):
            engine.publish_run(self.run, self.martin)
        self.assertFalse(Pair.objects.filter(run=self.run).exists())
        self.assertContains(self.client.get(self.run.get_absolute_url()), "no longer active")
