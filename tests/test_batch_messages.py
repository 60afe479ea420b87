"""What ``batch`` says when it cannot start or is stopped (issue 25).

No Ray cluster at the address given: one line saying so and what to do, exit 2, no empty manifest.
Ctrl-C: how many documents finished and that the same command resumes, exit 130.
"""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from translator.batch import MANIFEST_NAME
from translator.cli import cli

from .conftest import run_main


@pytest.fixture
def no_cluster(monkeypatch):
    """Ray's own failure when no instance runs at the address (the test must not join a real cluster)."""
    ray = pytest.importorskip("ray")

    def init(*args, **kwargs):
        if kwargs.get("address"):
            raise ConnectionError("Could not find any running Ray instance. Please specify the one to connect to by "
                                  "setting `--address` flag or `RAY_ADDRESS` environment variable.")
        raise AssertionError("the test only joins")

    monkeypatch.setattr(ray, "is_initialized", lambda: False)
    monkeypatch.setattr(ray, "init", init)


def test_no_ray_cluster_is_one_clear_error_and_leaves_no_manifest(tmp_path, tiny_model, no_cluster, capsys):
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "a.txt").write_text("市北区全年新增55家企业。\n", "utf-8")
    out = tmp_path / "out"
    code = run_main(["batch", str(tmp_path / "docs"), "--out-dir", str(out), "--executor", "ray",
                     "--ray-address", "auto", "--model", str(tiny_model), "--quiet"])
    err = capsys.readouterr().err
    assert code == 2
    assert "cannot join a Ray cluster at 'auto': Could not find any running Ray instance" in err
    assert "ray start --head" in err and "cannot write" not in err and "`--address`" not in err
    assert len(err.strip().splitlines()) == 1
    assert not (out / MANIFEST_NAME).exists()


def test_ctrl_c_says_how_far_it_got_and_that_a_rerun_resumes(tmp_path, monkeypatch):
    import translator.batch as batch
    from translator.batch.document import DocumentRecord

    def interrupted(*args, on_document=None, **kwargs):
        on_document(DocumentRecord(document="a.txt", output="out/a.en.txt", status="translated"))
        raise KeyboardInterrupt

    monkeypatch.setattr(batch, "translate_corpus", interrupted)
    run = CliRunner().invoke(cli, ["batch", str(tmp_path), "--out-dir", str(tmp_path / "out")])
    assert run.exit_code == 130
    assert "interrupted: 1 document(s) finished" in run.output
    assert "run the same command again to resume" in run.output
