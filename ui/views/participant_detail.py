"""One participant's record: the facts of the intake and referral, compliance, the sessions expected
of them with their marks, the history (groups, status changes), art. 72 cases and follow-up
meetings, the questionnaires (``ui.views.results``), and the actions on the record. The partner's
contact is never shown here: it has its own dialog, read only when opened."""

from __future__ import annotations

import datetime as dt

from instructor_app.curricula.model import COMPONENT_LABELS, SESSION_KIND_LABELS
from instructor_app.domain.facilitators import GENDER_LABELS
from instructor_app.i18n import N_, _, format_date, ngettext
from instructor_app.participants.compliance import Severity
from instructor_app.participants.intake import REFERRAL_LABELS, REFUSAL_LABELS, SCREENING_LABELS, VIOLENCE_LABELS
from instructor_app.participants.lifecycle import ALLOWED, FINAL, STATUS_LABELS, Status
from instructor_app.scheduling.rules import SessionStatus
from instructor_app.services.participant_data import ParticipantDetail
from ui.dialogs import participant_actions as actions
from ui.dialogs import participant_extras as extras
from ui.models.participants_model import ParticipantSessionsModel, alerts_text, compliance_text, label
from ui.qt import (QAbstractItemView, QGridLayout, QHBoxLayout, QHeaderView, QListWidget, QPushButton, QTableView,
                   QTabWidget, Qt, QVBoxLayout, QWidget, Signal)
from ui.tasks import Backend
from ui.translator import Retranslating
from ui.views.results import ResultsPanel
from ui.widgets import MessageLabel, heading, wrapped

ACTIONS = {  # button key → dialog
    "enrol": actions.EnrolDialog, "leave": actions.LeaveDialog, "refuse": actions.RefusalDialog,
    "notice": actions.NoticeSentDialog, "complete": actions.CompletedDialog, "follow_up": actions.FollowUpDialog,
    "individual": extras.IndividualSessionDialog, "partner": extras.PartnerDialog,
}
CAN_ENROL = {Status.INTAKE, Status.ACTIVE, Status.SUSPENDED, Status.DROPPED_OUT}
CAN_LEAVE = {Status.INTAKE, Status.ACTIVE, Status.SUSPENDED}
LEFT_REASONS = {"transferred_group": N_("Moved to another group"), **STATUS_LABELS}


def dated(day) -> str:  # noqa: ANN001
    return format_date(day, "short") if day else "—"


class ParticipantDetailPanel(Retranslating, QWidget):
    changed = Signal(str)        # an action was saved on this participant (id): reload
    open_session = Signal(str)   # session id: open its plan

    def __init__(self, backend: Backend, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.backend = backend
        self.detail: ParticipantDetail | None = None
        self.dialog: actions.ActionDialog | None = None
        self.title = heading(size_delta=3)
        self.status = wrapped()
        self.facts = wrapped()
        self.compliance = wrapped()
        self.alerts = MessageLabel()
        self.message = MessageLabel()
        self.buttons = {key: QPushButton() for key in ACTIONS}
        for key, button in self.buttons.items():
            button.clicked.connect(lambda _c=False, key=key: self.start(key))
        grid = QGridLayout()
        for n, button in enumerate(self.buttons.values()):
            grid.addWidget(button, n // 4, n % 4)
        self.sessions = ParticipantSessionsModel(self)
        self.table = QTableView()
        self.table.setObjectName("participantSessions")
        self.table.setModel(self.sessions)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.table.doubleClicked.connect(self._open_session)
        self.enrolments, self.history, self.cases, self.follow_ups = (QListWidget() for _ in range(4))
        for widget in (self.enrolments, self.history, self.cases, self.follow_ups):
            widget.setWordWrap(True)
        self.results = ResultsPanel(backend)  # loads when its tab is shown
        self.tabs = QTabWidget()
        for widget in (self.table, self.enrolments, self.history, self.cases, self.follow_ups, self.results):
            self.tabs.addTab(widget, "")
        columns = QHBoxLayout()
        columns.addWidget(self.facts, 3, Qt.AlignmentFlag.AlignTop)
        columns.addWidget(self.compliance, 2, Qt.AlignmentFlag.AlignTop)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        for widget in (self.title, self.status):
            layout.addWidget(widget)
        layout.addLayout(columns)
        layout.addWidget(self.alerts)
        layout.addWidget(self.message)
        layout.addLayout(grid)
        layout.addWidget(self.tabs, 1)
        self.retranslate_ui()

    def set_detail(self, detail: ParticipantDetail | None) -> None:
        self.detail = detail
        self.sessions.set_sessions(detail.sessions if detail else (), detail.marks if detail else {})
        self.results.set_participant(detail.summary if detail else None)
        self.retranslate_ui()

    # --- actions ----------------------------------------------------------------------------

    def start(self, key: str) -> actions.ActionDialog | None:
        if self.detail is None:
            return None
        self.message.clear()
        self.dialog = ACTIONS[key](self.backend, self.detail, self)
        self.dialog.accepted.connect(lambda key=key, dialog=self.dialog: self._saved(key, dialog))
        self.dialog.open()
        return self.dialog

    def _saved(self, key: str, dialog: actions.ActionDialog) -> None:
        self.message.show_info(_("Saved."))
        if key != "partner":  # the partner's contact changes nothing on the record
            self.changed.emit(dialog.person.id)

    def _open_session(self, index) -> None:  # noqa: ANN001
        if index.isValid():
            self.open_session.emit(self.sessions.rows[index.row()].id)

    def _update_buttons(self) -> None:
        detail = self.detail
        status = Status(detail.summary.status) if detail else None
        enabled = {
            "enrol": status in CAN_ENROL, "leave": status in CAN_LEAVE,
            "refuse": status is not None and Status.REFUSED in ALLOWED[status],
            "notice": bool(detail) and any(c.sent_on is None for c in detail.art72_cases),
            "complete": status is not None and Status.COMPLETED in ALLOWED[status],
            "follow_up": bool(detail) and any(m.held_on is None for m in detail.follow_ups),
            "individual": status is not None and status not in FINAL, "partner": detail is not None,
        }
        for key, button in self.buttons.items():
            button.setEnabled(enabled[key])

    # --- texts ------------------------------------------------------------------------------

    def retranslate_ui(self) -> None:
        texts = {"enrol": _("Enrol in a group…"), "leave": _("Leave the group…"), "refuse": _("Refusal (art. 72)…"),
                 "notice": _("Notice sent…"), "complete": _("Completed"), "follow_up": _("Follow-up meeting…"),
                 "individual": _("Individual session…"), "partner": _("Partner contact…")}
        for key, button in self.buttons.items():
            button.setText(texts[key])
        for n, text in enumerate((_("Sessions"), _("Groups"), _("Status history"), _("Art. 72"), _("Follow-up"),
                                  _("Questionnaires"))):
            self.tabs.setTabText(n, text)
        self.sessions.retranslate()
        self._update_buttons()
        detail = self.detail
        for widget in (self.enrolments, self.history, self.cases, self.follow_ups):
            widget.clear()
        if detail is None:
            self.title.setText(_("Choose a participant in the list, or register a new one."))
            for widget in (self.status, self.facts, self.compliance):
                widget.clear()
            self.alerts.clear()
            return
        person = detail.summary
        self.title.setText(person.full_name)
        group = _(", group “{group}”").format(group=person.group_name) if person.group_name else ""
        self.status.setText(_("Status: {status}{group}").format(status=label(person.status, STATUS_LABELS),
                                                               group=group))
        self.facts.setText("\n".join(self._facts(detail)))
        self.compliance.setText("\n".join(self._compliance(detail)))
        if person.alerts:
            text = alerts_text(person)
            urgent = any(a.severity != Severity.NOTICE for a in person.alerts)
            (self.alerts.show_error if urgent else self.alerts.show_note)(text)
        else:
            self.alerts.clear()
        self._fill_lists(detail)

    @staticmethod
    def _facts(detail: ParticipantDetail) -> list[str]:
        person = detail.summary
        facts = [
            _("Born {date} · {gender} · sessions in {language}").format(
                date=dated(person.birth_date), gender=label(person.gender, GENDER_LABELS),
                language=_("Kyrgyz") if person.language == "ky" else _("Russian")),
            _("Component: {component}").format(component=label(person.component, COMPONENT_LABELS)),
            _("Screening: {screening}").format(screening=label(detail.screening, SCREENING_LABELS))
            + (f" ({detail.therapy_certificate})" if detail.therapy_certificate else ""),
            _("Contract signed: {date}").format(date=dated(detail.contract_signed_on)),
            _("Curator: {name}").format(name=" ".join(filter(None, (detail.curator_name, detail.curator_contact)))
                                        or "—"),
        ]
        if detail.phone:
            facts.append(_("Phone: {phone}").format(phone=detail.phone))
        referral = detail.referral
        if referral is not None:
            facts.append(_("Referral: {source}, received {date}").format(
                source=label(referral.source, REFERRAL_LABELS), date=dated(referral.received_on)))
            if referral.document_date:
                facts.append(_("Document: {number} of {date}").format(number=referral.document_number or "—",
                                                                      date=dated(referral.document_date)))
            elif referral.document_number:
                facts.append(_("Document: {number}").format(number=referral.document_number))
            if referral.order_issued_on:
                facts.append(_("Protection order {number}: issued {issued}, ends {ends}").format(
                    number=referral.order_number, issued=dated(referral.order_issued_on),
                    ends=dated(referral.order_ends_on)))
        if detail.notes:
            facts.append(_("Notes: {notes}").format(notes=detail.notes))
        return facts

    @staticmethod
    def _compliance(detail: ParticipantDetail) -> list[str]:
        state = detail.summary.compliance
        if state is None:
            return [_("Not in a group yet: attendance is counted from the first group.")]
        lines = [_("Attended: {text}").format(text=compliance_text(state))]
        if state.completed:
            lines.append(_("Every required session is attended."))
        else:
            planned = {s.template_key: s for s in detail.sessions if s.status != SessionStatus.CANCELLED}
            today = dt.date.today()
            missed = [k for k in state.missing_keys if k in planned and planned[k].date < today]
            coming = sum(1 for k in state.missing_keys if k in planned and planned[k].date >= today)
            unplanned = sum(1 for k in state.missing_keys if k not in planned)
            missing = [_("{kind} {number}").format(kind=label(planned[k].kind, SESSION_KIND_LABELS),
                                                   number=planned[k].number) for k in missed]
            if coming:
                missing.append(ngettext("{count} session still to come", "{count} sessions still to come",
                                        coming).format(count=coming))
            if unplanned:
                missing.append(ngettext("{count} session not planned yet", "{count} sessions not planned yet",
                                        unplanned).format(count=unplanned))
            lines.append(_("Missing: {sessions}").format(sessions=", ".join(missing)))
        lines.append(_("Unexcused absences: {unexcused} · excused: {excused}").format(unexcused=state.unexcused,
                                                                                  excused=state.excused))
        if state.non_compliant:
            lines.append(_("Not complying with the programme."))
        if state.deadline is not None and state.days_left is not None and not state.completed:
            if state.days_left >= 0:
                lines.append(ngettext("Deadline {date}: {days} day left.", "Deadline {date}: {days} days left.",
                                      state.days_left).format(date=dated(state.deadline), days=state.days_left))
            else:
                lines.append(_("Deadline {date} has passed.").format(date=dated(state.deadline)))
        return lines

    def _fill_lists(self, detail: ParticipantDetail) -> None:
        for e in detail.enrolments:
            left = _("{joined} – {left}: {reason}").format(
                joined=dated(e.joined_on), left=dated(e.left_on), reason=label(e.left_reason, LEFT_REASONS)) \
                if e.left_on else _("since {joined}").format(joined=dated(e.joined_on))
            self.enrolments.addItem(f"{e.group_name}: {left}")
        for h in detail.history:
            moved = (_("{old} → {new}").format(old=label(h.from_status, STATUS_LABELS),
                                                new=label(h.to_status, STATUS_LABELS))
                     if h.from_status else label(h.to_status, STATUS_LABELS))
            extra = "".join(f" — {t}" for t in (h.reason, h.by) if t)
            self.history.addItem(f"{dated(h.changed_on)}: {moved}{extra}")
        for c in detail.art72_cases:
            notice = (_("notice sent {date} to {to}").format(date=dated(c.sent_on), to=c.sent_to) if c.sent_on
                      else _("notice not sent yet"))
            lines = [_("Refused {date} ({how}); {notice}").format(date=dated(c.refused_on),
                                                                   how=label(c.how_expressed, REFUSAL_LABELS),
                                                                   notice=notice)]
            lines += [f"{name}: {value}" for name, value in ((_("Witnesses"), c.witnesses), (_("Details"), c.details),
                                                             (_("Contact attempts"), c.contact_attempts)) if value]
            self.cases.addItem("\n".join(lines))
        for m in detail.follow_ups:
            if m.held_on is None:
                text = _("Meeting {number}: due {date}, not held yet").format(number=m.number, date=dated(m.due_on))
            else:
                contact = _("contact made") if m.contact_made else _("no contact")
                violence = ", ".join(label(v, VIOLENCE_LABELS) for v in m.new_violence)
                text = _("Meeting {number}: held {date}, {contact}").format(number=m.number, date=dated(m.held_on),
                                                                          contact=contact)
                if violence:
                    text += "; " + _("new violence reported {who}").format(who=violence)
                if m.notes:
                    text += f"\n{m.notes}"
            self.follow_ups.addItem(text)
