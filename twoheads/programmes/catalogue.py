"""A new programme's starting catalogue: skills with their aliases, and the questionnaire."""

from django.db import transaction
from django.utils.translation import gettext_noop as N_

from twoheads.accounts.models import Organisation, User

from .models import Programme, Question, Skill, SkillAlias

TECHNOLOGY, EXPERIENCE = Skill.Kind.TECHNOLOGY, Skill.Kind.EXPERIENCE

# (name, kind, aliases): what a junior tends to bring, then what a senior tends to bring.
DEFAULT_SKILLS: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("Generative AI tools", TECHNOLOGY, ("GenAI", "Generative AI", "AI tools", "ChatGPT")),
    ("Social media", TECHNOLOGY, ("Social networks", "LinkedIn", "TikTok", "Instagram")),
    ("Data visualisation", TECHNOLOGY, ("Data visualization", "Dataviz", "Dashboards")),
    ("Automation", TECHNOLOGY, ("Workflow automation", "No-code", "Low-code", "Scripting")),
    ("Accessibility", TECHNOLOGY, ("a11y", "Inclusive design", "Digital accessibility")),
    ("New ways of working", TECHNOLOGY, ("Hybrid working", "Remote working", "Agile")),
    ("Collaboration tools", TECHNOLOGY, ("Teams", "Slack", "Online collaboration")),
    ("Cyber security basics", TECHNOLOGY, ("Cybersecurity", "Security awareness")),
    ("Data analysis", TECHNOLOGY, ("Analytics", "Spreadsheets", "Excel")),
    ("Diversity and inclusion", TECHNOLOGY, ("D&I", "DEI", "Inclusion")),
    ("Negotiation", EXPERIENCE, ("Negotiating", "Deal making")),
    ("Strategy", EXPERIENCE, ("Strategic thinking", "Business strategy")),
    ("Finance", EXPERIENCE, ("Budgeting", "Financial acumen", "P&L")),
    ("Stakeholder management", EXPERIENCE, ("Managing stakeholders", "Influencing")),
    ("Leading through change", EXPERIENCE, ("Change management", "Leading change")),
    ("Public speaking", EXPERIENCE, ("Presenting", "Presentation skills")),
    ("Career development", EXPERIENCE, ("Career planning", "Careers")),
    ("People management", EXPERIENCE, ("Leadership", "Managing people", "Team leadership")),
    ("Decision making", EXPERIENCE, ("Judgement", "Making decisions")),
    ("Navigating the organisation", EXPERIENCE, ("Office politics", "Networking")),
)

# (key, question, what 1 means, what 5 means)
DEFAULT_QUESTIONS: tuple[tuple[str, str, str, str], ...] = (
    (
        "structure",
        N_("How do you like a conversation to run?"),
        N_("Free-flowing"),
        N_("With an agenda"),
    ),
    ("pace", N_("How quickly do you like to try new ideas?"), N_("Carefully"), N_("Straight away")),
    (
        "feedback",
        N_("How do you like to receive feedback?"),
        N_("Gently, over time"),
        N_("Direct, on the spot"),
    ),
    (
        "contact",
        N_("How often do you like to be in touch between meetings?"),
        N_("Only at meetings"),
        N_("Often, in short messages"),
    ),
    (
        "detail",
        N_("Do you prefer the big picture or the detail?"),
        N_("Big picture"),
        N_("Detail"),
    ),
)


def seed_catalogue(programme: Programme) -> None:
    """Give a programme the default skills, aliases and questions it does not have yet."""
    with transaction.atomic():
        have = {name.lower() for name in programme.skills.values_list("name", flat=True)}
        for name, kind, aliases in DEFAULT_SKILLS:
            if name.lower() in have:
                continue
            skill = Skill.objects.create(programme=programme, name=name, kind=kind)
            SkillAlias.objects.bulk_create(SkillAlias(skill=skill, alias=a) for a in aliases)
        keys = set(programme.questions.values_list("key", flat=True))
        Question.objects.bulk_create(
            Question(
                programme=programme, key=key, text=text, low_label=low, high_label=high, position=i
            )
            for i, (key, text, low, high) in enumerate(DEFAULT_QUESTIONS)
            if key not in keys
        )


def create_programme(
    organisation: Organisation,
    name: str,
    *,
    created_by: User | None = None,
    **fields: object,
) -> Programme:
    """Create a programme with its starting catalogue; the UI, the command and the API call this.

    Its rules across fields (`Programme.clean`: dates in order, a reminder before a request
    expires) are checked here for every caller; ValidationError says what is wrong, by field.
    """
    programme = Programme(organisation=organisation, name=name, created_by=created_by, **fields)
    programme.clean()
    with transaction.atomic():
        programme.save()
        seed_catalogue(programme)
    return programme
