"""The dev container (issue 22.7): its devcontainer.json against the Dev Container schema, and its image
holding what `make book` and `make test` need, as CI, which tests in the same image, does.

No container runtime runs here (a Docker client without a daemon), so the image itself is not built by
the tests; what can be checked without one is checked.
"""

from __future__ import annotations

import json
import re

import jsonschema
import pytest
import yaml
from conftest import ROOT

from casebook import toolchain

FOLDER = ROOT / ".devcontainer"
SCHEMA = json.loads((ROOT / "tests" / "schemas" / "devContainer.base.schema.json").read_text(encoding="utf-8"))


def config() -> dict:
    return json.loads((FOLDER / "devcontainer.json").read_text(encoding="utf-8"))


def problems(document: dict) -> list[str]:
    validator = jsonschema.Draft201909Validator(SCHEMA)
    return [e.message for e in validator.iter_errors(document)]


def test_devcontainer_json_matches_the_dev_container_schema():
    assert problems(config()) == []


@pytest.mark.parametrize("broken", [{"postCreateComand": "make venv"}, {"build": {"dockerfile": 3}}, {"forwardPorts": "8000"}])
def test_the_schema_check_finds_a_broken_file(broken):
    assert problems({**config(), **broken}) != []


def test_it_builds_the_dockerfile_from_the_repository_and_sets_up_the_venv():
    spec = config()
    assert (FOLDER / spec["build"]["dockerfile"]).exists()
    assert (FOLDER / spec["build"]["context"]).resolve() == ROOT
    assert spec["postCreateCommand"] == "make venv"
    assert 8000 in spec["forwardPorts"]  # make preview


def _apt_packages(dockerfile: str) -> set[str]:
    command = re.search(r"apt-get install (.*?)(?:&&|$)", dockerfile.replace("\\\n", " "), re.S).group(1)
    return {word for word in command.split() if not word.startswith("-")}


def test_the_image_has_what_make_book_and_make_test_would_install():
    dockerfile = (FOLDER / "Dockerfile").read_text(encoding="utf-8")
    packages = _apt_packages(dockerfile)
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    test_packages = re.search(r"^TEST_PACKAGES := (.*)$", makefile, re.M).group(1).split()
    assert set(toolchain.DEBIAN_TEX) | {"pandoc", "make", "git"} | set(test_packages) <= packages
    python = re.search(r"^FROM python:(\d+)\.(\d+)-bookworm$", dockerfile, re.M)
    assert python and (int(python.group(1)), int(python.group(2))) >= toolchain.python_needed()


def test_ci_tests_in_the_dev_container():
    flow = yaml.safe_load((ROOT / ".github" / "workflows" / "publish.yml").read_text(encoding="utf-8"))
    for job, command in (("test", "make test"), ("build-pages", "make book")):
        step = next(s for s in flow["jobs"][job]["steps"] if s.get("uses", "").startswith("devcontainers/ci@"))
        assert step["with"]["runCmd"].strip().splitlines()[0] == command
        assert step["with"]["push"] == "never"
        assert "container" not in flow["jobs"][job]  # the image is the dev container's, not another
