"""Dependencies: every pin is locked with hashes, and pip-audit finds no unexplained known vulnerability."""
from __future__ import annotations

import re
import warnings
from pathlib import Path

import pytest

from scripts.audit import AUDITED, UNAVAILABLE, VULNERABLE, audit, judge, read_ignores
from scripts.latest_release_audit import fill_in, locked_pins

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


def project(version: str, *vulns: dict) -> dict:
    return {"info": {"version": version}, "vulnerabilities": list(vulns)}


def test_pins_pip_audit_could_not_look_up_are_audited_from_the_project_json_when_they_are_the_latest():
    answers = {
        "Flask": project("3.1.0", {"id": "GHSA-1", "aliases": ["CVE-1"], "fixed_in": [], "withdrawn": None},
                         {"id": "GHSA-2", "aliases": [], "fixed_in": ["3.1.1"], "withdrawn": "2026-01-01"}),
        "old": project("2.0"),
        "quiet": project("1.0"),
    }
    report = {"dependencies": [dependency("Flask", skip=True), dependency("old", skip=True),
                               dependency("quiet", skip=True), dependency("offline", skip=True),
                               dependency("looked-up")]}
    pins = {"flask": "3.1.0", "old": "1.0", "quiet": "1.0", "offline": "1.0", "looked-up": "1.0"}
    filled = fill_in(report, pins, fetch=answers.get)["dependencies"]
    assert filled[0] == {"name": "Flask", "version": "3.1.0",
                         "vulns": [{"id": "GHSA-1", "aliases": ["CVE-1"], "fix_versions": []}]}  # withdrawn: dropped
    assert "latest release (2.0); this pin could not be checked" in filled[1]["skip_reason"]
    assert filled[2] == {"name": "quiet", "version": "1.0", "vulns": []}
    assert "could not be read" in filled[3]["skip_reason"]
    assert filled[4] == report["dependencies"][4]
    verdict = judge({"dependencies": filled}, {})
    assert verdict.status == VULNERABLE and "Flask 3.1.0: GHSA-1 (fixed in: no fixed release yet)" in verdict.lines


def test_the_lock_file_pins_are_read_by_normalized_name(tmp_path):
    lock = tmp_path / "requirements.lock"
    lock.write_text("Jinja2==3.1.6 \\\n    --hash=sha256:abc\nruamel.yaml==0.18.6 ; python_version >= '3.9'\n")
    assert locked_pins(lock) == {"jinja2": "3.1.6", "ruamel-yaml": "0.18.6"}


def test_no_known_vulnerability_in_the_locked_dependencies():
    verdict = audit()
    if verdict.status == UNAVAILABLE:
        pytest.skip("; ".join(verdict.lines))
    assert verdict.status == AUDITED, "\n".join(verdict.lines)
    for line in verdict.lines[1:]:  # packages that could not be audited: shown, not silently passed
        warnings.warn(line)


def test_the_audit_reports_a_known_vulnerability_of_a_real_release(tmp_path):
    """ecdsa's latest release has a published timing attack its maintainers will not fix (CVE-2024-23342)."""
    lock = tmp_path / "requirements.lock"
    lock.write_text("ecdsa==0.19.2\n")
    verdict = audit(lock)
    if verdict.status == UNAVAILABLE:
        pytest.skip("; ".join(verdict.lines))
    if any("could not be audited: ecdsa" in line for line in verdict.lines):
        pytest.skip("ecdsa 0.19.2 is no longer the latest release: " + "; ".join(verdict.lines))
    assert verdict.status == VULNERABLE and any("ecdsa 0.19.2:" in line for line in verdict.lines)
