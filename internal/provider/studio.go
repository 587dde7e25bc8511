package provider

import (
	"context"
	"fmt"
	"net/http"
	"slices"

	"github.com/tdeploy/twilio-deploy-action/internal/provider/spec"
)

// preflights check in preview, by Twilio's own means, what Twilio would
// refuse when the change is applied: a failed check fails the preview with
// Twilio's message, so a broken change shows on the pull request rather
// than in the merge's up. Keyed by token; they only read.
var preflights = map[string]func(ctx context.Context, r *spec.Resource, api API, vals spec.Values) error{
	"twilio:studio/v2:Flow": validateFlow,
}

// preflight runs the resource's check, if it has one and the provider's
// credentials are known.
func (g generic) preflight(ctx context.Context, api API, vals spec.Values) error {
	f := preflights[g.r.Token]
	if _, unknown := api.(unconfigured); f == nil || unknown {
		return nil
	}
	return f(ctx, g.r, api, vals)
}

// flowValidateParams are the create parameters Studio's Flow Validate
// takes (https://www.twilio.com/docs/studio/rest-api/v2/flow-validate).
var flowValidateParams = []string{"FriendlyName", "Status", "Definition", "CommitMessage"}

// validateFlow sends a flow's definition to Flow Validate (POST
// /v2/Flows/Validate), which checks it as a create would and creates
// nothing. It waits while any of the parameters is not known yet: the
// create or the update validates then.
func validateFlow(ctx context.Context, r *spec.Resource, api API, vals spec.Values) error {
	var names []string
	for _, in := range r.Inputs {
		v, ok := vals[in.Name]
		if !ok || !slices.Contains(flowValidateParams, in.Param) {
			continue
		}
		if _, unknown := v.(spec.Unknown); unknown {
			return nil
		}
		names = append(names, in.Name)
	}
	body, err := r.Encode(false, vals, names)
	if err != nil {
		return fmt.Errorf("validate %s: %w", r.Token, err)
	}
	if _, err := api.Do(ctx, Request{Method: http.MethodPost, Host: r.Catalog.Host(), Path: "/v2/Flows/Validate", Form: body.Form}); err != nil {
		return fmt.Errorf("Studio refused the flow's definition (Flow Validate): %w", err)
	}
	return nil
}
