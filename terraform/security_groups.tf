# Rules are separate resources keyed by purpose, granting security group to
# security group wherever the peer is ours. A security group created by
# Terraform loses AWS's default allow-all egress rule, so a group without an
# egress resource below has no egress at all.

# ---------------------------------------------------------------------------
# ALB: 80 and 443 from anywhere, out only to the app instances
# ---------------------------------------------------------------------------

resource "aws_security_group" "alb" {
  name_prefix = "${local.name}-alb-"
  description = "ALB of ${local.name}: HTTP and HTTPS from anywhere, out only to the app instances"
  vpc_id      = var.vpc_id

  tags = { Name = "${local.name}-alb" }

  lifecycle {
    create_before_destroy = true
  }
}

resource "aws_vpc_security_group_ingress_rule" "alb_http_ipv4" {
  #checkov:skip=CKV_AWS_260:Port 80 on the internet-facing ALB only answers with a 301 to HTTPS.
  security_group_id = aws_security_group.alb.id
  description       = "HTTP from anywhere (IPv4), redirected to HTTPS"
  ip_protocol       = "tcp"
  from_port         = 80
  to_port           = 80
  cidr_ipv4         = "0.0.0.0/0"
}

resource "aws_vpc_security_group_ingress_rule" "alb_http_ipv6" {
  #checkov:skip=CKV_AWS_260:Port 80 on the internet-facing ALB only answers with a 301 to HTTPS.
  security_group_id = aws_security_group.alb.id
  description       = "HTTP from anywhere (IPv6), redirected to HTTPS"
  ip_protocol       = "tcp"
  from_port         = 80
  to_port           = 80
  cidr_ipv6         = "::/0"
}

resource "aws_vpc_security_group_ingress_rule" "alb_https_ipv4" {
  security_group_id = aws_security_group.alb.id
  description       = "HTTPS from anywhere (IPv4)"
  ip_protocol       = "tcp"
  from_port         = 443
  to_port           = 443
  cidr_ipv4         = "0.0.0.0/0"
}

resource "aws_vpc_security_group_ingress_rule" "alb_https_ipv6" {
  security_group_id = aws_security_group.alb.id
  description       = "HTTPS from anywhere (IPv6)"
  ip_protocol       = "tcp"
  from_port         = 443
  to_port           = 443
  cidr_ipv6         = "::/0"
}

resource "aws_vpc_security_group_egress_rule" "alb_to_app_http" {
  security_group_id            = aws_security_group.alb.id
  description                  = "To nginx on the app instances (main target group)"
  ip_protocol                  = "tcp"
  from_port                    = var.nginx_port
  to_port                      = var.nginx_port
  referenced_security_group_id = aws_security_group.app.id
}

resource "aws_vpc_security_group_egress_rule" "alb_to_app_daphne" {
  security_group_id            = aws_security_group.alb.id
  description                  = "To Daphne on the app instances (health target group)"
  ip_protocol                  = "tcp"
  from_port                    = var.daphne_port
  to_port                      = var.daphne_port
  referenced_security_group_id = aws_security_group.app.id
}

# ---------------------------------------------------------------------------
# App instances: nginx and Daphne from the ALB only, SSH from admins only
# ---------------------------------------------------------------------------

resource "aws_security_group" "app" {
  name_prefix = "${local.name}-app-"
  description = "App instances of ${local.name}: web ports from the ALB only, SSH from admin CIDRs only"
  vpc_id      = var.vpc_id

  tags = { Name = "${local.name}-app" }

  lifecycle {
    create_before_destroy = true
  }
}

resource "aws_vpc_security_group_ingress_rule" "app_http_from_alb" {
  #checkov:skip=CKV_AWS_260:The source is the ALB security group (referenced_security_group_id), not a CIDR; checkov does not read that argument and sees no source at all.
  security_group_id            = aws_security_group.app.id
  description                  = "nginx from the ALB"
  ip_protocol                  = "tcp"
  from_port                    = var.nginx_port
  to_port                      = var.nginx_port
  referenced_security_group_id = aws_security_group.alb.id
}

# The architecture's health target group reaches Daphne on 8000 while its
# instance table opens only 80; the narrowest rule that makes both true is
# 8000 from the ALB security group and from nothing else.
resource "aws_vpc_security_group_ingress_rule" "app_daphne_from_alb" {
  security_group_id            = aws_security_group.app.id
  description                  = "Daphne from the ALB (health target group)"
  ip_protocol                  = "tcp"
  from_port                    = var.daphne_port
  to_port                      = var.daphne_port
  referenced_security_group_id = aws_security_group.alb.id
}

resource "aws_vpc_security_group_ingress_rule" "app_ssh_from_admins" {
  for_each = toset(var.admin_cidrs)

  security_group_id = aws_security_group.app.id
  description       = "SSH from admin network ${each.value}"
  ip_protocol       = "tcp"
  from_port         = 22
  to_port           = 22
  cidr_ipv4         = strcontains(each.value, ":") ? null : each.value
  cidr_ipv6         = strcontains(each.value, ":") ? each.value : null
}

resource "aws_vpc_security_group_egress_rule" "app_all_ipv4" {
  #checkov:skip=CKV_AWS_382:App hosts install Debian and PyPI packages and reach ElastiCache, RDS and AWS APIs; the instances accept no inbound traffic except from the ALB and admins.
  security_group_id = aws_security_group.app.id
  description       = "All outbound (IPv4): package mirrors, ElastiCache, RDS, AWS APIs"
  ip_protocol       = "-1"
  cidr_ipv4         = "0.0.0.0/0"
}

resource "aws_vpc_security_group_egress_rule" "app_all_ipv6" {
  #checkov:skip=CKV_AWS_382:App hosts install Debian and PyPI packages over IPv6 where the VPC offers it; inbound stays restricted.
  security_group_id = aws_security_group.app.id
  description       = "All outbound (IPv6)"
  ip_protocol       = "-1"
  cidr_ipv6         = "::/0"
}

# ---------------------------------------------------------------------------
# Managed data stores: reachable only from the app instances
# ---------------------------------------------------------------------------

resource "aws_security_group" "redis" {
  count = var.enable_elasticache ? 1 : 0

  name_prefix = "${local.name}-redis-"
  description = "ElastiCache Redis of ${local.name}: 6379 from the app instances only"
  vpc_id      = var.vpc_id

  tags = { Name = "${local.name}-redis" }

  lifecycle {
    create_before_destroy = true
  }
}

resource "aws_vpc_security_group_ingress_rule" "redis_from_app" {
  count = var.enable_elasticache ? 1 : 0

  security_group_id            = aws_security_group.redis[0].id
  description                  = "Redis from the app instances"
  ip_protocol                  = "tcp"
  from_port                    = 6379
  to_port                      = 6379
  referenced_security_group_id = aws_security_group.app.id
}

resource "aws_security_group" "db" {
  count = var.enable_rds ? 1 : 0

  name_prefix = "${local.name}-db-"
  description = "RDS PostgreSQL of ${local.name}: 5432 from the app instances only"
  vpc_id      = var.vpc_id

  tags = { Name = "${local.name}-db" }

  lifecycle {
    create_before_destroy = true
  }
}

resource "aws_vpc_security_group_ingress_rule" "db_from_app" {
  count = var.enable_rds ? 1 : 0

  security_group_id            = aws_security_group.db[0].id
  description                  = "PostgreSQL from the app instances"
  ip_protocol                  = "tcp"
  from_port                    = 5432
  to_port                      = 5432
  referenced_security_group_id = aws_security_group.app.id
}
