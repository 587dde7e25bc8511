package serverless

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"time"

	"github.com/tdeploy/twilio-deploy-action/internal/twilio/wait"
)

// Deployer runs the deploy sequence Twilio requires over an API.
type Deployer struct {
	API API
	// Parallelism bounds concurrent uploads and resource creations (16
	// when zero; the provider's transport retries a 429 with backoff).
	Parallelism int
	// Poll is how the build status is polled.
	Poll Poll
	// Logf reports progress; it is never given a variable's value.
	Logf func(format string, args ...any)
	// ReadFile reads a project file for upload; nil means os.ReadFile.
	ReadFile func(name string) ([]byte, error)
	// sleep waits; tests replace it.
	sleep func(context.Context, time.Duration) error
}

// Poll configures build polling: the first wait is Initial, each next one
// is 1.5 times longer up to Max, and the build fails after Timeout.
type Poll struct {
	Initial, Max, Timeout time.Duration
}

func (p Poll) withDefaults() Poll {
	if p.Initial <= 0 {
		p.Initial = 500 * time.Millisecond
	}
	if p.Max <= 0 {
		p.Max = 5 * time.Second
	}
	if p.Timeout <= 0 {
		p.Timeout = 10 * time.Minute
	}
	return p
}

func (d *Deployer) logf(format string, args ...any) {
	if d.Logf != nil {
		d.Logf(format, args...)
	}
}

func (d *Deployer) parallelism() int {
	if d.Parallelism > 0 {
		return d.Parallelism
	}
	return 16
}

// Deploy brings the deployment to want, starting from prev (nil for a new
// one), and returns the new state. Steps: service (reused by unique name)
// -> environment (reused by domain suffix) -> a Function or Asset per path
// (reused by friendly name, which is the path, as the Toolkit does) ->
// versions for added and changed files only -> build, polled until it
// completes -> variables -> deployment. Variables are set before the
// deployment so that new code starts with the variables it expects.
//
// An unchanged deployment makes no call at all. Every step looks up what
// a failed earlier run may have created, so running again after a failure
// is safe.
func (d *Deployer) Deploy(ctx context.Context, want Desired, prev *State) (*State, error) {
	plan := MakePlan(prev, want)
	st := &State{}
	if prev != nil {
		*st = *prev
		st.Files = maps.Clone(prev.Files)
		st.Variables = maps.Clone(prev.Variables)
	}
	if st.Files == nil {
		st.Files = map[string]Deployed{}
	}
	if st.Variables == nil {
		st.Variables = map[string]Variable{}
	}
	if prev != nil && prev.ServiceSID != "" && prev.EnvironmentSID != "" && plan.NoChange() {
		return st, nil
	}
	if err := d.ensureService(ctx, st, want.ServiceName); err != nil {
		return nil, err
	}
	created, err := d.ensureEnvironment(ctx, st, want.DomainSuffix)
	if err != nil {
		return nil, err
	}
	if created {
		// A new environment holds no variables and no deployment.
		plan.SetVariables = slices.Sorted(maps.Keys(want.Variables))
		plan.DeleteVariables = nil
		plan.Deploy = true
	}
	byPath := make(map[string]File, len(want.Files))
	for _, f := range want.Files {
		byPath[f.Path] = f
	}
	if err := d.upload(ctx, st, want.Dir, plan, byPath); err != nil {
		return nil, err
	}
	for _, p := range plan.Removed {
		delete(st.Files, p)
	}
	if plan.Build {
		spec := BuildSpec{Runtime: want.Runtime, Dependencies: want.Dependencies}
		for _, p := range slices.Sorted(maps.Keys(st.Files)) {
			f := st.Files[p]
			if f.Kind == KindFunction {
				spec.FunctionVersions = append(spec.FunctionVersions, f.VersionSID)
			} else {
				spec.AssetVersions = append(spec.AssetVersions, f.VersionSID)
			}
		}
		// What a failed build is reported with: the changes since the
		// last build that worked.
		failure := &BuildError{Removed: plan.Removed}
		for _, c := range plan.Added {
			failure.Added = append(failure.Added, byPath[c.Path].Source)
		}
		for _, c := range plan.Changed {
			failure.Changed = append(failure.Changed, byPath[c.Path].Source)
		}
		if prev != nil && prev.BuildSID != "" {
			failure.PrevRuntime = prev.Runtime
			failure.Dependencies = dependencyChanges(prev.Dependencies, want.Dependencies)
		}
		sid, err := d.build(ctx, st.ServiceSID, spec, failure)
		if err != nil {
			return nil, err
		}
		st.BuildSID, st.Runtime, st.Dependencies = sid, want.Runtime, want.Dependencies
	}
	if err := d.syncVariables(ctx, st, want.Variables, plan); err != nil {
		return nil, err
	}
	if plan.Deploy {
		d.logf("deploying build %s to %s", st.BuildSID, st.DomainName)
		sid, err := d.API.CreateDeployment(ctx, st.ServiceSID, st.EnvironmentSID, st.BuildSID)
		if err != nil {
			return nil, fmt.Errorf("create deployment: %w", err)
		}
		st.DeploymentSID = sid
	}
	return st, nil
}

func (d *Deployer) ensureService(ctx context.Context, st *State, name string) error {
	if st.ServiceSID != "" && st.ServiceName == name {
		return nil
	}
	svc, err := d.API.FetchService(ctx, name)
	if errors.Is(err, ErrNotFound) {
		d.logf("creating service %s", name)
		svc, err = d.API.CreateService(ctx, name, name)
		if err != nil {
			// Another stack may have created it meanwhile.
			if again, ferr := d.API.FetchService(ctx, name); ferr == nil {
				svc, err = again, nil
			}
		}
	}
	if err != nil {
		return fmt.Errorf("find or create service %s: %w", name, err)
	}
	st.ServiceSID, st.ServiceName = svc.SID, name
	return nil
}

// EnvironmentUniqueName is the Toolkit's unique name for an environment
// with this domain suffix.
func EnvironmentUniqueName(suffix string) string {
	if suffix == "" {
		return "production"
	}
	return suffix + "-environment"
}

// ensureEnvironment finds or creates the environment; created reports a
// new one.
func (d *Deployer) ensureEnvironment(ctx context.Context, st *State, suffix string) (created bool, err error) {
	if st.EnvironmentSID != "" && st.DomainSuffix == suffix {
		return false, nil
	}
	envs, err := d.API.ListEnvironments(ctx, st.ServiceSID)
	if err != nil {
		return false, fmt.Errorf("list environments: %w", err)
	}
	for _, e := range envs {
		if e.DomainSuffix == suffix {
			st.EnvironmentSID, st.DomainSuffix, st.DomainName = e.SID, suffix, e.DomainName
			// Variables of a found environment are looked up by key.
			st.Variables = map[string]Variable{}
			return true, nil
		}
	}
	d.logf("creating environment %q", suffix)
	e, err := d.API.CreateEnvironment(ctx, st.ServiceSID, EnvironmentUniqueName(suffix), suffix)
	if err != nil {
		return false, fmt.Errorf("create environment %q: %w", suffix, err)
	}
	st.EnvironmentSID, st.DomainSuffix, st.DomainName = e.SID, suffix, e.DomainName
	st.DeploymentSID = ""
	st.Variables = map[string]Variable{}
	return true, nil
}

// upload makes sure every path to upload has its Function or Asset, then
// uploads the versions, at most Parallelism at a time.
func (d *Deployer) upload(ctx context.Context, st *State, dir string, plan *Plan, byPath map[string]File) error {
	if len(plan.Upload) == 0 {
		return nil
	}
	var fns, assets map[string]string
	need := map[Kind]bool{}
	for _, p := range plan.Upload {
		if f, ok := st.Files[p]; !ok || f.ResourceSID == "" || f.Kind != byPath[p].Kind {
			need[byPath[p].Kind] = true
		}
	}
	var err error
	if need[KindFunction] {
		if fns, err = d.API.ListFunctions(ctx, st.ServiceSID); err != nil {
			return fmt.Errorf("list functions: %w", err)
		}
	}
	if need[KindAsset] {
		if assets, err = d.API.ListAssets(ctx, st.ServiceSID); err != nil {
			return fmt.Errorf("list assets: %w", err)
		}
	}
	readFile := d.ReadFile
	if readFile == nil {
		readFile = os.ReadFile
	}
	d.logf("uploading %s", count(len(plan.Upload), "file"))
	var mu sync.Mutex
	err = d.each(ctx, plan.Upload, func(ctx context.Context, p string) error {
		f := byPath[p]
		mu.Lock()
		prev := st.Files[p]
		mu.Unlock()
		rsid := prev.ResourceSID
		if rsid == "" || prev.Kind != f.Kind {
			rsid = ""
			if f.Kind == KindFunction {
				rsid = fns[p]
			} else {
				rsid = assets[p]
			}
		}
		if rsid == "" {
			var err error
			if f.Kind == KindFunction {
				rsid, err = d.API.CreateFunction(ctx, st.ServiceSID, p)
			} else {
				rsid, err = d.API.CreateAsset(ctx, st.ServiceSID, p)
			}
			if err != nil {
				return &FileError{File: f.Source, Err: fmt.Errorf("create %s %s: %w", f.Kind, p, err)}
			}
		}
		content, err := readFile(filepath.Join(dir, filepath.FromSlash(f.Source)))
		if err != nil {
			return &FileError{File: f.Source, Err: fmt.Errorf("read: %w", err)}
		}
		if HashContent(content) != f.SHA256 {
			return &FileError{File: f.Source, Err: errors.New("changed during the deployment; deploy again")}
		}
		var vsid string
		if f.Kind == KindFunction {
			vsid, err = d.API.UploadFunctionVersion(ctx, st.ServiceSID, rsid, p, string(f.Visibility), content)
		} else {
			vsid, err = d.API.UploadAssetVersion(ctx, st.ServiceSID, rsid, p, string(f.Visibility), f.ContentType, content)
		}
		if err != nil {
			return &FileError{File: f.Source, Err: fmt.Errorf("upload: %w", err)}
		}
		mu.Lock()
		st.Files[p] = Deployed{
			Entry:  Entry{Kind: f.Kind, Visibility: f.Visibility, SHA256: f.SHA256},
			Source: f.Source, ResourceSID: rsid, VersionSID: vsid,
		}
		mu.Unlock()
		return nil
	})
	return err
}

// each runs fn on every item, at most Parallelism at once, and returns the
// first error (cancelling the rest).
func (d *Deployer) each(ctx context.Context, items []string, fn func(context.Context, string) error) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	sem := make(chan struct{}, d.parallelism())
	var (
		wg       sync.WaitGroup
		once     sync.Once
		firstErr error
	)
	for _, it := range items {
		select {
		case sem <- struct{}{}:
		case <-ctx.Done():
		}
		if ctx.Err() != nil {
			break
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			if err := fn(ctx, it); err != nil {
				once.Do(func() { firstErr = err; cancel() })
			}
		}()
	}
	wg.Wait()
	if firstErr != nil {
		return firstErr
	}
	return ctx.Err()
}

// build creates a build and polls it until it ends. A failure is returned
// as failure, filled in with the build and what Twilio says of it.
func (d *Deployer) build(ctx context.Context, serviceSID string, spec BuildSpec, failure *BuildError) (string, error) {
	d.logf("building %s and %s", count(len(spec.FunctionVersions), "function"), count(len(spec.AssetVersions), "asset"))
	sid, err := d.API.CreateBuild(ctx, serviceSID, spec)
	if err != nil {
		return "", fmt.Errorf("create build: %w", err)
	}
	poll := d.Poll.withDefaults()
	sleep := d.sleep
	if sleep == nil {
		sleep = wait.Sleep
	}
	wait, waited := poll.Initial, time.Duration(0)
	for {
		status, err := d.API.FetchBuildStatus(ctx, serviceSID, sid)
		if err != nil {
			return "", fmt.Errorf("fetch status of build %s: %w", sid, err)
		}
		switch status {
		case "completed":
			return sid, nil
		case "failed":
			return "", d.buildFailed(ctx, serviceSID, sid, "failed", failure)
		}
		if waited >= poll.Timeout {
			return "", d.buildFailed(ctx, serviceSID, sid, fmt.Sprintf("still %q after %s", status, poll.Timeout), failure)
		}
		if err := sleep(ctx, wait); err != nil {
			return "", fmt.Errorf("wait for build %s: %w", sid, err)
		}
		waited += wait
		wait = min(wait*3/2, poll.Max)
	}
}

// buildFailed completes failure with the Build resource, all Twilio says
// about it.
func (d *Deployer) buildFailed(ctx context.Context, serviceSID, sid, status string, failure *BuildError) error {
	failure.BuildSID, failure.Status = sid, status
	b, err := d.API.FetchBuild(ctx, serviceSID, sid)
	if err != nil {
		failure.FetchErr = err
	} else {
		failure.Build = &b
	}
	return failure
}

// syncVariables makes the environment's variables match want. Keys whose
// SID is unknown (a new environment, or a state from a failed run) are
// looked up first so that existing variables are updated, not duplicated.
func (d *Deployer) syncVariables(ctx context.Context, st *State, want map[string]string, plan *Plan) error {
	if len(plan.SetVariables) == 0 && len(plan.DeleteVariables) == 0 {
		return nil
	}
	var live map[string]Variable
	for _, k := range plan.SetVariables {
		if st.Variables[k].SID == "" {
			var err error
			if live, err = d.API.ListVariables(ctx, st.ServiceSID, st.EnvironmentSID); err != nil {
				return fmt.Errorf("list variables: %w", err)
			}
			break
		}
	}
	for _, k := range plan.SetVariables {
		v := st.Variables[k]
		if v.SID == "" {
			v = live[k]
		}
		switch {
		case v.SID == "":
			d.logf("creating variable %s", k)
			sid, err := d.API.CreateVariable(ctx, st.ServiceSID, st.EnvironmentSID, k, want[k])
			if err != nil {
				return fmt.Errorf("create variable %s: %w", k, err)
			}
			v.SID = sid
		case v.Value != want[k]:
			d.logf("updating variable %s", k)
			if err := d.API.UpdateVariable(ctx, st.ServiceSID, st.EnvironmentSID, v.SID, want[k]); err != nil {
				return fmt.Errorf("update variable %s: %w", k, err)
			}
		}
		v.Value = want[k]
		st.Variables[k] = v
	}
	for _, k := range plan.DeleteVariables {
		d.logf("deleting variable %s", k)
		if sid := st.Variables[k].SID; sid != "" {
			if err := d.API.DeleteVariable(ctx, st.ServiceSID, st.EnvironmentSID, sid); err != nil && !errors.Is(err, ErrNotFound) {
				return fmt.Errorf("delete variable %s: %w", k, err)
			}
		}
		delete(st.Variables, k)
	}
	return nil
}

// Destroy removes the deployment's environment, and then the service when
// no environment is left in it (another branch's environment keeps the
// service, with its Functions and Assets, alive). Things already gone are
// not an error.
func (d *Deployer) Destroy(ctx context.Context, st *State) error {
	if st.ServiceSID == "" {
		return nil
	}
	if st.EnvironmentSID != "" {
		d.logf("deleting environment %s", st.EnvironmentSID)
		if err := d.API.DeleteEnvironment(ctx, st.ServiceSID, st.EnvironmentSID); err != nil && !errors.Is(err, ErrNotFound) {
			return fmt.Errorf("delete environment: %w", err)
		}
	}
	envs, err := d.API.ListEnvironments(ctx, st.ServiceSID)
	if errors.Is(err, ErrNotFound) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("list environments: %w", err)
	}
	if len(envs) > 0 {
		d.logf("keeping service %s: %d other environments use it", st.ServiceSID, len(envs))
		return nil
	}
	d.logf("deleting service %s", st.ServiceSID)
	if err := d.API.DeleteService(ctx, st.ServiceSID); err != nil && !errors.Is(err, ErrNotFound) {
		return fmt.Errorf("delete service: %w", err)
	}
	return nil
}

// count is "1 file", "7 files": the log reads as a sentence.
func count(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}
