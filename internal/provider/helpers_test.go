package provider

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	p "github.com/pulumi/pulumi-go-provider"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/common/tokens"
	"github.com/pulumi/pulumi/sdk/v3/go/property"

	"github.com/tdeploy/twilio-deploy-action/internal/catalog"
	"github.com/tdeploy/twilio-deploy-action/internal/catalog/catalogtest"
	"github.com/tdeploy/twilio-deploy-action/internal/emulator"
	"github.com/tdeploy/twilio-deploy-action/internal/emulator/emulatortest"
	"github.com/tdeploy/twilio-deploy-action/internal/provider/spec"
)

// testModel is the spec model of the embedded catalog, built once (it is
// read only).
var testModel = sync.OnceValue(func() *spec.Model {
	m, err := spec.Build(catalog.MustLoad())
	if err != nil {
		panic(err)
	}
	return m
})

// builtin are this package's resources, as cmd/pulumi-resource-twilio
// registers them (less the Serverless deployment, which builds on this
// package).
func builtin() []Resource {
	return append(CatalogResources(testModel()), Subaccount{}, Adopt{Model: testModel()},
		PhoneNumber{Number: testModel().Resource("twilio:api/v2010:IncomingPhoneNumber")}, Safelist{})
}

// envFor is the environment a provider needs to talk to an emulator.
func envFor(env *emulatortest.Env) map[string]string {
	return map[string]string{
		"TWILIO_ACCOUNT_SID": env.AccountSID,
		"TWILIO_AUTH_TOKEN":  env.AuthToken,
		"TWILIO_API_URL":     env.URL,
	}
}

// configured is a provider server configured from env against an emulator.
func configured(t testing.TB, env *emulatortest.Env) *server {
	t.Helper()
	vars := envFor(env)
	s, err := newServer(Options{Resources: builtin(), Getenv: func(k string) string { return vars[k] }})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.configure(context.Background(), p.ConfigureRequest{Args: property.NewMap(nil)}); err != nil {
		t.Fatal(err)
	}
	return s
}

func urnOf(token, name string) resource.URN {
	return resource.NewURN("dev", "proj", "", tokens.Type(token), name)
}

// preflightRequests splits a preview's requests: the preflights' reads
// (Studio's Flow Validate) and the rest, which a preview must not send.
func preflightRequests(reqs []emulator.Request) (checks int, rest []emulator.Request) {
	for _, r := range reqs {
		if r.Method == "POST" && r.Host == "studio.twilio.com" && r.Path == "/v2/Flows/Validate" {
			checks++
			continue
		}
		rest = append(rest, r)
	}
	return checks, rest
}

// requestsSince returns the emulator's log entries after the first n.
// creator is what the lifecycle tests drive: a resource's Check and
// Create, as the plugin serves them.
type creator interface {
	Check(context.Context, p.CheckRequest) (p.CheckResponse, error)
	Create(context.Context, API, p.CreateRequest) (p.CreateResponse, error)
}

// previewCreate plays the engine's preview of a new resource, Check then
// a dry-run Create, and returns the requests that preview sent.
func previewCreate(t *testing.T, ctx context.Context, env *emulatortest.Env, api API, res creator, urn resource.URN, inputs property.Map) []emulator.Request {
	t.Helper()
	if chk, err := res.Check(ctx, p.CheckRequest{Urn: urn, Inputs: inputs}); err != nil || len(chk.Failures) > 0 {
		t.Fatalf("check: %v %v", err, chk.Failures)
	}
	n := len(env.Server.Requests())
	if _, err := res.Create(ctx, api, p.CreateRequest{Urn: urn, Properties: inputs, DryRun: true}); err != nil {
		t.Fatalf("preview create: %v", err)
	}
	return requestsSince(env, n)
}

func requestsSince(env *emulatortest.Env, n int) []emulator.Request {
	all := env.Server.Requests()
	if n > len(all) {
		return nil
	}
	return all[n:]
}

func summarize(reqs []emulator.Request) string {
	var b strings.Builder
	for _, r := range reqs {
		fmt.Fprintf(&b, "%s %s%s %d %v\n", r.Method, r.Host, r.Path, r.Status, r.Params)
	}
	return b.String()
}

// sample is a valid value for an input, as a program would write it.
func sample(in *spec.Input) any {
	return catalogtest.Sample(&catalog.Param{Name: in.Param, Type: in.Type, Items: in.Items, Format: in.Format, Enum: in.Enum})
}

var changeSeq atomic.Int64

// changed is another valid value for an input, or nil when there is none.
func changed(in *spec.Input, old any) any {
	if len(in.Enum) > 0 {
		for _, e := range in.Enum {
			if e != old && in.Type == "string" {
				return e
			}
		}
		return nil
	}
	switch in.Type {
	case "boolean":
		b, _ := old.(bool)
		return !b
	case "integer":
		return 8.0
	case "number":
		return 2.5
	case "object":
		return map[string]any{"k": "changed"}
	case "array":
		return nil
	}
	switch in.Format {
	case "uri":
		return "https://example.com/changed/" + strings.ToLower(in.Param)
	case "phone-number", "date-time", "http-method":
		return nil
	}
	return fmt.Sprintf("changed-%s-%d", strings.ToLower(in.Param), changeSeq.Add(1))
}

func tokenType(s string) tokens.Type { return tokens.Type(s) }
