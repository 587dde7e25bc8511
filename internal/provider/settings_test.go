package provider

import (
	"context"
	"net/http"
	"strings"
	"testing"

	p "github.com/pulumi/pulumi-go-provider"
	"github.com/pulumi/pulumi/sdk/v3/go/property"

	"github.com/tdeploy/twilio-deploy-action/internal/emulator/emulatortest"
	"github.com/tdeploy/twilio-deploy-action/internal/provider/spec"
)

// TestEverySettingsLifecycle runs create, read, update and delete for every
// settings object against the strict emulator, through the CRUD layer the
// plugin uses: create reads once and updates once, recording the values it
// replaces; read is one GET with no drift; an update is one POST; delete
// is one POST that puts the recorded values back.
func TestEverySettingsLifecycle(t *testing.T) {
	t.Parallel()
	env := emulatortest.New(t)
	s := configured(t, env)
	b := newBuilder(t, s)
	ctx := context.Background()
	n := 0
	for _, r := range testModel().Resources {
		if r.Kind != spec.Settings {
			continue
		}
		n++
		t.Run(r.Token, func(t *testing.T) {
			res := settings{generic{r: r}}
			vals, err := b.inputs(r)
			if err != nil {
				t.Fatalf("parents: %v", err)
			}
			path, err := res.pathValues(s.api, vals)
			if err != nil {
				t.Fatal(err)
			}
			tgt := newTarget(r, path)
			out, err := tgt.fetch(ctx, s.api)
			if err != nil {
				t.Fatalf("fetch before any write: %v", err)
			}
			// Set one input to another value than the default.
			var set *spec.Input
			for _, in := range r.Inputs {
				if in.In != "body" || in.Secret {
					continue
				}
				if v := another(in, spec.FromResponse(in, out[in.Field])); v != nil {
					set, vals[in.Name] = in, v
					break
				}
			}
			if set == nil {
				t.Fatalf("no input to change")
			}
			before := tgt.current(out, []string{set.Name})
			inputs := toMap(vals, func(string) bool { return false })
			urn := urnOf(r.Token, "x")
			if got := previewCreate(t, ctx, env, s.api, res, urn, inputs); len(got) != 0 {
				t.Fatalf("preview sent:\n%s", summarize(got))
			}

			k := len(env.Server.Requests())
			created, err := res.Create(ctx, s.api, p.CreateRequest{Urn: urn, Properties: inputs})
			if err != nil {
				t.Fatalf("create: %v", err)
			}
			if got := requestsSince(env, k); len(got) != 2 || got[0].Method != http.MethodGet || got[1].Method != http.MethodPost {
				t.Fatalf("create: want a GET and a POST, got:\n%s", summarize(got))
			}
			if _, err := r.ParseID(created.ID); err != nil || created.ID == "" {
				t.Fatalf("create: ID %q (%v), want %s", created.ID, err, r.IDFormat())
			}
			if r.AccountWide() && created.ID != env.AccountSID {
				t.Errorf("ID %q, want the account SID", created.ID)
			}
			prev, _ := toValues(created.Properties.Get(spec.PreviousName).AsMap())
			if !spec.Equal(prev[set.Name], before[set.Name]) || len(prev) != countBody(r, vals) {
				t.Errorf("previous = %v, want %s = %v among %d", prev, set.Name, before[set.Name], countBody(r, vals))
			}
			if now, _ := tgt.fetch(ctx, s.api); !spec.Equal(spec.FromResponse(set, now[set.Field]), vals[set.Name]) {
				t.Errorf("after create %s = %v, want %v", set.Field, now[set.Field], vals[set.Name])
			}

			k = len(env.Server.Requests())
			read, err := res.Read(ctx, s.api, p.ReadRequest{ID: created.ID, Urn: urn, Properties: created.Properties, Inputs: inputs})
			if err != nil || read.ID != created.ID {
				t.Fatalf("read: %v (ID %q)", err, read.ID)
			}
			if got := requestsSince(env, k); len(got) != 1 || got[0].Method != http.MethodGet {
				t.Fatalf("read: want 1 GET, got:\n%s", summarize(got))
			}
			if diff, err := res.Diff(ctx, p.DiffRequest{Urn: urn, State: read.Properties, OldInputs: read.Inputs, Inputs: inputs}); err != nil || diff.HasChanges {
				t.Errorf("refresh right after create shows drift: %v %+v", err, diff.DetailedDiff)
			}
			if !read.Properties.Get(spec.PreviousName).Equals(created.Properties.Get(spec.PreviousName)) {
				t.Errorf("read lost the previous values: %v", read.Properties.Get(spec.PreviousName))
			}
			if imported, err := res.Read(ctx, s.api, p.ReadRequest{ID: created.ID, Urn: urn}); err != nil || imported.ID != created.ID {
				t.Fatalf("import: %v (ID %q)", err, imported.ID)
			}

			news := spec.Values{}
			for k, v := range vals {
				news[k] = v
			}
			if v := another(set, vals[set.Name]); v != nil && !spec.Equal(v, vals[set.Name]) {
				news[set.Name] = v
				newInputs := toMap(news, func(string) bool { return false })
				k = len(env.Server.Requests())
				updated, err := res.Update(ctx, s.api, p.UpdateRequest{ID: created.ID, Urn: urn, State: created.Properties, OldInputs: inputs, Inputs: newInputs})
				if err != nil {
					t.Fatalf("update: %v", err)
				}
				if got := requestsSince(env, k); len(got) != 1 || got[0].Method != http.MethodPost || got[0].Params.Get(set.Param) == "" && r.Catalog.Update.Body != "json" {
					t.Fatalf("update: want 1 POST of %s, got:\n%s", set.Param, summarize(got))
				}
				created.Properties, inputs = updated.Properties, newInputs
			}

			k = len(env.Server.Requests())
			if err := res.Delete(ctx, s.api, p.DeleteRequest{ID: created.ID, Urn: urn, Properties: created.Properties}); err != nil {
				t.Fatalf("delete: %v", err)
			}
			if got := requestsSince(env, k); len(got) != 1 || got[0].Method != http.MethodPost {
				t.Fatalf("delete: want 1 POST (the restore), got:\n%s", summarize(got))
			}
			after, err := tgt.fetch(ctx, s.api)
			if err != nil {
				t.Fatal(err)
			}
			if got := tgt.current(after, []string{set.Name}); !spec.Equal(got[set.Name], before[set.Name]) {
				t.Errorf("after destroy %s = %v, want the value before, %v", set.Name, got[set.Name], before[set.Name])
			}
		})
	}
	if n < 15 {
		t.Errorf("only %d settings types", n)
	}
}

// another is changed, with a list for a list input (a flow's test users).
func another(in *spec.Input, old any) any {
	if in.Type == "array" {
		if spec.Equal(old, []any{"tester"}) {
			return []any{"tester", "another"}
		}
		return []any{"tester"}
	}
	return changed(in, old)
}

func countBody(r *spec.Resource, vals spec.Values) int {
	n := 0
	for k := range vals {
		if in := r.Input(k); in != nil && in.In == "body" {
			n++
		}
	}
	return n
}

// An account's own settings object refuses an ID of another account: the
// provider's credentials decide whose settings it reads and restores.
func TestSettingsOtherAccount(t *testing.T) {
	t.Parallel()
	env := emulatortest.New(t)
	s := configured(t, env)
	r := testModel().Resource("twilio:conversations/v1:Configuration")
	_, err := settings{generic{r: r}}.Read(context.Background(), s.api, p.ReadRequest{ID: "AC00000000000000000000000000000000", Urn: urnOf(r.Token, "x"), Properties: property.NewMap(nil)})
	if err == nil || !strings.Contains(err.Error(), "provider's credentials are for "+env.AccountSID) {
		t.Errorf("read of another account's configuration: %v", err)
	}
}

// The generated lookup of a settings object takes its path inputs only
// (none for an account's own) and reads it with one GET, defaults
// included before any write.
func TestSettingsLookups(t *testing.T) {
	t.Parallel()
	env := emulatortest.New(t)
	s := configured(t, env)
	fns := map[string]Function{}
	for _, f := range CatalogFunctions(testModel()) {
		fns[f.Token()] = f
	}
	account := fns["twilio:conversations/v1:getConfiguration"]
	route := fns["twilio:routes/v2:getPhoneNumber"]
	if account == nil || route == nil {
		t.Fatal("no getConfiguration or getPhoneNumber lookup")
	}
	if in := account.Schema().Inputs; len(in.Properties) != 0 || len(in.Required) != 0 {
		t.Errorf("getConfiguration takes %v (required %v), want nothing", in.Properties, in.Required)
	}
	if in := route.Schema().Inputs; len(in.Properties) != 1 || strings.Join(in.Required, ",") != "phoneNumber" {
		t.Errorf("getPhoneNumber takes %v (required %v), want phoneNumber", in.Properties, in.Required)
	}
	k := len(env.Server.Requests())
	got, err := account.Invoke(context.Background(), s.api, spec.Values{})
	if err != nil || !got.Get("defaultChatServiceSid").IsString() || got.Get("accountSid").AsString() != env.AccountSID {
		t.Errorf("getConfiguration: %v %v", err, got)
	}
	got, err = route.Invoke(context.Background(), s.api, spec.Values{"phoneNumber": "+15005550006"})
	if err != nil || got.Get("voiceRegion").AsString() != "us1" || got.Get("phoneNumber").AsString() != "+15005550006" {
		t.Errorf("getPhoneNumber: %v %v", err, got)
	}
	if reqs := requestsSince(env, k); len(reqs) != 2 {
		t.Errorf("two lookups sent:\n%s", summarize(reqs))
	}
}
