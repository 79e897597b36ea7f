"""A new programme's starting catalogue: skills with their aliases, and the questionnaire."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
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


# What a programme's copy does not take from it: what makes it a programme of its own (its
# name, address, sign-up code, dates, status and history) and who made it when.
NOT_COPIED = frozenset(
    {
        "id",
        "organisation",
        "name",
        "slug",
        "status",
        "signup_code",
        "enrolment_closes",
        "matching_on",
        "starts_on",
        "ends_on",
        "created_by",
        "created_at",
        "updated_at",
        "closed_at",
        "anonymised_at",
    }
)


def create_programme(
    organisation: Organisation,
    name: str,
    *,
    created_by: User | None = None,
    copy_from: Programme | None = None,
    **fields: object,
) -> Programme:
    """Create a programme with its starting catalogue; the UI, the command and the API call this.

    With `copy_from` (a programme of the same organisation), the new programme starts with
    that one's set-up instead (`copy_setup`); `fields` given here win over its settings.
    Its rules across fields (`Programme.clean`: dates in order, a reminder before a request
    expires) are checked here for every caller; ValidationError says what is wrong, by field.
    """
    if copy_from is not None:
        if copy_from.organisation_id != organisation.pk:
            raise ValidationError(
                {"copy_from": _("Copy a programme of %(org)s.") % {"org": organisation}}
            )
        fields = {**copied_settings(copy_from), **fields}
    programme = Programme(organisation=organisation, name=name, created_by=created_by, **fields)
    programme.clean()
    with transaction.atomic():
        programme.save()
        if copy_from is None:
            seed_catalogue(programme)
        else:
            copy_setup(copy_from, programme)
    return programme


def copied_settings(source: Programme) -> dict[str, object]:
    """The settings a copy of `source` starts with: its type, description, rules, weights,
    cadence, reminders, sign-up and retention; not its name, dates or status."""
    return {
        field.attname: getattr(source, field.attname)
        for field in Programme._meta.concrete_fields
        if field.name not in NOT_COPIED
    }


def copy_setup(source: Programme, target: Programme) -> None:
    """Give `target` what a manager set up on `source`: the partner organisations, the
    approved skills with their aliases, the questionnaire, the guides and the confidential
    terms. Nobody's records come with it: no people, invitations, runs or pairs, and no skill
    someone proposed that was not approved."""
    from twoheads.guard.models import ProgrammeTerms
    from twoheads.journal.models import Guide

    target.partners.set(source.partners.all())
    for skill in source.skills.filter(approved=True).prefetch_related("aliases"):
        copy = Skill.objects.create(programme=target, name=skill.name, kind=skill.kind)
        SkillAlias.objects.bulk_create(
            SkillAlias(skill=copy, alias=alias.alias) for alias in skill.aliases.all()
        )
    Question.objects.bulk_create(
        Question(
            programme=target,
            key=q.key,
            text=q.text,
            low_label=q.low_label,
            high_label=q.high_label,
            position=q.position,
        )
        for q in source.questions.all()
    )
    Guide.objects.bulk_create(
        Guide(programme=target, kind=g.kind, title=g.title, body=g.body)
        for g in Guide.objects.filter(programme=source)
    )
    terms = ProgrammeTerms.objects.filter(programme=source).first()
    if terms is not None:
        ProgrammeTerms.objects.create(programme=target, terms=terms.terms)
