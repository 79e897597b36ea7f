from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from twoheads.accounts.models import audit
from twoheads.accounts.views import administered_organisation
from twoheads.programmes.models import Programme

from .checks import confirmation_counts
from .detect import KINDS
from .forms import OrganisationTermsForm, ProgrammeTermsForm
from .models import GuardConfirmation, ProgrammeTerms


@login_required
def organisation_terms(request: HttpRequest, slug: str) -> HttpResponse:
    """The organisation admin keeps the words that must not leave the organisation."""
    organisation = administered_organisation(request, slug)
    form = OrganisationTermsForm(request.POST or None, instance=organisation)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            form.save()
            audit(
                request.user,
                "guard.organisation_terms",
                organisation,
                organisation=organisation,
                terms=len(organisation.term_list()),
                domains=len(organisation.domain_list()),
            )
        messages.success(request, _("Saved. The guard uses the new list from now on."))
        return redirect("organisation_terms", organisation.slug)
    return render(
        request, "guard/organisation_terms.html", {"organisation": organisation, "form": form}
    )


def _managed(request: HttpRequest, slug: str) -> Programme:
    return get_object_or_404(Programme.objects.managed_by(request.user), slug=slug)


@login_required
def programme_terms(request: HttpRequest, slug: str) -> HttpResponse:
    """A programme's own confidential terms, on top of each organisation's list."""
    programme = _managed(request, slug)
    terms, _created = ProgrammeTerms.objects.get_or_create(programme=programme)
    form = ProgrammeTermsForm(request.POST or None, instance=terms)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            form.save()
            audit(
                request.user,
                "guard.programme_terms",
                programme,
                organisation=programme.organisation,
                terms=len(terms.term_list()),
            )
        messages.success(request, _("Saved. The guard uses the new list from now on."))
        return redirect("guard_summary", programme.slug)
    return render(request, "guard/programme_terms.html", {"programme": programme, "form": form})


@login_required
def guard_summary(request: HttpRequest, slug: str) -> HttpResponse:
    """Flags authors confirmed, by kind and count; never the text nor the reason."""
    programme = _managed(request, slug)
    counts = confirmation_counts(programme.pk)
    rows = [(KINDS.get(kind, kind), n) for kind, n in sorted(counts.items())]
    shares = GuardConfirmation.objects.filter(programme=programme).count()
    return render(
        request,
        "guard/guard_summary.html",
        {"programme": programme, "rows": rows, "shares": shares},
    )
