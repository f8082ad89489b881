"""Version pins: the lock file the stored outputs were made with, and the oldest versions.

Usage::

    python tools/pins.py lock FREEZE      # write requirements.lock from `pip freeze` output,
                                          # and pin environment.yml to the same versions
    python tools/pins.py oldest           # constraints: every dependency at its lower bound

``make lock`` runs the first in a fresh venv; ``make test-oldest`` the second.
"""

import re
import sys
import tomllib
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parents[1]
LOCK = ROOT / "requirements.lock"
ENVIRONMENT = ROOT / "environment.yml"
CONDA_NAMES = {"playwright": "playwright-python"}  # PyPI name -> conda-forge name
LOCK_HEADER = """\
# The versions the stored notebook outputs were made with (Python {python}, Linux x86-64).
# `make lab` and `make test` install these; pyproject.toml keeps the supported ranges.
# Refresh: `make lock` (a fresh venv, the newest versions pyproject allows, then this file).
"""


def declared():
    """Requirement objects of pyproject's dependencies and its test extra."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    listed = project["dependencies"] + project["optional-dependencies"]["test"]
    return [Requirement(text) for text in listed]


def read_freeze(text):
    """{canonical name: version} from `pip freeze` lines (name==version)."""
    pins = {}
    for line in text.splitlines():
        name, sep, version = line.strip().partition("==")
        if sep and not line.startswith("#"):
            pins[canonicalize_name(name)] = version
    return pins


def lower_bound(requirement):
    """The version after '>=' in a requirement, or None."""
    bounds = [spec.version for spec in requirement.specifier if spec.operator == ">="]
    return bounds[0] if bounds else None


def oldest_constraints():
    """One 'name==lower bound' line per declared dependency that applies to this Python."""
    lines = []
    for requirement in declared():
        if requirement.marker is None or requirement.marker.evaluate():
            bound = lower_bound(requirement)
            if bound is None:
                raise SystemExit(f"pyproject.toml: {requirement} has no lower bound")
            lines.append(f"{requirement.name}=={bound}")
    return "\n".join(lines) + "\n"


def pin_environment_lines(text, pins):
    """``text`` (environment.yml) with each package of ``pins`` pinned to its version."""
    for name, version in pins.items():
        conda = CONDA_NAMES.get(name, name)
        pattern = rf"^(\s*- ){re.escape(conda)}[=<>!][^\s#]*"
        text, count = re.subn(pattern, rf"\g<1>{conda}=={version}", text, flags=re.M)
        if count != 1:
            raise SystemExit(f"environment.yml: no single line for {conda}")
    return text


def pin_environment(text, pins):
    """environment.yml with each declared dependency pinned to its locked version."""
    names = [canonicalize_name(requirement.name) for requirement in declared()]
    return pin_environment_lines(text, {name: pins[name] for name in names if name in pins})


def write_lock(freeze_text):
    pins = read_freeze(freeze_text)
    pins.pop("zerotsuku", None)
    python = ".".join(map(str, sys.version_info[:2]))
    body = "".join(f"{name}=={pins[name]}\n" for name in sorted(pins))
    LOCK.write_text(LOCK_HEADER.format(python=python) + body)
    ENVIRONMENT.write_text(pin_environment(ENVIRONMENT.read_text(), pins))
    print(f"{LOCK.name}: {len(pins)} packages; {ENVIRONMENT.name} pinned to the same versions")


def main(args):
    if args[:1] == ["lock"] and len(args) == 2:
        write_lock(Path(args[1]).read_text())
        return 0
    if args == ["oldest"]:
        sys.stdout.write(oldest_constraints())
        return 0
    print(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
