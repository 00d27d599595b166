import os
import subprocess
import sys


def _run(env_overrides):
    env = {k: v for k, v in os.environ.items() if not k.startswith("SMARTTVET_")}
    env.update(env_overrides)
    return subprocess.run(
        [sys.executable, "-m", "smarttvet.cli", "check"], env=env, capture_output=True, text=True, timeout=120
    )


def test_refuses_to_start_without_a_secret_key_when_debug_is_off(tmp_path):
    result = _run({"SMARTTVET_DEBUG": "0", "SMARTTVET_DATA_DIR": str(tmp_path)})
    assert result.returncode == 2
    assert "SMARTTVET_SECRET_KEY" in result.stderr


def test_starts_with_a_real_secret_key(tmp_path):
    result = _run({"SMARTTVET_DEBUG": "0", "SMARTTVET_SECRET_KEY": "x" * 50, "SMARTTVET_DATA_DIR": str(tmp_path)})
    assert result.returncode == 0, result.stderr


def test_a_malformed_boolean_is_named(tmp_path):
    result = _run({"SMARTTVET_DEBUG": "maybe", "SMARTTVET_DATA_DIR": str(tmp_path)})
    assert result.returncode == 2
    assert "SMARTTVET_DEBUG" in result.stderr
