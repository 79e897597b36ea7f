"""The printable report as a PDF, drawn by WeasyPrint from the report's HTML (no browser).

The report's HTML carries its stylesheet inline and its charts as inline SVG, so drawing it
fetches nothing, from the network or the disk.
"""

from pathlib import Path

from django.contrib.staticfiles import finders


def stylesheet() -> str:
    """The site's one stylesheet, whose print rules lay the report out on paper."""
    found = finders.find("css/site.css")
    return Path(found).read_text(encoding="utf-8") if found else ""


def pdf_from_html(html: str) -> bytes:
    import weasyprint  # imported here so the web app starts without it

    return weasyprint.HTML(string=html).write_pdf()
