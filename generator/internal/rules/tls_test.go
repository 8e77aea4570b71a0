package rules

import (
	"github.com/stsgen/stsgen/generator/diag"
	"github.com/stsgen/stsgen/generator/internal/build"
)

// tlsApp is an etcd ensemble with tls; extra is added inside the app.
func tlsApp(extra string) string {
	return `package t

apps: etcd: {
	image:    "quay.io/coreos/etcd:v3.5.17"
	topology: "quorum"
	ports: {client: 2379, peer: {port: 2380, expose: ["headless"]}}
	resources: {
		requests: {cpu: "1", memory: "1Gi", "ephemeral-storage": "1Gi"}
		limits: {cpu: "1", memory: "1Gi", "ephemeral-storage": "1Gi"}
	}
` + extra + `
}
`
}

// memberApp is a Kafka ensemble with member Services; extra is added
// inside the app.
func memberApp(extra string) string {
	return `package t

apps: kafka: {
	image:    "apache/kafka:3.8.0"
	topology: "quorum"
	ports: {client: 9092, external: {port: 9095, expose: ["headless"]}}
	resources: {
		requests: {cpu: "1", memory: "1Gi", "ephemeral-storage": "1Gi"}
		limits: {cpu: "1", memory: "1Gi", "ephemeral-storage": "1Gi"}
	}
` + extra + `
}
`
}

// tlsCases are the cases of tlsRules.
var tlsCases = []ruleCase{
	// STS420: the issuer.
	{rule: diag.RuleTLSIssuer, name: "issuer name left empty", fires: true, src: tlsApp(`	tls: issuer: name: ""`)},
	{rule: diag.RuleTLSIssuer, name: "issuer named", src: tlsApp(`	tls: issuer: name: "etcd-ca"`)},
	{rule: diag.RuleTLSIssuer, name: "issuer name with capitals", fires: true, src: tlsApp(`	tls: issuer: name: "Etcd_CA"`)},
	{rule: diag.RuleTLSIssuer, name: "cert-manager issuer of an unknown kind", fires: true, src: tlsApp(`	tls: issuer: {name: "ca", kind: "CAIssuer"}`)},
	{rule: diag.RuleTLSIssuer, name: "ClusterIssuer", src: tlsApp(`	tls: issuer: {name: "ca", kind: "ClusterIssuer"}`)},
	{rule: diag.RuleTLSIssuer, name: "external issuer of its own group", src: tlsApp(`	tls: issuer: {name: "ca", kind: "AWSPCAClusterIssuer", group: "awspca.cert-manager.io"}`)},

	// STS421: the Certificate's fields.
	{rule: diag.RuleTLSCertificate, name: "duration under an hour", fires: true, src: tlsApp(`	tls: {issuer: name: "ca", duration: "30m"}`)},
	{rule: diag.RuleTLSCertificate, name: "duration of 90 days", src: tlsApp(`	tls: {issuer: name: "ca", duration: "2160h", renewBefore: "720h"}`)},
	{rule: diag.RuleTLSCertificate, name: "duration in days", fires: true, src: tlsApp(`	tls: {issuer: name: "ca", duration: "90d"}`)},
	{rule: diag.RuleTLSCertificate, name: "renewBefore as long as the duration", fires: true, src: tlsApp(`	tls: {issuer: name: "ca", duration: "24h", renewBefore: "24h"}`)},
	{rule: diag.RuleTLSCertificate, name: "RSA key of 1024 bits", fires: true, src: tlsApp(`	tls: {issuer: name: "ca", privateKey: {algorithm: "RSA", size: 1024}}`)},
	{rule: diag.RuleTLSCertificate, name: "RSA key of 4096 bits", src: tlsApp(`	tls: {issuer: name: "ca", privateKey: {algorithm: "RSA", size: 4096}}`)},
	{rule: diag.RuleTLSCertificate, name: "Ed25519 key with a size", fires: true, src: tlsApp(`	tls: {issuer: name: "ca", privateKey: {algorithm: "Ed25519", size: 256}}`)},
	{rule: diag.RuleTLSCertificate, name: "extra name with an underscore", fires: true, src: tlsApp(`	tls: {issuer: name: "ca", dnsNames: ["etcd_0.example.com"]}`)},
	{rule: diag.RuleTLSCertificate, name: "extra wildcard name and IP", src: tlsApp(`	tls: {issuer: name: "ca", dnsNames: ["*.etcd.example.com"], ipAddresses: ["10.0.0.1"]}`)},
	{rule: diag.RuleTLSCertificate, name: "IP address that is none", fires: true, src: tlsApp(`	tls: {issuer: name: "ca", ipAddresses: ["10.0.0.256"]}`)},
	{rule: diag.RuleTLSCertificate, name: "names not derived and none given", fires: true, src: tlsApp(`	tls: {issuer: name: "ca", deriveNames: false}`)},

	// STS422: the certificate covers the names in use.
	{rule: diag.RuleTLSCoverage, name: "own names leave out the members' FQDNs", fires: true, src: tlsApp(`	tls: {issuer: name: "ca", deriveNames: false, dnsNames: ["etcd.default.svc"]}
	args: ["--advertise-client-urls=https://$(STSGEN_FQDN):2379"]`)},
	{rule: diag.RuleTLSCoverage, name: "own names cover the members by wildcard", src: tlsApp(`	tls: {issuer: name: "ca", deriveNames: false, dnsNames: ["*.etcd-hs.default.svc.cluster.local"]}
	args: ["--advertise-client-urls=https://$(STSGEN_FQDN):2379"]`)},
	{rule: diag.RuleTLSCoverage, name: "peer list by hand outside own names", fires: true, src: tlsApp(`	tls: {issuer: name: "ca", deriveNames: false, dnsNames: ["*.etcd-hs"]}
	args: ["--initial-cluster=etcd-0=https://etcd-0.etcd-hs.default.svc:2380"]`)},
	{rule: diag.RuleTLSCoverage, name: "peer list by hand with derived names", src: tlsApp(`	tls: issuer: name: "ca"
	args: ["--initial-cluster=etcd-0=https://etcd-0.etcd-hs.default.svc:2380,etcd-1=https://etcd-1.etcd-hs.default.svc:2380"]`)},
	{rule: diag.RuleTLSCoverage, name: "external names not in the certificate", fires: true, src: memberApp(`	services: members: {ports: ["external"], annotations: "external-dns.alpha.kubernetes.io/hostname": "@@pod@@.kafka.example.com"}
	tls: issuer: name: "ca"`)},
	{rule: diag.RuleTLSCoverage, name: "external names in the certificate", src: memberApp(`	services: members: {ports: ["external"], annotations: "external-dns.alpha.kubernetes.io/hostname": "@@pod@@.kafka.example.com"}
	tls: {issuer: name: "ca", dnsNames: ["*.kafka.example.com"]}`)},

	// STS423: the certificate's mount.
	{rule: diag.RuleTLSMount, name: "relative mount path (STS006's)", src: tlsApp(`	tls: {issuer: name: "ca", mountPath: "etc/tls"}`)},
	{rule: diag.RuleVolumeMounts, name: "relative tls mount path", fires: true, src: tlsApp(`	tls: {issuer: name: "ca", mountPath: "etc/tls"}`)},
	{rule: diag.RuleTLSMount, name: "mounted over /tmp", fires: true, src: tlsApp(`	tls: {issuer: name: "ca", mountPath: "/tmp/"}`)},
	{rule: diag.RuleTLSMount, name: "mounted below /tmp", src: tlsApp(`	tls: {issuer: name: "ca", mountPath: "/tmp/tls"}`)},
	{rule: diag.RuleTLSMount, name: "mounted into a sidecar", src: tlsApp(`	tls: {issuer: name: "ca", containers: ["backup"]}
	sidecars: [{name: "backup", image: "busybox:1.36", resources: {requests: {cpu: "1", memory: "1Gi", "ephemeral-storage": "1Gi"}, limits: {cpu: "1", memory: "1Gi", "ephemeral-storage": "1Gi"}}}]`)},
	{rule: diag.RuleTLSMount, name: "mounted into a container that does not exist", fires: true, src: tlsApp(`	tls: {issuer: name: "ca", containers: ["backup"]}`)},
	{rule: diag.RuleTLSMount, name: "a key mounted by subPath", fires: true, src: tlsApp(`	tls: issuer: name: "ca"
	sidecars: [{name: "backup", image: "busybox:1.36", volumeMounts: [{name: "stsgen-tls", mountPath: "/tls/ca.crt", subPath: "ca.crt"}], resources: {requests: {cpu: "1", memory: "1Gi", "ephemeral-storage": "1Gi"}, limits: {cpu: "1", memory: "1Gi", "ephemeral-storage": "1Gi"}}}]`)},

	// STS424: HTTP probes say their scheme.
	{rule: diag.RuleTLSProbes, name: "HTTP probe without a scheme", fires: true, src: tlsApp(`	tls: issuer: name: "ca"
	probes: readiness: http: {port: "client", path: "/readyz"}`)},
	{rule: diag.RuleTLSProbes, name: "HTTPS probe", src: tlsApp(`	tls: issuer: name: "ca"
	probes: readiness: http: {port: "client", path: "/readyz", scheme: "HTTPS"}`)},
	{rule: diag.RuleTLSProbes, name: "HTTP probe without a scheme, no tls", src: tlsApp(`	probes: readiness: http: {port: "client", path: "/readyz"}`)},
	{rule: diag.RuleTLSProbes, name: "certificate of 104 names", fires: true, src: memberApp(`	replicas: 23
	services: members: ports: ["external"]
	tls: issuer: name: "ca"`)},
	{rule: diag.RuleTLSProbes, name: "certificate of 100 names", src: memberApp(`	replicas: 22
	services: members: ports: ["external"]
	tls: issuer: name: "ca"`)},
	{rule: diag.RuleTLSProbes, name: "secret file copied from the certificate's Secret", fires: true, src: tlsApp(`	tls: issuer: name: "ca"
	secretFiles: "/var/lib/etcd/server.key": {secret: "etcd-tls", key: "tls.key", mode: 0o600}`)},
	{rule: diag.RuleTLSProbes, name: "secret file of another Secret", src: tlsApp(`	tls: issuer: name: "ca"
	secrets: other: keys: ["key"]
	secretFiles: "/var/lib/etcd/other.key": {secret: "other", key: "key", mode: 0o600}`)},
	{rule: diag.RuleTLSProbes, name: "many members, no member Services", src: memberApp(`	replicas: 301
	tls: issuer: name: "ca"`)},

	// STS425: member Service names.
	{rule: diag.RuleMemberNames, name: "one name for every member", fires: true, src: memberApp(`	services: members: {name: "kafka-external", ports: ["external"]}`)},
	{rule: diag.RuleMemberNames, name: "name with the ordinal", src: memberApp(`	services: members: {name: "kafka-@@ordinal@@-lb", ports: ["external"]}`)},
	{rule: diag.RuleMemberNames, name: "name too long with the ordinal", fires: true, src: memberApp(`	services: members: {name: "@@pod@@-external-listener-for-the-clients-outside-of-the-cluster", ports: ["external"]}`)},
	{rule: diag.RuleMemberNames, name: "name of the read Service", fires: true, src: memberApp(`	services: {read: name: "kafka-0", members: {name: "kafka-@@ordinal@@", ports: ["external"]}}`)},
	{rule: diag.RuleMemberNames, name: "annotation with an unknown placeholder", fires: true, src: memberApp(`	services: members: {ports: ["external"], annotations: "example.com/host": "@@fqdn@@"}`)},
	{rule: diag.RuleMemberNames, name: "annotation with the pod", src: memberApp(`	services: members: {ports: ["external"], annotations: "example.com/host": "@@pod@@.example.com"}`)},

	// STS426: member Service ports.
	{rule: diag.RuleMemberPorts, name: "port the app does not have", fires: true, src: memberApp(`	services: members: ports: ["externl"]`)},
	{rule: diag.RuleMemberPorts, name: "default ports", src: memberApp(`	services: members: {}`)},
	{rule: diag.RuleMemberPorts, name: "node ports beyond the range", fires: true, src: memberApp(`	services: members: {type: "NodePort", ports: ["external"], nodePorts: external: 32766}`)},
	{rule: diag.RuleMemberPorts, name: "more members than node ports", fires: true, src: memberApp(`	replicas: 2769
	services: members: {type: "NodePort", ports: ["external"], nodePorts: external: 30000}`)},
	{rule: diag.RuleMemberPorts, name: "node ports within the range", src: memberApp(`	services: members: {type: "NodePort", ports: ["external"], nodePorts: external: 32765}`)},
	{rule: diag.RuleMemberPorts, name: "node ports that overlap", fires: true, src: memberApp(`	services: members: {type: "NodePort", ports: ["client", "external"], nodePorts: {client: 31000, external: 31002}}`)},
	{rule: diag.RuleMemberPorts, name: "node ports apart", src: memberApp(`	services: members: {type: "NodePort", ports: ["client", "external"], nodePorts: {client: 31000, external: 31003}}`)},
	{rule: diag.RuleMemberPorts, name: "node port of a port the Services do not carry", fires: true, src: memberApp(`	services: members: {type: "NodePort", ports: ["external"], nodePorts: client: 31000}`)},
	{rule: diag.RuleMemberPorts, name: "source ranges on a NodePort", fires: true, src: memberApp(`	services: members: {type: "NodePort", ports: ["external"], loadBalancerSourceRanges: ["10.0.0.0/8"]}`)},
	{rule: diag.RuleMemberPorts, name: "source ranges on a LoadBalancer", src: memberApp(`	services: members: {ports: ["external"], loadBalancerSourceRanges: ["10.0.0.0/8"]}`)},
	{rule: diag.RuleMemberPorts, name: "source range that is no CIDR", fires: true, src: memberApp(`	services: members: {ports: ["external"], loadBalancerSourceRanges: ["10.0.0.0"]}`)},

	// STS427: the Certificate covers the objects (output only).
	{rule: diag.RuleTLSCoversObjects, name: "certificate without the read Service", fires: true, mutate: dropReadName, src: tlsApp(`	tls: issuer: name: "ca"`)},
	{rule: diag.RuleTLSCoversObjects, name: "generated certificate", src: memberApp(`	services: members: ports: ["external"]
	tls: issuer: name: "ca"`)},
}

// dropReadName removes the read Service's full name from the certificate.
func dropReadName(b *build.Bundle) {
	var names []string
	for _, n := range b.Certificate.Spec.DNSNames {
		if n != b.Read.Name+"."+b.Read.Namespace+".svc.cluster.local" {
			names = append(names, n)
		}
	}
	b.Certificate.Spec.DNSNames = names
}
