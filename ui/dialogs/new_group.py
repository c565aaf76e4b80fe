"""New group: programme, language, the facilitator pair, the weekly slot and the start — with a live
preview of the generated schedule (holidays skipped, the protection-order window checked)."""

from __future__ import annotations

import datetime as dt

from instructor_app.curricula.model import TARGET_LABELS, TargetGender
from instructor_app.domain.facilitators import GENDER_LABELS, PAIR_PROBLEM_TEXT, Gender, pair_problems
from instructor_app.i18n import _, current_language, format_date, ngettext
from instructor_app.scheduling.rules import ORDER_DAYS, WEEKDAY_LABELS
from instructor_app.services.programme_data import (CurriculumSummary, FacilitatorOption, GroupDetail, GroupDraft,
                                                    SchedulePreview)
from ui.qt import (QComboBox, QDate, QDateEdit, QDialog, QDialogButtonBox, QFormLayout, QLabel, QLineEdit,
                   QPlainTextEdit, QSpinBox, QTime, QTimeEdit, QTimer, QVBoxLayout, QWidget)
from ui.tasks import Backend, user_message
from ui.translator import Retranslating
from ui.widgets import MessageLabel, wrapped


DATE_FORMAT = "dd.MM.yyyy"  # how dates are written in Kyrgyzstan, in both languages


def to_date(value: QDate) -> dt.date:
    return dt.date(value.year(), value.month(), value.day())


def to_qdate(value: dt.date) -> QDate:
    return QDate(value.year, value.month, value.day)


class NewGroupDialog(Retranslating, QDialog):
    def __init__(self, backend: Backend, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.backend = backend
        self.curricula: list[CurriculumSummary] = []
        self.people: list[FacilitatorOption] = []
        self.created: GroupDetail | None = None
        self.name = QLineEdit()
        self.name.setMaxLength(120)
        self.programme = QComboBox()
        self.gender = QComboBox()
        self.language = QComboBox()
        self.lead = QComboBox()
        self.second = QComboBox()
        self.pair_note = MessageLabel()
        self.reason = QPlainTextEdit()
        self.reason.setFixedHeight(60)
        self.room = QLineEdit()
        self.room.setMaxLength(120)
        self.weekday = QComboBox()
        self.start_time = QTimeEdit(QTime(14, 0))
        self.start_time.setDisplayFormat("HH:mm")
        today = dt.date.today()
        self.start_date = QDateEdit(to_qdate(today + dt.timedelta(days=7)))
        self.start_date.setCalendarPopup(True)
        self.start_date.setDisplayFormat(DATE_FORMAT)
        self.order_end = QDateEdit(to_qdate(today + dt.timedelta(days=7 + ORDER_DAYS - 1)))
        self.order_end.setCalendarPopup(True)
        self.order_end.setDisplayFormat(DATE_FORMAT)
        self.capacity = QSpinBox()
        self.capacity.setRange(1, 30)
        self.capacity.setValue(12)
        self.preview = wrapped()
        self.error = MessageLabel()
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.submit)
        self.buttons.rejected.connect(self.reject)

        self.form = QFormLayout()
        self.labels = [QLabel() for _ in range(13)]
        fields = (self.name, self.programme, self.gender, self.language, self.lead, self.second, self.reason,
                  self.room, self.weekday, self.start_time, self.start_date, self.order_end, self.capacity)
        for label, field in zip(self.labels, fields, strict=True):
            label.setBuddy(field)
            self.form.addRow(label, field)
        self.form.insertRow(6, "", self.pair_note)
        layout = QVBoxLayout(self)
        layout.addLayout(self.form)
        layout.addWidget(self.preview)
        layout.addWidget(self.error)
        layout.addStretch(1)
        layout.addWidget(self.buttons)

        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(250)
        self._timer.timeout.connect(self._ask_preview)
        for combo in (self.programme, self.gender, self.language, self.lead, self.second, self.weekday):
            combo.currentIndexChanged.connect(self._changed)
        for edit in (self.start_date, self.order_end):
            edit.dateChanged.connect(self._changed)
        self.start_date.dateChanged.connect(self._start_moved)
        self.start_time.timeChanged.connect(self._changed)
        self.programme.currentIndexChanged.connect(self._programme_changed)
        self.retranslate_ui()
        self.resize(640, self.sizeHint().height())
        backend.run_open(lambda ws: (ws.curricula.list(), ws.facilitators()), self._loaded,
                         lambda exc: self.error.show_error(user_message(exc)), owner=self)

    # --- filling ----------------------------------------------------------------------------

    def _loaded(self, result: tuple[list[CurriculumSummary], list[FacilitatorOption]]) -> None:
        curricula, people = result
        self.curricula = [c for c in curricula if c.latest]
        self.people = people
        self.retranslate_ui()
        me = self.backend.actor.id if self.backend.actor else None
        men = sorted((p for p in people if p.gender == Gender.MALE), key=lambda p: p.id != me)
        women = sorted((p for p in people if p.gender == Gender.FEMALE), key=lambda p: p.id != me)
        if men:
            self.lead.setCurrentIndex(self.lead.findData(men[0].id))
        if women:
            self.second.setCurrentIndex(self.second.findData(women[0].id))
        self.start_date.setDate(self.start_date.date())
        self._programme_changed()

    def _fill_combo(self, combo: QComboBox, items: list[tuple[str, object]]) -> None:
        current = combo.currentData()
        combo.blockSignals(True)
        combo.clear()
        for text, data in items:
            combo.addItem(text, data)
        found = combo.findData(current)
        combo.setCurrentIndex(found if found >= 0 else 0)
        combo.blockSignals(False)

    def retranslate_ui(self) -> None:
        self.setWindowTitle(_("New group"))
        texts = (_("Group name"), _("Programme"), _("Participants"), _("Language of the sessions"),
                 _("Lead facilitator"), _("Second facilitator"), _("Reason for another arrangement"), _("Room"),
                 _("Weekday"), _("Start time"), _("Start date"), _("Protection order ends"), _("Places"))
        for label, text in zip(self.labels, texts, strict=True):
            label.setText(text)
        self.name.setPlaceholderText(_("for example: Men's group, Tuesday evening"))
        self.reason.setPlaceholderText(_("Why this group runs without the usual pair (kept and shown in reports)"))
        lang = current_language()
        self._fill_combo(self.programme, [(_("{title} (version {version})").format(title=c.title.get(lang),
                                                                                   version=c.version), c.id)
                                          for c in self.curricula])
        self._fill_combo(self.gender, [(_(TARGET_LABELS[TargetGender.MALE]), Gender.MALE.value),
                                       (_(TARGET_LABELS[TargetGender.FEMALE]), Gender.FEMALE.value)])
        self._fill_combo(self.language, [(_("Kyrgyz"), "ky"), (_("Russian"), "ru")])
        people = [(f"{p.display_name} ({_(GENDER_LABELS[Gender(p.gender)])})", p.id) for p in self.people]
        self._fill_combo(self.lead, people)
        self._fill_combo(self.second, [(_("— none —"), None), *people])
        self._fill_combo(self.weekday, [(_(name), n) for n, name in enumerate(WEEKDAY_LABELS)])
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText(_("Create group"))
        self._update_pair_note()

    # --- reacting ---------------------------------------------------------------------------

    def _selected_curriculum(self) -> CurriculumSummary | None:
        return next((c for c in self.curricula if c.id == self.programme.currentData()), None)

    def _programme_changed(self) -> None:
        curriculum = self._selected_curriculum()
        if curriculum is None:
            return
        fixed = curriculum.target_gender != TargetGender.ANY
        if fixed:
            self.gender.setCurrentIndex(self.gender.findData(curriculum.target_gender))
        self.gender.setEnabled(not fixed)
        self.order_end.setVisible(curriculum.within_protection_order)
        self.form.labelForField(self.order_end).setVisible(curriculum.within_protection_order)
        self._changed()

    def _start_moved(self) -> None:
        start = to_date(self.start_date.date())
        self.order_end.setDate(to_qdate(start + dt.timedelta(days=ORDER_DAYS - 1)))

    def _gender_of(self, person_id: str | None) -> str | None:
        return next((p.gender for p in self.people if p.id == person_id), None)

    def _update_pair_note(self) -> list:
        lead = self._gender_of(self.lead.currentData())
        problems = pair_problems(lead, self._gender_of(self.second.currentData()), self.gender.currentData()) \
            if lead and self.gender.currentData() else []
        if problems:
            self.pair_note.show_note(" ".join(_(PAIR_PROBLEM_TEXT[p]) for p in problems))
        else:
            self.pair_note.clear()
        self.reason.setEnabled(bool(problems))
        return problems

    def _changed(self) -> None:
        self._update_pair_note()
        self._timer.start()

    def draft(self) -> GroupDraft:
        curriculum = self._selected_curriculum()
        return GroupDraft(
            name=self.name.text(), curriculum_version_id=self.programme.currentData() or "",
            language=self.language.currentData(), participant_gender=self.gender.currentData(),
            lead_facilitator_id=self.lead.currentData() or "", co_facilitator_id=self.second.currentData(),
            pair_exception_reason=self.reason.toPlainText(), room=self.room.text(),
            weekday=int(self.weekday.currentData() or 0), start_time=self.start_time.time().toString("HH:mm"),
            start_date=to_date(self.start_date.date()),
            order_end=to_date(self.order_end.date()) if curriculum and curriculum.within_protection_order else None,
            capacity=self.capacity.value(),
        )

    def _ask_preview(self) -> None:
        draft = self.draft()
        if not draft.curriculum_version_id or not draft.lead_facilitator_id:
            return
        today = dt.date.today()
        self.backend.run_open(lambda ws: ws.groups.preview(draft, today), self._show_preview,
                              self._preview_failed, owner=self)

    def _show_preview(self, preview: SchedulePreview) -> None:
        self.error.clear()
        if not preview.dates:
            self.preview.clear()
            return
        text = ngettext("{count} group session, from {first} to {last}.",
                        "{count} group sessions, from {first} to {last}.", len(preview.dates)).format(
            count=len(preview.dates), first=format_date(preview.dates[0], "short"),
            last=format_date(preview.dates[-1], "short"))
        if preview.skipped:
            lang = current_language()
            skipped = ", ".join(f"{format_date(h.date, 'short')} ({h.name.get(lang)})" for h in preview.skipped)
            text += " " + _("Public holidays skipped: {days}.").format(days=skipped)
        if preview.order_end:
            text += " " + _("The protection order ends on {date}.").format(date=format_date(preview.order_end, "short"))
        self.preview.setText(text)

    def _preview_failed(self, exc: BaseException) -> None:
        self.preview.clear()
        self.error.show_error(user_message(exc))

    # --- saving -----------------------------------------------------------------------------

    def submit(self) -> None:
        draft = self.draft()
        today = dt.date.today()
        self.buttons.setEnabled(False)
        self.backend.run_open(lambda ws: ws.groups.create(draft, today), self._created, self._failed, owner=self)

    def _created(self, detail: GroupDetail) -> None:
        self.created = detail
        self.buttons.setEnabled(True)
        self.accept()

    def _failed(self, exc: BaseException) -> None:
        self.buttons.setEnabled(True)
        self.error.show_error(user_message(exc))
