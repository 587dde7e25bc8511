package emulator

import (
	"testing"

	"github.com/tdeploy/twilio-deploy-action/internal/catalog"
)

// Every settings default names a catalog resource Twilio fetches and
// updates but cannot create, and fills only fields it has.
func TestSettingsDefaultsCatalog(t *testing.T) {
	t.Parallel()
	byTok := map[string]*catalog.Resource{}
	for _, r := range catalog.MustLoad().Resources {
		byTok[r.Token()] = r
	}
	for tok, def := range settingsDefaults {
		r := byTok[tok]
		if r == nil || r.Createable() || r.Fetch == nil || r.Update == nil {
			t.Errorf("settingsDefaults[%q]: not a catalog resource fetched and updated but not created", tok)
			continue
		}
		vals := make([]string, len(catalog.PathParams(r.InstancePath)))
		for i := range vals {
			vals[i] = "XX0123"
		}
		for k := range def("AC0123", vals) {
			if r.Property(k) == nil {
				t.Errorf("settingsDefaults[%q] sets %q, which %s does not have", tok, k, tok)
			}
		}
	}
}
