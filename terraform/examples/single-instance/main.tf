# The all-in-one layout: one instance runs nginx, Daphne, Redis and PostgreSQL
# (AnsibleGroups = "app,redis,postgres"); no ElastiCache, no RDS.
module "livefeed" {
  source = "../.."

  environment         = "staging"
  aws_region          = "eu-west-1"
  vpc_id              = "vpc-0123456789abcdef0"
  public_subnet_ids   = ["subnet-0aaaaaaaaaaaaaaa1", "subnet-0aaaaaaaaaaaaaaa2"]
  instance_subnet_ids = ["subnet-0bbbbbbbbbbbbbbb1"]
  certificate_arn     = "arn:aws:acm:eu-west-1:123456789012:certificate/00000000-0000-0000-0000-000000000000"

  instance_count = 1
  key_name       = "livefeed-admin"
  admin_cidrs    = ["203.0.113.10/32"]
}

output "alb_dns_name" {
  description = "Point the site's DNS record here."
  value       = module.livefeed.alb_dns_name
}

output "ansible_groups" {
  description = "Inventory groups of the instance: app,redis,postgres."
  value       = module.livefeed.ansible_groups
}
