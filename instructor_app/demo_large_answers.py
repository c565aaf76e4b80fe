"""Questionnaires in the large demo, the way a centre fills them in: the participant self-assessment
at the kiosk (intake, then mid-programme or at the end) for the most recent voluntary participants,
partner feedback by phone for some of them (a few contradicting the participant), and ODARA risk
assessments at the intake of recent mandatory participants. Every answer is its own row (as the
kiosk saves them); a response is complete when the app's own scoring says so.

"A questionnaire" here is one filled instrument (a response or a partner report) with its answer rows;
the counts are kept so that the whole centre stays near 60–100k records.
"""

from __future__ import annotations

import datetime as dt
import random
import uuid

from instructor_app.curricula.model import Component
from instructor_app.demo_large_outbox import BulkOutbox, at_time
from instructor_app.demo_large_people import Story
from instructor_app.instruments import model
from instructor_app.instruments.model import Instrument, Item, ItemType
from instructor_app.participants.lifecycle import Status
from instructor_app.storage.instrument_models import Answer, PartnerAnswer, PartnerReport, Response

SELF = "participant-self-assessment"
PARTNER = "partner-feedback"
RISK = "odara"


def _value(item: Item, rng: random.Random, progress: float, violence: int) -> str:
    """A plausible answer: ``progress`` 0 (intake) … 1 (end) moves attitudes the good way;
    ``violence`` is the frequency answered on the behaviour items (0 never … 4 very often)."""
    if item.type == ItemType.LIKERT5:
        good = min(5, max(1, 2 + round(progress * 2) + rng.choice((0, 0, 1, -1))))
        return str(6 - good if item.reverse else good)
    if item.type == ItemType.FREQUENCY:
        return str(max(0, min(4, violence + rng.choice((0, 0, 0, 1, -1)))))
    if item.type == ItemType.YES_NO:
        return rng.choice(("0", "1"))
    if item.type == ItemType.NUMBER:
        return str(int(item.min or 0))
    return ""  # free text left empty


class Questionnaires:
    def __init__(self, out: BulkOutbox, rng: random.Random, today: dt.date, versions: dict[str, tuple[uuid.UUID,
                 Instrument]]) -> None:
        self.out, self.rng, self.today, self.versions = out, rng, today, versions

    def response(self, story: Story, key: str, time_point: str, day: dt.date, answers: dict[str, str],
                 mode: str) -> bool:
        version_id, instrument = self.versions[key]
        complete = model.score(instrument, answers).complete
        finished = at_time(day, "19:00")
        response_id = self.out.add(Response, story.actor, finished - dt.timedelta(minutes=30),
                                   participant_id=story.participant_id, instrument_version_id=version_id,
                                   time_point=time_point, mode=mode, answered_on=day,
                                   completed_at=finished if complete else None)
        self._answers(Answer, story.actor, finished, {"response_id": response_id}, answers, instrument)
        return complete

    def _answers(self, table: type, actor: uuid.UUID, finished: dt.datetime, owner: dict, answers: dict[str, str],
                 instrument: Instrument) -> None:
        given = [(key, value) for key, value in answers.items() if value != ""]
        for n, (key, value) in enumerate(given):
            assert instrument.item(key).valid(value), (instrument.id, key, value)
            self.out.add(table, actor, finished - dt.timedelta(seconds=20 * (len(given) - n)), **owner,
                         item_key=key, value=value)

    def answers(self, key: str, progress: float, violence: int) -> dict[str, str]:
        instrument = self.versions[key][1]
        return {item.key: _value(item, self.rng, progress, violence) for item in instrument.items}

    def partner(self, story: Story, time_point: str, day: dt.date, violence: int) -> None:
        version_id, instrument = self.versions[PARTNER]
        answers = self.answers(PARTNER, self.rng.uniform(0.3, 0.9), violence)
        complete = model.score(instrument, answers).complete
        finished = at_time(day, "14:00")
        report_id = self.out.add(PartnerReport, story.actor, finished - dt.timedelta(minutes=20),
                                 participant_id=story.participant_id, instrument_version_id=version_id,
                                 time_point=time_point,
                                 contact_mode="phone" if self.rng.random() < 0.8 else "in_person",
                                 contacted_on=day, completed_at=finished if complete else None)
        self._answers(PartnerAnswer, story.actor, finished, {"report_id": report_id}, answers, instrument)


def add_questionnaires(out: BulkOutbox, rng: random.Random, today: dt.date, stories: list[Story],
                       versions: dict[str, tuple[uuid.UUID, Instrument]], size) -> None:  # noqa: ANN001 - LargeDemoSize
    forms = Questionnaires(out, rng, today, versions)
    recent = sorted((s for s in stories if s.intake_day is not None), key=lambda s: s.intake_day, reverse=True)
    voluntary = [s for s in recent if s.component == Component.VOLUNTARY
                 and s.status in (Status.ACTIVE, Status.COMPLETED)]
    own = partner = 0
    for story in voluntary:
        if own >= size.self_assessments:
            break
        assert story.intake_day is not None
        answers = forms.answers(SELF, rng.uniform(0.0, 0.2), rng.choice((1, 1, 2, 3)))
        if rng.random() < 0.03:  # the laptop was taken back half-way: a partial response
            answers = dict(list(answers.items())[:rng.randint(5, 20)])
        forms.response(story, SELF, "intake", story.intake_day, answers, "kiosk")
        own += 1
        later = None
        if story.completed_on is not None:
            later = ("end", story.completed_on, rng.uniform(0.7, 1.0))
        elif len(story.attended) >= 10:
            later = ("mid", story.attended[len(story.attended) // 2], rng.uniform(0.4, 0.7))
        if later is not None and own < size.self_assessments:
            time_point, day, progress = later
            forms.response(story, SELF, time_point, day, forms.answers(SELF, progress, 0), "kiosk")
            own += 1
        else:
            time_point, day = "intake", story.intake_day
        if story.partner_safe and partner < size.partner_reports:
            contacted = min(today, day + dt.timedelta(days=rng.randint(2, 7)))
            forms.partner(story, time_point, contacted, 2 if rng.random() < 0.12 else 0)  # some contradict
            partner += 1
    mandatory = [s for s in recent if s.component == Component.MANDATORY]
    for story in mandatory[:size.risk_assessments]:
        assert story.intake_day is not None
        instrument = versions[RISK][1]
        yes = set(rng.sample(range(len(instrument.items)), rng.choices(range(10), weights=(8, 14, 16, 16, 14, 10,
                                                                                             8, 6, 5, 3))[0]))
        answers = {item.key: ("1" if n in yes else "0") if item.type == ItemType.YES_NO else _value(item, rng, 0, 0)
                   for n, item in enumerate(instrument.items)}
        forms.response(story, RISK, "intake", story.intake_day, answers, "facilitator")
