package kubernetes

import (
	"slices"
	"strings"

	"github.com/kaiji-dev/kaiji/collectors"
)

// defaultClassAnnotation marks the cluster's default StorageClass.
const defaultClassAnnotation = "storageclass.kubernetes.io/is-default-class"

// betaClassAnnotation names a claim's StorageClass in old manifests.
const betaClassAnnotation = "volume.beta.kubernetes.io/storage-class"

// pvcFact maps a PersistentVolumeClaim (or a StatefulSet's claim template).
// Its encryption depends on the StorageClass, which the collector links; on
// its own it is unknown.
func pvcFact(o *object, pvc val, id string, at val) *collectors.Fact {
	f := newFact(o, collectors.KindDatastore, id, at)
	f.Type = "PersistentVolumeClaim"
	spec := pvc.get("spec")
	class := "block_storage"
	if slices.Contains(spec.get("accessModes").strs(), "ReadWriteMany") {
		class = "file_storage"
	}
	set(f, "class", class, spec.get("accessModes"))
	set(f, "name", pvc.path("metadata", "name").str(), val{})
	sc := spec.get("storageClassName")
	if !sc.present() {
		sc = pvc.path("metadata", "annotations", betaClassAnnotation) // before Kubernetes 1.6
	}
	if sc.present() {
		set(f, "storage_class", sc.str(), sc)
	}
	unknown(f, "encrypted_at_rest", sc)
	f.SetUnknown("location.region")
	return f
}

// classEncryption is what a StorageClass says about encryption at rest.
type classEncryption struct {
	known     bool   // the provisioner is one whose encryption is understood
	encrypted bool   // volumes are encrypted at rest
	algorithm string // encryption attribute: platform_default or the key kind
	kms       bool   // a customer-managed key is configured
	at        val    // where it is said
}

// storageClassEncryption reads the encryption parameters of the AWS EBS,
// GCE PD and Azure Disk provisioners, CSI and in-tree.
func storageClassEncryption(sc val) classEncryption {
	prov := sc.get("provisioner").str()
	params := sc.get("parameters")
	param := func(name string) val {
		// Parameter names are case-insensitive for the CSI drivers.
		for _, k := range params.keys() {
			if strings.EqualFold(k, name) {
				return params.get(k)
			}
		}
		return val{}
	}
	switch prov {
	case "ebs.csi.aws.com", "kubernetes.io/aws-ebs":
		e := param("encrypted")
		kms := param("kmsKeyId")
		b, ok := e.bool()
		if !ok {
			// Unencrypted unless the account enables EBS encryption by default,
			// which the manifests cannot show.
			return classEncryption{at: sc.get("provisioner")}
		}
		ce := classEncryption{known: true, encrypted: b, at: e}
		if b {
			ce.algorithm = "aws:kms"
			ce.kms = kms.present()
		}
		return ce
	case "pd.csi.storage.gke.io", "kubernetes.io/gce-pd":
		// Persistent disks are always encrypted, with Google-managed keys by default.
		k := param("disk-encryption-kms-key")
		if k.present() {
			return classEncryption{known: true, encrypted: true, algorithm: "gcp:kms", kms: true, at: k}
		}
		return classEncryption{known: true, encrypted: true, algorithm: "platform_default", at: sc.get("provisioner")}
	case "disk.csi.azure.com", "kubernetes.io/azure-disk", "file.csi.azure.com", "kubernetes.io/azure-file":
		// Managed disks and Azure Files are encrypted with platform keys by default (SSE).
		des := param("diskEncryptionSetID")
		if des.present() {
			return classEncryption{known: true, encrypted: true, algorithm: "azure:keyvault", kms: true, at: des}
		}
		return classEncryption{known: true, encrypted: true, algorithm: "platform_default", at: sc.get("provisioner")}
	}
	return classEncryption{at: sc.get("provisioner")}
}

// applyClassEncryption writes a StorageClass's encryption into a volume fact.
// Lines are kept only when the class is in the fact's file.
func applyClassEncryption(f *collectors.Fact, sc *object) {
	ce := storageClassEncryption(sc.v)
	at := ce.at
	if sc.file != f.Source.File {
		at = val{}
	}
	if !ce.known {
		return
	}
	clearUnknown(f, "encrypted_at_rest")
	delete(f.Lines, "encrypted_at_rest")
	set(f, "encrypted_at_rest", ce.encrypted, at)
	if ce.algorithm != "" {
		set(f, "encryption", ce.algorithm, at)
	}
	set(f, "kms_key", ce.kms, at)
}
