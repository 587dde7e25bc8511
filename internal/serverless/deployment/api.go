package deployment

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"time"

	"github.com/tdeploy/twilio-deploy-action/internal/provider"
	"github.com/tdeploy/twilio-deploy-action/internal/serverless"
	"github.com/tdeploy/twilio-deploy-action/internal/twilio"
)

// providerAPI is serverless.API over the provider's configured API: its Do
// (package twilio underneath, with retries of 429/5xx, edge, region and the
// emulator override) for form requests, and its authenticated HTTP client
// for the multipart uploads twilio-go cannot send.
type providerAPI struct {
	api provider.API
}

var _ serverless.API = providerAPI{}

const host = "serverless.twilio.com"

func wrap(err error) error {
	if twilio.NotFound(err) {
		return fmt.Errorf("%w: %v", serverless.ErrNotFound, err)
	}
	return err
}

func (a providerAPI) do(ctx context.Context, method, path string, form url.Values, create bool) (map[string]any, error) {
	out, err := a.api.Do(ctx, provider.Request{Method: method, Host: host, Path: path, Form: form, Create: create})
	return out, wrap(err)
}

// lost runs a create, and when its answer was lost (Twilio may or may not
// have applied it: provider.ErrUnknownOutcome) looks for what it made by
// the name Twilio keeps unique, adopting it, or else sends it once more.
// Without find (a Version, Build or Deployment: the service's history, no
// name to find it by) it is sent once more: a second one is history too,
// not an orphan.
func lost[T any](create func() (T, error), find func() (T, bool, error)) (T, error) {
	v, err := create()
	if !errors.Is(err, provider.ErrUnknownOutcome) {
		return v, err
	}
	if find != nil {
		got, ok, ferr := find()
		if ferr != nil {
			return v, fmt.Errorf("%w; looking for what it made: %w", err, ferr)
		}
		if ok {
			return got, nil
		}
	}
	return create()
}

// list reads every item of a list.
func (a providerAPI) list(ctx context.Context, path, key string) ([]map[string]any, error) {
	var all []map[string]any
	for m, err := range twilio.Items(ctx, a.api, provider.Request{Host: host, Path: path}, key, twilio.MaxPageSize) {
		if err != nil {
			return nil, wrap(err)
		}
		all = append(all, m)
	}
	return all, nil
}

func s(m map[string]any, k string) string {
	v, _ := m[k].(string)
	return v
}

func (a providerAPI) FetchService(ctx context.Context, id string) (serverless.Service, error) {
	out, err := a.do(ctx, http.MethodGet, "/v1/Services/"+url.PathEscape(id), nil, false)
	if err != nil {
		return serverless.Service{}, err
	}
	return serverless.Service{SID: s(out, "sid"), UniqueName: s(out, "unique_name")}, nil
}

func (a providerAPI) CreateService(ctx context.Context, uniqueName, friendlyName string) (serverless.Service, error) {
	return lost(func() (serverless.Service, error) {
		out, err := a.do(ctx, http.MethodPost, "/v1/Services", url.Values{"UniqueName": {uniqueName}, "FriendlyName": {friendlyName}}, true)
		if err != nil {
			return serverless.Service{}, err
		}
		return serverless.Service{SID: s(out, "sid"), UniqueName: s(out, "unique_name")}, nil
	}, func() (serverless.Service, bool, error) {
		svc, err := a.FetchService(ctx, uniqueName)
		if errors.Is(err, serverless.ErrNotFound) {
			return svc, false, nil
		}
		return svc, err == nil, err
	})
}

func (a providerAPI) DeleteService(ctx context.Context, sid string) error {
	_, err := a.do(ctx, http.MethodDelete, "/v1/Services/"+sid, nil, false)
	return err
}

func environment(m map[string]any) serverless.Environment {
	return serverless.Environment{SID: s(m, "sid"), UniqueName: s(m, "unique_name"), DomainSuffix: s(m, "domain_suffix"),
		DomainName: s(m, "domain_name"), BuildSID: s(m, "build_sid")}
}

func (a providerAPI) ListEnvironments(ctx context.Context, svc string) ([]serverless.Environment, error) {
	items, err := a.list(ctx, "/v1/Services/"+svc+"/Environments", "environments")
	if err != nil {
		return nil, err
	}
	out := make([]serverless.Environment, 0, len(items))
	for _, it := range items {
		out = append(out, environment(it))
	}
	return out, nil
}

func (a providerAPI) CreateEnvironment(ctx context.Context, svc, uniqueName, suffix string) (serverless.Environment, error) {
	form := url.Values{"UniqueName": {uniqueName}}
	if suffix != "" {
		form.Set("DomainSuffix", suffix)
	}
	return lost(func() (serverless.Environment, error) {
		out, err := a.do(ctx, http.MethodPost, "/v1/Services/"+svc+"/Environments", form, true)
		if err != nil {
			return serverless.Environment{}, err
		}
		return environment(out), nil
	}, func() (serverless.Environment, bool, error) {
		envs, err := a.ListEnvironments(ctx, svc)
		for _, e := range envs {
			if e.UniqueName == uniqueName {
				return e, true, nil
			}
		}
		return serverless.Environment{}, false, err
	})
}

func (a providerAPI) DeleteEnvironment(ctx context.Context, svc, sid string) error {
	_, err := a.do(ctx, http.MethodDelete, "/v1/Services/"+svc+"/Environments/"+sid, nil, false)
	return err
}

func (a providerAPI) names(ctx context.Context, path, key string) (map[string]string, error) {
	items, err := a.list(ctx, path, key)
	if err != nil {
		return nil, err
	}
	out := make(map[string]string, len(items))
	for _, it := range items {
		out[s(it, "friendly_name")] = s(it, "sid")
	}
	return out, nil
}

func (a providerAPI) ListFunctions(ctx context.Context, svc string) (map[string]string, error) {
	return a.names(ctx, "/v1/Services/"+svc+"/Functions", "functions")
}

func (a providerAPI) ListAssets(ctx context.Context, svc string) (map[string]string, error) {
	return a.names(ctx, "/v1/Services/"+svc+"/Assets", "assets")
}

func (a providerAPI) CreateFunction(ctx context.Context, svc, name string) (string, error) {
	return a.createNamed(ctx, "/v1/Services/"+svc+"/Functions", "functions", name)
}

// createNamed creates a Function or an Asset, whose friendly name is
// unique in its service.
func (a providerAPI) createNamed(ctx context.Context, path, key, name string) (string, error) {
	return lost(func() (string, error) {
		out, err := a.do(ctx, http.MethodPost, path, url.Values{"FriendlyName": {name}}, true)
		return s(out, "sid"), err
	}, func() (string, bool, error) {
		names, err := a.names(ctx, path, key)
		sid, ok := names[name]
		return sid, ok, err
	})
}

func (a providerAPI) CreateAsset(ctx context.Context, svc, name string) (string, error) {
	return a.createNamed(ctx, "/v1/Services/"+svc+"/Assets", "assets", name)
}

func (a providerAPI) UploadFunctionVersion(ctx context.Context, svc, fn, p, vis string, content []byte) (string, error) {
	return a.upload(ctx, serverless.VersionsPath(serverless.KindFunction, svc, fn), p, vis, "application/javascript", content)
}

func (a providerAPI) UploadAssetVersion(ctx context.Context, svc, asset, p, vis, ctype string, content []byte) (string, error) {
	return a.upload(ctx, serverless.VersionsPath(serverless.KindAsset, svc, asset), p, vis, ctype, content)
}

func (a providerAPI) upload(ctx context.Context, path, p, vis, ctype string, content []byte) (string, error) {
	body, mpType, err := serverless.UploadForm(p, vis, ctype, content)
	if err != nil {
		return "", err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, "https://"+serverless.UploadHost+path, bytes.NewReader(body))
	if err != nil {
		return "", err
	}
	req.Header.Set("Content-Type", mpType)
	req.Header.Set("Accept", "application/json")
	resp, err := a.api.HTTPClient().Do(req)
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return "", fmt.Errorf("read response: %w", err)
	}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return "", wrap(twilio.ResponseError(resp.StatusCode, raw))
	}
	var v struct {
		Sid string `json:"sid"`
	}
	if err := json.Unmarshal(raw, &v); err != nil || v.Sid == "" {
		return "", errors.New("unexpected upload response: no sid")
	}
	return v.Sid, nil
}

func (a providerAPI) CreateBuild(ctx context.Context, svc string, b serverless.BuildSpec) (string, error) {
	form := url.Values{}
	for _, v := range b.FunctionVersions {
		form.Add("FunctionVersions", v)
	}
	for _, v := range b.AssetVersions {
		form.Add("AssetVersions", v)
	}
	if len(b.Dependencies) > 0 {
		deps, err := json.Marshal(b.Dependencies)
		if err != nil {
			return "", err
		}
		form.Set("Dependencies", string(deps))
	}
	if b.Runtime != "" {
		form.Set("Runtime", b.Runtime)
	}
	return lost(func() (string, error) {
		out, err := a.do(ctx, http.MethodPost, "/v1/Services/"+svc+"/Builds", form, true)
		return s(out, "sid"), err
	}, nil)
}

func (a providerAPI) FetchBuildStatus(ctx context.Context, svc, sid string) (string, error) {
	out, err := a.do(ctx, http.MethodGet, "/v1/Services/"+svc+"/Builds/"+sid+"/Status", nil, false)
	return s(out, "status"), err
}

func (a providerAPI) FetchBuild(ctx context.Context, svc, sid string) (serverless.Build, error) {
	out, err := a.do(ctx, http.MethodGet, "/v1/Services/"+svc+"/Builds/"+sid, nil, false)
	if err != nil {
		return serverless.Build{}, err
	}
	b := serverless.Build{SID: s(out, "sid"), Status: s(out, "status"), Runtime: s(out, "runtime"),
		FunctionVersions: count(out["function_versions"]), AssetVersions: count(out["asset_versions"]),
		Dependencies: dependencies(out["dependencies"])}
	// Twilio writes dates as RFC 3339 in its v1 APIs.
	b.Created, _ = time.Parse(time.RFC3339, s(out, "date_created"))
	b.Updated, _ = time.Parse(time.RFC3339, s(out, "date_updated"))
	return b, nil
}

func count(v any) int {
	l, _ := v.([]any)
	return len(l)
}

// dependencies reads a Build's dependencies: a list of {name, version}
// objects as Twilio returns them.
func dependencies(v any) []serverless.Dependency {
	l, _ := v.([]any)
	var out []serverless.Dependency
	for _, it := range l {
		if m, ok := it.(map[string]any); ok {
			out = append(out, serverless.Dependency{Name: s(m, "name"), Version: s(m, "version")})
		}
	}
	return out
}

func (a providerAPI) CreateDeployment(ctx context.Context, svc, env, build string) (string, error) {
	return lost(func() (string, error) {
		out, err := a.do(ctx, http.MethodPost, "/v1/Services/"+svc+"/Environments/"+env+"/Deployments", url.Values{"BuildSid": {build}}, true)
		return s(out, "sid"), err
	}, nil)
}

func (a providerAPI) ListVariables(ctx context.Context, svc, env string) (map[string]serverless.Variable, error) {
	items, err := a.list(ctx, "/v1/Services/"+svc+"/Environments/"+env+"/Variables", "variables")
	if err != nil {
		return nil, err
	}
	out := make(map[string]serverless.Variable, len(items))
	for _, it := range items {
		out[s(it, "key")] = serverless.Variable{SID: s(it, "sid"), Value: s(it, "value")}
	}
	return out, nil
}

func (a providerAPI) CreateVariable(ctx context.Context, svc, env, key, value string) (string, error) {
	return lost(func() (string, error) {
		out, err := a.do(ctx, http.MethodPost, "/v1/Services/"+svc+"/Environments/"+env+"/Variables", url.Values{"Key": {key}, "Value": {value}}, true)
		return s(out, "sid"), err
	}, func() (string, bool, error) {
		vars, err := a.ListVariables(ctx, svc, env) // a key is unique in its environment
		v, ok := vars[key]
		return v.SID, ok, err
	})
}

func (a providerAPI) UpdateVariable(ctx context.Context, svc, env, sid, value string) error {
	_, err := a.do(ctx, http.MethodPost, "/v1/Services/"+svc+"/Environments/"+env+"/Variables/"+sid, url.Values{"Value": {value}}, false)
	return err
}

func (a providerAPI) DeleteVariable(ctx context.Context, svc, env, sid string) error {
	_, err := a.do(ctx, http.MethodDelete, "/v1/Services/"+svc+"/Environments/"+env+"/Variables/"+sid, nil, false)
	return err
}
