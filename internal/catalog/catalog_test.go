package catalog

import (
	"regexp"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestLoadKnownResources(t *testing.T) {
	t.Parallel()
	c, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	byToken := map[string]*Resource{}
	for _, r := range c.Resources {
		byToken[r.Token()] = r
	}
	cases := []struct {
		token, list, instance, prefix, listKey, paging, id string
	}{
		{"sync/v1:Service", "/v1/Services", "/v1/Services/{Sid}", "IS", "services", "meta", "sid"},
		{"sync/v1:ServiceSyncMap", "/v1/Services/{ServiceSid}/Maps", "/v1/Services/{ServiceSid}/Maps/{Sid}", "MP", "maps", "meta", "sid"},
		{"sync/v1:ServiceSyncMapItem", "/v1/Services/{ServiceSid}/Maps/{MapSid}/Items", "/v1/Services/{ServiceSid}/Maps/{MapSid}/Items/{Key}", "", "items", "meta", "key"},
		{"api/v2010:IncomingPhoneNumber", "/2010-04-01/Accounts/{AccountSid}/IncomingPhoneNumbers.json", "/2010-04-01/Accounts/{AccountSid}/IncomingPhoneNumbers/{Sid}.json", "PN", "incoming_phone_numbers", "2010", "sid"},
		{"api/v2010:Account", "/2010-04-01/Accounts.json", "/2010-04-01/Accounts/{Sid}.json", "AC", "accounts", "2010", "sid"},
		{"serverless/v1:ServiceFunction", "/v1/Services/{ServiceSid}/Functions", "/v1/Services/{ServiceSid}/Functions/{Sid}", "ZH", "functions", "meta", "sid"},
		{"taskrouter/v1:WorkspaceWorkflow", "/v1/Workspaces/{WorkspaceSid}/Workflows", "/v1/Workspaces/{WorkspaceSid}/Workflows/{Sid}", "WW", "workflows", "meta", "sid"},
		{"studio/v2:Flow", "/v2/Flows", "/v2/Flows/{Sid}", "FW", "flows", "meta", "sid"},
	}
	for _, tc := range cases {
		r := byToken[tc.token]
		if r == nil {
			t.Errorf("%s: missing from the catalog", tc.token)
			continue
		}
		got := []string{r.ListPath, r.InstancePath, r.SIDPrefix, r.ListKey, r.Paging, r.IDField}
		want := []string{tc.list, tc.instance, tc.prefix, tc.listKey, tc.paging, tc.id}
		if d := cmp.Diff(want, got); d != "" {
			t.Errorf("%s (-want +got):\n%s", tc.token, d)
		}
	}
	if p := byToken["sync/v1:Service"].Create.Param("FriendlyName"); p == nil || p.Type != "string" || p.In != "body" {
		t.Errorf("sync/v1:Service create FriendlyName = %+v, want a string body param", p)
	}
	if p := byToken["studio/v2:Flow"].Create.Param("Status"); p == nil || !p.Required || len(p.Enum) == 0 {
		t.Errorf("studio/v2:Flow create Status = %+v, want a required enum", p)
	}
}

// idNotInBody are resources whose path names an identifier that their
// representation does not carry (the spec omits it or spells it otherwise).
// A new one fails the invariants test, so that it is looked at.
var idNotInBody = map[string]bool{
	"lookups/v2:OverridesResponse":           true,
	"monitor/v2:AlarmBody":                   true, // camelCase fields
	"numbers/v1:PortingWebhookConfiguration": true,
	// @twilio/cli-core 9's newer APIs.
	"memory/v1:ImportId":                                 true, // the spec gives the import no fields
	"memory/v1:TraitGroup":                               true, // {traitGroupName} is the group's displayName
	"voice/v2:AccountDefaultConfiguration":               true, // {Type} names the kind, not a field
	"voice/v2:Configuration":                             true, // {Type} names the kind, not a field
	"voice/v3:TranscriptionLongRunningOperationResponse": true, // an operation's envelope, keyed by the transcription
}

// The emulator and the provider rely on these for every resource.
func TestCatalogInvariants(t *testing.T) {
	t.Parallel()
	c := MustLoad()
	if len(c.Resources) < 400 || !strings.HasPrefix(c.Source, "@twilio/cli-core@") {
		t.Fatalf("catalog has %d resources from %q; regenerate with scripts/gen-catalog.sh", len(c.Resources), c.Source)
	}
	token := regexp.MustCompile(`^[a-z0-9_]+/[a-z0-9_]+:[A-Z][A-Za-z0-9]*$`)
	for _, r := range c.Resources {
		if !token.MatchString(r.Token()) {
			t.Errorf("%s: token is not of the form module/version:Type", r.Token())
		}
		if r.Product == "" || strings.Contains(r.Product, ".") {
			t.Errorf("%s: bad product %q", r.Token(), r.Product)
		}
		if r.IDField != "" && r.Property(r.IDField) == nil && !idNotInBody[r.Token()] {
			t.Errorf("%s: id field %q is not a property", r.Token(), r.IDField)
		}
		if r.ListPath != "" && r.InstancePath != "" && r.IDField != "" {
			// The instance path is the list path plus one placeholder.
			lp := strings.TrimSuffix(r.ListPath, ".json")
			ip := strings.TrimSuffix(r.InstancePath, ".json")
			if !strings.HasPrefix(ip, lp+"/{") || strings.Count(ip, "/") != strings.Count(lp, "/")+1 {
				t.Errorf("%s: instance %s is not below list %s", r.Token(), r.InstancePath, r.ListPath)
			}
		}
		for _, op := range []*Operation{r.Create, r.Fetch, r.Update, r.Delete, r.List} {
			if op == nil {
				continue
			}
			if op.Status < 200 || op.Status > 399 {
				t.Errorf("%s %s: success status %d", r.Token(), op.ID, op.Status)
			}
			for _, p := range op.Params {
				if p.Type == "" || p.In == "" {
					t.Errorf("%s %s: param %s has no type or location", r.Token(), op.ID, p.Name)
				}
			}
		}
	}
}

func TestPathParamsAndExpand(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name, path string
		values     map[string]string
		params     []string
		want       string
		wantErr    string
	}{
		{"plain", "/v1/Services", nil, []string{}, "/v1/Services", ""},
		{"nested", "/v1/Services/{ServiceSid}/Maps/{Sid}", map[string]string{"ServiceSid": "IS1", "Sid": "MP2"},
			[]string{"ServiceSid", "Sid"}, "/v1/Services/IS1/Maps/MP2", ""},
		{"2010", "/2010-04-01/Accounts/{AccountSid}/IncomingPhoneNumbers/{Sid}.json", map[string]string{"AccountSid": "AC1", "Sid": "PN2"},
			[]string{"AccountSid", "Sid"}, "/2010-04-01/Accounts/AC1/IncomingPhoneNumbers/PN2.json", ""},
		{"escapes a unique name", "/v1/Services/{Sid}", map[string]string{"Sid": "a/b c"}, []string{"Sid"}, "/v1/Services/a%2Fb%20c", ""},
		{"missing", "/v1/Services/{ServiceSid}/Maps/{Sid}", map[string]string{"Sid": "MP2"}, []string{"ServiceSid", "Sid"}, "", "no value for {ServiceSid}"},
		{"empty value", "/v1/Services/{Sid}", map[string]string{"Sid": ""}, []string{"Sid"}, "", "no value for {Sid}"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			if d := cmp.Diff(tc.params, PathParams(tc.path)); d != "" {
				t.Errorf("PathParams (-want +got):\n%s", d)
			}
			got, err := Expand(tc.path, tc.values)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("Expand error = %v, want %q", err, tc.wantErr)
				}
				return
			}
			if err != nil || got != tc.want {
				t.Errorf("Expand = %q, %v; want %q", got, err, tc.want)
			}
		})
	}
}

func TestParentAndIDParams(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name    string
		r       Resource
		parents []string
		id      string
	}{
		{"collection", Resource{ListPath: "/v1/Services/{ServiceSid}/Maps", InstancePath: "/v1/Services/{ServiceSid}/Maps/{Sid}", IDField: "sid"}, []string{"ServiceSid"}, "Sid"},
		{"singleton", Resource{InstancePath: "/v1/Services/{ServiceSid}/Configuration"}, []string{"ServiceSid"}, ""},
		{"instance only", Resource{InstancePath: "/v1/Services/{ServiceSid}/Builds/{Sid}", IDField: "sid"}, []string{"ServiceSid"}, "Sid"},
		{"list only", Resource{ListPath: "/v1/Services/{ServiceSid}/Notifications"}, []string{"ServiceSid"}, ""},
	}
	for _, tc := range cases {
		if d := cmp.Diff(tc.parents, tc.r.ParentParams()); d != "" {
			t.Errorf("%s: ParentParams (-want +got):\n%s", tc.name, d)
		}
		if got := tc.r.IDParam(); got != tc.id {
			t.Errorf("%s: IDParam = %q, want %q", tc.name, got, tc.id)
		}
	}
}

func TestOwner(t *testing.T) {
	t.Parallel()
	c := MustLoad()
	byToken := map[string]*Resource{}
	for _, r := range c.Resources {
		byToken[r.Token()] = r
	}
	cases := []struct{ token, param, want string }{
		{"sync/v1:ServiceSyncMap", "ServiceSid", "sync/v1:Service"},
		{"sync/v1:ServiceSyncMapItem", "MapSid", "sync/v1:ServiceSyncMap"},
		{"sync/v1:ServiceSyncMapItem", "ServiceSid", "sync/v1:Service"},
		{"api/v2010:IncomingPhoneNumberAssignedAddOn", "ResourceSid", "api/v2010:IncomingPhoneNumber"},
		{"api/v2010:IncomingPhoneNumber", "AccountSid", "api/v2010:Account"},
		{"sync/v1:Service", "Sid", ""},
	}
	for _, tc := range cases {
		got := c.Owner(byToken[tc.token], tc.param)
		if (got == nil && tc.want != "") || (got != nil && got.Token() != tc.want) {
			t.Errorf("Owner(%s, %s) = %v, want %q", tc.token, tc.param, got, tc.want)
		}
	}
}

func TestParseRejectsBrokenCatalogs(t *testing.T) {
	t.Parallel()
	cases := map[string]string{
		"not json":  `{`,
		"duplicate": `{"resources":[{"module":"a/v1","type":"T","list_path":"/x"},{"module":"a/v1","type":"T","list_path":"/y"}]}`,
		"no path":   `{"resources":[{"module":"a/v1","type":"T"}]}`,
	}
	for name, in := range cases {
		if _, err := Parse([]byte(in)); err == nil {
			t.Errorf("%s: Parse succeeded, want an error", name)
		}
	}
}
