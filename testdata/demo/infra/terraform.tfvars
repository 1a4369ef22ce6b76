db_backup_days = 14
