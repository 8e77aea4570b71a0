package spec

import (
	"fmt"
	"strconv"

	"github.com/stsgen/stsgen/generator/diag"

	corev1 "k8s.io/api/core/v1"

	networkingv1 "k8s.io/api/networking/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	"k8s.io/apimachinery/pkg/util/intstr"
)

// A Spec is one app after schema validation: every default applied, every
// polymorphic field normalised, quantities parsed. Maps from the CUE input
// become slices in the input's order.
type Spec struct {
	Name          string
	Namespace     string
	ClusterDomain string

	Image   string
	Version string
	Command []string
	Args    []string
	Env     []corev1.EnvVar

	Resources                    corev1.ResourceRequirements
	SecurityContext              *corev1.SecurityContext
	PodSecurityContext           *corev1.PodSecurityContext
	Lifecycle                    *corev1.Lifecycle
	ServiceAccountName           string
	AutomountServiceAccountToken bool
	// ServiceAccount is the account stsgen makes for the pods, when
	// Create, and the rules its Role grants.
	ServiceAccount  ServiceAccount
	ImagePullPolicy corev1.PullPolicy
	Labels          map[string]string
	Annotations     map[string]string

	Topology Topology
	Replicas int32
	// Quorum is the majority of a quorum topology, 0 for the others.
	Quorum int32

	Ports []Port
	// Metrics is where the app's metrics are served and how they are
	// scraped; nil when the app says nothing of them.
	Metrics   *Metrics
	Storage   []Claim
	Retention Retention
	Volumes   []Volume
	Probes    Probes

	Config   Config
	Identity Identity
	Services Services
	// ServiceName is what the schema's serviceName field holds; it must be
	// the headless Service's name.
	ServiceName string

	Disruption    Disruption
	NetworkPolicy NetworkPolicy

	PodManagementPolicy string
	UpdateStrategy      UpdateStrategy
	MinReadySeconds     int32
	OrdinalsStart       int32
	// Recreate acknowledges a change that needs the StatefulSet re-created.
	Recreate                      bool
	TerminationGracePeriodSeconds *int64
	RevisionHistoryLimit          *int32
	Spread                        Spread

	InitContainers []corev1.Container
	Sidecars       []corev1.Container
	// EnvFrom fills the main container's environment from ConfigMaps and
	// Secrets, after Env.
	EnvFrom []corev1.EnvFromSource

	// Bootstrap is the one-time Job beside the members; nil without one.
	Bootstrap *Bootstrap

	// Writable are directories of the image the main container gets
	// writable copies of.
	Writable []string
	// SecretFiles are Secret keys installed as files, in input order.
	SecretFiles []SecretFile
	// TLS is the members' certificate from cert-manager; nil without tls.
	TLS *TLS
	// Secrets are the Secrets the app declares, in input order. Declaring
	// one turns on the checks of every reference to a Secret.
	Secrets []Secret

	// Pod holds the PodFields the app set, as Kubernetes writes them; its
	// other fields are empty.
	Pod corev1.PodSpec

	Peers []Peer

	// Checks holds the app's own rule severities, by rule id.
	Checks map[diag.RuleID]diag.Severity
	// ContainerChecks holds an init container's or a sidecar's own rule
	// severities, by the container's path (apps.db.initContainers[0]):
	// they apply to the findings at or below it, over Checks.
	ContainerChecks map[string]map[diag.RuleID]diag.Severity

	// Uses are the apps of the package this one refers to by name, when
	// either lets the other in (networkPolicy.fromReferrers of the other,
	// fromReferenced of this one), in the package's order; the pipeline
	// finds them, since they are other apps'.
	Uses []Use

	// Source is where Decode found the app; nil for a Spec built by hand.
	Source *Source
}

// A Port is a named container port and the Services that carry it.
type Port struct {
	Name     string
	Port     int32
	Protocol corev1.Protocol
	Expose   []string
	// Container names the sidecar or native sidecar that listens on the
	// port; empty for the main container.
	Container string
}

// ExposedOn reports whether the port is carried by the Service kind.
func (p Port) ExposedOn(kind string) bool {
	for _, e := range p.Expose {
		if e == kind {
			return true
		}
	}
	return false
}

// A Claim is a volume claim template and where the main container mounts it.
type Claim struct {
	Name        string
	Size        resource.Quantity
	Class       *string
	AccessModes []corev1.PersistentVolumeAccessMode
	MountPath   string
	SubPath     string
}

type Retention struct {
	WhenDeleted string
	WhenScaled  string
}

// A Volume is an extra pod volume, mounted in the main container when
// MountPath is set.
type Volume struct {
	Name      string
	Source    corev1.VolumeSource
	MountPath string
	ReadOnly  bool
	SubPath   string
}

type Probes struct {
	Readiness, Liveness, Startup *Probe
}

// A Probe names its port; the builder resolves the name against Ports.
type Probe struct {
	Exec                []string
	HTTP                *HTTPProbe
	TCP                 string
	GRPC                *GRPCProbe
	InitialDelaySeconds int32
	PeriodSeconds       int32
	TimeoutSeconds      int32
	SuccessThreshold    int32
	FailureThreshold    int32
	// NeedsQuorum says that a readiness probe passes only once the member
	// has joined a quorum.
	NeedsQuorum bool
}

type HTTPProbe struct {
	Port   string
	Path   string
	Scheme string
}

type GRPCProbe struct {
	Port    string
	Service *string
}

// Config is the app's config files: shared by every member, or by role.
type Config struct {
	MountPath string
	Files     []File
	Roles     []Role
}

type File struct {
	Name    string
	Content string
}

// A Role holds what only the members of one role get.
type Role struct {
	Name  RoleName
	Files []File
	Args  []string
	Env   []corev1.EnvVar
}

// A SecretFile is a key of a Secret that stsgen-init installs at Path with
// Mode, owned by the pods' user.
type SecretFile struct {
	Path   string
	Secret string
	Key    string
	Mode   int32
	// ModeDecimal says that the user wrote the mode as a decimal
	// number (400) rather than an octal one (0o400).
	ModeDecimal bool
}

// A Secret is one the app declares: it refers to it, and someone else
// creates it, by hand or through the External Secrets Operator.
type Secret struct {
	Name string
	Type corev1.SecretType
	// Keys are the Secret's keys, in input order.
	Keys []string
	// Version marks the Secret's values; "" when the app gave none.
	Version     string
	Description string
	// External is set when the Secret comes from a secret store.
	External *ExternalSecret
}

// An ExternalSecret says where a secret store keeps a Secret's keys.
type ExternalSecret struct {
	Store           string
	Kind            string
	RefreshInterval string
	// RemoteKey holds every key not in Keys, as the property of its name.
	RemoteKey string
	// Keys are the keys with their own remote reference, in input order.
	Keys []RemoteRef
}

// A RemoteRef is where a secret store keeps one key of a Secret.
type RemoteRef struct {
	// Key is the Secret's key.
	Key       string
	RemoteKey string
	// Property is the field of the remote value; "" for all of it.
	Property string
}

// Ref is where the store keeps the Secret's key: the key's own reference,
// else the key's property of RemoteKey; ok is false when there is neither.
func (e *ExternalSecret) Ref(key string) (ref RemoteRef, ok bool) {
	for _, r := range e.Keys {
		if r.Key != key {
			continue
		}
		if r.RemoteKey == "" {
			if e.RemoteKey == "" {
				return RemoteRef{}, false
			}
			r.RemoteKey = e.RemoteKey
			if r.Property == "" {
				r.Property = key
			}
		}
		return r, true
	}
	if e.RemoteKey == "" {
		return RemoteRef{}, false
	}
	return RemoteRef{Key: key, RemoteKey: e.RemoteKey, Property: key}, true
}

type Identity struct {
	IDBase    int
	MountPath string
	Image     string
	// Init forces stsgen-init on or off; nil leaves it to InitNeeds.
	Init *bool
}

type Services struct {
	Headless HeadlessService
	Read     ClientService
	// Primary is set for primary-replica apps only.
	Primary *ClientService
	// Members is set with services.members: a Service per member.
	Members *MemberServices
}

// MemberServices gives each member a Service of its own, for clients
// outside the cluster. Name and the annotations' values may hold
// @@pod@@ and @@ordinal@@ (ExpandMember).
type MemberServices struct {
	Name string
	Type corev1.ServiceType
	// Ports are the names of the app's ports the Services carry.
	Ports []string
	// NodePorts are the node port bases by port name, in input order;
	// member i gets base + i.
	NodePorts                []NodePortBase
	ExternalTrafficPolicy    corev1.ServiceExternalTrafficPolicy
	PublishNotReadyAddresses bool
	LoadBalancerSourceRanges []string
	LoadBalancerClass        *string
	Annotations              map[string]string
}

// A NodePortBase is the node port of a port's first member.
type NodePortBase struct {
	Port string
	Base int32
}

// TLS is the members' certificate, which cert-manager issues into
// SecretName and stsgen mounts at MountPath.
type TLS struct {
	Issuer      IssuerRef
	SecretName  string
	MountPath   string
	Containers  []string
	DNSNames    []string
	DeriveNames bool
	IPAddresses []string
	CommonName  string
	Duration    string
	RenewBefore string
	PrivateKey  PrivateKey
	Usages      []string
	Subject     *CertificateSubject
	// Mode is the files' mode; nil leaves it to DefaultTLSMode.
	Mode *int32
}

// IssuerRef names a cert-manager Issuer or ClusterIssuer.
type IssuerRef struct {
	Name  string `json:"name"`
	Kind  string `json:"kind,omitempty"`
	Group string `json:"group,omitempty"`
}

// PrivateKey is the Certificate's privateKey.
type PrivateKey struct {
	Algorithm      string `json:"algorithm,omitempty"`
	Size           int    `json:"size,omitempty"`
	Encoding       string `json:"encoding,omitempty"`
	RotationPolicy string `json:"rotationPolicy,omitempty"`
}

// CertificateSubject is the Certificate's subject, as cert-manager's CRD
// has it.
type CertificateSubject struct {
	Organizations       []string `json:"organizations,omitempty"`
	OrganizationalUnits []string `json:"organizationalUnits,omitempty"`
	Countries           []string `json:"countries,omitempty"`
	Provinces           []string `json:"provinces,omitempty"`
	Localities          []string `json:"localities,omitempty"`
	StreetAddresses     []string `json:"streetAddresses,omitempty"`
	PostalCodes         []string `json:"postalCodes,omitempty"`
	SerialNumber        string   `json:"serialNumber,omitempty"`
}

type HeadlessService struct {
	Name                     string
	PublishNotReadyAddresses bool
	Annotations              map[string]string
}

type ClientService struct {
	Name        string
	Type        corev1.ServiceType
	Annotations map[string]string
	// Leader is set when the primary Service follows the elected leader
	// rather than the first member.
	Leader *Leader
}

// A Leader is the label the app puts on its leader pod, and its value.
type Leader struct {
	Label string
	Value string
}

// ServiceAccount is the pods' own account, which stsgen makes when Create,
// and the rules of its Role, as the app wrote them.
type ServiceAccount struct {
	Create      bool
	Name        string
	Annotations map[string]string
	Rules       []rbacv1.PolicyRule
}

// A Bootstrap is a one-time Job that initialises the members: Script run
// by /bin/sh -c, or Command and Args.
type Bootstrap struct {
	Image                   string
	Script                  string
	Command                 []string
	Args                    []string
	Env                     []corev1.EnvVar
	EnvFrom                 []corev1.EnvFromSource
	Resources               *corev1.ResourceRequirements
	RestartPolicy           corev1.RestartPolicy
	BackoffLimit            int32
	TTLSecondsAfterFinished int32
	ActiveDeadlineSeconds   *int64
}

// NetworkPolicy says whether stsgen emits a NetworkPolicy, and which
// ingress rules the user adds to its own.
type NetworkPolicy struct {
	Enabled bool
	Ingress []networkingv1.NetworkPolicyIngressRule
	// FromReferrers lets in the pods of the apps that refer to this one,
	// FromReferenced those of the apps this one refers to.
	FromReferrers  bool
	FromReferenced bool
}

type Disruption struct {
	MaxUnavailable             *IntOrPercent
	MinAvailable               *IntOrPercent
	UnhealthyPodEvictionPolicy string
}

// IntOrPercent is a count of pods or a percentage of the replicas.
type IntOrPercent struct {
	Value   int32
	Percent bool
}

func (x *IntOrPercent) String() string {
	if x.Percent {
		return fmt.Sprintf("%d%%", x.Value)
	}
	return strconv.Itoa(int(x.Value))
}

// Scaled is the count of pods x stands for out of n, a percentage rounded
// up as the disruption controller does.
func (x *IntOrPercent) Scaled(n int32, roundUp bool) int32 {
	if !x.Percent {
		return x.Value
	}
	v := x.Value * n
	if roundUp {
		return (v + 99) / 100
	}
	return v / 100
}

func (x *IntOrPercent) IntOrString() *intstr.IntOrString {
	if x == nil {
		return nil
	}
	v := intstr.FromInt32(x.Value)
	if x.Percent {
		v = intstr.FromString(x.String())
	}
	return &v
}

type UpdateStrategy struct {
	Type           string
	Partition      *int32
	MaxUnavailable *intstr.IntOrString
}

// Spread says how the members are kept apart: Mode across TopologyKey
// (hosts) with pod anti-affinity, and Zones across ZoneKey with a topology
// spread constraint.
type Spread struct {
	Mode        string
	TopologyKey string
	Zones       string
	ZoneKey     string
}

// A Peer is one member's stable identity, as the schema computes it.
type Peer struct {
	Index   int      `json:"index"`
	Ordinal int      `json:"ordinal"`
	ID      int      `json:"id"`
	Pod     string   `json:"pod"`
	Host    string   `json:"host"`
	FQDN    string   `json:"fqdn"`
	Role    RoleName `json:"role"`
	// Service is the member's own Service, with services.members.
	Service string `json:"service,omitempty"`
	// NodePorts are its node ports by port name, with
	// services.members.nodePorts.
	NodePorts map[string]int32 `json:"nodePorts,omitempty"`
}
