package generator

// Label keys stsgen writes or reads. The selector uses LabelName alone, so
// it never changes when the image, version or config does.
const (
	LabelName      = "app.kubernetes.io/name"
	LabelVersion   = "app.kubernetes.io/version"
	LabelManagedBy = "app.kubernetes.io/managed-by"
	// LabelPodName is set on every pod by the StatefulSet controller.
	LabelPodName = "statefulset.kubernetes.io/pod-name"

	// AnnotationConfigHash carries a hash of the ConfigMap data on the pod
	// template, so that a config change rolls the pods.
	AnnotationConfigHash = "stsgen.dev/config-hash"
	// AnnotationKubeScoreIgnore lists the kube-score checks an object
	// fails because the user asked for it.
	AnnotationKubeScoreIgnore = "kube-score/ignore"

	managedBy = "stsgen"
)

// CUE paths stsgen reads from a package.
const (
	appsField = "apps"
	appsDef   = "#Apps"
	appDef    = "#App"
)

// Names stsgen reserves inside a pod: its init container, its volumes and
// where the init container sees them.
const (
	reservedPrefix    = "stsgen-"
	initContainerName = "stsgen-init"
	sourceVolume      = "stsgen-source"
	configVolume      = "stsgen-config"
	identityVolume    = "stsgen-identity"
	tmpVolume         = "stsgen-tmp"
	tmpDir            = "/tmp"
	initScriptKey     = "stsgen-init.sh"
	sourceDir         = "/stsgen/source"
	configDir         = "/stsgen/config"
	identityDir       = "/stsgen/identity"
	envPodName        = "STSGEN_POD_NAME"
)

// Roles each topology gives its members, in ordinal order of first use.
var topologyRoles = map[string][]string{
	"standalone":      {"server"},
	"primary-replica": {"primary", "replica"},
	"quorum":          {"member"},
}

// Service kinds a port can be exposed on.
const (
	svcHeadless = "headless"
	svcRead     = "read"
	svcPrimary  = "primary"
)

// roleFileKey is the ConfigMap key of a role's file: role--name.
func roleFileKey(role, name string) string { return role + "--" + name }
