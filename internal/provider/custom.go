package provider

import (
	"context"

	p "github.com/pulumi/pulumi-go-provider"
	"github.com/pulumi/pulumi/pkg/v3/codegen/schema"

	"github.com/tdeploy/twilio-deploy-action/internal/provider/spec"
)

// CustomResource is a hand-written resource type: one whose behaviour is not
// a plain mapping of a catalog resource onto REST (a sub-account that is
// closed rather than deleted, settings adopted on a resource we do not own,
// a Serverless deployment made of many requests).
//
// The provider routes every request whose type token is registered in
// Options.Custom to the resource's methods, passing the configured Twilio
// API. Methods receive and return the pulumi-go-provider request types
// unchanged, so a custom resource controls its own diff, secrets and ID.
// Every method must honour req.DryRun (no writes in preview) and should make
// no request at all in Check and Diff.
type CustomResource interface {
	// Schema describes the resource for the package schema and docs.
	Schema() schema.ResourceSpec
	Check(ctx context.Context, req p.CheckRequest) (p.CheckResponse, error)
	Diff(ctx context.Context, req p.DiffRequest) (p.DiffResponse, error)
	Create(ctx context.Context, api API, req p.CreateRequest) (p.CreateResponse, error)
	Read(ctx context.Context, api API, req p.ReadRequest) (p.ReadResponse, error)
	Update(ctx context.Context, api API, req p.UpdateRequest) (p.UpdateResponse, error)
	Delete(ctx context.Context, api API, req p.DeleteRequest) error
}

// BuiltinCustom returns the hand-written resources of this package, by type
// token. A hand-written resource in this package is registered by adding an
// entry here; one in a package that imports this one (the Serverless
// deployment, "twilio:serverless:Deployment") goes in Options.Extra, which
// internal/provider/plugin fills for the plugin. Tests may pass their own
// map in Options.Custom.
func BuiltinCustom(m *spec.Model) map[string]CustomResource {
	return map[string]CustomResource{
		SubaccountToken: Subaccount{},
		AdoptToken:      Adopt{Model: m},
	}
}
