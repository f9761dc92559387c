# ---------------------------------------------------------------------------
# Identity and placement
# ---------------------------------------------------------------------------

variable "project" {
  description = "Project short name. Used in resource names and as the Project tag the Ansible dynamic inventory filters on."
  type        = string
  default     = "livefeed"

  validation {
    # Load balancer and target group names stop at 32 characters:
    # "<project>-production-health" leaves 12 for the project.
    condition     = can(regex("^[a-z][a-z0-9-]{1,11}$", var.project))
    error_message = "project must be 2-12 characters of lowercase letters, digits and hyphens, starting with a letter (AWS caps load balancer names at 32)."
  }
}

variable "environment" {
  description = "Deployment environment. Becomes the Environment tag and part of every resource name."
  type        = string

  validation {
    condition     = contains(["dev", "staging", "production"], var.environment)
    error_message = "environment must be one of: dev, staging, production."
  }
}

variable "aws_region" {
  description = "AWS region to deploy into, for example eu-west-1."
  type        = string

  validation {
    condition     = can(regex("^[a-z]{2}(-gov)?-[a-z]+-[0-9]$", var.aws_region))
    error_message = "aws_region must look like an AWS region name, for example eu-west-1."
  }
}

variable "vpc_id" {
  description = "ID of the existing VPC that holds every resource."
  type        = string

  validation {
    condition     = can(regex("^vpc-[0-9a-f]+$", var.vpc_id))
    error_message = "vpc_id must be a VPC ID such as vpc-0123456789abcdef0."
  }
}

variable "public_subnet_ids" {
  description = "Public subnets for the internet-facing ALB; at least two, in different availability zones."
  type        = list(string)

  validation {
    condition     = length(var.public_subnet_ids) >= 2 && alltrue([for s in var.public_subnet_ids : can(regex("^subnet-[0-9a-f]+$", s))])
    error_message = "public_subnet_ids needs at least two subnet IDs (subnet-...): an ALB spans two or more availability zones."
  }
}

variable "instance_subnet_ids" {
  description = "Subnets the Auto Scaling group launches app instances into."
  type        = list(string)

  validation {
    condition     = length(var.instance_subnet_ids) >= 1 && alltrue([for s in var.instance_subnet_ids : can(regex("^subnet-[0-9a-f]+$", s))])
    error_message = "instance_subnet_ids needs at least one subnet ID (subnet-...)."
  }
}

variable "data_subnet_ids" {
  description = "Private subnets for ElastiCache and RDS; at least two in different availability zones when either is enabled."
  type        = list(string)
  default     = []

  validation {
    condition     = alltrue([for s in var.data_subnet_ids : can(regex("^subnet-[0-9a-f]+$", s))])
    error_message = "data_subnet_ids must contain subnet IDs (subnet-...)."
  }
}

variable "tags" {
  description = "Extra tags for every resource. Project, Environment and AnsibleGroups are set by the module and cannot be overridden here."
  type        = map(string)
  default     = {}
}

# ---------------------------------------------------------------------------
# Load balancer
# ---------------------------------------------------------------------------

variable "certificate_arn" {
  description = "ARN of the ACM certificate the HTTPS listener presents."
  type        = string

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:acm:[a-z0-9-]+:[0-9]{12}:certificate/.+$", var.certificate_arn))
    error_message = "certificate_arn must be an ACM certificate ARN (arn:aws:acm:REGION:ACCOUNT:certificate/ID)."
  }
}

variable "ssl_policy" {
  description = "TLS policy of the HTTPS listener. Only policies that offer TLS 1.3 and refuse anything below TLS 1.2 are accepted."
  type        = string
  default     = "ELBSecurityPolicy-TLS13-1-2-2021-06"

  validation {
    condition     = can(regex("^ELBSecurityPolicy-TLS13-1-[23]-", var.ssl_policy))
    error_message = "ssl_policy must be an ELBSecurityPolicy-TLS13-1-2-* or ELBSecurityPolicy-TLS13-1-3-* policy."
  }
}

variable "alb_ip_address_type" {
  description = "dualstack serves IPv4 and IPv6 clients and needs public subnets with IPv6 CIDRs; ipv4 for a VPC without IPv6."
  type        = string
  default     = "dualstack"

  validation {
    condition     = contains(["dualstack", "ipv4"], var.alb_ip_address_type)
    error_message = "alb_ip_address_type must be dualstack or ipv4."
  }
}

variable "alb_idle_timeout" {
  description = "Seconds the ALB keeps an idle connection open. Must exceed Daphne's 20 s WebSocket ping and stay below nginx's 180 s WebSocket read timeout."
  type        = number
  default     = 120

  validation {
    condition     = var.alb_idle_timeout > 20 && var.alb_idle_timeout < 180
    error_message = "alb_idle_timeout must be above 20 (Daphne pings every 20 s) and below 180 (nginx_ws_read_timeout), or sockets are cut while healthy."
  }
}

variable "deregistration_delay" {
  description = "Seconds a deregistering target keeps its connections before the ALB closes them."
  type        = number
  default     = 60

  validation {
    condition     = var.deregistration_delay >= 0 && var.deregistration_delay <= 3600
    error_message = "deregistration_delay must be between 0 and 3600 seconds."
  }
}

variable "enable_deletion_protection" {
  description = "Protect the ALB (and the RDS instance) from deletion. Turn off only for throw-away environments."
  type        = bool
  default     = true
}

variable "alb_access_logs_bucket" {
  description = "S3 bucket for ALB access logs (its policy must allow ELB log delivery). Null turns access logs off."
  type        = string
  default     = null
}

variable "nginx_port" {
  description = "Port nginx listens on in front of Daphne on every app instance; the main target group sends traffic here."
  type        = number
  default     = 80

  validation {
    condition     = var.nginx_port >= 1 && var.nginx_port <= 65535
    error_message = "nginx_port must be a TCP port (1-65535)."
  }
}

variable "daphne_port" {
  description = "Port Daphne listens on; the health target group checks it directly, bypassing nginx."
  type        = number
  default     = 8000

  validation {
    condition     = var.daphne_port >= 1024 && var.daphne_port <= 65535 && var.daphne_port != var.nginx_port
    error_message = "daphne_port must be an unprivileged TCP port (1024-65535) different from nginx_port."
  }
}

# ---------------------------------------------------------------------------
# Instances
# ---------------------------------------------------------------------------

variable "instance_count" {
  description = "Number of app instances. 1 is the all-in-one layout (app, Redis and PostgreSQL on one host); more than 1 requires enable_elasticache and enable_rds."
  type        = number
  default     = 1

  validation {
    condition     = var.instance_count >= 1 && var.instance_count <= 20 && floor(var.instance_count) == var.instance_count
    error_message = "instance_count must be a whole number between 1 and 20."
  }

  validation {
    condition     = var.instance_count == 1 || (var.enable_elasticache && var.enable_rds)
    error_message = "More than one instance needs enable_elasticache = true and enable_rds = true: with a Redis per instance, a post broadcast on one instance never reaches WebSockets held by another, and with a PostgreSQL per instance each host shows a different feed."
  }
}

variable "instance_type" {
  description = "EC2 instance type of the app instances."
  type        = string
  default     = "t3.small"
}

variable "ami_id" {
  description = "AMI for the app instances. Null selects the newest official Debian 12 (bookworm) amd64 image, which is what the Ansible roles target."
  type        = string
  default     = null

  validation {
    condition     = var.ami_id == null || can(regex("^ami-[0-9a-f]+$", var.ami_id))
    error_message = "ami_id must be null or an AMI ID such as ami-0123456789abcdef0."
  }
}

variable "root_device_name" {
  description = "Root device name of the AMI; /dev/xvda for the official Debian images."
  type        = string
  default     = "/dev/xvda"
}

variable "root_volume_size" {
  description = "Size in GiB of the encrypted root volume (in the all-in-one layout it also holds the PostgreSQL data)."
  type        = number
  default     = 20

  validation {
    condition     = var.root_volume_size >= 8 && var.root_volume_size <= 1024
    error_message = "root_volume_size must be between 8 and 1024 GiB."
  }
}

variable "key_name" {
  description = "EC2 key pair for SSH (Ansible). Null launches instances without a key pair."
  type        = string
  default     = null
}

variable "associate_public_ip_address" {
  description = "Give app instances public IPv4 addresses (only when Ansible cannot reach them privately, e.g. no VPN or bastion)."
  type        = bool
  default     = false
}

variable "admin_cidrs" {
  description = "CIDRs (IPv4 or IPv6) allowed to reach SSH on the instances. Empty means no SSH rule at all."
  type        = list(string)
  default     = []

  validation {
    condition     = alltrue([for c in var.admin_cidrs : can(cidrhost(c, 0))])
    error_message = "Every admin_cidrs entry must be a valid CIDR such as 203.0.113.10/32 or 2001:db8::/64."
  }

  validation {
    condition     = alltrue([for c in var.admin_cidrs : !contains(["0.0.0.0/0", "::/0"], c)])
    error_message = "admin_cidrs must not open SSH to the whole internet (0.0.0.0/0 or ::/0)."
  }
}

# ---------------------------------------------------------------------------
# Shared channel layer: ElastiCache Redis
# ---------------------------------------------------------------------------

variable "enable_elasticache" {
  description = "Create an ElastiCache Redis replication group as the shared channel layer instead of Redis on the instance."
  type        = bool
  default     = false
}

variable "elasticache_node_type" {
  description = "ElastiCache node type."
  type        = string
  default     = "cache.t4g.micro"
}

variable "elasticache_num_cache_clusters" {
  description = "Nodes in the replication group: one primary plus replicas in other availability zones for automatic failover."
  type        = number
  default     = 2

  validation {
    condition     = var.elasticache_num_cache_clusters >= 2 && var.elasticache_num_cache_clusters <= 6
    error_message = "elasticache_num_cache_clusters must be between 2 and 6: automatic failover needs at least one replica."
  }
}

variable "elasticache_engine_version" {
  description = "Redis engine version of the replication group."
  type        = string
  default     = "7.1"
}

variable "elasticache_auth_token" {
  description = "Redis AUTH token, required when enable_elasticache is true: 16-128 characters, letters, digits and ! & # $ ^ < > - only (generate one with `openssl rand -hex 32`, pass it as TF_VAR_elasticache_auth_token). Read it back from the sensitive redis_url output."
  type        = string
  default     = null
  sensitive   = true

  # No generated fallback: a secret the module invents lives only in the state,
  # and the module must not depend on a provider that is not on every machine.
  validation {
    condition     = !var.enable_elasticache || var.elasticache_auth_token != null
    error_message = "elasticache_auth_token is required when enable_elasticache is true; generate one with `openssl rand -hex 32` and pass it as TF_VAR_elasticache_auth_token."
  }

  # ElastiCache's own rule (CreateReplicationGroup AuthToken): printable ASCII,
  # 16-128 long, and the only non-alphanumerics allowed are ! & # $ ^ < > -.
  # That also keeps out @, " and /, which would break the redis_url.
  validation {
    condition     = var.elasticache_auth_token == null || can(regex("^[A-Za-z0-9!&#$^<>-]{16,128}$", var.elasticache_auth_token))
    error_message = "elasticache_auth_token must be 16-128 printable characters: letters, digits and ! & # $ ^ < > - only (no @, \", / or spaces)."
  }
}

# ---------------------------------------------------------------------------
# Shared database: RDS PostgreSQL
# ---------------------------------------------------------------------------

variable "enable_rds" {
  description = "Create an RDS PostgreSQL instance as the shared database instead of PostgreSQL on the instance."
  type        = bool
  default     = false
}

variable "db_instance_class" {
  description = "RDS instance class."
  type        = string
  default     = "db.t4g.micro"
}

variable "db_engine_version" {
  description = "PostgreSQL major version on RDS (the all-in-one layout runs Debian 12's PostgreSQL 15)."
  type        = string
  default     = "15"
}

variable "db_allocated_storage" {
  description = "Initial RDS storage in GiB."
  type        = number
  default     = 20

  validation {
    condition     = var.db_allocated_storage >= 20 && var.db_allocated_storage <= 1000
    error_message = "db_allocated_storage must be between 20 and 1000 GiB."
  }
}

variable "db_max_allocated_storage" {
  description = "Upper bound in GiB for RDS storage autoscaling."
  type        = number
  default     = 100

  validation {
    condition     = var.db_max_allocated_storage >= var.db_allocated_storage
    error_message = "db_max_allocated_storage must be at least db_allocated_storage."
  }
}

variable "db_name" {
  description = "Name of the application database."
  type        = string
  default     = "livefeed"

  validation {
    condition     = can(regex("^[a-z][a-z0-9_]{0,62}$", var.db_name))
    error_message = "db_name must start with a letter and contain only lowercase letters, digits and underscores."
  }
}

variable "db_username" {
  description = "Master user of the RDS instance, used by the app."
  type        = string
  default     = "livefeed"

  validation {
    condition     = can(regex("^[a-z][a-z0-9_]{0,62}$", var.db_username)) && !contains(["postgres", "rdsadmin", "admin"], var.db_username)
    error_message = "db_username must start with a letter, use lowercase letters, digits and underscores, and not be a reserved name."
  }
}

variable "db_password" {
  description = "RDS master password, required when enable_rds is true: 8-128 printable characters without / @ \" or spaces (generate one with `openssl rand -hex 32`, pass it as TF_VAR_db_password). Read it back from the sensitive database_url output."
  type        = string
  default     = null
  sensitive   = true

  validation {
    condition     = !var.enable_rds || var.db_password != null
    error_message = "db_password is required when enable_rds is true; generate one with `openssl rand -hex 32` and pass it as TF_VAR_db_password."
  }

  # RDS's own rule for PostgreSQL master passwords: 8-128 printable ASCII
  # characters except /, @, " and space.
  validation {
    condition     = var.db_password == null || can(regex("^[!#-.0-?A-~]{8,128}$", var.db_password))
    error_message = "db_password must be 8-128 printable ASCII characters without /, @, \" or spaces."
  }
}

variable "db_multi_az" {
  description = "Run the RDS instance Multi-AZ (a standby in a second availability zone)."
  type        = bool
  default     = true
}

variable "db_backup_retention_days" {
  description = "Days RDS keeps automated backups."
  type        = number
  default     = 7

  validation {
    condition     = var.db_backup_retention_days >= 1 && var.db_backup_retention_days <= 35
    error_message = "db_backup_retention_days must be between 1 and 35."
  }
}

# ---------------------------------------------------------------------------
# Alarms
# ---------------------------------------------------------------------------

variable "create_alarm_topic" {
  description = "Create an encrypted SNS topic that every alarm notifies."
  type        = bool
  default     = false
}

variable "alarm_email" {
  description = "E-mail address subscribed to the alarm topic (needs create_alarm_topic). Null subscribes nobody."
  type        = string
  default     = null

  validation {
    condition     = var.alarm_email == null || can(regex("^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$", var.alarm_email))
    error_message = "alarm_email must be an e-mail address."
  }
}

variable "alarm_actions" {
  description = "Extra ARNs (SNS topics, etc.) every alarm notifies."
  type        = list(string)
  default     = []
}

variable "alb_5xx_alarm_threshold" {
  description = "5xx responses (from the ALB itself or from targets) per 5 minutes that raise the alarm."
  type        = number
  default     = 10
}

variable "response_time_alarm_threshold" {
  description = "p95 target response time in seconds that raises the alarm."
  type        = number
  default     = 1
}

variable "cpu_alarm_threshold" {
  description = "Average CPU percent across the app instances that raises the alarm."
  type        = number
  default     = 80

  validation {
    condition     = var.cpu_alarm_threshold > 0 && var.cpu_alarm_threshold <= 100
    error_message = "cpu_alarm_threshold must be a percentage between 1 and 100."
  }
}
