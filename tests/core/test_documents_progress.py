"""The participant progress / completion report: rendered from the demo data in Kyrgyz and Russian,
read back with pdftotext; its figures checked against counts made here from the stored rows."""

from __future__ import annotations

import datetime as dt
import re
import shutil
import subprocess
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import func, select

from instructor_app.errors import InvalidInput, UserError
from instructor_app.i18n import _, format_date, format_number, language_of_document
from instructor_app.paths import DataFolder
from instructor_app.reports.pdf import OutputNotWritable, not_recorded
from instructor_app.reports.progress_pdf import COMPLETION_TITLE, PROGRESS_TITLE
from instructor_app.services.documents_progress import make_progress, progress_choices
from instructor_app.services.instruments import SELF_ASSESSMENT
from instructor_app.services.open_workspace import OpenWorkspace
from instructor_app.services.participant_data import IntakeDraft, PartnerDraft
from instructor_app.services.workspace import Workspace
from instructor_app.storage.models import AccessLog, IssuedDocument
from instructor_app.storage.participant_models import Attendance, Enrolment, FollowUpMeeting, Participant, Referral
from instructor_app.storage.programme_models import CurriculumVersion, ProgrammeGroup, ProgrammeSession

from .conftest import DEMO_NAMES, DEMO_PASSWORD, Demo
from .support import copy_folder

pytestmark = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="needs poppler's pdftotext")

ATTENDED = {"present", "late", "left_early"}  # resources/rules/compliance.yaml: attended_marks
NEW_NAME = "Шаңгүл Өмүрбекова"
PARTNER = PartnerDraft("Гүлнара Сейитбекова", "жубайы", "+996 700 314 159", True, "Кечки алтыдан кийин гана чалыңыз")
HEADINGS = ("Programme", "Participant", "Referral and protection order", "Attendance", "Self-assessment: change",
            "Facilitators' conclusion", "Follow-up meetings")


@pytest.fixture(scope="module")
def opened(demo_template: Demo, tmp_path_factory: pytest.TempPathFactory) -> Iterator[OpenWorkspace]:
    """One unlocked copy of the demo data for the module (tests add to it, never rely on its order)."""
    root = copy_folder(demo_template.root, tmp_path_factory.mktemp("progress") / "demo")
    workspace = Workspace(DataFolder(root))
    account = next(a for a in workspace.accounts() if a.display_name == DEMO_NAMES[0])
    ws = workspace.unlock(account.id, DEMO_PASSWORD)
    yield ws
    ws.close()


def person_id(ws: OpenWorkspace, name: str) -> str:
    return next(c.id for c in progress_choices(ws) if c.name == name)


def render(ws: OpenWorkspace, pid: str, lang: str, out: Path, **kwargs) -> tuple[str, str]:
    """(pdftotext -layout of the report, its number)."""
    issued = make_progress(ws, pid, language=lang, out=out, **kwargs)
    assert issued.path == out and out.stat().st_size == issued.size and issued.pages >= 1
    text = subprocess.run(["pdftotext", "-layout", str(out), "-"], capture_output=True, text=True, encoding="utf-8",
                          check=True).stdout
    return text, issued.number


def tr(lang: str, msgid: str) -> str:
    with language_of_document(lang):
        return _(msgid)


def figure(text: str, lang: str, label: str) -> str:
    found = re.search(r"^[ \t]*" + re.escape(tr(lang, label)) + r"[ \t]+(\S+)", text, re.MULTILINE)
    assert found, f"{label!r} not in the report"
    return found.group(1)


def counted(ws: OpenWorkspace, pid: str) -> dict[str, int]:
    """Required / attended / excused / unexcused counted from the stored rows, without the app's code."""
    with ws.db.session(ws.actor.id) as s:
        key = uuid.UUID(pid)
        marks: dict[uuid.UUID, str] = {}
        for row in s.scalars(select(Attendance).where(Attendance.participant_id == key, Attendance.deleted_at.is_(None))
                             .order_by(Attendance.created_at)):
            marks[row.session_id] = row.mark  # a correction is a newer row
        sessions = {r.id: r for r in s.scalars(select(ProgrammeSession).where(ProgrammeSession.id.in_(list(marks))))}
        attended = {sessions[k].template_key for k, m in marks.items() if m in ATTENDED and sessions[k].status == "held"}
        group_id = s.scalars(select(Enrolment.group_id).where(Enrolment.participant_id == key)
                             .order_by(Enrolment.joined_on.desc())).first()
        version = s.get(ProgrammeGroup, group_id).curriculum_version_id
        return {"required": s.get(CurriculumVersion, version).session_count, "attended": len(attended),
                "excused": sum(1 for m in marks.values() if m == "excused"),
                "unexcused": sum(1 for k, m in marks.items()
                                 if m == "unexcused" and sessions[k].template_key not in attended)}


def issued_count(ws: OpenWorkspace) -> int:
    with ws.db.session(ws.actor.id) as s:
        return s.scalar(select(func.count()).select_from(IssuedDocument)) or 0


@pytest.mark.parametrize("lang", ["ky", "ru"])
def test_completed_participant_gets_the_completion_report(opened: OpenWorkspace, tmp_path: Path, lang: str) -> None:
    pid = person_id(opened, "Адилет Жумалиев")
    text, number = render(opened, pid, lang, tmp_path / f"progress-{lang}.pdf")
    assert tr(lang, COMPLETION_TITLE) in text and tr(lang, PROGRESS_TITLE) not in text
    for heading in HEADINGS:
        assert tr(lang, heading) in text, heading
    assert "Адилет Жумалиев" in text and number in text
    assert "Ош шаардык «Үмүт» кризистик борбору" in text  # the centre in the page frame: Ү intact
    with opened.db.session(opened.actor.id) as s:
        group = s.get(ProgrammeGroup, s.scalars(select(Enrolment.group_id)
                                                .where(Enrolment.participant_id == uuid.UUID(pid))).one())
        programme = s.get(CurriculumVersion, group.curriculum_version_id)
        referral = s.scalars(select(Referral).where(Referral.participant_id == uuid.UUID(pid))).one()
        meetings = s.scalars(select(FollowUpMeeting).where(FollowUpMeeting.participant_id == uuid.UUID(pid))).all()
    flat = " ".join(text.split())
    assert group.name in text and (programme.title_ky if lang == "ky" else programme.title_ru) in flat
    assert referral.order_number in text and referral.document_number in text
    with language_of_document(lang):
        assert format_date(referral.order_ends_on, "short") in text
        assert len(meetings) == 3
        assert all(format_date(m.due_on, "short") in text for m in meetings)


@pytest.mark.parametrize("lang", ["ky", "ru"])
def test_self_assessment_change_first_against_latest(opened: OpenWorkspace, tmp_path: Path, lang: str) -> None:
    pid = person_id(opened, "Адилет Жумалиев")
    rows = [r for r in opened.instruments.results(pid).rows
            if r.instrument_key == SELF_ASSESSMENT and r.scores.complete]
    assert len(rows) == 2  # the demo: intake and end of the programme
    first, latest = rows[0].scores, rows[-1].scores
    text, _number = render(opened, pid, lang, tmp_path / "sa.pdf")
    section = text.split(tr(lang, "Self-assessment: change"))[1].splitlines()
    with language_of_document(lang):
        for scale in rows[-1].instrument.subscales:
            line = next(ln for ln in section if scale.title.get(lang) in ln)
            values = line.split()[-3:]
            change = round(latest.subscales[scale.key] - first.subscales[scale.key], 2)
            assert values == [format_number(first.subscales[scale.key]), format_number(latest.subscales[scale.key]),
                              ("+" if change > 0 else "") + format_number(change)], line
        total = next(ln for ln in section if _("Total score") in ln).split()[-3:]
        assert total[:2] == [format_number(first.total), format_number(latest.total)]
        assert format_date(rows[0].answered_on, "short") in text and format_date(rows[-1].answered_on, "short") in text


def test_one_or_only_partial_self_assessments(opened: OpenWorkspace, tmp_path: Path) -> None:
    one, _number = render(opened, person_id(opened, "Улан Бакиров"), "ru", tmp_path / "one.pdf")  # intake only
    partial, _number = render(opened, person_id(opened, "Бермет Кочкорова"), "ky", tmp_path / "half.pdf")
    assert tr("ru", "Only one self-assessment is recorded: the change shows after the next one.") in " ".join(
        one.split())
    assert tr("ru", "First self-assessment") in one and tr("ru", "Latest self-assessment") not in one
    assert tr("ky", "No complete self-assessment of the participant is recorded.") in partial
    assert tr("ky", "First self-assessment") not in partial


@pytest.mark.parametrize(("name", "lang"), [("Бекжан Турдубаев", "ky"), ("Эрлан Жээнбеков", "ru"),
                                            ("Талант Эшимов", "ky"), ("Адилет Жумалиев", "ru"),
                                            ("Жылдыз Алиева", "ru")])
def test_figures_equal_counts_made_from_the_attendance_table(opened: OpenWorkspace, tmp_path: Path, name: str,
                                                            lang: str) -> None:
    pid = person_id(opened, name)
    text, _number = render(opened, pid, lang, tmp_path / "figures.pdf")
    expected = counted(opened, pid)
    with language_of_document(lang):
        shown = {key: figure(text, lang, label) for key, label in (
            ("required", "Sessions required"), ("attended", "Sessions attended"),
            ("excused", "Excused absences"), ("unexcused", "Unexcused absences"))}
        assert shown == {k: format_number(v) for k, v in expected.items()}
    # the attendance list has a line for every marked session
    rows = [ln for ln in text.splitlines() if re.match(r"\s*\d+\s+\d\d\.\d\d\.\d{4}\s", ln)]
    with opened.db.session(opened.actor.id) as s:
        days = s.scalars(select(ProgrammeSession.scheduled_date).join(
            Attendance, Attendance.session_id == ProgrammeSession.id).where(
            Attendance.participant_id == uuid.UUID(pid)).distinct()).all()
    with language_of_document(lang):
        assert days and all(any(format_date(day, "short") in row for row in rows) for day in days)
    assert tr(lang, COMPLETION_TITLE if name == "Адилет Жумалиев" else PROGRESS_TITLE) in text


def test_a_make_up_counts_in_place_of_the_missed_session(opened: OpenWorkspace, tmp_path: Path) -> None:
    today = dt.date.today()
    while opened.groups.holidays.is_holiday(today):
        today += dt.timedelta(days=1)
    pid = person_id(opened, "Эрлан Жээнбеков")
    before = counted(opened, pid)
    group = opened.participants.detail(pid, today).summary.group_id
    register = opened.attendance.register(group, today)
    row = next(r for r in register.rows if r.participant_id == pid)
    missed = next(s for s, c in zip(register.sessions, row.cells, strict=True) if c.mark == "unexcused")
    makeup = opened.sessions.add_makeup(missed.id, today, "08:00", "Катышуучу ооруканада болгон", today)
    opened.attendance.record(pid, makeup.id, "present", today)
    text, _number = render(opened, pid, "ky", tmp_path / "makeup.pdf", today=today)
    after = counted(opened, pid)
    assert after["unexcused"] == before["unexcused"] - 1 and after["attended"] == before["attended"] + 1
    assert figure(text, "ky", "Unexcused absences") == format_number(after["unexcused"])
    assert figure(text, "ky", "Make-up sessions attended") == "1"
    with language_of_document("ky"):
        assert _("make-up for session {number}").format(number=missed.number) in text


@pytest.fixture(scope="module")
def newcomer(opened: OpenWorkspace) -> str:
    """A participant entered with the fewest fields the intake accepts (and a partner's contact)."""
    draft = IntakeDraft(full_name=NEW_NAME, birth_date=dt.date(1991, 3, 8), gender="female", language="ky",
                        component="voluntary", referral_source="self", received_on=dt.date.today(), partner=PARTNER)
    return opened.participants.create(draft, dt.date.today()).id


@pytest.mark.parametrize("lang", ["ky", "ru"])
def test_missing_intake_fields_print_not_recorded(opened: OpenWorkspace, newcomer: str, tmp_path: Path,
                                                  lang: str) -> None:
    text, _number = render(opened, newcomer, lang, tmp_path / "new.pdf", conclusion="")
    assert NEW_NAME in text  # ң, ү and Ө intact
    assert tr(lang, PROGRESS_TITLE) in text
    with language_of_document(lang):
        assert text.count(not_recorded()) >= 5  # document, order number and dates, programme, group…
        assert _("No complete self-assessment of the participant is recorded.") in text
        assert _("No sessions are scheduled for this participant yet.") in text
        assert _("Follow-up meetings are set when the programme is completed.") in text
    assert "_" * 40 in text  # an empty conclusion leaves lines to write by hand


def test_blank_stored_fields_and_no_referral_still_give_a_report(opened: OpenWorkspace, tmp_path: Path) -> None:
    draft = IntakeDraft(full_name="Үмүт Шаңкараев", birth_date=dt.date(1988, 5, 1), gender="male", language="ru",
                        component="voluntary", referral_source="self", received_on=dt.date.today())
    pid = opened.participants.create(draft, dt.date.today()).id
    with opened.db.session(opened.actor.id) as s:  # as a record synced from an older laptop might arrive
        person = s.get(Participant, uuid.UUID(pid))
        person.gender, person.language = "", ""
        for referral in s.scalars(select(Referral).where(Referral.participant_id == person.id)):
            referral.deleted_at = dt.datetime.now(dt.timezone.utc)
    text, _number = render(opened, pid, "ru", tmp_path / "blank.pdf")
    assert "Үмүт Шаңкараев" in text
    with language_of_document("ru"):
        for label in ("Gender", "Language of the programme", "Referred by", "Programme"):
            assert re.search(re.escape(_(label)) + r"\s+" + re.escape(not_recorded()), text), label


def test_no_partner_data_in_the_report(opened: OpenWorkspace, newcomer: str, tmp_path: Path) -> None:
    pid = person_id(opened, "Адилет Жумалиев")  # the demo has his partner's report at the programme end
    opened.participants.save_partner(pid, PARTNER)
    partner_title = next(s.instrument.title for s in opened.instruments.list() if s.key == "partner-feedback")
    for who in (pid, newcomer):
        for lang in ("ky", "ru"):
            text, _number = render(opened, who, lang, tmp_path / f"{lang}.pdf")
            flat = " ".join(text.split())
            for secret in (PARTNER.full_name, PARTNER.phone, PARTNER.notes, PARTNER.relation, "Сейитбекова",
                           partner_title.get(lang)):
                assert secret not in flat, secret
    assert opened.participants.partner(pid).phone == PARTNER.phone  # it is there, just not printed


def test_conclusion_is_printed(opened: OpenWorkspace, tmp_path: Path) -> None:
    conclusion = "Катышуучу бардык сабактарга келди, жоопкерчиликти мойнуна алууну үйрөндү."
    text, _number = render(opened, person_id(opened, "Бекжан Турдубаев"), "ky", tmp_path / "c.pdf",
                           conclusion=conclusion)
    assert conclusion in " ".join(text.split())
    assert "_" * 40 not in text


def test_follow_up_meetings_due_and_held(opened: OpenWorkspace, tmp_path: Path) -> None:
    pid = person_id(opened, "Айбек Кадыров")  # completed ten months ago; the first meeting was held
    with opened.db.session(opened.actor.id) as s:
        meetings = s.scalars(select(FollowUpMeeting).where(FollowUpMeeting.participant_id == uuid.UUID(pid))
                             .order_by(FollowUpMeeting.number)).all()
    assert [m.held_on is not None for m in meetings] == [True, False, False]
    text, _number = render(opened, pid, "ru", tmp_path / "f.pdf")
    with language_of_document("ru"):
        lines = [ln for ln in text.splitlines() if any(format_date(m.due_on, "short") in ln for m in meetings)]
        assert len(lines) == 3
        assert format_date(meetings[0].held_on, "short") in lines[0]
        assert all(_("Not held yet") in ln for ln in lines[1:])


def test_the_number_is_recorded_in_the_register_of_issued_documents(opened: OpenWorkspace, tmp_path: Path) -> None:
    pid = person_id(opened, "Бекжан Турдубаев")
    first = make_progress(opened, pid, language="ru", out=tmp_path / "a.pdf")
    second = make_progress(opened, pid, language="ky", out=tmp_path / "b.pdf")
    assert first.number != second.number and first.number.startswith("PRG-")
    with opened.db.session(opened.actor.id) as s:
        rows = {r.number: r for r in s.scalars(select(IssuedDocument).where(
            IssuedDocument.number.in_([first.number, second.number])))}
    assert rows[first.number].kind == "progress" and rows[first.number].subject == pid
    assert (rows[first.number].language, rows[second.number].language) == ("ru", "ky")
    assert "Бекжан" not in rows[first.number].subject  # an id, never a name
    with opened.db.session(opened.actor.id) as s:  # printing personal data is on the audit trail
        audited = s.scalars(select(AccessLog.detail).where(AccessLog.event == "progress_report_issued")).all()
    assert audited.count(pid) >= 2


def test_unwritable_output_gives_a_clear_error_and_uses_no_number(opened: OpenWorkspace, tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where a folder should be")
    before = issued_count(opened)
    with pytest.raises(OutputNotWritable) as caught:
        make_progress(opened, person_id(opened, "Бекжан Турдубаев"), language="ky", out=blocker / "report.pdf")
    assert str(blocker / "report.pdf") in caught.value.message()
    assert issued_count(opened) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["not-a-folder"]


def test_unknown_participant_is_refused(opened: OpenWorkspace, tmp_path: Path) -> None:
    before = issued_count(opened)
    for bad in ("not-an-id", str(uuid.uuid4())):
        with pytest.raises(InvalidInput):
            make_progress(opened, bad, language="ru", out=tmp_path / "x.pdf")
    with pytest.raises(ValueError):
        make_progress(opened, person_id(opened, "Бекжан Турдубаев"), language="en", out=tmp_path / "x.pdf")
    assert issued_count(opened) == before and not (tmp_path / "x.pdf").exists()
    assert issubclass(InvalidInput, UserError)


def test_chooser_lists_every_participant_by_name(opened: OpenWorkspace) -> None:
    choices = progress_choices(opened)
    with opened.db.session(opened.actor.id) as s:
        stored = {str(p.id): (p.full_name, p.status) for p in s.scalars(select(Participant))}
    assert {c.id: (c.name, c.status) for c in choices} == stored
    assert [c.name for c in choices] == sorted((c.name for c in choices), key=str.casefold)
