# One customer-managed key encrypts the managed data stores (ElastiCache at
# rest, RDS storage and Performance Insights). It exists only when one of them
# does. The policy is the account-root default: IAM policies decide who uses it.
resource "aws_kms_key" "data" {
  count = var.enable_elasticache || var.enable_rds ? 1 : 0

  description             = "${local.name}: ElastiCache and RDS encryption at rest"
  enable_key_rotation     = true
  deletion_window_in_days = 30

  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Sid       = "AccountRootManagesKey"
      Effect    = "Allow"
      Principal = { AWS = "arn:${data.aws_partition.current.partition}:iam::${data.aws_caller_identity.current.account_id}:root" }
      Action    = "kms:*"
      Resource  = "*"
    }]
  })

  tags = { Name = "${local.name}-data" }
}

resource "aws_kms_alias" "data" {
  count = var.enable_elasticache || var.enable_rds ? 1 : 0

  name          = "alias/${local.name}-data"
  target_key_id = aws_kms_key.data[0].key_id
}
