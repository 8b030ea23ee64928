"""Invented names and words for the synthetic authority (Northmoor).

First names are common given names from the many communities of a UK town;
surnames are made up from English place-name parts ("Brackwater", "Hollinsby"),
so no full name belongs to anyone. Teams, places, schools and agencies are
invented too; NYAS is named because the service really works with it.
"""

from __future__ import annotations

# Heritage groups: a family's ethnicity codes and its children's first names
# come from the same group, so the names on a page look like one family.
HERITAGE_ETHNICITIES: dict[str, list[tuple[str, int]]] = {
    "british": [("WBRI", 90), ("WIRI", 4), ("WIRT", 2), ("NOBT", 3), ("REFU", 1)],
    "european": [("WOTH", 80), ("WROM", 20)],
    "south_asian": [("APKN", 45), ("ABAN", 25), ("AIND", 22), ("AOTH", 8)],
    "african": [("BAFR", 85), ("BOTH", 15)],
    "caribbean": [("BCRB", 70), ("BOTH", 30)],
    "mixed": [("MWBC", 40), ("MWAS", 25), ("MWBA", 20), ("MOTH", 15)],
    "east_asian": [("CHNE", 60), ("AOTH", 40)],
    "middle_eastern": [("OOTH", 85), ("AOTH", 15)],
}
HERITAGE_WEIGHTS: list[tuple[str, int]] = [
    ("british", 62),
    ("european", 8),
    ("south_asian", 10),
    ("african", 5),
    ("caribbean", 3),
    ("mixed", 7),
    ("east_asian", 1),
    ("middle_eastern", 4),
]
# The language the family prefers, when it is not English (interpreters follow).
HERITAGE_LANGUAGES: dict[str, list[tuple[str, int]]] = {
    "european": [("Polish", 45), ("Romanian", 35), ("Lithuanian", 20)],
    "south_asian": [("Urdu", 40), ("Bengali", 35), ("Punjabi", 25)],
    "african": [("Somali", 40), ("Tigrinya", 30), ("French", 30)],
    "middle_eastern": [("Arabic", 60), ("Kurdish", 25), ("Farsi", 15)],
    "east_asian": [("Cantonese", 60), ("Mandarin", 40)],
}
# The share of each group's families that prefer a language other than English.
HERITAGE_OTHER_LANGUAGE = {
    "european": 0.55,
    "south_asian": 0.2,
    "african": 0.35,
    "middle_eastern": 0.6,
    "east_asian": 0.4,
}

GIRLS: dict[str, list[str]] = {
    "british": [
        "Amelia", "Ava", "Bethany", "Chloe", "Daisy", "Ellie", "Evie", "Freya", "Grace",
        "Harper", "Isla", "Jessica", "Katie", "Lacey", "Lily", "Mia", "Millie", "Olivia",
        "Poppy", "Ruby", "Scarlett", "Sienna", "Sophie", "Summer", "Willow", "Niamh",
        "Siobhan", "Courtney", "Tia", "Rosie",
    ],
    "european": [
        "Zofia", "Maja", "Lena", "Alicja", "Oliwia", "Ioana", "Andreea", "Elena", "Daria",
        "Milena", "Ugne", "Emilija", "Nikola",
    ],
    "south_asian": [
        "Aisha", "Ayesha", "Fatima", "Hafsa", "Inaya", "Maryam", "Zara", "Anaya", "Priya",
        "Simran", "Nusrat", "Tahmina", "Raisa", "Amira",
    ],
    "african": [
        "Adaeze", "Chiamaka", "Amara", "Folake", "Hodan", "Ifrah", "Nia", "Zainab", "Precious",
        "Blessing", "Esi", "Ayana",
    ],
    "caribbean": ["Shanice", "Keisha", "Jada", "Tianna", "Aaliyah", "Nevaeh", "Maya", "Jasmine"],
    "mixed": ["Layla", "Maya", "Aaliyah", "Isla", "Leah", "Kiara", "Nadia", "Sofia", "Amaya"],
    "east_asian": ["Mei", "Xin", "Lian", "Yan", "Hui", "Ling"],
    "middle_eastern": ["Layan", "Noor", "Rania", "Hana", "Lina", "Yasmin", "Dilan", "Shirin"],
}  # fmt: skip
BOYS: dict[str, list[str]] = {
    "british": [
        "Alfie", "Archie", "Callum", "Charlie", "Connor", "Dylan", "Ethan", "Finley", "Freddie",
        "George", "Harry", "Harvey", "Jack", "Jacob", "Jayden", "Kai", "Leo", "Liam", "Logan",
        "Lucas", "Mason", "Noah", "Oliver", "Oscar", "Riley", "Theo", "Tyler", "Ciaran",
        "Declan", "Reece",
    ],
    "european": [
        "Jakub", "Kacper", "Szymon", "Antoni", "Filip", "Andrei", "Luca", "Matei", "Darius",
        "Lukas", "Jonas", "Dominik",
    ],
    "south_asian": [
        "Ayaan", "Ibrahim", "Hamza", "Zayn", "Yusuf", "Rayyan", "Arjun", "Rohan", "Vihaan",
        "Aarav", "Tanvir", "Rahim", "Imran", "Bilal",
    ],
    "african": [
        "Chidi", "Emeka", "Kwame", "Tobi", "Femi", "Abdi", "Mohamed", "Samuel", "Daniel",
        "Kofi", "Yonas", "Elijah",
    ],
    "caribbean": ["Jermaine", "Tyrone", "Malachi", "Josiah", "Isaiah", "Nathaniel", "Kyrie"],
    "mixed": ["Kai", "Jayden", "Zion", "Marley", "Leon", "Reuben", "Tariq", "Elias"],
    "east_asian": ["Jun", "Wei", "Hao", "Ming", "Kai", "Jian"],
    "middle_eastern": ["Omar", "Karim", "Ali", "Hassan", "Ahmad", "Rojin", "Aras", "Darius"],
}  # fmt: skip

# Surnames: an invented first part and an invented ending.
SURNAME_STARTS = [
    "Ash", "Brack", "Cold", "Dun", "Elm", "Fallow", "Grey", "Hart", "Inch", "Kettle", "Lark",
    "Mill", "North", "Oak", "Pike", "Quarry", "Raven", "Sedge", "Thorn", "Under", "Vale",
    "Whin", "Yarrow", "Bram", "Clough", "Fern", "Holl", "Moss", "Rook", "Stain", "Wether",
    "Birch", "Gorse", "Heron", "Linden", "Marsh", "Rush", "Tarn", "Withy", "Aln",
]  # fmt: skip
SURNAME_ENDS = [
    "water", "combe", "by", "mere", "stead", "field", "wick", "well", "brook", "holme",
    "thorpe", "ley", "ridge", "worth", "dale", "cote", "ford", "ham", "hurst", "shaw",
    "ton", "wood", "gate", "fold",
]  # fmt: skip

# Staff: the same pools, plus given names common among adults.
STAFF_FIRST_NAMES = [
    "Alison", "Andrew", "Anjali", "Bola", "Catherine", "Chinedu", "Claire", "Daniel", "Deborah",
    "Dionne", "Eleanor", "Farah", "Gareth", "Grace", "Hannah", "Hassan", "Helen", "Imran",
    "Janet", "Joanne", "Jonathan", "Karen", "Kwabena", "Laura", "Lindsay", "Magdalena",
    "Marcus", "Mark", "Michelle", "Nadia", "Neil", "Nicola", "Oluwaseun", "Paul", "Philippa",
    "Rachel", "Rebecca", "Richard", "Ruth", "Sadia", "Samantha", "Sarah", "Shabana", "Simon",
    "Stephen", "Tariq", "Tendai", "Yvonne", "Zoe", "Bronwen", "Aoife", "Gurpreet", "Kamala",
    "Mei", "Tomasz", "Ayodele", "Fiona", "Graham", "Lorraine", "Pauline",
]  # fmt: skip

# Twelve invented localities of the borough; one social work team each.
LOCALITIES = [
    "Ashby Vale", "Brackwater", "Coldharbour", "Dunmere", "Elmstead", "Fallowfield",
    "Greyfriars", "Hartwell", "Kettlewick", "Larkmoor", "Millbeck", "Riverside",
]  # fmt: skip
TEAM_KINDS = [
    "Safeguarding Team", "Family Safeguarding", "Children and Families Team",
    "Child Protection Team",
]  # fmt: skip

COUNCIL = "Northmoor"
VENUES = [
    "Northmoor Civic Centre, Room 2",
    "Northmoor Civic Centre, Room 4",
    "Brackwater Family Hub",
    "Riverside Children's Centre",
    "Millbeck Community House",
    "Larkmoor Family Hub",
]
VIRTUAL_LINK = "https://meet.northmoor.example/conference/{ref}"

AGENCIES: list[tuple[str, str]] = [
    ("Northmoor Police Public Protection Unit", "police"),
    ("Northmoor Police Child Abuse Investigation Team", "police"),
    ("Northmoor Hospitals NHS Foundation Trust", "health"),
    ("Northmoor Community Health NHS Trust (health visiting and school nursing)", "health"),
    ("Northmoor and Vale Mental Health NHS Trust", "health"),
    ("Moorside Medical Practice", "health"),
    ("Ashby Vale Primary School", "education"),
    ("Kettlewick Academy", "education"),
    ("Larkmoor High School", "education"),
    ("Greyfriars Nursery and Pre-school", "education"),
    ("Northmoor Virtual School", "education"),
    ("NYAS (National Youth Advocacy Service)", "advocacy"),
    ("Northmoor Probation Delivery Unit", "probation"),
    ("Northmoor Homes", "housing"),
    ("Northmoor Domestic Abuse Service", "voluntary"),
    ("Fallowfield Drug and Alcohol Recovery Service", "voluntary"),
    ("Northmoor Early Help Service", "social_care"),
    ("Northmoor Youth Justice Service", "other"),
]

# Strength-based conference notes, written for the family to read.
WORRIES = {
    "NEG": [
        "{name} has often gone to school hungry and in unwashed clothes.",
        "The home has been without heating and there is little food in the house.",
        "{name}'s health appointments have been missed several times this year.",
    ],
    "EMO": [
        "{name} has heard adults shouting and fighting at home and says it scares them.",
        "{name} has been told unkind things about themselves by the adults caring for them.",
        "Arguments between the adults at home have left {name} worried and withdrawn.",
    ],
    "PHY": [
        "{name} had bruising that the adults at home could not explain.",
        "{name} has been hit when adults at home were angry.",
    ],
    "SAB": [
        "{name} told a teacher about an adult touching them in a way that was not okay.",
        "An adult who has harmed children has been spending time with {name}.",
    ],
    "MUL": [
        "{name} has been hurt and has not had the care they need at home.",
        "{name} has seen violence at home and has often been left without food or care.",
    ],
}
WORRIES_BABY = [
    "There are worries that {name} will not be kept safe from violence between the adults.",
    "{name}'s mother has not been to her antenatal appointments.",
    "There are worries about drug use in the home where {name} will live.",
]
WORKING_WELL = [
    "{name} has a good relationship with their grandmother, who visits every week.",
    "{name}'s school attendance has gone up and staff say they are settled.",
    "The family have worked openly with the social worker and kept every appointment.",
    "{name}'s parent has started the parenting course and is attending each session.",
    "The house is warmer and cleaner, and there is food in the cupboards.",
    "{name} says they feel safe with their aunt and likes staying there.",
    "{name}'s parent has engaged with the drug and alcohol service.",
    "{name}'s parents have a clear routine and the health visitor is pleased with progress.",
]
NEEDS_TO_HAPPEN = [
    "{name}'s parent will go to every health appointment with them over the next three months.",
    "The social worker will visit every two weeks and see {name} on their own.",
    "{name}'s parent will finish the domestic abuse programme by the next review.",
    "School will tell the social worker the same day if {name} is absent.",
    "The family will have a support worker from Early Help to help with routines.",
    "{name}'s parent will not drink alcohol while caring for the children.",
]
LATE_DETAILS = [
    "The conference room was closed because of a flood at the civic centre.",
    "The police report arrived late and the chair agreed to move the date.",
    "The parent was in hospital on the planned date.",
]
STRATEGY_NOTES = [
    "Police, health and social care agreed a Section 47 enquiry is needed.",
    "Agreed a joint visit with the police; health to share records within two days.",
    "School referral discussed; all agencies agreed to start a Section 47 enquiry.",
]


def unused(first: str, pool: list[str], taken: set[str]) -> str:
    """``first``, or when it is ``taken`` the next name of ``pool`` after it (round to
    the start) that is not: chosen without a draw of its own, so every later draw of the
    demo stays as it was. ``first`` itself when every name is taken."""
    if first not in taken:
        return first
    at = pool.index(first)
    return next((n for n in pool[at + 1 :] + pool[:at] if n not in taken), first)
