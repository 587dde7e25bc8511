package provider

import (
	"context"
	"fmt"
	"maps"
	"sort"

	p "github.com/pulumi/pulumi-go-provider"
	"github.com/pulumi/pulumi/pkg/v3/codegen/schema"
	"github.com/pulumi/pulumi/sdk/v3/go/property"

	"github.com/tdeploy/twilio-deploy-action/internal/provider/spec"
)

// Function is one Pulumi function (a lookup a program calls with
// fn::invoke) the provider serves. Functions only read: the engine calls
// them in preview as in update, so Invoke must never write.
type Function interface {
	// Token is the function token: "twilio:<module>:get<Type>".
	Token() string
	// Schema describes the function's inputs and outputs.
	Schema() schema.FunctionSpec
	// Invoke runs the lookup with known arguments (the provider answers
	// unknown ones itself) and returns its outputs.
	Invoke(ctx context.Context, api API, args spec.Values) (property.Map, error)
}

// offline marks a function that reads nothing from Twilio: it runs with
// no API, before the provider's credentials are known.
type offline interface{ offline() }

// indexFunctions keys the functions by token; a token twice is an error.
func indexFunctions(fns []Function) (map[string]Function, error) {
	out := make(map[string]Function, len(fns))
	for _, f := range fns {
		if _, dup := out[f.Token()]; dup {
			return nil, fmt.Errorf("function %s is registered twice", f.Token())
		}
		out[f.Token()] = f
	}
	return out, nil
}

// invoke checks the arguments against the function's schema, then runs it.
// A preview may hold arguments that are not known yet (the SID of a
// workspace the update will create): the outputs are unknown then, and no
// request is made.
func (s *server) invoke(ctx context.Context, req p.InvokeRequest) (p.InvokeResponse, error) {
	f, ok := s.functions[string(req.Token)]
	if !ok {
		return p.InvokeResponse{}, fmt.Errorf("unknown function %s; see the provider's docs for the functions it offers", req.Token)
	}
	fs := f.Schema()
	if fails := checkArgs(fs, req.Args); len(fails) > 0 {
		return p.InvokeResponse{Failures: fails}, nil
	}
	args, _ := toValues(req.Args)
	for _, v := range args {
		if _, u := v.(spec.Unknown); u {
			return p.InvokeResponse{Return: unknownOutputs(fs)}, nil
		}
	}
	if _, ok := f.(offline); ok {
		out, err := f.Invoke(ctx, nil, args)
		if err != nil {
			return p.InvokeResponse{}, fmt.Errorf("%s: %w", f.Token(), err)
		}
		return p.InvokeResponse{Return: out}, nil
	}
	s.mu.RLock()
	api, unknown := s.api, s.unknown
	s.mu.RUnlock()
	if api == nil {
		if unknown {
			return p.InvokeResponse{Return: unknownOutputs(fs)}, nil
		}
		return p.InvokeResponse{}, fmt.Errorf("the twilio provider is not configured")
	}
	out, err := f.Invoke(ctx, api, args)
	if err != nil {
		return p.InvokeResponse{}, fmt.Errorf("%s: %w", f.Token(), err)
	}
	return p.InvokeResponse{Return: out}, nil
}

// checkArgs reports required arguments that are missing, arguments the
// function does not take (a misspelt filter would otherwise widen a list
// silently) and values of the wrong type.
func checkArgs(fs schema.FunctionSpec, args property.Map) []p.CheckFailure {
	var fails []p.CheckFailure
	if fs.Inputs == nil {
		return nil
	}
	for _, name := range fs.Inputs.Required {
		if v := args.Get(name); v.IsNull() {
			fails = append(fails, p.CheckFailure{Property: name, Reason: "required"})
		}
	}
	var extra []string
	for k := range args.All {
		if _, ok := fs.Inputs.Properties[k]; !ok {
			extra = append(extra, k)
		}
	}
	sort.Strings(extra)
	for _, k := range extra {
		fails = append(fails, p.CheckFailure{Property: k, Reason: "unknown argument; see the function's inputs"})
	}
	// The resources' type checker, on the inputs (lookups' inputs are
	// scalars: no named types).
	for k, v := range args.AllStable {
		if ps, ok := fs.Inputs.Properties[k]; ok {
			for _, msg := range (typeChecker{}).check(k, ps.TypeSpec, v, ps.Secret) {
				fails = append(fails, p.CheckFailure{Property: k, Reason: msg})
			}
		}
	}
	return fails
}

func unknownOutputs(fs schema.FunctionSpec) property.Map {
	out := map[string]property.Value{}
	if fs.Outputs != nil {
		for k := range fs.Outputs.Properties {
			out[k] = property.New(property.Computed)
		}
	}
	return property.NewMap(out)
}

// functionTypes are the types a function's schema refers to.
func functionTypes(f Function) map[string]schema.ComplexTypeSpec {
	if t, ok := f.(typed); ok {
		return t.Types()
	}
	return nil
}

// addFunctions puts the functions and their types into the package schema.
func addFunctions(ps *schema.PackageSpec, fns []Function) {
	if len(fns) == 0 {
		return
	}
	ps.Functions = map[string]schema.FunctionSpec{}
	for _, f := range fns {
		ps.Functions[f.Token()] = f.Schema()
		maps.Copy(ps.Types, functionTypes(f))
	}
}
