"""Oblasts and cities of republican significance, for centre and address pick-lists."""

from __future__ import annotations

from enum import StrEnum

from instructor_app.i18n import N_


class Region(StrEnum):
    BISHKEK = "bishkek"
    OSH_CITY = "osh_city"
    BATKEN = "batken"
    CHUI = "chui"
    ISSYK_KUL = "issyk_kul"
    JALAL_ABAD = "jalal_abad"
    NARYN = "naryn"
    OSH = "osh"
    TALAS = "talas"


REGION_LABELS: dict[Region, str] = {
    Region.BISHKEK: N_("Bishkek city"),
    Region.OSH_CITY: N_("Osh city"),
    Region.BATKEN: N_("Batken oblast"),
    Region.CHUI: N_("Chui oblast"),
    Region.ISSYK_KUL: N_("Issyk-Kul oblast"),
    Region.JALAL_ABAD: N_("Jalal-Abad oblast"),
    Region.NARYN: N_("Naryn oblast"),
    Region.OSH: N_("Osh oblast"),
    Region.TALAS: N_("Talas oblast"),
}
