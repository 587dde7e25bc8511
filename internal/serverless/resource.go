package serverless

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"maps"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"
)

// Token is the resource's Pulumi type token.
const Token = "twilio:serverless:Deployment"

// Runtimes are the Node.js runtimes a Deployment accepts for its build.
// Twilio's spec (@twilio/cli-core 9) lists every runtime a Build has ever
// had, node8 to node24, on the Build's runtime field and none on the
// Runtime parameter; the older ones no longer build, so this is a hand list
// of the current ones, and a test holds it inside the catalog's enum.
var Runtimes = []string{"node18", "node20", "node22", "node24"}

// DefaultRuntime is the runtime when none is given: Twilio's own
// Serverless Toolkit's. twilio-run 5.0.1 (npm, April 2026, the latest)
// writes "runtime": "node22" into a new project's config
// (dist/templating/defaultConfig.js, DEFAULT_RUNTIME = 'node22'), and its
// --runtime flag reads "The version of Node.js to deploy the build to.
// (node22)"; node24 is accepted but not its default. When the toolkit gets
// no runtime it sends none, and Twilio picks.
const DefaultRuntime = "node22"

// Inputs of a Deployment. After Check every field is resolved: Environment
// is set, Runtime is set, Variables include the folder's .env (the
// program's values win), Dependencies come from package.json unless given,
// and Files is the folder's manifest (path -> "kind visibility sha256"), so
// that a preview shows added, changed and removed files as ordinary
// property changes.
type Inputs struct {
	Path         string
	ServiceName  string
	Environment  *string
	Variables    map[string]string
	Runtime      string
	Dependencies map[string]string
	Files        map[string]string
}

// Outputs of a Deployment: its resolved inputs, what Twilio assigned, and
// the state the next deployment plans against.
type Outputs struct {
	Inputs
	ServiceSID     string
	EnvironmentSID string
	BuildSID       string
	DomainName     string
	// URLs maps each URL path of a public or protected Function or Asset
	// to its https URL (private ones have none).
	URLs  map[string]string
	State State
}

// CheckFailure is an invalid input.
type CheckFailure struct {
	Property, Reason string
}

// Diff is the result of comparing old outputs with new inputs.
type Diff struct {
	// Update lists changed input properties that an update applies;
	// Replace those that need a new environment (or service).
	Update, Replace []string
	// Files are the file changes by path: "+" added, "~" changed, "-"
	// removed (property paths files["/x"] in the detailed diff).
	Added, Changed, Removed []string
}

// HasChanges reports whether anything changes.
func (d Diff) HasChanges() bool { return len(d.Update)+len(d.Replace) > 0 }

// Resource implements the lifecycle of a Deployment over an API.
type Resource struct {
	// NewAPI returns the API for a call (the provider's configured
	// client).
	NewAPI func() (API, error)
	// BaseDir resolves a relative path input: the Pulumi program's folder.
	BaseDir string
	// Deployer settings (its API field is ignored).
	Deployer Deployer
}

func (r *Resource) dir(p string) string {
	if filepath.IsAbs(p) {
		return filepath.Clean(p)
	}
	return filepath.Join(r.BaseDir, p)
}

var (
	serviceNameRE = regexp.MustCompile(`^[a-zA-Z0-9][a-zA-Z0-9-]{0,49}$`)
	suffixRE      = regexp.MustCompile(`^([a-z0-9][a-z0-9-]{0,15})?$`)
	varKeyRE      = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)
)

// DomainSuffixFor turns a stack name into a domain suffix: lower case
// letters, digits and "-", at most 16 characters (Twilio's limit). A longer
// name keeps its first 11 characters plus "-" and 4 hex digits of its
// SHA-256, so that two long stack names still get distinct domains.
func DomainSuffixFor(stack string) string {
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(stack) {
		if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' {
			b.WriteRune(r)
			dash = false
		} else if !dash {
			b.WriteByte('-')
			dash = true
		}
	}
	s := strings.Trim(b.String(), "-")
	if len(s) <= 16 {
		return s
	}
	sum := sha256.Sum256([]byte(stack))
	return strings.TrimRight(s[:11], "-") + "-" + hex.EncodeToString(sum[:])[:4]
}

// Check validates and resolves inputs. It reads the folder (never the
// network): a folder that cannot be deployed fails here, in preview,
// naming the file. Variable values and paths that are not known yet (in a
// preview) are left for later: the adapter passes known == false.
func (r *Resource) Check(in Inputs, stack string) (Inputs, []CheckFailure) {
	var fails []CheckFailure
	fail := func(p, format string, args ...any) {
		fails = append(fails, CheckFailure{Property: p, Reason: fmt.Sprintf(format, args...)})
	}
	out := in
	if !serviceNameRE.MatchString(in.ServiceName) {
		fail("serviceName", "serviceName %q must be 1 to 50 letters, digits and '-', starting with a letter or digit (it becomes part of the domain)", in.ServiceName)
	}
	if in.Environment == nil {
		s := DomainSuffixFor(stack)
		out.Environment = &s
	} else if !suffixRE.MatchString(*in.Environment) {
		fail("environment", "environment %q must be empty (production) or up to 16 lower case letters, digits and '-'", *in.Environment)
	}
	if out.Runtime == "" {
		out.Runtime = DefaultRuntime
	} else if !slices.Contains(Runtimes, out.Runtime) {
		fail("runtime", "runtime %q is not one of %s", out.Runtime, strings.Join(Runtimes, ", "))
	}
	if in.Path == "" {
		fail("path", "path is required: the project folder holding functions/ and assets/")
		return out, fails
	}
	proj, err := Scan(r.dir(in.Path))
	if err != nil {
		fail("path", "%v", err)
		return out, fails
	}
	if len(proj.Files) == 0 {
		fail("path", "%s holds no functions/*.js and no assets/ files: nothing to deploy", in.Path)
		return out, fails
	}
	vars := maps.Clone(proj.EnvVariables)
	if vars == nil {
		vars = map[string]string{}
	}
	maps.Copy(vars, in.Variables)
	for _, k := range slices.Sorted(maps.Keys(vars)) {
		switch {
		case !varKeyRE.MatchString(k) || len(k) > maxVariableKeyCharacters:
			fail("variables", "variable name %q must be letters, digits and _ (at most %d)", k, maxVariableKeyCharacters)
		case len(vars[k]) > maxVariableValueBytes:
			// Never print the value: it may be a secret.
			fail("variables", "variable %s is %d bytes; Twilio accepts at most %d", k, len(vars[k]), maxVariableValueBytes)
		}
	}
	out.Variables = vars
	if in.Dependencies == nil {
		out.Dependencies = map[string]string{}
		for _, d := range proj.Dependencies {
			out.Dependencies[d.Name] = d.Version
		}
	}
	out.Files = FilesInput(proj.Files)
	return out, fails
}

// FilesInput is the manifest as the Files input shows it.
func FilesInput(files []File) map[string]string {
	m := make(map[string]string, len(files))
	for _, f := range files {
		m[f.Path] = string(f.Kind) + " " + string(f.Visibility) + " " + f.SHA256
	}
	return m
}

// Diff compares the last outputs with new (checked) inputs. It is pure.
func (r *Resource) Diff(old Outputs, in Inputs) Diff {
	var d Diff
	if old.ServiceName != in.ServiceName {
		d.Replace = append(d.Replace, "serviceName")
	}
	if deref(old.Environment) != deref(in.Environment) {
		d.Replace = append(d.Replace, "environment")
	}
	if old.Path != in.Path {
		d.Update = append(d.Update, "path")
	}
	if old.Runtime != in.Runtime {
		d.Update = append(d.Update, "runtime")
	}
	if !maps.Equal(old.Dependencies, in.Dependencies) {
		d.Update = append(d.Update, "dependencies")
	}
	if !maps.Equal(old.Variables, in.Variables) {
		d.Update = append(d.Update, "variables")
	}
	for p, v := range in.Files {
		if ov, ok := old.Files[p]; !ok {
			d.Added = append(d.Added, p)
		} else if ov != v {
			d.Changed = append(d.Changed, p)
		}
	}
	for p := range old.Files {
		if _, ok := in.Files[p]; !ok {
			d.Removed = append(d.Removed, p)
		}
	}
	sort.Strings(d.Added)
	sort.Strings(d.Changed)
	sort.Strings(d.Removed)
	if len(d.Added)+len(d.Changed)+len(d.Removed) > 0 {
		d.Update = append(d.Update, "files")
	}
	// A refresh that found another build on the environment forces a
	// redeploy even when the inputs did not change.
	if old.ServiceSID != "" && old.State.BuildSID == "" && !slices.Contains(d.Update, "files") {
		d.Update = append(d.Update, "files")
	}
	return d
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

// desired scans the folder again and checks it still matches the checked
// inputs (the folder must not change between preview and update).
func (r *Resource) desired(in Inputs) (Desired, error) {
	proj, err := Scan(r.dir(in.Path))
	if err != nil {
		return Desired{}, err
	}
	if got := FilesInput(proj.Files); !maps.Equal(got, in.Files) {
		return Desired{}, errors.New("the project folder changed after it was checked; run the update again")
	}
	return Desired{
		Dir:          proj.Dir,
		ServiceName:  in.ServiceName,
		DomainSuffix: deref(in.Environment),
		Files:        proj.Files,
		Runtime:      in.Runtime,
		Dependencies: DependenciesFromMap(in.Dependencies),
		Variables:    in.Variables,
	}, nil
}

// Create deploys for the first time. A dry run (preview) makes no call
// and returns only what is known without Twilio.
func (r *Resource) Create(ctx context.Context, in Inputs, dryRun bool) (Outputs, error) {
	if dryRun {
		return Outputs{Inputs: in}, nil
	}
	return r.apply(ctx, nil, in)
}

// Update redeploys what changed. A dry run makes no call.
func (r *Resource) Update(ctx context.Context, old Outputs, in Inputs, dryRun bool) (Outputs, error) {
	if dryRun {
		out := old
		out.Inputs = in
		out.URLs = URLs(old.DomainName, in.Files)
		return out, nil
	}
	prev := old.State
	return r.apply(ctx, &prev, in)
}

func (r *Resource) apply(ctx context.Context, prev *State, in Inputs) (Outputs, error) {
	want, err := r.desired(in)
	if err != nil {
		return Outputs{}, err
	}
	api, err := r.NewAPI()
	if err != nil {
		return Outputs{}, err
	}
	dep := r.Deployer
	dep.API = api
	st, err := dep.Deploy(ctx, want, prev)
	if err != nil {
		return Outputs{}, err
	}
	return outputsOf(in, st), nil
}

func outputsOf(in Inputs, st *State) Outputs {
	return Outputs{
		Inputs:         in,
		ServiceSID:     st.ServiceSID,
		EnvironmentSID: st.EnvironmentSID,
		BuildSID:       st.BuildSID,
		DomainName:     st.DomainName,
		URLs:           URLs(st.DomainName, in.Files),
		State:          *st,
	}
}

// URLs maps every public or protected path of files (the Files input) to
// its URL on domain.
func URLs(domain string, files map[string]string) map[string]string {
	urls := map[string]string{}
	if domain == "" {
		return urls
	}
	for p, v := range files {
		if f := strings.Fields(v); len(f) == 3 && f[1] != string(Private) {
			urls[p] = "https://" + domain + p
		}
	}
	return urls
}

// Read refreshes: it reports found == false when the environment is gone,
// forgets the build when another one is deployed on the environment (the
// next update redeploys ours), and reads the live variables.
func (r *Resource) Read(ctx context.Context, old Outputs) (out Outputs, found bool, err error) {
	api, err := r.NewAPI()
	if err != nil {
		return Outputs{}, false, err
	}
	envs, err := api.ListEnvironments(ctx, old.ServiceSID)
	if errors.Is(err, ErrNotFound) {
		return Outputs{}, false, nil
	}
	if err != nil {
		return Outputs{}, false, fmt.Errorf("list environments: %w", err)
	}
	i := slices.IndexFunc(envs, func(e Environment) bool { return e.SID == old.EnvironmentSID })
	if i < 0 {
		return Outputs{}, false, nil
	}
	out = old
	out.State.Files = maps.Clone(old.State.Files)
	out.DomainName, out.State.DomainName = envs[i].DomainName, envs[i].DomainName
	if envs[i].BuildSID != old.State.BuildSID {
		out.State.BuildSID = ""
	}
	live, err := api.ListVariables(ctx, old.ServiceSID, old.EnvironmentSID)
	if err != nil {
		return Outputs{}, false, fmt.Errorf("list variables: %w", err)
	}
	out.State.Variables = live
	vars := map[string]string{}
	for k, v := range live {
		vars[k] = v.Value
	}
	out.Variables = vars
	out.URLs = URLs(out.DomainName, out.Files)
	return out, true, nil
}

// Delete destroys the environment (and the service when it is the last).
func (r *Resource) Delete(ctx context.Context, old Outputs) error {
	api, err := r.NewAPI()
	if err != nil {
		return err
	}
	dep := r.Deployer
	dep.API = api
	st := old.State
	return dep.Destroy(ctx, &st)
}
