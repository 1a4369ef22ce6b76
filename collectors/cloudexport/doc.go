// Package cloudexport reads configuration exported from the clouds and turns
// it into the same facts the Terraform collector produces, so that one policy
// serves both what the code declares and what the cloud reports.
//
// Inputs are recognised by content, never by file name:
//
//   - AWS CLI JSON output: rds describe-db-instances and describe-db-clusters,
//     backup get-backup-plan (list-backup-plans is noted, it holds no rules),
//     logs describe-log-groups, ec2 describe-security-groups, cloudtrail
//     describe-trails, guardduty get-detector, s3api get-bucket-encryption;
//   - AWS Config configuration items (get-resource-config-history, snapshot
//     files delivered to S3, select-resource-config results);
//   - Azure Resource Graph and az resource list output (ARM resource shape);
//   - Google Cloud Asset Inventory exports (JSON lines or a JSON array).
//
// Every fact keeps its provenance: the file, the lines of the resource, and
// in the field attribute the JSON path of the resource in the file. Values an
// export cannot show (which key a KMS key ARN is, a bucket's name in
// get-bucket-encryption output) are recorded as unknown, never guessed.
package cloudexport
