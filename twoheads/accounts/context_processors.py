"""What the page shell needs to build the navigation for the signed-in user's roles."""

from django.http import HttpRequest

from .models import Membership


def navigation(request: HttpRequest) -> dict[str, object]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    memberships = list(user.memberships.select_related("organisation"))
    roles = {m.role for m in memberships}
    return {
        "nav_admin_organisations": [
            m.organisation for m in memberships if m.role == Membership.Role.ORG_ADMIN
        ],
        "nav_is_manager": bool(
            roles & {Membership.Role.PROGRAMME_MANAGER, Membership.Role.ORG_ADMIN}
        ),
        "nav_is_org_admin": Membership.Role.ORG_ADMIN in roles,
        "nav_is_participant": Membership.Role.PARTICIPANT in roles,
    }
