package main

import (
	"os/exec"
	"strings"
	"testing"
)

// TestLinksOnlyTheAccountsAPI keeps twilio-go's product packages out of the
// action binary: it calls the 2010 API only (credential check, PR
// environments). Linking twilio-go's RestClient pulled in all sixty
// products, a binary 1.5 times the size and a slower start on every run.
func TestLinksOnlyTheAccountsAPI(t *testing.T) {
	out, err := exec.Command("go", "list", "-deps", ".").Output()
	if err != nil {
		t.Fatalf("go list -deps: %v", err)
	}
	allowed := map[string]bool{"github.com/twilio/twilio-go/rest/api/v2010": true}
	var products []string
	for _, p := range strings.Fields(string(out)) {
		if strings.HasPrefix(p, "github.com/twilio/twilio-go/rest/") && !allowed[p] {
			products = append(products, p)
		}
	}
	if len(products) > 0 {
		t.Errorf("the action links %d twilio-go products it does not call, e.g. %s; build the 2010 API service alone (package twilio's accounts)", len(products), products[0])
	}
	if !strings.Contains(string(out), "github.com/twilio/twilio-go/rest/api/v2010\n") {
		t.Error("the action no longer links the 2010 API; update this test's allowed list")
	}
}
