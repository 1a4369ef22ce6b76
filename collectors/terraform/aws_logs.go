package terraform

import (
	"github.com/kaiji-dev/kaiji/collectors"
)

// Access and flow logs written to S3 are log stores whose retention and
// tamper protection are their bucket's (lifecycle, object lock).

func init() {
	awsMappers["aws_lb"] = mapLBAccessLogs
	awsMappers["aws_alb"] = mapLBAccessLogs
	awsMappers["aws_s3_bucket_logging"] = mapS3AccessLogs
	awsMappers["aws_flow_log"] = mapFlowLog
}

// s3Log starts a log fact for logs delivered to an S3 bucket; linkAWSMore
// fills in retention and tamper protection from the bucket.
func s3Log(m *module, r *resource, id, category string) *collectors.Fact {
	f := newFact(r, collectors.KindLog, id)
	set(f, "store", "s3")
	set(f, "category", category)
	set(f, "encrypted", true) // S3 encrypts every object at least with SSE-S3
	f.SetUnknown("retention_seconds")
	set(f, "tamper_protection", false)
	location(m, r, f)
	return f
}

func mapLBAccessLogs(m *module, r *resource) []*collectors.Fact {
	al := r.body.child("access_logs")
	if al == nil {
		return nil
	}
	on, ok := asBool(al.get("enabled").v)
	if !ok || !on {
		return nil // off by default, even with a bucket
	}
	f := s3Log(m, r, r.addr+"#access_logs", "access")
	read(f, "name", al, "bucket", toString, absentOmit, nil)
	return []*collectors.Fact{f}
}

func mapS3AccessLogs(m *module, r *resource) []*collectors.Fact {
	f := s3Log(m, r, "", "access")
	read(f, "name", r.body, "target_bucket", toString, absentOmit, nil)
	return []*collectors.Fact{f}
}

func mapFlowLog(m *module, r *resource) []*collectors.Fact {
	if t, ok := str(r.body, "log_destination_type"); !ok || t != "s3" {
		return nil // CloudWatch Logs: the log group is marked as a flow log by linkAWSMore
	}
	return []*collectors.Fact{s3Log(m, r, "", "flow")}
}

// logBucket copies a bucket's retention and tamper protection to a log fact.
func logBucket(f, b *collectors.Fact) {
	set(f, "bucket", b.ID)
	switch {
	case b.Attrs["retention_seconds"] != nil:
		set(f, "retention_seconds", b.Attrs["retention_seconds"])
		clearUnknown(f, "retention_seconds")
	case b.Attrs["retention_forever"] == true:
		set(f, "retention_forever", true)
		clearUnknown(f, "retention_seconds")
	}
	if b.Attrs["object_lock"] == true && f.Attrs["tamper_protection"] != true {
		set(f, "tamper_protection", true)
		set(f, "tamper_mechanism", "object_lock")
	}
}

// linkLogs links log facts to the buckets and log groups they write to.
func linkLogs(m *module, r *resource, byAddr map[string]*collectors.Fact, bucket func(*resource, *attr) *collectors.Fact) {
	switch r.typ {
	case "aws_cloudtrail":
		if f := byAddr[r.local]; f != nil {
			if b := bucket(r, r.body.attr("s3_bucket_name")); b != nil {
				logBucket(f, b)
			}
		}
	case "aws_lb", "aws_alb":
		for _, f := range []*collectors.Fact{byAddr[r.local+"#access_logs"]} {
			if f == nil {
				continue
			}
			if b := bucket(r, r.body.child("access_logs").attr("bucket")); b != nil {
				logBucket(f, b)
			}
		}
	case "aws_s3_bucket_logging":
		if f := byAddr[r.local]; f != nil {
			if b := bucket(r, r.body.attr("target_bucket")); b != nil {
				logBucket(f, b)
			}
		}
	case "aws_flow_log":
		dest := r.body.attr("log_destination")
		if f := byAddr[r.local]; f != nil {
			if b := bucket(r, dest); b != nil {
				logBucket(f, b)
			}
			return
		}
		for _, a := range []*attr{dest, r.body.attr("log_group_name")} {
			if g := refFact(a, byAddr); g != nil && g.Kind == collectors.KindLog {
				set(g, "category", "flow")
				clearUnknown(g, "category")
			}
		}
	}
}
