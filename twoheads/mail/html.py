"""Every email carries an HTML part made from its text, so that the two never say different
things: paragraphs where the text leaves a blank line, links where it gives an address, in
the product's layout. Clients that show HTML show that part; the text stays for the others.
"""

import email.message

from django.template.loader import render_to_string
from django.utils import translation


def render(text: str) -> str:
    """The HTML of an email whose text is ``text`` (escaped; addresses become links)."""
    context = {"text": text.strip(), "language": translation.get_language() or "en"}
    return str(render_to_string("mail/layout.html", context))


def with_html(message: email.message.EmailMessage) -> email.message.EmailMessage:
    """``message`` with an HTML alternative of its text body added, unless its body has HTML
    already (an attached HTML file does not count) or it has no text body. The HTML goes just
    after the text, so that a calendar alternative stays last, where mail clients look for
    it."""
    if message.get_body(preferencelist=("html",)) is not None:
        return message
    body = message.get_body(preferencelist=("plain",))
    if not isinstance(body, email.message.EmailMessage | email.message.MIMEPart):
        return message
    html = render(body.get_content())
    container = _container_of(message, body)
    if container is None or container.get_content_type() != "multipart/alternative":
        body.add_alternative(html, subtype="html")  # the text part becomes text + HTML
        return message
    part = email.message.MIMEPart(policy=message.policy)
    part.set_content(html, subtype="html")
    parts = container.get_payload()
    assert isinstance(parts, list)
    parts.insert(parts.index(body) + 1, part)
    return message


def _container_of(
    message: email.message.Message, part: email.message.Message
) -> email.message.Message | None:
    """The multipart that directly holds ``part`` (None when ``part`` is the message)."""
    for candidate in message.walk():
        if candidate.is_multipart() and any(p is part for p in candidate.get_payload()):
            return candidate
    return None
