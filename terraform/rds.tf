# One database for every instance: with a PostgreSQL per instance each host
# would show, and broadcast, a different feed.

# The master password is an input (var.db_password) rather than
# manage_master_user_password: the app reads DATABASE_URL once from its
# environment file, and Secrets Manager's automatic rotation would change the
# password underneath it.

resource "aws_db_subnet_group" "db" {
  count = var.enable_rds ? 1 : 0

  name       = "${local.name}-db"
  subnet_ids = var.data_subnet_ids

  tags = { Name = "${local.name}-db" }

  lifecycle {
    precondition {
      condition     = length(var.data_subnet_ids) >= 2
      error_message = "enable_rds needs at least two data_subnet_ids in different availability zones."
    }
  }
}

resource "aws_db_parameter_group" "db" {
  count = var.enable_rds ? 1 : 0

  name_prefix = "${local.name}-db-"
  family      = "postgres${split(".", var.db_engine_version)[0]}"
  description = "${local.name}: TLS-only connections and slow-query logging"

  # Clients must use TLS; the app's DATABASE_URL carries ?sslmode=require.
  parameter {
    name         = "rds.force_ssl"
    value        = "1"
    apply_method = "pending-reboot"
  }

  parameter {
    name  = "log_statement"
    value = "ddl"
  }

  parameter {
    name  = "log_min_duration_statement"
    value = "1000"
  }

  lifecycle {
    create_before_destroy = true
  }
}

data "aws_iam_policy_document" "rds_monitoring_assume" {
  count = var.enable_rds ? 1 : 0

  statement {
    actions = ["sts:AssumeRole"]

    principals {
      type        = "Service"
      identifiers = ["monitoring.rds.amazonaws.com"]
    }
  }
}

resource "aws_iam_role" "rds_monitoring" {
  count = var.enable_rds ? 1 : 0

  name_prefix        = "${local.name}-rds-mon-"
  assume_role_policy = data.aws_iam_policy_document.rds_monitoring_assume[0].json
}

resource "aws_iam_role_policy_attachment" "rds_monitoring" {
  count = var.enable_rds ? 1 : 0

  role       = aws_iam_role.rds_monitoring[0].name
  policy_arn = "arn:${data.aws_partition.current.partition}:iam::aws:policy/service-role/AmazonRDSEnhancedMonitoringRole"
}

resource "aws_db_instance" "db" {
  count = var.enable_rds ? 1 : 0

  identifier     = "${local.name}-db"
  engine         = "postgres"
  engine_version = var.db_engine_version
  instance_class = var.db_instance_class

  db_name  = var.db_name
  username = var.db_username
  password = var.db_password
  port     = 5432

  allocated_storage     = var.db_allocated_storage
  max_allocated_storage = var.db_max_allocated_storage
  storage_type          = "gp3"
  storage_encrypted     = true
  kms_key_id            = aws_kms_key.data[0].arn

  db_subnet_group_name   = aws_db_subnet_group.db[0].name
  vpc_security_group_ids = [aws_security_group.db[0].id]
  publicly_accessible    = false
  multi_az               = var.db_multi_az
  parameter_group_name   = aws_db_parameter_group.db[0].name

  iam_database_authentication_enabled = true
  auto_minor_version_upgrade          = true
  backup_retention_period             = var.db_backup_retention_days
  copy_tags_to_snapshot               = true
  deletion_protection                 = var.enable_deletion_protection
  skip_final_snapshot                 = false
  final_snapshot_identifier           = "${local.name}-db-final"

  enabled_cloudwatch_logs_exports       = ["postgresql", "upgrade"]
  monitoring_interval                   = 60
  monitoring_role_arn                   = aws_iam_role.rds_monitoring[0].arn
  performance_insights_enabled          = true
  performance_insights_kms_key_id       = aws_kms_key.data[0].arn
  performance_insights_retention_period = 7

  tags = { Name = "${local.name}-db" }

  depends_on = [aws_iam_role_policy_attachment.rds_monitoring]
}
