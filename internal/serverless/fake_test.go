package serverless

import (
	"context"
	"fmt"
	"maps"
	"sync"
)

// fakeAPI is an in-memory Serverless API that counts calls by method.
// Builds complete after buildPolls status fetches, or fail when failBuild.
type fakeAPI struct {
	mu         sync.Mutex
	seq        int
	calls      map[string]int
	services   map[string]Service // by SID
	envs       map[string][]Environment
	functions  map[string]map[string]string // service -> name -> SID
	assets     map[string]map[string]string
	versions   map[string][]byte              // version SID -> content
	vars       map[string]map[string]Variable // env SID -> key -> var
	builds     map[string]BuildSpec
	polls      map[string]int
	buildPolls int
	failBuild  bool
	deployed   map[string]string // env SID -> build SID
}

var _ API = (*fakeAPI)(nil)

func newFake() *fakeAPI {
	return &fakeAPI{
		calls: map[string]int{}, services: map[string]Service{}, envs: map[string][]Environment{},
		functions: map[string]map[string]string{}, assets: map[string]map[string]string{},
		versions: map[string][]byte{}, vars: map[string]map[string]Variable{},
		builds: map[string]BuildSpec{}, polls: map[string]int{}, deployed: map[string]string{},
	}
}

func (f *fakeAPI) sid(prefix string) string {
	f.seq++
	return fmt.Sprintf("%s%032x", prefix, f.seq)
}

func (f *fakeAPI) count(m string) {
	f.calls[m]++
}

func (f *fakeAPI) writes() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	n := 0
	for m, c := range f.calls {
		if len(m) > 6 && (m[:6] == "Create" || m[:6] == "Upload" || m[:6] == "Update" || m[:6] == "Delete") {
			n += c
		}
	}
	return n
}

func (f *fakeAPI) n(m string) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.calls[m]
}

func (f *fakeAPI) reset() {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls = map[string]int{}
}

func (f *fakeAPI) FetchService(_ context.Context, id string) (Service, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.count("FetchService")
	for _, s := range f.services {
		if s.SID == id || s.UniqueName == id {
			return s, nil
		}
	}
	return Service{}, fmt.Errorf("service %s: %w", id, ErrNotFound)
}

func (f *fakeAPI) CreateService(_ context.Context, name, _ string) (Service, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.count("CreateService")
	s := Service{SID: f.sid("ZS"), UniqueName: name}
	f.services[s.SID] = s
	return s, nil
}

func (f *fakeAPI) DeleteService(_ context.Context, sid string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.count("DeleteService")
	if _, ok := f.services[sid]; !ok {
		return ErrNotFound
	}
	delete(f.services, sid)
	return nil
}

func (f *fakeAPI) ListEnvironments(_ context.Context, svc string) ([]Environment, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.count("ListEnvironments")
	if _, ok := f.services[svc]; !ok {
		return nil, ErrNotFound
	}
	out := append([]Environment(nil), f.envs[svc]...)
	for i := range out {
		out[i].BuildSID = f.deployed[out[i].SID]
	}
	return out, nil
}

func (f *fakeAPI) CreateEnvironment(_ context.Context, svc, unique, suffix string) (Environment, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.count("CreateEnvironment")
	dom := f.services[svc].UniqueName + "-1234"
	if suffix != "" {
		dom += "-" + suffix
	}
	e := Environment{SID: f.sid("ZE"), UniqueName: unique, DomainSuffix: suffix, DomainName: dom + ".twil.io"}
	f.envs[svc] = append(f.envs[svc], e)
	return e, nil
}

func (f *fakeAPI) DeleteEnvironment(_ context.Context, svc, sid string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.count("DeleteEnvironment")
	for i, e := range f.envs[svc] {
		if e.SID == sid {
			f.envs[svc] = append(f.envs[svc][:i], f.envs[svc][i+1:]...)
			return nil
		}
	}
	return ErrNotFound
}

func (f *fakeAPI) ListFunctions(_ context.Context, svc string) (map[string]string, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.count("ListFunctions")
	return maps.Clone(f.functions[svc]), nil
}

func (f *fakeAPI) CreateFunction(_ context.Context, svc, name string) (string, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.count("CreateFunction")
	if f.functions[svc] == nil {
		f.functions[svc] = map[string]string{}
	}
	s := f.sid("ZH")
	f.functions[svc][name] = s
	return s, nil
}

func (f *fakeAPI) ListAssets(_ context.Context, svc string) (map[string]string, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.count("ListAssets")
	return maps.Clone(f.assets[svc]), nil
}

func (f *fakeAPI) CreateAsset(_ context.Context, svc, name string) (string, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.count("CreateAsset")
	if f.assets[svc] == nil {
		f.assets[svc] = map[string]string{}
	}
	s := f.sid("ZH")
	f.assets[svc][name] = s
	return s, nil
}

func (f *fakeAPI) UploadFunctionVersion(_ context.Context, _, _, _, _ string, content []byte) (string, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.count("UploadFunctionVersion")
	s := f.sid("ZN")
	f.versions[s] = content
	return s, nil
}

func (f *fakeAPI) UploadAssetVersion(_ context.Context, _, _, _, _, _ string, content []byte) (string, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.count("UploadAssetVersion")
	s := f.sid("ZN")
	f.versions[s] = content
	return s, nil
}

func (f *fakeAPI) CreateBuild(_ context.Context, _ string, b BuildSpec) (string, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.count("CreateBuild")
	s := f.sid("ZB")
	f.builds[s] = b
	return s, nil
}

func (f *fakeAPI) FetchBuildStatus(_ context.Context, _, sid string) (string, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.count("FetchBuildStatus")
	f.polls[sid]++
	switch {
	case f.polls[sid] <= f.buildPolls:
		return "building", nil
	case f.failBuild:
		return "failed", nil
	}
	return "completed", nil
}

func (f *fakeAPI) FetchBuild(_ context.Context, _, sid string) (Build, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.count("FetchBuild")
	b, ok := f.builds[sid]
	if !ok {
		return Build{}, fmt.Errorf("build %s: %w", sid, ErrNotFound)
	}
	status := "completed"
	if f.failBuild {
		status = "failed"
	}
	return Build{SID: sid, Status: status, Runtime: b.Runtime, Dependencies: b.Dependencies,
		FunctionVersions: len(b.FunctionVersions), AssetVersions: len(b.AssetVersions)}, nil
}

func (f *fakeAPI) CreateDeployment(_ context.Context, _, env, build string) (string, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.count("CreateDeployment")
	f.deployed[env] = build
	return f.sid("ZD"), nil
}

func (f *fakeAPI) ListVariables(_ context.Context, _, env string) (map[string]Variable, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.count("ListVariables")
	return maps.Clone(f.vars[env]), nil
}

func (f *fakeAPI) CreateVariable(_ context.Context, _, env, key, value string) (string, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.count("CreateVariable")
	if f.vars[env] == nil {
		f.vars[env] = map[string]Variable{}
	}
	s := f.sid("ZV")
	f.vars[env][key] = Variable{SID: s, Value: value}
	return s, nil
}

func (f *fakeAPI) UpdateVariable(_ context.Context, _, env, sid, value string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.count("UpdateVariable")
	for k, v := range f.vars[env] {
		if v.SID == sid {
			f.vars[env][k] = Variable{SID: sid, Value: value}
			return nil
		}
	}
	return ErrNotFound
}

func (f *fakeAPI) DeleteVariable(_ context.Context, _, env, sid string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.count("DeleteVariable")
	for k, v := range f.vars[env] {
		if v.SID == sid {
			delete(f.vars[env], k)
			return nil
		}
	}
	return ErrNotFound
}
