package rules

import (
	"fmt"
	"net"
	"path"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/stsgen/stsgen/generator/diag"
	"github.com/stsgen/stsgen/generator/internal/build"
	"github.com/stsgen/stsgen/generator/internal/spec"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/util/validation"
)

// tlsRules check the members' certificate and the per-member Services:
// what cert-manager and the API server accept of them, and that the
// certificate covers every name the app's members are reached by.
var tlsRules = []*Rule{ruleTLSIssuer, ruleTLSCertificate, ruleTLSCoverage, ruleTLSMount, ruleTLSProbes, ruleMemberNames, ruleMemberPorts, ruleTLSCoversObjects}

var ruleTLSIssuer = &Rule{
	ID: diag.RuleTLSIssuer, Title: "the certificate names an issuer cert-manager can find",
	Severity: diag.Error, Source: "cert-manager",
	check: checkTLSIssuer,
	Explain: `cert-manager signs a Certificate with the issuer its issuerRef names: an
Issuer in the app's namespace or a ClusterIssuer, of the group
cert-manager.io, or an external issuer of its own group and kind. A
Certificate whose issuer does not exist stays not Ready, its Secret is
never written, and the pods wait in ContainerCreating for the volume.
tls.issuer.name is required and must be an object name (a DNS
subdomain); with the group cert-manager.io the kind is Issuer or
ClusterIssuer; the group is a DNS subdomain.`,
}

// checkTLSIssuer: the issuer has a name, an object name, and a kind the
// group has.
func checkTLSIssuer(c *checker) {
	t := c.s.TLS
	if t == nil {
		return
	}
	is := t.Issuer
	switch {
	case is.Name == "":
		c.report(at("tls", "issuer", "name"), "the certificate needs an issuer; write the name of an Issuer in namespace %s, or a ClusterIssuer with kind: \"ClusterIssuer\"", c.s.Namespace)
	case len(validation.IsDNS1123Subdomain(is.Name)) > 0:
		c.report(at("tls", "issuer", "name"), "%q is not an issuer's name: %s", is.Name, strings.Join(validation.IsDNS1123Subdomain(is.Name), "; "))
	}
	if msgs := validation.IsDNS1123Subdomain(is.Group); len(msgs) > 0 {
		c.report(at("tls", "issuer", "group"), "%q is not an API group: %s; write \"cert-manager.io\", or an external issuer's group", is.Group, strings.Join(msgs, "; "))
	}
	switch {
	case is.Group == "cert-manager.io" && is.Kind != "Issuer" && is.Kind != "ClusterIssuer":
		c.report(at("tls", "issuer", "kind"), "cert-manager.io has the issuer kinds Issuer and ClusterIssuer, not %q; write one of them, or set group to the external issuer's", is.Kind)
	case is.Kind == "":
		c.report(at("tls", "issuer", "kind"), "the issuer needs a kind; write the kind of the external issuer")
	}
}

var ruleTLSCertificate = &Rule{
	ID: diag.RuleTLSCertificate, Title: "the certificate's fields are ones cert-manager accepts",
	Severity: diag.Error, Source: "cert-manager",
	check: checkTLSCertificate,
	Explain: `cert-manager refuses a Certificate whose secretName is not a Secret's
name, whose duration is under an hour or renewBefore under five minutes
or not shorter than the duration, whose key size its algorithm does not
have (RSA 2048, 4096 or 8192; ECDSA 256, 384 or 521; Ed25519 none), whose
names are not DNS names or IP addresses, or whose commonName is longer
than 64 characters. With deriveNames: false, tls.dnsNames are its only
names and may not be empty.`,
}

// checkTLSCertificate: the Certificate's fields are what cert-manager
// accepts.
func checkTLSCertificate(c *checker) {
	t := c.s.TLS
	if t == nil {
		return
	}
	if msgs := validation.IsDNS1123Subdomain(t.SecretName); len(msgs) > 0 {
		c.report(at("tls", "secretName"), "%q is not a Secret's name: %s", t.SecretName, strings.Join(msgs, "; "))
	}
	dur := func(field, value string, least time.Duration) (time.Duration, bool) {
		if value == "" {
			return 0, false
		}
		d, err := time.ParseDuration(value)
		switch {
		case err != nil:
			c.report(at("tls", field), "%q is not a Go duration; write hours, minutes or seconds, such as \"2160h\" for 90 days", value)
			return 0, false
		case d < least:
			c.report(at("tls", field), "%s is less than cert-manager's least %s; write at least %q", value, what(field), strings.TrimSuffix(strings.TrimSuffix(least.String(), "0s"), "0m"))
			return 0, false
		}
		return d, true
	}
	lifetime, okD := dur("duration", t.Duration, time.Hour)
	if !okD && t.Duration == "" {
		lifetime, okD = 90*24*time.Hour, true // cert-manager's default
	}
	if renew, ok := dur("renewBefore", t.RenewBefore, 5*time.Minute); ok && okD && renew >= lifetime {
		c.report(at("tls", "renewBefore"), "renewBefore %s is not shorter than the certificate's lifetime %s, so cert-manager would renew it at once, for ever; write less than the duration, such as a third of it", t.RenewBefore, lifetime)
	}
	sizes := map[string][]int{"RSA": {2048, 4096, 8192}, "ECDSA": {256, 384, 521}}
	if k := t.PrivateKey; k.Size != 0 && !slices.Contains(sizes[k.Algorithm], k.Size) {
		if k.Algorithm == "Ed25519" {
			c.report(at("tls", "privateKey", "size"), "an Ed25519 key has no size; remove size")
		} else {
			c.report(at("tls", "privateKey", "size"), "%s keys are %s bits, not %d", k.Algorithm, joinInts(sizes[k.Algorithm]), k.Size)
		}
	}
	for i, n := range t.DNSNames {
		name := strings.TrimPrefix(n, "*.")
		if msgs := validation.IsDNS1123Subdomain(name); len(msgs) > 0 {
			c.report(at("tls", "dnsNames", strconv.Itoa(i)), "%q is not a DNS name: %s", n, strings.Join(msgs, "; "))
		}
	}
	for i, ip := range t.IPAddresses {
		if net.ParseIP(ip) == nil {
			c.report(at("tls", "ipAddresses", strconv.Itoa(i)), "%q is not an IP address", ip)
		}
	}
	if len(t.CommonName) > 64 {
		c.report(at("tls", "commonName"), "the common name is %d characters; X.509 allows 64, and clients read the DNS names anyway: remove it", len(t.CommonName))
	}
	if !t.DeriveNames && len(t.DNSNames)+len(t.IPAddresses) == 0 {
		c.report(at("tls", "deriveNames"), "with deriveNames: false the certificate has no names; list them in dnsNames, or remove deriveNames: false")
	}
}

// what names a duration field's bound for a message.
func what(field string) string {
	if field == "duration" {
		return "lifetime"
	}
	return "renewal margin"
}

func joinInts(ns []int) string {
	var s []string
	for _, n := range ns {
		s = append(s, strconv.Itoa(n))
	}
	return strings.Join(s, ", ")
}

var ruleTLSCoverage = &Rule{
	ID: diag.RuleTLSCoverage, Title: "the certificate covers every name the members are reached by",
	Severity: diag.Error, Source: "stsgen",
	check: checkTLSCoverage,
	Explain: `A client checks that the certificate a member presents names the host it
dialled; a name left out fails every handshake to it. stsgen derives the
names from the app (each member's host, the headless wildcard, the
Services), so the rule fires where the app replaces them (deriveNames:
false) or reaches its members by a name of its own: every name of the
app's members and Services in the config files, env, command and args
(<pod>.<headless Service>..., <service>.<namespace>..., the @@host@@,
@@fqdn@@ and @@service@@ placeholders and their $(STSGEN_...) forms),
and the external hostnames the member Services ask external-dns for, must
be matched by one of the certificate's DNS names (a wildcard stands for
one label). Add the name to tls.dnsNames.`,
}

// checkTLSCoverage: every name of the app's own that its config, env,
// command and args use, and every external hostname of a member Service,
// is covered by the certificate.
func checkTLSCoverage(c *checker) {
	s := c.s
	if s.TLS == nil || len(s.Peers) == 0 {
		return
	}
	names := s.CertificateDNSNames()
	covered := func(host string) bool {
		return slices.ContainsFunc(names, func(n string) bool { return spec.DNSNameMatches(n, host) })
	}
	reported := map[string]bool{}
	check := func(sels []string, content string) {
		for _, host := range appNamesIn(s, content) {
			if !covered(host) && !reported[host] {
				reported[host] = true
				c.report(sels, "%q is not among the certificate's names, so a client that dials it refuses the member's certificate; add it to tls.dnsNames", host)
			}
		}
	}
	for _, t := range s.Texts() {
		check(at(t.At...), t.Value)
	}
	if m := s.Services.Members; m != nil {
		for _, key := range SortedKeysOf(m.Annotations) {
			if key != externalDNSHostname {
				continue
			}
			for _, p := range s.Peers {
				for _, host := range strings.Split(spec.ExpandMember(m.Annotations[key], p), ",") {
					if host = strings.TrimSpace(host); host != "" && !covered(host) && !reported[host] {
						reported[host] = true
						c.report(at("services", "members", "annotations", key), "%s's external name %q is not among the certificate's names, so a client outside the cluster refuses the member's certificate; add it to tls.dnsNames", p.Service, host)
					}
				}
			}
		}
	}
}

// externalDNSHostname is the annotation external-dns reads a Service's
// DNS names from.
const externalDNSHostname = "external-dns.alpha.kubernetes.io/hostname"

// SortedKeysOf returns the keys of m in order.
func SortedKeysOf(m map[string]string) []string { return build.SortedKeys(m) }

// dnsToken finds DNS-name-like words, and the identity's placeholders
// with the labels that follow them.
var dnsToken = regexp.MustCompile(`(?:@@(?:host|fqdn|service)@@|\$\(STSGEN_(?:HOST|FQDN|SERVICE)\)|[a-z0-9](?:[-a-z0-9]*[a-z0-9])?)(?:\.[a-z0-9](?:[-a-z0-9]*[a-z0-9])?)*`)

// appNamesIn are the names of the app's members and Services that content
// uses: a member's host under the headless Service, a Service's name in
// its namespaced forms, and the identity's placeholders, expanded for
// every member.
func appNamesIn(s *spec.Spec, content string) []string {
	pods := map[string]bool{}
	for _, p := range s.Peers {
		pods[p.Pod] = true
	}
	svcs := map[string]bool{}
	for _, v := range s.ServiceRefs() {
		svcs[v.Name] = true
	}
	for _, p := range s.Peers {
		if p.Service != "" {
			svcs[p.Service] = true
		}
	}
	domain := []string{s.Namespace, "svc", s.ClusterDomain}
	// inDomain reports whether labels are a prefix of <ns>.svc.<domain>.
	inDomain := func(labels []string) bool {
		full := strings.Split(strings.Join(domain, "."), ".")
		if len(labels) > len(full) {
			return false
		}
		return slices.Equal(labels, full[:len(labels)])
	}
	var out []string
	for _, m := range dnsToken.FindAllStringIndex(content, -1) {
		tok := content[m[0]:m[1]]
		if m[0] > 0 && strings.ContainsAny(content[m[0]-1:m[0]], "-_.@") && !strings.HasPrefix(tok, "@@") && !strings.HasPrefix(tok, "$(") {
			continue // part of a longer word
		}
		first, rest, _ := strings.Cut(tok, ".")
		var tail []string
		if rest != "" {
			tail = strings.Split(rest, ".")
		}
		switch {
		case strings.HasPrefix(first, "@@") || strings.HasPrefix(first, "$("):
			for _, p := range s.Peers {
				var base string
				switch strings.Trim(strings.ToLower(first), "@$()") {
				case "host", "stsgen_host":
					base = p.Host
				case "fqdn", "stsgen_fqdn":
					base = p.FQDN
				case "service", "stsgen_service":
					base = p.Service
				}
				if base != "" {
					out = append(out, strings.Join(append([]string{base}, tail...), "."))
				}
			}
		case pods[first] && len(tail) >= 1 && tail[0] == s.ServiceName && inDomain(tail[1:]):
			out = append(out, tok)
		case svcs[first] && len(tail) >= 1 && inDomain(tail):
			out = append(out, tok)
		}
	}
	return out
}

var ruleTLSMount = &Rule{
	ID: diag.RuleTLSMount, Title: "the certificate is mounted at an absolute path, into containers that exist",
	Severity: diag.Error, Source: "stsgen",
	check: checkTLSMount,
	Explain: `stsgen mounts the Secret cert-manager fills, read-only, at tls.mountPath
in the main container and in each init container or sidecar that
tls.containers names. Like every mount, the path must be absolute and
its own (STS006 reports it otherwise); it may not be / or /tmp, where
the read-only volume would hide the writable /tmp stsgen mounts. A name in
tls.containers must be one of the app's initContainers or sidecars. The
Secret is mounted whole, never a key by subPath: only then does the
kubelet replace the files when cert-manager renews the certificate.`,
}

// checkTLSMount: the mount path is absolute, and tls.containers names the
// app's containers.
func checkTLSMount(c *checker) {
	s := c.s
	if s.TLS == nil {
		return
	}
	// STS006 reports a relative path, as it does every mount's.
	if clean := path.Clean(s.TLS.MountPath); clean == "/" || clean == spec.TmpDir {
		c.report(at("tls", "mountPath"), "the certificate's read-only volume would hide %s, the containers' writable scratch directory; write a directory of its own, such as %q", clean, "/etc/"+s.Name+"/tls")
	}
	var names []string
	for _, l := range s.ContainerLists() {
		for _, ct := range l.Cs {
			names = append(names, ct.Name)
		}
	}
	for i, n := range s.TLS.Containers {
		if !slices.Contains(names, n) {
			known := "the app has none"
			if len(names) > 0 {
				known = "they are " + strings.Join(names, ", ")
			}
			c.report(at("tls", "containers", strconv.Itoa(i)), "no init container or sidecar is named %q (the main container always mounts the certificate); %s", n, known)
		}
	}
	for _, l := range s.ContainerLists() {
		for i, ct := range l.Cs {
			for j, m := range ct.VolumeMounts {
				if m.Name == spec.TLSVolume && m.SubPath != "" {
					c.report(at(l.Field, strconv.Itoa(i), "volumeMounts", strconv.Itoa(j), "subPath"), "a file mounted by subPath is never updated, so a renewed certificate would not reach %s; mount the whole volume, or name the container in tls.containers", ct.Name)
				}
			}
		}
	}
}

var ruleTLSProbes = &Rule{
	ID: diag.RuleTLSProbes, Title: "an app with tls: HTTP probes say their scheme, the certificate stays small, renewals reach the pods",
	Severity: diag.Warning, Source: "stsgen",
	check: checkTLSProbes,
	Explain: `An app with tls usually serves HTTPS, where a probe of the default scheme
HTTP fails and the kubelet restarts a healthy member, or never lets it be
Ready. Write scheme: "HTTPS" (the kubelet does not check the
certificate), or scheme: "HTTP" for a port that stays plain.

The rule also warns when the certificate would hold more than 100 DNS
names: public CAs and some issuers refuse more, and every handshake
carries them all. The derived names grow with the member Services (four
forms each); list fewer names, or set deriveNames: false and write
wildcards in tls.dnsNames.

And it warns of secretFiles that copy a key of the certificate's Secret:
the copy is made once, when the pod starts, so after cert-manager renews
the certificate the pod serves the old one until it restarts, and fails
once that expires. Read the file from tls.mountPath, which the kubelet
updates, and set tls.mode for its mode.`,
}

// checkTLSProbes: with tls, an HTTP probe states its scheme, the
// certificate holds at most spec.MaxCertificateNames DNS names, and no
// secret file copies a key of the certificate's Secret.
func checkTLSProbes(c *checker) {
	s := c.s
	if s.TLS == nil {
		return
	}
	if n := len(s.CertificateDNSNames()); n > spec.MaxCertificateNames {
		sels := at("tls", "dnsNames")
		if s.TLS.DeriveNames {
			sels = at("tls", "deriveNames")
		}
		c.report(sels, "the certificate would hold %d DNS names, more than the %d some issuers accept; list fewer in tls.dnsNames, or write deriveNames: false with wildcards (\"*.<service>.<namespace>.svc\") of your own", n, spec.MaxCertificateNames)
	}
	for _, f := range s.SecretFiles {
		if s.WrittenByTLS(f.Secret) {
			c.report(at("secretFiles", f.Path, "secret"), "this copies key %s of Secret %s, which cert-manager renews, once when the pod starts: after a renewal the pod keeps the old file until it restarts; read %s from tls.mountPath instead (the kubelet updates it), with tls.mode for its mode", f.Key, f.Secret, path.Join(s.TLS.MountPath, f.Key))
		}
	}
	for _, np := range s.NamedProbes() {
		if np.P.HTTP != nil && np.P.HTTP.Scheme == "" {
			c.report(at("probes", np.Name, "http"), "the app has tls, and this probe asks port %q in plain HTTP; write scheme: \"HTTPS\" if the port serves TLS, or scheme: \"HTTP\" if it does not", np.P.HTTP.Port)
		}
	}
}

var ruleMemberNames = &Rule{
	ID: diag.RuleMemberNames, Title: "each member Service has a valid name of its own",
	Severity: diag.Error, Source: "API server",
	check: checkMemberNames,
	Explain: `services.members.name names each member's Service: it must hold @@pod@@ or
@@ordinal@@, so that each member has its own, and no other placeholder.
Every name it gives, for every ordinal up to the last one, is an RFC 1035
label of at most 63 characters, and none is the name of the app's
headless, read or primary Service. The annotations may hold @@pod@@ and
@@ordinal@@ too, and no other placeholder.`,
}

// checkMemberNames: the member Services' names are valid, distinct per
// member and from the app's other Services, and the name and annotations
// hold only the member placeholders.
func checkMemberNames(c *checker) {
	s := c.s
	m := s.Services.Members
	if m == nil {
		return
	}
	placeholders := func(sels []string, v string) {
		for _, p := range spec.FilePlaceholders(v) {
			if !slices.Contains(spec.MemberPlaceholders, p.Name) {
				c.report(sels, "@@%s@@ is no placeholder of a member Service's; write @@pod@@ or @@ordinal@@", p.Name)
				return
			}
		}
	}
	sels := at("services", "members", "name")
	placeholders(sels, m.Name)
	for _, k := range SortedKeysOf(m.Annotations) {
		placeholders(at("services", "members", "annotations", k), m.Annotations[k])
	}
	if !strings.Contains(m.Name, "@@pod@@") && !strings.Contains(m.Name, "@@ordinal@@") {
		c.report(sels, "%q gives every member's Service the same name; put @@pod@@ or @@ordinal@@ in it, such as %q", m.Name, "@@pod@@-external")
		return
	}
	others := map[string]string{}
	for _, v := range s.ServiceRefs() {
		others[v.Name] = v.Kind
	}
	for _, p := range s.Peers {
		if why := validation.IsDNS1035Label(p.Service); len(why) > 0 {
			c.report(sels, "member %s's Service name %q is not valid: %s", p.Pod, p.Service, serviceNameProblem(p.Service))
			return
		}
		if kind, ok := others[p.Service]; ok {
			c.report(sels, "member %s's Service %q has the name of the %s Service; give the member Services names of their own", p.Pod, p.Service, kind)
			return
		}
	}
}

// serviceNameProblem says why name is not an RFC 1035 label.
func serviceNameProblem(name string) string {
	if why := labelProblem(name); why != "" {
		return why
	}
	return fmt.Sprintf("a Service name must start with a letter; write %q", "svc-"+name)
}

var ruleMemberPorts = &Rule{
	ID: diag.RuleMemberPorts, Title: "member Services carry the app's ports, on node ports that fit and do not overlap",
	Severity: diag.Error, Source: "API server",
	check: checkMemberPorts,
	Explain: `Each name in services.members.ports is one of the app's ports, and there
is at least one. A node port base in nodePorts names one of those ports;
member i gets base + i, and every member's port must lie in the API
server's default node port range, 30000-32767, with no two ports of any
member on the same number (the API server refuses a Service whose node
port another has). loadBalancerSourceRanges are CIDRs, and they and
loadBalancerClass apply to type LoadBalancer only.`,
}

// checkMemberPorts: the member Services' ports exist, their node ports
// fit the range without overlapping, and the LoadBalancer fields are set
// for a LoadBalancer only.
func checkMemberPorts(c *checker) {
	s := c.s
	m := s.Services.Members
	if m == nil {
		return
	}
	base := at("services", "members")
	switch {
	case len(m.Ports) > 0:
	case c.wrote(append(slices.Clone(base), "ports")):
		c.report(append(base, "ports"), "an empty list gives the member Services no port; name the ports, such as ports: [%q], or leave ports out for those the read Service carries", firstOr(s.PortNames(), "client"))
	default:
		c.report(append(base, "ports"), "the member Services carry no port: the read Service carries none to default to; name the ports, such as ports: [%q]", firstOr(s.PortNames(), "client"))
	}
	for i, n := range m.Ports {
		if !s.HasPort(n) {
			c.report(append(slices.Clone(base), "ports", strconv.Itoa(i)), "the app has no port %q; its ports are %s", n, strings.Join(s.PortNames(), ", "))
		}
	}
	n := int32(len(s.Peers))
	type span struct {
		port     string
		lo, hi   int32
		protocol corev1.Protocol
	}
	var spans []span
	for _, np := range m.NodePorts {
		sels := append(slices.Clone(base), "nodePorts", np.Port)
		if !slices.Contains(m.Ports, np.Port) {
			c.report(sels, "the member Services do not carry port %q; add it to services.members.ports, or remove its node port", np.Port)
			continue
		}
		last := np.Base + max(n-1, 0)
		switch {
		case n > 32767-30000+1:
			c.report(sels, "the members' node ports would be %d to %d, but the API server's range 30000-32767 holds 2768 ports, fewer than the %d members; use LoadBalancer member Services", np.Base, last, n)
			continue
		case np.Base < 30000 || last > 32767:
			c.report(sels, "the members' node ports would be %d to %d, outside the API server's range 30000-32767; write a base from 30000 to %d", np.Base, last, 32767-max(n-1, 0))
			continue
		}
		proto := corev1.ProtocolTCP
		for _, p := range s.Ports {
			if p.Name == np.Port {
				proto = p.Protocol
			}
		}
		for _, o := range spans {
			if o.protocol == proto && np.Base <= o.hi && o.lo <= last {
				c.report(sels, "the node ports of %q (%d to %d) overlap those of %q (%d to %d); move one base at least %d apart", np.Port, np.Base, last, o.port, o.lo, o.hi, n)
			}
		}
		spans = append(spans, span{np.Port, np.Base, last, proto})
	}
	lb := m.Type == corev1.ServiceTypeLoadBalancer
	for i, r := range m.LoadBalancerSourceRanges {
		sels := append(slices.Clone(base), "loadBalancerSourceRanges", strconv.Itoa(i))
		if !lb {
			c.report(sels, "source ranges apply to a LoadBalancer; with type %q, limit the clients with networkPolicy.ingress instead", m.Type)
			break
		}
		if _, _, err := net.ParseCIDR(r); err != nil {
			c.report(sels, "%q is not a CIDR; write an address and a prefix length, such as \"203.0.113.0/24\"", r)
		}
	}
	if m.LoadBalancerClass != nil && !lb {
		c.report(append(base, "loadBalancerClass"), "a load balancer class applies to type LoadBalancer only; remove it, or write type: \"LoadBalancer\"")
	}
}

func firstOr(list []string, fallback string) string {
	if len(list) > 0 {
		return list[0]
	}
	return fallback
}

var ruleTLSCoversObjects = &Rule{
	ID: diag.RuleTLSCoversObjects, Title: "the certificate names every member and Service written",
	Severity: diag.Error, Source: "stsgen",
	verify: verifyTLSCoversObjects,
	Explain: `With derived names, the Certificate stsgen writes covers each member's host
(by the headless Service's wildcard) and names every Service of the
app's (headless, read, primary, member) in its full form. stsgen derives both from one spec, so this rule guards the
generator.`,
}

// verifyTLSCoversObjects: the Certificate covers the full names of the
// members and of the Services the bundle holds.
func verifyTLSCoversObjects(c *checker, b *build.Bundle) {
	s := c.s
	if b.Certificate == nil || s.TLS == nil || !s.TLS.DeriveNames {
		return
	}
	domain := "." + s.Namespace + ".svc." + s.ClusterDomain
	want := []string{}
	for _, svc := range []*corev1.Service{b.Headless, b.Read, b.Primary} {
		if svc != nil {
			want = append(want, svc.Name+domain)
		}
	}
	for _, m := range b.Members {
		want = append(want, m.Service.Name+domain)
	}
	for _, p := range s.Peers {
		want = append(want, p.FQDN)
	}
	for _, host := range want {
		if !slices.ContainsFunc(b.Certificate.Spec.DNSNames, func(n string) bool { return spec.DNSNameMatches(n, host) }) {
			c.reportObject("Certificate %s: %s is not among its DNS names", b.Certificate.Name, host)
		}
	}
}
