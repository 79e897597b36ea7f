"""In a cross-organisation programme a concern stays with its author's own organisation.

Acme runs the programme and Globex takes part as a partner. Gus, Globex's person, mentors
Margaret. His concern about her reaches Greta, Globex's programme manager, and never Martin or
Olivia at Acme (Margaret's company); Priya's concern, the other way round, reaches Acme's
managers and never Greta.
"""

import importlib

from django.apps import apps
from django.core import mail
from django.urls import reverse

from tests.base import PersonasTestCase
from twoheads.accounts.models import AuditEvent, Membership
from twoheads.pairing.models import Pair
from twoheads.privacy.concerns import concern_readers, raise_concern
from twoheads.privacy.models import Concern

GUS_WORRY = "Gus worry: my mentee forwards my slides to her whole board"
PRIYA_WORRY = "Priya worry: I am asked about the pay of my team"
address = importlib.import_module("twoheads.privacy.migrations.0004_concern_organisation").address


class ExchangeStory(PersonasTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.p_gus_here = cls.open_to_globex()
        Pair.objects.create(
            programme=cls.programme,
            mentor=cls.p_gus_here,
            mentee=cls.p_margaret,
            status=Pair.Status.ACTIVE,
        )

    def raise_as(self, user, text):
        self.client.force_login(user)
        url = reverse("raise_concern", args=[self.programme.slug])
        return self.client.post(url, {"text": text})

    def list_as(self, user):
        self.client.force_login(user)
        return self.client.get(reverse("concern_list", args=[self.programme.slug]))

    def resolve_as(self, user, concern):
        self.client.force_login(user)
        url = reverse("concern_resolve", args=[self.programme.slug, concern.pk])
        return self.client.post(url, {"note": "Spoke to them"})


class PartnersPersonTests(ExchangeStory):
    """Gus, of Globex, raises a concern in Acme's programme."""

    def test_it_reaches_globexs_manager_and_nobody_at_acme(self):
        self.assertEqual(concern_readers(self.programme, self.p_gus_here), [self.greta])

    def test_the_page_names_globex_as_the_reader_and_says_acme_never_sees_it(self):
        self.client.force_login(self.gus)
        page = self.client.get(reverse("raise_concern", args=[self.programme.slug]))
        self.assertContains(page, "The programme managers of Globex, your own organisation")
        self.assertContains(
            page, "The managers of Acme Ltd never see it, though they manage this programme too"
        )
        self.assertContains(page, "Send it to Globex's programme managers")

    def test_the_email_goes_to_greta_only(self):
        self.raise_as(self.gus, GUS_WORRY)
        self.assertEqual([a for m in mail.outbox for a in m.to], ["greta@globex.test"])
        self.assertNotIn("slides", mail.outbox[0].body)

    def test_greta_reads_and_resolves_it(self):
        self.raise_as(self.gus, GUS_WORRY)
        concern = Concern.objects.get()
        self.assertEqual(concern.organisation, self.globex)
        self.assertContains(self.list_as(self.greta), GUS_WORRY)
        self.resolve_as(self.greta, concern)
        concern.refresh_from_db()
        self.assertFalse(concern.is_open)

    def test_acmes_manager_and_admin_never_read_it_nor_act_on_it(self):
        self.raise_as(self.gus, GUS_WORRY)
        concern = Concern.objects.get()
        for outsider in (self.martin, self.olivia):
            with self.subTest(outsider.name):
                self.assertFalse(Concern.objects.readable_by(outsider).exists())
                self.assertNotContains(self.list_as(outsider), GUS_WORRY)
                self.assertEqual(self.resolve_as(outsider, concern).status_code, 404)
        concern.refresh_from_db()
        self.assertTrue(concern.is_open)

    def test_raising_it_is_logged_for_globex_not_acme(self):
        self.raise_as(self.gus, GUS_WORRY)
        event = AuditEvent.objects.get(action="concern.raise")
        self.assertEqual(event.organisation, self.globex)

    def test_it_stays_with_globex_after_gus_is_erased(self):
        self.raise_as(self.gus, GUS_WORRY)
        concern = Concern.objects.get()
        self.resolve_as(self.greta, concern)
        Concern.objects.update(author=None, text="")
        self.assertNotContains(self.list_as(self.martin), "Spoke to them")
        self.assertContains(self.list_as(self.greta), "Spoke to them")

    def test_with_no_manager_at_globex_it_is_not_sent_to_acme(self):
        Membership.objects.filter(organisation=self.globex).exclude(
            role=Membership.Role.PARTICIPANT
        ).delete()
        self.assertEqual(concern_readers(self.programme, self.p_gus_here), [])
        response = self.raise_as(self.gus, GUS_WORRY)
        self.assertContains(response, "Please raise it with HR instead.")
        self.assertFalse(Concern.objects.exists())
        self.assertEqual(mail.outbox, [])

    def test_once_globex_leaves_the_programme_nobody_at_acme_reads_it(self):
        self.raise_as(self.gus, GUS_WORRY)
        self.programme.partners.remove(self.globex)
        self.assertFalse(Concern.objects.readable_by(self.martin).exists())
        self.assertFalse(Concern.objects.readable_by(self.greta).exists())


class HostsPersonTests(ExchangeStory):
    """Priya, of Acme, raises a concern in the same programme."""

    def test_it_reaches_acmes_manager_and_never_greta(self):
        self.raise_as(self.priya, PRIYA_WORRY)
        concern = Concern.objects.get()
        self.assertEqual(concern.organisation, self.acme)
        self.assertEqual([a for m in mail.outbox for a in m.to], ["martin@acme.test"])
        self.assertContains(self.list_as(self.martin), PRIYA_WORRY)
        self.assertFalse(Concern.objects.readable_by(self.greta).exists())
        self.assertNotContains(self.list_as(self.greta), PRIYA_WORRY)
        self.assertEqual(self.resolve_as(self.greta, concern).status_code, 404)

    def test_the_page_says_globex_never_sees_it(self):
        self.client.force_login(self.priya)
        page = self.client.get(reverse("raise_concern", args=[self.programme.slug]))
        self.assertContains(page, "The programme managers of Acme Ltd, your own organisation")
        self.assertContains(
            page, "The managers of Globex never see it, though they manage this programme too"
        )

    def test_a_colleague_who_manages_programmes_only_elsewhere_is_no_reader(self):
        """Sam is only a participant at Acme; managing Globex's programmes does not make him
        one of Acme's managers."""
        Membership.objects.create(
            user=self.sam, organisation=self.globex, role=Membership.Role.PROGRAMME_MANAGER
        )
        self.assertEqual(concern_readers(self.programme, self.p_margaret), [self.martin])


class ConcernsRaisedBeforeTests(ExchangeStory):
    def test_the_migration_gives_each_concern_its_authors_organisation(self):
        gus = Concern.objects.create(programme=self.programme, author=self.p_gus_here, text="g")
        priya = Concern.objects.create(programme=self.programme, author=self.p_priya, text="p")
        erased = Concern.objects.create(programme=self.programme, author=None, text="")
        Concern.objects.update(organisation=self.globex)
        address(apps, None)
        found = dict(Concern.objects.values_list("pk", "organisation"))
        expected = {gus.pk: self.globex.pk, priya.pk: self.acme.pk, erased.pk: self.acme.pk}
        self.assertEqual(found, expected)

    def test_a_new_concern_takes_its_authors_organisation(self):
        self.assertEqual(raise_concern(self.p_gus_here, GUS_WORRY).organisation, self.globex)
        made = Concern.objects.create(programme=self.programme, author=self.p_priya, text="p")
        self.assertEqual(made.organisation, self.acme)
