// Package twilioapi implements serverless.API on twilio-go.
//
// twilio-go's generated ServerlessV1 client cannot send multipart content,
// so version uploads POST multipart/form-data to
// serverless-upload.twilio.com with the same client's HTTP client and
// credentials (basic auth), and the same edge and region. Everything else
// goes through the generated client.
package twilioapi

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"

	twclient "github.com/twilio/twilio-go/client"
	slv1 "github.com/twilio/twilio-go/rest/serverless/v1"

	"github.com/tdeploy/twilio-deploy-action/internal/serverless"
)

// API is serverless.API on a twilio-go request handler.
type API struct {
	rh  *twclient.RequestHandler
	c   *twclient.Client
	svc *slv1.ApiService
}

var _ serverless.API = (*API)(nil)

// New returns the API for rh, whose Client must be a *client.Client (for
// the upload's HTTP client and basic-auth credentials).
func New(rh *twclient.RequestHandler) (*API, error) {
	c, ok := rh.Client.(*twclient.Client)
	if !ok {
		return nil, fmt.Errorf("serverless uploads need a *client.Client, got %T", rh.Client)
	}
	return &API{rh: rh, c: c, svc: slv1.NewApiService(rh)}, nil
}

// wrap marks Twilio's 404 as serverless.ErrNotFound and keeps Twilio's
// code, message and more_info in the text.
func wrap(err error) error {
	if err == nil {
		return nil
	}
	var te *twclient.TwilioRestError
	if errors.As(err, &te) && te.Status == http.StatusNotFound {
		return fmt.Errorf("%w: %s", serverless.ErrNotFound, restErrorText(te))
	}
	if errors.As(err, &te) {
		return errors.New(restErrorText(te))
	}
	return err
}

func restErrorText(te *twclient.TwilioRestError) string {
	s := fmt.Sprintf("Twilio error %d (HTTP %d): %s", te.Code, te.Status, te.Message)
	if te.MoreInfo != "" {
		s += " (" + te.MoreInfo + ")"
	}
	return s
}

func str(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}

// FetchService implements serverless.API.
func (a *API) FetchService(ctx context.Context, id string) (serverless.Service, error) {
	if err := ctx.Err(); err != nil {
		return serverless.Service{}, err
	}
	s, err := a.svc.FetchService(id)
	if err != nil {
		return serverless.Service{}, wrap(err)
	}
	return serverless.Service{SID: str(s.Sid), UniqueName: str(s.UniqueName)}, nil
}

// CreateService implements serverless.API.
func (a *API) CreateService(ctx context.Context, uniqueName, friendlyName string) (serverless.Service, error) {
	if err := ctx.Err(); err != nil {
		return serverless.Service{}, err
	}
	p := &slv1.CreateServiceParams{}
	p.SetUniqueName(uniqueName).SetFriendlyName(friendlyName)
	s, err := a.svc.CreateService(p)
	if err != nil {
		return serverless.Service{}, wrap(err)
	}
	return serverless.Service{SID: str(s.Sid), UniqueName: str(s.UniqueName)}, nil
}

// DeleteService implements serverless.API.
func (a *API) DeleteService(ctx context.Context, sid string) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	return wrap(a.svc.DeleteService(sid))
}

// ListEnvironments implements serverless.API.
func (a *API) ListEnvironments(ctx context.Context, svc string) ([]serverless.Environment, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	envs, err := a.svc.ListEnvironment(svc, (&slv1.ListEnvironmentParams{}).SetPageSize(100))
	if err != nil {
		return nil, wrap(err)
	}
	out := make([]serverless.Environment, 0, len(envs))
	for _, e := range envs {
		out = append(out, environment(e))
	}
	return out, nil
}

func environment(e slv1.ServerlessV1Environment) serverless.Environment {
	return serverless.Environment{
		SID: str(e.Sid), UniqueName: str(e.UniqueName), DomainSuffix: str(e.DomainSuffix),
		DomainName: str(e.DomainName), BuildSID: str(e.BuildSid),
	}
}

// CreateEnvironment implements serverless.API.
func (a *API) CreateEnvironment(ctx context.Context, svc, uniqueName, suffix string) (serverless.Environment, error) {
	if err := ctx.Err(); err != nil {
		return serverless.Environment{}, err
	}
	p := (&slv1.CreateEnvironmentParams{}).SetUniqueName(uniqueName)
	if suffix != "" {
		p.SetDomainSuffix(suffix)
	}
	e, err := a.svc.CreateEnvironment(svc, p)
	if err != nil {
		return serverless.Environment{}, wrap(err)
	}
	return environment(*e), nil
}

// DeleteEnvironment implements serverless.API.
func (a *API) DeleteEnvironment(ctx context.Context, svc, sid string) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	return wrap(a.svc.DeleteEnvironment(svc, sid))
}

// ListFunctions implements serverless.API.
func (a *API) ListFunctions(ctx context.Context, svc string) (map[string]string, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	fns, err := a.svc.ListFunction(svc, (&slv1.ListFunctionParams{}).SetPageSize(100))
	if err != nil {
		return nil, wrap(err)
	}
	out := make(map[string]string, len(fns))
	for _, f := range fns {
		out[str(f.FriendlyName)] = str(f.Sid)
	}
	return out, nil
}

// CreateFunction implements serverless.API.
func (a *API) CreateFunction(ctx context.Context, svc, name string) (string, error) {
	if err := ctx.Err(); err != nil {
		return "", err
	}
	f, err := a.svc.CreateFunction(svc, (&slv1.CreateFunctionParams{}).SetFriendlyName(name))
	if err != nil {
		return "", wrap(err)
	}
	return str(f.Sid), nil
}

// ListAssets implements serverless.API.
func (a *API) ListAssets(ctx context.Context, svc string) (map[string]string, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	as, err := a.svc.ListAsset(svc, (&slv1.ListAssetParams{}).SetPageSize(100))
	if err != nil {
		return nil, wrap(err)
	}
	out := make(map[string]string, len(as))
	for _, x := range as {
		out[str(x.FriendlyName)] = str(x.Sid)
	}
	return out, nil
}

// CreateAsset implements serverless.API.
func (a *API) CreateAsset(ctx context.Context, svc, name string) (string, error) {
	if err := ctx.Err(); err != nil {
		return "", err
	}
	x, err := a.svc.CreateAsset(svc, (&slv1.CreateAssetParams{}).SetFriendlyName(name))
	if err != nil {
		return "", wrap(err)
	}
	return str(x.Sid), nil
}

// UploadFunctionVersion implements serverless.API.
func (a *API) UploadFunctionVersion(ctx context.Context, svc, fn, p, vis string, content []byte) (string, error) {
	return a.upload(ctx, serverless.VersionsPath(serverless.KindFunction, svc, fn), p, vis, "application/javascript", content)
}

// UploadAssetVersion implements serverless.API.
func (a *API) UploadAssetVersion(ctx context.Context, svc, asset, p, vis, ctype string, content []byte) (string, error) {
	return a.upload(ctx, serverless.VersionsPath(serverless.KindAsset, svc, asset), p, vis, ctype, content)
}

func (a *API) upload(ctx context.Context, urlPath, p, vis, ctype string, content []byte) (string, error) {
	body, mpType, err := serverless.UploadForm(p, vis, ctype, content)
	if err != nil {
		return "", err
	}
	u, err := a.rh.BuildUrl("https://" + serverless.UploadHost + urlPath) // applies edge and region
	if err != nil {
		return "", fmt.Errorf("upload URL: %w", err)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, u, bytes.NewReader(body))
	if err != nil {
		return "", err
	}
	req.Header.Set("Content-Type", mpType)
	req.Header.Set("Accept", "application/json")
	if a.c.OAuth() != nil || a.c.Credentials == nil || a.c.Username == "" {
		return "", errors.New("serverless uploads need an account SID and auth token or an API key and secret")
	}
	req.SetBasicAuth(a.c.Username, a.c.Password)
	hc := a.c.HTTPClient
	if hc == nil {
		hc = http.DefaultClient
	}
	resp, err := hc.Do(req)
	if err != nil {
		return "", fmt.Errorf("upload %s: %w", p, err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return "", fmt.Errorf("upload %s: read response: %w", p, err)
	}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		te := &twclient.TwilioRestError{}
		if json.Unmarshal(raw, te) != nil || te.Status == 0 {
			te.Status, te.Message = resp.StatusCode, strings.TrimSpace(string(raw))
		}
		return "", wrap(te)
	}
	var v struct {
		Sid string `json:"sid"`
	}
	if err := json.Unmarshal(raw, &v); err != nil || v.Sid == "" {
		return "", fmt.Errorf("upload %s: unexpected response %.200q", p, raw)
	}
	return v.Sid, nil
}

// CreateBuild implements serverless.API.
func (a *API) CreateBuild(ctx context.Context, svc string, b serverless.BuildSpec) (string, error) {
	if err := ctx.Err(); err != nil {
		return "", err
	}
	p := &slv1.CreateBuildParams{}
	if len(b.FunctionVersions) > 0 {
		p.SetFunctionVersions(b.FunctionVersions)
	}
	if len(b.AssetVersions) > 0 {
		p.SetAssetVersions(b.AssetVersions)
	}
	if len(b.Dependencies) > 0 {
		deps, err := json.Marshal(b.Dependencies)
		if err != nil {
			return "", err
		}
		p.SetDependencies(string(deps))
	}
	if b.Runtime != "" {
		p.SetRuntime(b.Runtime)
	}
	bd, err := a.svc.CreateBuild(svc, p)
	if err != nil {
		return "", wrap(err)
	}
	return str(bd.Sid), nil
}

// FetchBuildStatus implements serverless.API.
func (a *API) FetchBuildStatus(ctx context.Context, svc, sid string) (string, error) {
	if err := ctx.Err(); err != nil {
		return "", err
	}
	s, err := a.svc.FetchBuildStatus(svc, sid)
	if err != nil {
		return "", wrap(err)
	}
	return str(s.Status), nil
}

// CreateDeployment implements serverless.API.
func (a *API) CreateDeployment(ctx context.Context, svc, env, build string) (string, error) {
	if err := ctx.Err(); err != nil {
		return "", err
	}
	d, err := a.svc.CreateDeployment(svc, env, (&slv1.CreateDeploymentParams{}).SetBuildSid(build))
	if err != nil {
		return "", wrap(err)
	}
	return str(d.Sid), nil
}

// ListVariables implements serverless.API.
func (a *API) ListVariables(ctx context.Context, svc, env string) (map[string]serverless.Variable, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	vs, err := a.svc.ListVariable(svc, env, (&slv1.ListVariableParams{}).SetPageSize(100))
	if err != nil {
		return nil, wrap(err)
	}
	out := make(map[string]serverless.Variable, len(vs))
	for _, v := range vs {
		out[str(v.Key)] = serverless.Variable{SID: str(v.Sid), Value: str(v.Value)}
	}
	return out, nil
}

// CreateVariable implements serverless.API.
func (a *API) CreateVariable(ctx context.Context, svc, env, key, value string) (string, error) {
	if err := ctx.Err(); err != nil {
		return "", err
	}
	v, err := a.svc.CreateVariable(svc, env, (&slv1.CreateVariableParams{}).SetKey(key).SetValue(value))
	if err != nil {
		return "", wrap(err)
	}
	return str(v.Sid), nil
}

// UpdateVariable implements serverless.API.
func (a *API) UpdateVariable(ctx context.Context, svc, env, sid, value string) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	_, err := a.svc.UpdateVariable(svc, env, sid, (&slv1.UpdateVariableParams{}).SetValue(value))
	return wrap(err)
}

// DeleteVariable implements serverless.API.
func (a *API) DeleteVariable(ctx context.Context, svc, env, sid string) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	return wrap(a.svc.DeleteVariable(svc, env, sid))
}
