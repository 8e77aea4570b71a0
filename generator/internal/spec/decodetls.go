package spec

import (
	"cuelang.org/go/cue"

	corev1 "k8s.io/api/core/v1"
)

// tls reads the tls field: nil when the app has none.
func (d *decoder) tls() *TLS {
	v := d.lookup("tls")
	if !v.Exists() {
		return nil
	}
	t := &TLS{
		Issuer: IssuerRef{
			Name:  d.str("tls", "issuer", "name"),
			Kind:  d.str("tls", "issuer", "kind"),
			Group: d.str("tls", "issuer", "group"),
		},
		SecretName:  d.str("tls", "secretName"),
		MountPath:   d.str("tls", "mountPath"),
		Containers:  d.strings(d.lookup("tls", "containers")),
		DNSNames:    d.strings(d.lookup("tls", "dnsNames")),
		DeriveNames: d.boolean("tls", "deriveNames"),
		IPAddresses: d.strings(d.lookup("tls", "ipAddresses")),
		PrivateKey: PrivateKey{
			Algorithm:      d.str("tls", "privateKey", "algorithm"),
			RotationPolicy: d.str("tls", "privateKey", "rotationPolicy"),
		},
	}
	t.CommonName, _ = d.optStr("tls", "commonName")
	t.Duration, _ = d.optStr("tls", "duration")
	t.RenewBefore, _ = d.optStr("tls", "renewBefore")
	t.PrivateKey.Encoding, _ = d.optStr("tls", "privateKey", "encoding")
	if n := d.optInt32("tls", "privateKey", "size"); n != nil {
		t.PrivateKey.Size = int(*n)
	}
	if sub := d.lookup("tls", "subject"); sub.Exists() {
		t.Subject = &CertificateSubject{}
		d.strict(sub, t.Subject)
	}
	t.Mode = d.optInt32("tls", "mode")
	if u := d.lookup("tls", "usages"); u.Exists() {
		t.Usages = d.strings(u)
	} else {
		t.Usages = DefaultUsages(t.PrivateKey.Algorithm)
	}
	return t
}

// DefaultUsages are the certificate's usages when tls.usages is left out:
// what members need, serving and calling each other, with key
// encipherment for RSA keys, the only ones it applies to. The schema
// leaves the default to the decoder: as a CUE default beside the enum
// list, a bad entry was also reported against the default's list.
func DefaultUsages(algorithm string) []string {
	if algorithm == "RSA" {
		return []string{"digital signature", "key encipherment", "server auth", "client auth"}
	}
	return []string{"digital signature", "server auth", "client auth"}
}

// members reads services.members: nil when the app has none. Its ports
// default to those the read Service carries.
func (d *decoder) members(s *Spec) *MemberServices {
	if !d.lookup("services", "members").Exists() {
		return nil
	}
	sel := func(f string) []string { return []string{"services", "members", f} }
	m := &MemberServices{
		Name:                     d.str(sel("name")...),
		Type:                     corev1.ServiceType(d.str(sel("type")...)),
		ExternalTrafficPolicy:    corev1.ServiceExternalTrafficPolicy(d.str(sel("externalTrafficPolicy")...)),
		PublishNotReadyAddresses: d.boolean(sel("publishNotReadyAddresses")...),
		LoadBalancerSourceRanges: d.strings(d.lookup(sel("loadBalancerSourceRanges")...)),
		Annotations:              d.stringMap(sel("annotations")...),
	}
	if c, ok := d.optStr(sel("loadBalancerClass")...); ok {
		m.LoadBalancerClass = &c
	}
	if p := d.lookup(sel("ports")...); p.Exists() {
		m.Ports = d.strings(p)
	} else {
		for _, p := range s.Ports {
			if p.ExposedOn(SvcRead) {
				m.Ports = append(m.Ports, p.Name)
			}
		}
	}
	for _, f := range fields(d.lookup(sel("nodePorts")...)) {
		if kindOf(f) == cue.IntKind {
			m.NodePorts = append(m.NodePorts, NodePortBase{Port: label(f), Base: d.int32(f)})
		}
	}
	return m
}
