"""Audit from PyPI's project JSON the pins pip-audit could not look up.

pip-audit asks PyPI for each pin at https://pypi.org/pypi/NAME/VERSION/json. Some networks and mirrors
(this project's build machine among them) answer 404 there but serve the project endpoint
https://pypi.org/pypi/NAME/json. That endpoint describes the latest release only: its `vulnerabilities`
list answers for a pin when the pin *is* the latest release, and says nothing about older ones. So a pin
at the latest release is audited from it; any other pin stays "could not be audited", with the reason.
"""
from __future__ import annotations

import json
import re
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Callable

PROJECT_JSON = "https://pypi.org/pypi/{name}/json"
_PIN = re.compile(r"^([A-Za-z0-9_.-]+)==([^\s;#\\]+)", re.MULTILINE)

Fetch = Callable[[str], dict | None]


def normalized(name: str) -> str:
    """A distribution name as PyPI compares them (PEP 503)."""
    return re.sub(r"[-_.]+", "-", name).lower()


def locked_pins(lock: Path) -> dict[str, str]:
    """{normalized name: version} for every `name==version` line of a lock file."""
    return {normalized(name): version for name, version in _PIN.findall(lock.read_text(encoding="utf-8"))}


def project_json(name: str) -> dict | None:
    """PyPI's project JSON for `name`, or None when PyPI cannot be reached or does not answer."""
    try:
        with urllib.request.urlopen(PROJECT_JSON.format(name=name), timeout=20) as response:
            return json.load(response)
    except (urllib.error.URLError, TimeoutError, ValueError):
        return None


def audited(name: str, version: str | None, fetch: Fetch) -> dict:
    """One dependency in pip-audit's report shape: audited (with `vulns`) or skipped (with `skip_reason`)."""
    if version is None:
        return {"name": name, "skip_reason": "not pinned in the lock file"}
    project = fetch(name)
    if project is None:
        return {"name": name, "skip_reason": f"{version}: PyPI's project JSON could not be read"}
    latest = project.get("info", {}).get("version")
    if latest != version:
        return {"name": name, "skip_reason": f"{version}: PyPI publishes vulnerabilities here only for the latest "
                                             f"release ({latest}); this pin could not be checked"}
    vulns = [{"id": vuln["id"], "aliases": vuln.get("aliases") or [], "fix_versions": vuln.get("fixed_in") or []}
             for vuln in project.get("vulnerabilities") or [] if not vuln.get("withdrawn")]
    return {"name": name, "version": version, "vulns": vulns}


def fill_in(report: dict, pins: dict[str, str], fetch: Fetch = project_json) -> dict:
    """pip-audit's report with every skipped dependency audited from the project JSON where that can be done."""
    def answer(dependency: dict) -> dict:
        if "skip_reason" not in dependency:
            return dependency
        return audited(dependency["name"], pins.get(normalized(dependency["name"])), fetch)

    with ThreadPoolExecutor(max_workers=8) as pool:
        return {**report, "dependencies": list(pool.map(answer, report.get("dependencies", [])))}
