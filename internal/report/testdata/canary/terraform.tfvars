api_token   = "kaiji-canary-token-0f1e2d"
db_password = "kaiji-canary-tfvars-4c5d6e"
region      = "ap-northeast-1"
db_conn     = "kaiji-canary-sensvar-8a9b0c"
