package rules

import (
	"github.com/stsgen/stsgen/generator/diag"
	"k8s.io/apimachinery/pkg/util/validation"
)

// nameRules check the names that every object and every pod's DNS name
// are made of: the app's, the namespace, the cluster domain and the
// service account.
var nameRules = []*Rule{ruleStatefulSetName, ruleDNSNames}

var ruleStatefulSetName = &Rule{
	ID: diag.RuleStatefulSetName, Title: "the app name is a DNS label of at most 52 characters",
	Severity: diag.Error, Fixed: true, Source: "API server and StatefulSet controller",
	check: checkStatefulSetName,
	Explain: `The app name names the StatefulSet, and the StatefulSet name must be a
lower-case RFC 1123 label: letters, digits and '-', starting and ending
with a letter or digit. The API server checks only that much, and accepts
names up to 63 characters. But the controller labels every pod with
controller-revision-hash: <name>-<hash>, where the hash has up to 10
characters, and a label value holds at most 63. A StatefulSet named with
53 to 63 characters is accepted, and then no pod is ever created: every
attempt fails with "must be no more than 63 bytes" in the events.

Write a name of at most 52 characters, such as zk or orders-db.`,
}

// maxStatefulSetName is the longest StatefulSet name whose pods can be
// created: the controller labels each pod with controller-revision-hash
// <name>-<hash of up to 10 characters>, and a label value holds at most 63.
const maxStatefulSetName = validation.DNS1123LabelMaxLength - 1 - 10

// checkStatefulSetName: the app name is a DNS label short enough for the
// pods the controller derives from it.
func checkStatefulSetName(c *checker) {
	s := c.s
	if msg := labelProblem(s.Name); msg != "" {
		c.report(at("name"), "app name %q is not a DNS label: %s", s.Name, msg)
	} else if len(s.Name) > maxStatefulSetName {
		c.report(at("name"), "app name %q is %d characters; a StatefulSet name may have at most %d, because the controller's controller-revision-hash pod label (<name>-<10-character hash>) must fit in 63", s.Name, len(s.Name), maxStatefulSetName)
	} else if len(validation.IsDNS1035Label(s.Name)) > 0 {
		c.report(at("name"), "app name %q starts with a digit, and the app's Services are named after it; Service names must start with a letter: write %q", s.Name, "app-"+s.Name)
	}
}

var ruleDNSNames = &Rule{
	ID: diag.RuleDNSNames, Title: "the namespace, cluster domain and service account are valid DNS names",
	Severity: diag.Error, Fixed: true, Source: "API server",
	check: checkDNSNames,
	Explain: `namespace must be an RFC 1123 label and clusterDomain a DNS domain:
both become part of every pod's stable name
(<pod>.<service>.<namespace>.svc.<clusterDomain>) and of the peer lists
rendered from it. serviceAccountName must be a DNS subdomain. The
headless Service's name is part of that name too: with STS003 lowered or
off, it must still be an RFC 1123 label.`,
}

// checkDNSNames: the namespace and cluster domain are valid DNS names.
func checkDNSNames(c *checker) {
	s := c.s
	c.dnsLabel(at("namespace"), s.Namespace, "namespace", validation.DNS1123LabelMaxLength)
	if msgs := validation.IsDNS1123Subdomain(s.ClusterDomain); len(msgs) > 0 {
		c.report(at("clusterDomain"), "%q is not a DNS domain: write lower-case labels joined by dots, such as \"cluster.local\"", s.ClusterDomain)
	}
	// STS003 holds Service names to RFC 1035 labels; lowered or off, it
	// lets the headless name be anything, and that name is in every pod's
	// stable name, the peer lists and the identity script.
	if c.pol.severity(ruleServiceNames, s.Checks) != diag.Error {
		c.dnsLabel(at("services", "headless", "name"), s.Services.Headless.Name, "headless Service name (it is part of every pod's DNS name)", validation.DNS1123LabelMaxLength)
	}
	if n := s.ServiceAccountName; n != "" && len(validation.IsDNS1123Subdomain(n)) > 0 {
		c.report(at("serviceAccountName"), "%q is not a valid service account name: lower-case letters, digits, '-' and '.'; write %q", n, suggestSubdomain(n))
	}
}
