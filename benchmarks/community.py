"""The community validator csc-validator-be-cin beside iro, for the census benchmark.

- ``community_python`` makes (or reuses) a virtual environment of its own with
  ``python3 -m venv`` and installs the validator from PyPI into it, pinned; when that
  cannot be done it says why and the benchmark goes on without the comparison;
- ``run_community`` (in that environment's Python, through ``census_bench.py --child``)
  runs the validator the way its own ``run`` command does (``convert_data``,
  ``process_data``, ``CinValidator``) and writes what that command writes with
  ``--output`` (its user report, as CSV) and its return-level issues, which the command
  only keeps in memory;
- ``community_pairs`` reads those two CSV files into (rule code, LAchildID) pairs, and
  ``iro_pairs`` gives the same pairs for iro's validation of the same file;
- ``compare`` says what each reported by rule, what the community found that iro did not
  (there must be nothing) and what iro found beyond it, by rule.

Nothing of the validator is copied here: it is installed and called.
"""

from __future__ import annotations

import contextlib
import csv
import io
import json
import re
import shutil
import subprocess
import sys
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

# What the benchmark installs: the validator (pinned, for figures that can be compared
# between runs) and what it needs: its pandas 1.5 wants numpy below 2, and its command
# module imports pytest.
PACKAGE = "csc-validator-be-cin==0.1.13"
REQUIREMENTS = (PACKAGE, "pandas<2", "numpy<2", "pytest")
# Its ruleset for 2024-25 (its ``run`` command's default; 2025-26 is the same list), the
# specification iro's rules are written from.
RULESET = "cin2024_25"

Pair = tuple[str, str | None]  # (rule code, LAchildID or None for the return / header)


# --- Its own environment ------------------------------------------------------------------


def community_python(venv: Path, *, say=print) -> str | None:
    """The Python of ``venv`` with the community validator installed, made if needed.

    The environment is kept for the next run (a file ``.installed`` names what was
    installed; a different pin installs again). Returns None, having said why, when it
    cannot be made: the benchmark then goes on without the comparison."""
    python = venv / "bin" / "python"
    marker = venv / ".installed"
    wanted = " ".join(REQUIREMENTS)
    if python.exists() and marker.exists() and marker.read_text().strip() == wanted:
        return str(python)
    base = shutil.which("python3") or sys.executable
    say(f"Installing {PACKAGE} from PyPI into {venv} (its own environment) ...")
    steps = (
        [base, "-m", "venv", "--clear", str(venv)],
        [str(python), "-m", "pip", "install", "--quiet", *REQUIREMENTS],
        [str(python), "-c", "import cin_validator.cin_validator"],
    )
    for step in steps:
        try:
            done = subprocess.run(  # noqa: S603 - fixed commands, our own arguments
                step, capture_output=True, text=True, check=False, timeout=1800
            )
        except (OSError, subprocess.TimeoutExpired) as exc:
            say(f"  could not install the community validator: {exc}; going on without it")
            return None
        if done.returncode != 0:
            lines = [ln for ln in (done.stderr or done.stdout).splitlines() if ln.strip()]
            why = lines[-1] if lines else f"exit status {done.returncode}"
            say(f"  could not install the community validator ({' '.join(step[:4])}): {why}")
            say("  going on without the comparison")
            return None
    marker.write_text(wanted + "\n")
    return str(python)


# --- Running it (in its environment) ------------------------------------------------------


_CRASH = re.compile(r"^Error with rule (\S+): (.*)$")


def run_community(path: str, out_dir: str, ruleset: str = RULESET) -> dict:
    """Validate ``path`` with the community validator as its ``run`` command does, write its
    user report and its return-level issues into ``out_dir``, and time the validation.

    Run in the community validator's own environment. The validator prints "Error with
    rule CODE: ..." for a rule that failed on the data (and goes on without that rule's
    findings): those are returned as ``crashed``."""
    import importlib
    import warnings
    import xml.etree.ElementTree as ET

    warnings.simplefilter("ignore")  # its pandas FutureWarnings, one per rule and call
    from cin_validator import cin_validator

    printed = io.StringIO()
    start = time.perf_counter()
    with contextlib.redirect_stdout(printed):
        root = ET.parse(path).getroot()  # noqa: S314 - its own way in, on our own files
        data = cin_validator.process_data(cin_validator.convert_data(root))
        registry = importlib.import_module(f"cin_validator.rules.{ruleset}").registry
        validator = cin_validator.CinValidator(data, registry)
    seconds = time.perf_counter() - start
    out = Path(out_dir)
    validator.user_report.to_csv(out / "user_report.csv")
    validator.multichild_issues.to_csv(out / "return_issues.csv")
    crashed = {}
    for line in printed.getvalue().splitlines():
        match = _CRASH.match(line.strip())
        if match:
            crashed[match[1]] = match[2]
    return {"seconds": seconds, "rows": len(validator.user_report), "crashed": crashed}


# --- Reading its output -------------------------------------------------------------------


def _child(value: str | None) -> str | None:
    value = (value or "").strip()
    return None if value in ("", "nan", "None", "NaN") else value


def _code(value: str) -> str:
    value = value.strip()
    return value[:-2] if value.endswith(".0") else value  # a code read back as a float


def community_pairs(user_report: str, return_issues: str = "") -> set[Pair]:
    """(rule code, LAchildID) pairs from the community validator's user report (CSV text,
    one row per value flagged: several rows make one finding) and its return-level issues
    (CSV text with a ``rule_code`` column). Header rows and return-level issues have no
    child."""
    pairs: set[Pair] = set()
    for row in csv.DictReader(io.StringIO(user_report)):
        if not (row.get("rule_code") or "").strip():
            continue
        child = None if row.get("tables_affected") == "Header" else _child(row.get("LAchildID"))
        pairs.add((_code(row["rule_code"]), child))
    for row in csv.DictReader(io.StringIO(return_issues)):
        if (row.get("rule_code") or "").strip():
            pairs.add((_code(row["rule_code"]), None))
    return pairs


def read_community_output(out_dir: str | Path) -> set[Pair]:
    out = Path(out_dir)
    return community_pairs(
        (out / "user_report.csv").read_text(encoding="utf-8"),
        (out / "return_issues.csv").read_text(encoding="utf-8"),
    )


def iro_pairs(path: str | Path) -> set[Pair]:
    """(rule, LAchildID) for every finding of ``iro cin validate`` on the file (the same
    reader and validator, in this process). Raises CensusFileError for a file iro refuses."""
    from iro.census.reader import CensusStream
    from iro.census.rules import Validator

    stream = CensusStream(str(path))
    validator = Validator(stream.header)
    return {(f.rule, f.child) for f in validator.run(stream.children())}


def write_unique_ids(source: str | Path, target: str | Path) -> int:
    """Copy a census file, giving each LAchildID after its first a suffix (``C1`` the
    second time becomes ``C1D2``), so that no two child records share one. Returns how many
    were changed. The rest of the file is copied as it is, character for character."""
    seen: Counter[str] = Counter()
    changed = 0

    def rename(match: re.Match) -> str:
        nonlocal changed
        cid = match[2]
        seen[cid] += 1
        if seen[cid] == 1:
            return match[0]
        changed += 1
        return f"{match[1]}{cid}D{seen[cid]}{match[3]}"

    text = Path(source).read_text(encoding="utf-8")
    Path(target).write_text(_LA_CHILD_ID.sub(rename, text), encoding="utf-8")
    return changed


_LA_CHILD_ID = re.compile(r"(<LAchildID>\s*)([^<\s]+)(\s*</LAchildID>)")


# --- Comparing ----------------------------------------------------------------------------


@dataclass
class Comparison:
    iro: set[Pair]
    community: set[Pair]
    crashed: dict[str, str] = field(default_factory=dict)
    # Why the community validator reported a pair iro does not, where the file shows that
    # the community validator is wrong (``explain``); a missed pair without a reason here
    # is iro's miss.
    reasons: dict[Pair, str] = field(default_factory=dict)

    @property
    def missed(self) -> set[Pair]:
        """Pairs the community validator found and iro did not (must be none)."""
        return self.community - self.iro - set(self.reasons)

    @property
    def wrongly_reported(self) -> dict[str, list[Pair]]:
        """The community's pairs iro does not report, each one the community validator's
        error (by reason)."""
        by_reason: dict[str, list[Pair]] = defaultdict(list)
        for pair in sorted((self.community - self.iro) & set(self.reasons), key=_order):
            by_reason[self.reasons[pair]].append(pair)
        return dict(by_reason)

    @property
    def extra(self) -> dict[str, list[str | None]]:
        """iro's pairs the community validator did not report, by rule."""
        by_rule: dict[str, list[str | None]] = defaultdict(list)
        for rule, child in sorted(self.iro - self.community, key=_order):
            by_rule[rule].append(child)
        return dict(by_rule)

    def by_rule(self) -> list[tuple[str, int, int]]:
        """(rule, pairs iro reports, pairs the community reports), in rule order."""
        ours = Counter(rule for rule, _ in self.iro)
        theirs = Counter(rule for rule, _ in self.community)
        rules = sorted(set(ours) | set(theirs), key=lambda r: _order((r, None)))
        return [(rule, ours[rule], theirs[rule]) for rule in rules]


def _order(pair: Pair) -> tuple:
    rule, child = pair
    digits = re.match(r"\d+", rule)
    return (digits is None, int(digits[0]) if digits else 0, rule, child or "")


def compare(iro: set[Pair], community: set[Pair], crashed: dict | None = None) -> Comparison:
    return Comparison(iro=iro, community=community, crashed=dict(crashed or {}))


def report(comparison: Comparison, *, examples: int = 3) -> list[str]:
    """The comparison as lines of text."""
    c = comparison
    lines = ["    findings (rule, child) by rule:   iro  community"]
    for rule, ours, theirs in c.by_rule():
        mark = "  <- the community validator has more" if theirs > ours else ""
        lines.append(f"      {rule:<28} {ours:>7,} {theirs:>10,}{mark}")
    lines.append(f"      {'all':<28} {len(c.iro):>7,} {len(c.community):>10,}")
    wrong = c.wrongly_reported
    if wrong:
        total = sum(len(v) for v in wrong.values())
        lines.append(f"    reported by the community validator, not by iro, and wrong ({total}):")
        for reason, pairs in wrong.items():
            rules = ", ".join(sorted({r for r, _ in pairs}, key=lambda r: _order((r, None))))
            lines.append(f"      {len(pairs):>5} ({rules}): {reason}")
    missed = sorted(c.missed, key=_order)
    if missed:
        lines.append(f"    found by the community validator and NOT by iro: {len(missed)}")
        for rule, child in missed[:50]:
            lines.append(f"      {rule} {child or '(the return)'}")
        if len(missed) > 50:
            lines.append(f"      ... and {len(missed) - 50} more")
    else:
        lines.append("    found by the community validator and not by iro: none")
    extra = c.extra
    if extra:
        total = sum(len(v) for v in extra.values())
        lines.append(f"    iro's extra findings, by rule ({total}), and the validator's miss:")
        for rule, children in extra.items():
            shown = ", ".join(ch or "(the return)" for ch in children[:examples])
            more = f", ... ({len(children)})" if len(children) > examples else ""
            why = c.crashed.get(rule) and "it stopped on this rule with an error"
            why = why or EXTRA_REASONS.get(rule, "NOT EXPLAINED (add it to docs/census.md)")
            lines.append(f"      {rule:<7} {shown}{more}")
            lines.append(f"              {why}")
    else:
        lines.append("    iro's extra findings: none")
    if c.crashed:
        lines.append("    rules the community validator stopped on (their findings are lost):")
        for rule, why in sorted(c.crashed.items()):
            lines.append(f"      {rule}: {why}")
    return lines


# Why iro reports what the community validator does not, by rule: each one the validator's
# miss (docs/census.md, "Against the community validator", says more).
EXTRA_REASONS = {
    "1104": "it checks only Section 47 ICPC dates, not the episode's DateOfInitialCPC",
    "1510": "it skips a UPN whose 13th character is a letter (a temporary UPN)",
    "4003": "it reads only the first review date of each <Reviews> group, and compares a "
    "review only for a plan with an end date",
    "8525Q": "it reads a date before 1677 (pandas' first) as missing",
    "8530Q": "it reads a date before 1677 (pandas' first) as missing",
    "8565": "its 8565 compares closures with a one-row table written into the rule, not the "
    "file's plans (a plan ending after the closure is never found), and stops with an error "
    "on some files",
    "8841": "it reads only the first review date of each <Reviews> group",
    "8875": "it checks only Section 47 ICPC dates, not the episode's DateOfInitialCPC",
    "8890": "it skips two enquiries with the same start and ICPC dates (one recorded twice)",
    "8935": "it counts open plans per LAchildID and plan number (numbered within each "
    "episode), so never two open plans of one episode",
}

SHARED_ID = (
    "its LAchildID is on more than one child record (8510), and the community validator "
    "joins the records' episodes, plans and disabilities as if one child's"
)
BOTH_ICPC = (
    "8868 on an enquiry with an ICPC date and ICPC not required: completed, as the DfE asks "
    "(the community validator wants one of the two only)"
)
TEMPORARY_FORMER_UPN = (
    "1560Q on a well-formed temporary former UPN (13th character a letter): the community "
    "validator wants 12 digits after the letter"
)
DAY_BEFORE = (
    "8569Q on a referral on or after the working day before the census year: the DfE asks "
    "for one before it (the community validator subtracts no working day)"
)
OLD_DATES = (
    "2886Q: more than 2% of children have no sex only if an expected birth date before 1677 "
    "is missing, as the community validator reads it (pandas' first date)"
)
CODES_USED = (
    "2887Q on a return using 8 or more disability codes other than NONE (the community "
    "validator counts children with NONE)"
)


def explain(comparison: Comparison, path: str | Path) -> Comparison:
    """Give a reason for each pair the community validator reported and iro did not, where
    the file shows the community validator is wrong (read with iro's reader). Pairs with no
    reason stay ``missed``."""
    from iro.census import codes
    from iro.census.reader import CensusStream
    from iro.census.rules import CensusYear, _former_upn_ok, working_days_before

    pending = comparison.community - comparison.iro
    if not pending:
        return comparison
    stream = CensusStream(str(path))
    ref = stream.header.reference_date
    year = CensusYear.ending(ref) if ref else None
    wanted = {child for _, child in pending}
    records: dict[str | None, list] = defaultdict(list)
    seen: Counter[str | None] = Counter()
    used: set[str] = set()
    no_sex = no_sex_after_1677 = 0  # 2886Q, as iro counts and as pandas dates would
    for child in stream.children():
        seen[child.la_child_id] += 1
        used.update(child.disabilities)
        if child.sex in (None, "U") or (child.sex_given or "").startswith("GenderCurrent"):
            expected = child.expected_date_of_birth
            no_sex += expected is None
            no_sex_after_1677 += expected is None or expected.year < 1677
        if child.la_child_id in wanted:
            records[child.la_child_id].append(child)
    for rule, cid in pending:
        reason = None
        kids = records.get(cid, [])
        if cid is not None and seen[cid] > 1 and rule != "8510":
            reason = SHARED_ID
        elif rule == "8868" and any(
            ep.closure_date is not None
            and any(s.icpc_date is not None and s.icpc_not_required for s in ep.section47s)
            for kid in kids
            for ep in kid.episodes
        ):
            reason = BOTH_ICPC
        elif rule == "1560Q" and any(
            kid.former_upn and _former_upn_ok(kid.former_upn) and kid.former_upn[12].isalpha()
            for kid in kids
        ):
            reason = TEMPORARY_FORMER_UPN
        elif (
            rule == "8569Q"
            and year is not None
            and any(
                ep.referral_nfa is not False
                and ep.referral_date is not None
                and working_days_before(year.first_day, 1) <= ep.referral_date < year.first_day
                for kid in kids
                for ep in kid.episodes
            )
        ):
            reason = DAY_BEFORE
        elif rule == "2887Q" and cid is None and len(used & (codes.DISABILITIES - {"NONE"})) >= 8:
            reason = CODES_USED
        elif (
            rule == "2886Q"
            and cid is None
            and sum(seen.values())
            and no_sex / sum(seen.values()) <= 0.02 < no_sex_after_1677 / sum(seen.values())
        ):
            reason = OLD_DATES
        if reason:
            comparison.reasons[(rule, cid)] = reason
    return comparison


def as_json(comparison: Comparison) -> str:
    c = comparison
    return json.dumps(
        {
            "by_rule": c.by_rule(),
            "missed": sorted(c.missed, key=_order),
            "wrongly_reported": c.wrongly_reported,
            "extra": c.extra,
            "crashed": c.crashed,
        }
    )
