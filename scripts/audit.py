"""Check the locked dependencies (requirements-dev.lock holds them all) for known vulnerabilities with pip-audit.

    .venv/bin/python -m scripts.audit

Exit 0: no known vulnerability, or only ones listed with a reason in audit-ignore.txt.
Exit 1: a vulnerability without an explained exception, or an exception without a reason.
Exit 2: nothing could be audited (PyPI's vulnerability data unreachable: offline); the test suite
skips then, with this message as the reason.
Where PyPI's per-release JSON is missing (some networks and mirrors answer 404), pins at the latest
release are audited from the project JSON instead (scripts/latest_release_audit.py). Packages that
could not be audited are listed, so a partial audit never reads as a clean one.
"""
from __future__ import annotations

import json
import re
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

from scripts.latest_release_audit import fill_in, locked_pins

ROOT = Path(__file__).resolve().parent.parent
LOCK = ROOT / "requirements-dev.lock"
IGNORE = ROOT / "audit-ignore.txt"
AUDITED, VULNERABLE, UNAVAILABLE = 0, 1, 2
_ENTRY = re.compile(r"^(?P<id>[A-Za-z0-9][A-Za-z0-9_.:-]*)\s+(?P<reason>\S.*)$")


@dataclass
class Audit:
    status: int
    lines: list[str] = field(default_factory=list)


def read_ignores(path: Path = IGNORE) -> dict[str, str]:
    """{vulnerability id: reason} from `ID  reason` lines; '#' starts a comment. ValueError if a reason is missing."""
    ignores: dict[str, str] = {}
    if not path.exists():
        return ignores
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        text = line.split("#", 1)[0].strip()
        if not text:
            continue
        match = _ENTRY.match(text)
        if not match:
            raise ValueError(f"{path.name}, line {number}: an ignored vulnerability needs a reason: {text!r}")
        ignores[match["id"]] = match["reason"]
    return ignores


def judge(report: dict, ignores: dict[str, str]) -> Audit:
    """The verdict on pip-audit's JSON report."""
    found, skipped, checked = [], [], 0
    for dependency in report.get("dependencies", []):
        if "skip_reason" in dependency:
            skipped.append(f"{dependency['name']}: {dependency['skip_reason']}")
            continue
        checked += 1
        for vuln in dependency.get("vulns", []):
            ids = {vuln["id"], *vuln.get("aliases", [])}
            if ids & set(ignores):
                continue
            fixes = ", ".join(vuln.get("fix_versions", [])) or "no fixed release yet"
            found.append(f"{dependency['name']} {dependency['version']}: {vuln['id']} (fixed in: {fixes})")
    notes = [f"could not be audited: {line}" for line in skipped]
    if found:
        return Audit(VULNERABLE, [*found, "Upgrade the pin and run scripts/lock.sh, or explain the exception in "
                                            f"{IGNORE.name}.", *notes])
    if not checked:
        return Audit(UNAVAILABLE, [f"no package could be audited ({len(skipped)} skipped): PyPI's vulnerability "
                                   "data is unreachable from here"])
    return Audit(AUDITED, [f"{checked} packages audited, no known vulnerability", *notes])


def audit(lock: Path = LOCK) -> Audit:
    """Run pip-audit on the lock file against PyPI's vulnerability data and judge the answer."""
    try:
        ignores = read_ignores()
    except ValueError as exc:
        return Audit(VULNERABLE, [str(exc)])
    command = [sys.executable, "-m", "pip_audit", "--vulnerability-service", "pypi", "--requirement", str(lock),
               "--no-deps", "--disable-pip", "--progress-spinner", "off", "--format", "json", "--timeout", "20"]
    run = subprocess.run(command, capture_output=True, text=True, timeout=600)
    try:
        report = json.loads(run.stdout)
    except json.JSONDecodeError:
        last = (run.stderr.strip().splitlines() or ["no output"])[-1]
        return Audit(UNAVAILABLE, [f"pip-audit could not reach PyPI's vulnerability data: {last}"])
    return judge(fill_in(report, locked_pins(lock)), ignores)


def main() -> int:
    result = audit()
    for line in result.lines:
        print(line, file=sys.stderr if result.status else sys.stdout)
    return result.status


if __name__ == "__main__":
    sys.exit(main())
