"""A realistic demo installation: a crisis centre in Osh and its facilitator pair.

Later issues extend it with groups, participants, attendance and questionnaires.
"""

from __future__ import annotations

from instructor_app.domain.facilitators import Gender
from instructor_app.domain.regions import Region
from instructor_app.services.data import FacilitatorDraft, SetupRequest, SetupResult
from instructor_app.services.open_workspace import OpenWorkspace
from instructor_app.services.workspace import Workspace

DEMO_CENTRE = "Ош шаардык «Үмүт» кризистик борбору"
DEMO_FACILITATORS = (
    ("Бакыт Жумабеков", Gender.MALE),
    ("Гүлзат Ормонова", Gender.FEMALE),
)


def create_demo(workspace: Workspace, password: str, language: str = "ky") -> tuple[OpenWorkspace, SetupResult]:
    request = SetupRequest(
        centre_name=DEMO_CENTRE,
        region=Region.OSH_CITY.value,
        language=language,
        facilitators=tuple(FacilitatorDraft(name, gender.value, password) for name, gender in DEMO_FACILITATORS),
    )
    return workspace.set_up(request)
