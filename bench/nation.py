"""The fixed facts of the synthetic nation: providers, parties, assemblies, governments, names.

Loosely modelled on Pakistan 2018-2026 (assembly terms, changes of government, parties by
province) so that histories have realistic waves: cover withdrawn when terms end, granted when
cabinets form. Everything here is illustrative; nothing is a record of a real person."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class CategorySpec:
    id: str
    name: str
    rank: int
    personnel: int
    vehicles: int


NOMINAL = CategorySpec("nominal", "Nominal", 1, 2, 0)
STANDARD = CategorySpec("standard", "Standard", 2, 4, 1)
DEDICATED = CategorySpec("dedicated", "Dedicated detail", 3, 8, 2)

LEVEL_CATEGORIES: dict[str, tuple[CategorySpec, ...]] = {
    "federal": (STANDARD, DEDICATED),
    "provincial": (NOMINAL, STANDARD, DEDICATED),
    "district": (NOMINAL, STANDARD),
}


@dataclass(frozen=True)
class ProviderSpec:
    id: str
    name: str
    level: str
    jurisdiction: str
    #: the provinces whose protectees it may cover
    serves: tuple[str, ...]

    @property
    def categories(self) -> tuple[CategorySpec, ...]:
        return LEVEL_CATEGORIES[self.level]

    @property
    def ranks(self) -> tuple[int, ...]:
        return tuple(c.rank for c in self.categories)


PROVINCES = ("Punjab", "Sindh", "Khyber Pakhtunkhwa", "Balochistan", "Islamabad", "GB", "AJK")
#: share of protectees living in each province
PROVINCE_WEIGHTS = (0.50, 0.23, 0.15, 0.06, 0.03, 0.01, 0.02)

PROVINCIAL = {
    "Punjab": ProviderSpec(
        "punjab-police", "Punjab Police — Special Protection Unit", "provincial", "Punjab", ()
    ),
    "Sindh": ProviderSpec(
        "sindh-police", "Sindh Police — Special Security Unit", "provincial", "Sindh", ()
    ),
    "Khyber Pakhtunkhwa": ProviderSpec(
        "kp-police", "Khyber Pakhtunkhwa Police — Elite Force", "provincial", "KP", ()
    ),
    "Balochistan": ProviderSpec(
        "balochistan-police", "Balochistan Police — VIP Security", "provincial", "Balochistan", ()
    ),
    "Islamabad": ProviderSpec(
        "ict-police",
        "Islamabad Capital Territory Police — Security Division",
        "provincial",
        "Islamabad",
        (),
    ),
    "GB": ProviderSpec(
        "gb-police", "Gilgit-Baltistan Police — VIP Security", "provincial", "Gilgit-Baltistan", ()
    ),
    "AJK": ProviderSpec(
        "ajk-police", "Azad Jammu and Kashmir Police — VIP Security", "provincial", "AJK", ()
    ),
}

FEDERAL = (
    ProviderSpec(
        "moi-federal",
        "Ministry of Interior — federal protection",
        "federal",
        "Pakistan",
        PROVINCES,
    ),
    ProviderSpec(
        "rangers-federal",
        "Pakistan Rangers — protection wing",
        "federal",
        "Pakistan",
        ("Punjab", "Sindh"),
    ),
    ProviderSpec(
        "fc-federal",
        "Frontier Corps — protection wing",
        "federal",
        "Pakistan",
        ("Khyber Pakhtunkhwa", "Balochistan"),
    ),
)

DISTRICTS: dict[str, tuple[str, ...]] = {
    "Punjab": (
        "Lahore",
        "Faisalabad",
        "Rawalpindi",
        "Multan",
        "Gujranwala",
        "Sialkot",
        "Bahawalpur",
        "Sargodha",
        "Sheikhupura",
        "Rahim Yar Khan",
        "Dera Ghazi Khan",
        "Sahiwal",
    ),
    "Sindh": (
        "Karachi South",
        "Karachi East",
        "Karachi West",
        "Karachi Central",
        "Hyderabad",
        "Sukkur",
        "Larkana",
        "Mirpurkhas",
    ),
    "Khyber Pakhtunkhwa": ("Peshawar", "Mardan", "Abbottabad", "Swat", "Dera Ismail Khan", "Kohat"),
    "Balochistan": ("Quetta", "Gwadar", "Kech", "Khuzdar"),
}


def _slug(text: str) -> str:
    return "-".join(text.lower().replace(".", "").split())


def district_providers() -> dict[str, tuple[ProviderSpec, ...]]:
    return {
        province: tuple(
            ProviderSpec(
                f"{_slug(name)}-district", f"{name} District Police", "district", name, (province,)
            )
            for name in names
        )
        for province, names in DISTRICTS.items()
    }


def all_providers() -> tuple[ProviderSpec, ...]:
    districts = [p for group in district_providers().values() for p in group]
    return (*FEDERAL, *PROVINCIAL.values(), *districts)


@dataclass(frozen=True)
class Term:
    since: date
    until: date | None


#: assembly terms per province (the National Assembly under "Pakistan")
ASSEMBLIES: dict[str, tuple[Term, ...]] = {
    "Pakistan": (Term(date(2018, 8, 13), date(2023, 8, 10)), Term(date(2024, 2, 29), None)),
    "Punjab": (Term(date(2018, 8, 15), date(2023, 1, 14)), Term(date(2024, 2, 23), None)),
    "Sindh": (Term(date(2018, 8, 13), date(2023, 8, 11)), Term(date(2024, 2, 24), None)),
    "Khyber Pakhtunkhwa": (
        Term(date(2018, 8, 13), date(2023, 1, 18)),
        Term(date(2024, 2, 28), None),
    ),
    "Balochistan": (Term(date(2018, 8, 13), date(2023, 8, 12)), Term(date(2024, 2, 28), None)),
    "GB": (Term(date(2020, 11, 25), date(2025, 11, 24)),),
    "AJK": (Term(date(2021, 8, 3), None),),
}


@dataclass(frozen=True)
class Government:
    since: date
    until: date | None
    parties: tuple[str, ...]


GOVERNMENTS: dict[str, tuple[Government, ...]] = {
    "Pakistan": (
        Government(date(2018, 8, 20), date(2022, 4, 10), ("PTI", "MQM-P", "PML-Q", "BAP")),
        Government(date(2022, 4, 19), date(2023, 8, 10), ("PML-N", "PPP", "JUI-F", "MQM-P")),
        Government(date(2024, 3, 11), None, ("PML-N", "MQM-P", "PML-Q", "IPP")),
    ),
    "Punjab": (
        Government(date(2018, 8, 27), date(2022, 4, 30), ("PTI", "PML-Q")),
        Government(date(2022, 7, 27), date(2023, 1, 14), ("PTI", "PML-Q")),
        Government(date(2024, 2, 26), None, ("PML-N",)),
    ),
    "Sindh": (
        Government(date(2018, 8, 16), date(2023, 8, 11), ("PPP",)),
        Government(date(2024, 2, 27), None, ("PPP",)),
    ),
    "Khyber Pakhtunkhwa": (
        Government(date(2018, 8, 16), date(2023, 1, 18), ("PTI",)),
        Government(date(2024, 3, 2), None, ("PTI",)),
    ),
    "Balochistan": (
        Government(date(2018, 8, 18), date(2023, 8, 12), ("BAP", "JUI-F")),
        Government(date(2024, 3, 2), None, ("PPP", "PML-N", "BAP")),
    ),
    "GB": (Government(date(2020, 12, 2), date(2025, 11, 24), ("PTI", "PPP")),),
    "AJK": (Government(date(2021, 8, 4), None, ("PTI", "PPP", "PML-N")),),
}

#: party strength among politicians, by province
PARTIES: dict[str, dict[str, float]] = {
    "Punjab": {"PML-N": 0.40, "PTI": 0.40, "PPP": 0.07, "PML-Q": 0.06, "TLP": 0.03, "": 0.04},
    "Sindh": {"PPP": 0.50, "MQM-P": 0.20, "PTI": 0.13, "GDA": 0.05, "JI": 0.05, "": 0.07},
    "Khyber Pakhtunkhwa": {
        "PTI": 0.50,
        "JUI-F": 0.15,
        "ANP": 0.10,
        "PML-N": 0.10,
        "PPP": 0.05,
        "JI": 0.05,
        "": 0.05,
    },
    "Balochistan": {
        "BAP": 0.30,
        "JUI-F": 0.20,
        "BNP": 0.15,
        "PPP": 0.15,
        "PML-N": 0.10,
        "NP": 0.05,
        "": 0.05,
    },
    "Islamabad": {"PML-N": 0.40, "PTI": 0.40, "PPP": 0.20},
    "GB": {"PTI": 0.40, "PML-N": 0.30, "PPP": 0.30},
    "AJK": {"PTI": 0.40, "PML-N": 0.30, "PPP": 0.30},
}
#: after 9 May 2023 a share of PTI politicians left for new parties
DEFECTIONS = (("IPP", date(2023, 6, 8)), ("PTI-P", date(2023, 7, 17)))
DEFECTION_SHARE = 0.15


@dataclass(frozen=True)
class Kind:
    """A kind of protectee: how many there are, what office they hold, why they are covered."""

    name: str
    share: float
    office_class: str | None
    title: str
    public_figure: bool
    #: "politician" (assembly terms), "minister", "appointed" (one long posting), "threat"
    career: str
    #: chance of holding a party affiliation
    affiliated: float
    #: chance of facing threats assessed by an agency
    threatened: float


KINDS: tuple[Kind, ...] = (
    Kind(
        "federal-minister",
        0.0025,
        "federal-minister",
        "Federal Minister",
        True,
        "minister",
        1.0,
        0.6,
    ),
    Kind(
        "provincial-minister",
        0.010,
        "provincial-minister",
        "Provincial Minister",
        True,
        "minister",
        1.0,
        0.5,
    ),
    Kind(
        "opposition-leader",
        0.0004,
        "provincial-opposition-leader",
        "Leader of the Opposition",
        True,
        "politician",
        1.0,
        0.8,
    ),
    Kind("mna", 0.017, "mna", "Member of the National Assembly", True, "politician", 1.0, 0.3),
    Kind("mpa", 0.035, "mpa", "Member of the Provincial Assembly", True, "politician", 1.0, 0.25),
    Kind(
        "party-leader",
        0.008,
        "parliamentary-party-leader",
        "Parliamentary party leader",
        True,
        "politician",
        1.0,
        0.5,
    ),
    Kind("senator", 0.005, "senator", "Senator", True, "appointed", 0.9, 0.3),
    Kind("judge", 0.05, "judge", "Judge", True, "appointed", 0.0, 0.4),
    Kind("official", 0.09, "senior-official", "Senior official", True, "appointed", 0.0, 0.3),
    Kind(
        "party-office-holder",
        0.06,
        "party-office-holder",
        "Party office-holder",
        True,
        "threat",
        1.0,
        1.0,
    ),
    Kind(
        "religious-leader", 0.05, "religious-leader", "Religious scholar", True, "threat", 0.4, 1.0
    ),
    Kind("journalist", 0.02, "journalist", "Journalist", True, "threat", 0.0, 1.0),
    Kind("private-person", 0.6521, None, "", False, "threat", 0.0, 1.0),
)

AGENCIES = {
    "Punjab": ("sb-punjab", "Special Branch Punjab"),
    "Sindh": ("sb-sindh", "Special Branch Sindh"),
    "Khyber Pakhtunkhwa": ("ctd-kp", "Counter Terrorism Department KP"),
    "Balochistan": ("ctd-balochistan", "Counter Terrorism Department Balochistan"),
    "Islamabad": ("ib-federal", "Intelligence Bureau"),
    "GB": ("ib-federal", "Intelligence Bureau"),
    "AJK": ("ib-federal", "Intelligence Bureau"),
}

FIRST_NAMES = (
    "Muhammad",
    "Ahmed",
    "Ali",
    "Hassan",
    "Hussain",
    "Bilal",
    "Usman",
    "Imran",
    "Asad",
    "Farhan",
    "Kamran",
    "Shahid",
    "Tariq",
    "Zafar",
    "Nadeem",
    "Sajid",
    "Khalid",
    "Junaid",
    "Waqas",
    "Faisal",
    "Sana",
    "Ayesha",
    "Fatima",
    "Zainab",
    "Maryam",
    "Nadia",
    "Sadia",
    "Hina",
    "Rubina",
    "Shazia",
    "Saima",
    "Uzma",
    "Farah",
    "Amna",
    "Bushra",
    "Nasreen",
    "Ghulam",
    "Abdul",
    "Rashid",
    "Javed",
)
SURNAMES = (
    "Khan",
    "Malik",
    "Qureshi",
    "Sheikh",
    "Butt",
    "Chaudhry",
    "Siddiqui",
    "Baloch",
    "Shah",
    "Syed",
    "Awan",
    "Abbasi",
    "Jatoi",
    "Memon",
    "Rana",
    "Gondal",
    "Afridi",
    "Yousafzai",
    "Bugti",
    "Mengal",
    "Leghari",
    "Mazari",
    "Khattak",
    "Durrani",
    "Bhatti",
    "Cheema",
    "Warraich",
    "Soomro",
    "Talpur",
    "Mirza",
    "Hashmi",
    "Gillani",
    "Tiwana",
    "Niazi",
    "Marri",
    "Kakar",
    "Achakzai",
    "Kazmi",
    "Zaidi",
    "Rizvi",
)
