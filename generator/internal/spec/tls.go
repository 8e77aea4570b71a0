package spec

import (
	"slices"
	"strconv"
	"strings"
)

// The Secret cert-manager writes for a Certificate holds these keys: the
// certificate chain, its private key and the issuing CA. They count as
// declared keys of the Secret tls.secretName names.
var TLSSecretKeys = []string{"tls.crt", "tls.key", "ca.crt"}

// CertificateName is the name of the app's cert-manager Certificate.
func CertificateName(s *Spec) string { return s.Name + "-tls" }

// DefaultTLSMode is the mode of the certificate's files when tls.mode is
// left out: readable by the pods' group alone when the pods have an
// fsGroup, which owns them; else Kubernetes' own default (nil), since a
// user other than root could not read them.
func (s *Spec) TLSMode() *int32 {
	if s.TLS == nil {
		return nil
	}
	if s.TLS.Mode != nil {
		return s.TLS.Mode
	}
	if !s.SetsIDs() || s.PodSecurityContext != nil && s.PodSecurityContext.FSGroup != nil {
		m := int32(0o440)
		return &m
	}
	return nil
}

// TLSMountedIn reports whether the user's init container or sidecar of the
// name mounts the certificate, as tls.containers asks.
func (s *Spec) TLSMountedIn(container string) bool {
	return s.TLS != nil && slices.Contains(s.TLS.Containers, container)
}

// MemberPlaceholders are the placeholders of a member's name and
// annotations in services.members.
var MemberPlaceholders = []string{"pod", "ordinal"}

// ExpandMember replaces @@pod@@ and @@ordinal@@ in s with the member's.
func ExpandMember(s string, p Peer) string {
	return strings.NewReplacer("@@pod@@", p.Pod, "@@ordinal@@", strconv.Itoa(p.Ordinal)).Replace(s)
}

// MemberFilePlaceholders are the placeholders that services.members adds
// to those of config files: the member's Service, and its node port of
// each port nodePorts fixes.
func (s *Spec) MemberFilePlaceholders() []string {
	m := s.Services.Members
	if m == nil {
		return nil
	}
	out := []string{"service"}
	for _, np := range m.NodePorts {
		out = append(out, NodePortPlaceholder(np.Port))
	}
	return out
}

// NodePortPlaceholder is the placeholder of the member's node port of a
// port: nodeport_<port>.
func NodePortPlaceholder(port string) string { return "nodeport_" + port }

// NodePortEnv is the env file's name for the member's node port of a
// port: STSGEN_NODEPORT_<PORT>.
func NodePortEnv(port string) string {
	return ReservedEnvPrefix + "NODEPORT_" + strings.ToUpper(strings.ReplaceAll(port, "-", "_"))
}

// CertificateDNSNames are the names the app's certificate covers, sorted
// and without repeats: with tls.deriveNames, the headless Service's
// wildcard and the headless, read, primary and member Services, each in
// its short, namespaced (.<ns>, .<ns>.svc) and full forms, then
// tls.dnsNames. The members' hosts (<pod>.<headless>...) are left out:
// the wildcard covers each of them in every form, and listing them would
// grow the certificate with the replicas.
func (s *Spec) CertificateDNSNames() []string {
	if s.TLS == nil {
		return nil
	}
	var names []string
	if s.TLS.DeriveNames {
		forms := func(n string) {
			names = append(names, n, n+"."+s.Namespace, n+"."+s.Namespace+".svc", n+"."+s.Namespace+".svc."+s.ClusterDomain)
		}
		forms("*." + s.ServiceName)
		for _, v := range s.ServiceRefs() {
			if v.Kind == SvcPrimary && len(s.Peers) == 0 {
				continue // no primary Service
			}
			forms(v.Name)
		}
		for _, p := range s.Peers {
			if p.Service != "" {
				forms(p.Service)
			}
		}
	}
	names = append(names, s.TLS.DNSNames...)
	slices.Sort(names)
	return slices.Compact(names)
}

// MaxCertificateNames is the number of DNS names past which a certificate
// is too large for some issuers (public CAs allow 100 names).
const MaxCertificateNames = 100

// DNSNameMatches reports whether a certificate's DNS name covers host: the
// same name, case aside, or a wildcard *.<rest> whose * stands for the
// host's first label alone.
func DNSNameMatches(pattern, host string) bool {
	pattern, host = strings.ToLower(strings.TrimSuffix(pattern, ".")), strings.ToLower(strings.TrimSuffix(host, "."))
	if rest, ok := strings.CutPrefix(pattern, "*."); ok {
		first, tail, ok := strings.Cut(host, ".")
		return ok && first != "" && tail == rest
	}
	return pattern == host
}

// OnMemberServices reports whether the member Services carry the port:
// clients outside the cluster reach it, so it is open to anyone.
func (s *Spec) OnMemberServices(port string) bool {
	return s.Services.Members != nil && slices.Contains(s.Services.Members.Ports, port)
}
