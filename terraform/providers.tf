# This directory is both the root module an operator applies and the module the
# examples call, so the provider is configured here from variables. Credentials
# come from the environment (AWS_PROFILE, SSO, instance role), never from code.
provider "aws" {
  region = var.aws_region

  default_tags {
    tags = local.common_tags
  }
}
