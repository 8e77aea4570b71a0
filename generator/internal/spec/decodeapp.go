package spec

import (
	"bytes"
	"encoding/json"
	"strconv"
	"strings"

	"cuelang.org/go/cue/ast"
	"cuelang.org/go/cue/token"

	"cuelang.org/go/cue"
	"github.com/stsgen/stsgen/generator/diag"

	corev1 "k8s.io/api/core/v1"

	networkingv1 "k8s.io/api/networking/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	"k8s.io/apimachinery/pkg/util/intstr"
)

func decodeApp(v cue.Value) (*Spec, diag.Diagnostics) {
	d := &decoder{v: v, bad: map[string]bool{}}
	s := &Spec{Source: &Source{Value: v, bad: d.bad}}
	s.Name = d.str("name")
	s.Namespace = d.str("namespace")
	s.ClusterDomain = d.str("clusterDomain")
	s.Image = d.str("image")
	if ver, ok := d.optStr("version"); ok {
		s.Version = ver
	} else {
		s.Version = ImageTag(s.Image)
	}
	if c := d.lookup("command"); c.Exists() {
		s.Command = d.strings(c)
	}
	if a := d.lookup("args"); a.Exists() {
		s.Args = d.strings(a)
	}
	s.Env = d.envMap(d.lookup("env"))
	if r := d.lookup("resources"); r.Exists() {
		s.Resources = d.resources(r)
	}
	if sc := d.lookup("securityContext"); sc.Exists() {
		s.SecurityContext = &corev1.SecurityContext{}
		d.strict(sc, s.SecurityContext)
	}
	if sc := d.lookup("podSecurityContext"); sc.Exists() {
		s.PodSecurityContext = &corev1.PodSecurityContext{}
		d.strict(sc, s.PodSecurityContext)
	}
	if l := d.lookup("lifecycle"); l.Exists() {
		s.Lifecycle = &corev1.Lifecycle{}
		d.strict(l, s.Lifecycle)
	}
	if e := evaluated(d.lookup("envFrom")); e.Exists() && !empty(e) {
		d.strict(e, &s.EnvFrom)
	}
	d.decodePod(s)
	if w := d.lookup("writable"); w.Exists() {
		s.Writable = d.strings(w)
	}
	for _, f := range fields(d.lookup("secretFiles")) {
		s.SecretFiles = append(s.SecretFiles, SecretFile{
			Path:        label(f),
			Secret:      d.str("secretFiles", label(f), "secret"),
			Key:         d.str("secretFiles", label(f), "key"),
			Mode:        d.int32(get(f, "mode")),
			ModeDecimal: decimalLiteral(get(f, "mode")),
		})
	}
	s.TLS = d.tls()
	for _, f := range fields(d.lookup("secrets")) {
		sec := Secret{
			Name: label(f),
			Type: corev1.SecretType(d.str("secrets", label(f), "type")),
			Keys: d.strings(get(f, "keys")),
		}
		sec.Version, _ = get(f, "version").String()
		sec.Description, _ = get(f, "description").String()
		if x := get(f, "external"); x.Exists() {
			ext := &ExternalSecret{
				Store:           d.str("secrets", label(f), "external", "store"),
				Kind:            d.str("secrets", label(f), "external", "kind"),
				RefreshInterval: d.str("secrets", label(f), "external", "refreshInterval"),
			}
			ext.RemoteKey, _ = get(x, "remoteKey").String()
			for _, k := range fields(get(x, "keys")) {
				r := RemoteRef{Key: label(k)}
				r.RemoteKey, _ = get(k, "remoteKey").String()
				r.Property, _ = get(k, "property").String()
				ext.Keys = append(ext.Keys, r)
			}
			sec.External = ext
		}
		s.Secrets = append(s.Secrets, sec)
	}
	s.ServiceAccountName, _ = d.optStr("serviceAccountName")
	s.AutomountServiceAccountToken = d.boolean("automountServiceAccountToken")
	s.ServiceAccount = ServiceAccount{
		Create:      d.boolean("serviceAccount", "create"),
		Name:        d.str("serviceAccount", "name"),
		Annotations: d.stringMap("serviceAccount", "annotations"),
	}
	for _, r := range listItems(d.lookup("serviceAccount", "rules")) {
		var rule rbacv1.PolicyRule
		if d.strict(r, &rule) {
			s.ServiceAccount.Rules = append(s.ServiceAccount.Rules, rule)
		}
	}
	if b := d.lookup("bootstrap"); b.Exists() {
		s.Bootstrap = d.bootstrap(b)
	}
	if p, ok := d.optStr("imagePullPolicy"); ok {
		s.ImagePullPolicy = corev1.PullPolicy(p)
	}
	s.Labels = d.stringMap("labels")
	s.Annotations = d.stringMap("annotations")

	s.Topology = Topology(d.str("topology"))
	s.Replicas = d.int32(d.lookup("replicas"))
	if s.Topology == Quorum {
		s.Quorum = d.int32(d.lookup("quorum"))
	}
	if v := d.lookup("seedCount"); s.Topology == Leaderless && v.Exists() {
		// Checked here rather than bounded in the schema, where a bound
		// would put seeds, and every field built from it, in error too.
		if n := d.int32(v); n > s.Replicas && s.Replicas > 0 {
			d.errorf(diag.RuleSchema, v, "%d is out of range: the seeds are members, and there are %d; write a value at most %d", n, s.Replicas, s.Replicas)
		}
	}

	for _, f := range fields(d.lookup("ports")) {
		p := Port{Name: label(f), Protocol: corev1.ProtocolTCP}
		if kindOf(f) == cue.IntKind {
			p.Port = d.port(f)
		} else {
			p.Port = d.port(get(f, "port"))
			proto, _ := get(f, "protocol").String()
			p.Protocol = corev1.Protocol(proto)
			if e := get(f, "expose"); e.Exists() {
				p.Expose = d.strings(e)
			}
			p.Container, _ = get(f, "container").String()
		}
		if p.Expose == nil {
			p.Expose = []string{SvcHeadless, SvcRead}
			if s.Topology == PrimaryReplica {
				p.Expose = append(p.Expose, SvcPrimary)
			}
		}
		s.Ports = append(s.Ports, p)
	}
	s.Metrics = d.metrics()

	for _, f := range fields(d.lookup("storage")) {
		c := Claim{Name: label(f)}
		if q, ok := d.quantity(get(f, "size")); ok {
			c.Size = q
		}
		if cl, err := get(f, "class").String(); err == nil {
			c.Class = &cl
		}
		for _, m := range d.strings(get(f, "accessModes")) {
			c.AccessModes = append(c.AccessModes, corev1.PersistentVolumeAccessMode(m))
		}
		c.MountPath, _ = get(f, "mountPath").String()
		c.SubPath, _ = get(f, "subPath").String()
		s.Storage = append(s.Storage, c)
	}
	s.Retention = Retention{
		WhenDeleted: d.str("retention", "whenDeleted"),
		WhenScaled:  d.str("retention", "whenScaled"),
	}

	for _, f := range fields(d.lookup("volumes")) {
		vol := Volume{Name: label(f)}
		vol.MountPath, _ = get(f, "mountPath").String()
		vol.ReadOnly, _ = get(f, "readOnly").Bool()
		vol.SubPath, _ = get(f, "subPath").String()
		var src map[string]any
		_ = f.Decode(&src)
		delete(src, "mountPath")
		delete(src, "readOnly")
		delete(src, "subPath")
		data, _ := json.Marshal(src)
		dec := json.NewDecoder(bytes.NewReader(data))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&vol.Source); err != nil {
			d.errorf(diag.RuleSchema, f, "not a Kubernetes volume source: %s; write e.g. emptyDir: {} or secret: secretName: \"...\"", strings.TrimPrefix(err.Error(), "json: "))
			continue
		}
		if len(src) != 1 {
			d.errorf(diag.RuleSchema, f, "a volume needs exactly one source, it has %d; write e.g. emptyDir: {} or secret: secretName: \"...\"", len(src))
			continue
		}
		s.Volumes = append(s.Volumes, vol)
	}

	s.Probes = Probes{
		Readiness: d.probe(d.lookup("probes", "readiness")),
		Liveness:  d.probe(d.lookup("probes", "liveness")),
		Startup:   d.probe(d.lookup("probes", "startup")),
	}

	s.Config.MountPath = d.str("config", "mountPath")
	s.Config.Files = d.files(d.lookup("config", "files"))
	for _, f := range fields(d.lookup("config", "roles")) {
		r := Role{Name: RoleName(label(f))}
		r.Files = d.files(get(f, "files"))
		r.Args = d.strings(get(f, "args"))
		r.Env = d.envMap(get(f, "env"))
		s.Config.Roles = append(s.Config.Roles, r)
	}

	s.Identity = Identity{
		IDBase:    int(d.int64(d.lookup("identity", "idBase"))),
		MountPath: d.str("identity", "mountPath"),
		Image:     d.str("identity", "image"),
		Init:      d.optBool("identity", "init"),
	}

	s.Services.Headless = HeadlessService{
		Name:                     d.str("services", "headless", "name"),
		PublishNotReadyAddresses: d.boolean("services", "headless", "publishNotReadyAddresses"),
		Annotations:              d.stringMap("services", "headless", "annotations"),
	}
	s.Services.Read = ClientService{
		Name:        d.str("services", "read", "name"),
		Type:        corev1.ServiceType(d.str("services", "read", "type")),
		Annotations: d.stringMap("services", "read", "annotations"),
	}
	if d.lookup("services", "primary").Exists() {
		s.Services.Primary = &ClientService{
			Name:        d.str("services", "primary", "name"),
			Type:        corev1.ServiceType(d.str("services", "primary", "type")),
			Annotations: d.stringMap("services", "primary", "annotations"),
		}
		if l := d.lookup("services", "primary", "leader"); l.Exists() {
			s.Services.Primary.Leader = &Leader{Label: d.str("services", "primary", "leader", "label"), Value: d.str("services", "primary", "leader", "value")}
		}
	}

	s.Services.Members = d.members(s)

	s.ServiceName = d.str("serviceName")
	s.Disruption.MaxUnavailable = d.intOrPercent("disruption", "maxUnavailable")
	s.Disruption.MinAvailable = d.intOrPercent("disruption", "minAvailable")
	s.Disruption.UnhealthyPodEvictionPolicy, _ = d.optStr("disruption", "unhealthyPodEvictionPolicy")

	s.NetworkPolicy.Enabled = d.boolean("networkPolicy", "enabled")
	s.NetworkPolicy.FromReferrers = d.boolean("networkPolicy", "fromReferrers")
	s.NetworkPolicy.FromReferenced = d.boolean("networkPolicy", "fromReferenced")
	for _, r := range listItems(d.lookup("networkPolicy", "ingress")) {
		var rule networkingv1.NetworkPolicyIngressRule
		if d.strict(r, &rule) {
			s.NetworkPolicy.Ingress = append(s.NetworkPolicy.Ingress, rule)
		}
	}

	s.PodManagementPolicy = d.str("podManagementPolicy")
	s.UpdateStrategy.Type = d.str("updateStrategy", "type")
	s.UpdateStrategy.Partition = d.optInt32("updateStrategy", "partition")
	if mu := d.lookup("updateStrategy", "maxUnavailable"); mu.Exists() {
		var x intstr.IntOrString
		if kindOf(mu) == cue.IntKind {
			x = intstr.FromInt32(d.int32(mu))
		} else {
			str, _ := mu.String()
			x = intstr.FromString(str)
		}
		s.UpdateStrategy.MaxUnavailable = &x
	}
	s.MinReadySeconds = d.int32(d.lookup("minReadySeconds"))
	s.Recreate = d.boolean("recreate")
	s.OrdinalsStart = d.int32(d.lookup("ordinals", "start"))
	if t := d.lookup("terminationGracePeriodSeconds"); t.Exists() {
		n := d.int64(t)
		s.TerminationGracePeriodSeconds = &n
	}
	s.RevisionHistoryLimit = d.optInt32("revisionHistoryLimit")

	s.Spread = Spread{Mode: "preferred", TopologyKey: "kubernetes.io/hostname", Zones: "none", ZoneKey: "topology.kubernetes.io/zone"}
	if sp := d.lookup("spread"); kindOf(sp) == cue.StringKind {
		s.Spread.Mode, _ = sp.String()
	} else {
		s.Spread.Mode = d.str("spread", "mode")
		s.Spread.TopologyKey = d.str("spread", "topologyKey")
		s.Spread.Zones = d.str("spread", "zones")
		s.Spread.ZoneKey = d.str("spread", "zoneKey")
	}

	s.InitContainers = d.containers(d.lookup("initContainers"))
	s.Sidecars = d.containers(d.lookup("sidecars"))

	s.Checks = d.checks(d.lookup("checks"))
	for _, list := range []string{"initContainers", "sidecars"} {
		for i, c := range listItems(d.lookup(list)) {
			if m := d.checks(get(c, "checks")); len(m) > 0 {
				if s.ContainerChecks == nil {
					s.ContainerChecks = map[string]map[diag.RuleID]diag.Severity{}
				}
				s.ContainerChecks[s.Path(list, strconv.Itoa(i))] = m
			}
		}
	}

	// The peers are computed from fields decoded above; when one of those
	// failed, so do they, and the field says why.
	if err := d.lookup("peers").Decode(&s.Peers); err != nil && len(d.bad) == 0 {
		d.ds = append(d.ds, diag.SchemaErrors(err)...)
	}
	return s, d.ds
}

// decimalLiteral reports whether v was written as a decimal integer
// literal of more than one digit (400, where 0o400 was meant).
func decimalLiteral(v cue.Value) bool {
	lit, ok := v.Source().(*ast.BasicLit)
	if !ok || lit.Kind != token.INT || len(lit.Value) < 2 {
		return false
	}
	return lit.Value[0] >= '1' && lit.Value[0] <= '9'
}

// bootstrap decodes the bootstrap Job's fields.
func (d *decoder) bootstrap(v cue.Value) *Bootstrap {
	b := &Bootstrap{
		Image:                   d.str("bootstrap", "image"),
		Env:                     d.envMap(get(v, "env")),
		RestartPolicy:           corev1.RestartPolicy(d.str("bootstrap", "restartPolicy")),
		BackoffLimit:            d.int32(get(v, "backoffLimit")),
		TTLSecondsAfterFinished: d.int32(get(v, "ttlSecondsAfterFinished")),
	}
	b.Script, _ = d.optStr("bootstrap", "script")
	if c := get(v, "command"); c.Exists() {
		b.Command = d.strings(c)
	}
	if a := get(v, "args"); a.Exists() {
		b.Args = d.strings(a)
	}
	if e := evaluated(get(v, "envFrom")); e.Exists() && !empty(e) {
		d.strict(e, &b.EnvFrom)
	}
	if r := get(v, "resources"); r.Exists() {
		res := d.resources(r)
		b.Resources = &res
	}
	if a := get(v, "activeDeadlineSeconds"); a.Exists() {
		n := d.int64(a)
		b.ActiveDeadlineSeconds = &n
	}
	return b
}
