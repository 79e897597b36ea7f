"""A programme's summary: the dashboard's own figures, from the one module that computes them."""

from datetime import datetime

from django.http import HttpRequest
from ninja import Field, Router, Schema

from twoheads.insights.figures import programme_figures, summary_dict

from .access import managed_programme
from .errors import ErrorOut

router = Router(tags=["insights"])


class SummaryOut(Schema):
    """Counts, rates and averages only: no text any participant wrote."""

    programme: str = Field(description="The programme's slug.")
    as_of: datetime
    funnel: dict[str, int] = Field(description="People at each step, invited to active.")
    match: dict = Field(
        description=(
            "Enrolled, paired, match rate, live pairs, scores. With at_close true (a closed "
            "programme) the pairs counted are those it had, all ended."
        )
    )
    meetings: dict = Field(description="Meetings held, in total and per week.")
    feedback: dict = Field(description="Average ratings from each side.")
    checkins: list[dict] = Field(description="Check-in averages per month.")
    knowledge_flow: dict = Field(description="Ideas shared and adopted in each direction.")
    goals: dict = Field(description="Goals and their progress on each side.")
    guard_flags: dict[str, int] = Field(description="Confirmed confidentiality flags by kind.")
    open_concerns: int = Field(description="Concerns still open that reach this token's owner.")
    agreed_pairs: int = Field(
        description="Pairs (active, or ended since) whose partners both agreed to their agreement."
    )
    at_risk: dict = Field(
        description="Pairs at risk, and how many for each reason, as the owner's dashboard."
    )


@router.get(
    "/programmes/{slug}/summary",
    response={
        200: SummaryOut,
        400: ErrorOut,
        401: ErrorOut,
        403: ErrorOut,
        404: ErrorOut,
        429: ErrorOut,
    },
    summary="The programme dashboard's figures",
)
def summary(request: HttpRequest, slug: str):
    programme = managed_programme(request.auth, slug)
    # As the token's owner sees the dashboard: a pair with an open concern that reaches them
    # is at risk there, and so here.
    figures = summary_dict(programme_figures(programme, viewer=request.auth))
    return {**figures, "programme": programme.slug}  # the API names programmes by slug
