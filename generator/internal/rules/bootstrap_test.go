package rules

import "github.com/stsgen/stsgen/generator/diag"

// bootstrapCases are the cases of bootstrapRules.
var bootstrapCases = []ruleCase{
	// STS406: the bootstrap Job.
	{rule: diag.RuleBootstrapJob, name: "bootstrap that runs nothing", fires: true, src: `package t

apps: mongo: {
	image: "mongo:8.0.4"
	ports: mongo: 27017
	bootstrap: backoffLimit: 2
}
`},
	{rule: diag.RuleBootstrapJob, name: "bootstrap with a script", src: `package t

apps: mongo: {
	image: "mongo:8.0.4"
	ports: mongo: 27017
	bootstrap: script: "mongosh --host mongo-0.mongo-hs --eval 'rs.initiate()'"
}
`},
	{rule: diag.RuleBootstrapJob, name: "bootstrap with a script and a command", fires: true, src: `package t

apps: mongo: {
	image: "mongo:8.0.4"
	ports: mongo: 27017
	bootstrap: {
		script: "true"
		command: ["true"]
	}
}
`},
	{rule: diag.RuleBootstrapJob, name: "bootstrap with a command", src: `package t

apps: mongo: {
	image: "mongo:8.0.4"
	ports: mongo: 27017
	bootstrap: command: ["mongosh", "--eval", "rs.initiate()"]
}
`},
	{rule: diag.RuleBootstrapJob, name: "app name too long for the Job", fires: true, src: `package t

apps: "orders-database-replica-set-of-the-eu-regions": {
	image: "mongo:8.0.4"
	ports: mongo: 27017
	bootstrap: script: "true"
}
`},
	{rule: diag.RuleBootstrapJob, name: "app name of 44 characters", src: `package t

apps: "orders-database-replica-set-of-the-eu-region": {
	image: "mongo:8.0.4"
	ports: mongo: 27017
	bootstrap: script: "true"
}
`},
	{rule: diag.RuleBootstrapJob, name: "bootstrap env with stsgen's prefix", fires: true, src: `package t

apps: mongo: {
	image: "mongo:8.0.4"
	ports: mongo: 27017
	bootstrap: {
		script: "true"
		env: STSGEN_PEERS: "a,b"
	}
}
`},

	// STS411 sees the bootstrap Job's references too.
	{rule: diag.RuleSecretRefs, name: "bootstrap env from an undeclared Secret", fires: true, src: `package t

apps: mongo: {
	image: "mongo:8.0.4"
	ports: mongo: 27017
	secrets: mongo: keys: ["root-password"]
	env: MONGO_INITDB_ROOT_PASSWORD: valueFrom: secretKeyRef: {name: "mongo", key: "root-password"}
	bootstrap: {
		script: "true"
		env: PASSWORD: valueFrom: secretKeyRef: {name: "mongo-admin", key: "password"}
	}
}
`},
	{rule: diag.RuleSecretRefs, name: "bootstrap env from a declared Secret", src: `package t

apps: mongo: {
	image: "mongo:8.0.4"
	ports: mongo: 27017
	secrets: mongo: keys: ["root-password"]
	env: MONGO_INITDB_ROOT_PASSWORD: valueFrom: secretKeyRef: {name: "mongo", key: "root-password"}
	bootstrap: {
		script: "true"
		env: PASSWORD: valueFrom: secretKeyRef: {name: "mongo", key: "root-password"}
	}
}
`},
	{rule: diag.RuleBootstrapJob, name: "bootstrap with a blank script", fires: true, src: `package t

apps: mongo: {
	image: "mongo:8.0.4"
	ports: mongo: 27017
	bootstrap: script: "   \n"
}
`},
	{rule: diag.RuleBootstrapJob, name: "bootstrap with a blank program", fires: true, src: `package t

apps: mongo: {
	image: "mongo:8.0.4"
	ports: mongo: 27017
	bootstrap: command: [" ", "init"]
}
`},
	{rule: diag.RuleBootstrapJob, name: "bootstrap with an empty image", fires: true, src: `package t

apps: mongo: {
	image: "mongo:8.0.4"
	ports: mongo: 27017
	bootstrap: {image: "", script: "true"}
}
`},
	{rule: diag.RuleBootstrapJob, name: "bootstrap with an image of its own", src: `package t

apps: mongo: {
	image: "mongo:8.0.4"
	ports: mongo: 27017
	bootstrap: {image: "mongo:8.0.5", script: "true"}
}
`},
}
