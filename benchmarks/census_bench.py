"""Census benchmark: figures, not a timed test.

For generated census files of 10,000 and 50,000 children (invented, about one child in
ten breaking a rule on purpose), measures:

- a bare lxml ``iterparse`` pass over the file (hardened the same way, elements cleared):
  the floor;
- ``iro cin validate``'s work: reading every child into records and running every rule;
- ``iro cin import``: the file into an empty SQLite database (and with ``--postgres``,
  a PostgreSQL one), the same file again, and the year's export, each phase in a fresh
  process (its peak memory its own);
- optionally (``--round-trip``) import, export the year, import the export into another
  empty database, and compare the two returns and the year's measures;
- the community validator csc-validator-be-cin (``benchmarks/community.py``), installed
  from PyPI into an environment of its own (``--community-venv``, kept between runs;
  ``--community PYTHON`` uses a Python where it is already installed, ``--no-community``
  skips it), on the same files at the sizes of ``--community-sizes`` (10,000 by default)
  and on the community's own sample files where ``../shared/reference/cin-census-samples``
  is beside the repository: its time against iro's validation, and its findings against
  iro's as (rule, LAchildID) pairs: what each found by rule, what it found that iro did
  not (there must be nothing), and iro's extra findings by rule;
- a damaged file: a census file cut off inside a tag and padded with NUL bytes
  (``--damaged-mib``, 200 by default), which the reader must refuse at once, in the
  memory of one chunk.

Each measurement runs in a fresh process, so its peak resident memory (``VmHWM``,
``benchmarks.peak``) is its own; parse and validate take the best of five runs, taken in
turn. Run from the repository root:

    .venv/bin/python benchmarks/census_bench.py [--sizes 10000 50000] [--skip-import]
        [--round-trip] [--community-venv var/bench-community-venv] [--community PYTHON]
        [--community-sizes 10000] [--no-community] [--postgres URL] [--import-runs N]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SRC = REPO / "src"
for _path in (SRC, REPO):
    if str(_path) not in sys.path:
        sys.path.insert(0, str(_path))
SAMPLES = REPO.parent / "shared" / "reference" / "cin-census-samples"

from benchmarks.community import (  # noqa: E402 - after the path above; standard library only
    PACKAGE,
    RULESET,
    community_python,
    compare,
    explain,
    iro_pairs,
    read_community_output,
    report,
    write_unique_ids,
)
from benchmarks.peak import peak_rss_kib  # noqa: E402 - after the path above

# --- Measurements, each run in its own process ------------------------------------------


def measure_parse(path: str) -> dict:
    from lxml import etree

    start = time.perf_counter()
    count = 0
    for _event, el in etree.iterparse(
        path,
        events=("end",),
        tag="Child",
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        huge_tree=False,
    ):
        count += 1
        el.clear()
        while el.getprevious() is not None:
            del el.getparent()[0]
    return {"seconds": time.perf_counter() - start, "children": count}


def measure_validate(path: str) -> dict:
    from iro.census import compiled
    from iro.census.reader import CensusStream
    from iro.census.rules import Validator

    start = time.perf_counter()
    stream = CensusStream(path)
    validator = Validator(stream.header)
    findings = sum(1 for _ in validator.run(stream.children()))
    return {"seconds": time.perf_counter() - start, "children": validator.children,
            "findings": findings, "compiled": compiled.in_use()}  # fmt: skip


def measure_validate_plain(path: str) -> dict:
    """``measure_validate`` with the reader and rules as plain Python, even if compiled."""
    os.environ["IRO_CENSUS_PURE"] = "1"  # before iro.census is imported in this process
    return measure_validate(path)


def _django(db_dir: str, database_url: str = "", *, empty: bool = True) -> None:
    """Django on the database: SQLite in ``db_dir``, or the PostgreSQL database of
    ``database_url``, emptied first unless ``empty`` is false (it must be one kept for
    benchmarks)."""
    os.environ["IRO_VAR_DIR"] = db_dir
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "iro.settings")
    if database_url:
        os.environ["DATABASE_URL"] = database_url
    else:
        os.environ.pop("DATABASE_URL", None)
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    if database_url and empty:
        call_command("flush", interactive=False, verbosity=0)


def _analyst():
    from iro.people.models import Role, User

    user, _ = User.objects.get_or_create(username="bench-analyst", defaults={"role": Role.ANALYST})
    return user


IMPORT_PHASES = ("first", "repeat", "export")


def measure_import(
    path: str, db_dir: str, database_url: str = "", phase: str = "first", year: str = "2023-24"
) -> dict:
    """One phase, in a process of its own (its peak memory is its own): ``first`` the
    file into an empty database (new children: the bulk path); ``repeat`` the file again
    into the database the first left (every child known, nothing changed); ``export`` the
    year's return from it."""
    _django(db_dir, database_url, empty=phase == "first")
    from iro.census.export import write_return
    from iro.census.importer import import_file
    from iro.timescales import ANNUAL, parse_period

    user = _analyst()
    start = time.perf_counter()
    if phase == "export":
        exported = write_return(
            user=user,
            period=parse_period(ANNUAL, year),
            path=str(Path(db_dir) / "export.xml"),
            lea="999",
        )
        return {"seconds": time.perf_counter() - start, "exported": exported.children}
    summary = import_file(path, acting_user=user)
    return {
        "seconds": time.perf_counter() - start,
        "changed": summary.changed,
        "children": summary.children_read,
        "skipped": len(summary.skipped),
        "added": dict(summary.added),
    }


def import_phases(path: str, db_dir: str, database_url: str = "", runs: int = 1) -> dict:
    """The first import, the repeat and the export, each in a fresh process. With
    ``runs`` above one, the first import is taken that many times, each into an empty
    database (a new SQLite file; the PostgreSQL one emptied), and the fastest is the
    figure, as for parse and validate: what the machine's other work adds is left out.
    The repeat and the export then run on what the last first import wrote."""
    firsts = []
    for _ in range(runs):
        db = tempfile.mkdtemp(prefix="db-", dir=db_dir)
        firsts.append(run("import", path, db, database_url, "first"))
    first = min(firsts, key=lambda r: r["seconds"])
    repeat, exported = (run("import", path, db, database_url, phase) for phase in IMPORT_PHASES[1:])
    return {
        **first,
        "first_runs": [r["seconds"] for r in firsts],
        "repeat_seconds": repeat["seconds"],
        "repeat_changed": repeat["changed"],
        "export_seconds": exported["seconds"],
        "exported": exported["exported"],
        "peak_rss_mib": max(r["peak_rss_mib"] for r in (*firsts, repeat, exported)),
        "peaks": [
            max(r["peak_rss_mib"] for r in firsts),
            repeat["peak_rss_mib"],
            exported["peak_rss_mib"],
        ],
    }


def measure_export(db_dir: str, year: str, output: str) -> dict:
    _django(db_dir)
    from iro.census.export import write_return
    from iro.reports.measures import as_json, compute_all
    from iro.timescales import ANNUAL, parse_period

    period = parse_period(ANNUAL, year)
    start = time.perf_counter()
    result = write_return(user=_analyst(), period=period, path=output, lea="999")
    seconds = time.perf_counter() - start
    measures = {k: as_json(v) for k, v in compute_all(period).items()}
    return {"seconds": seconds, "children": result.children, "measures": measures}


def measure_community(path: str, out_dir: str) -> dict:
    """csc-validator-be-cin on the file, run with the Python of its own environment."""
    from benchmarks.community import run_community

    return run_community(path, out_dir)


def measure_damaged(path: str) -> dict:
    from iro.census.reader import CensusFileError, CensusStream

    start = time.perf_counter()
    try:
        sum(1 for _ in CensusStream(path).children())
    except CensusFileError as exc:
        return {"seconds": time.perf_counter() - start, "refused": exc.reason}
    return {"seconds": time.perf_counter() - start, "refused": ""}


def write_damaged(path: Path, mib: int) -> None:
    """A census file cut off inside a tag, then ``mib`` MiB of NUL bytes."""
    chunk = b"\0" * 2**20
    with path.open("wb") as handle:
        handle.write(b"<?xml version='1.0'?>\n<Message>\n<Children>\n<Child><ChildIdent")
        for _ in range(mib):
            handle.write(chunk)


MEASURES = {
    "parse": measure_parse,
    "validate": measure_validate,
    "validate_plain": measure_validate_plain,
    "damaged": measure_damaged,
}


def child_main(argv: list[str]) -> None:
    kind, *rest = argv
    if kind == "import":
        result = measure_import(*rest)
    elif kind == "export":
        result = measure_export(*rest)
    elif kind == "community":
        result = measure_community(*rest)
    else:
        result = MEASURES[kind](*rest)
    result["peak_rss_mib"] = round(peak_rss_kib() / 1024, 1)
    print(json.dumps(result))


def run(kind: str, *args: str, python: str = sys.executable) -> dict:
    done = subprocess.run(  # noqa: S603 - our own script, our own arguments
        [python, __file__, "--child", kind, *args],
        capture_output=True,
        text=True,
        check=False,
        cwd=REPO,
    )
    if done.returncode != 0:
        raise RuntimeError(f"{kind} failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def best_side_by_side(n: int, kinds: tuple[str, ...], *args: str) -> list[dict]:
    """The best of `n` runs of each kind, taken in turn (parse, validate, parse, ...), so a
    machine busy with other work slows both sides of a ratio alike."""
    runs: dict[str, list[dict]] = {kind: [] for kind in kinds}
    for _ in range(n):
        for kind in kinds:
            runs[kind].append(run(kind, *args))
    out = []
    for kind in kinds:
        best = min(runs[kind], key=lambda r: r["seconds"])
        best["peak_rss_mib"] = max(r["peak_rss_mib"] for r in runs[kind])
        best["slowest"] = max(r["seconds"] for r in runs[kind])
        out.append(best)
    return out


# --- The report ---------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 50_000])
    parser.add_argument("--skip-import", action="store_true")
    parser.add_argument("--postgres", metavar="URL",
                        help="also import into this PostgreSQL database (emptied first: "
                             "one kept for benchmarks), e.g. "
                             "postgres://postgres@127.0.0.1:5432/iro_bench")  # fmt: skip
    parser.add_argument("--import-runs", type=int, default=1, metavar="N",
                        help="take the first import N times, each into an empty "
                             "database, and keep the fastest (default 1)")  # fmt: skip
    parser.add_argument("--round-trip", action="store_true",
                        help="also import, export and re-import the smallest size")  # fmt: skip
    parser.add_argument("--community-venv", metavar="DIR", type=Path,
                        default=REPO / "var" / "bench-community-venv",
                        help="the community validator's environment, made if absent")  # fmt: skip
    parser.add_argument("--community", metavar="PYTHON",
                        help="a Python where csc-validator-be-cin is installed")  # fmt: skip
    parser.add_argument("--community-sizes", type=int, nargs="*", default=[10_000],
                        help="the sizes to run the community validator on")  # fmt: skip
    parser.add_argument("--no-community", action="store_true",
                        help="leave the community validator out")  # fmt: skip
    parser.add_argument("--keep", metavar="DIR", help="keep the generated files here")
    parser.add_argument("--damaged-mib", type=int, default=200,
                        help="size of the damaged (NUL-padded) file, 0 to skip")  # fmt: skip
    args = parser.parse_args()
    if args.import_runs < 1:
        parser.error(f"--import-runs must be 1 or more, not {args.import_runs}")

    from iro.census.synthetic import write_synthetic_file

    work = Path(args.keep or tempfile.mkdtemp(prefix="census-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    community = None
    if not args.no_community:
        community = args.community or community_python(args.community_venv)
    rows = []
    for size in args.sizes:
        path = work / f"census-{size}.xml"
        if not path.exists():
            write_synthetic_file(path, size, year="2023-24", seed=size, messy=True)
        mib = path.stat().st_size / 2**20
        parse, validate, plain = best_side_by_side(
            5, ("parse", "validate", "validate_plain"), str(path)
        )
        row = {"size": size, "mib": mib, "parse": parse, "validate": validate, "plain": plain}
        if not args.skip_import:
            db = tempfile.mkdtemp(prefix="db-", dir=work)
            row["import"] = import_phases(str(path), db, runs=args.import_runs)
            if args.postgres:
                row["import_postgres"] = import_phases(
                    str(path), db, args.postgres, runs=args.import_runs
                )
        if community and size in args.community_sizes:
            row["community"] = _against_community(community, path, work)
            unique = work / f"census-{size}-unique-ids.xml"
            if write_unique_ids(path, unique):
                row["community_unique"] = _against_community(community, unique, work)
        rows.append(row)
        _print_row(row)
    _print_summary(rows)
    if community and SAMPLES.is_dir():
        _community_samples(community, work)
    if args.damaged_mib:
        damaged = work / "damaged.xml"
        write_damaged(damaged, args.damaged_mib)
        result = run("damaged", str(damaged))
        damaged.unlink()
        print(f"\nA truncated file padded with {args.damaged_mib} MiB of NUL bytes: refused in "
              f"{result['seconds']:.3f} s, peak {result['peak_rss_mib']:.1f} MiB "
              f"({result['refused'] or 'NOT REFUSED'})")  # fmt: skip
    if args.round_trip:
        _round_trip(work, min(args.sizes))


def _rate(children: int, seconds: float) -> str:
    return f"{children / seconds:>10,.0f} children/s"


def _print_row(row: dict) -> None:
    size, parse, validate = row["size"], row["parse"], row["validate"]
    print(f"\n{size:,} children, {row['mib']:.1f} MiB "
          f"({validate['findings']:,} findings)")  # fmt: skip
    print(f"  bare iterparse  {parse['seconds']:7.2f} s {_rate(size, parse['seconds'])} "
          f"peak {parse['peak_rss_mib']:6.1f} MiB")  # fmt: skip
    print(f"  validate        {validate['seconds']:7.2f} s {_rate(size, validate['seconds'])} "
          f"peak {validate['peak_rss_mib']:6.1f} MiB  "
          f"= {validate['seconds'] / parse['seconds']:.2f} x bare parse")  # fmt: skip
    if validate["compiled"]:
        plain = row["plain"]
        print("                  (the reader and rules compiled by mypyc; as plain Python "
              f"{plain['seconds']:.2f} s = {plain['seconds'] / parse['seconds']:.2f} x bare "
              "parse)")  # fmt: skip
    else:
        print("                  (the reader and rules as plain Python: make setup compiles "
              "them)")  # fmt: skip
    for key, where in (("import", "SQLite"), ("import_postgres", "PostgreSQL")):
        if key not in row:
            continue
        imp, bare = row[key], parse["seconds"]
        print(f"  import ({where})")
        print(f"    first         {imp['seconds']:7.2f} s {_rate(size, imp['seconds'])} "
              f"= {imp['seconds'] / bare:5.1f} x bare parse  peak {imp['peaks'][0]:6.1f} MiB "
              f"({imp['skipped']} children skipped)")  # fmt: skip
        if len(imp["first_runs"]) > 1:
            taken = ", ".join(f"{t:.2f}" for t in imp["first_runs"])
            print(f"                  the fastest of {len(imp['first_runs'])}: {taken} s")
        print(f"    repeat        {imp['repeat_seconds']:7.2f} s "
              f"{_rate(size, imp['repeat_seconds'])} "
              f"= {imp['repeat_seconds'] / bare:5.1f} x bare parse  "
              f"peak {imp['peaks'][1]:6.1f} MiB "
              f"({'CHANGED' if imp['repeat_changed'] else 'nothing changed'})")  # fmt: skip
        print(f"    export        {imp['export_seconds']:7.2f} s "
              f"{_rate(imp['exported'], imp['export_seconds'])} "
              f"= {imp['export_seconds'] / bare:5.1f} x bare parse  "
              f"peak {imp['peaks'][2]:6.1f} MiB "
              f"({imp['exported']:,} children)")  # fmt: skip
    com = row.get("community")
    if com and "error" in com:
        print(f"  csc-validator   failed: {com['error']}")
    elif com:
        fast, slow = validate["seconds"], validate["slowest"]
        print(f"  csc-validator   {com['seconds']:7.2f} s {_rate(size, com['seconds'])} "
              f"peak {com['peak_rss_mib']:6.1f} MiB  "
              f"= {com['seconds'] / fast:,.0f} x our validate "
              f"({com['seconds'] / slow:,.0f} x our slowest of five; "
              f"its ruleset {RULESET}, all rules)")  # fmt: skip
        print(f"  Against the community validator on this file ({PACKAGE}):")
        print("\n".join(report(com["comparison"])))
    twin = row.get("community_unique")
    if twin:
        print("  Against it again, on the same file with each LAchildID made unique (untimed):")
        print("\n".join(report(twin["comparison"])) if "comparison" in twin else twin["error"])


def _print_summary(rows: list[dict]) -> None:
    if len(rows) < 2:
        return
    small, large = rows[0], rows[-1]
    grow = large["size"] / small["size"]
    print(f"\nFrom {small['size']:,} to {large['size']:,} children ({grow:.0f} x):")
    for kind in ("parse", "validate", "import", "import_postgres", "community"):
        if "seconds" in small.get(kind, {}) and "seconds" in large.get(kind, {}):
            t = large[kind]["seconds"] / small[kind]["seconds"]
            m = large[kind]["peak_rss_mib"] / small[kind]["peak_rss_mib"]
            print(f"  {kind:<10} time x {t:5.2f}, peak memory x {m:4.2f}")


def _against_community(python: str, path: Path, work: Path) -> dict:
    """The community validator on ``path`` (timed, in its own environment) and its
    findings against iro's; a failure is reported, never raised."""
    from iro.census.reader import CensusFileError

    out = Path(tempfile.mkdtemp(prefix=f"community-{path.stem}-", dir=work))
    try:
        result = run("community", str(path), str(out), python=python)
        theirs = read_community_output(out)
    except (RuntimeError, OSError, ValueError) as exc:
        return {"error": str(exc).strip().splitlines()[-1]}
    try:
        ours = iro_pairs(path)
    except CensusFileError as exc:
        return {"error": f"iro refused the file: {exc}"}
    result["comparison"] = explain(compare(ours, theirs, result.get("crashed")), path)
    return result


def _community_samples(python: str, work: Path) -> None:
    """The community's own sample files, read where they are (never copied)."""
    print(f"\nThe community validator's samples ({SAMPLES}), {PACKAGE} against iro:")
    for sample in sorted(SAMPLES.glob("*.xml")):
        result = _against_community(python, sample, work)
        print(f"\n  {sample.name}")
        if "error" in result:
            print(f"    not compared: {result['error']}")
            continue
        print(f"    csc-validator {result['seconds']:.2f} s")
        print("\n".join(report(result["comparison"])))


def _round_trip(work: Path, size: int) -> None:
    from iro.census.synthetic import write_synthetic_file

    source = work / f"round-trip-{size}.xml"
    write_synthetic_file(source, size, year="2023-24", seed=size + 1)
    first_db, second_db = (tempfile.mkdtemp(prefix=p, dir=work) for p in ("rt1-", "rt2-"))
    first_return, second_return = work / "return-1.xml", work / "return-2.xml"
    loaded = run("import", str(source), first_db)
    one = run("export", first_db, "2023-24", str(first_return))
    again = run("import", str(first_return), second_db)
    two = run("export", second_db, "2023-24", str(second_return))
    same_measures = one["measures"] == two["measures"]
    same_children = _children(first_return) == _children(second_return)
    print(f"\nRound trip on {size:,} children: imported {loaded['children']:,} "
          f"({loaded['skipped']} skipped), exported {one['children']:,}, re-imported "
          f"{again['children']:,} ({again['skipped']} skipped), "
          f"exported {two['children']:,}")  # fmt: skip
    print(f"  the two returns carry the same children and records: {same_children}")
    print(f"  the year's measures are the same: {same_measures}")


def _children(path: Path) -> list:
    """The children of a return as comparable values (without line numbers or header)."""
    from iro.census.reader import CensusStream

    out = []
    for c in CensusStream(path).children():
        c.line = None
        for ep in c.episodes:
            ep.line = None
            for part in (*ep.section47s, *ep.plans, *ep.cin_plans):
                part.line = None
        out.append(c)
    return out


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        child_main(sys.argv[2:])
    else:
        main()
