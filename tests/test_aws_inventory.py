"""inventory/aws/aws_ec2.yml through the real amazon.aws.aws_ec2 plugin, with AWS's answer faked.

Only the EC2 API call is replaced: Ansible's inventory manager loads the committed file, and the
plugin builds host names, groups and addresses from instances tagged the way terraform/ tags them.
"""

from pathlib import Path

import pytest
from ansible.inventory.manager import InventoryManager
from ansible.parsing.dataloader import DataLoader
from ansible.plugins.loader import init_plugin_loader

# As ansible-inventory does: the bundled collections become importable only after this.
init_plugin_loader()
from ansible_collections.amazon.aws.plugins.inventory.aws_ec2 import InventoryModule  # noqa: E402

INVENTORY = Path(__file__).resolve().parents[1] / "inventory" / "aws" / "aws_ec2.yml"


def instance(instance_id, private_ip, groups, public_ip=None, name="livefeed-production-app"):
    """An EC2 instance as describe_instances returns it, tagged like terraform/locals.tf does."""
    described = {
        "InstanceId": instance_id,
        "PrivateIpAddress": private_ip,
        "State": {"Name": "running"},
        "Placement": {"AvailabilityZone": "eu-west-1a"},
        "Tags": [
            {"Key": "Name", "Value": name},
            {"Key": "Project", "Value": "livefeed"},
            {"Key": "Environment", "Value": "production"},
            {"Key": "AnsibleGroups", "Value": groups},
        ],
    }
    if public_ip:
        described["PublicIpAddress"] = public_ip
    return described


@pytest.fixture
def load_inventory(monkeypatch):
    """Load inventory/aws with EC2's describe_instances answering the given instances."""
    queries = []

    def load(*instances):
        def describe_instances(self, regions, filters, strict_permissions):
            queries.append({"regions": regions, "filters": filters})
            return list(instances)

        monkeypatch.setattr(InventoryModule, "_get_instances_by_region", describe_instances)
        monkeypatch.setattr(InventoryModule, "route53_enabled", False, raising=False)
        return InventoryManager(loader=DataLoader(), sources=[str(INVENTORY)])

    load.queries = queries
    return load


def test_only_running_livefeed_instances_of_the_environment_are_asked_for(load_inventory):
    load_inventory(instance("i-0aaa", "10.0.1.10", "app,redis,postgres"))
    (query,) = load_inventory.queries
    filters = {f["Name"]: f["Values"] for f in query["filters"]}
    assert filters == {
        "tag:Project": ["livefeed"],
        "tag:Environment": ["production"],
        "instance-state-name": ["running"],
    }


def test_the_all_in_one_instance_lands_in_every_tier_group(load_inventory):
    inventory = load_inventory(instance("i-0aaa", "10.0.1.10", "app,redis,postgres"))
    for group in ("app", "redis", "postgres"):
        hosts = [host.name for host in inventory.groups[group].get_hosts()]
        assert hosts == ["livefeed-production-app-i-0aaa"], group


def test_scaled_out_app_instances_stay_apart_although_they_share_a_name_tag(load_inventory):
    inventory = load_inventory(
        instance("i-0aaa", "10.0.1.10", "app"),
        instance("i-0bbb", "10.0.2.20", "app"),
    )
    hosts = {h.name: h.vars["ansible_host"] for h in inventory.groups["app"].get_hosts()}
    assert hosts == {
        "livefeed-production-app-i-0aaa": "10.0.1.10",
        "livefeed-production-app-i-0bbb": "10.0.2.20",
    }
    assert "redis" not in inventory.groups or not inventory.groups["redis"].get_hosts()
    assert "postgres" not in inventory.groups or not inventory.groups["postgres"].get_hosts()


def test_an_instance_with_a_public_address_is_reached_there(load_inventory):
    inventory = load_inventory(instance("i-0aaa", "10.0.1.10", "app", public_ip="198.51.100.7"))
    (host,) = inventory.groups["app"].get_hosts()
    assert host.vars["ansible_host"] == "198.51.100.7"
