"""The examples call this module and pass everything it requires."""

from __future__ import annotations

import pytest
from conftest import EXAMPLES_DIR, Module

EXAMPLES = ["single-instance", "scaled-out"]


def required_inputs(tf: Module) -> set[str]:
    return {name for name, variable in tf.variables.items() if "default" not in variable}


@pytest.mark.parametrize("example", EXAMPLES)
def test_example_calls_the_module_with_every_required_input(tf: Module, example: str) -> None:
    parsed = Module.load(EXAMPLES_DIR / example)
    (call,) = parsed.modules.values()
    assert call["source"] == "../.."
    passed = set(call) - {"source"}
    assert required_inputs(tf) <= passed, required_inputs(tf) - passed
    assert passed <= set(tf.variables), passed - set(tf.variables)


def test_single_instance_example_keeps_everything_on_one_host(tf: Module) -> None:
    (call,) = Module.load(EXAMPLES_DIR / "single-instance").modules.values()
    assert call["instance_count"] == 1
    assert call.get("enable_elasticache", False) is False
    assert call.get("enable_rds", False) is False


def test_scaled_out_example_shares_redis_and_database(tf: Module) -> None:
    parsed = Module.load(EXAMPLES_DIR / "scaled-out")
    (call,) = parsed.modules.values()
    assert call["instance_count"] > 1
    assert call["enable_elasticache"] is True
    assert call["enable_rds"] is True
    assert len(call["data_subnet_ids"]) >= 2
    for name in ("redis_url", "database_url"):
        assert parsed.outputs[name]["sensitive"] is True, name
    # The secrets reach the module from TF_VAR_* variables, never from a literal.
    for name in ("elasticache_auth_token", "db_password"):
        assert call[name] == f"${{var.{name}}}", name
        variable = parsed.variables[name]
        assert variable["sensitive"] is True, name
        assert "default" not in variable, name
