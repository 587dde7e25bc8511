package provider

import (
	"context"
	"fmt"

	p "github.com/pulumi/pulumi-go-provider"
	"github.com/pulumi/pulumi/pkg/v3/codegen/schema"

	"github.com/tdeploy/twilio-deploy-action/internal/provider/spec"
)

// Resource is one resource type the provider serves. The catalog's types
// (CatalogResources) implement it generically, mapping each onto REST;
// hand-written ones implement it themselves when their behaviour is not a
// plain mapping (a sub-account that is closed rather than deleted, settings
// adopted on a resource we do not own, a Serverless deployment made of many
// requests).
//
// The provider routes every request whose type token is Token() to the
// resource's methods, passing the configured Twilio API. Methods receive and
// return the pulumi-go-provider request types unchanged, so a resource
// controls its own diff, secrets and ID. Every method must honour req.DryRun
// (no writes in preview) and should make no request at all in Check and
// Diff. A resource whose schema refers to types of its own (enums, objects)
// also implements Types() map[string]schema.ComplexTypeSpec.
type Resource interface {
	// Token is the type token: "twilio:<module>:<Type>".
	Token() string
	// Schema describes the resource for the package schema and docs.
	Schema() schema.ResourceSpec
	Check(ctx context.Context, req p.CheckRequest) (p.CheckResponse, error)
	Diff(ctx context.Context, req p.DiffRequest) (p.DiffResponse, error)
	Create(ctx context.Context, api API, req p.CreateRequest) (p.CreateResponse, error)
	Read(ctx context.Context, api API, req p.ReadRequest) (p.ReadResponse, error)
	Update(ctx context.Context, api API, req p.UpdateRequest) (p.UpdateResponse, error)
	Delete(ctx context.Context, api API, req p.DeleteRequest) error
}

// typed is a Resource whose schema refers to types of its own.
type typed interface {
	Types() map[string]schema.ComplexTypeSpec
}

// complexTypes are the types a resource's schema refers to (nil: none).
func complexTypes(r Resource) map[string]schema.ComplexTypeSpec {
	if t, ok := r.(typed); ok {
		return t.Types()
	}
	return nil
}

// CatalogResources are the resource types of the model, in its order: one
// per createable catalog resource, and one per settings object.
func CatalogResources(m *spec.Model) []Resource {
	out := make([]Resource, 0, len(m.Resources))
	for _, r := range m.Resources {
		if r.Kind == spec.Settings {
			out = append(out, settings{generic{r: r}})
			continue
		}
		out = append(out, generic{r: r})
	}
	return out
}

// index keys the resources by token. A token registered twice is an error:
// the second registration would silently replace the first.
func index(resources []Resource) (map[string]Resource, error) {
	out := make(map[string]Resource, len(resources))
	for _, r := range resources {
		tok := r.Token()
		prev, dup := out[tok]
		switch {
		case !dup:
			out[tok] = r
		case isCatalog(prev) != isCatalog(r):
			return nil, fmt.Errorf("resource %s clashes with a catalog resource", tok)
		default:
			return nil, fmt.Errorf("resource %s is registered twice", tok)
		}
	}
	return out, nil
}

func isCatalog(r Resource) bool {
	switch r.(type) {
	case generic, settings:
		return true
	}
	return false
}
