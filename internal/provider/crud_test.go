package provider

import (
	"context"
	"github.com/tdeploy/twilio-deploy-action/internal/catalog"
	"net/http"
	"sort"
	"strings"
	"testing"

	p "github.com/pulumi/pulumi-go-provider"
	"github.com/pulumi/pulumi/sdk/v3/go/property"

	"github.com/tdeploy/twilio-deploy-action/internal/emulator/emulatortest"
	"github.com/tdeploy/twilio-deploy-action/internal/provider/spec"
)

// builder creates resources through the provider's own CRUD layer, parents
// first, with sample values for the required inputs.
type builder struct {
	t *testing.T
	s *server
}

func newBuilder(t *testing.T, s *server) *builder {
	return &builder{t: t, s: s}
}

// parentOf is the covered resource that param of r's list path names.
func (b *builder) parentOf(r *spec.Resource, param string) *spec.Resource {
	owner := catalog.MustLoad().Owner(r.Catalog, param)
	if owner == nil {
		return nil
	}
	return testModel().Resource(spec.Package + ":" + owner.Token())
}

// inputs are sample inputs for r: its required inputs, its ID input when the
// program chooses the ID (a map item's key), and its parents, created.
func (b *builder) inputs(r *spec.Resource) (spec.Values, error) {
	vals := spec.Values{}
	for _, in := range r.Parents {
		if in.Param == spec.AccountSidParam {
			continue
		}
		parent := b.parentOf(r, in.Param)
		if parent == nil {
			vals[in.Name] = "ZZ0123456789abcdef0123456789abcdef" // not createable: not checked
			continue
		}
		resp, err := b.create(parent)
		if err != nil {
			return nil, err
		}
		vals[in.Name] = idString(toGo(resp.Properties.Get(parent.IDName())))
		// the parent's own parents are a prefix of ours
		pv, _ := toValues(resp.Properties)
		for _, pin := range parent.Parents {
			if v, ok := pv[pin.Name]; ok && r.Input(pin.Name) != nil {
				vals[pin.Name] = v
			}
		}
	}
	for _, in := range r.Inputs {
		if in.In == "body" && (in.Required || in.Name == r.IDName()) {
			vals[in.Name] = sample(in)
		}
	}
	if r.Token == "twilio:api/v2010:IncomingPhoneNumber" {
		// Twilio requires PhoneNumber or AreaCode, which its
		// description cannot say (nor the model): buy by area code.
		vals["areaCode"] = "415"
	}
	return vals, nil
}

func (b *builder) create(r *spec.Resource) (p.CreateResponse, error) {
	vals, err := b.inputs(r)
	if err != nil {
		return p.CreateResponse{}, err
	}
	g := generic{r: r}
	return g.Create(context.Background(), b.s.api, p.CreateRequest{Urn: urnOf(r.Token, "x"), Properties: toMap(vals, func(string) bool { return false })})
}

// TestEveryResourceLifecycle runs create, read, update and delete for every
// covered resource type against the strict emulator, through the CRUD layer
// the plugin uses, and checks each step's requests against the minimum.
func TestEveryResourceLifecycle(t *testing.T) {
	t.Parallel()
	env := emulatortest.New(t)
	s := configured(t, env)
	b := newBuilder(t, s)
	ctx := context.Background()
	if len(testModel().Resources) < 140 {
		t.Fatalf("only %d resource types", len(testModel().Resources))
	}
	for _, r := range testModel().Resources {
		if r.Kind != spec.Owned {
			continue // TestEverySettingsLifecycle
		}
		t.Run(r.Token, func(t *testing.T) {
			g := generic{r: r}
			vals, err := b.inputs(r)
			if err != nil {
				t.Fatalf("parents: %v", err)
			}
			inputs := toMap(vals, func(string) bool { return false })
			urn := urnOf(r.Token, "x")
			// Preview: no requests but a preflight's (a Studio flow's).
			checks, rest := preflightRequests(previewCreate(t, ctx, env, s.api, g, urn, inputs))
			if _, has := preflights[r.Token]; len(rest) != 0 || checks > 0 != has {
				t.Fatalf("preview sent %d preflight requests (preflight: %v) and:\n%s", checks, has, summarize(rest))
			}

			// Create: one POST.
			n := len(env.Server.Requests())
			created, err := g.Create(ctx, s.api, p.CreateRequest{Urn: urn, Properties: inputs})
			if err != nil {
				t.Fatalf("create: %v", err)
			}
			if got := requestsSince(env, n); len(got) != 1 || got[0].Method != http.MethodPost {
				t.Fatalf("create: want 1 POST, got:\n%s", summarize(got))
			}
			if created.ID == "" || !created.Properties.Get(r.IDName()).IsString() && !created.Properties.Get(r.IDName()).IsNumber() {
				t.Fatalf("create: ID %q, %s = %v", created.ID, r.IDName(), created.Properties.Get(r.IDName()))
			}
			for _, o := range r.Outputs {
				if o.Secret && !created.Properties.Get(o.Name).IsNull() && !created.Properties.Get(o.Name).Secret() {
					t.Errorf("output %s is not secret", o.Name)
				}
			}

			// Read (as refresh, then as import).
			if r.Catalog.Fetch != nil {
				n = len(env.Server.Requests())
				read, err := g.Read(ctx, s.api, p.ReadRequest{ID: created.ID, Urn: urn, Properties: created.Properties, Inputs: inputs})
				if err != nil {
					t.Fatalf("read: %v", err)
				}
				if got := requestsSince(env, n); len(got) != 1 || got[0].Method != http.MethodGet {
					t.Fatalf("read: want 1 GET, got:\n%s", summarize(got))
				}
				if read.ID != created.ID {
					t.Errorf("read ID %q, want %q", read.ID, created.ID)
				}
				if diff, err := g.Diff(ctx, p.DiffRequest{Urn: urn, State: read.Properties, OldInputs: read.Inputs, Inputs: inputs}); err != nil || (diff.HasChanges && !emulatorOwnSID[r.Token]) {
					t.Errorf("refresh right after create shows drift: %v %+v", err, diff.DetailedDiff)
				}
				imported, err := g.Read(ctx, s.api, p.ReadRequest{ID: created.ID, Urn: urn})
				if err != nil || imported.ID != created.ID {
					t.Fatalf("import %s: %v (ID %q)", created.ID, err, imported.ID)
				}
				for _, in := range r.Parents {
					if in.Required && !imported.Inputs.Get(in.Name).Equals(inputs.Get(in.Name)) {
						t.Errorf("import: %s = %v, want %v", in.Name, imported.Inputs.Get(in.Name), inputs.Get(in.Name))
					}
				}
			}

			// Update one updatable input: one POST with that parameter
			// (and the ones Twilio requires on every update).
			var upd *spec.Input
			var newVal any
			for _, in := range r.Inputs {
				if in.In != "body" || in.CreateOnly || in.Secret {
					continue
				}
				if v := changed(in, vals[in.Name]); v != nil {
					upd, newVal = in, v
					break
				}
			}
			state := created.Properties
			if upd != nil {
				news := spec.Values{}
				for k, v := range vals {
					news[k] = v
				}
				news[upd.Name] = newVal
				for _, in := range r.Inputs {
					if in.RequiredOnUpdate && news[in.Name] == nil {
						news[in.Name] = sample(in)
					}
				}
				newInputs := toMap(news, func(string) bool { return false })
				diff, err := g.Diff(ctx, p.DiffRequest{Urn: urn, State: state, OldInputs: inputs, Inputs: newInputs})
				if err != nil || !diff.HasChanges || diff.DetailedDiff[upd.Name].Kind == p.UpdateReplace {
					t.Fatalf("diff: %v %+v", err, diff)
				}
				n = len(env.Server.Requests())
				updated, err := g.Update(ctx, s.api, p.UpdateRequest{ID: created.ID, Urn: urn, State: state, OldInputs: inputs, Inputs: newInputs})
				if err != nil {
					t.Fatalf("update %s: %v", upd.Name, err)
				}
				got := requestsSince(env, n)
				if len(got) != 1 || got[0].Method != http.MethodPost {
					t.Fatalf("update: want 1 POST, got:\n%s", summarize(got))
				}
				var sent []string
				for k := range got[0].Params {
					sent = append(sent, k)
				}
				sort.Strings(sent)
				want := []string{upd.Param}
				for _, in := range r.Inputs {
					if in.RequiredOnUpdate && in != upd {
						want = append(want, in.Param)
					}
				}
				sort.Strings(want)
				if r.Catalog.Update.Body != "json" && strings.Join(sent, ",") != strings.Join(want, ",") {
					t.Errorf("update sent %v, want only %v", sent, want)
				}
				state = updated.Properties
			}

			// Delete.
			n = len(env.Server.Requests())
			if err := g.Delete(ctx, s.api, p.DeleteRequest{ID: created.ID, Urn: urn, Properties: state}); err != nil {
				t.Fatalf("delete: %v", err)
			}
			got := requestsSince(env, n)
			if !r.Deletable() {
				if len(got) != 0 {
					t.Fatalf("delete of an undeletable resource sent:\n%s", summarize(got))
				}
				return
			}
			if len(got) != 1 || got[0].Method != http.MethodDelete {
				t.Fatalf("delete: want 1 DELETE, got:\n%s", summarize(got))
			}
			if r.Catalog.Fetch != nil {
				gone, err := g.Read(ctx, s.api, p.ReadRequest{ID: created.ID, Urn: urn, Properties: state})
				if err != nil || gone.ID != "" {
					t.Fatalf("read after delete: %v (ID %q)", err, gone.ID)
				}
			}
		})
	}
}

// emulatorOwnSID are resources whose create takes the SID of an existing
// resource (Sid=PN..., Sid=XE...) that Twilio then uses as the new
// resource's sid; the emulator mints a new one instead, so a refresh sees
// the sid input drift. Reported to the emulator's owner.
var emulatorOwnSID = map[string]bool{
	"twilio:messaging/v1:ServiceChannelSender": true,
	"twilio:proxy/v1:ServicePhoneNumber":       true,
}

var _ = property.Map{}
