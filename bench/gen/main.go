// Command gen writes the benchmark's inputs for N apps into DIR: the same
// ZooKeeper bundle (ConfigMap with the server list, headless and client
// Services, PodDisruptionBudget, StatefulSet with a claim template, probes,
// an init container and anti-affinity) N times, once for each tool.
//
//	gen N DIR
//
// DIR/stsgen    a CUE package of N stsgen apps
// DIR/cue       a plain CUE package that computes the manifests (cue export)
// DIR/helm      a chart that loops over N names in its values
// DIR/kustomize a base and N overlays, one per app
package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

func main() {
	if len(os.Args) != 3 {
		fmt.Fprintln(os.Stderr, "usage: gen N DIR")
		os.Exit(2)
	}
	n, err := strconv.Atoi(os.Args[1])
	if err != nil {
		fmt.Fprintln(os.Stderr, "gen: N:", err)
		os.Exit(2)
	}
	dir := os.Args[2]
	var names []string
	for i := range n {
		names = append(names, fmt.Sprintf("zk%05d", i))
	}
	files := map[string]string{
		"stsgen/apps.cue":        stsgenApps(names),
		"cue/bundle.cue":         cueBundle,
		"cue/names.cue":          "package bench\n\nnames: [\n" + quoted(names, "\t", ",\n") + "]\n",
		"helm/Chart.yaml":        "apiVersion: v2\nname: bench\nversion: 0.1.0\n",
		"helm/values.yaml":       "apps:\n" + quoted(names, "- ", "\n"),
		"helm/templates/zk.yaml": helmTemplate,
	}
	var overlays []string
	for _, name := range names {
		files["kustomize/apps/"+name+"/kustomization.yaml"] = strings.ReplaceAll(kustomizeOverlay, "NAME", name)
		overlays = append(overlays, "apps/"+name)
	}
	files["kustomize/kustomization.yaml"] = "resources:\n" + quoted(overlays, "- ", "\n")
	for name, content := range kustomizeBase {
		files["kustomize/base/"+name] = content
	}
	for name, content := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			fmt.Fprintln(os.Stderr, "gen:", err)
			os.Exit(1)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			fmt.Fprintln(os.Stderr, "gen:", err)
			os.Exit(1)
		}
	}
}

func quoted(names []string, prefix, sep string) string {
	var b strings.Builder
	for _, n := range names {
		fmt.Fprintf(&b, "%s%q%s", prefix, n, sep)
	}
	return b.String()
}

func stsgenApps(names []string) string {
	var b strings.Builder
	b.WriteString(`package bench

import "strings"

_zk: {
	image:    "zookeeper:3.9.2"
	topology: "quorum"
	replicas: 3
	peers: [...{id: int, fqdn: string}]
	ports: {
		client: 2181
		server: {port: 2888, expose: ["headless"]}
		"leader-election": {port: 3888, expose: ["headless"]}
	}
	storage: data: {size: "10Gi", mountPath: "/data"}
	resources: {
		requests: {cpu: "500m", memory: "1Gi", "ephemeral-storage": "256Mi"}
		limits: {cpu: "2", memory: "1Gi", "ephemeral-storage": "1Gi"}
	}
	probes: readiness: tcp: "client"
	spread: "required"
	networkPolicy: enabled: false
	config: {
		mountPath: "/conf"
		files: "zoo.cfg": strings.Join([
			"tickTime=2000",
			"dataDir=/data",
			"clientPort=2181",
			for p in peers {"server.\(p.id)=\(p.fqdn):2888:3888;2181"},
			"",
		], "\n")
	}
}

apps: {
`)
	for _, n := range names {
		fmt.Fprintf(&b, "\t%q: _zk\n", n)
	}
	b.WriteString("}\n")
	return b.String()
}

const cueBundle = `package bench

import "strings"

names: [...string]

_bundle: {
	name: string
	let N = name
	let labels = {"app.kubernetes.io/name": N}
	let meta = {namespace: "default", "labels": labels}
	objects: [{
		apiVersion: "v1"
		kind:       "ConfigMap"
		metadata: meta & {"name": N + "-config"}
		data: "zoo.cfg": strings.Join([
			"tickTime=2000", "dataDir=/data", "clientPort=2181",
			for o in [0, 1, 2] {"server.\(o+1)=\(N)-\(o).\(N)-hs.default.svc.cluster.local:2888:3888;2181"},
			"",
		], "\n")
	}, {
		apiVersion: "v1"
		kind:       "Service"
		metadata: meta & {"name": N + "-hs"}
		spec: {
			clusterIP:                "None"
			publishNotReadyAddresses: true
			selector:                 labels
			ports: [{name: "server", port: 2888, targetPort: "server"}, {name: "leader-election", port: 3888, targetPort: "leader-election"}]
		}
	}, {
		apiVersion: "v1"
		kind:       "Service"
		metadata: meta & {"name": N}
		spec: {
			selector: labels
			ports: [{name: "client", port: 2181, targetPort: "client"}]
		}
	}, {
		apiVersion: "policy/v1"
		kind:       "PodDisruptionBudget"
		metadata: meta & {"name": N + "-pdb"}
		spec: {maxUnavailable: 1, selector: matchLabels: labels}
	}, {
		apiVersion: "apps/v1"
		kind:       "StatefulSet"
		metadata: meta & {"name": N}
		spec: {
			replicas:    3
			serviceName: N + "-hs"
			selector: matchLabels: labels
			template: {
				metadata: "labels": labels
				spec: {
					affinity: podAntiAffinity: requiredDuringSchedulingIgnoredDuringExecution: [{
						labelSelector: matchLabels: labels
						topologyKey: "kubernetes.io/hostname"
					}]
					initContainers: [{
						name:  "init"
						image: "zookeeper:3.9.2"
						command: ["sh", "-c", "echo $((${HOSTNAME##*-} + 1)) > /data/myid"]
						volumeMounts: [{name: "data", mountPath: "/data"}]
					}]
					containers: [{
						name:  "zookeeper"
						image: "zookeeper:3.9.2"
						ports: [{name: "client", containerPort: 2181}, {name: "server", containerPort: 2888}, {name: "leader-election", containerPort: 3888}]
						readinessProbe: tcpSocket: port: "client"
						resources: {requests: {cpu: "500m", memory: "1Gi"}, limits: {cpu: "2", memory: "1Gi"}}
						volumeMounts: [{name: "data", mountPath: "/data"}, {name: "config", mountPath: "/conf"}]
					}]
					volumes: [{name: "config", configMap: name: N + "-config"}]
				}
			}
			volumeClaimTemplates: [{
				metadata: name: "data"
				spec: {accessModes: ["ReadWriteOnce"], resources: requests: storage: "10Gi"}
			}]
		}
	}]
}

objects: [for n in names for o in (_bundle & {name: n}).objects {o}]
`

const helmTemplate = `{{- range .Values.apps }}
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: {{ . }}-config
  namespace: default
  labels: {app.kubernetes.io/name: {{ . }}}
data:
  zoo.cfg: |
    tickTime=2000
    dataDir=/data
    clientPort=2181
{{- $name := . }}
{{- range $o := until 3 }}
    server.{{ add $o 1 }}={{ $name }}-{{ $o }}.{{ $name }}-hs.default.svc.cluster.local:2888:3888;2181
{{- end }}
---
apiVersion: v1
kind: Service
metadata:
  name: {{ . }}-hs
  namespace: default
  labels: {app.kubernetes.io/name: {{ . }}}
spec:
  clusterIP: None
  publishNotReadyAddresses: true
  selector: {app.kubernetes.io/name: {{ . }}}
  ports:
  - {name: server, port: 2888, targetPort: server}
  - {name: leader-election, port: 3888, targetPort: leader-election}
---
apiVersion: v1
kind: Service
metadata:
  name: {{ . }}
  namespace: default
  labels: {app.kubernetes.io/name: {{ . }}}
spec:
  selector: {app.kubernetes.io/name: {{ . }}}
  ports:
  - {name: client, port: 2181, targetPort: client}
---
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata:
  name: {{ . }}-pdb
  namespace: default
  labels: {app.kubernetes.io/name: {{ . }}}
spec:
  maxUnavailable: 1
  selector: {matchLabels: {app.kubernetes.io/name: {{ . }}}}
---
apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: {{ . }}
  namespace: default
  labels: {app.kubernetes.io/name: {{ . }}}
spec:
  replicas: 3
  serviceName: {{ . }}-hs
  selector: {matchLabels: {app.kubernetes.io/name: {{ . }}}}
  template:
    metadata:
      labels: {app.kubernetes.io/name: {{ . }}}
    spec:
      affinity:
        podAntiAffinity:
          requiredDuringSchedulingIgnoredDuringExecution:
          - labelSelector: {matchLabels: {app.kubernetes.io/name: {{ . }}}}
            topologyKey: kubernetes.io/hostname
      initContainers:
      - name: init
        image: zookeeper:3.9.2
        command: [sh, -c, 'echo $((${HOSTNAME##*-} + 1)) > /data/myid']
        volumeMounts: [{name: data, mountPath: /data}]
      containers:
      - name: zookeeper
        image: zookeeper:3.9.2
        ports:
        - {name: client, containerPort: 2181}
        - {name: server, containerPort: 2888}
        - {name: leader-election, containerPort: 3888}
        readinessProbe: {tcpSocket: {port: client}}
        resources: {requests: {cpu: 500m, memory: 1Gi}, limits: {cpu: "2", memory: 1Gi}}
        volumeMounts: [{name: data, mountPath: /data}, {name: config, mountPath: /conf}]
      volumes:
      - {name: config, configMap: {name: {{ . }}-config}}
  volumeClaimTemplates:
  - metadata: {name: data}
    spec: {accessModes: [ReadWriteOnce], resources: {requests: {storage: 10Gi}}}
{{- end }}
`

const kustomizeOverlay = `resources:
- ../../base
nameSuffix: -NAME
labels:
- pairs: {app.kubernetes.io/instance: NAME}
  includeSelectors: true
`

var kustomizeBase = map[string]string{
	"kustomization.yaml": "resources:\n- configmap.yaml\n- services.yaml\n- pdb.yaml\n- statefulset.yaml\n",
	"configmap.yaml": `apiVersion: v1
kind: ConfigMap
metadata: {name: zk-config, namespace: default}
data:
  zoo.cfg: |
    tickTime=2000
    dataDir=/data
    clientPort=2181
    server.1=zk-0.zk-hs.default.svc.cluster.local:2888:3888;2181
    server.2=zk-1.zk-hs.default.svc.cluster.local:2888:3888;2181
    server.3=zk-2.zk-hs.default.svc.cluster.local:2888:3888;2181
`,
	"services.yaml": `apiVersion: v1
kind: Service
metadata: {name: zk-hs, namespace: default}
spec:
  clusterIP: None
  publishNotReadyAddresses: true
  selector: {app.kubernetes.io/name: zk}
  ports:
  - {name: server, port: 2888, targetPort: server}
  - {name: leader-election, port: 3888, targetPort: leader-election}
---
apiVersion: v1
kind: Service
metadata: {name: zk, namespace: default}
spec:
  selector: {app.kubernetes.io/name: zk}
  ports:
  - {name: client, port: 2181, targetPort: client}
`,
	"pdb.yaml": `apiVersion: policy/v1
kind: PodDisruptionBudget
metadata: {name: zk-pdb, namespace: default}
spec:
  maxUnavailable: 1
  selector: {matchLabels: {app.kubernetes.io/name: zk}}
`,
	"statefulset.yaml": `apiVersion: apps/v1
kind: StatefulSet
metadata: {name: zk, namespace: default}
spec:
  replicas: 3
  serviceName: zk-hs
  selector: {matchLabels: {app.kubernetes.io/name: zk}}
  template:
    metadata:
      labels: {app.kubernetes.io/name: zk}
    spec:
      affinity:
        podAntiAffinity:
          requiredDuringSchedulingIgnoredDuringExecution:
          - labelSelector: {matchLabels: {app.kubernetes.io/name: zk}}
            topologyKey: kubernetes.io/hostname
      initContainers:
      - name: init
        image: zookeeper:3.9.2
        command: [sh, -c, 'echo $((${HOSTNAME##*-} + 1)) > /data/myid']
        volumeMounts: [{name: data, mountPath: /data}]
      containers:
      - name: zookeeper
        image: zookeeper:3.9.2
        ports:
        - {name: client, containerPort: 2181}
        - {name: server, containerPort: 2888}
        - {name: leader-election, containerPort: 3888}
        readinessProbe: {tcpSocket: {port: client}}
        resources: {requests: {cpu: 500m, memory: 1Gi}, limits: {cpu: "2", memory: 1Gi}}
        volumeMounts: [{name: data, mountPath: /data}, {name: config, mountPath: /conf}]
      volumes:
      - {name: config, configMap: {name: zk-config}}
  volumeClaimTemplates:
  - metadata: {name: data}
    spec: {accessModes: [ReadWriteOnce], resources: {requests: {storage: 10Gi}}}
`,
}
