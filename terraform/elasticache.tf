# One Redis for every instance. Channels delivers a group_send only to
# consumers attached to the same Redis, so with a Redis per instance a post
# broadcast on instance A never reaches the sockets held by instance B.

resource "aws_elasticache_subnet_group" "redis" {
  count = var.enable_elasticache ? 1 : 0

  name       = "${local.name}-redis"
  subnet_ids = var.data_subnet_ids

  lifecycle {
    precondition {
      condition     = length(var.data_subnet_ids) >= 2
      error_message = "enable_elasticache needs at least two data_subnet_ids in different availability zones."
    }
  }
}

resource "aws_elasticache_replication_group" "redis" {
  count = var.enable_elasticache ? 1 : 0

  replication_group_id = "${local.name}-redis"
  description          = "Channels layer shared by every app instance of ${local.name}"
  engine               = "redis"
  engine_version       = var.elasticache_engine_version
  node_type            = var.elasticache_node_type
  port                 = 6379

  # Cluster mode stays off: channels-redis speaks to a single primary. A
  # replica in another availability zone takes over when the primary fails.
  num_cache_clusters         = var.elasticache_num_cache_clusters
  automatic_failover_enabled = true
  multi_az_enabled           = true

  subnet_group_name  = aws_elasticache_subnet_group.redis[0].name
  security_group_ids = [aws_security_group.redis[0].id]

  at_rest_encryption_enabled = true
  kms_key_id                 = aws_kms_key.data[0].arn
  transit_encryption_enabled = true
  auth_token                 = var.elasticache_auth_token

  snapshot_retention_limit   = 1
  auto_minor_version_upgrade = true
  apply_immediately          = false

  tags = { Name = "${local.name}-redis" }
}
