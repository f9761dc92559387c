"""terraform/README.md documents every input and output and the operator's path to Ansible."""

from __future__ import annotations

import re

from conftest import MODULE_DIR, Module

README = (MODULE_DIR / "README.md").read_text(encoding="utf-8")


def table_names(heading: str) -> set[str]:
    section = README.split(f"## {heading}\n", 1)[1].split("\n## ", 1)[0]
    return set(re.findall(r"^\| `([a-z0-9_]+)` \|", section, flags=re.MULTILINE))


def test_inputs_table_lists_exactly_the_variables(tf: Module) -> None:
    assert table_names("Inputs") == set(tf.variables)


def test_outputs_table_lists_exactly_the_outputs(tf: Module) -> None:
    assert table_names("Outputs") == set(tf.outputs)


def test_readme_takes_the_operator_from_apply_to_the_playbook() -> None:
    assert "terraform apply" in README
    assert "ansible-playbook -i inventory/aws playbooks/site.yml" in README
    assert "AnsibleGroups" in README


def test_readme_explains_the_port_8000_rule_and_shared_redis() -> None:
    prose = " ".join(README.split())
    assert "port 8000 is open from the ALB security group only" in prose
    assert "why per-instance Redis is wrong" in prose
