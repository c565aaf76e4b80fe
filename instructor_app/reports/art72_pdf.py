"""Layout of the art. 72 notice (a refusal to undergo the correctional programme, Code of Offences
art. 72) for the Probation Department or the police. Takes an ``Art72Notice`` and never touches the
database; call it inside ``i18n.language_of_document``. Empty referral and order fields print
"not recorded" (``PdfDocument.facts``).
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from instructor_app.curricula.model import COMPONENT_LABELS, SESSION_KIND_LABELS
from instructor_app.i18n import _, format_date
from instructor_app.participants.compliance import MARK_LABELS, Mark
from instructor_app.participants.intake import REFERRAL_LABELS, REFUSAL_LABELS
from instructor_app.reports.pdf import DocumentMeta, PdfDocument, not_recorded

if TYPE_CHECKING:
    from instructor_app.services.documents_art72 import Art72Notice


def _label(key: str, labels: dict) -> str:
    text = labels.get(key)
    return _(text) if text else key


def _short(day: dt.date | None) -> str:
    return format_date(day, "short") if day else ""


def _addressee(notice: Art72Notice) -> str:
    return notice.sent_to or _("The Probation Department of the Ministry of Justice / the territorial police body")


def _referral(doc: PdfDocument, notice: Art72Notice) -> None:
    ref = notice.referral
    doc.heading(_("Referral"))
    doc.facts([
        (_("Referred by"), _label(ref.source, REFERRAL_LABELS) if ref else ""),
        (_("Document number"), ref.document_number if ref else ""),
        (_("Document date"), _short(ref.document_date) if ref else ""),
        (_("Received on"), _short(ref.received_on) if ref else ""),
    ])
    doc.heading(_("Protection order"))
    doc.facts([
        (_("Order number"), ref.order_number if ref else ""),
        (_("Issued on"), _short(ref.order_issued_on) if ref else ""),
        (_("Ends on"), _short(ref.order_ends_on) if ref else ""),
    ])


def _missed(doc: PdfDocument, notice: Art72Notice) -> None:
    doc.heading(_("Sessions missed"))
    absence = _(MARK_LABELS[Mark.UNEXCUSED])
    rows = [[_short(m.date), _("Session {number}: {title}").format(number=m.number, title=m.title),
             m.group or _label(m.kind, SESSION_KIND_LABELS), absence] for m in notice.missed]
    refusal = _("Refusal: {how}").format(how=_label(notice.how_expressed, REFUSAL_LABELS))
    rows.append([_short(notice.refused_on), "—", notice.group or "—", refusal])
    doc.table([_("Date"), _("Session"), _("Group"), _("What happened")], rows, [13, 37, 22, 28])
    if not notice.missed:
        doc.paragraph(_("No unexcused absence was recorded before the refusal."), "small")


def art72_document(notice: Art72Notice, meta: DocumentMeta) -> PdfDocument:
    doc = PdfDocument(meta)
    doc.paragraph(_("To: {addressee}").format(addressee=_addressee(notice)))
    doc.spacer(8)
    doc.title(meta.title, _("Code of Offences of the Kyrgyz Republic, article 72"))
    doc.paragraph(_("{centre} informs that the participant named below refused to undergo the correctional "
                    "programme for persons who committed family violence.").format(centre=meta.centre))
    doc.heading(_("Participant"))
    doc.facts([
        (_("Full name"), notice.name),
        (_("Date of birth"), _short(notice.birth_date)),
        (_("Component"), _label(notice.component, COMPONENT_LABELS)),
        (_("Group"), notice.group or "—"),
        (_("Curator"), notice.curator),
    ])
    _referral(doc, notice)
    doc.heading(_("Refusal"))
    facts = [
        (_("Date of the refusal"), _short(notice.refused_on)),
        (_("How it was expressed"), _label(notice.how_expressed, REFUSAL_LABELS)),
        (_("Witnesses"), notice.witnesses),
        (_("Details"), notice.details),
    ]
    if notice.sent_on:
        facts.append((_("Notice sent"), _("{date}, to {addressee}").format(date=_short(notice.sent_on),
                                                                            addressee=_addressee(notice))))
    doc.facts(facts)
    _missed(doc, notice)
    doc.heading(_("Contact attempts"))
    doc.paragraph(notice.contact_attempts or not_recorded())
    doc.signatures([(_("Lead facilitator"), notice.lead), (_("Second facilitator"), notice.second)])
    return doc
