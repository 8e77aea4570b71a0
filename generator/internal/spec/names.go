package spec

// Label keys stsgen writes or reads. The selector uses LabelName alone, so
// it never changes when the image, version or config does.
const (
	LabelName      = "app.kubernetes.io/name"
	LabelVersion   = "app.kubernetes.io/version"
	LabelManagedBy = "app.kubernetes.io/managed-by"
	// LabelPartOf and LabelComponent label the bootstrap Job's pods as
	// part of the app, with a name of their own that the app's selector
	// does not match.
	LabelPartOf    = "app.kubernetes.io/part-of"
	LabelComponent = "app.kubernetes.io/component"
	// ComponentBootstrap is the bootstrap Job's component.
	ComponentBootstrap = "bootstrap"
	// LabelPodName is set on every pod by the StatefulSet controller.
	LabelPodName = "statefulset.kubernetes.io/pod-name"
	// LabelService tells the headless Service from the app's others, for
	// a ServiceMonitor to select it alone; it is set only then.
	LabelService = "stsgen.dev/service"

	// AnnotationConfigHash carries a hash of the ConfigMap data on the pod
	// template, so that a config change rolls the pods.
	AnnotationConfigHash = "stsgen.dev/config-hash"
	// AnnotationSecretsHash carries a hash of the declared Secrets'
	// versions on the pod template, so that a rotation rolls the pods.
	AnnotationSecretsHash = "stsgen.dev/secrets-hash"
	// AnnotationKubeScoreIgnore lists the kube-score checks an object
	// fails on purpose: because the user asked for it, or because
	// kube-score cannot see what makes it right (the primary Service).
	AnnotationKubeScoreIgnore = "kube-score/ignore"
	// AnnotationReference says, on the policy that lets an app's pods into
	// another app, the other app's name that the first one's config holds.
	AnnotationReference = "stsgen.dev/reference"
	// LabelNamespaceName is set on every namespace by the API server.
	LabelNamespaceName = "kubernetes.io/metadata.name"

	ManagedBy = "stsgen"
)

// Names stsgen reserves inside a pod: its init container, its volumes and
// where the init container sees them.
const (
	ReservedPrefix    = "stsgen-"
	InitContainerName = "stsgen-init"
	SourceVolume      = "stsgen-source"
	ConfigVolume      = "stsgen-config"
	IdentityVolume    = "stsgen-identity"
	TmpVolume         = "stsgen-tmp"
	TmpDir            = "/tmp"
	InitScriptKey     = "stsgen-init.sh"
	SourceDir         = "/stsgen/source"
	ConfigDir         = "/stsgen/config"
	IdentityDir       = "/stsgen/identity"
	EnvPodName        = "STSGEN_POD_NAME"
	// WritableVolume is the prefix of the volumes that hold writable
	// copies (stsgen-writable-0, ...), and CopyContainer of the init
	// containers that fill them.
	WritableVolume = "stsgen-writable"
	CopyContainer  = "stsgen-copy"
	WritableDir    = "/stsgen/writable"
	// SecretsVolume holds the installed secret files; SecretSourceVolume
	// is the prefix of the Secret volumes stsgen-init reads them from.
	SecretsVolume      = "stsgen-secrets"
	SecretSourceVolume = "stsgen-secret"
	SecretsDir         = "/stsgen/secrets"
	// TLSVolume holds the Secret cert-manager fills for tls.
	TLSVolume       = "stsgen-tls"
	SecretSourceDir = "/stsgen/secret-source"
)

// The identity every container gets in its environment, under the names
// of the identity's env file: what Kubernetes can give without a shell
// (the pod's name and ordinal from the downward API, the names built from
// them by $(VAR) expansion, the primary's, which is fixed). The rest of the
// identity (index, id, role, the previous member) needs stsgen-init.
const (
	ReservedEnvPrefix = "STSGEN_"
	EnvPod            = "STSGEN_POD"
	EnvOrdinal        = "STSGEN_ORDINAL"
	EnvHost           = "STSGEN_HOST"
	EnvFQDN           = "STSGEN_FQDN"
	EnvPrimary        = "STSGEN_PRIMARY"
	EnvPrimaryFQDN    = "STSGEN_PRIMARY_FQDN"
	// EnvService is the member's own Service, with services.members.
	EnvService = "STSGEN_SERVICE"
	// The bootstrap Job's identities: the members' FQDNs and hosts
	// (comma-separated, lowest ordinal first), the Services' FQDNs, the
	// namespace and the number of members. The read Service's is
	// STSGEN_READ_SERVICE, since STSGEN_SERVICE is a member's own.
	EnvPeers          = "STSGEN_PEERS"
	EnvPeerHosts      = "STSGEN_PEER_HOSTS"
	EnvReadService    = "STSGEN_READ_SERVICE"
	EnvHeadless       = "STSGEN_HEADLESS"
	EnvPrimaryService = "STSGEN_PRIMARY_SERVICE"
	EnvNamespace      = "STSGEN_NAMESPACE"
	EnvReplicas       = "STSGEN_REPLICAS"
	// LabelPodIndex is set on every pod by the StatefulSet controller: its
	// ordinal.
	LabelPodIndex = "apps.kubernetes.io/pod-index"
)

// A Topology says how an app's members relate: the schema's topology
// field.
type Topology string

// The topologies.
const (
	// Standalone members are independent servers.
	Standalone Topology = "standalone"
	// PrimaryReplica has one primary, the first member, and replicas.
	PrimaryReplica Topology = "primary-replica"
	// Quorum members form an ensemble that decides by majority.
	Quorum Topology = "quorum"
	// Leaderless members are equal peers of a ring (Cassandra): they find
	// each other before they are Ready, through the first members, the
	// seeds.
	Leaderless Topology = "leaderless"
)

// A RoleName is the role a topology gives a member, which config.roles
// gives files, args and env.
type RoleName string

// The roles.
const (
	RoleServer  RoleName = "server"
	RolePrimary RoleName = "primary"
	RoleReplica RoleName = "replica"
	RoleMember  RoleName = "member"
)

// TopologyRoles are the roles each topology gives its members, in ordinal
// order of first use.
var TopologyRoles = map[Topology][]RoleName{
	Standalone:     {RoleServer},
	PrimaryReplica: {RolePrimary, RoleReplica},
	Quorum:         {RoleMember},
	Leaderless:     {RoleMember},
}

// Service kinds a port can be exposed on.
const (
	SvcHeadless = "headless"
	SvcRead     = "read"
	SvcPrimary  = "primary"
	// SvcMember is the kind of the per-member Services, which ports do
	// not name in expose (services.members.ports does).
	SvcMember = "member"
)

// RoleFileKey is the ConfigMap key of a role's file: role--name.
func RoleFileKey(role RoleName, name string) string { return string(role) + "--" + name }
