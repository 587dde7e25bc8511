package provider

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"sync"
	"time"

	p "github.com/pulumi/pulumi-go-provider"
	"github.com/pulumi/pulumi/pkg/v3/codegen/schema"
	"github.com/pulumi/pulumi/sdk/v3/go/common/tokens"

	"github.com/tdeploy/twilio-deploy-action/internal/grace"
	"github.com/tdeploy/twilio-deploy-action/internal/twilio/wait"
)

// DefaultVersion is the plugin version when the build does not set one.
const DefaultVersion = "0.1.0"

// Options build a provider.
type Options struct {
	Version string // DefaultVersion when empty
	// Getenv reads the environment for configuration (os.Getenv in the
	// plugin); required.
	Getenv func(string) string
	// Resources are the resource types the provider serves, each under its
	// Token; none means a provider that serves none. The plugin's list is
	// in cmd/pulumi-resource-twilio.
	Resources []Resource
	// Functions are the lookups the provider serves (fn::invoke), each
	// under its Token.
	Functions []Function
	// Transport is the innermost HTTP transport (nil: a pooled default).
	Transport http.RoundTripper

	// sleep replaces the retry wait in tests.
	sleep func(context.Context, time.Duration) error
}

// server holds the provider's resources and, once configured, its API.
type server struct {
	opts      Options
	resources map[string]Resource // by token
	functions map[string]Function // by token

	mu      sync.RWMutex
	api     API
	unknown bool // configured with values not known yet (preview)

	schemaOnce sync.Once
	schema     string
	schemaErr  error

	inputTypes sync.Map // type token -> inputTypes, built on first Check

	stopped context.Context // done once the engine called Cancel
	stop    context.CancelFunc

	interrupted interrupted // InterruptedCreatesEnv
}

// drain is how long a request already sent may still take once the engine
// cancelled the run: its answer is worth hearing (an answered create is
// in the state, one cut off is an unknown outcome), but not past the run's
// grace (package grace: the engine, the CLI and the action share 6 s).
const drain = 2 * time.Second

// cancel is the engine's Cancel (SignalCancellation, sent as soon as the
// run is cancelled): every wait for a retry ends at once, and requests in
// flight get drain to answer. The engine waits for the operations in
// flight before it saves the state and releases the stack, so without it
// a Retry-After of 30 s outlasts GitHub's 7.5 s and the stack stays
// locked.
func (s *server) cancel(context.Context) error {
	s.stop()
	return nil
}

// bind ties an operation to the engine's Cancel (see cancel).
func (s *server) bind(ctx context.Context) (context.Context, context.CancelFunc) {
	ctx, cancel := context.WithCancel(wait.WithStop(ctx, s.stopped.Done()))
	stop := grace.CancelAfter(s.stopped, func() time.Duration { return drain }, cancel)
	return ctx, func() {
		stop()
		cancel()
	}
}

// New builds the provider.
func New(opts Options) (p.Provider, error) {
	s, err := newServer(opts)
	if err != nil {
		return p.Provider{}, err
	}
	return s.provider(), nil
}

func newServer(opts Options) (*server, error) {
	if opts.Version == "" {
		opts.Version = DefaultVersion
	}
	if opts.Getenv == nil {
		return nil, errors.New("provider options: Getenv is nil; pass os.Getenv to read the process environment")
	}
	resources, err := index(opts.Resources)
	if err != nil {
		return nil, err
	}
	functions, err := indexFunctions(opts.Functions)
	if err != nil {
		return nil, err
	}
	stopped, stop := context.WithCancel(context.Background())
	return &server{opts: opts, resources: resources, functions: functions, stopped: stopped, stop: stop}, nil
}

func (s *server) provider() p.Provider {
	return p.Provider{
		GetSchema: s.getSchema,
		Configure: s.configure,
		Cancel:    s.cancel,
		Check: func(ctx context.Context, req p.CheckRequest) (p.CheckResponse, error) {
			ctx, done := s.bind(ctx)
			defer done()
			return s.check(ctx, req)
		},
		Invoke: func(ctx context.Context, req p.InvokeRequest) (p.InvokeResponse, error) {
			ctx, done := s.bind(ctx)
			defer done()
			return s.invoke(ctx, req)
		},
		Diff: func(ctx context.Context, req p.DiffRequest) (p.DiffResponse, error) {
			r, err := s.resource(req.Urn.Type())
			if err != nil {
				return p.DiffResponse{}, err
			}
			return r.Diff(ctx, req)
		},
		Create: func(ctx context.Context, req p.CreateRequest) (p.CreateResponse, error) {
			ctx, done := s.bind(ctx)
			defer done()
			if since, ok := s.interrupted.lookup(s.opts.Getenv, string(req.Urn)); ok {
				ctx = withInterrupted(ctx, since)
			}
			r, api, err := s.resourceAPI(req.Urn.Type(), req.DryRun)
			if err != nil {
				return p.CreateResponse{}, err
			}
			return r.Create(ctx, api, req)
		},
		Read: func(ctx context.Context, req p.ReadRequest) (p.ReadResponse, error) {
			ctx, done := s.bind(ctx)
			defer done()
			r, api, err := s.resourceAPI(req.Urn.Type(), false)
			if err != nil {
				return p.ReadResponse{}, err
			}
			return r.Read(ctx, api, req)
		},
		Update: func(ctx context.Context, req p.UpdateRequest) (p.UpdateResponse, error) {
			ctx, done := s.bind(ctx)
			defer done()
			r, api, err := s.resourceAPI(req.Urn.Type(), req.DryRun)
			if err != nil {
				return p.UpdateResponse{}, err
			}
			return r.Update(ctx, api, req)
		},
		Delete: func(ctx context.Context, req p.DeleteRequest) error {
			ctx, done := s.bind(ctx)
			defer done()
			r, api, err := s.resourceAPI(req.Urn.Type(), false)
			if err != nil {
				return err
			}
			return r.Delete(ctx, api, req)
		},
	}
}

// check type-checks the inputs against the resource's schema, then runs the
// resource's own Check. A resource's Check may not cope with a value of the
// wrong type (the Deployment decodes its inputs into Go types), so its error
// gives way to the type failures that explain it.
func (s *server) check(ctx context.Context, req p.CheckRequest) (p.CheckResponse, error) {
	r, err := s.resource(req.Urn.Type())
	if err != nil {
		return p.CheckResponse{}, err
	}
	it := s.typesOf(string(req.Urn.Type()), r)
	fails := it.checker.checkInputs(it.spec, req.Inputs)
	resp, err := r.Check(ctx, req)
	if len(fails) == 0 {
		return resp, err
	}
	if err != nil {
		return p.CheckResponse{Inputs: req.Inputs, Failures: fails}, nil
	}
	resp.Failures = append(fails, resp.Failures...)
	return resp, nil
}

// inputTypes is what type-checking a resource's inputs needs.
type inputTypes struct {
	spec    schema.ResourceSpec
	checker typeChecker
}

func (s *server) typesOf(token string, r Resource) inputTypes {
	if v, ok := s.inputTypes.Load(token); ok {
		return v.(inputTypes)
	}
	it := inputTypes{spec: r.Schema(), checker: typeChecker{types: complexTypes(r)}}
	s.inputTypes.Store(token, it)
	return it
}

func (s *server) resource(t tokens.Type) (Resource, error) {
	r, ok := s.resources[string(t)]
	if !ok {
		return nil, fmt.Errorf("unknown resource type %s; see the provider's docs for the resource types it offers", t)
	}
	return r, nil
}

// resourceAPI returns the resource and the configured API. In preview the
// API may be unknown (credentials from resources not created yet); the
// resources make no requests then.
func (s *server) resourceAPI(t tokens.Type, preview bool) (Resource, API, error) {
	r, err := s.resource(t)
	if err != nil {
		return nil, nil, err
	}
	s.mu.RLock()
	api, unknown := s.api, s.unknown
	s.mu.RUnlock()
	if api == nil && !(preview && unknown) {
		return nil, nil, fmt.Errorf("the twilio provider is not configured")
	}
	if api == nil {
		api = unconfigured{}
	}
	return r, api, nil
}

func (s *server) getSchema(context.Context, p.GetSchemaRequest) (p.GetSchemaResponse, error) {
	s.schemaOnce.Do(func() {
		b, err := json.Marshal(packageSchema(s.opts.Version, s.opts.Resources, s.opts.Functions...))
		s.schema, s.schemaErr = string(b), err
	})
	return p.GetSchemaResponse{Schema: s.schema}, s.schemaErr
}

func (s *server) configure(_ context.Context, req p.ConfigureRequest) error {
	settings := map[string]string{}
	unknown := false
	for _, k := range ConfigKeys {
		v, ok := req.Args.GetOk(k.Key)
		switch {
		case !ok || v.IsNull():
		case v.IsComputed():
			unknown = true
		case v.IsString():
			settings[k.Key] = v.AsString()
		default:
			return fmt.Errorf("twilio:%s must be a string", k.Key)
		}
	}
	if len(settings) == 0 && req.Args.Len() == 0 {
		// Engines that send only the legacy variables ("twilio:config:accountSid").
		for _, k := range ConfigKeys {
			if v, ok := req.Variables["twilio:config:"+k.Key]; ok {
				settings[k.Key] = v
			}
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if unknown {
		s.unknown = true
		return nil
	}
	cfg, err := ResolveConfig(settings, s.opts.Getenv)
	if err != nil {
		return err
	}
	api, err := newAPI(cfg, s.opts.Transport, s.opts.sleep)
	if err != nil {
		return err
	}
	s.api = api
	return nil
}

// unconfigured stands in for the API in a preview whose credentials are not
// known yet; previews make no requests, so any use is a bug.
type unconfigured struct{}

func (unconfigured) Do(context.Context, Request) (map[string]any, error) {
	return nil, fmt.Errorf("the twilio provider's credentials are not known yet (preview)")
}
func (unconfigured) AccountSID() string { return "" }
func (unconfigured) HTTPClient() *http.Client {
	return &http.Client{Transport: unconfiguredTransport{}}
}

type unconfiguredTransport struct{}

func (unconfiguredTransport) RoundTrip(*http.Request) (*http.Response, error) {
	return nil, fmt.Errorf("the twilio provider's credentials are not known yet (preview)")
}
