"""The GitHub workflows and issue forms: valid for GitHub, clean for zizmor, and doing their job.

A broken workflow is found out only after a push, by which time the site may not have been
published for days; these tests find it out locally. The schema checks and zizmor come from the
``test`` extra and run offline; without them, those tests skip and say so.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml
from tweetorials.catalog import load_catalog

ROOT = Path(__file__).resolve().parents[1]
WORKFLOWS = ROOT / ".github" / "workflows"
TEMPLATES = ROOT / ".github" / "ISSUE_TEMPLATE"
SHA_PIN = re.compile(r"^[\w.-]+/[\w./-]+@[0-9a-f]{40}$")


def tool(name: str) -> str:
    """The tool from this environment (next to Python) or from PATH.

    Both come from PyPI with the test extras (``make test`` installs them), so a missing one
    is a broken set-up and fails: a skip would let CI pass without auditing the workflows.
    """
    local = Path(sys.executable).with_name(name)
    found = str(local) if local.exists() else shutil.which(name)
    if found is None:
        pytest.fail(f"{name} is not installed: run `make test`, or pip install -e '.[test]'")
    return found


def run_tool(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(args, cwd=ROOT, capture_output=True, text=True, timeout=120)


def load(path: Path) -> dict[str, Any]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert isinstance(data, dict), path
    return data


def triggers(workflow: dict[str, Any]) -> dict[str, Any]:
    # YAML 1.1 reads a bare `on` key as the boolean True.
    on = workflow.get("on", workflow.get(True))
    assert isinstance(on, dict)
    return on


def steps(workflow: dict[str, Any], job: str) -> list[dict[str, Any]]:
    return workflow["jobs"][job]["steps"]


def step_using(workflow: dict[str, Any], job: str, action: str) -> tuple[int, dict[str, Any]]:
    for index, step in enumerate(steps(workflow, job)):
        if step.get("uses", "").split("@")[0] == action:
            return index, step
    raise AssertionError(f"job {job} has no step using {action}")


def step_running(workflow: dict[str, Any], job: str, command: str) -> tuple[int, dict[str, Any]]:
    for index, step in enumerate(steps(workflow, job)):
        if command in step.get("run", ""):
            return index, step
    raise AssertionError(f"job {job} has no step running {command!r}")


def all_workflows() -> list[Path]:
    paths = sorted(WORKFLOWS.glob("*.yml"))
    assert {p.name for p in paths} >= {"ci.yml", "pages.yml", "refresh.yml", "lock.yml"}
    return paths


# -- external validators --------------------------------------------------------------------


def test_workflows_match_githubs_schema() -> None:
    result = run_tool(
        tool("check-jsonschema"),
        "--builtin-schema",
        "vendor.github-workflows",
        *map(str, all_workflows()),
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_issue_forms_and_config_match_githubs_schemas() -> None:
    checker = tool("check-jsonschema")
    forms = sorted(str(p) for p in TEMPLATES.glob("*.yml") if p.name != "config.yml")
    assert len(forms) == 2
    result = run_tool(checker, "--builtin-schema", "vendor.github-issue-forms", *forms)
    assert result.returncode == 0, result.stdout + result.stderr
    config = str(TEMPLATES / "config.yml")
    result = run_tool(checker, "--builtin-schema", "vendor.github-issue-config", config)
    assert result.returncode == 0, result.stdout + result.stderr


def test_zizmor_finds_nothing() -> None:
    # Each ignore comment in the workflows says why the finding does not apply. (They are also
    # clean under `--persona pedantic` today; the test keeps to the default, so a new pedantic
    # audit in a later zizmor does not turn CI red.)
    result = run_tool(tool("zizmor"), "--offline", "--format", "plain", str(WORKFLOWS))
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_checks_above_can_fail(tmp_path: Path) -> None:
    """Workflows with classic mistakes are caught by both tools (so the tests are not empty)."""
    unsafe = tmp_path / "unsafe" / "unsafe.yml"
    unsafe.parent.mkdir()
    unsafe.write_text(
        "on: [pull_request_target]\n"
        "jobs:\n"
        "  x:\n"
        "    runs-on: ubuntu-24.04\n"
        "    steps:\n"
        "      - uses: actions/checkout@v4\n"
        "      - run: echo ${{ github.event.pull_request.title }}\n"
    )
    audit = run_tool(tool("zizmor"), "--offline", "--format", "plain", str(unsafe))
    assert audit.returncode != 0
    assert "template-injection" in audit.stdout and "unpinned-uses" in audit.stdout

    invalid = tmp_path / "invalid.yml"
    invalid.write_text("on: push\njobs:\n  y:\n    runs-on: ubuntu-24.04\n    stepz: []\n")
    schema = run_tool(
        tool("check-jsonschema"), "--builtin-schema", "vendor.github-workflows", str(invalid)
    )
    assert schema.returncode != 0


# -- rules every workflow follows -----------------------------------------------------------


@pytest.mark.parametrize("path", all_workflows(), ids=lambda p: p.name)
def test_actions_are_pinned_by_commit_sha(path: Path) -> None:
    for job in load(path)["jobs"].values():
        for step in job.get("steps", []):
            if "uses" in step:
                assert SHA_PIN.match(step["uses"]), f"{path.name}: pin {step['uses']} by SHA"
    # The version each SHA stands for is written next to it, for the people who update them.
    for line in path.read_text(encoding="utf-8").splitlines():
        if re.search(r"uses: \S+@[0-9a-f]{40}", line):
            assert re.search(r"# v\d", line), line


@pytest.mark.parametrize("path", all_workflows(), ids=lambda p: p.name)
def test_no_expressions_inside_scripts_and_no_credentials_left_behind(path: Path) -> None:
    workflow = load(path)
    assert workflow["permissions"] == {"contents": "read"}, "least privilege at the top"
    for name, job in workflow["jobs"].items():
        for step in job.get("steps", []):
            # ${{ }} in a script is pasted in before the shell runs: pass values through env.
            assert "${{" not in step.get("run", ""), f"{path.name}:{name}: use env for {step}"
            if step.get("uses", "").startswith("actions/checkout@"):
                assert step["with"]["persist-credentials"] is False


# -- what each workflow is for --------------------------------------------------------------


def test_ci_runs_the_readme_test_command_with_debian_chromium_and_a_pip_cache() -> None:
    ci = load(WORKFLOWS / "ci.yml")
    on = triggers(ci)
    assert "push" in on and "pull_request" in on
    job = ci["jobs"]["test"]
    assert "bookworm" in job["container"]["image"]  # Debian, where `chromium` is a real package
    _, cache = step_using(ci, "test", "actions/cache")
    assert cache["with"]["path"] == "~/.cache/pip"
    assert "hashFiles('requirements.lock')" in cache["with"]["key"]
    step_running(ci, "test", ".ci/run")
    script = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert re.search(r"apt-get install .*\bchromium\b", script)
    assert re.search(r"^make lint\nmake test$", script, re.MULTILINE), "lint first, then test"
    assert "make test" in (ROOT / "README.md").read_text(encoding="utf-8")


def test_pages_fetches_builds_with_publishconf_and_deploys_with_the_right_permissions() -> None:
    pages = load(WORKFLOWS / "pages.yml")
    on = triggers(pages)
    assert on["push"] == {"branches": ["main"]}
    assert on["schedule"] and "workflow_dispatch" in on
    assert pages["concurrency"]["group"] == "pages"
    assert pages["concurrency"]["cancel-in-progress"] is False

    fetch_at, fetch = step_running(pages, "build", "make fetch")
    assert fetch["continue-on-error"] is True, "a fetch failure must not block publishing"
    configure_at, configure = step_using(pages, "build", "actions/configure-pages")
    build_at, build = step_running(pages, "build", "make publish")
    assert build["env"]["SITEURL"] == f"${{{{ steps.{configure['id']}.outputs.base_url }}}}"
    assert build["env"]["TWEETORIALS_FETCH"] == "never"  # fetched once, above
    assert "if" not in build and "continue-on-error" not in build
    index_at, _ = step_running(pages, "build", "output/pagefind/")
    upload_at, upload = step_using(pages, "build", "actions/upload-pages-artifact")
    assert upload["with"]["path"] == "output"
    assert configure_at < build_at and fetch_at < build_at < index_at < upload_at
    assert "publishconf.py" in (ROOT / "Makefile").read_text(encoding="utf-8")

    deploy = pages["jobs"]["deploy"]
    assert deploy["needs"] == "build"
    assert deploy["permissions"] == {"pages": "write", "id-token": "write"}
    assert deploy["environment"]["name"] == "github-pages"
    _, step = step_using(pages, "deploy", "actions/deploy-pages")
    assert deploy["environment"]["url"] == f"${{{{ steps.{step['id']}.outputs.page_url }}}}"
    assert "permissions" not in pages["jobs"]["build"], "the build needs no write access"


def test_refresh_proposes_changed_snapshots_as_a_pull_request() -> None:
    refresh = load(WORKFLOWS / "refresh.yml")
    on = triggers(refresh)
    assert on["schedule"] and "push" not in on and "pull_request" not in on
    job = refresh["jobs"]["refresh"]
    assert job["permissions"] == {"contents": "write", "pull-requests": "write"}
    fetch_at, fetch = step_running(refresh, "refresh", "tweetorials fetch --refresh")
    assert fetch["continue-on-error"] is True
    pr_at, pr = step_using(refresh, "refresh", "peter-evans/create-pull-request")
    assert fetch_at < pr_at
    assert pr["with"]["add-paths"].split() == ["content/threads", "content/media"]
    assert pr["with"]["branch"]


def test_lock_proposes_tested_dependency_updates_as_a_pull_request() -> None:
    lock = load(WORKFLOWS / "lock.yml")
    on = triggers(lock)
    assert on["schedule"] and "push" not in on and "pull_request" not in on
    job = lock["jobs"]["update"]
    assert job["permissions"] == {"contents": "write", "pull-requests": "write"}
    assert "bookworm" in job["container"]["image"]
    lock_at, _ = step_running(lock, "update", "make lock LOCK_FLAGS=--upgrade")
    test_at, _ = step_running(lock, "update", ".ci/run")
    pr_at, pr = step_using(lock, "update", "peter-evans/create-pull-request")
    assert lock_at < test_at < pr_at, "only a tested lock is proposed"
    assert pr["with"]["add-paths"].split() == ["requirements.lock"]


def test_workflows_install_through_the_makefile_from_the_lock() -> None:
    for path in all_workflows():
        for job in load(path)["jobs"].values():
            for step in job.get("steps", []):
                assert "pip install" not in step.get("run", ""), f"{path.name}: use make"


# -- issue forms ----------------------------------------------------------------------------


def test_suggestion_form_offers_exactly_the_catalogs_specialties() -> None:
    form = load(TEMPLATES / "suggest-thread.yml")
    fields = {item.get("id"): item for item in form["body"]}
    assert fields["url"]["validations"]["required"] is True
    assert fields["why"]["validations"]["required"] is True
    dropdown = fields["specialties"]
    assert dropdown["type"] == "dropdown" and dropdown["attributes"]["multiple"] is True
    catalog = load_catalog(ROOT / "threads.yaml")
    assert set(dropdown["attributes"]["options"]) == set(catalog.specialties), (
        "the suggestion form's specialties must match threads.yaml; update the dropdown"
    )
    checks = fields["checks"]["attributes"]["options"]
    assert any("free to read" in c["label"] and c["required"] for c in checks)


def test_removal_form_asks_for_the_threads_and_the_account() -> None:
    form = load(TEMPLATES / "remove-thread.yml")
    fields = {item.get("id"): item for item in form["body"]}
    for required in ("scope", "urls", "account"):
        assert fields[required]["validations"]["required"] is True, required
    assert fields["scope"]["type"] == "dropdown"
    assert all(option["required"] for option in fields["author"]["attributes"]["options"])
    assert load(TEMPLATES / "config.yml")["blank_issues_enabled"] is False
