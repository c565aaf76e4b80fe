"""Plausible people of Osh for the large demo: Kyrgyz, Uzbek and Russian names, birth dates, phones
and addresses, drawn from the demo's seeded random generator (never the same name and birth date twice)."""

from __future__ import annotations

import datetime as dt
import random

from instructor_app.domain.facilitators import Gender
from instructor_app.participants.intake import name_key

FIRST = {
    ("ky", Gender.MALE.value): (
        "Азамат", "Бекжан", "Дастан", "Эрлан", "Канат", "Мирлан", "Нурсултан", "Руслан", "Самат", "Талант", "Улан",
        "Чыңгыз", "Адилет", "Айбек", "Максат", "Бакыт", "Жыргалбек", "Жаныбек", "Мелис", "Нурбек", "Өмүрбек",
        "Садыр", "Темирлан", "Уран", "Тилек", "Медер", "Эмил", "Курманбек", "Кубанычбек", "Алмаз", "Бактыбек",
        "Замир", "Исламбек", "Калыс", "Марат", "Нурлан", "Рысбек", "Султан", "Таалай", "Эркин", "Айдар",
        "Жоомарт", "Арстан", "Болот", "Элдияр"),
    ("ky", Gender.FEMALE.value): (
        "Айгүл", "Бермет", "Жылдыз", "Назгүл", "Асель", "Гүлнара", "Динара", "Айжан", "Чолпон", "Мээрим", "Нуриза",
        "Айпери", "Бегимай", "Жазгүл", "Салтанат", "Элмира", "Толгонай", "Акылай", "Каныкей", "Гүлзат", "Нургүл",
        "Айнура", "Уулжан", "Перизат", "Севара"),
    ("uz", Gender.MALE.value): ("Улугбек", "Шерзод", "Фаррух", "Жахонгир", "Бахтиёр", "Санжар", "Отабек", "Рустам",
                                "Дилшод", "Акмал", "Икболжон", "Мухаммадали"),
    ("uz", Gender.FEMALE.value): ("Дилноза", "Зарина", "Феруза", "Гулнора", "Мохира", "Нилуфар", "Шахноза"),
    ("ru", Gender.MALE.value): ("Сергей", "Павел", "Андрей", "Дмитрий", "Алексей", "Виктор", "Евгений", "Игорь",
                                "Николай", "Олег", "Владимир", "Артём"),
    ("ru", Gender.FEMALE.value): ("Ольга", "Наталья", "Елена", "Татьяна", "Ирина", "Светлана", "Анна", "Юлия"),
}
SURNAMES = {  # the men's form; a woman's adds "а" (Ким stays Ким)
    "ky": ("Осмонов", "Турдубаев", "Мамытов", "Жээнбеков", "Сыдыков", "Абдыкеримов", "Маматов", "Токтоматов",
           "Айтбаев", "Эшимов", "Бакиров", "Асанов", "Жумалиев", "Кадыров", "Орозов", "Токтогулов", "Садыков",
           "Исаков", "Кочкоров", "Алиев", "Мамбетов", "Абдыраев", "Бообеков", "Курманов", "Эсенгулов",
           "Сатыбалдиев", "Жумабеков", "Ормонов", "Бейшеналиев", "Дүйшөнбаев", "Керимбеков", "Мукашев",
           "Сулайманов", "Тайлаков", "Усенов", "Чыныбаев", "Шаршеев", "Ысмайылов", "Акматов", "Бекболотов",
           "Женишбеков", "Мырзаев", "Нурматов", "Өмүрзаков", "Сапаров", "Темиров", "Үмөталиев", "Качкынбаев",
           "Токторов", "Арзыбаев"),
    "uz": ("Юсупов", "Каримов", "Рахманов", "Мирзаев", "Хасанов", "Турсунов", "Абдуллаев", "Нематов", "Холматов",
           "Эргашев"),
    "ru": ("Иванов", "Смирнов", "Ким", "Попов", "Волков", "Козлов", "Петров", "Николаев", "Лебедев", "Соколов"),
}
STREETS = ("Ленин", "Курманжан Датка", "Масалиев", "Навои", "Монуев", "Зайнабетдинов", "Алымбек Датка", "Исанов",
           "Токтогул", "Кыргызстан", "Мырзакматов", "Гапар Айтиев")
OPERATORS = ("550", "555", "700", "701", "705", "707", "770", "772", "777", "990", "995", "999")


class NameMaker:
    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self._taken: set[tuple[str, dt.date]] = set()

    def _origin(self, language: str) -> str:
        r = self.rng.random()
        if language == "ru":
            return "ru" if r < 0.4 else ("ky" if r < 0.8 else "uz")
        return "ky" if r < 0.85 else "uz"

    def person(self, gender: str, language: str, on: dt.date) -> tuple[str, dt.date]:
        """A full name ("First Surname") and a birth date making them 19–60 on ``on``."""
        rng = self.rng
        while True:
            origin = self._origin(language)
            first = rng.choice(FIRST[(origin, gender)])
            surname = rng.choice(SURNAMES[origin])
            if gender == Gender.FEMALE and surname.endswith(("ов", "ев")):
                surname += "а"
            name = f"{first} {surname}"
            birth = dt.date(on.year - rng.randint(19, 60), rng.randint(1, 12), rng.randint(1, 28))
            if (name_key(name), birth) not in self._taken:
                self._taken.add((name_key(name), birth))
                return name, birth

    def phone(self) -> str:
        return f"+996 {self.rng.choice(OPERATORS)} {self.rng.randint(100000, 999999)}"

    def address(self, language: str) -> str:
        street, number = self.rng.choice(STREETS), self.rng.randint(1, 180)
        return f"г. Ош, ул. {street}, {number}" if language == "ru" else f"Ош ш., {street} көч., {number}"
