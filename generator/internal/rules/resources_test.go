package rules

import "github.com/stsgen/stsgen/generator/diag"

// resourceCases are the cases of resourceRules.
var resourceCases = []ruleCase{
	// STS019: quantities.
	{rule: diag.RuleQuantities, name: "size with a space", fires: true, src: `package t

apps: db: {
	image: "postgres:17.2"
	ports: pg: 5432
	storage: data: {size: "10 GB", mountPath: "/var/lib/postgresql"}
}
`},
	{rule: diag.RuleQuantities, name: "size as a quantity", src: `package t

apps: db: {
	image: "postgres:17.2"
	ports: pg: 5432
	storage: data: {size: "10G", mountPath: "/var/lib/postgresql"}
}
`},
	{rule: diag.RuleQuantities, name: "memory in MB", fires: true, src: `package t

apps: db: {
	image: "postgres:17.2"
	ports: pg: 5432
	resources: requests: memory: "512MB"
}
`},
	{rule: diag.RuleQuantities, name: "memory in Mi and cpu as a number", src: `package t

apps: db: {
	image: "postgres:17.2"
	ports: pg: 5432
	resources: requests: {memory: "512Mi", cpu: 0.5}
}
`},
	{rule: diag.RuleQuantities, name: "request above limit", fires: true, src: `package t

apps: db: {
	image: "postgres:17.2"
	ports: pg: 5432
	resources: {
		requests: {cpu: "500m", memory: "2Gi"}
		limits: {cpu: "1", memory: "1Gi"}
	}
}
`},
	{rule: diag.RuleQuantities, name: "request at limit", src: `package t

apps: db: {
	image: "postgres:17.2"
	ports: pg: 5432
	resources: {
		requests: {cpu: "500m", memory: "1Gi"}
		limits: {cpu: "1", memory: "1Gi"}
	}
}
`},
	{rule: diag.RuleQuantities, name: "sidecar request above limit", fires: true, src: `package t

apps: db: {
	image: "postgres:17.2"
	ports: pg: 5432
	sidecars: [{
		name:  "exporter"
		image: "prometheuscommunity/postgres-exporter:v0.16.0"
		resources: {requests: cpu: "200m", limits: cpu: "100m"}
	}]
}
`},
	{rule: diag.RuleQuantities, name: "sidecar request below limit", src: `package t

apps: db: {
	image: "postgres:17.2"
	ports: pg: 5432
	sidecars: [{
		name:  "exporter"
		image: "prometheuscommunity/postgres-exporter:v0.16.0"
		resources: {requests: cpu: "50m", limits: cpu: "100m"}
	}]
}
`},

	// STS107: resources.
	{rule: diag.RuleResources, name: "no resources", fires: true, src: `package t

apps: db: {
	image: "postgres:17.2"
	ports: pg: 5432
}
`},
	{rule: diag.RuleResources, name: "requests and limits", src: `package t

apps: db: {
	image: "postgres:17.2"
	ports: pg: 5432
	resources: {
		requests: {cpu: "500m", memory: "1Gi", "ephemeral-storage": "1Gi"}
		limits: {cpu: "2", memory: "1Gi", "ephemeral-storage": "2Gi"}
	}
}
`},
	{rule: diag.RuleResources, name: "no memory limit", fires: true, src: `package t

apps: db: {
	image: "postgres:17.2"
	ports: pg: 5432
	resources: {
		requests: {cpu: "500m", memory: "1Gi", "ephemeral-storage": "1Gi"}
		limits: {cpu: "2", "ephemeral-storage": "2Gi"}
	}
}
`},
	{rule: diag.RuleResources, name: "zero memory limit", fires: true, src: `package t

apps: db: {
	image: "postgres:17.2"
	ports: pg: 5432
	resources: {
		requests: {cpu: "500m", memory: "1Gi", "ephemeral-storage": "1Gi"}
		limits: {cpu: "2", memory: "0", "ephemeral-storage": "2Gi"}
	}
}
`},
	{rule: diag.RuleResources, name: "no ephemeral-storage limit", fires: true, src: `package t

apps: db: {
	image: "postgres:17.2"
	ports: pg: 5432
	resources: {
		requests: {cpu: "500m", memory: "1Gi", "ephemeral-storage": "1Gi"}
		limits: {cpu: "2", memory: "1Gi"}
	}
}
`},
	{rule: diag.RuleResources, name: "sidecar without resources", fires: true, src: `package t

apps: db: {
	image: "postgres:17.2"
	ports: pg: 5432
	resources: {
		requests: {cpu: "500m", memory: "1Gi", "ephemeral-storage": "1Gi"}
		limits: {cpu: "2", memory: "1Gi", "ephemeral-storage": "2Gi"}
	}
	sidecars: [{name: "exporter", image: "prometheuscommunity/postgres-exporter:v0.16.0"}]
}
`},
	{rule: diag.RuleResources, name: "sidecar with resources", src: `package t

apps: db: {
	image: "postgres:17.2"
	ports: pg: 5432
	resources: {
		requests: {cpu: "500m", memory: "1Gi", "ephemeral-storage": "1Gi"}
		limits: {cpu: "2", memory: "1Gi", "ephemeral-storage": "2Gi"}
	}
	sidecars: [{
		name:  "exporter"
		image: "prometheuscommunity/postgres-exporter:v0.16.0"
		resources: {
			requests: {cpu: "50m", memory: "64Mi", "ephemeral-storage": "64Mi"}
			limits: {cpu: "100m", memory: "64Mi", "ephemeral-storage": "256Mi"}
		}
	}]
}
`},
}
