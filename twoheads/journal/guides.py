"""The guides every programme starts with; managers rewrite them on the programme's guide page."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from twoheads.programmes.models import Programme

# The title of the mentors' conversation starters, by whether the programme is reverse mentoring.
MENTOR_STARTERS = {
    True: gettext_lazy("Conversation starters for reverse mentors"),
    False: gettext_lazy("Conversation starters for mentors"),
}


def default_guides(programme: Programme) -> dict[str, tuple[str, str]]:
    """Kind -> (title, body), in the active language and the programme's words; one tip per
    line."""
    return {
        "first_agenda": (
            _("An agenda for your first meeting"),
            _(
                "Introductions: your role, your team, what a normal week looks like (10 min)\n"
                "Why you joined the programme and what you hope to get from it (10 min)\n"
                "What each of you can offer the other: one thing each (10 min)\n"
                "Agree how you will work: how often, where, and what stays between you (10 min)\n"
                "One goal each for the next few meetings, and the date of the next one (5 min)"
            ),
        ),
        "starters_mentor": (
            str(MENTOR_STARTERS[programme.is_reverse]),
            _(
                "Which tool or app do you wish you understood better?\n"
                "What do you think people my age see differently about our customers?\n"
                "Shall I show you how I actually do my work on a normal day?\n"
                "What decision from your career would you make differently today?\n"
                "What is one thing I could try this month, and how would we know it worked?"
            ),
        ),
        "starters_mentee": (
            _("Conversation starters for mentees"),
            _(
                "What surprises you most about how the organisation works?\n"
                "What would you change first if you ran my team?\n"
                "Show me something you use every day that I have never tried.\n"
                "Which of our habits look old-fashioned from where you sit?\n"
                "What would you like to learn from my experience in return?"
            ),
        ),
        "listening": (
            _("Listening tips for the senior partner"),
            _(
                "Let your partner finish; count to three before you answer.\n"
                "Ask one more question before you give your view.\n"
                "Say back what you heard in your own words.\n"
                "An idea that sounds odd today may make sense on the third conversation: park it, "
                "do not dismiss it.\n"
                "Notice when you are talking more than half of the time."
            ),
        ),
        "speaking_up": (
            _("Speaking up with confidence, for the junior partner"),
            _(
                "Your view is why you were chosen: say what you think, plainly.\n"
                "Bring one concrete example or demo; showing beats telling.\n"
                "It is fine to disagree: “I see it differently, because…”.\n"
                "If an idea does not land, try another angle next time rather than dropping it.\n"
                "Ask for what you want to learn, too; the exchange goes both ways."
            ),
        ),
        "confidentiality": (
            _("What not to share outside the business"),
            _(
                "Client and supplier names, and anything a client told you in confidence.\n"
                "Project code names, plans and figures that are not public.\n"
                "Anything marked confidential, internal or restricted.\n"
                "Personal details of colleagues: contact details, pay, health, reviews.\n"
                "Links to internal systems; describe the idea instead.\n"
                "When in doubt, talk about how you work, not what you work on."
            ),
        ),
    }
