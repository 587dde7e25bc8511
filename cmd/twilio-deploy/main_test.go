package main

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/protobuf/types/known/emptypb"
)

func TestName(t *testing.T) {
	for _, tt := range []struct{ argv0, want string }{
		{"/opt/twilio-deploy/bin/action", "action"},
		{"pulumi-resource-twilio", "pulumi-resource-twilio"},
		{"/usr/bin/pulumi-language-yaml.exe", "pulumi-language-yaml"},
		{"./twilio-deploy", "twilio-deploy"},
	} {
		if got := name(tt.argv0); got != tt.want {
			t.Errorf("name(%q) = %q; want %q", tt.argv0, got, tt.want)
		}
	}
}

func TestRunLinksAndUnknownNames(t *testing.T) {
	var out, errOut bytes.Buffer
	if code := run([]string{"/bin/twilio-deploy", "--links"}, &out, &errOut); code != 0 {
		t.Fatalf("--links: exit %d, %s", code, errOut.String())
	}
	if got, want := out.String(), "action\npulumi-language-yaml\npulumi-resource-twilio\n"; got != want {
		t.Errorf("--links printed %q; want %q (tools.sh links these names)", got, want)
	}
	for _, args := range [][]string{{"/bin/twilio-deploy"}, {"/bin/other-name", "x"}, {"/bin/twilio-deploy", "nope"}} {
		out.Reset()
		errOut.Reset()
		if code := run(args, &out, &errOut); code != 2 || !strings.Contains(errOut.String(), "start me as one of action, pulumi-language-yaml, pulumi-resource-twilio") {
			t.Errorf("run(%q) = %d, stderr %q; want 2 and the names it answers to", args, code, errOut.String())
		}
	}
}

// build builds the binary once into a folder of its own, stamped as
// tools.sh stamps it, and returns the folder and the binary's path; each
// test makes its own links in a folder of its own.
func build(t testing.TB) (dir, bin string) {
	t.Helper()
	buildOnce.Do(func() {
		var err error
		if builtDir, err = os.MkdirTemp("", "twilio-deploy-test-"); err != nil {
			buildErr = err
			return
		}
		out, err := exec.Command("go", "build", "-ldflags", "-X main.version=1.2.3 -X github.com/pulumi/pulumi-yaml/pkg/version.Version=9.9.9",
			"-o", filepath.Join(builtDir, "twilio-deploy"), ".").CombinedOutput()
		if err != nil {
			buildErr = fmt.Errorf("go build: %v\n%s", err, out)
		}
	})
	if buildErr != nil {
		t.Fatal(buildErr)
	}
	dir = t.TempDir()
	bin = filepath.Join(dir, "twilio-deploy")
	if err := os.Link(filepath.Join(builtDir, "twilio-deploy"), bin); err != nil {
		t.Fatal(err)
	}
	return dir, bin
}

var (
	buildOnce sync.Once
	builtDir  string
	buildErr  error
)

func TestMain(m *testing.M) {
	code := m.Run()
	if builtDir != "" {
		os.RemoveAll(builtDir)
	}
	os.Exit(code)
}

// TestStartedByName starts the built binary through a link of each name,
// as the image and the engine do, and by subcommand.
func TestStartedByName(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	dir, bin := build(t)
	for _, n := range []string{"action", "pulumi-resource-twilio", "pulumi-language-yaml"} {
		if err := os.Symlink("twilio-deploy", filepath.Join(dir, n)); err != nil {
			t.Fatal(err)
		}
	}
	for _, tc := range []struct {
		argv []string
		want string
	}{
		// The action's own flag.
		{[]string{filepath.Join(dir, "action"), "--version"}, "twilio-deploy-action 1.2.3"},
		{[]string{bin, "action", "--version"}, "twilio-deploy-action 1.2.3"},
	} {
		cmd := exec.Command(tc.argv[0], tc.argv[1:]...)
		out, _ := cmd.CombinedOutput()
		if !strings.Contains(string(out), tc.want) {
			t.Errorf("%q printed %q; want %q in it", tc.argv, out, tc.want)
		}
	}
}

// TestServesByName starts the provider and the YAML host by their links, as
// the engine does (no arguments: no engine to health-check), reads the port
// each prints, and asks each for its plugin info over its own gRPC
// protocol: each name serves its own program, not the other's.
func TestServesByName(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	dir, _ := build(t)
	serve := func(name string) *grpc.ClientConn {
		link := filepath.Join(dir, name)
		if err := os.Symlink("twilio-deploy", link); err != nil {
			t.Fatal(err)
		}
		cmd := exec.CommandContext(t.Context(), link)
		stdout, err := cmd.StdoutPipe()
		if err != nil {
			t.Fatal(err)
		}
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
		port, err := bufio.NewReader(stdout).ReadString('\n')
		if err != nil {
			t.Fatalf("%s printed no port: %v", name, err)
		}
		conn, err := grpc.NewClient("127.0.0.1:"+strings.TrimSpace(port), grpc.WithTransportCredentials(insecure.NewCredentials()))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { conn.Close() })
		return conn
	}
	ctx := t.Context()
	provider := pulumirpc.NewResourceProviderClient(serve("pulumi-resource-twilio"))
	info, err := provider.GetPluginInfo(ctx, &emptypb.Empty{})
	if err != nil || info.GetVersion() != "1.2.3" {
		t.Errorf("pulumi-resource-twilio: GetPluginInfo = %v, %v; want version 1.2.3 (the binary's)", info, err)
	}
	// Its schema is the Twilio package's: the provider answers, not a host.
	schema, err := provider.GetSchema(ctx, &pulumirpc.GetSchemaRequest{})
	if err != nil || !strings.Contains(schema.GetSchema(), `"name":"twilio"`) {
		t.Errorf("pulumi-resource-twilio: GetSchema = %.200v, %v; want the twilio package", schema.GetSchema(), err)
	}
	host, err := pulumirpc.NewLanguageRuntimeClient(serve("pulumi-language-yaml")).GetPluginInfo(ctx, &emptypb.Empty{})
	if err != nil || host.GetVersion() != "9.9.9" {
		t.Errorf("pulumi-language-yaml: GetPluginInfo = %v, %v; want version 9.9.9 (pulumi-yaml's, as linked)", host, err)
	}
}
