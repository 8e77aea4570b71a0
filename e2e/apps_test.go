//go:build linux

package e2e

import (
	"bytes"
	"context"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"

	"cuelang.org/go/cue"
	"cuelang.org/go/cue/cuecontext"
	"cuelang.org/go/cue/load"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	schedulingv1 "k8s.io/api/scheduling/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/types"
	"sigs.k8s.io/yaml"

	"github.com/stsgen/stsgen/generator"
)

// An app is one app of a CUE package, compiled by stsgen: its spec, its
// objects and the files stsgen writes for them.
type app struct {
	dir    string // the package's directory
	edits  []edit // the changes made to the package, for a variant
	spec   *generator.Spec
	bundle *generator.Bundle
	files  []file // in output order
}

// A file is one file of an app's output.
type file struct {
	name string
	data []byte
}

// An edit sets a field of the package, as a user would by editing it: Path
// is a CUE path such as apps.zk.replicas and Value a CUE expression. A field
// the package sets is rewritten where it is set; CUE cannot override a
// value, so an added file would only conflict with it. Other fields are set
// in a file added to the package.
type edit struct {
	Path, Value string
}

// set is shorthand for an edit of a field of the named app.
func set(app, path, value string) edit {
	return edit{Path: "apps." + cue.MakePath(cue.Str(app)).String() + "." + path, Value: value}
}

// compileDir compiles the CUE package in dir, edited, and returns its apps
// by name. prev, when set, holds the objects the build replaces; the
// diagnostics are returned whether or not they hold errors.
func compileDir(dir string, edits []edit, prev *generator.Previous) (map[string]*app, generator.Diagnostics, error) {
	src := dir
	if len(edits) > 0 {
		tmp, err := editedCopy(dir, edits)
		if err != nil {
			return nil, nil, err
		}
		defer os.RemoveAll(tmp)
		src = tmp
	}
	bundles, ds := generator.Compile(generator.LoadConfig{Dir: src}, generator.Policy{Previous: prev})
	if ds.HasErrors() {
		return nil, ds, nil
	}
	apps := map[string]*app{}
	for _, b := range bundles {
		a := &app{dir: dir, edits: edits, spec: b.Spec, bundle: b}
		apps[b.App] = a
		for _, o := range b.Objects() {
			y, err := generator.RenderObject(o.Obj)
			if err != nil {
				return nil, nil, err
			}
			a.files = append(a.files, file{o.File, append([]byte(generator.Header), y...)})
		}
	}
	return apps, ds, nil
}

// editedCopy copies the package's CUE files to a temporary directory and
// makes the edits there.
func editedCopy(dir string, edits []edit) (string, error) {
	dir, err := filepath.Abs(dir)
	if err != nil {
		return "", err
	}
	names, err := filepath.Glob(filepath.Join(dir, "*.cue"))
	if err != nil || len(names) == 0 {
		return "", fmt.Errorf("%s: no CUE files (%v)", dir, err)
	}
	// The package as written, without stsgen's schema: where each value
	// is set.
	insts := load.Instances([]string{"."}, &load.Config{Dir: dir})
	if len(insts) != 1 {
		return "", fmt.Errorf("%s: %d packages, want 1", dir, len(insts))
	}
	if err := insts[0].Err; err != nil {
		return "", fmt.Errorf("%s: %v", dir, err)
	}
	raw := cuecontext.New().BuildInstance(insts[0])
	if err := raw.Err(); err != nil {
		return "", fmt.Errorf("%s: %v", dir, err)
	}

	// Rewrite the values the package sets, from the end of each file.
	changes := map[string][]change{}
	var added []string
	for _, e := range edits {
		v := raw.LookupPath(cue.ParsePath(e.Path))
		if !v.Exists() {
			added = append(added, fieldSyntax(e.Path)+": "+e.Value)
			continue
		}
		pos := v.Pos()
		data, err := os.ReadFile(pos.Filename())
		if err != nil {
			return "", fmt.Errorf("edit %s: %v", e.Path, err)
		}
		// The position is the value's, or its label's: then the value
		// follows the colon on the same line.
		offset := pos.Offset()
		if n := literalLength(data[offset:]); string(data[offset:offset+n]) != fmt.Sprint(v) {
			line, _, _ := bytes.Cut(data[offset:], []byte("\n"))
			if i := bytes.IndexByte(line, ':'); i >= 0 {
				offset += i + 1 + len(line[i+1:]) - len(bytes.TrimLeft(line[i+1:], " \t"))
			}
		}
		n := literalLength(data[offset:])
		if lit := string(data[offset : offset+n]); n == 0 || lit != fmt.Sprint(v) {
			return "", fmt.Errorf("edit %s: %s holds %q, not the literal %v", e.Path, pos, lit, v)
		}
		changes[pos.Filename()] = append(changes[pos.Filename()], change{offset, n, e.Value})
	}

	tmp, err := os.MkdirTemp("", "stsgen-variant-")
	if err != nil {
		return "", err
	}
	if err := writeEdited(tmp, names, changes, added); err != nil {
		os.RemoveAll(tmp)
		return "", err
	}
	return tmp, nil
}

// writeEdited writes the package's files, changed, and the added fields
// into tmp.
func writeEdited(tmp string, names []string, changes map[string][]change, added []string) error {
	pkg := ""
	for _, name := range names {
		data, err := os.ReadFile(name)
		if err != nil {
			return err
		}
		if m := packageClause.FindSubmatch(data); m != nil {
			pkg = string(m[1])
		}
		cs := changes[name]
		slices.SortFunc(cs, func(x, y change) int { return y.offset - x.offset })
		for _, c := range cs {
			data = slices.Concat(data[:c.offset], []byte(c.value), data[c.offset+c.length:])
		}
		if err := os.WriteFile(filepath.Join(tmp, filepath.Base(name)), data, 0o644); err != nil {
			return err
		}
	}
	src := fmt.Sprintf("package %s\n\n%s\n", pkg, strings.Join(added, "\n"))
	return os.WriteFile(filepath.Join(tmp, "zz_edits.cue"), []byte(src), 0o644)
}

// A change replaces length bytes at offset of a file with value.
type change struct {
	offset, length int
	value          string
}

// fieldSyntax writes a CUE path as nested fields: a.b.c as a: b: c.
func fieldSyntax(path string) string {
	var labels []string
	for _, sel := range cue.ParsePath(path).Selectors() {
		labels = append(labels, sel.String())
	}
	return strings.Join(labels, ": ")
}

// literalLength is the length of the CUE literal data starts with: a
// quoted string, or a number, bool or null.
func literalLength(data []byte) int {
	if len(data) > 0 && data[0] == '"' {
		for i := 1; i < len(data); i++ {
			switch data[i] {
			case '\\':
				i++
			case '"':
				return i + 1
			case '\n':
				return 0
			}
		}
		return 0
	}
	n := 0
	for n < len(data) && (data[n] == '.' || data[n] == '_' || data[n] >= '0' && data[n] <= '9' || data[n] >= 'a' && data[n] <= 'z' || data[n] >= 'A' && data[n] <= 'Z') {
		n++
	}
	return n
}

var packageClause = regexp.MustCompile(`(?m)^package ([A-Za-z_][A-Za-z0-9_]*)`)

// variant compiles the app again with more edits.
func (a *app) variant(t *testing.T, prev *generator.Previous, edits ...edit) (*app, generator.Diagnostics) {
	t.Helper()
	// A later edit of a field replaces an earlier one.
	all := slices.DeleteFunc(slices.Clone(a.edits), func(old edit) bool {
		return slices.ContainsFunc(edits, func(e edit) bool { return e.Path == old.Path })
	})
	apps, ds, err := compileDir(a.dir, slices.Concat(all, edits), prev)
	if err != nil {
		t.Fatalf("compiling %s with %v: %v", a.spec.Name, edits, err)
	}
	if apps == nil {
		return nil, ds
	}
	return apps[a.spec.Name], ds
}

// sts returns the app's StatefulSet as generated.
func (a *app) sts() *appsv1.StatefulSet { return a.bundle.StatefulSet }

// podName is the name of the pod with the given ordinal.
func (a *app) podName(ordinal int32) string { return fmt.Sprintf("%s-%d", a.spec.Name, ordinal) }

// ordinals returns the app's ordinals, lowest first.
func (a *app) ordinals() []int32 {
	var ords []int32
	for i := range a.spec.Replicas {
		ords = append(ords, a.spec.OrdinalsStart+i)
	}
	return ords
}

// events returns the kubelet's events for the app's pods after the first n
// events of its namespace.
func (a *app) events(n int) []podEvent {
	own := regexp.MustCompile("^" + regexp.QuoteMeta(a.spec.Name) + `-[0-9]+$`)
	var evs []podEvent
	for _, e := range since(kubelet.History(a.spec.Namespace), n) {
		if own.MatchString(e.Pod) {
			e.Ready = slices.DeleteFunc(e.Ready, func(p string) bool { return !own.MatchString(p) })
			evs = append(evs, e)
		}
	}
	return evs
}

// applyFiles applies the app's files with server-side apply and strict field
// validation, as `kubectl apply --server-side --force-conflicts
// --validate=strict` does.
func applyFiles(ctx context.Context, files []file, dryRun bool) error {
	for _, f := range files {
		if err := applyYAML(ctx, f.data, dryRun); err != nil {
			return fmt.Errorf("%s: %w", f.name, err)
		}
	}
	return nil
}

// resources maps the kinds stsgen writes to their API groups and
// resources; the version is the object's own. The custom resources' CRDs
// are installed by TestMain.
var resources = map[string]schema.GroupResource{
	"ConfigMap":           {Resource: "configmaps"},
	"Secret":              {Resource: "secrets"},
	"Service":             {Resource: "services"},
	"ServiceAccount":      {Resource: "serviceaccounts"},
	"Role":                {Group: "rbac.authorization.k8s.io", Resource: "roles"},
	"RoleBinding":         {Group: "rbac.authorization.k8s.io", Resource: "rolebindings"},
	"PodDisruptionBudget": {Group: "policy", Resource: "poddisruptionbudgets"},
	"NetworkPolicy":       {Group: "networking.k8s.io", Resource: "networkpolicies"},
	"StatefulSet":         {Group: "apps", Resource: "statefulsets"},
	"Job":                 {Group: "batch", Resource: "jobs"},
	"Certificate":         {Group: "cert-manager.io", Resource: "certificates"},
	"Issuer":              {Group: "cert-manager.io", Resource: "issuers"},
	"ServiceMonitor":      {Group: "monitoring.coreos.com", Resource: "servicemonitors"},
	"PodMonitor":          {Group: "monitoring.coreos.com", Resource: "podmonitors"},
	"ExternalSecret":      {Group: "external-secrets.io", Resource: "externalsecrets"},
	"SecretStore":         {Group: "external-secrets.io", Resource: "secretstores"},
}

// resourceOf returns the API resource of the object's kind, at the
// object's version.
func resourceOf(obj *unstructured.Unstructured) (schema.GroupVersionResource, error) {
	gvk := obj.GroupVersionKind()
	gr, ok := resources[gvk.Kind]
	if !ok {
		return schema.GroupVersionResource{}, fmt.Errorf("the suite does not know kind %q", gvk.Kind)
	}
	if gr.Group != gvk.Group {
		return schema.GroupVersionResource{}, fmt.Errorf("%s is in group %q, not %q", gvk.Kind, gr.Group, gvk.Group)
	}
	return gr.WithVersion(gvk.Version), nil
}

func applyYAML(ctx context.Context, data []byte, dryRun bool) error {
	var obj unstructured.Unstructured
	if err := yaml.Unmarshal(data, &obj.Object); err != nil {
		return err
	}
	gvr, err := resourceOf(&obj)
	if err != nil {
		return err
	}
	body, err := obj.MarshalJSON()
	if err != nil {
		return err
	}
	opts := metav1.PatchOptions{FieldManager: "stsgen", FieldValidation: "Strict", Force: new(true)}
	if dryRun {
		opts.DryRun = []string{metav1.DryRunAll}
	}
	_, err = cp.Dynamic.Resource(gvr).Namespace(obj.GetNamespace()).Patch(ctx, obj.GetName(), types.ApplyPatchType, body, opts)
	return err
}

// namespaces holds a sync.Once per namespace the suite creates, so that
// parallel tests create each once and all wait for it.
var namespaces sync.Map

type namespaceOnce struct {
	once sync.Once
	err  error
}

// prepare creates what the app's objects expect to exist: its namespace,
// the Secrets its pods refer to, with made-up keys, and the PriorityClass
// they name, without which the API server refuses every pod.
func prepare(ctx context.Context, t *testing.T, a *app) {
	t.Helper()
	ns := a.spec.Namespace
	v, _ := namespaces.LoadOrStore(ns, &namespaceOnce{})
	once := v.(*namespaceOnce)
	once.once.Do(func() {
		_, err := cp.Client.CoreV1().Namespaces().Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: ns}}, metav1.CreateOptions{})
		if err != nil && !apierrors.IsAlreadyExists(err) {
			once.err = err
		}
	})
	if once.err != nil {
		t.Fatalf("creating namespace %s: %v", ns, once.err)
	}
	if name := a.sts().Spec.Template.Spec.PriorityClassName; name != "" {
		pc := &schedulingv1.PriorityClass{ObjectMeta: metav1.ObjectMeta{Name: name}, Value: 1000000}
		_, err := cp.Client.SchedulingV1().PriorityClasses().Create(ctx, pc, metav1.CreateOptions{})
		if err != nil && !apierrors.IsAlreadyExists(err) {
			t.Fatalf("creating priority class %s: %v", name, err)
		}
	}
	for name, keys := range secretRefs(a.sts()) {
		data := map[string][]byte{}
		for _, k := range keys {
			data[k] = []byte("e2e-" + k)
		}
		secret := &corev1.Secret{ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: ns}, Data: data}
		_, err := cp.Client.CoreV1().Secrets(ns).Create(ctx, secret, metav1.CreateOptions{})
		if apierrors.IsAlreadyExists(err) {
			_, err = cp.Client.CoreV1().Secrets(ns).Update(ctx, secret, metav1.UpdateOptions{})
		}
		if err != nil {
			t.Fatalf("creating secret %s/%s: %v", ns, name, err)
		}
	}
}

// secretRefs returns the Secrets the StatefulSet's pods refer to, and the
// keys they read from each.
func secretRefs(sts *appsv1.StatefulSet) map[string][]string {
	refs := map[string][]string{}
	add := func(name, key string) {
		if !slices.Contains(refs[name], key) {
			refs[name] = append(refs[name], key)
		}
	}
	spec := sts.Spec.Template.Spec
	for _, c := range slices.Concat(spec.InitContainers, spec.Containers) {
		for _, e := range c.Env {
			if e.ValueFrom != nil && e.ValueFrom.SecretKeyRef != nil {
				add(e.ValueFrom.SecretKeyRef.Name, e.ValueFrom.SecretKeyRef.Key)
			}
		}
		for _, e := range c.EnvFrom {
			if e.SecretRef != nil {
				add(e.SecretRef.Name, "value")
			}
		}
	}
	for _, v := range spec.Volumes {
		if v.Secret != nil {
			add(v.Secret.SecretName, "value")
			for _, item := range v.Secret.Items {
				add(v.Secret.SecretName, item.Key)
			}
		}
	}
	return refs
}

// stableName matches the pod DNS names config files carry,
// pod-N.service.namespace.svc.domain, but not those a script builds from a
// variable ($pod.service...).
var stableName = regexp.MustCompile(`(?:^|[^$.\w-])(([a-z0-9-]*-[0-9]+)\.([a-z0-9-]+)\.([a-z0-9-]+)\.svc\.([a-z0-9.-]*[a-z0-9]))`)

// A podDNSName is a stable name and its parts.
type podDNSName struct {
	name, pod, service, namespace, domain string
}

// stableNames returns the pod DNS names the app's config files mention, and
// the commands, args and env of its containers: an app without a shell
// names its peers in its args, and has no ConfigMap.
func (a *app) stableNames() []podDNSName {
	var texts []string
	if cm := a.bundle.ConfigMap; cm != nil {
		for _, k := range slices.Sorted(maps.Keys(cm.Data)) {
			texts = append(texts, cm.Data[k])
		}
	}
	spec := a.sts().Spec.Template.Spec
	for _, c := range slices.Concat(spec.InitContainers, spec.Containers) {
		texts = append(texts, c.Command...)
		texts = append(texts, c.Args...)
		for _, e := range c.Env {
			texts = append(texts, e.Value)
		}
	}
	var names []podDNSName
	for _, text := range texts {
		for _, m := range stableName.FindAllStringSubmatch(text, -1) {
			n := podDNSName{m[1], m[2], m[3], m[4], m[5]}
			if !slices.Contains(names, n) {
				names = append(names, n)
			}
		}
	}
	return names
}

// describe renders what the cluster holds for the app, for a failing test:
// its StatefulSet's status, its pods, claims, budget, EndpointSlices and
// the namespace's events about them, and the end of each component's log.
func describe(ctx context.Context, a *app) string {
	var b bytes.Buffer
	ns, name := a.spec.Namespace, a.spec.Name
	c := cp.Client
	// Events about the StatefulSet, its pods (name-N) and claims
	// (claim-name-N), and its Services and budget.
	own := regexp.MustCompile("^" + regexp.QuoteMeta(name) + `-[0-9]+$`)
	fmt.Fprintf(&b, "=== what the cluster holds for %s/%s\n", ns, name)
	if sts, err := c.AppsV1().StatefulSets(ns).Get(ctx, name, metav1.GetOptions{}); err == nil {
		st, _ := yaml.Marshal(sts.Status)
		fmt.Fprintf(&b, "--- StatefulSet %s: generation %d, status:\n%s", name, sts.Generation, st)
	} else {
		fmt.Fprintf(&b, "--- StatefulSet %s: %v\n", name, err)
	}
	fmt.Fprintf(&b, "--- pods\n")
	for _, p := range kubelet.StatefulSetPods(a.sts()) {
		fmt.Fprintf(&b, "%s phase=%s ready=%v revision=%s ip=%s deleting=%v\n", p.Name, p.Status.Phase, podReady(p),
			p.Labels[appsv1.ControllerRevisionHashLabelKey], p.Status.PodIP, p.DeletionTimestamp != nil)
	}
	fmt.Fprintf(&b, "--- pod history\n")
	for _, e := range a.events(0) {
		fmt.Fprintf(&b, "%s\n", e)
	}
	if pvcs, err := c.CoreV1().PersistentVolumeClaims(ns).List(ctx, metav1.ListOptions{}); err == nil {
		fmt.Fprintf(&b, "--- claims in %s\n", ns)
		for _, p := range pvcs.Items {
			fmt.Fprintf(&b, "%s %v\n", p.Name, p.Labels)
		}
	}
	if a.bundle.PDB != nil {
		if pdb, err := c.PolicyV1().PodDisruptionBudgets(ns).Get(ctx, a.bundle.PDB.Name, metav1.GetOptions{}); err == nil {
			st, _ := yaml.Marshal(pdb.Status)
			fmt.Fprintf(&b, "--- PodDisruptionBudget %s status:\n%s", pdb.Name, st)
		}
	}
	if list, err := c.DiscoveryV1().EndpointSlices(ns).List(ctx, metav1.ListOptions{}); err == nil {
		fmt.Fprintf(&b, "--- EndpointSlices in %s\n", ns)
		for _, s := range list.Items {
			var eps []string
			for _, e := range s.Endpoints {
				host := ""
				if e.Hostname != nil {
					host = *e.Hostname
				}
				eps = append(eps, fmt.Sprintf("%s=%v", host, e.Addresses))
			}
			fmt.Fprintf(&b, "%s (service %s): %s\n", s.Name, s.Labels["kubernetes.io/service-name"], strings.Join(eps, " "))
		}
	}
	if events, err := c.CoreV1().Events(ns).List(ctx, metav1.ListOptions{}); err == nil {
		fmt.Fprintf(&b, "--- events in %s about %s\n", ns, name)
		for _, e := range events.Items {
			if n := e.InvolvedObject.Name; n == name || own.MatchString(n) || strings.HasSuffix(n, "-"+name) || strings.Contains(n, "-"+name+"-") {
				fmt.Fprintf(&b, "%s %s %s/%s: %s\n", e.Type, e.Reason, e.InvolvedObject.Kind, e.InvolvedObject.Name, e.Message)
			}
		}
	}
	b.WriteString(cp.LogTails(15))
	return b.String()
}
