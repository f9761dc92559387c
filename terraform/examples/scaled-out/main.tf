# The scaled-out layout: several stateless app instances (AnsibleGroups =
# "app") share one ElastiCache Redis channel layer and one RDS PostgreSQL.
module "livefeed" {
  source = "../.."

  environment         = "production"
  aws_region          = "eu-west-1"
  vpc_id              = "vpc-0123456789abcdef0"
  public_subnet_ids   = ["subnet-0aaaaaaaaaaaaaaa1", "subnet-0aaaaaaaaaaaaaaa2"]
  instance_subnet_ids = ["subnet-0bbbbbbbbbbbbbbb1", "subnet-0bbbbbbbbbbbbbbb2"]
  data_subnet_ids     = ["subnet-0ccccccccccccccc1", "subnet-0ccccccccccccccc2"]
  certificate_arn     = "arn:aws:acm:eu-west-1:123456789012:certificate/00000000-0000-0000-0000-000000000000"

  instance_count = 3
  key_name       = "livefeed-admin"
  admin_cidrs    = ["10.0.0.0/16"]

  # Required for instance_count > 1: one channel layer and one database.
  enable_elasticache = true
  enable_rds         = true

  # Secrets come from the environment, never from a file here:
  #   export TF_VAR_elasticache_auth_token="$(openssl rand -hex 32)"
  #   export TF_VAR_db_password="$(openssl rand -hex 32)"
  elasticache_auth_token = var.elasticache_auth_token
  db_password            = var.db_password

  create_alarm_topic = true
  alarm_email        = "ops@example.com"
}

variable "elasticache_auth_token" {
  description = "Redis AUTH token (TF_VAR_elasticache_auth_token); see the module's variable."
  type        = string
  sensitive   = true
}

variable "db_password" {
  description = "RDS master password (TF_VAR_db_password); see the module's variable."
  type        = string
  sensitive   = true
}

output "alb_dns_name" {
  description = "Point the site's DNS record here."
  value       = module.livefeed.alb_dns_name
}

output "redis_url" {
  description = "vault_redis_url in inventory/aws/group_vars/all (encrypted with Ansible Vault, never in clear text)."
  value       = module.livefeed.redis_url
  sensitive   = true
}

output "database_url" {
  description = "vault_database_url in inventory/aws/group_vars/all (encrypted with Ansible Vault, never in clear text)."
  value       = module.livefeed.database_url
  sensitive   = true
}
