package provider

import (
	"context"
	"fmt"
	"net/http"
	"net/url"

	p "github.com/pulumi/pulumi-go-provider"
	"github.com/pulumi/pulumi/pkg/v3/codegen/schema"
	"github.com/pulumi/pulumi/sdk/v3/go/property"

	"github.com/tdeploy/twilio-deploy-action/internal/twilio"
)

// SubaccountToken is the type of a Twilio sub-account.
const SubaccountToken = "twilio:index:Subaccount"

// Subaccount creates a sub-account of the provider's account and closes it
// on delete (Twilio cannot delete accounts; a closed one is gone for good
// and no longer counts against the limit).
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
		},
	}
}

// Check refuses properties the resource does not have; the provider
// type-checks friendlyName against the schema.
func (Subaccount) Check(_ context.Context, req p.CheckRequest) (p.CheckResponse, error) {
	var fails []p.CheckFailure
	for k := range req.Inputs.All {
		if k != "friendlyName" {
			fails = append(fails, p.CheckFailure{Property: k, Reason: fmt.Sprintf("%s has no property %q", SubaccountToken, k)})
		}
	}
	return p.CheckResponse{Inputs: req.Inputs, Failures: fails}, nil
}

func (Subaccount) Diff(_ context.Context, req p.DiffRequest) (p.DiffResponse, error) {
	o, n := req.OldInputs.Get("friendlyName"), req.Inputs.Get("friendlyName")
	if o.Equals(n) {
		return p.DiffResponse{}, nil
	}
	kind := p.Update
	if n.IsNull() {
		kind = p.Delete
	}
	return p.DiffResponse{HasChanges: true, DetailedDiff: map[string]p.PropertyDiff{"friendlyName": {Kind: kind, InputDiff: true}}}, nil
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
	if v := st.Get("friendlyName"); v.IsString() && (req.Inputs.Len() == 0 || req.Inputs.Get("friendlyName").IsString()) {
		inputs = inputs.Set("friendlyName", v)
	}
	return p.ReadResponse{ID: req.ID, Properties: st, Inputs: inputs}, nil
}

func (Subaccount) Update(ctx context.Context, api API, req p.UpdateRequest) (p.UpdateResponse, error) {
	name := req.Inputs.Get("friendlyName")
	if req.DryRun {
		return p.UpdateResponse{Properties: req.State.Set("friendlyName", name)}, nil
	}
	form := url.Values{"FriendlyName": {""}}
	if name.IsString() {
		form.Set("FriendlyName", name.AsString())
	}
	out, err := api.Do(ctx, Request{Method: http.MethodPost, Host: "api.twilio.com", Path: accountsPath(req.ID), Form: form})
	if err != nil {
		return p.UpdateResponse{}, fmt.Errorf("update sub-account %s: %w", req.ID, err)
	}
	return p.UpdateResponse{Properties: subaccountState(out)}, nil
}

func (Subaccount) Delete(ctx context.Context, api API, req p.DeleteRequest) error {
	_, err := api.Do(ctx, Request{Method: http.MethodPost, Host: "api.twilio.com", Path: accountsPath(req.ID), Form: url.Values{"Status": {"closed"}}})
	if err != nil && !twilio.NotFound(err) {
		return fmt.Errorf("close sub-account %s: %w", req.ID, err)
	}
	return nil
}
