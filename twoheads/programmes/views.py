from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from .models import Programme


@login_required
def programme_list(request: HttpRequest) -> HttpResponse:
    programmes = Programme.objects.managed_by(request.user).select_related("organisation")
    return render(request, "programmes/programme_list.html", {"programmes": programmes})


@login_required
def programme_detail(request: HttpRequest, slug: str) -> HttpResponse:
    programme = get_object_or_404(Programme.objects.managed_by(request.user), slug=slug)
    return render(request, "programmes/programme_detail.html", {"programme": programme})
