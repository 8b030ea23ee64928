"""The census reader and rules compiled to C by mypyc, used only when built from these very
sources.

Reading and validating a census file is Python running over every element and record of
every child; the same source files compiled by mypyc (they are fully typed) validate a file
about a quarter faster (docs/performance.md). ``make setup`` builds them (``main()``),
which takes about a minute and needs a C compiler and the Python headers; without them
everything works as plain Python.

Nothing else changes: the package puts a build on its path (``use``) only when the build
was made from exactly the current ``reader.py`` and ``rules.py``, for this Python, so an
edited source is never shadowed by an older build: until it is built again, the plain
module runs. ``IRO_CENSUS_PURE=1`` turns the compiled modules off.

This module must not import the reader or the rules: it decides where they come from.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import sysconfig
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
MODULES = ("reader", "rules")
BUILDS = HERE / "_compiled"
COMPLETE = "COMPLETE"  # written last: a build without it was interrupted
PURE_SWITCH = "IRO_CENSUS_PURE"


# lxml has no type information: its objects are ``Any`` to mypy and to the compiled code.
MYPY_OPTIONS = ("--ignore-missing-imports", "--follow-imports=silent")


class BuildError(Exception):
    """The modules could not be compiled; ``str()`` says why."""


def build_key(directory: Path = HERE) -> str:
    """What a build must have been made from: the modules' sources and this Python."""
    digest = hashlib.sha256()
    digest.update(sys.implementation.cache_tag.encode())
    digest.update(str(sysconfig.get_config_var("EXT_SUFFIX")).encode())
    for name in MODULES:
        digest.update((directory / f"{name}.py").read_bytes())
    return digest.hexdigest()[:20]


def build_dir(directory: Path = HERE) -> Path:
    return directory / BUILDS.name / build_key(directory)


def use(package_path: list[str], directory: Path = HERE) -> bool:
    """Put the build of the current sources first on the package's path, when there is
    one and it is not switched off. Whether it did."""
    if os.environ.get(PURE_SWITCH):
        return False
    try:
        where = build_dir(directory)
    except OSError:  # a source cannot be read: the import of it will say so
        return False
    if not (where / COMPLETE).is_file():
        return False
    if str(where) not in package_path:
        package_path.insert(0, str(where))
    return True


def in_use() -> bool:
    """Whether the reader and the rules running now are the compiled ones."""
    from iro.census import reader, rules

    return all(not (m.__file__ or "").endswith(".py") for m in (reader, rules))


def build(directory: Path = HERE) -> Path:
    """Compile the modules of ``directory`` into ``build_dir(directory)``, unless already
    built; remove builds of older sources. Raises ``BuildError``."""
    target = build_dir(directory)
    if (target / COMPLETE).is_file():
        return target
    try:
        from mypyc.build import mypycify
        from setuptools import Distribution
    except ImportError as exc:
        raise BuildError(f"mypyc is not installed ({exc.name} is missing)") from None
    builds = target.parent
    builds.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="build-", dir=builds) as work_dir:
        work = Path(work_dir)
        sources = [str(directory / f"{name}.py") for name in MODULES]
        options = [*MYPY_OPTIONS, f"--cache-dir={work / 'mypy-cache'}"]
        try:
            extensions = mypycify(
                [*options, *sources], opt_level="3", separate=True, target_dir=str(work / "c")
            )
            dist = Distribution({"name": "iro-census-compiled", "ext_modules": extensions})
            command = dist.get_command_obj("build_ext")
            command.build_lib = str(work / "lib")
            command.build_temp = str(work / "temp")
            command.ensure_finalized()
            command.run()
        except SystemExit as exc:  # mypyc exits on a type error; setuptools on a compiler's
            raise BuildError(f"the build stopped ({exc})") from None
        except Exception as exc:  # any failure leaves plain Python in use
            raise BuildError(f"{type(exc).__name__}: {exc}") from None
        built = sorted((work / "lib").rglob("*" + str(sysconfig.get_config_var("EXT_SUFFIX"))))
        if not built:
            raise BuildError("the compiler made no modules")
        staging = work / "ready"
        staging.mkdir()
        for module in built:
            shutil.copy2(module, staging / module.name)
        (staging / COMPLETE).write_text(
            "".join(f"{module.name}\n" for module in built), encoding="utf-8"
        )
        if target.exists():  # an interrupted build of the same sources
            shutil.rmtree(target)
        staging.rename(target)
    for old in builds.iterdir():
        if old.is_dir() and old != target and not old.name.startswith("build-"):
            shutil.rmtree(old, ignore_errors=True)
    return target


def main(argv: list[str] | None = None) -> int:
    """Build when needed, saying what happened in a line; the compiler's own output goes
    to a log beside the builds. Exits 0 either way: plain Python works without a build."""
    args = sys.argv[1:] if argv is None else argv
    if args == ["--here"]:  # the build itself, in a process whose output is logged
        try:
            build()
        except BuildError as exc:
            print(f"BUILD FAILED: {exc}", file=sys.stderr)
            return 1
        return 0
    if (build_dir() / COMPLETE).is_file():
        print("The census reader and rules are compiled (mypyc) for these sources.")
        return 0
    BUILDS.mkdir(parents=True, exist_ok=True)
    log = BUILDS / "build.log"
    print("Compiling the census reader and rules with mypyc (about a minute)...", flush=True)
    started = time.monotonic()
    with log.open("w", encoding="utf-8") as out:
        done = subprocess.run(  # noqa: S603 - this module, this Python
            [sys.executable, "-c", _RUN_MAIN, "--here"],
            stdout=out,
            stderr=subprocess.STDOUT,
            check=False,
        )
    if done.returncode != 0:
        tail = log.read_text(encoding="utf-8", errors="replace").strip().splitlines()[-1:]
        print(f"Could not compile them ({' '.join(tail)}; the whole output is in {log}).")
        print("The census runs as plain Python: the same results, a little slower.")
        return 0
    print(f"Compiled in {time.monotonic() - started:.0f} s.")
    return 0


# Not ``python -m iro.census.compiled``: the package imports this module before running it.
_RUN_MAIN = "import sys; from iro.census.compiled import main; sys.exit(main())"
