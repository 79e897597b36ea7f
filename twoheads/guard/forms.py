from django import forms

from twoheads.accounts.models import Organisation

from .models import ProgrammeTerms


class OrganisationTermsForm(forms.ModelForm):
    class Meta:
        model = Organisation
        fields = ["confidential_terms", "internal_domains"]
        widgets = {
            "confidential_terms": forms.Textarea(attrs={"rows": 8}),
            "internal_domains": forms.Textarea(attrs={"rows": 4}),
        }


class ProgrammeTermsForm(forms.ModelForm):
    class Meta:
        model = ProgrammeTerms
        fields = ["terms"]
        widgets = {"terms": forms.Textarea(attrs={"rows": 8})}
