terraform {
  # 1.9 is the first release whose variable validations may refer to other
  # variables; instance_count uses that to refuse a scaled-out layout that
  # would keep Redis or PostgreSQL on each instance.
  required_version = ">= 1.9.0"

  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "~> 5.100"
    }
  }
}
