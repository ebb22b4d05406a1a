"""A third-party law pack installs through the ``amparo.law_packs`` entry point, as a real package
would, and ``amparo screen`` reads its documents beside encounter v1 documents in one input."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from toy_pack import toy_document

HERE = Path(__file__).resolve().parents[1] / "support"
REPO = HERE.parents[1]
US_EXAMPLE = REPO.parent / "shared/spec/examples/aca-honduran-adult-2020-02.json"


def _install_toy_pack(site: Path) -> None:
    """What pip leaves behind for a package declaring the entry point: a dist-info folder."""
    dist = site / "amparo_toy_pack-0.1.dist-info"
    dist.mkdir(parents=True)
    (dist / "METADATA").write_text("Metadata-Version: 2.1\nName: amparo-toy-pack\nVersion: 0.1\n")
    (dist / "entry_points.txt").write_text("[amparo.law_packs]\ntoy = toy_pack:TOY_PACK\n")


def _amparo(args: list[str], stdin: str, site: Path | None) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ)
    if site is not None:
        env["PYTHONPATH"] = os.pathsep.join([str(site), str(HERE), env.get("PYTHONPATH", "")])
    return subprocess.run(
        [sys.executable, "-m", "amparo", *args],
        input=stdin,
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )


def test_a_mixed_input_is_screened_by_each_documents_pack(tmp_path: Path) -> None:
    _install_toy_pack(tmp_path / "site")
    us = json.loads(US_EXAMPLE.read_text())["encounter"]
    lines = "\n".join(json.dumps(d) for d in (us, toy_document(), toy_document(id="TOY-2", age=9)))
    done = _amparo(["screen", "-", "--json"], lines, tmp_path / "site")
    assert done.returncode == 0, done.stderr
    out = [json.loads(line) for line in done.stdout.splitlines()]
    assert [o["ruleset"]["id"] for o in out] == ["us", "toy", "toy"]
    assert out[0]["summary"]["aca_removal_to"] == "GT"
    assert out[1]["summary"]["fast_track"] == "fast"
    assert out[2]["summary"]["centre"] == "child_centre"


def test_without_the_plugin_its_documents_are_refused_naming_the_schema(tmp_path: Path) -> None:
    done = _amparo(["screen", "-", "--json"], json.dumps(toy_document()), None)
    assert done.returncode == 2
    error = json.loads(done.stdout)["error"]
    assert error["errors"][0]["path"] == "/schema"
    assert "amparo-test/toy@1" in error["errors"][0]["message"]


def test_rules_list_shows_the_plugin_pack(tmp_path: Path) -> None:
    _install_toy_pack(tmp_path / "site")
    done = _amparo(["rules", "list", "--json", "--pack", "toy"], "", tmp_path / "site")
    assert done.returncode == 0, done.stderr
    assert {r["id"] for r in json.loads(done.stdout)} == {"minor", "fast_track", "centre"}
