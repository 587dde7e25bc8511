package provider

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"slices"

	p "github.com/pulumi/pulumi-go-provider"
	"github.com/pulumi/pulumi/pkg/v3/codegen/schema"
	"github.com/pulumi/pulumi/sdk/v3/go/property"

	"github.com/tdeploy/twilio-deploy-action/internal/twilio"
)

// SubaccountToken is the type of a Twilio sub-account.
const SubaccountToken = "twilio:index:Subaccount"

// Subaccount creates a sub-account of the provider's account and closes it
// on delete (Twilio cannot delete accounts; a closed one is gone for good
// and no longer counts against the limit). Its status input suspends and
// reactivates it, in place.
type Subaccount struct{}

var _ Resource = Subaccount{}

func (Subaccount) Token() string { return SubaccountToken }

func (Subaccount) Schema() schema.ResourceSpec {
	str := schema.TypeSpec{Type: "string"}
	return schema.ResourceSpec{
		ObjectTypeSpec: schema.ObjectTypeSpec{
			Type: "object",
			Description: "A Twilio sub-account of the provider's account (POST /2010-04-01/Accounts.json). " +
				"Deleting it closes it (Status=closed), which cannot be undone. Use its `sid` and `authToken` " +
				"in an explicit twilio provider to manage resources inside it. Import ID: the account SID.",
			Properties: map[string]schema.PropertySpec{
				"sid":             {TypeSpec: str, Description: "The sub-account's SID (AC...)."},
				"authToken":       {TypeSpec: str, Secret: true, Description: "The sub-account's auth token."},
				"friendlyName":    {TypeSpec: str, Description: "The sub-account's name."},
				"status":          {TypeSpec: str, Description: "active, suspended or closed."},
				"ownerAccountSid": {TypeSpec: str, Description: "The parent account's SID."},
				"dateCreated":     {TypeSpec: str, Description: "When it was created (RFC 2822)."},
			},
			Required: []string{"sid", "authToken", "status"},
		},
		InputProperties: map[string]schema.PropertySpec{
			"friendlyName": {TypeSpec: str, Description: "A name for the sub-account; Twilio names it after the date when unset."},
			"status": {TypeSpec: str, Description: "`active` or `suspended` (unset: left as it is): a suspended sub-account's own credentials are refused " +
				"(HTTP 401, Twilio error 20005) until it is set active again; its resources stay. Changing it is an update " +
				"(POST Status=...); deleting the resource still closes the sub-account."},
		},
	}
}

// subaccountInputs are the inputs a program sets.
var subaccountInputs = []string{"friendlyName", "status"}

// Check refuses properties the resource does not have and a status other
// than active or suspended (closing is the resource's delete); the
// provider type-checks the values against the schema.
func (Subaccount) Check(_ context.Context, req p.CheckRequest) (p.CheckResponse, error) {
	var fails []p.CheckFailure
	for k := range req.Inputs.All {
		if !slices.Contains(subaccountInputs, k) {
			fails = append(fails, p.CheckFailure{Property: k, Reason: fmt.Sprintf("%s has no property %q", SubaccountToken, k)})
		}
	}
	if st := req.Inputs.Get("status"); st.IsString() && st.AsString() != "active" && st.AsString() != "suspended" {
		fails = append(fails, p.CheckFailure{Property: "status", Reason: fmt.Sprintf("status %q: use active or suspended; to close the sub-account, delete the resource", st.AsString())})
	}
	return p.CheckResponse{Inputs: req.Inputs, Failures: fails}, nil
}

// wantStatus is the status the inputs ask for; "" leaves it as it is.
func wantStatus(inputs property.Map) string {
	if st := inputs.Get("status"); st.IsString() {
		return st.AsString()
	}
	return ""
}

func (Subaccount) Diff(_ context.Context, req p.DiffRequest) (p.DiffResponse, error) {
	diff := map[string]p.PropertyDiff{}
	for _, k := range subaccountInputs {
		o, n := req.OldInputs.Get(k), req.Inputs.Get(k)
		if k == "status" && !n.IsComputed() {
			// Against the account's status, not the last input: unset
			// leaves it alone, and a suspension by hand is drift.
			if st := wantStatus(req.Inputs); st == "" || st == req.State.Get("status").AsString() {
				continue
			}
		} else if o.Equals(n) {
			continue
		}
		kind := p.Update
		if n.IsNull() {
			kind = p.Delete
		}
		diff[k] = p.PropertyDiff{Kind: kind, InputDiff: true}
	}
	return p.DiffResponse{HasChanges: len(diff) > 0, DetailedDiff: diff}, nil
}

func accountsPath(sid string) string {
	if sid == "" {
		return "/2010-04-01/Accounts.json"
	}
	return "/2010-04-01/Accounts/" + url.PathEscape(sid) + ".json"
}

func subaccountState(out map[string]any) property.Map {
	str := func(k string) property.Value {
		if s, ok := out[k].(string); ok {
			return property.New(s)
		}
		return property.New(property.Null)
	}
	return property.NewMap(map[string]property.Value{
		"sid":             str("sid"),
		"authToken":       str("auth_token").WithSecret(true),
		"friendlyName":    str("friendly_name"),
		"status":          str("status"),
		"ownerAccountSid": str("owner_account_sid"),
		"dateCreated":     str("date_created"),
	})
}

func (Subaccount) Create(ctx context.Context, api API, req p.CreateRequest) (p.CreateResponse, error) {
	if req.DryRun {
		name := req.Properties.Get("friendlyName")
		if name.IsNull() {
			name = property.New(property.Computed)
		}
		return p.CreateResponse{Properties: property.NewMap(map[string]property.Value{
			"sid": property.New(property.Computed), "authToken": property.New(property.Computed).WithSecret(true),
			"friendlyName": name, "status": property.New(property.Computed),
			"ownerAccountSid": property.New(property.Computed), "dateCreated": property.New(property.Computed),
		})}, nil
	}
	form := url.Values{}
	if v := req.Properties.Get("friendlyName"); v.IsString() {
		form.Set("FriendlyName", v.AsString())
	}
	// Not recoverable by lookup (names need not be unique): an unknown
	// outcome fails and says so rather than risk a second sub-account.
	out, err := api.Do(ctx, Request{Method: http.MethodPost, Host: "api.twilio.com", Path: accountsPath(""), Form: form, Create: true})
	if err != nil {
		return p.CreateResponse{}, fmt.Errorf("create sub-account: %w", err)
	}
	sid, _ := out["sid"].(string)
	if wantStatus(req.Properties) == "suspended" {
		// Twilio creates accounts active: suspend it right away.
		sus, err := api.Do(ctx, Request{Method: http.MethodPost, Host: "api.twilio.com", Path: accountsPath(sid), Form: url.Values{"Status": {"suspended"}}})
		if err != nil {
			return p.CreateResponse{ID: sid, Properties: subaccountState(out),
				PartialState: &p.InitializationFailed{Reasons: []string{err.Error()}}}, fmt.Errorf("suspend sub-account %s: %w", sid, err)
		}
		out = sus
	}
	return p.CreateResponse{ID: sid, Properties: subaccountState(out)}, nil
}

func (Subaccount) Read(ctx context.Context, api API, req p.ReadRequest) (p.ReadResponse, error) {
	out, err := api.Do(ctx, Request{Method: http.MethodGet, Host: "api.twilio.com", Path: accountsPath(req.ID)})
	if twilio.NotFound(err) || (err == nil && out["status"] == "closed") {
		return p.ReadResponse{}, nil
	}
	if err != nil {
		return p.ReadResponse{}, fmt.Errorf("read sub-account %s: %w", req.ID, err)
	}
	st := subaccountState(out)
	inputs := property.NewMap(nil)
	for _, k := range subaccountInputs {
		if v := st.Get(k); v.IsString() && (req.Inputs.Len() == 0 || req.Inputs.Get(k).IsString()) {
			inputs = inputs.Set(k, v)
		}
	}
	return p.ReadResponse{ID: req.ID, Properties: st, Inputs: inputs}, nil
}

func (Subaccount) Update(ctx context.Context, api API, req p.UpdateRequest) (p.UpdateResponse, error) {
	name := req.Inputs.Get("friendlyName")
	if req.DryRun {
		return p.UpdateResponse{Properties: withStatus(req.State.Set("friendlyName", name), req.Inputs)}, nil
	}
	form := url.Values{}
	if !name.Equals(req.OldInputs.Get("friendlyName")) {
		form.Set("FriendlyName", "")
		if name.IsString() {
			form.Set("FriendlyName", name.AsString())
		}
	}
	if st := wantStatus(req.Inputs); st != "" && st != req.State.Get("status").AsString() {
		form.Set("Status", st)
	}
	out, err := api.Do(ctx, Request{Method: http.MethodPost, Host: "api.twilio.com", Path: accountsPath(req.ID), Form: form})
	if err != nil {
		return p.UpdateResponse{}, fmt.Errorf("update sub-account %s: %w", req.ID, err)
	}
	return p.UpdateResponse{Properties: subaccountState(out)}, nil
}

// withStatus is a preview's state: the status the inputs ask for.
func withStatus(st, inputs property.Map) property.Map {
	if want := wantStatus(inputs); want != "" {
		return st.Set("status", property.New(want))
	}
	return st
}

func (Subaccount) Delete(ctx context.Context, api API, req p.DeleteRequest) error {
	_, err := api.Do(ctx, Request{Method: http.MethodPost, Host: "api.twilio.com", Path: accountsPath(req.ID), Form: url.Values{"Status": {"closed"}}})
	if err != nil && !twilio.NotFound(err) {
		return fmt.Errorf("close sub-account %s: %w", req.ID, err)
	}
	return nil
}
