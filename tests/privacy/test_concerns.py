from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse

from tests.base import make_user
from tests.privacy.stories import PHRASES, PrivacyStory
from twoheads.accounts.models import AuditEvent, Membership
from twoheads.privacy.concerns import concern_readers, raise_concern
from twoheads.privacy.models import Concern


class RaisingAConcernTests(PrivacyStory):
    """Priya raises a concern; it reaches Martin, and nobody around her."""

    def raise_it(self, text="The senior partner talks over me in every meeting"):
        self.client.force_login(self.priya)
        return self.client.post(
            reverse("raise_concern", args=[self.programme.slug]), {"text": text}
        )

    def test_it_shows_priya_who_will_read_it(self):
        self.client.force_login(self.priya)
        response = self.client.get(reverse("raise_concern", args=[self.programme.slug]))
        self.assertContains(response, "The programme managers of Acme Ltd, your own organisation")
        self.assertContains(response, "Only the programme managers named above read this")

    def test_it_keeps_the_concern_and_priya_follows_it(self):
        url = reverse("raise_concern", args=[self.programme.slug])
        response = self.raise_it()
        self.assertRedirects(response, url, fetch_redirect_response=False)
        concern = Concern.objects.latest("created_at")
        self.assertEqual(concern.author, self.p_priya)
        self.assertTrue(concern.is_open)
        page = self.client.get(url)
        self.assertContains(page, "Concerns you raised")
        self.assertContains(page, "talks over me in every meeting")
        self.assertContains(page, "With your programme manager")
        # Nobody else reads her concerns there: Margaret sees only her own (none).
        self.client.force_login(self.margaret)
        self.assertNotContains(self.client.get(url), "talks over me")

    def test_it_emails_only_martin_and_never_the_text(self):
        self.raise_it()
        recipients = sorted(addr for m in mail.outbox for addr in m.to)
        self.assertEqual(recipients, ["martin@acme.test"])
        self.assertNotIn("talks over me", mail.outbox[0].body)
        self.assertNotIn("Priya", mail.outbox[0].body + mail.outbox[0].subject)
        self.assertIn(reverse("concern_list", args=[self.programme.slug]), mail.outbox[0].body)

    def test_it_keeps_out_her_line_manager_at_every_level_and_her_partner(self):
        Membership.objects.create(
            user=self.margaret, organisation=self.acme, role=Membership.Role.PROGRAMME_MANAGER
        )
        readers = concern_readers(self.programme, self.p_priya)
        self.assertEqual(readers, [self.martin])

    def test_margarets_concern_reaches_lewis_who_is_not_in_her_line(self):
        readers = concern_readers(self.programme, self.p_margaret)
        self.assertEqual(readers, [self.martin, self.lewis, self.harriet])

    def test_sams_concern_skips_lewis_because_he_is_sams_partner(self):
        self.assertNotIn(self.lewis, concern_readers(self.programme, self.p_sam))

    def test_it_refuses_an_empty_concern(self):
        response = self.raise_it(text="   ")
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "This field is required")
        self.assertEqual(Concern.objects.count(), 1)

    def test_it_falls_back_to_org_admins_when_there_is_no_programme_manager(self):
        Membership.objects.filter(
            organisation=self.acme, role=Membership.Role.PROGRAMME_MANAGER
        ).delete()
        self.assertEqual(concern_readers(self.programme, self.p_priya), [self.olivia])

    def test_it_falls_back_to_org_admins_when_every_manager_is_kept_out(self):
        Membership.objects.filter(
            organisation=self.acme, role=Membership.Role.PROGRAMME_MANAGER
        ).exclude(user=self.lewis).delete()
        # Lewis, the one manager left, is in Priya's line.
        self.assertEqual(concern_readers(self.programme, self.p_priya), [self.olivia])
        self.raise_it()
        self.assertEqual(sorted(a for m in mail.outbox for a in m.to), ["olivia@acme.test"])

    def test_when_nobody_may_read_it_the_page_says_so_and_keeps_nothing(self):
        Membership.objects.filter(organisation=self.acme).exclude(user=self.lewis).filter(
            role__in=[Membership.Role.PROGRAMME_MANAGER, Membership.Role.ORG_ADMIN]
        ).delete()
        self.client.force_login(self.priya)
        url = reverse("raise_concern", args=[self.programme.slug])
        self.assertContains(self.client.get(url), "nobody here can read it")
        response = self.raise_it()
        self.assertContains(response, "Please raise it with HR instead.")
        self.assertEqual(Concern.objects.count(), 1)  # the story's own
        self.assertEqual(mail.outbox, [])
        with self.assertRaises(ValidationError):
            raise_concern(self.p_priya, "Still worried")

    def test_a_stranger_to_the_programme_cannot_raise_one_there(self):
        self.client.force_login(self.gus)
        response = self.client.get(reverse("raise_concern", args=[self.programme.slug]))
        self.assertEqual(response.status_code, 404)

    def test_anonymous_visitors_are_sent_to_sign_in(self):
        response = self.client.get(reverse("raise_concern", args=[self.programme.slug]))
        self.assertRedirects(
            response,
            reverse("login") + "?next=" + reverse("raise_concern", args=[self.programme.slug]),
            fetch_redirect_response=False,
        )

    def test_it_is_audited_without_its_text_or_its_author(self):
        self.raise_it()
        event = AuditEvent.objects.get(action="concern.raise")
        self.assertNotIn("talks over me", str(event.details) + event.target + event.reason)
        self.assertIsNone(event.actor)
        # The organisation's admins read the log; one of them may be the author's manager.
        admin = self.olivia
        self.client.force_login(admin)
        log = self.client.get(reverse("audit_log", args=[self.acme.slug]))
        self.assertContains(log, "concern.raise")
        self.assertContains(log, "A participant, not named")
        row = next(line for line in log.content.decode().splitlines() if "concern.raise" in line)
        for name in ("Priya", "Margaret", "Sam"):
            self.assertNotIn(name, row)


class ConcernListTests(PrivacyStory):
    """Martin reads and resolves concerns; nobody else reads them."""

    def url(self):
        return reverse("concern_list", args=[self.programme.slug])

    def test_martin_reads_the_open_concern(self):
        self.client.force_login(self.martin)
        response = self.client.get(self.url())
        self.assertContains(response, PHRASES["concern"])
        self.assertTrue(AuditEvent.objects.filter(action="concern.view", actor=self.martin))

    def test_martin_resolves_it_with_a_note(self):
        self.client.force_login(self.martin)
        with self.captureOnCommitCallbacks(execute=True):
            response = self.client.post(
                reverse("concern_resolve", args=[self.programme.slug, self.concern.pk]),
                {"note": "Spoke to both partners"},
            )
        self.assertRedirects(response, self.url(), fetch_redirect_response=False)
        self.concern.refresh_from_db()
        self.assertFalse(self.concern.is_open)
        self.assertEqual(self.concern.resolution_note, "Spoke to both partners")
        self.assertEqual(Concern.objects.open_for_programme(self.programme).count(), 0)
        # Priya is told, with neither her words nor the note in the email, and reads the note.
        (told,) = [m for m in mail.outbox if m.to == ["priya@acme.test"]]
        self.assertIn("is resolved", told.subject)
        self.assertNotIn("Spoke to both", told.body)
        self.assertNotIn("pay of my team", told.body)
        self.client.force_login(self.priya)
        page = self.client.get(reverse("raise_concern", args=[self.programme.slug]))
        self.assertContains(page, "What was done:")
        self.assertContains(page, "Spoke to both partners")

    def test_resolving_needs_a_note(self):
        self.client.force_login(self.martin)
        self.client.post(
            reverse("concern_resolve", args=[self.programme.slug, self.concern.pk]), {"note": ""}
        )
        self.concern.refresh_from_db()
        self.assertTrue(self.concern.is_open)

    def test_lewis_her_line_manager_does_not_see_it_though_he_manages_programmes(self):
        self.client.force_login(self.lewis)
        response = self.client.get(self.url())
        self.assertEqual(response.status_code, 200)
        self.assertNotContains(response, PHRASES["concern"])
        response = self.client.post(
            reverse("concern_resolve", args=[self.programme.slug, self.concern.pk]),
            {"note": "Nothing to see"},
        )
        self.assertEqual(response.status_code, 404)

    def test_olivia_the_org_admin_does_not_read_it(self):
        self.client.force_login(self.olivia)
        self.assertNotContains(self.client.get(self.url()), PHRASES["concern"])

    def test_margaret_her_partner_cannot_open_the_list(self):
        self.client.force_login(self.margaret)
        self.assertEqual(self.client.get(self.url()).status_code, 404)

    def test_greta_of_globex_gets_404(self):
        self.client.force_login(self.greta)
        self.assertEqual(self.client.get(self.url()).status_code, 404)

    def test_the_dashboard_count_covers_open_concerns_of_this_programme_only(self):
        Concern.objects.create(programme=self.globex_programme, author=self.p_gus, text="x")
        self.assertEqual(list(Concern.objects.open_for_programme(self.programme)), [self.concern])

    def test_a_deactivated_manager_reads_nothing(self):
        self.martin.is_active = False
        self.martin.save()
        self.assertFalse(Concern.objects.readable_by(self.martin).exists())

    def test_a_programme_manager_who_joins_later_reads_earlier_concerns(self):
        nina = make_user("nina@acme.test", "Nina New", self.acme, "programme_manager")
        self.assertIn(self.concern, Concern.objects.readable_by(nina))

    def test_raise_concern_refuses_blank_text(self):
        from django.core.exceptions import ValidationError

        with self.assertRaises(ValidationError):
            raise_concern(self.p_priya, " ")
