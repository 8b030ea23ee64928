"""The compiled census reader and rules: used only when built from the current sources,
and finding exactly what the plain Python modules find."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys

import pytest

from iro.census import compiled


@pytest.fixture
def sources(tmp_path):
    """A copy of the modules' sources, with a finished build of them."""
    for name in compiled.MODULES:
        shutil.copy(compiled.HERE / f"{name}.py", tmp_path / f"{name}.py")
    build = compiled.build_dir(tmp_path)
    build.mkdir(parents=True)
    (build / compiled.COMPLETE).write_text("reader.so\n", encoding="utf-8")
    return tmp_path


def test_a_build_of_the_current_sources_goes_first_on_the_package_path(sources, monkeypatch):
    monkeypatch.delenv(compiled.PURE_SWITCH, raising=False)
    path = ["/the/package"]
    assert compiled.use(path, sources) is True
    assert path == [str(compiled.build_dir(sources)), "/the/package"]


def test_an_edited_source_is_never_shadowed_by_the_build_of_the_old_one(sources, monkeypatch):
    monkeypatch.delenv(compiled.PURE_SWITCH, raising=False)
    rules = sources / "rules.py"
    rules.write_text(rules.read_text(encoding="utf-8") + "\n# edited\n", encoding="utf-8")
    path = ["/the/package"]
    assert compiled.use(path, sources) is False
    assert path == ["/the/package"]


def test_an_interrupted_build_is_not_used(sources, monkeypatch):
    monkeypatch.delenv(compiled.PURE_SWITCH, raising=False)
    (compiled.build_dir(sources) / compiled.COMPLETE).unlink()
    assert compiled.use([], sources) is False


def test_the_switch_keeps_the_plain_modules(sources, monkeypatch):
    monkeypatch.setenv(compiled.PURE_SWITCH, "1")
    assert compiled.use([], sources) is False


def test_a_build_is_made_for_one_python_and_one_set_of_sources(sources, tmp_path_factory):
    other = tmp_path_factory.mktemp("other")
    for name in compiled.MODULES:
        shutil.copy(sources / f"{name}.py", other / f"{name}.py")
    assert compiled.build_key(other) == compiled.build_key(sources)
    (other / "reader.py").write_text("# another reader\n", encoding="utf-8")
    assert compiled.build_key(other) != compiled.build_key(sources)


def test_setup_says_when_they_cannot_be_compiled_and_goes_on(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(compiled, "BUILDS", tmp_path)
    monkeypatch.setattr(compiled, "build_dir", lambda: tmp_path / "not-built")
    failing = "import sys; print('BUILD FAILED: no C compiler was found'); sys.exit(1)"
    monkeypatch.setattr(compiled, "_RUN_MAIN", failing)
    assert compiled.main([]) == 0
    said = capsys.readouterr().out
    assert "Could not compile them (BUILD FAILED: no C compiler was found;" in said
    assert str(tmp_path / "build.log") in said
    assert "The census runs as plain Python: the same results, a little slower." in said


def test_setup_does_nothing_more_once_they_are_compiled(sources, monkeypatch, capsys):
    built_here = compiled.build_dir(sources)
    monkeypatch.setattr(compiled, "build_dir", lambda: built_here)
    assert compiled.main([]) == 0
    assert capsys.readouterr().out == (
        "The census reader and rules are compiled (mypyc) for these sources.\n"
    )


def test_the_reader_and_rules_are_typed_as_mypyc_needs(tmp_path):
    """A type error would leave them uncompiled (setup says so, and goes on): caught here."""
    sources = [str(compiled.HERE / f"{name}.py") for name in compiled.MODULES]
    done = subprocess.run(  # this Python's mypy, the project's sources
        [sys.executable, "-m", "mypy", *compiled.MYPY_OPTIONS,
         f"--cache-dir={tmp_path}", *sources],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr


FINDINGS = """
import json, sys
from iro.census import compiled
from iro.census.reader import CensusStream
from iro.census.rules import Validator
stream = CensusStream(sys.argv[1])
validator = Validator(stream.header)
found = [f.as_dict() for f in validator.run(stream.children())]
print(json.dumps({"compiled": compiled.in_use(), "findings": found,
                  "summary": validator.summary()}))
"""


def _findings(path, *, pure: bool) -> dict:
    env = {k: v for k, v in os.environ.items() if k != compiled.PURE_SWITCH}
    if pure:
        env[compiled.PURE_SWITCH] = "1"
    done = subprocess.run(  # this Python, this test's script
        [sys.executable, "-c", FINDINGS, str(path)],
        capture_output=True, text=True, check=True, env=env,
    )  # fmt: skip
    return json.loads(done.stdout)


@pytest.mark.skipif(
    not (compiled.build_dir() / compiled.COMPLETE).is_file(),
    reason="the census modules are not compiled here (make setup compiles them)",
)
def test_the_compiled_modules_find_exactly_what_the_plain_ones_find(tmp_path):
    from iro.census.synthetic import write_synthetic_file

    path = tmp_path / "messy.xml"
    write_synthetic_file(path, 600, year="2023-24", seed=14, messy=True)
    fast, plain = _findings(path, pure=False), _findings(path, pure=True)
    assert (fast["compiled"], plain["compiled"]) == (True, False)
    assert fast["findings"] == plain["findings"]
    assert fast["summary"] == plain["summary"]
    assert len(plain["summary"]["by_rule"]) > 5  # a file that breaks rules of many kinds
