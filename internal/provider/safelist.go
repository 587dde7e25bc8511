package provider

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"

	p "github.com/pulumi/pulumi-go-provider"
	"github.com/pulumi/pulumi/pkg/v3/codegen/schema"
	"github.com/pulumi/pulumi/sdk/v3/go/property"

	"github.com/tdeploy/twilio-deploy-action/internal/twilio"
)

// SafelistToken is one number on the account's SafeList.
const SafelistToken = "twilio:accounts/v1:Safelist"

// safelistPath is the SafeList: numbers are added by POST, read and
// removed by the PhoneNumber query parameter (there is no instance path).
const safelistPath = "/v1/SafeList/Numbers"

// Safelist keeps one number on the account's SafeList (numbers Twilio's
// fraud guard never blocks). Its ID is the number itself, the only way
// Twilio addresses an entry; another number replaces the entry.
type Safelist struct{}

var _ Resource = Safelist{}

func (Safelist) Token() string { return SafelistToken }

func (Safelist) Schema() schema.ResourceSpec {
	str := schema.TypeSpec{Type: "string"}
	number := schema.PropertySpec{TypeSpec: str, WillReplaceOnChanges: true,
		Description: "The phone number, or 1k prefix, in E.164 form (+15017122661); quote it in YAML, which reads +15017122661 as a number. Changing it replaces the entry."}
	return schema.ResourceSpec{
		ObjectTypeSpec: schema.ObjectTypeSpec{
			Type: "object",
			Description: "One phone number on the account's SafeList (accounts/v1; POST `/v1/SafeList/Numbers` adds it, " +
				"GET and DELETE with `?PhoneNumber=` read and remove it). Import ID: the number.",
			Properties: map[string]schema.PropertySpec{
				"phoneNumber": {TypeSpec: str, Description: number.Description},
				"sid":         {TypeSpec: str, Description: "The SafeList entry's SID (GN...)."},
			},
			Required: []string{"phoneNumber", "sid"},
		},
		InputProperties: map[string]schema.PropertySpec{"phoneNumber": number},
		RequiredInputs:  []string{"phoneNumber"},
	}
}

// Check refuses properties the resource does not have and a missing
// number; the provider type-checks phoneNumber (a string, not a YAML
// number).
func (Safelist) Check(_ context.Context, req p.CheckRequest) (p.CheckResponse, error) {
	var fails []p.CheckFailure
	for k := range req.Inputs.All {
		if k != "phoneNumber" {
			fails = append(fails, p.CheckFailure{Property: k, Reason: fmt.Sprintf("%s has no property %q", SafelistToken, k)})
		}
	}
	if req.Inputs.Get("phoneNumber").IsNull() {
		fails = append(fails, p.CheckFailure{Property: "phoneNumber", Reason: "required"})
	}
	return p.CheckResponse{Inputs: req.Inputs, Failures: fails}, nil
}

func (Safelist) Diff(_ context.Context, req p.DiffRequest) (p.DiffResponse, error) {
	if req.OldInputs.Get("phoneNumber").Equals(req.Inputs.Get("phoneNumber")) {
		return p.DiffResponse{}, nil
	}
	return p.DiffResponse{HasChanges: true, DetailedDiff: map[string]p.PropertyDiff{"phoneNumber": {Kind: p.UpdateReplace, InputDiff: true}}}, nil
}

func safelistState(out map[string]any) property.Map {
	m := map[string]property.Value{}
	for k, f := range map[string]string{"phoneNumber": "phone_number", "sid": "sid"} {
		if s, ok := out[f].(string); ok {
			m[k] = property.New(s)
		} else {
			m[k] = property.New(property.Null)
		}
	}
	return property.NewMap(m)
}

func (Safelist) query(number string) url.Values { return url.Values{"PhoneNumber": {number}} }

// fetch reads the entry of number; nil when it is not on the list.
func (s Safelist) fetch(ctx context.Context, api API, number string) (map[string]any, error) {
	out, err := api.Do(ctx, Request{Method: http.MethodGet, Host: "accounts.twilio.com", Path: safelistPath, Form: s.query(number)})
	if twilio.NotFound(err) {
		return nil, nil
	}
	return out, err
}

func (s Safelist) Create(ctx context.Context, api API, req p.CreateRequest) (p.CreateResponse, error) {
	number := req.Properties.Get("phoneNumber")
	if req.DryRun {
		return p.CreateResponse{Properties: property.NewMap(map[string]property.Value{
			"phoneNumber": number, "sid": property.New(property.Computed)})}, nil
	}
	call := Request{Method: http.MethodPost, Host: "accounts.twilio.com", Path: safelistPath, Form: url.Values{"PhoneNumber": {number.AsString()}}, Create: true}
	out, err := api.Do(ctx, call)
	if errors.Is(err, ErrUnknownOutcome) {
		// The number is the entry's key: read it to learn the outcome.
		if out, err = s.fetch(ctx, api, number.AsString()); err == nil && out == nil {
			out, err = api.Do(ctx, call)
		}
	}
	if err != nil {
		return p.CreateResponse{}, fmt.Errorf("add %s to the SafeList: %w", number.AsString(), err)
	}
	return p.CreateResponse{ID: number.AsString(), Properties: safelistState(out)}, nil
}

func (s Safelist) Read(ctx context.Context, api API, req p.ReadRequest) (p.ReadResponse, error) {
	out, err := s.fetch(ctx, api, req.ID)
	if err != nil {
		return p.ReadResponse{}, fmt.Errorf("read SafeList entry %s: %w", req.ID, err)
	}
	if out == nil {
		return p.ReadResponse{}, nil // gone: the engine drops it
	}
	st := safelistState(out)
	return p.ReadResponse{ID: req.ID, Properties: st, Inputs: property.NewMap(map[string]property.Value{"phoneNumber": st.Get("phoneNumber")})}, nil
}

// Update is never called: the only input replaces the entry.
func (Safelist) Update(_ context.Context, _ API, req p.UpdateRequest) (p.UpdateResponse, error) {
	return p.UpdateResponse{Properties: req.State}, nil
}

func (s Safelist) Delete(ctx context.Context, api API, req p.DeleteRequest) error {
	_, err := api.Do(ctx, Request{Method: http.MethodDelete, Host: "accounts.twilio.com", Path: safelistPath, Form: s.query(req.ID)})
	if err != nil && !twilio.NotFound(err) {
		return fmt.Errorf("remove %s from the SafeList: %w", req.ID, err)
	}
	return nil
}
