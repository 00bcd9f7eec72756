"""The lean Rasa server: no TensorFlow in the real serving process, clear refusals otherwise.

Everything that installs the hook runs in a subprocess: this test process may have imported
Rasa (and so TensorFlow) for other tests.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
import tarfile
import textwrap
from pathlib import Path
from typing import Iterator

import pytest

from bot import settings
from bot.serve import Servers, sandbox

TENSORFLOW_OBJECTS = ("libtensorflow", "_pywrap_tensorflow", "/tensorflow/", "/jaxlib/", "/h5py/")
# Compiled parts of the unused libraries (lean.UNUSED_LIBRARIES) and what they pull in.
UNUSED_OBJECTS = ("/matplotlib/", "/PIL/", "/pymongo/", "/bson/", "/kiwisolver")


def run_python(code: str, **env: str) -> subprocess.CompletedProcess:
    """`code` in a fresh interpreter of this venv, in the project root."""
    return subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)], cwd=settings.PROJECT_ROOT,
        env={**os.environ, "RASA_TELEMETRY_ENABLED": "false", "PYTHONWARNINGS": "ignore", **env},
        capture_output=True, text=True, timeout=300,
    )


def mapped_files(pid: int) -> str:
    """The shared objects and files mapped into a running process (Linux /proc)."""
    return Path(f"/proc/{pid}/maps").read_text()


def peak_rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    raise AssertionError("no VmHWM")


# --- the hook, in a fresh interpreter ------------------------------------------------------

def test_importing_tensorflow_is_refused_naming_the_importer() -> None:
    result = run_python("""
        from bot.rasa_ext import lean
        lean.install()
        import tensorflow
    """)
    assert result.returncode != 0
    assert "LeanImportError: No module named 'tensorflow' in the lean Rasa server" in result.stderr
    assert "imported by __main__ (<string>:4)" in result.stderr and "BOT_LEAN=0" in result.stderr


def test_rasa_server_imports_without_tensorflow_and_placeholders_refuse_use() -> None:
    result = run_python("""
        import sys
        from bot.rasa_ext import lean
        lean.install()
        import rasa.core.run, rasa.server, rasa.core.agent
        import rasa.graph_components.validators.default_recipe_validator as validator
        heavy = sorted(m for m in sys.modules if m.partition(".")[0] in lean.REFUSED)
        assert not heavy, heavy
        try:
            validator.DIETClassifier.load
        except lean.LeanServerError as error:
            print("refused:", error)
        try:
            import rasa.utils.train_utils as train_utils
            train_utils.create_common_callbacks(1, None, None, None)
        except lean.LeanImportError as error:
            print("training refused:", error)
    """)
    assert result.returncode == 0, result.stderr[-3000:]
    assert ("refused: DIETClassifier.load: DIETClassifier (rasa.nlu.classifiers.diet_classifier) "
            "needs TensorFlow") in result.stdout
    assert "training refused: No module named 'tensorflow'" in result.stdout
    assert "rasa.utils.train_utils" in result.stdout


def test_unused_libraries_are_stand_ins_and_refuse_use() -> None:
    result = run_python("""
        import sys
        from bot.rasa_ext import lean
        lean.install()
        import rasa.core.run, rasa.server, rasa.core.agent, rasa.core.channels
        import rasa.core.tracker_store, rasa.nlu.test
        loaded = sorted({lean.unused_library(m) for m in sys.modules if lean.unused_library(m)})
        real = sorted(m for m in sys.modules if lean.unused_library(m)
                      and not getattr(sys.modules[m], "__lean_stand_in__", False))
        print("stand-ins:", ",".join(loaded))
        print("real:", ",".join(real))
        import rasa.core.channels as channels
        print("channels:", ",".join(sorted(c.name() for c in channels.input_channel_classes)))
        from rasa.core.channels.telegram import TelegramOutput
        try:
            TelegramOutput("token")
        except lean.LeanServerError as error:
            print("refused:", error)
    """)
    assert result.returncode == 0, result.stderr[-3000:]
    lines = dict(line.split(": ", 1) for line in result.stdout.splitlines() if ": " in line)
    assert set(lines["stand-ins"].split(",")) == set(lean_module().UNUSED_LIBRARIES)
    assert lines["real"] == ""
    assert {"rest", "slack", "socketio", "telegram"} <= set(lines["channels"].split(","))
    assert "is part of aiogram, a library for a feature this deployment does not use" in lines["refused"]
    assert "BOT_LEAN=0" in lines["refused"]


def lean_module():
    from bot.rasa_ext import lean

    return lean


def test_install_refuses_other_rasa_versions_and_coming_too_late() -> None:
    from bot.rasa_ext import lean

    assert lean.check_rasa_version().startswith("3.6.")
    for version in ("3.7.0", "4.0.0", "2.8.1"):
        with pytest.raises(lean.LeanServerError, match=f"Rasa 3.6.x internals .*but Rasa {version} is installed"):
            lean.check_rasa_version(version)
    result = run_python("""
        import sys, types
        sys.modules["rasa.utils.tensorflow.callback"] = types.ModuleType("fake")
        from bot.rasa_ext import lean
        lean.install()
    """)
    assert "must run before Rasa is imported" in result.stderr
    assert "rasa.utils.tensorflow.callback" in result.stderr


def test_stand_ins_know_only_the_real_modules_names() -> None:
    result = run_python("""
        from bot.rasa_ext import lean
        lean.install()
        import rasa.core.policies.ted_policy as ted
        print(ted.TEDPolicy.__name__, ted.__lean_stand_in__, hasattr(ted, "NoSuchName"))
    """)
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.split() == ["TEDPolicy", "True", "False"]


def test_a_model_that_needs_tensorflow_fails_loudly_when_loaded(
    trained_model: Path, tmp_path: Path
) -> None:
    """Our model with its intent classifier swapped for DIETClassifier in the metadata."""
    extracted = tmp_path / "model"
    with tarfile.open(trained_model) as archive:
        archive.extractall(extracted)
    metadata = json.loads((extracted / "metadata.json").read_text())
    for node in metadata["predict_schema"]["nodes"].values():
        if node["uses"].endswith("FastLogisticRegression"):
            node["uses"] = "rasa.nlu.classifiers.diet_classifier.DIETClassifier"
    (extracted / "metadata.json").write_text(json.dumps(metadata))
    model = tmp_path / "diet.tar.gz"
    with tarfile.open(model, "w:gz") as archive:
        for item in extracted.iterdir():
            archive.add(item, arcname=item.name)
    result = run_python(f"""
        from bot.rasa_ext import lean
        lean.install()
        from rasa.core.agent import Agent
        Agent.load({str(model)!r})
    """)
    assert result.returncode != 0
    assert "LeanServerError" in result.stderr and "DIETClassifier" in result.stderr
    assert "needs TensorFlow" in result.stderr


# --- the real server -----------------------------------------------------------------------

@pytest.fixture(scope="module")
def lean_servers(trained_model: Path, tmp_path_factory: pytest.TempPathFactory
                 ) -> Iterator[Servers]:
    """Both servers as `bot serve` starts them (Servers.start: the launcher, lean)."""
    servers = sandbox(trained_model, tmp_path_factory.mktemp("lean"), {"BOT_LEAN": "1"}).servers
    servers.start()
    try:
        servers.wait_ready(timeout=240)
        yield servers
    finally:
        servers.stop()


@pytest.mark.e2e
def test_the_running_rasa_server_has_no_tensorflow_mapped(lean_servers: Servers) -> None:
    import urllib.request

    request = urllib.request.Request(
        f"http://127.0.0.1:{lean_servers.rasa_port}/webhooks/rest/webhook",
        data=json.dumps({"sender": "lean", "message": "who are interventional radiologists?"})
        .encode(), headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=60) as response:
        assert "minimally invasive" in json.loads(response.read())[0]["text"]
    rasa = (lean_servers.processes or [])[1]
    assert rasa.poll() is None
    maps = mapped_files(rasa.pid)
    assert "/sklearn/" in maps and "/spacy/" in maps  # the check reads the right process
    assert not [name for name in TENSORFLOW_OBJECTS if name in maps]
    assert not [name for name in UNUSED_OBJECTS if name in maps]
    assert peak_rss_mb(rasa.pid) < 450  # about 690 MB with TensorFlow
