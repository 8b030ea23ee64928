"""The code lists of the DfE Children in Need census, as the file spells them.

Pure constants (no Django), so the reader and the rules run without a database. The
journey and children models carry the same lists as choices; a test keeps them in step.
"""

from __future__ import annotations

CATEGORIES = frozenset({"NEG", "PHY", "EMO", "SAB", "MUL"})

PRIMARY_NEEDS = frozenset({"N0", "N1", "N2", "N3", "N4", "N5", "N6", "N7", "N8", "N9"})

CLOSURE_REASONS = frozenset({f"RC{n}" for n in range(1, 10)})

REFERRAL_SOURCES = frozenset(
    {
        "1A", "1B", "1C", "1D", "2A", "2B", "3A", "3B", "3C", "3D", "3E", "3F", "4",
        "5A", "5B", "5C", "5D", "6", "7", "8", "9", "10",
    }
)  # fmt: skip

ETHNICITIES = frozenset(
    {
        "WBRI", "WIRI", "WIRT", "WOTH", "WROM", "MWBC", "MWBA", "MWAS", "MOTH", "AIND",
        "APKN", "ABAN", "AOTH", "BCRB", "BAFR", "BOTH", "CHNE", "OOTH", "REFU", "NOBT",
    }
)  # fmt: skip

DISABILITIES = frozenset(
    {"NONE", "MOB", "HAND", "PC", "INC", "COMM", "LD", "HEAR", "VIS", "BEH", "CON", "AUT", "DDA"}
)

ASSESSMENT_FACTORS = frozenset(
    {
        "1A", "1B", "1C", "2A", "2B", "2C", "3A", "3B", "3C", "4A", "4B", "4C", "5A", "5B",
        "5C", "6A", "6B", "6C", "7A", "8B", "8C", "8D", "8E", "8F", "9A", "10A", "11A", "12A",
        "13A", "14A", "15A", "16A", "17A", "18A", "18B", "18C", "19A", "19B", "19C", "20",
        "21", "22A", "23A", "24A",
    }
)  # fmt: skip

UPN_UNKNOWN_REASONS = frozenset({f"UN{n}" for n in range(1, 8)})

# Sex since 2024-25 (M, F, U); GenderCurrent before it (1 male, 2 female, 0 not recorded,
# 9 indeterminate). Some files put the old numbers in the new element, so both are read
# from either element (rule 4180 still asks for a <Sex> of M, F or U).
SEX = frozenset({"M", "F", "U"})
SEX_CODES = {"M": "M", "F": "F", "U": "U", "1": "M", "2": "F", "0": "U", "9": "U"}

# Yes/no elements: 0/1 since 2023-24, true/false in older files.
YES_NO = {"1": True, "0": False, "true": True, "false": False}
