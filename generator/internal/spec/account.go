package spec

import (
	"slices"

	rbacv1 "k8s.io/api/rbac/v1"
)

// FollowsLeader reports whether the primary Service selects the elected
// leader by its label, rather than the first member.
func (s *Spec) FollowsLeader() bool {
	return s.Services.Primary != nil && s.Services.Primary.Leader != nil
}

// LeaderRule is what the members need to label themselves as leader: get
// and patch on their own pods, by name, since a Role cannot narrow a verb
// to the pod that calls it. ok is false when there is no leader to follow
// or no member: a rule without resourceNames would grant every pod.
func (s *Spec) LeaderRule() (rule rbacv1.PolicyRule, ok bool) {
	if !s.FollowsLeader() || len(s.Peers) == 0 {
		return rule, false
	}
	rule = rbacv1.PolicyRule{APIGroups: []string{""}, Resources: []string{"pods"}, Verbs: []string{"get", "patch"}}
	for _, p := range s.Peers {
		rule.ResourceNames = append(rule.ResourceNames, p.Pod)
	}
	return rule, true
}

// RoleRules are the rules of the pods' Role: the app's, then the one the
// leader label needs.
func (s *Spec) RoleRules() []rbacv1.PolicyRule {
	rules := slices.Clone(s.ServiceAccount.Rules)
	if r, ok := s.LeaderRule(); ok {
		rules = append(rules, r)
	}
	return rules
}

// EmitsRole reports whether stsgen writes the Role and the RoleBinding:
// when it makes the account and the Role has rules.
func (s *Spec) EmitsRole() bool {
	return s.ServiceAccount.Create && len(s.RoleRules()) > 0
}

// PodServiceAccount is the account the pods run as: the one stsgen makes,
// or serviceAccountName, or "" for the namespace's default.
func (s *Spec) PodServiceAccount() string {
	if s.ServiceAccount.Create {
		return s.ServiceAccount.Name
	}
	return s.ServiceAccountName
}

// BootstrapName is the name of the bootstrap Job's pods' app label and the
// prefix of the Job's name: <app>-bootstrap.
func (s *Spec) BootstrapName() string { return s.Name + "-" + ComponentBootstrap }
