"""Every email has an HTML part made from its text: the same words, the same links, escaped."""

import re
from datetime import timedelta
from html.parser import HTMLParser

from django.core import mail
from django.core.mail import EmailMultiAlternatives
from django.test import TestCase, override_settings
from django.urls import reverse
from django.utils import timezone

from tests.base import PersonasTestCase
from tests.ops.test_outbox import OUTBOX
from twoheads.meetings.models import Meeting
from twoheads.meetings.scheduling import schedule_meeting

URL = re.compile(r"https?://\S+")


class _Reader(HTMLParser):
    """The words of an HTML body as a reader sees them, and where its links go."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.words: list[str] = []
        self.links: list[str] = []
        self.elements: list[str] = []
        self.in_head = False

    def handle_starttag(self, tag, attrs):  # type: ignore[no-untyped-def]
        self.elements.append(tag)
        self.in_head = tag in ("title", "style")
        if tag == "a":
            self.links.append(dict(attrs)["href"])

    def handle_endtag(self, tag):  # type: ignore[no-untyped-def]
        self.in_head = False

    def handle_data(self, data):  # type: ignore[no-untyped-def]
        if not self.in_head:  # the window's title and the styles are not read
            self.words.extend(data.split())


def read(html: str) -> _Reader:
    reader = _Reader()
    reader.feed(html)
    return reader


def parts_of(message) -> list[str]:  # type: ignore[no-untyped-def]
    return [p.get_content_type() for p in message.walk() if not p.is_multipart()]


def html_of(message) -> str:  # type: ignore[no-untyped-def]
    return message.get_body(preferencelist=("html",)).get_content()


def text_of(message) -> str:  # type: ignore[no-untyped-def]
    return message.get_body(preferencelist=("plain",)).get_content()


@override_settings(MAILERS=OUTBOX)
class HtmlPartTests(TestCase):
    def send(self, body: str) -> object:
        with self.captureOnCommitCallbacks(execute=True):
            mail.send_mail("Your match", body, None, ["richard@x.test"])
        return mail.outbox[-1].message()

    def test_a_text_email_gets_an_html_part_with_the_same_words_and_links(self):
        body = (
            "Hello Richard,\n\n"
            "You have been matched with Aisha Khan (reverse mentor).\n"
            "Why: generative AI tools (3), negotiation (2).\n\n"
            "1. Open your pair's page: https://heads.example.com/pairs/12/?from=mail&x=1\n"
            "2. Agree on a first meeting.\n"
        )
        message = self.send(body)
        self.assertEqual(message.get_content_type(), "multipart/alternative")
        self.assertEqual(parts_of(message), ["text/plain", "text/html"])
        self.assertEqual(text_of(message), body)
        html = html_of(message)
        seen = read(html)
        # The layout's heading, then exactly the words of the text.
        self.assertEqual(seen.words[:2], ["Two", "Heads"])
        self.assertEqual(seen.words[2:], body.split())
        self.assertEqual(seen.links, URL.findall(body))
        self.assertEqual(seen.elements.count("p"), 1 + 3)  # the heading, then three paragraphs
        self.assertIn('<html lang="', html)

    def test_what_people_type_is_shown_as_text_never_run(self):
        message = self.send('Their message: <img src=x onerror="alert(1)"> <b>hi</b> & bye\n')
        html = html_of(message)
        self.assertNotIn("<img", html)
        self.assertNotIn("<b>", html)
        self.assertIn("&lt;img src=x onerror=&quot;alert(1)&quot;&gt;", html)
        typed = 'Their message: <img src=x onerror="alert(1)"> <b>hi</b> & bye'
        self.assertEqual(read(html).words[2:], typed.split())

    def test_an_email_with_html_of_its_own_is_stored_as_written(self):
        message = EmailMultiAlternatives("Report", "Plain words", to=["olivia@x.test"])
        message.attach_alternative("<p>Own <em>layout</em></p>", "text/html")
        with self.captureOnCommitCallbacks(execute=True):
            message.send()
        stored = mail.outbox[-1].message()
        self.assertEqual(parts_of(stored), ["text/plain", "text/html"])
        self.assertEqual(html_of(stored).strip(), "<p>Own <em>layout</em></p>")

    def test_an_attached_html_file_is_not_taken_for_the_emails_own_html(self):
        message = EmailMultiAlternatives("Export", "Your report is attached.", to=["o@x.test"])
        message.attach("report.html", "<p>Report</p>", "text/html")
        with self.captureOnCommitCallbacks(execute=True):
            message.send()
        stored = mail.outbox[-1].message()
        self.assertEqual(parts_of(stored), ["text/plain", "text/html", "text/html"])
        self.assertEqual(read(html_of(stored)).words[-4:], ["Your", "report", "is", "attached."])
        attached = next(stored.iter_attachments())
        self.assertEqual(attached.get_filename(), "report.html")


@override_settings(MAILERS=OUTBOX)
class HtmlInProductEmailsTests(PersonasTestCase):
    def test_a_meeting_invitation_keeps_the_calendar_last_and_attached(self):
        start = (timezone.now() + timedelta(days=3)).replace(microsecond=0)
        with self.captureOnCommitCallbacks(execute=True):
            schedule_meeting(
                self.pair,
                self.priya,
                starts_at=start,
                duration_minutes=30,
                mode=Meeting.Mode.ONLINE,
                link="https://meet.example.com/x",
                agenda="Prompts <script>alert(1)</script>",
            )
        message = mail.outbox[0].message()
        alternative, attachment = message.get_payload()
        self.assertEqual(
            [p.get_content_type() for p in alternative.get_payload()],
            ["text/plain", "text/html", "text/calendar"],
        )
        self.assertEqual(alternative.get_payload()[2].get_param("method"), "REQUEST")
        self.assertEqual(attachment.get_filename(), "invite.ics")
        html = html_of(message)
        self.assertNotIn("<script>", html)
        self.assertEqual(read(html).words[2:], text_of(message).split())
        self.assertIn("https://meet.example.com/x", read(html).links)

    def test_the_password_reset_email_has_its_link_in_the_html_too(self):
        with self.captureOnCommitCallbacks(execute=True):
            self.client.post(reverse("password_reset"), {"email": "priya@acme.test"})
        message = mail.outbox[0].message()
        self.assertEqual(parts_of(message), ["text/plain", "text/html"])
        links = URL.findall(text_of(message))
        self.assertTrue(any("/password/reset/" in link for link in links), links)
        html_links = read(html_of(message)).links
        self.assertEqual([a for a in html_links if not a.startswith("mailto:")], links)
        self.assertIn("mailto:priya@acme.test", html_links)  # the address it was asked for
