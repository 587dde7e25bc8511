package toolkittest_test

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/hex"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"io/fs"
	"math/big"

	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tdeploy/twilio-deploy-action/internal/emulator"
	"github.com/tdeploy/twilio-deploy-action/internal/testenv"
)

const (
	accountSID = "AC0123456789abcdef0123456789abcdef"
	authToken  = "toolkittesttoken0123456789"
)

// TestToolkitDeploy runs twilio-run's deploy, a redeploy of a changed
// Function, promote and list against the emulator in its default mode,
// and checks the toolkit's exit codes and what the emulator then holds.
func TestToolkitDeploy(t *testing.T) {
	t.Parallel()
	toolkit := installToolkit(t)

	// BuildDelay is under the toolkit's 1 s poll, so each build is seen
	// "building" once, then "completed".
	emu, err := emulator.New(emulator.Options{
		Accounts:   []emulator.Account{{SID: accountSID, AuthToken: authToken}},
		BuildDelay: 300 * time.Millisecond,
		Seed:       15,
	})
	if err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewServer(emu)
	t.Cleanup(hs.Close)
	proxy, caFile := tlsProxy(t, hs.URL)

	project := t.TempDir()
	if err := os.CopyFS(project, os.DirFS("testdata/project")); err != nil {
		t.Fatal(err)
	}
	run := func(args ...string) string {
		t.Helper()
		return toolkit.run(t, project, proxy, caFile, args...)
	}
	creds := []string{"--username", accountSID, "--password", authToken}

	start := time.Now()
	run(append([]string{"deploy", "--service-name", "toolkit-demo", "--environment", "dev"}, creds...)...)
	first := inventory(emu)
	if n := len(first.of("serverless/v1:ServiceBuild")); n != 1 {
		t.Fatalf("after deploy: %d builds, want 1", n)
	}

	changed := "exports.handler = (context, event, callback) => callback(null, 'changed');\n"
	if err := os.WriteFile(filepath.Join(project, "functions", "hello.js"), []byte(changed), 0o644); err != nil {
		t.Fatal(err)
	}
	run(append([]string{"deploy", "--service-name", "toolkit-demo", "--environment", "dev"}, creds...)...)

	svcs := inventory(emu).of("serverless/v1:Service")
	if len(svcs) != 1 {
		t.Fatalf("services %v, want one (the redeploy reuses the service the first deploy made)", svcs)
	}
	svcSID := svcs[0].SID
	run(append([]string{"promote", "--service-sid", svcSID, "--source-environment", "dev", "--production", "--create-environment"}, creds...)...)
	list := run(append([]string{"list", "services,environments,builds,functions,assets,variables", "--service-sid", svcSID, "--environment", "dev"}, creds...)...)
	t.Logf("deploy, redeploy, promote and list: %v", time.Since(start).Round(time.Millisecond))

	inv := inventory(emu)
	svc := inv.of("serverless/v1:Service")[0].Fields
	base, _ := svc["domain_base"].(string)
	if !regexp.MustCompile(`^toolkit-demo-\d{4}$`).MatchString(base) ||
		svc["include_credentials"] != true || svc["ui_editable"] != false || svc["unique_name"] != "toolkit-demo" {
		t.Errorf("service %v: want unique_name toolkit-demo, domain_base toolkit-demo-NNNN, include_credentials true, ui_editable false", svc)
	}

	builds := inv.of("serverless/v1:ServiceBuild")
	if len(builds) != 2 {
		t.Fatalf("%d builds, want 2 (deploy, redeploy; promote reuses the second)", len(builds))
	}
	latest := builds[1]
	for _, b := range builds {
		if b.Fields["status"] != "completed" {
			t.Errorf("build %s status %v in the inventory, want completed", b.SID, b.Fields["status"])
		}
		if links, _ := b.Fields["links"].(map[string]any); links["build_status"] != "https://serverless.twilio.com/v1/Services/"+svcSID+"/Builds/"+b.SID+"/Status" {
			t.Errorf("build %s links %v, want build_status", b.SID, b.Fields["links"])
		}
		deps, _ := json.Marshal(b.Fields["dependencies"])
		if !strings.Contains(string(deps), `{"name":"twilio","version":"^4.23.0"}`) {
			t.Errorf("build %s dependencies %s, want package.json's as name/version objects", b.SID, deps)
		}
		if fv, _ := b.Fields["function_versions"].([]any); len(fv) != 3 {
			t.Errorf("build %s: %d function versions, want 3", b.SID, len(fv))
		}
		if av, _ := b.Fields["asset_versions"].([]any); len(av) != 2 {
			t.Errorf("build %s: %d asset versions, want 2", b.SID, len(av))
		}
	}

	envs := map[string]map[string]any{}
	for _, e := range inv.of("serverless/v1:ServiceEnvironment") {
		envs[fmt.Sprint(e.Fields["domain_suffix"])] = e.Fields
	}
	for suffix, domain := range map[string]string{"dev": base + "-dev.twil.io", "<nil>": base + ".twil.io"} {
		e := envs[suffix]
		if e == nil {
			t.Errorf("no environment with domain suffix %s among %v", suffix, envs)
			continue
		}
		if e["domain_name"] != domain || e["build_sid"] != latest.SID {
			t.Errorf("environment %s: domain_name %v build_sid %v, want %s and the redeploy's build %s",
				suffix, e["domain_name"], e["build_sid"], domain, latest.SID)
		}
	}
	if len(envs) != 2 {
		t.Errorf("environments %v, want dev and production", envs)
	}

	fv := inv.of("serverless/v1:ServiceFunctionVersion")
	if len(fv) != 6 {
		t.Errorf("%d function versions, want 6 (the toolkit uploads every file on each deploy)", len(fv))
	}
	for _, v := range fv {
		if links, _ := v.Fields["links"].(map[string]any); links["function_version_content"] == nil {
			t.Errorf("function version %s links %v, want function_version_content", v.SID, v.Fields["links"])
		}
	}
	vars := inv.of("serverless/v1:ServiceEnvironmentVariable")
	for _, v := range vars {
		if v.Fields["key"] != "GREETING" || v.Fields["value"] != "hello" {
			t.Errorf("variable %v, want GREETING=hello from .env", v.Fields)
		}
	}
	if len(vars) != 2 {
		t.Errorf("%d variables, want GREETING in each environment (promote copies them)", len(vars))
	}

	for _, want := range []string{"toolkit-demo", "/hello", "/index.html", latest.SID} {
		if !strings.Contains(list, want) {
			t.Errorf("twilio-run list does not show %q:\n%s", want, list)
		}
	}

	// The emulator dropped what Twilio drops, and said so.
	var ignored []string
	for _, r := range emu.Requests() {
		if r.Status >= 400 {
			t.Errorf("request %s %s%s answered %d", r.Method, r.Host, r.Path, r.Status)
		}
		for _, p := range r.Ignored {
			ignored = append(ignored, r.Operation+":"+p)
		}
	}
	if !slices.Contains(ignored, "CreateEnvironment:FriendlyName") {
		t.Errorf("ignored parameters %v: want CreateEnvironment:FriendlyName (the toolkit sends it, Twilio drops it)", ignored)
	}
	t.Logf("%d requests; parameters Twilio ignores: %v", len(emu.Requests()), ignored)
}

// TestToolkitAgainstStrict shows why the emulator's default is Twilio's
// behaviour: in strict mode, the mode our own tests use, the toolkit's
// deploy fails on a parameter Twilio ignores (issue #15's first report).
func TestToolkitAgainstStrict(t *testing.T) {
	t.Parallel()
	toolkit := installToolkit(t)
	emu, err := emulator.New(emulator.Options{Accounts: []emulator.Account{{SID: accountSID, AuthToken: authToken}}, Strict: true})
	if err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewServer(emu)
	t.Cleanup(hs.Close)
	proxy, caFile := tlsProxy(t, hs.URL)
	project := t.TempDir()
	if err := os.CopyFS(project, os.DirFS("testdata/project")); err != nil {
		t.Fatal(err)
	}
	out, code, err := toolkit.exec(t, project, proxy, caFile, "deploy", "--service-name", "toolkit-demo", "--username", accountSID, "--password", authToken)
	if err != nil || code == 0 {
		t.Fatalf("deploy against the strict emulator: exit %d (%v), want a failure\n%s", code, err, out)
	}
	if !strings.Contains(out, "Parameter FriendlyName is not defined for CreateEnvironment") {
		t.Errorf("toolkit output does not show the emulator's 400:\n%s", out)
	}
}

// objects is an account's inventory.
type objects []emulator.Object

func inventory(s *emulator.Server) objects { return s.Inventory(accountSID) }

// of keeps one resource type, in creation order (SIDs are random, so the
// inventory's path order is not creation order).
func (o objects) of(token string) objects {
	var out objects
	for _, x := range o {
		if x.Token == token {
			out = append(out, x)
		}
	}
	slices.SortStableFunc(out, func(a, b emulator.Object) int {
		return strings.Compare(fmt.Sprint(a.Fields["date_created"]), fmt.Sprint(b.Fields["date_created"]))
	})
	return out
}

// toolkit is an installed twilio-run.
type toolkit struct {
	node, script, preload string
}

// run runs twilio-run in dir and fails the test on a non-zero exit.
func (tk toolkit) run(t *testing.T, dir, proxy, caFile string, args ...string) string {
	t.Helper()
	out, code, err := tk.exec(t, dir, proxy, caFile, args...)
	if err != nil || code != 0 {
		t.Fatalf("twilio-run %s: exit %d (%v)\n%s", args[0], code, err, out)
	}
	return out
}

// exec runs twilio-run in dir: its output (the auth token masked) and
// exit code.
func (tk toolkit) exec(t *testing.T, dir, proxy, caFile string, args ...string) (string, int, error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), 60*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, tk.node, append([]string{"-r", tk.preload, tk.script}, args...)...)
	cmd.Dir = dir
	port := proxy[strings.LastIndexByte(proxy, ':')+1:]
	cmd.Env = []string{
		"PATH=" + os.Getenv("PATH"),
		"HOME=" + t.TempDir(), // the toolkit keeps a config under ~/.config
		"NODE_EXTRA_CA_CERTS=" + caFile,
		"TOOLKIT_PROXY_PORT=" + port,
		"NO_UPDATE_NOTIFIER=1",
		"CI=true", // no prompts, no spinners
		"FORCE_COLOR=0",
		"TWILIO_SERVERLESS_API_RETRY_LIMIT=0", // a failure shows at once
	}
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	start := time.Now()
	err := cmd.Run()
	code := cmd.ProcessState.ExitCode()
	t.Logf("twilio-run %s: exit %d in %v", args[0], code, time.Since(start).Round(time.Millisecond))
	var exitErr *exec.ExitError
	if errors.As(err, &exitErr) {
		err = nil // the exit code says it
	}
	return strings.ReplaceAll(out.String(), authToken, "***"), code, err
}

// installToolkit installs testdata/npm's pinned packages with npm ci, once
// per lock file, under the repository's .cache/ (git-ignored); the tests
// of one run share one install.
func installToolkit(t *testing.T) toolkit {
	t.Helper()
	root := testenv.RepoRoot(t)
	install.Do(func() { install.tk, install.skip, install.err = installInto(root) })
	if install.skip != "" {
		t.Skip(install.skip)
	}
	if install.err != nil {
		t.Fatal(install.err)
	}
	return install.tk
}

var install struct {
	sync.Once
	tk   toolkit
	skip string
	err  error
}

func installInto(root string) (toolkit, string, error) {
	node, errNode := exec.LookPath("node")
	npm, errNpm := exec.LookPath("npm")
	if errNode != nil || errNpm != nil {
		return toolkit{}, "Node.js and npm are not on PATH: skipping the Serverless Toolkit test (install Node.js 18+ to run it)", nil
	}
	lock, err := os.ReadFile("testdata/npm/package-lock.json")
	if err != nil {
		return toolkit{}, "", err
	}
	sum := sha256.Sum256(lock)
	dir := filepath.Join(root, ".cache", "toolkittest", hex.EncodeToString(sum[:8]))
	preload, err := filepath.Abs("testdata/preload.cjs")
	if err != nil {
		return toolkit{}, "", err
	}
	tk := toolkit{node: node, script: filepath.Join(dir, "node_modules", "twilio-run", "bin", "twilio-run.js"), preload: preload}
	if _, err := os.Stat(tk.script); err == nil {
		return tk, "", nil
	}
	// Install beside the final folder, then rename: a concurrent run (of
	// another worktree's tests, say), or one killed half-way, never sees
	// a partial node_modules.
	if err := os.MkdirAll(filepath.Dir(dir), 0o755); err != nil {
		return toolkit{}, "", err
	}
	tmp, err := os.MkdirTemp(filepath.Dir(dir), "install-")
	if err != nil {
		return toolkit{}, "", err
	}
	defer os.RemoveAll(tmp)
	for _, f := range []string{"package.json", "package-lock.json"} {
		b, err := os.ReadFile(filepath.Join("testdata/npm", f))
		if err != nil {
			return toolkit{}, "", err
		}
		if err := os.WriteFile(filepath.Join(tmp, f), b, 0o644); err != nil {
			return toolkit{}, "", err
		}
	}
	// --ignore-scripts: none of the pinned packages needs an install
	// script, and the test should not run any.
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, npm, "ci", "--ignore-scripts", "--no-audit", "--no-fund", "--loglevel=error")
	cmd.Dir = tmp
	if out, err := cmd.CombinedOutput(); err != nil {
		return toolkit{}, "", fmt.Errorf("npm ci of testdata/npm (twilio-run): %v\n%s", err, out)
	}
	if err := os.Rename(tmp, dir); err != nil && !errors.Is(err, fs.ErrExist) {
		return toolkit{}, "", fmt.Errorf("install the toolkit into %s: %w", dir, err)
	}
	return tk, "", nil
}

// tlsProxy serves HTTPS on loopback with a certificate for *.twilio.com
// from a CA made for this test, forwarding every request to target with
// its Host header kept (the emulator routes by it). It returns the
// proxy's address and the CA's PEM file.
func tlsProxy(t *testing.T, target string) (addr, caFile string) {
	t.Helper()
	u, err := url.Parse(target)
	if err != nil {
		t.Fatal(err)
	}
	caKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	caTmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "twilio-deploy-action toolkit test CA"},
		NotBefore: now.Add(-time.Hour), NotAfter: now.Add(24 * time.Hour),
		IsCA: true, BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign,
	}
	caDER, err := x509.CreateCertificate(rand.Reader, caTmpl, caTmpl, &caKey.PublicKey, caKey)
	if err != nil {
		t.Fatal(err)
	}
	ca, _ := x509.ParseCertificate(caDER)
	leafKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	leafTmpl := &x509.Certificate{
		SerialNumber: big.NewInt(2), Subject: pkix.Name{CommonName: "*.twilio.com"},
		DNSNames:  []string{"*.twilio.com", "twilio.com"},
		NotBefore: now.Add(-time.Hour), NotAfter: now.Add(24 * time.Hour),
		KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	leafDER, err := x509.CreateCertificate(rand.Reader, leafTmpl, ca, &leafKey.PublicKey, caKey)
	if err != nil {
		t.Fatal(err)
	}
	caFile = filepath.Join(t.TempDir(), "ca.pem")
	if err := os.WriteFile(caFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: caDER}), 0o600); err != nil {
		t.Fatal(err)
	}
	rp := &httputil.ReverseProxy{
		Rewrite: func(r *httputil.ProxyRequest) {
			r.Out.URL.Scheme, r.Out.URL.Host = u.Scheme, u.Host
			r.Out.Host = r.In.Host // serverless.twilio.com or serverless-upload.twilio.com
		},
	}
	ps := httptest.NewUnstartedServer(rp)
	ps.TLS = &tls.Config{Certificates: []tls.Certificate{{Certificate: [][]byte{leafDER}, PrivateKey: leafKey}}}
	ps.StartTLS()
	t.Cleanup(ps.Close)
	return ps.Listener.Addr().String(), caFile
}
