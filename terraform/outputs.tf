output "alb_dns_name" {
  description = "DNS name of the ALB; point the site's DNS record (CNAME or alias) here."
  value       = aws_lb.app.dns_name
}

output "alb_zone_id" {
  description = "Route 53 hosted zone ID of the ALB, for an alias record."
  value       = aws_lb.app.zone_id
}

output "alb_arn" {
  description = "ARN of the ALB."
  value       = aws_lb.app.arn
}

output "main_target_group_arn" {
  description = "ARN of the main target group (nginx, port 80)."
  value       = aws_lb_target_group.main.arn
}

output "health_target_group_arn" {
  description = "ARN of the health target group (Daphne, port 8000)."
  value       = aws_lb_target_group.health.arn
}

output "alb_security_group_id" {
  description = "ID of the ALB security group."
  value       = aws_security_group.alb.id
}

output "instance_security_group_id" {
  description = "ID of the app instances' security group."
  value       = aws_security_group.app.id
}

output "autoscaling_group_name" {
  description = "Name of the app Auto Scaling group."
  value       = aws_autoscaling_group.app.name
}

output "ansible_groups" {
  description = "Value of the AnsibleGroups tag on every app instance: the inventory groups the dynamic inventory puts them in."
  value       = local.ansible_groups
}

output "inventory_tag_filters" {
  description = "Tags the Ansible dynamic inventory filters on to find this deployment's instances."
  value = {
    "tag:Project"     = var.project
    "tag:Environment" = var.environment
  }
}

output "redis_endpoint" {
  description = "Primary endpoint address of the ElastiCache replication group; null when Redis runs on the instance."
  value       = one(aws_elasticache_replication_group.redis[*].primary_endpoint_address)
}

output "redis_url" {
  description = "rediss:// URL with the (percent-encoded) AUTH token for app_redis_url; null when Redis runs on the instance."
  value       = var.enable_elasticache ? "rediss://:${urlencode(var.elasticache_auth_token)}@${aws_elasticache_replication_group.redis[0].primary_endpoint_address}:6379/0" : null
  sensitive   = true
}

output "database_endpoint" {
  description = "Address of the RDS instance; null when PostgreSQL runs on the instance."
  value       = one(aws_db_instance.db[*].address)
}

output "database_port" {
  description = "Port of the RDS instance; null when PostgreSQL runs on the instance."
  value       = one(aws_db_instance.db[*].port)
}

output "database_url" {
  description = "postgres:// URL with the (percent-encoded) password and sslmode=require for app_database_url; null when PostgreSQL runs on the instance."
  value       = var.enable_rds ? "postgres://${var.db_username}:${urlencode(var.db_password)}@${aws_db_instance.db[0].address}:${aws_db_instance.db[0].port}/${var.db_name}?sslmode=require" : null
  sensitive   = true
}

output "alarm_topic_arn" {
  description = "ARN of the alarm SNS topic; null when create_alarm_topic is false."
  value       = one(aws_sns_topic.alarms[*].arn)
}
