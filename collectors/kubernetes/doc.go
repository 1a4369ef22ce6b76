// Package kubernetes reads Kubernetes manifests and turns the objects they
// declare into facts.
//
// It reads multi-document YAML and JSON files, List objects, Helm-rendered
// output (helm template) and Kustomize directories, which are built in
// process with sigs.k8s.io/kustomize/api and never reach the network. Every
// object keeps its provenance: file, the line range of its document and its
// reference id (apps/v1/Deployment/ns/name). Objects of kinds the collector
// does not know, custom resources included, are read as generic objects and
// produce no facts.
//
// The reader is bounded: alias expansion, nesting depth and the number of
// values read per file are limited, and exceeding a limit is a diagnostic with
// file and line, never a crash. Secret data and environment values are never
// read into facts.
//
// FactsFromObject maps one decoded object, for example from an admission
// request, to facts. The collector additionally links objects that refer to
// each other within the scanned set: PodDisruptionBudgets, autoscalers and
// Services to their workloads, PersistentVolumeClaims to StorageClasses,
// cert-manager Certificates to the Ingresses that serve them and Velero
// Schedules to the volumes they back up.
package kubernetes
