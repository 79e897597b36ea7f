"""Self-selection: suggestions, requests with a message, first acceptance wins, expiry."""

import threading
from datetime import timedelta

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import close_old_connections, connection
from django.test import TransactionTestCase
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tests.pairing.stories import WEEKDAYS, MatchingTestCase
from twoheads.accounts.models import AuditEvent, Membership, Organisation, User
from twoheads.pairing.engine import PairingError
from twoheads.pairing.models import Pair, PairRequest
from twoheads.pairing.selfselection import (
    expire_requests,
    my_suggestions,
    respond_request,
    send_request,
)
from twoheads.participants.models import Participant, ParticipantSkill
from twoheads.programmes.lifecycle import change_status
from twoheads.programmes.models import Programme, Skill


def add_person(programme, email, name, ext, role, level, offer, want, org):
    user = User.objects.create_user(email, "pw-not-used-0123", name=name)
    Membership.objects.create(user=user, organisation=org, role=Membership.Role.PARTICIPANT)
    person = Participant.objects.create(
        programme=programme, user=user, external_id=ext, name=name, email=email, role=role,
        level=level, organisation=org, availability=WEEKDAYS, languages=["en"],
    )  # fmt: skip
    for kind, skill in (("offer", offer), ("want", want)):
        found, _new = Skill.objects.get_or_create(programme=programme, name=skill)
        ParticipantSkill.objects.create(participant=person, skill=found, kind=kind, level=3)
    return user, person


class SelfSelectionTests(MatchingTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        Programme.objects.filter(pk=cls.programme.pk).update(
            matching_mode="suggest", status="active"
        )
        cls.programme.refresh_from_db()
        cls.tom, cls.p_tom = add_person(
            cls.programme,
            "tom@acme.test",
            "Tom Reyes",
            "A102",
            "mentor",
            1,
            "Social media",
            "Strategy",
            cls.acme,
        )
        cls.nia, cls.p_nia = add_person(
            cls.programme,
            "nia@acme.test",
            "Nia Berg",
            "A203",
            "mentee",
            7,
            "Strategy",
            "Social media",
            cls.acme,
        )

    def test_it_suggests_free_partners_with_explanations(self):
        self.client.force_login(self.sam)
        r = self.client.get(reverse("my_suggestions", args=[self.programme.slug]))
        partners = [p for p, _s in r.context["options"]]
        self.assertEqual(set(partners), {self.p_mei, self.p_nia})
        self.assertContains(r, "Send a request to Mei Lin")
        self.assertContains(r, "can teach")
        self.assertNotIn(self.p_margaret, partners)  # already paired, at capacity

    def test_it_sends_a_request_with_a_message_and_emails_the_other_side(self):
        self.client.force_login(self.sam)
        url = reverse("request_send", args=[self.programme.slug, self.p_mei.pk])
        r = self.client.post(url, {"message": "I would love to learn strategy from you"})
        self.assertRedirects(r, reverse("my_requests", args=[self.programme.slug]))
        req = PairRequest.objects.get()
        self.assertEqual(
            (req.sender, req.recipient, req.status), (self.p_sam, self.p_mei, "pending")
        )
        self.assertEqual(mail.outbox[0].to, ["mei@acme.test"])
        self.assertIn("I would love to learn strategy", mail.outbox[0].body)
        self.assertNotIn("no account yet", mail.outbox[0].body)  # Mei signs in already

        # Sam sees what he wrote on his own card.
        r = self.client.get(reverse("my_requests", args=[self.programme.slug]))
        self.assertContains(r, "You wrote:</span> I would love to learn strategy from you")
        self.client.force_login(self.mei)
        r = self.client.get(reverse("my_requests", args=[self.programme.slug]))
        self.assertContains(r, "Pair up with Sam Okafor?")

    def test_someone_asked_who_cannot_sign_in_yet_gets_the_link_to_make_their_account(self):
        Participant.objects.filter(pk=self.p_mei.pk).update(user=None)
        self.client.force_login(self.sam)
        url = reverse("request_send", args=[self.programme.slug, self.p_mei.pk])
        self.client.post(url, {"message": "Hello"})
        (email,) = mail.outbox
        self.assertIn("You have no account yet: create it with this link first", email.body)
        self.assertIn("/invitations/", email.body)

    def test_it_caps_pending_requests(self):
        Programme.objects.filter(pk=self.programme.pk).update(max_pending_requests=1)
        self.p_sam.programme.refresh_from_db()
        send_request(self.p_sam, self.p_mei, "")
        with self.assertRaisesMessage(PairingError, "1 open requests"):
            send_request(self.p_sam, self.p_nia, "")

    def test_it_refuses_requests_to_people_at_capacity_or_on_the_same_side(self):
        with self.assertRaisesMessage(PairingError, "as many partners"):
            send_request(self.p_sam, self.p_margaret, "")
        with self.assertRaisesMessage(PairingError, "other side"):
            send_request(self.p_sam, self.p_tom, "")
        send_request(self.p_sam, self.p_mei, "")
        with self.assertRaisesMessage(PairingError, "already an open request"):
            send_request(self.p_mei, self.p_sam, "")

    def test_the_first_acceptance_wins_and_closes_the_other_requests(self):
        to_mei = send_request(self.p_sam, self.p_mei, "hello Mei")
        to_nia = send_request(self.p_sam, self.p_nia, "hello Nia")
        tom_to_mei = send_request(self.p_tom, self.p_mei, "hello from Tom")
        mail.outbox.clear()
        self.client.force_login(self.mei)
        with self.captureOnCommitCallbacks(execute=True):
            r = self.client.post(
                reverse("request_respond", args=[to_mei.pk]), {"decision": "accept"}
            )
        pair = Pair.objects.get(mentor=self.p_sam, mentee=self.p_mei)
        self.assertRedirects(r, pair.get_absolute_url(), fetch_redirect_response=False)
        self.assertEqual((pair.status, pair.from_request), ("active", True))
        self.assertTrue(pair.explanation)
        for req in (to_nia, tom_to_mei):
            req.refresh_from_db()
            self.assertEqual(req.status, "closed")
            self.assertIn("has found a partner", req.reply)
        # Each is told what happened to them, in their own words, once.
        told = sorted((m.to[0], m.subject) for m in mail.outbox)
        self.assertEqual(
            told,
            [
                ("mei@acme.test", "Your pair with Sam Okafor is active"),
                ("nia@acme.test", "Sam Okafor's request is closed"),
                ("sam@acme.test", "Mei Lin accepted: your pair is active"),
                ("tom@acme.test", "Your request: closed"),
            ],
        )
        body = {m.to[0]: m.body for m in mail.outbox}
        self.assertIn("You accepted Sam Okafor's request", body["mei@acme.test"])
        self.assertIn("Sam Okafor has found a partner", body["nia@acme.test"])
        with self.assertRaisesMessage(PairingError, "no longer open"):
            respond_request(to_nia, self.nia, True)
        self.assertEqual(Pair.objects.filter(mentor=self.p_sam).count(), 1)
        self.assertTrue(AuditEvent.objects.filter(action="request.accept", actor=self.mei).exists())

    def test_a_declined_request_is_not_sent_again(self):
        to_mei = send_request(self.p_sam, self.p_mei, "")
        respond_request(to_mei, self.mei, False, "My diary is full until spring.")
        with self.assertRaisesMessage(PairingError, "Mei Lin declined your request"):
            send_request(self.p_sam, self.p_mei, "Please?")
        self.client.force_login(self.sam)
        page = self.client.get(reverse("my_suggestions", args=[self.programme.slug]))
        self.assertIn(self.p_mei, [partner for partner, _s in page.context["options"]])
        self.assertContains(page, "Declined your request")
        send = reverse("request_send", args=[self.programme.slug, self.p_mei.pk])
        self.assertNotContains(page, send)
        # Mei may still ask Sam herself.
        send_request(self.p_mei, self.p_sam, "Actually, after all")

    def test_a_request_without_a_message_says_nothing_of_one(self):
        mail.outbox.clear()
        send_request(self.p_sam, self.p_mei, "")
        self.assertNotIn("Their message", mail.outbox[-1].body)

    def test_closing_the_programme_closes_its_waiting_requests(self):
        to_mei = send_request(self.p_sam, self.p_mei, "")
        change_status(self.programme, "closed", self.martin)
        to_mei.refresh_from_db()
        self.assertEqual(to_mei.status, "closed")
        with self.assertRaisesMessage(PairingError, "is closed"):
            respond_request(to_mei, self.mei, True)
        self.assertFalse(Pair.objects.filter(mentee=self.p_mei).exists())

    def test_a_request_to_someone_who_left_is_refused_not_an_error(self):
        to_mei = send_request(self.p_sam, self.p_mei, "")
        Participant.objects.filter(pk=self.p_sam.pk).update(status="leaver")
        with self.assertRaisesMessage(PairingError, "Sam Okafor"):
            respond_request(to_mei, self.mei, True)
        self.assertFalse(Pair.objects.filter(mentee=self.p_mei).exists())

    def test_partners_already_are_not_asked_to_pair_again(self):
        Participant.objects.filter(pk__in=[self.p_sam.pk, self.p_mei.pk]).update(capacity=2)
        self.p_sam.refresh_from_db()
        self.p_mei.refresh_from_db()
        Pair.objects.create(
            programme=self.programme, mentor=self.p_sam, mentee=self.p_mei, status="active"
        )
        with self.assertRaisesMessage(PairingError, "partners already"):
            send_request(self.p_mei, self.p_sam, "")

    def test_it_closes_a_request_when_the_sender_filled_up_elsewhere(self):
        to_mei = send_request(self.p_sam, self.p_mei, "")
        Pair.objects.create(programme=self.programme, mentor=self.p_sam, mentee=self.p_nia)
        with self.assertRaisesMessage(PairingError, "Sam Okafor already has as many partners"):
            respond_request(to_mei, self.mei, True)
        to_mei.refresh_from_db()
        self.assertEqual(to_mei.status, "closed")
        self.assertEqual(Pair.objects.filter(mentee=self.p_mei).count(), 0)

    def test_it_declines_and_withdraws(self):
        to_mei = send_request(self.p_sam, self.p_mei, "")
        to_nia = send_request(self.p_sam, self.p_nia, "")
        self.client.force_login(self.mei)
        self.client.post(
            reverse("request_respond", args=[to_mei.pk]),
            {"decision": "decline", "reason": "Full diary"},
        )
        to_mei.refresh_from_db()
        self.assertEqual((to_mei.status, to_mei.reply), ("declined", "Full diary"))
        self.client.force_login(self.sam)
        self.client.post(reverse("request_withdraw", args=[to_nia.pk]))
        to_nia.refresh_from_db()
        self.assertEqual(to_nia.status, "withdrawn")

    def test_it_lets_only_the_person_asked_answer(self):
        req = send_request(self.p_sam, self.p_mei, "")
        for outsider in (self.priya, self.gus, self.martin):
            self.client.force_login(outsider)
            r = self.client.post(reverse("request_respond", args=[req.pk]), {"decision": "accept"})
            self.assertEqual(r.status_code, 404)
        self.client.force_login(self.sam)  # the sender cannot accept their own request
        self.client.post(reverse("request_respond", args=[req.pk]), {"decision": "accept"})
        req.refresh_from_db()
        self.assertEqual(req.status, "pending")
        self.client.force_login(self.gus)
        self.assertEqual(
            self.client.get(reverse("my_suggestions", args=[self.programme.slug])).status_code, 404
        )
        url = reverse("request_send", args=[self.programme.slug, self.p_mei.pk])
        self.assertEqual(self.client.post(url, {"message": "hi"}).status_code, 404)
        self.client.logout()
        r = self.client.get(reverse("my_requests", args=[self.programme.slug]))
        self.assertIn(reverse("login"), r["Location"])

    def test_it_reminds_after_a_week_and_expires_after_two_idempotently(self):
        req = send_request(self.p_sam, self.p_mei, "")
        mail.outbox.clear()
        now = timezone.now()
        self.assertEqual(expire_requests(now + timedelta(days=6)), (0, 0))
        self.assertEqual(expire_requests(now + timedelta(days=7, minutes=1)), (1, 0))
        self.assertEqual(expire_requests(now + timedelta(days=8)), (0, 0))
        self.assertEqual(mail.outbox[0].to, ["mei@acme.test"])
        self.assertEqual(expire_requests(now + timedelta(days=14, minutes=1)), (0, 1))
        self.assertEqual(expire_requests(now + timedelta(days=15)), (0, 0))
        req.refresh_from_db()
        self.assertEqual(req.status, "expired")
        self.assertEqual(mail.outbox[-1].to, ["sam@acme.test"])

    def test_the_command_uses_the_programmes_own_days(self):
        Programme.objects.filter(pk=self.programme.pk).update(
            request_reminder_days=1, request_expiry_days=2
        )
        req = send_request(self.p_sam, self.p_mei, "")
        PairRequest.objects.filter(pk=req.pk).update(created_at=timezone.now() - timedelta(days=3))
        from io import StringIO

        out = StringIO()
        call_command("expire_requests", stdout=out)
        self.assertEqual(out.getvalue().strip(), "0 reminders sent, 1 requests expired.")

    def test_it_offers_no_suggestions_where_the_manager_makes_the_pairs(self):
        Programme.objects.filter(pk=self.programme.pk).update(matching_mode="optimal")
        self.p_sam.programme.refresh_from_db()
        self.assertEqual(my_suggestions(self.p_sam), [])
        with self.assertRaisesMessage(PairingError, "programme manager makes the pairs"):
            send_request(self.p_sam, self.p_mei, "")


class ConcurrentAcceptStory:
    """Mei (room for one partner) accepts Sam's and Tom's requests at the same instant."""

    def build(self, n: int = 0):
        acme = Organisation.objects.create(name=f"Acme Ltd {n}")
        programme = Programme.objects.create(
            organisation=acme, name=f"Self Selection {n}", matching_mode="suggest", status="active"
        )
        people = [
            (f"sam{n}@acme.test", "Sam", "M1", "mentor", 1, "Social media", "Strategy"),
            (f"tom{n}@acme.test", "Tom", "M2", "mentor", 1, "Social media", "Strategy"),
            (f"mei{n}@acme.test", "Mei", "E1", "mentee", 7, "Strategy", "Social media"),
        ]
        (_s, sam), (_t, tom), (mei_user, mei) = [add_person(programme, *p, acme) for p in people]
        return mei_user, mei, [send_request(sam, mei, ""), send_request(tom, mei, "")]

    def accept_at_once(self, mei_user, requests):
        barrier = threading.Barrier(len(requests))
        outcomes: list[str] = []

        def accept(req):
            try:
                barrier.wait()
                respond_request(PairRequest.objects.get(pk=req.pk), mei_user, True)
                outcomes.append("paired")
            except PairingError as exc:
                outcomes.append(str(exc))
            except Exception as exc:  # a deadlock or any crash is a failure of the locking
                outcomes.append(f"crashed: {exc!r}")
            finally:
                close_old_connections()
                connection.close()

        threads = [threading.Thread(target=accept, args=(r,)) for r in requests]
        for t in threads:
            t.start()
        for t in threads:
            t.join(30)
        return outcomes


class SerialisedAcceptTests(ConcurrentAcceptStory, TransactionTestCase):
    """Writers queue (IMMEDIATE on SQLite, row locks on PostgreSQL); the second sees the first."""

    def test_it_never_exceeds_capacity_when_accepts_come_one_after_the_other(self):
        mei_user, mei, requests = self.build()
        respond_request(requests[0], mei_user, True)
        with self.assertRaisesMessage(PairingError, "no longer open"):
            respond_request(requests[1], mei_user, True)
        self.assertEqual(Pair.objects.filter(mentee=mei).count(), 1)

    def test_the_write_lock_is_taken_before_capacity_is_counted(self):
        mei_user, mei, requests = self.build()
        with CaptureQueriesContext(connection) as queries:
            respond_request(requests[0], mei_user, True)
        sql = [q["sql"] for q in queries.captured_queries]
        if connection.vendor == "sqlite":
            begin = sql.index("BEGIN IMMEDIATE")
        else:
            begin = next(i for i, q in enumerate(sql) if "FOR UPDATE" in q)
        counting = next(i for i, q in enumerate(sql) if "COUNT(" in q and "pairing_pair" in q)
        self.assertLess(begin, counting)
        self.assertEqual(Pair.objects.filter(mentee=mei).count(), 1)


if connection.vendor == "postgresql":

    @pytest.mark.postgres
    class PostgresConcurrentAcceptTests(ConcurrentAcceptStory, TransactionTestCase):
        """Row locks on both people: two accepts at the same moment make exactly one pair."""

        def test_it_never_exceeds_capacity_with_two_accepts_at_once(self):
            for n in range(3):
                mei_user, mei, requests = self.build(n)
                outcomes = self.accept_at_once(mei_user, requests)
                self.assertEqual(Pair.objects.filter(mentee=mei).count(), 1)
                self.assertEqual(sorted(outcomes)[1], "paired", outcomes)
                self.assertIn("no longer open", sorted(outcomes)[0], outcomes)
