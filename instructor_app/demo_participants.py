"""Demo participants for the demo centre: every status, and attendance patterns that raise every
alert the Today page knows (order ending, cannot finish in time, non-compliance, art. 72 notice to
send, follow-up due and overdue, intake not finished). Deterministic for a given ``today``."""

from __future__ import annotations

import datetime as dt
import random

from instructor_app.participants.compliance import Mark
from instructor_app.services.open_workspace import OpenWorkspace
from instructor_app.services.participant_data import IntakeDraft, PartnerDraft
from instructor_app.services.programme_data import GroupDraft, GroupFilter

MEN = ("Азамат Осмонов", "Бекжан Турдубаев", "Дастан Мамытов", "Эрлан Жээнбеков", "Канат Сыдыков",
       "Мирлан Абдыкеримов", "Нурсултан Маматов", "Руслан Токтоматов", "Самат Айтбаев", "Талант Эшимов",
       "Улан Бакиров", "Чынгыз Асанов", "Адилет Жумалиев", "Айбек Кадыров", "Максат Орозов", "Павел Ким",
       "Сергей Иванов", "Тимур Рахимов")
WOMEN = ("Айгүл Исакова", "Бермет Кочкорова", "Жылдыз Алиева", "Назгүл Токтогулова", "Асель Мамбетова")
CURATORS = ("Нурбек Осмонов (Ош шаардык пробация бөлүмү)", "Элмира Жусупова (Пробация департаменти, Ош)")


class DemoPeople:
    def __init__(self, ws: OpenWorkspace, today: dt.date) -> None:
        self.ws, self.today = ws, today
        self.rng = random.Random(20261125)
        self.men, self.women = list(MEN), list(WOMEN)
        self.groups = {g.name: g for g in ws.groups.list(GroupFilter(), today)}
        self.facilitators = ws.facilitators()

    def person(self, gender: str, component: str, *, days_ago: int, order_days_ago: int | None = None,
               contract: bool = True, screening: str = "eligible", language: str = "ky") -> str:
        name = (self.men if gender == "male" else self.women).pop(0)
        received = self.today - dt.timedelta(days=days_ago)
        issued = self.today - dt.timedelta(days=order_days_ago) if order_days_ago is not None else None
        draft = IntakeDraft(
            full_name=name, birth_date=dt.date(1975 + self.rng.randrange(25), self.rng.randrange(1, 13),
                                               self.rng.randrange(1, 28)),
            gender=gender, language=language, component=component,
            referral_source="police" if issued else self.rng.choice(("crisis_centre", "self", "probation")),
            received_on=received, phone=f"+996 {self.rng.randrange(500, 800)} {self.rng.randrange(100000, 999999)}",
            document_number=f"ИИБ-{self.rng.randrange(100, 999)}/{received.year}" if issued else "",
            order_number=f"УКО-{self.rng.randrange(1000, 9999)}" if issued else "", order_issued_on=issued,
            screening=screening, contract_signed_on=received if contract else None,
            curator_name=self.rng.choice(CURATORS) if component == "mandatory" else "",
            partner=PartnerDraft("—", "өнөктөш", f"+996 {self.rng.randrange(500, 800)} 000 000",
                                 self.rng.random() < 0.7, ""),
        )
        return self.ws.participants.create(draft, max(received, issued or received)).id

    def enrol(self, person_id: str, group_name: str, joined_on: dt.date) -> None:
        self.ws.attendance.enrol(person_id, self.groups[group_name].id, joined_on, joined_on)

    def attend(self, person_id: str, group_name: str, pattern: str) -> None:
        """``pattern``: one letter per held session of the group (P, L, E, X, U, C = present with concern)."""
        register = self.ws.attendance.register(self.groups[group_name].id, self.today)
        held = [s for s in register.sessions if s.date < self.today and s.status == "held"]
        for row, letter in zip(held, pattern, strict=False):
            self.mark(person_id, row.id, letter)

    def mark(self, person_id: str, session_id: str, letter: str) -> None:
        if letter == "C":
            self.ws.attendance.record(person_id, session_id, Mark.PRESENT, self.today, concern=True,
                                      concern_note="Сабакта унчукпай отурду, тапшырманы аткарган жок.")
        elif letter == "X":
            self.ws.attendance.record(person_id, session_id, Mark.EXCUSED, self.today,
                                      excuse_reason="Ооруп калды (медициналык маалымкат бар)")
        else:
            mark = {"P": Mark.PRESENT, "L": Mark.LATE, "E": Mark.LEFT_EARLY, "U": Mark.UNEXCUSED}[letter]
            self.ws.attendance.record(person_id, session_id, mark, self.today)

    def individual(self, person_id: str, key: str, day: dt.date, letter: str | None) -> None:
        version = next(c for c in self.ws.curricula.list() if c.key == "tcp-mandatory" and c.latest)
        lead = next(p for p in self.facilitators if p.gender == "male")
        row = self.ws.sessions.schedule_individual(version.id, key, person_id, day, "09:00", lead.id, None,
                                                   "5-бөлмө", min(day, self.today))
        if letter is not None and day <= self.today:
            self.mark(person_id, row.id, letter)


def add_demo_participants(ws: OpenWorkspace, today: dt.date, past_mandatory: str) -> None:
    demo = DemoPeople(ws, today)
    men_ky, men_ru, women, mandatory = ("Эркектер тобу — кечки", "Мужская группа — утренняя", "Аялдар тобу",
                                        "Милдеттүү программа — 1-топ")
    start = {name: g.start_date for name, g in demo.groups.items()}
    # the long men's group: regular attenders, one non-compliant, one with concerns, one who dropped out
    for pattern in ("PPPPLPPPPP", "PPXPPPPLPP", "PCPPCPPPCP", "PPUPPUPPPU"):
        person = demo.person("male", "voluntary", days_ago=(today - start[men_ky]).days + 7)
        demo.enrol(person, men_ky, start[men_ky])
        demo.attend(person, men_ky, pattern)
    leaver = demo.person("male", "voluntary", days_ago=(today - start[men_ky]).days + 7)
    demo.enrol(leaver, men_ky, start[men_ky])
    demo.attend(leaver, men_ky, "PPPU")
    ws.attendance.leave(leaver, start[men_ky] + dt.timedelta(weeks=4), "dropped_out", "Россияга иштегени кетти", today)
    # the Russian-language group: one transferred in from the Kyrgyz one
    for pattern in ("PPPP", "PLPP"):
        person = demo.person("male", "voluntary", days_ago=(today - start[men_ru]).days + 5, language="ru")
        demo.enrol(person, men_ru, start[men_ru])
        demo.attend(person, men_ru, pattern)
    # the women's group, one suspended
    for pattern in ("PPPPPP", "PPXPPP", "PPPUPU"):
        person = demo.person("female", "voluntary", days_ago=(today - start[women]).days + 10)
        demo.enrol(person, women, start[women])
        demo.attend(person, women, pattern)
    ws.attendance.leave(person, today - dt.timedelta(days=2), "suspended", "Балдары ооруп жатат, эки жумага", today)
    # the mandatory group running now: on track, the order about to end, non-compliant
    on_track = demo.person("male", "mandatory", days_ago=9, order_days_ago=10)
    ending = demo.person("male", "mandatory", days_ago=20, order_days_ago=24)
    absent = demo.person("male", "mandatory", days_ago=12, order_days_ago=12)
    expired = demo.person("male", "mandatory", days_ago=30, order_days_ago=32)  # the order ended 3 days ago
    for person, individual_letter in ((on_track, "P"), (ending, "P"), (absent, "U"), (expired, "P")):
        demo.enrol(person, mandatory, start[mandatory])
        demo.individual(person, "i1", start[mandatory] - dt.timedelta(days=1), individual_letter)
    demo.individual(on_track, "i2", start[mandatory] + dt.timedelta(days=10), None)  # planned in time
    demo.attend(on_track, mandatory, "P")
    demo.attend(ending, mandatory, "L")
    demo.attend(absent, mandatory, "U")
    demo.attend(expired, mandatory, "P")
    # an old mandatory group: completed participants with follow-ups due and overdue, a refusal
    finished = demo.groups[past_mandatory]
    for months_ago, meeting_held in ((4, False), (3, False), (10, True)):
        done_on = today - dt.timedelta(days=30 * months_ago)
        person = demo.person("male", "mandatory", days_ago=(today - finished.start_date).days + 3,
                             order_days_ago=(today - finished.start_date).days + 2)
        demo.enrol(person, past_mandatory, finished.start_date)
        demo.individual(person, "i1", finished.start_date - dt.timedelta(days=1), "P")
        demo.attend(person, past_mandatory, "PP")
        demo.individual(person, "i2", finished.start_date + dt.timedelta(days=15), "P")
        ws.participants.change_status(person, "completed", "", done_on)
        if meeting_held:
            first = ws.participants.detail(person, today).follow_ups[0]
            ws.participants.record_follow_up(first.id, first.due_on, True, (), "Жаңы зомбулук жок; иштеп жатат.",
                                             today)
    refused = demo.person("male", "mandatory", days_ago=6, order_days_ago=7)
    ws.participants.refuse(refused, today - dt.timedelta(days=2), "verbal", "Гүлзат Ормонова, Бакыт Жумабеков",
                           "Сабакка келбейм, мага программа керек эмес деди.", "Эки жолу телефон чалынды", today)
    sent = demo.person("male", "mandatory", days_ago=40, order_days_ago=41)
    case = ws.participants.refuse(sent, today - dt.timedelta(days=35), "written", "", "Жазуу жүзүндө баш тартты.",
                                  "", today)
    ws.participants.mark_art72_sent(case.id, today - dt.timedelta(days=33), "Ош шаардык пробация бөлүмү", today)
    # intakes: one not finished for ten days, one waiting for therapy, one transferred to another centre
    demo.person("male", "voluntary", days_ago=10, contract=False, screening="not_done")
    demo.person("male", "voluntary", days_ago=4, screening="needs_therapy", contract=False)
    moved = demo.person("female", "voluntary", days_ago=30)
    ws.participants.change_status(moved, "transferred", "Бишкекке көчүп кетти; Бишкектеги борборго жөнөтүлдү", today)


def add_past_mandatory_group(ws: OpenWorkspace, today: dt.date) -> str:
    """A mandatory group held about five months ago (for completed participants and follow-ups)."""
    version = next(c for c in ws.curricula.list() if c.key == "tcp-mandatory" and c.latest)
    people = ws.facilitators()
    man = next(p for p in people if p.gender == "male")
    woman = next(p for p in people if p.gender == "female")
    start = today - dt.timedelta(weeks=52)
    start -= dt.timedelta(days=start.weekday())
    name = "Милдеттүү программа — былтыр"
    detail = ws.groups.create(GroupDraft(name, version.id, "ky", "male", man.id, woman.id, "", "2-бөлмө", 0, "10:00",
                                         start, order_end=start + dt.timedelta(days=27)), start)
    for row in detail.sessions:
        ws.sessions.mark_held(row.id, row.date, row.start_time, row.end_time, man.id, woman.id, "", today)
    return name


def _answers(instrument, rng: random.Random, progress: float, violence: str = "0") -> dict[str, str]:  # noqa: ANN001
    """Plausible answers: ``progress`` 0 (intake) … 1 (programme end) moves agreement the good way."""
    found = {}
    for item in instrument.items:
        if item.type == "likert5":
            good = 2 + round(progress * 2) + rng.choice((0, 0, 1, -1))
            good = min(5, max(1, good))
            found[item.key] = str(6 - good if item.reverse else good)
        elif item.type == "frequency":
            found[item.key] = violence if item.compare_key else str(rng.choice((0, 1)))
        elif item.type == "yes_no":
            found[item.key] = rng.choice(("0", "1"))
        elif item.type == "number":
            found[item.key] = str(int(item.min or 0))
    return found


def add_demo_assessments(ws: OpenWorkspace, today: dt.date) -> None:
    """Self-assessments at several time points, partner reports (one contradicting the participant),
    session checklists and an ODARA in the high bins, so charts and flags show something real."""
    rng = random.Random(7)
    instruments = {s.key: s.instrument for s in ws.instruments.list() if s.latest}
    people = {p.full_name: p for p in ws.participants.list(today=today)}
    own = instruments["participant-self-assessment"]
    plans = {  # name: [(time point, progress, the participant's own violence answer, days ago)]
        "Азамат Осмонов": [("intake", 0.0, "1", 80), ("mid", 0.6, "0", 10)],
        "Дастан Мамытов": [("intake", 0.1, "2", 80), ("mid", 0.4, "0", 12)],
        "Бекжан Турдубаев": [("intake", 0.2, "1", 80), ("mid", 0.7, "0", 11)],
        "Айгүл Исакова": [("intake", 0.1, "1", 50), ("mid", 0.8, "0", 5)],
        "Адилет Жумалиев": [("intake", 0.0, "2", 360), ("end", 0.9, "0", 340)],
        "Улан Бакиров": [("intake", 0.2, "1", 30)],
    }
    for name, points in plans.items():
        person = people[name]
        for time_point, progress, violence, days_ago in points:
            state = ws.instruments.start(person.id, own.id, time_point, "kiosk", today - dt.timedelta(days=days_ago))
            for key, value in _answers(own, rng, progress, violence).items():
                ws.instruments.answer(state.id, key, value)
            ws.instruments.finish(state.id)
    partial = ws.instruments.start(people["Бермет Кочкорова"].id, own.id, "intake", "kiosk", today)
    for key, value in list(_answers(own, rng, 0.1).items())[:5]:  # the laptop was taken back half-way
        ws.instruments.answer(partial.id, key, value)
    partner = instruments["partner-feedback"]
    for name, time_point, violence in (("Азамат Осмонов", "mid", "0"), ("Дастан Мамытов", "mid", "3"),
                                       ("Адилет Жумалиев", "end", "0")):
        answers = _answers(partner, rng, 0.5, violence)
        ws.instruments.partner_report(people[name].id, time_point, "phone", today - dt.timedelta(days=3), answers,
                                      today)
    odara = instruments["odara"]
    for name, yes in (("Эрлан Жээнбеков", 6), ("Азамат Осмонов", 2)):
        state = ws.instruments.start(people[name].id, odara.id, "intake", "facilitator", today - dt.timedelta(days=70))
        for index, item in enumerate(odara.items):
            ws.instruments.answer(state.id, item.key, "1" if index < yes else "0")
        ws.instruments.finish(state.id)
