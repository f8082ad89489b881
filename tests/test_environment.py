"""The install routes stay in step (pyproject.toml's ranges, requirements.lock's pins and
environment.yml), the bundled data ships in the wheel, and README opens with the two commands."""

import fnmatch
import re
import tomllib
from pathlib import Path

import pytest
from packaging.specifiers import SpecifierSet

ROOT = Path(__file__).resolve().parents[1]
PACKAGE_DATA = ["data/mnist_5k.npz", "data/NOTICE"]
# conda-forge names that differ from the PyPI names in pyproject.toml
CONDA_TO_PYPI = {"playwright-python": "playwright"}
CONDA_ONLY = {"python", "pip"}


def normalise(name):
    """PEP 503 form of a package name: lower case, runs of - _ . become one -."""
    return re.sub(r"[-_.]+", "-", name).lower()


def split_requirement(text):
    """'numpy >= 1.24 ; marker' -> ('numpy', '>=1.24'); extras and markers dropped."""
    text = text.split(";")[0].split("#")[0]
    match = re.match(r"\s*([A-Za-z0-9][A-Za-z0-9._-]*)\s*(?:\[[^\]]*\])?\s*(.*)$", text)
    if not match:
        raise ValueError(f"cannot read requirement {text!r}")
    return normalise(match.group(1)), re.sub(r"\s+", "", match.group(2))


def parse_environment_yml(text):
    """Read the small YAML subset environment.yml uses: scalars, lists, one nested pip list.

    Returns a dict: scalars as str, lists as list of str, and the pip list under "pip".
    """
    result = {"pip": []}
    key, pip_indent = None, None
    for number, raw in enumerate(text.splitlines(), start=1):
        line = re.sub(r"\s+#.*$", "", raw).rstrip()
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        indent = len(line) - len(line.lstrip())
        item = line.strip()
        if key == "pip" and indent <= pip_indent:
            key = "dependencies"  # the nested pip list has ended
        if indent == 0:
            key, _, value = item.partition(":")
            result[key] = value.strip() if value.strip() else []
        elif item == "- pip:" and key == "dependencies":
            key, pip_indent = "pip", indent
        elif item.startswith("- ") and isinstance(result.get(key), list):
            result[key].append(item[2:].strip())
        else:
            raise ValueError(f"environment.yml line {number}: cannot read {raw!r}")
    return result


def pyproject_requirements(pyproject):
    project = pyproject["project"]
    listed = project["dependencies"] + project["optional-dependencies"]["test"]
    return dict(split_requirement(r) for r in listed)


def conda_requirements(env):
    found = {}
    for entry in env["dependencies"] + env["pip"]:
        if entry.replace("-e", "").strip() in {".", ".[test]"}:
            continue  # the project itself
        name, spec = split_requirement(entry)
        found[CONDA_TO_PYPI.get(name, name)] = spec
    return found


@pytest.fixture(scope="module")
def pyproject():
    return tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def environment():
    return parse_environment_yml((ROOT / "environment.yml").read_text(encoding="utf-8"))


def test_dependency_names_agree(pyproject, environment):
    pip_names = set(pyproject_requirements(pyproject))
    conda_names = set(conda_requirements(environment)) - CONDA_ONLY
    assert pip_names - conda_names == set(), "in pyproject.toml but not in environment.yml"
    assert conda_names - pip_names == set(), "in environment.yml but not in pyproject.toml"


def read_lock(text):
    """{name: version} from requirements.lock (name==version lines, # comments)."""
    pins = {}
    for line in text.splitlines():
        if line.strip() and not line.startswith("#"):
            name, _, version = line.strip().partition("==")
            pins[normalise(name)] = version
    return pins


@pytest.fixture(scope="module")
def lock():
    return read_lock((ROOT / "requirements.lock").read_text(encoding="utf-8"))


def test_lock_pins_every_dependency_within_its_range(pyproject, lock):
    outside = {
        name: (spec, lock.get(name))
        for name, spec in pyproject_requirements(pyproject).items()
        if lock.get(name) not in SpecifierSet(spec)
    }
    assert outside == {}, (
        "requirements.lock lacks a dependency or pins it outside pyproject's range"
    )


def test_environment_yml_pins_the_locked_versions(pyproject, environment, lock):
    conda_specs = conda_requirements(environment)
    differ = {
        name: (conda_specs.get(name), lock.get(name))
        for name in pyproject_requirements(pyproject)
        if conda_specs.get(name) != f"=={lock.get(name)}"
    }
    assert differ == {}, "environment.yml and requirements.lock pin different versions"
    python = re.sub(r"\s+", "", pyproject["project"]["requires-python"])
    assert conda_specs.get("python") == python, "python bound differs from requires-python"


def test_lock_comparison_can_fail(pyproject):
    pins = read_lock("# header\nnumpy==1.20.0\nMatplotlib==3.11.2\n")
    assert pins == {"numpy": "1.20.0", "matplotlib": "3.11.2"}
    assert pins["numpy"] not in SpecifierSet(pyproject_requirements(pyproject)["numpy"])


def test_environment_yml_is_conda_forge_and_installs_the_project(environment):
    assert environment["name"] == "zerotsuku"
    assert environment["channels"] == ["conda-forge"]
    assert any(entry.replace("-e", "").strip() == "." for entry in environment["pip"]), (
        "environment.yml must pip-install the project itself (- -e .)"
    )


def test_comparison_notices_a_missing_dependency(pyproject):
    """The agreement check above can fail: drop one dependency and it is noticed."""
    env = parse_environment_yml(
        "name: zerotsuku\nchannels:\n  - conda-forge\ndependencies:\n"
        "  - python>=3.11\n  - numpy>=1.24  # comment\n  - pip\n  - pip:\n      - -e .\n"
        "  - ruff>=0.5\n"
    )
    assert env["dependencies"] == ["python>=3.11", "numpy>=1.24", "pip", "ruff>=0.5"]
    assert env["pip"] == ["-e ."]
    missing = set(pyproject_requirements(pyproject)) - set(conda_requirements(env))
    assert "matplotlib" in missing
    assert split_requirement("Foo_Bar.baz [x] >= 1.0 ; python_version<'3.11'") == (
        "foo-bar-baz",
        ">=1.0",
    )


@pytest.mark.parametrize("relative", PACKAGE_DATA)
def test_bundled_data_is_package_data(pyproject, relative):
    assert (ROOT / "zerotsuku" / relative).is_file(), f"zerotsuku/{relative} is missing"
    patterns = pyproject["tool"]["setuptools"]["package-data"].get("zerotsuku", [])
    assert any(fnmatch.fnmatch(relative, p) for p in patterns), (
        f"zerotsuku/{relative} is not matched by [tool.setuptools.package-data] {patterns}"
    )


def readme_commands(text):
    """Shell commands in README's fenced code blocks, in order, without prompts or comments."""
    commands = []
    for block in re.findall(r"^```[^\n]*\n(.*?)^```", text, flags=re.M | re.S):
        for line in block.splitlines():
            command = line.split("#")[0].strip().removeprefix("$ ").strip()
            if command:
                commands.append(command)
    return commands


def test_readme_starts_with_make_lab_and_make_test():
    commands = readme_commands((ROOT / "README.md").read_text(encoding="utf-8"))
    assert commands[:2] == ["make lab", "make test"]


def test_readme_command_reader_sees_order():
    text = "Intro\n\n```sh\n$ make test  # runs\n```\n\n```\nmake lab\n```\n"
    assert readme_commands(text) == ["make test", "make lab"]


def test_every_subpackage_is_installed(pyproject):
    """A folder of the package missing from the wheel would import only from a checkout."""
    from setuptools import find_packages

    include = pyproject["tool"]["setuptools"]["packages"]["find"]["include"]
    found = set(find_packages(where=ROOT, include=include))
    folders = {
        ".".join(init.parent.relative_to(ROOT).parts)
        for init in ROOT.glob("zerotsuku/**/__init__.py")
    }
    assert folders and folders <= found, f"not installed: {sorted(folders - found)}"
