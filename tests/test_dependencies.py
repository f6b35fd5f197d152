"""Dependencies: every pin is locked with hashes, and pip-audit finds no unexplained known vulnerability."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from scripts.audit import AUDITED, UNAVAILABLE, VULNERABLE, audit, judge, read_ignores

ROOT = Path(__file__).resolve().parents[1]
_PIN = re.compile(r"^([A-Za-z0-9_.-]+)==([^\s;#\\]+)", re.MULTILINE)


def pins(path: Path) -> dict[str, str]:
    return {re.sub(r"[-_.]+", "-", name).lower(): version for name, version in _PIN.findall(path.read_text())}


@pytest.mark.parametrize("requirements, lock", [("requirements.txt", "requirements.lock"),
                                                ("requirements-dev.txt", "requirements-dev.lock")])
def test_every_pin_is_in_its_lock_with_hashes(requirements, lock):
    wanted = pins(ROOT / "requirements.txt") | pins(ROOT / requirements)
    locked = pins(ROOT / lock)
    stale = {name: version for name, version in wanted.items() if locked.get(name) != version}
    assert not stale, f"{lock} is out of date for {stale}: run scripts/lock.sh"
    entries = [entry for entry in re.split(r"\n(?=\S)", (ROOT / lock).read_text()) if _PIN.match(entry)]
    assert len(entries) == len(locked) and all("--hash=sha256:" in entry for entry in entries)
    assert len(locked) > len(wanted)  # the transitive dependencies are pinned too


def dependency(name: str, *vulns: str, skip: bool = False) -> dict:
    if skip:
        return {"name": name, "skip_reason": "Dependency not found on PyPI"}
    return {"name": name, "version": "1.0", "vulns": [{"id": v, "aliases": [f"CVE-{v}"], "fix_versions": ["1.1"]}
                                                      for v in vulns]}


def test_a_vulnerability_fails_unless_explained():
    report = {"dependencies": [dependency("a", "PYSEC-1"), dependency("b"), dependency("c", skip=True)]}
    verdict = judge(report, {})
    assert verdict.status == VULNERABLE and "a 1.0: PYSEC-1 (fixed in: 1.1)" in verdict.lines
    assert "could not be audited: c: Dependency not found on PyPI" in verdict.lines
    assert judge(report, {"CVE-PYSEC-1": "only the CLI is affected"}).status == AUDITED


def test_an_audit_that_checked_nothing_is_not_a_clean_one():
    verdict = judge({"dependencies": [dependency("a", skip=True), dependency("b", skip=True)]}, {})
    assert verdict.status == UNAVAILABLE and "2 skipped" in verdict.lines[0]


def test_an_exception_needs_a_reason(tmp_path):
    path = tmp_path / "ignore.txt"
    path.write_text("# comment\nGHSA-xxxx  no fix yet; the parser is never given untrusted input\n")
    assert read_ignores(path) == {"GHSA-xxxx": "no fix yet; the parser is never given untrusted input"}
    path.write_text("GHSA-xxxx\n")
    with pytest.raises(ValueError, match="line 1: an ignored vulnerability needs a reason"):
        read_ignores(path)


def test_no_known_vulnerability_in_the_locked_dependencies():
    verdict = audit()
    if verdict.status == UNAVAILABLE:
        pytest.skip("; ".join(verdict.lines))
    assert verdict.status == AUDITED, "\n".join(verdict.lines)
