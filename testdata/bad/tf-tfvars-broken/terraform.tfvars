region = "ap-northeast-1
retention = [
