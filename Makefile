# Entry points for people and CI. `make up` brings the whole system up in a local container;
# `make test` runs every check CI runs. Both work as root on a fresh Debian 12 machine.
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help
.DELETE_ON_ERROR:

VENV := .venv
APP_VENV := .venv-app
CHECKOV_VENV := .venv-checkov
PYTHON ?= python3

# The controller tools (ansible-playbook, molecule, pytest, linters) come from the venv.
export PATH := $(CURDIR)/$(VENV)/bin:$(PATH)
export PIP_DISABLE_PIP_VERSION_CHECK := 1

.PHONY: help
help: ## List the targets
	@awk 'BEGIN {FS = ":.*## "} /^[a-z-]+:.*## / {printf "  make %-16s %s\n", $$1, $$2}' $(MAKEFILE_LIST)

# Each venv is rebuilt only when its requirements change (a stamp file records the last install).
$(VENV)/.installed: requirements.txt terraform/tests/requirements.txt
	scripts/host-deps.sh
	test -x $(VENV)/bin/python || $(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install -q -r requirements.txt -r terraform/tests/requirements.txt
	touch $@

$(APP_VENV)/.installed: app/requirements.txt app/requirements-dev.txt
	scripts/host-deps.sh
	test -x $(APP_VENV)/bin/python || $(PYTHON) -m venv $(APP_VENV)
	$(APP_VENV)/bin/pip install -q -r app/requirements-dev.txt
	touch $@

# checkov pins many libraries of its own, so it lives apart from the other tools.
# It runs with --skip-download: the checks are offline and it must not call its vendor.
$(CHECKOV_VENV)/.installed: terraform/tests/requirements-checkov.txt
	test -x $(CHECKOV_VENV)/bin/python || $(PYTHON) -m venv $(CHECKOV_VENV)
	$(CHECKOV_VENV)/bin/pip install -q -r terraform/tests/requirements-checkov.txt
	touch $@

.PHONY: venv
venv: $(VENV)/.installed $(APP_VENV)/.installed $(CHECKOV_VENV)/.installed ## Install every tool into the venvs

.PHONY: up
up: $(VENV)/.installed ## Bring the whole stack up in a local container and print its URL
	scripts/local-up.sh

.PHONY: down
down: ## Remove the local container
	-docker rm -f livefeed-local

.PHONY: test
test: lint test-app test-inventory test-terraform test-molecule ## Run every check: lint, app, inventory, Terraform, Molecule

.PHONY: lint
lint: $(VENV)/.installed ## ruff, yamllint, ansible-lint (production profile), terraform fmt
	ruff check .
	ruff format --check .
	yamllint --strict .
	ansible-lint
	@if command -v terraform >/dev/null 2>&1; then \
	  terraform fmt -check -recursive terraform; \
	else echo "terraform binary absent: fmt check skipped (the hcl2 tests still run)"; fi

.PHONY: test-app
test-app: $(APP_VENV)/.installed ## The Django app against real PostgreSQL and Redis
	scripts/test-services.sh
	cd app && ../$(APP_VENV)/bin/pytest

.PHONY: test-inventory
test-inventory: $(VENV)/.installed ## The AWS dynamic inventory through the real aws_ec2 plugin (EC2 faked)
	pytest tests

.PHONY: test-terraform
test-terraform: $(VENV)/.installed $(CHECKOV_VENV)/.installed ## Parse the Terraform and run checkov
	pytest terraform/tests
	$(CHECKOV_VENV)/bin/checkov --quiet --compact --skip-download -d terraform

.PHONY: base-image
base-image: ## Build (or reuse) the Debian 12 systemd base image
	scripts/base-image.sh

.PHONY: test-molecule
test-molecule: $(VENV)/.installed ## Converge, idempotence and verify on a systemd container
	LIVEFEED_BASE_IMAGE=$$(scripts/base-image.sh) molecule test --all

.PHONY: clean
clean: down ## Remove the venvs, caches and the Molecule host
	-molecule destroy --all
	rm -rf $(VENV) $(APP_VENV) $(CHECKOV_VENV) .cache .pytest_cache .ruff_cache
