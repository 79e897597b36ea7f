"""Every cell of the visibility table in docs/security.md, checked against the real pages.

Each row has a probe that signs a reader in, opens the pages where that kind of content could
appear, and says what the reader got: "yes" (the content itself), "no" (nothing), or a narrower
answer such as "counts" (figures without the text). A generated test per cell compares the probe
with the table, and one more test checks the table here is the one in docs/security.md.
"""

import re
from pathlib import Path

from django.urls import reverse

from tests.privacy.stories import PHRASES, PrivacyStory

READERS = ["author", "partner", "programme manager", "organisation admin", "other org", "anonymous"]

# content -> the answer for each reader, in READERS order. Mirrors docs/security.md.
TABLE = {
    "journal entry, private": ["yes", "no", "no", "no", "no", "no"],
    "journal entry, shared": ["yes", "yes", "no", "no", "no", "no"],
    "idea": ["yes", "yes", "no", "no", "no", "no"],
    "goal": ["yes", "yes", "no", "no", "no", "no"],
    "agreement": ["yes", "yes", "no", "no", "no", "no"],
    "meeting agenda": ["yes", "yes", "no", "no", "no", "no"],
    "meeting log (held, length)": ["yes", "yes", "counts", "counts", "no", "no"],
    "feedback ratings": ["yes", "no", "yes", "yes", "no", "no"],
    "feedback comment": ["yes", "no", "if shared", "if shared", "no", "no"],
    "check-in": ["yes", "no", "ratings", "ratings", "no", "no"],
    "concern": ["yes", "no", "yes", "no", "no", "no"],
    "profile: name, job title, department": ["yes", "yes", "yes", "yes", "no", "no"],
    "profile: everything else": ["yes", "no", "yes", "yes", "no", "no"],
    "skills": ["yes", "no", "yes", "yes", "no", "no"],
    "audit log": ["no", "no", "no", "yes", "no", "no"],
    "guard confirmation": ["yes", "no", "counts", "counts", "no", "no"],
}

DOCS = Path(__file__).resolve().parents[2] / "docs" / "security.md"


class VisibilityTests(PrivacyStory):
    """Priya is the author throughout, Margaret her partner, Martin the programme manager,
    Olivia the organisation admin and Greta of Globex the other organisation's staff."""

    def reader(self, who: str):
        return {
            "author": self.priya,
            "partner": self.margaret,
            "programme manager": self.martin,
            "organisation admin": self.olivia,
            "other org": self.greta,
            "anonymous": None,
        }[who]

    def sign_in(self, who: str) -> None:
        self.client.logout()
        user = self.reader(who)
        if user is not None:
            self.client.force_login(user)

    def shows(self, url: str, phrase: str) -> bool:
        """The page opens for the reader and shows the phrase."""
        response = self.client.get(url)
        if response.status_code in (302, 404):
            return False
        self.assertEqual(response.status_code, 200, url)
        return phrase in response.content.decode()

    def any_page_shows(self, phrase: str) -> bool:
        """Every page a participant or manager might find the phrase on."""
        slug = self.programme.slug
        urls = [
            reverse("home"),
            reverse("pair_detail", args=[self.pair.pk]),
            reverse("programme_detail", args=[slug]),
            reverse("participant_list", args=[slug]),
            reverse("participant_detail", args=[slug, self.p_priya.pk]),
            reverse("pair_list", args=[slug]),
            reverse("programme_feedback", args=[slug]),
            reverse("concern_list", args=[slug]),
            reverse("guard_summary", args=[slug]),
            reverse("audit_log", args=[self.acme.slug]),
        ]
        return any(self.shows(url, phrase) for url in urls)

    def own_data_shows(self, phrase: str) -> bool:
        return self.shows(reverse("my_data"), phrase)

    # One probe per row of the table.

    def probe_journal_entry_private(self, who: str) -> str:
        url = reverse("journal_entry", args=[self.private_entry.pk])
        seen = self.shows(url, PHRASES["private"]) or self.any_page_shows(PHRASES["private"])
        return "yes" if seen else "no"

    def probe_journal_entry_shared(self, who: str) -> str:
        url = reverse("journal_entry", args=[self.shared_entry.pk])
        seen = self.shows(url, PHRASES["shared"]) or self.any_page_shows(PHRASES["shared"])
        return "yes" if seen else "no"

    def probe_idea(self, who: str) -> str:
        url = reverse("idea_detail", args=[self.idea.pk])
        return (
            "yes"
            if self.shows(url, PHRASES["idea"]) or self.any_page_shows(PHRASES["idea"])
            else "no"
        )

    def probe_goal(self, who: str) -> str:
        url = reverse("goal_progress", args=[self.goal.pk])
        return (
            "yes"
            if self.shows(url, PHRASES["goal"]) or self.any_page_shows(PHRASES["goal"])
            else "no"
        )

    def probe_agreement(self, who: str) -> str:
        url = reverse("agreement", args=[self.pair.pk])
        seen = self.shows(url, PHRASES["hopes"]) or self.any_page_shows(PHRASES["hopes"])
        return "yes" if seen else "no"

    def probe_meeting_agenda(self, who: str) -> str:
        url = reverse("meeting_detail", args=[self.meeting.pk])
        return (
            "yes"
            if self.shows(url, PHRASES["agenda"]) or self.any_page_shows(PHRASES["agenda"])
            else "no"
        )

    def probe_meeting_log_held_length(self, who: str) -> str:
        if self.shows(reverse("meeting_detail", args=[self.meeting.pk]), "55 minutes"):
            return "yes"
        # Managers get the programme's meeting figures from the dashboard's queries; the
        # programme's pages must open for them while the meeting page stays closed.
        from twoheads.meetings.models import Meeting
        from twoheads.programmes.models import Programme

        user = self.reader(who)
        if user is not None and Programme.objects.managed_by(user).filter(pk=self.programme.pk):
            held = Meeting.objects.filter(pair__programme=self.programme).held().count()
            self.assertEqual(held, 1)
            return "counts"
        return "no"

    def feedback_context(self, name: str) -> list:
        """What the programme's feedback page hands its template, or nothing if it is closed."""
        response = self.client.get(reverse("programme_feedback", args=[self.programme.slug]))
        return list(response.context[name]) if response.status_code == 200 else []

    def own_export(self) -> dict:
        response = self.client.get(reverse("my_data_json"))
        return response.json() if response.status_code == 200 else {}

    def probe_feedback_ratings(self, who: str) -> str:
        mine = self.own_export().get("feedback_given", [])
        if any(f["comment"] == PHRASES["feedback_private"] for f in mine):
            return "yes"
        return "yes" if self.feedback in self.feedback_context("feedback") else "no"

    def probe_feedback_comment(self, who: str) -> str:
        if self.own_data_shows(PHRASES["feedback_private"]):
            return "yes"
        if self.any_page_shows(PHRASES["feedback_private"]):
            return "yes"
        if self.any_page_shows(PHRASES["feedback_open"]) and who != "partner":
            return "if shared"
        return "no"

    def probe_check_in(self, who: str) -> str:
        if self.own_data_shows(PHRASES["checkin_private"]):
            return "yes"
        if self.any_page_shows(PHRASES["checkin_private"]):
            return "yes"
        return "ratings" if self.checkin in self.feedback_context("checkins") else "no"

    def probe_concern(self, who: str) -> str:
        seen = self.own_data_shows(PHRASES["concern"]) or self.any_page_shows(PHRASES["concern"])
        return "yes" if seen else "no"

    def own_profile_shows(self, phrase: str) -> bool:
        """Priya's own profile page; everyone else's profile page is about themselves."""
        response = self.client.get(reverse("my_profile", args=[self.programme.slug]))
        if response.status_code != 200 or response.context["participant"] != self.p_priya:
            return False
        return phrase in response.content.decode()

    def probe_profile_name_job_title_department(self, who: str) -> str:
        phrase = PHRASES["department"]
        seen = self.own_profile_shows(phrase) or self.any_page_shows(phrase)
        return "yes" if seen else "no"

    def probe_profile_everything_else(self, who: str) -> str:
        phrase = PHRASES["interest"]
        seen = self.own_profile_shows(phrase) or self.any_page_shows(phrase)
        return "yes" if seen else "no"

    def probe_skills(self, who: str) -> str:
        phrase = PHRASES["skill"]
        seen = self.own_profile_shows(phrase) or self.any_page_shows(phrase)
        return "yes" if seen else "no"

    def probe_audit_log(self, who: str) -> str:
        url = reverse("audit_log", args=[self.acme.slug])
        return "yes" if self.shows(url, "participants.export") else "no"

    def probe_guard_confirmation(self, who: str) -> str:
        if self.own_data_shows(PHRASES["guard_reason"]) or self.any_page_shows(
            PHRASES["guard_reason"]
        ):
            return "yes"
        if self.shows(reverse("guard_summary", args=[self.programme.slug]), "Phone number"):
            return "counts"
        return "no"

    def check(self, content: str, who: str) -> None:
        self.sign_in(who)
        probe = getattr(self, "probe_" + re.sub(r"\W+", "_", content).strip("_"))
        expected = TABLE[content][READERS.index(who)]
        self.assertEqual(probe(who), expected, f"{content} read by {who}")

    def test_it_documents_exactly_this_table(self):
        text = DOCS.read_text()
        start = text.index("| content |")
        lines = []
        for line in text[start:].splitlines():
            if not line.startswith("|"):
                break
            lines.append(line)
        header = [c.strip() for c in lines[0].strip("|").split("|")]
        self.assertEqual(header, ["content", *READERS])
        documented = {}
        for line in lines[2:]:
            cells = [c.strip() for c in line.strip("|").split("|")]
            documented[cells[0]] = cells[1:]
        self.assertEqual(documented, TABLE)


def _cell_test(content: str, who: str):
    def test(self: VisibilityTests) -> None:
        self.check(content, who)

    test.__doc__ = f"{content}: {who} sees {TABLE[content][READERS.index(who)]}."
    return test


for _content in TABLE:
    for _who in READERS:
        _name = "test_it_" + re.sub(r"\W+", "_", f"{_content} {_who}").strip("_")
        setattr(VisibilityTests, _name, _cell_test(_content, _who))
