package diag

// A RuleID names a rule of the check catalogue: stable, so that users can
// set its severity and look it up with stsgen explain.
type RuleID string

// Rule ids. The number's first digit is the family: 0 for what the API
// server or the StatefulSet controller would reject, 1 for the lint rules of
// kube-score, kube-linter and Polaris, 2 for quorum and role semantics, 3
// for stsgen's own conventions, 4 for the objects around the StatefulSet
// (accounts, Secrets, certificates, member Services, monitoring, bootstrap).
const (
	RuleStatefulSetName RuleID = "STS001"
	RuleSelector        RuleID = "STS002"
	RuleServiceNames    RuleID = "STS003"
	RuleContainerNames  RuleID = "STS004"
	RuleContainerPorts  RuleID = "STS005"
	RuleVolumeMounts    RuleID = "STS006"
	RuleClaimTemplates  RuleID = "STS007"
	RuleRestartPolicy   RuleID = "STS008"
	RuleInitContainers  RuleID = "STS009"
	RuleUpdateStrategy  RuleID = "STS010"
	RuleServicePorts    RuleID = "STS011"
	RuleBudgetValues    RuleID = "STS012"
	RuleConfigMap       RuleID = "STS013"
	RuleLabels          RuleID = "STS014"
	RuleImmutable       RuleID = "STS015"
	RuleSchema          RuleID = "STS016"
	RuleProbes          RuleID = "STS017"
	RuleDNSNames        RuleID = "STS018"
	RuleQuantities      RuleID = "STS019"
	RuleEnvNames        RuleID = "STS020"
	RuleAPIValidation   RuleID = "STS021"
	RuleSchedulable     RuleID = "STS022"

	RuleHeadlessService RuleID = "STS101"
	RuleAntiAffinity    RuleID = "STS102"
	RuleBudgetPresent   RuleID = "STS103"
	RuleProbePorts      RuleID = "STS104"
	RuleReadiness       RuleID = "STS105"
	RuleServiceTargets  RuleID = "STS106"
	RuleResources       RuleID = "STS107"
	RuleImageTag        RuleID = "STS108"
	RuleSecurity        RuleID = "STS109"
	RuleEvictionPolicy  RuleID = "STS110"
	RuleEnvDuplicates   RuleID = "STS111"
	RuleRevisionHistory RuleID = "STS112"
	RulePartitionStart  RuleID = "STS113"
	RuleUnsafeSysctls   RuleID = "STS114"
	RuleOwnSelector     RuleID = "STS115"
	RuleClusterDNS      RuleID = "STS116"

	RuleEnsembleMinimum RuleID = "STS201"
	RuleEnsembleEven    RuleID = "STS202"
	RuleEnsembleLarge   RuleID = "STS203"
	RuleQuorumMajority  RuleID = "STS204"
	RuleBudgetQuorum    RuleID = "STS205"
	RuleBudgetBlocks    RuleID = "STS206"
	RuleBudgetReplicas  RuleID = "STS207"
	RulePeerDiscovery   RuleID = "STS208"
	RuleBootstrap       RuleID = "STS209"
	RuleParallelQuorum  RuleID = "STS210"
	RulePeerLists       RuleID = "STS211"
	RuleScaling         RuleID = "STS212"
	RulePeerRestart     RuleID = "STS213"
	RuleRetentionLoss   RuleID = "STS214"
	RuleNoExecute       RuleID = "STS215"

	RuleReserved       RuleID = "STS301"
	RuleRoles          RuleID = "STS302"
	RuleIgnoredBudget  RuleID = "STS303"
	RuleChecksOverride RuleID = "STS304"
	RuleRecreate       RuleID = "STS305"
	RuleSpreadOverlap  RuleID = "STS306"
	RuleTemplates      RuleID = "STS307"
	RuleInitNeeded     RuleID = "STS308"
	RuleIdentityUnused RuleID = "STS309"

	RuleServiceAccount RuleID = "STS401"
	RuleRBACVerbs      RuleID = "STS402"
	RuleRBACResources  RuleID = "STS403"
	RuleRBACWildcard   RuleID = "STS404"
	RuleLeaderLabel    RuleID = "STS405"
	RuleBootstrapJob   RuleID = "STS406"

	RuleSecretDecls    RuleID = "STS410"
	RuleSecretRefs     RuleID = "STS411"
	RuleSecretUnused   RuleID = "STS412"
	RuleSecretPullType RuleID = "STS413"
	RuleSecretExternal RuleID = "STS414"

	RuleTLSIssuer        RuleID = "STS420"
	RuleTLSCertificate   RuleID = "STS421"
	RuleTLSCoverage      RuleID = "STS422"
	RuleTLSMount         RuleID = "STS423"
	RuleTLSProbes        RuleID = "STS424"
	RuleMemberNames      RuleID = "STS425"
	RuleMemberPorts      RuleID = "STS426"
	RuleTLSCoversObjects RuleID = "STS427"

	RulePortContainer  RuleID = "STS430"
	RuleMetricsPort    RuleID = "STS431"
	RuleScrapeSettings RuleID = "STS432"
	RuleMonitorLabels  RuleID = "STS433"
	RuleScraperNamed   RuleID = "STS434"
	RuleMonitorTargets RuleID = "STS435"

	RuleSystemPolicy RuleID = "STS440"
)
