package provider

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	p "github.com/pulumi/pulumi-go-provider"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/property"
	rpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
	api2010 "github.com/twilio/twilio-go/rest/api/v2010"
	taskrouter "github.com/twilio/twilio-go/rest/taskrouter/v1"

	"github.com/tdeploy/twilio-deploy-action/internal/catalog"
	"github.com/tdeploy/twilio-deploy-action/internal/emulator"
	"github.com/tdeploy/twilio-deploy-action/internal/emulator/emulatortest"
	"github.com/tdeploy/twilio-deploy-action/internal/provider/spec"
)

func allFunctions(t *testing.T) []Function {
	t.Helper()
	finders, err := Finders(testModel(), catalog.MustLoad())
	if err != nil {
		t.Fatal(err)
	}
	return append(CatalogFunctions(testModel()), finders...)
}

// TestFunctionTokens checks the spelling of the lookups' tokens and that
// none clashes with another token, a resource or a type, or takes a filter
// under the name of the list cap.
func TestFunctionTokens(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"Activity", "Activities"}, {"Key", "Keys"}, {"Address", "Addresses"}, {"Service", "Services"},
		{"Box", "Boxes"}, {"Branch", "Branches"}, {"Status", "Statuses"},
	} {
		if got := plural(tc.in); got != tc.want {
			t.Errorf("plural(%s) = %s, want %s", tc.in, got, tc.want)
		}
	}
	for in, want := range map[string]string{"DateCreated<": "dateCreatedBefore", "DateCreated>": "dateCreatedAfter", "FriendlyName": "friendlyName"} {
		if got := filterName(in); got != want {
			t.Errorf("filterName(%s) = %s, want %s", in, got, want)
		}
	}
	fns := allFunctions(t)
	byTok := map[string]Function{}
	for _, f := range fns {
		byTok[f.Token()] = f
	}
	for _, tok := range []string{
		"twilio:taskrouter/v1:getWorkspaceActivity", "twilio:taskrouter/v1:listWorkspaceActivities",
		"twilio:api/v2010:getIncomingPhoneNumber", "twilio:api/v2010:listIncomingPhoneNumbers",
		"twilio:sync/v1:getServiceSyncMap", "twilio:index:getIncomingPhoneNumber",
		"twilio:taskrouter/v1:getWorkspaceActivityByName", "twilio:index:getAccount",
	} {
		if byTok[tok] == nil {
			t.Errorf("no function %s", tok)
		}
	}
	if _, err := indexFunctions(fns); err != nil {
		t.Fatal(err)
	}
	if _, err := indexFunctions([]Function{getAccount{}, getAccount{}}); err == nil {
		t.Error("a function registered twice is not an error")
	}
	ps := packageSchema("0.0.1", builtin(), fns...)
	gets, lists := 0, 0
	for tok, fs := range ps.Functions {
		if _, clash := ps.Resources[tok]; clash {
			t.Errorf("function %s has a resource's token", tok)
		}
		if strings.Contains(tok, ":list") {
			lists++
			if _, ok := fs.Inputs.Properties[LimitArg]; !ok {
				t.Errorf("%s has no %s", tok, LimitArg)
			}
		} else {
			gets++
		}
	}
	for tok := range ps.Types {
		if _, clash := ps.Resources[tok]; clash {
			t.Errorf("type %s has a resource's token", tok)
		}
	}
	for _, f := range fns {
		if l, ok := f.(listFunction); ok {
			for _, fp := range l.filters() {
				if filterName(fp.Name) == LimitArg {
					t.Errorf("%s has a filter named %s", f.Token(), LimitArg)
				}
			}
		}
	}
	t.Logf("%d functions: %d get, %d list", len(ps.Functions), gets, lists)
}

// pagedAPI serves a list of n items in pages of size items, with
// meta.next_page_url, and counts the requests.
type pagedAPI struct {
	n, size int
	calls   int
}

func (a *pagedAPI) Do(_ context.Context, req Request) (map[string]any, error) {
	a.calls++
	page := 0
	fmt.Sscan(req.Form.Get("Page"), &page)
	var items []any
	for i := page * a.size; i < min((page+1)*a.size, a.n); i++ {
		items = append(items, map[string]any{"sid": fmt.Sprintf("WA%032d", i), "friendly_name": fmt.Sprint("a", i), "available": i%2 == 0})
	}
	var next any
	if (page+1)*a.size < a.n {
		next = fmt.Sprintf("https://taskrouter.twilio.com%s?Page=%d", req.Path, page+1)
	}
	return map[string]any{"activities": items, "meta": map[string]any{"next_page_url": next}}, nil
}
func (*pagedAPI) AccountSID() string       { return "AC00000000000000000000000000000000" }
func (*pagedAPI) HTTPClient() *http.Client { return http.DefaultClient }

// TestListFunction walks every page and fails past the limit instead of
// cutting the list.
func TestListFunction(t *testing.T) {
	f := listFunction{r: testModel().Resource("twilio:taskrouter/v1:WorkspaceActivity")}
	for _, tc := range []struct {
		name        string
		n, pageSize int
		limit       any
		items       int
		calls       int
		err         string
	}{
		{name: "one page", n: 3, pageSize: 50, items: 3, calls: 1},
		{name: "to the end", n: 7, pageSize: 3, items: 7, calls: 3},
		{name: "at the limit", n: 6, pageSize: 2, limit: 6.0, items: 6, calls: 3},
		{name: "past the limit", n: 7, pageSize: 2, limit: 6.0, calls: 4, err: "more than 6 items"},
		{name: "empty", n: 0, pageSize: 2, items: 0, calls: 1},
		{name: "bad limit", n: 1, pageSize: 2, limit: 0.5, err: "positive integer"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			api := &pagedAPI{n: tc.n, size: tc.pageSize}
			args := spec.Values{"workspaceSid": "WS00000000000000000000000000000000"}
			if tc.limit != nil {
				args[LimitArg] = tc.limit
			}
			out, err := f.Invoke(context.Background(), api, args)
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) {
					t.Fatalf("err %v, want %q", err, tc.err)
				}
			} else if err != nil {
				t.Fatal(err)
			} else if got := out.Get("items").AsArray().Len(); got != tc.items {
				t.Errorf("%d items, want %d", got, tc.items)
			}
			if api.calls != tc.calls {
				t.Errorf("%d requests, want %d", api.calls, tc.calls)
			}
		})
	}
}

// TestInvoke drives lookups through the provider against the emulator:
// argument checks, unknown arguments in preview, the finders' exact match,
// and secrets in the account's outputs.
func TestInvoke(t *testing.T) {
	env := emulatortest.New(t)
	ws, err := env.RestClient().TaskrouterV1.CreateWorkspace((&taskrouter.CreateWorkspaceParams{}).SetFriendlyName("desk"))
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range []string{"+15005550006", "+150055500061"} {
		if _, err := env.RestClient().Api.CreateIncomingPhoneNumber((&api2010.CreateIncomingPhoneNumberParams{}).SetPhoneNumber(n)); err != nil {
			t.Fatal(err)
		}
	}
	s := configured(t, env)
	s.functions, _ = indexFunctions(allFunctions(t))
	invoke := func(tok string, args map[string]any) (p.InvokeResponse, error) {
		return s.invoke(context.Background(), p.InvokeRequest{Token: tokenType(tok), Args: pmap(args)})
	}
	byName := "twilio:taskrouter/v1:getWorkspaceActivityByName"
	for _, tc := range []struct {
		name  string
		tok   string
		args  map[string]any
		want  map[string]any // outputs
		fails []string       // failing arguments
		err   string
	}{
		{name: "activity by name", tok: byName, args: map[string]any{"workspaceSid": *ws.Sid, "friendlyName": "Available"},
			want: map[string]any{"available": true, "friendlyName": "Available", "workspaceSid": *ws.Sid}},
		{name: "no such activity", tok: byName, args: map[string]any{"workspaceSid": *ws.Sid, "friendlyName": "Lunch"}, err: `no WorkspaceActivity with friendly_name "Lunch"`},
		{name: "missing argument", tok: byName, args: map[string]any{"friendlyName": "Available"}, fails: []string{"workspaceSid"}},
		{name: "misspelt argument", tok: byName, args: map[string]any{"workspaceSid": *ws.Sid, "friendlyName": "x", "frendlyName": "x"}, fails: []string{"frendlyName"}},
		{name: "wrong type", tok: "twilio:taskrouter/v1:listWorkspaceActivities", args: map[string]any{"workspaceSid": *ws.Sid, "limit": "ten"}, fails: []string{"limit"}},
		{name: "number exactly, not in part", tok: "twilio:index:getIncomingPhoneNumber", args: map[string]any{"phoneNumber": "+15005550006"},
			want: map[string]any{"phoneNumber": "+15005550006"}},
		{name: "no such number", tok: "twilio:index:getIncomingPhoneNumber", args: map[string]any{"phoneNumber": "+1500555"}, err: "no IncomingPhoneNumber"},
		{name: "list with a filter", tok: "twilio:taskrouter/v1:listWorkspaceActivities", args: map[string]any{"workspaceSid": *ws.Sid, "friendlyName": "Offline"}},
		{name: "get by ID", tok: "twilio:taskrouter/v1:getWorkspace", args: map[string]any{"sid": *ws.Sid},
			want: map[string]any{"defaultActivityName": "Offline", "timeoutActivityName": "Offline"}},
		{name: "get: not found", tok: "twilio:taskrouter/v1:getWorkspace", args: map[string]any{"sid": "WS00000000000000000000000000000000"}, err: "404"},
		{name: "account", tok: "twilio:index:getAccount", args: map[string]any{}, want: map[string]any{"sid": env.AccountSID, "status": "active"}},
		{name: "unknown function", tok: "twilio:index:getNothing", args: map[string]any{}, err: "unknown function"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			resp, err := invoke(tc.tok, tc.args)
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) {
					t.Fatalf("err %v, want %q", err, tc.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			var fails []string
			for _, f := range resp.Failures {
				fails = append(fails, f.Property)
			}
			if strings.Join(fails, ",") != strings.Join(tc.fails, ",") {
				t.Errorf("failures %v, want %v", resp.Failures, tc.fails)
			}
			got, _ := toValues(resp.Return)
			for k, v := range tc.want {
				if got[k] != v {
					t.Errorf("%s = %v, want %v", k, got[k], v)
				}
			}
		})
	}

	// The filter reaches Twilio: one item back.
	resp, _ := invoke("twilio:taskrouter/v1:listWorkspaceActivities", map[string]any{"workspaceSid": *ws.Sid, "friendlyName": "Offline"})
	if items := resp.Return.Get("items").AsArray(); items.Len() != 1 || items.Get(0).AsMap().Get("friendlyName").AsString() != "Offline" {
		t.Errorf("filtered list: %v", resp.Return)
	}
	// The auth token is a secret.
	resp, _ = invoke("twilio:index:getAccount", map[string]any{})
	if v := resp.Return.Get("authToken"); !v.Secret() || v.AsString() != env.AuthToken {
		t.Errorf("authToken secret=%v", v.Secret())
	}

	// Preview with an argument not known yet: unknown outputs, no request.
	before := len(env.Server.Requests())
	resp, err = s.invoke(context.Background(), p.InvokeRequest{Token: tokenType(byName), Args: property.NewMap(map[string]property.Value{
		"workspaceSid": property.New(property.Computed), "friendlyName": property.New("Available"),
	})})
	if err != nil || !resp.Return.Get("sid").IsComputed() || len(env.Server.Requests()) != before {
		t.Errorf("unknown argument: %v %v, %d requests", err, resp.Return, len(env.Server.Requests())-before)
	}

	// Not configured: an error, not a request with no credentials.
	bare, err := newServer(Options{Getenv: func(string) string { return "" }, Functions: allFunctions(t)})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := bare.invoke(context.Background(), p.InvokeRequest{Token: tokenType("twilio:index:getAccount"), Args: property.NewMap(nil)}); err == nil || !strings.Contains(err.Error(), "not configured") {
		t.Errorf("unconfigured invoke: %v", err)
	}
}

// TestInvokeOverGRPC calls lookups over the plugin's protocol: a known
// argument reads, an unknown one (preview) comes back unknown with no
// request, and a secret output stays secret on the wire.
func TestInvokeOverGRPC(t *testing.T) {
	t.Parallel()
	env := emulatortest.New(t)
	ws, err := env.RestClient().TaskrouterV1.CreateWorkspace((&taskrouter.CreateWorkspaceParams{}).SetFriendlyName("desk"))
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	client := grpcProvider(t, Options{Resources: builtin(), Functions: allFunctions(t), Getenv: func(string) string { return "" }})
	args := props(map[string]any{"accountSid": env.AccountSID, "apiUrl": env.URL})
	args["authToken"] = resource.MakeSecret(resource.NewStringProperty(env.AuthToken))
	if _, err := client.Configure(ctx, &rpc.ConfigureRequest{Args: marshal(t, args), AcceptSecrets: true}); err != nil {
		t.Fatalf("configure: %v", err)
	}
	byName := "twilio:taskrouter/v1:getWorkspaceActivityByName"
	resp, err := client.Invoke(ctx, &rpc.InvokeRequest{Tok: byName, Args: marshal(t, props(map[string]any{"workspaceSid": *ws.Sid, "friendlyName": "Offline"}))})
	if err != nil || len(resp.Failures) > 0 {
		t.Fatalf("invoke: %v %v", err, resp.GetFailures())
	}
	if out := unmarshal(t, resp.Return); out["sid"].StringValue() != *ws.DefaultActivitySid || out["available"].BoolValue() {
		t.Errorf("Offline: %v, want %s", out, *ws.DefaultActivitySid)
	}

	n := len(env.Server.Requests())
	unknown := resource.PropertyMap{"workspaceSid": resource.MakeComputed(resource.NewStringProperty("")), "friendlyName": resource.NewStringProperty("Offline")}
	resp, err = client.Invoke(ctx, &rpc.InvokeRequest{Tok: byName, Args: marshal(t, unknown)})
	if err != nil {
		t.Fatal(err)
	}
	if out := unmarshal(t, resp.Return); !out["sid"].IsComputed() || len(env.Server.Requests()) != n {
		t.Errorf("unknown argument: %v, %d requests", out, len(env.Server.Requests())-n)
	}

	resp, err = client.Invoke(ctx, &rpc.InvokeRequest{Tok: "twilio:index:getAccount", Args: marshal(t, resource.PropertyMap{})})
	if err != nil {
		t.Fatal(err)
	}
	if out := unmarshal(t, resp.Return); !out["authToken"].IsSecret() {
		t.Errorf("authToken on the wire: %v", out["authToken"])
	}
}

// BenchmarkLookups measures each lookup against the emulator at 50 ms of
// latency per request (Twilio's order of magnitude): time and requests
// per call. A list of 2,500 activities shows the paging cost.
func BenchmarkLookups(b *testing.B) {
	env := emulatortest.New(b, func(o *emulator.Options) { o.Faults.Latency = 50 * time.Millisecond })
	rc := env.RestClient()
	ws, err := rc.TaskrouterV1.CreateWorkspace((&taskrouter.CreateWorkspaceParams{}).SetFriendlyName("desk"))
	if err != nil {
		b.Fatal(err)
	}
	big, err := rc.TaskrouterV1.CreateWorkspace((&taskrouter.CreateWorkspaceParams{}).SetFriendlyName("big"))
	if err != nil {
		b.Fatal(err)
	}
	env.Server.SetFaults(emulator.Faults{}) // set up at full speed
	for i := range 2497 {
		if _, err := rc.TaskrouterV1.CreateActivity(*big.Sid, (&taskrouter.CreateActivityParams{}).SetFriendlyName(fmt.Sprint("a", i))); err != nil {
			b.Fatal(err)
		}
	}
	num, err := rc.Api.CreateIncomingPhoneNumber((&api2010.CreateIncomingPhoneNumberParams{}).SetPhoneNumber("+15005550006"))
	if err != nil {
		b.Fatal(err)
	}
	env.Server.SetFaults(emulator.Faults{Latency: 50 * time.Millisecond})
	s := configured(b, env)
	finders, _ := Finders(testModel(), catalog.MustLoad())
	s.functions, _ = indexFunctions(append(CatalogFunctions(testModel()), finders...))
	for _, bc := range []struct {
		name, tok string
		args      map[string]any
	}{
		{"getWorkspaceActivityByName", "twilio:taskrouter/v1:getWorkspaceActivityByName", map[string]any{"workspaceSid": *ws.Sid, "friendlyName": "Available"}},
		{"getIncomingPhoneNumber(E.164)", "twilio:index:getIncomingPhoneNumber", map[string]any{"phoneNumber": "+15005550006"}},
		{"getAccount", "twilio:index:getAccount", map[string]any{}},
		{"api/v2010:getIncomingPhoneNumber(sid)", "twilio:api/v2010:getIncomingPhoneNumber", map[string]any{"sid": *num.Sid}},
		{"listWorkspaceActivities(3)", "twilio:taskrouter/v1:listWorkspaceActivities", map[string]any{"workspaceSid": *ws.Sid}},
		{"listWorkspaceActivities(2500,limit=5000)", "twilio:taskrouter/v1:listWorkspaceActivities", map[string]any{"workspaceSid": *big.Sid, "limit": 5000.0}},
	} {
		b.Run(bc.name, func(b *testing.B) {
			n := len(env.Server.Requests())
			for range b.N {
				if _, err := s.invoke(context.Background(), p.InvokeRequest{Token: tokenType(bc.tok), Args: pmap(bc.args)}); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(len(env.Server.Requests())-n)/float64(b.N), "requests/op")
		})
	}
}
