package rules

import "github.com/stsgen/stsgen/generator/diag"

// peerCases are the cases of peerRules.
var peerCases = []ruleCase{
	// STS208: peers resolve each other before they are Ready.
	{rule: diag.RulePeerDiscovery, name: "ensemble without not-ready addresses", fires: true, src: `package t

apps: zk: {
	image:    "zookeeper:3.9.2"
	topology: "quorum"
	ports: client: 2181
	services: headless: publishNotReadyAddresses: false
}
`},
	{rule: diag.RulePeerDiscovery, name: "ensemble with not-ready addresses", src: `package t

apps: zk: {
	image:    "zookeeper:3.9.2"
	topology: "quorum"
	ports: client: 2181
	services: headless: publishNotReadyAddresses: true
}
`},
	{rule: diag.RulePeerDiscovery, name: "replicas without not-ready addresses", fires: true, src: `package t

apps: db: {
	image:    "postgres:17.2"
	topology: "primary-replica"
	ports: pg: 5432
	services: headless: publishNotReadyAddresses: false
}
`},
	{rule: diag.RulePeerDiscovery, name: "standalone servers without not-ready addresses", src: `package t

apps: cache: {
	image:    "redis:7.4.1"
	replicas: 3
	ports: redis: 6379
	services: headless: publishNotReadyAddresses: false
}
`},

	// STS211: peer lists.
	{rule: diag.RulePeerLists, name: "peer list under another Service", fires: true, src: `package t

apps: zk: {
	image:    "zookeeper:3.9.2"
	topology: "quorum"
	ports: {client: 2181, peer: 2888, election: 3888}
	config: files: "zoo.cfg": """
		server.1=zk-0.zk-headless:2888:3888
		server.2=zk-1.zk-headless:2888:3888
		server.3=zk-2.zk-headless:2888:3888
		"""
}
`},
	{rule: diag.RulePeerLists, name: "peer list rendered from peers", src: `package t

import "strings"

apps: zk: {
	image:    "zookeeper:3.9.2"
	topology: "quorum"
	ports: {client: 2181, peer: 2888, election: 3888}
	config: files: "zoo.cfg": strings.Join([for p in apps.zk.peers {"server.\(p.id)=\(p.fqdn):2888:3888"}], "\n")
}
`},
	{rule: diag.RulePeerLists, name: "peer list written by hand, correctly", src: `package t

apps: zk: {
	image:    "zookeeper:3.9.2"
	topology: "quorum"
	ports: {client: 2181, peer: 2888, election: 3888}
	config: files: "zoo.cfg": """
		server.1=zk-0.zk-hs:2888:3888
		server.2=zk-1.zk-hs:2888:3888
		server.3=zk-2.zk-hs:2888:3888
		"""
}
`},
	{rule: diag.RulePeerLists, name: "peer list with a member too many", fires: true, src: `package t

apps: zk: {
	image:    "zookeeper:3.9.2"
	topology: "quorum"
	ports: {client: 2181, peer: 2888, election: 3888}
	config: files: "zoo.cfg": """
		server.1=zk-0.zk-hs:2888:3888
		server.2=zk-1.zk-hs:2888:3888
		server.3=zk-2.zk-hs:2888:3888
		server.4=zk-3.zk-hs:2888:3888
		"""
}
`},
	{rule: diag.RulePeerLists, name: "peer list from ordinal 0 with ordinals.start 1", fires: true, src: `package t

apps: zk: {
	image:    "zookeeper:3.9.2"
	topology: "quorum"
	ordinals: start: 1
	ports: {client: 2181, peer: 2888, election: 3888}
	config: files: "zoo.cfg": """
		server.1=zk-0.zk-hs:2888:3888
		server.2=zk-1.zk-hs:2888:3888
		server.3=zk-2.zk-hs:2888:3888
		"""
}
`},
	{rule: diag.RulePeerLists, name: "peer list from ordinal 1 with ordinals.start 1", src: `package t

apps: zk: {
	image:    "zookeeper:3.9.2"
	topology: "quorum"
	ordinals: start: 1
	ports: {client: 2181, peer: 2888, election: 3888}
	config: files: "zoo.cfg": """
		server.1=zk-1.zk-hs:2888:3888
		server.2=zk-2.zk-hs:2888:3888
		server.3=zk-3.zk-hs:2888:3888
		"""
}
`},
	{rule: diag.RulePeerLists, name: "peer list in another namespace", fires: true, src: `package t

apps: zk: {
	image:     "zookeeper:3.9.2"
	topology:  "quorum"
	namespace: "kafka"
	ports: {client: 2181, peer: 2888, election: 3888}
	config: files: "zoo.cfg": """
		server.1=zk-0.zk-hs.default.svc.cluster.local:2888:3888
		server.2=zk-1.zk-hs.default.svc.cluster.local:2888:3888
		server.3=zk-2.zk-hs.default.svc.cluster.local:2888:3888
		"""
}
`},
	{rule: diag.RulePeerLists, name: "peer list in the app's namespace", src: `package t

apps: zk: {
	image:     "zookeeper:3.9.2"
	topology:  "quorum"
	namespace: "kafka"
	ports: {client: 2181, peer: 2888, election: 3888}
	config: files: "zoo.cfg": """
		server.1=zk-0.zk-hs.kafka.svc.cluster.local:2888:3888
		server.2=zk-1.zk-hs.kafka.svc.cluster.local:2888:3888
		server.3=zk-2.zk-hs.kafka.svc.cluster.local:2888:3888
		"""
}
`},
	{rule: diag.RulePeerLists, name: "peer list in another cluster domain", fires: true, src: `package t

apps: zk: {
	image:         "zookeeper:3.9.2"
	topology:      "quorum"
	clusterDomain: "k8s.example.com"
	ports: {client: 2181, peer: 2888, election: 3888}
	config: files: "zoo.cfg": """
		server.1=zk-0.zk-hs.default.svc.cluster.local:2888:3888
		server.2=zk-1.zk-hs.default.svc.cluster.local:2888:3888
		server.3=zk-2.zk-hs.default.svc.cluster.local:2888:3888
		"""
}
`},
	{rule: diag.RulePeerLists, name: "peer list in the app's cluster domain", src: `package t

apps: zk: {
	image:         "zookeeper:3.9.2"
	topology:      "quorum"
	clusterDomain: "k8s.example.com"
	ports: {client: 2181, peer: 2888, election: 3888}
	config: files: "zoo.cfg": """
		server.1=zk-0.zk-hs.default.svc.k8s.example.com:2888:3888
		server.2=zk-1.zk-hs.default.svc.k8s.example.com:2888:3888
		server.3=zk-2.zk-hs.default.svc.k8s.example.com:2888:3888
		"""
}
`},
	{rule: diag.RulePeerLists, name: "role file with a stale peer", fires: true, src: `package t

apps: db: {
	image:    "postgres:17.2"
	topology: "primary-replica"
	ports: pg: 5432
	config: roles: replica: files: "standby.conf": "primary_conninfo = 'host=db-0.db-headless port=5432'\n"
}
`},
	{rule: diag.RulePeerLists, name: "role file with the primary's name", src: `package t

apps: db: {
	image:    "postgres:17.2"
	topology: "primary-replica"
	ports: pg: 5432
	config: roles: replica: files: "standby.conf": "primary_conninfo = 'host=db-0.db-hs port=5432'\n"
}
`},
	{rule: diag.RulePeerLists, name: "role file naming a pod of the app under another Service", fires: true, src: `package t

apps: db: {
	image:    "postgres:17.2"
	topology: "primary-replica"
	ports: pg: 5432
	config: roles: replica: files: "standby.conf": "primary_conninfo = 'host=db-0.legacy-db-hs port=5432'\n"
}
`},
	{rule: diag.RulePeerLists, name: "config naming the pods of another app", src: `package t

apps: db: {
	image:    "postgres:17.2"
	topology: "primary-replica"
	ports: pg: 5432
	config: files: "subscription.sql": "CREATE SUBSCRIPTION legacy CONNECTION 'host=legacy-db-0.legacy-db-hs dbname=orders' PUBLICATION orders;\n"
}
`},
	{rule: diag.RulePeerLists, name: "a version string that looks like a pod name", src: zkApp("\tconfig: files: \"notes.txt\": \"# tuned for zk-3.7.0\\n\"\n")},
	{rule: diag.RulePeerLists, name: "server list leaves out a member", fires: true, src: zkApp("\tconfig: files: \"zoo.cfg\": \"server.1=zk-0.zk-hs:2888:3888\\nserver.2=zk-1.zk-hs:2888:3888\\n\"\n")},
	{rule: diag.RulePeerLists, name: "server list names a member with the wrong id", fires: true, src: zkApp("\tconfig: files: \"zoo.cfg\": \"server.0=zk-0.zk-hs:2888:3888\\nserver.1=zk-1.zk-hs:2888:3888\\nserver.2=zk-2.zk-hs:2888:3888\\n\"\n")},
	{rule: diag.RulePeerLists, name: "server list of every member with its id", src: zkApp("\tconfig: files: \"zoo.cfg\": \"server.1=zk-0.zk-hs:2888:3888\\nserver.2=zk-1.zk-hs:2888:3888\\nserver.3=zk-2.zk-hs.default.svc.cluster.local:2888:3888\\n\"\n")},
	{rule: diag.RulePeerLists, name: "env peer list under another Service", fires: true, src: zkApp("\tenv: PEERS: \"zk-0.zk-hs,zk-1.other-hs\"\n")},
	{rule: diag.RulePeerLists, name: "args naming a pod beyond the ordinals", fires: true, src: zkApp("\targs: [\"--seed\", \"zk-7.zk-hs:2888\"]\n")},
	{rule: diag.RulePeerDiscovery, name: "leaderless ring that hides unready members", fires: true, src: `package t

apps: ring: {
	image:    "cassandra:5.0.2"
	topology: "leaderless"
	ports: cql: 9042
	services: headless: publishNotReadyAddresses: false
}
`},
}
