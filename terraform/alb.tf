resource "aws_lb" "app" {
  #checkov:skip=CKV2_AWS_28:A WAF web ACL is an account-level decision (rules, cost, WebSocket exemptions); associate one outside this module with aws_wafv2_web_acl_association.
  #checkov:skip=CKV_AWS_91:Access logs need an S3 bucket whose policy admits ELB log delivery, which belongs to the account's logging setup; set alb_access_logs_bucket to turn them on.
  name               = "${local.name}-alb"
  load_balancer_type = "application"
  internal           = false
  subnets            = var.public_subnet_ids
  security_groups    = [aws_security_group.alb.id]
  ip_address_type    = var.alb_ip_address_type

  # Daphne sends a WebSocket ping every 20 s, so a healthy socket is never idle
  # for more than 20 s. 120 s leaves room for a few lost pings before the ALB
  # closes a dead one, and it stays below nginx's proxy_read_timeout (180 s) so
  # that the ALB, not nginx, is the hop that decides a connection is idle.
  idle_timeout = var.alb_idle_timeout

  drop_invalid_header_fields = true
  enable_deletion_protection = var.enable_deletion_protection

  dynamic "access_logs" {
    for_each = var.alb_access_logs_bucket == null ? [] : [var.alb_access_logs_bucket]

    content {
      bucket  = access_logs.value
      prefix  = local.name
      enabled = true
    }
  }

  tags = { Name = "${local.name}-alb" }
}

resource "aws_lb_listener" "http" {
  load_balancer_arn = aws_lb.app.arn
  port              = 80
  protocol          = "HTTP"

  default_action {
    type = "redirect"

    redirect {
      protocol    = "HTTPS"
      port        = "443"
      status_code = "HTTP_301"
    }
  }
}

resource "aws_lb_listener" "https" {
  load_balancer_arn = aws_lb.app.arn
  port              = 443
  protocol          = "HTTPS"
  ssl_policy        = var.ssl_policy
  certificate_arn   = var.certificate_arn

  default_action {
    type             = "forward"
    target_group_arn = aws_lb_target_group.main.arn
  }
}

# Everything a browser sees goes through nginx on the instance.
resource "aws_lb_target_group" "main" {
  #checkov:skip=CKV_AWS_378:TLS ends at the ALB; the hop to nginx stays inside the VPC and the instance security group admits only the ALB.
  name     = "${local.name}-main"
  port     = var.nginx_port
  protocol = "HTTP"
  vpc_id   = var.vpc_id

  # WebSocket connections never drain by themselves: a long delay would only
  # postpone the client's reconnect while a scale-in or replacement waits. 60 s
  # lets in-flight HTTP requests finish; the page's reconnect logic moves the
  # socket to a healthy target.
  deregistration_delay = var.deregistration_delay

  # A feed client keeps returning to the same instance for a day, so a
  # reconnecting socket and its page's HTTP requests meet the same Daphne.
  stickiness {
    enabled         = true
    type            = "lb_cookie"
    cookie_duration = 86400
  }

  health_check {
    enabled             = true
    path                = "/health/"
    protocol            = "HTTP"
    port                = "traffic-port"
    interval            = 30
    timeout             = 5
    healthy_threshold   = 2
    unhealthy_threshold = 2
    matcher             = "200"
  }

  tags = { Name = "${local.name}-main" }
}

# /health/* reaches Daphne directly, so the ALB sees Daphne's own health even
# when nginx is up and answering for a dead upstream.
resource "aws_lb_target_group" "health" {
  #checkov:skip=CKV_AWS_378:TLS ends at the ALB; the hop to Daphne stays inside the VPC and only the ALB security group may reach the port.
  name                 = "${local.name}-health"
  port                 = var.daphne_port
  protocol             = "HTTP"
  vpc_id               = var.vpc_id
  deregistration_delay = var.deregistration_delay

  health_check {
    enabled             = true
    path                = "/health/"
    protocol            = "HTTP"
    port                = "traffic-port"
    interval            = 30
    timeout             = 5
    healthy_threshold   = 2
    unhealthy_threshold = 2
    matcher             = "200"
  }

  tags = { Name = "${local.name}-health" }
}

resource "aws_lb_listener_rule" "websocket" {
  listener_arn = aws_lb_listener.https.arn
  priority     = 100

  action {
    type             = "forward"
    target_group_arn = aws_lb_target_group.main.arn
  }

  condition {
    path_pattern {
      values = ["/ws/*"]
    }
  }

  # ALB compares header values case-insensitively and supports * and ?
  # wildcards. Browsers send "Upgrade" (Chrome, Safari) or
  # "keep-alive, Upgrade" (Firefox); "*upgrade*" matches every such form and
  # not a plain "keep-alive" or "close".
  condition {
    http_header {
      http_header_name = "Connection"
      values           = ["*upgrade*"]
    }
  }
}

resource "aws_lb_listener_rule" "health" {
  listener_arn = aws_lb_listener.https.arn
  priority     = 200

  action {
    type             = "forward"
    target_group_arn = aws_lb_target_group.health.arn
  }

  condition {
    path_pattern {
      values = ["/health/*"]
    }
  }
}

# Same target as the default action; stated as a rule so that the routing
# table reads 100 / 200 / 300 as the architecture describes it.
resource "aws_lb_listener_rule" "main" {
  listener_arn = aws_lb_listener.https.arn
  priority     = 300

  action {
    type             = "forward"
    target_group_arn = aws_lb_target_group.main.arn
  }

  condition {
    path_pattern {
      values = ["/*"]
    }
  }
}
