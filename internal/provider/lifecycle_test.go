package provider

import (
	"context"
	"net"
	"slices"
	"strings"
	"testing"

	p "github.com/pulumi/pulumi-go-provider"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource/plugin"
	rpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
	openapi "github.com/twilio/twilio-go/rest/sync/v1"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/protobuf/types/known/structpb"

	"github.com/tdeploy/twilio-deploy-action/internal/emulator/emulatortest"
)

// grpcProvider serves the provider on a loopback gRPC port, as the plugin
// does, and returns a client of the real protocol.
func grpcProvider(t *testing.T, opts Options) rpc.ResourceProviderClient {
	t.Helper()
	prov, err := New(opts)
	if err != nil {
		t.Fatal(err)
	}
	impl, err := p.RawServer("twilio", "0.1.0", prov)(nil)
	if err != nil {
		t.Fatal(err)
	}
	srv := grpc.NewServer()
	rpc.RegisterResourceProviderServer(srv, impl)
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go func() { _ = srv.Serve(lis) }()
	t.Cleanup(srv.Stop)
	conn, err := grpc.NewClient(lis.Addr().String(), grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	return rpc.NewResourceProviderClient(conn)
}

var wire = plugin.MarshalOptions{KeepUnknowns: true, KeepSecrets: true, KeepResources: true, KeepOutputValues: true}

func marshal(t *testing.T, m resource.PropertyMap) *structpb.Struct {
	t.Helper()
	s, err := plugin.MarshalProperties(m, wire)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func unmarshal(t *testing.T, s *structpb.Struct) resource.PropertyMap {
	t.Helper()
	m, err := plugin.UnmarshalProperties(s, wire)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func props(kv map[string]any) resource.PropertyMap {
	return resource.NewPropertyMapFromMap(kv)
}

// TestLifecycleOverGRPC drives a Sync service and map through create,
// update, replace-diff, drift detection and delete over the plugin's gRPC
// protocol against the emulator, counting requests at each step.
func TestLifecycleOverGRPC(t *testing.T) {
	t.Parallel()
	env := emulatortest.New(t)
	ctx := context.Background()
	client := grpcProvider(t, Options{Resources: builtin(), Getenv: func(string) string { return "" }})

	args := props(map[string]any{"accountSid": env.AccountSID, "apiUrl": env.URL})
	args["authToken"] = resource.MakeSecret(resource.NewStringProperty(env.AuthToken))
	if _, err := client.Configure(ctx, &rpc.ConfigureRequest{Args: marshal(t, args), AcceptSecrets: true}); err != nil {
		t.Fatalf("configure: %v", err)
	}

	svcURN := string(urnOf("twilio:sync/v1:Service", "svc"))
	svcIn := props(map[string]any{"friendlyName": "orders"})
	chk, err := client.Check(ctx, &rpc.CheckRequest{Urn: svcURN, News: marshal(t, svcIn)})
	if err != nil || len(chk.Failures) > 0 {
		t.Fatalf("check: %v %v", err, chk.GetFailures())
	}

	// Preview: no requests, unknown SID.
	n := len(env.Server.Requests())
	prev, err := client.Create(ctx, &rpc.CreateRequest{Urn: svcURN, Properties: chk.Inputs, Preview: true})
	if err != nil {
		t.Fatal(err)
	}
	if !unmarshal(t, prev.Properties)["sid"].IsComputed() || len(requestsSince(env, n)) != 0 {
		t.Fatalf("preview: sid %v, requests:\n%s", unmarshal(t, prev.Properties)["sid"], summarize(requestsSince(env, n)))
	}

	created, err := client.Create(ctx, &rpc.CreateRequest{Urn: svcURN, Properties: chk.Inputs})
	if err != nil {
		t.Fatalf("create service: %v", err)
	}
	if got := requestsSince(env, n); len(got) != 1 {
		t.Fatalf("create: want 1 request, got:\n%s", summarize(got))
	}
	svc := unmarshal(t, created.Properties)
	sid := svc["sid"].StringValue()
	if created.Id != sid || !strings.HasPrefix(sid, "IS") {
		t.Fatalf("service ID %q sid %q", created.Id, sid)
	}

	mapURN := string(urnOf("twilio:sync/v1:ServiceSyncMap", "m"))
	mapIn := props(map[string]any{"serviceSid": sid, "uniqueName": "cart", "ttl": 60})
	mcreated, err := client.Create(ctx, &rpc.CreateRequest{Urn: mapURN, Properties: marshal(t, mapIn)})
	if err != nil {
		t.Fatalf("create map: %v", err)
	}
	mapState := unmarshal(t, mcreated.Properties)
	if mcreated.Id != sid+"/"+mapState["sid"].StringValue() {
		t.Errorf("map ID %q", mcreated.Id)
	}

	// An updatable change: update in place, sending only Ttl.
	mapIn2 := props(map[string]any{"serviceSid": sid, "uniqueName": "cart", "ttl": 120})
	d, err := client.Diff(ctx, &rpc.DiffRequest{Id: mcreated.Id, Urn: mapURN, Olds: mcreated.Properties, OldInputs: marshal(t, mapIn), News: marshal(t, mapIn2)})
	if err != nil || d.Changes != rpc.DiffResponse_DIFF_SOME || len(d.Replaces) != 0 || !slices.Contains(d.Diffs, "ttl") {
		t.Fatalf("diff ttl: %v %+v", err, d)
	}
	n = len(env.Server.Requests())
	if _, err := client.Update(ctx, &rpc.UpdateRequest{Id: mcreated.Id, Urn: mapURN, Olds: mcreated.Properties, OldInputs: marshal(t, mapIn), News: marshal(t, mapIn2)}); err != nil {
		t.Fatalf("update: %v", err)
	}
	got := requestsSince(env, n)
	if len(got) != 1 || got[0].Method != "POST" || len(got[0].Params) != 1 || got[0].Params.Get("Ttl") != "120" {
		t.Fatalf("update: want one POST with Ttl=120 only, got:\n%s", summarize(got))
	}

	// A create-only change: replace, and the diff says which property.
	mapIn3 := props(map[string]any{"serviceSid": sid, "uniqueName": "basket", "ttl": 120})
	d, err = client.Diff(ctx, &rpc.DiffRequest{Id: mcreated.Id, Urn: mapURN, Olds: mcreated.Properties, OldInputs: marshal(t, mapIn2), News: marshal(t, mapIn3)})
	if err != nil || !slices.Equal(d.Replaces, []string{"uniqueName"}) || d.DetailedDiff["uniqueName"].GetKind() != rpc.PropertyDiff_UPDATE_REPLACE {
		t.Fatalf("diff uniqueName: %v %+v", err, d)
	}

	// No change: no diff, and nothing sent.
	n = len(env.Server.Requests())
	d, err = client.Diff(ctx, &rpc.DiffRequest{Id: created.Id, Urn: svcURN, Olds: created.Properties, OldInputs: chk.Inputs, News: chk.Inputs})
	if err != nil || d.Changes == rpc.DiffResponse_DIFF_SOME || len(requestsSince(env, n)) != 0 {
		t.Fatalf("no-op diff: %v %+v", err, d)
	}

	// Drift made outside Pulumi shows on refresh.
	if _, err := env.RestClient().SyncV1.UpdateService(sid, (&openapi.UpdateServiceParams{}).SetFriendlyName("renamed in console")); err != nil {
		t.Fatal(err)
	}
	read, err := client.Read(ctx, &rpc.ReadRequest{Id: created.Id, Urn: svcURN, Properties: created.Properties, Inputs: chk.Inputs})
	if err != nil {
		t.Fatalf("read: %v", err)
	}
	if v := unmarshal(t, read.Inputs)["friendlyName"]; v.StringValue() != "renamed in console" {
		t.Fatalf("refreshed friendlyName input = %v", v)
	}
	d, err = client.Diff(ctx, &rpc.DiffRequest{Id: created.Id, Urn: svcURN, Olds: read.Properties, OldInputs: read.Inputs, News: chk.Inputs})
	if err != nil || !slices.Contains(d.Diffs, "friendlyName") {
		t.Fatalf("diff after drift: %v %+v", err, d)
	}

	// Import by ID.
	imp, err := client.Read(ctx, &rpc.ReadRequest{Id: mcreated.Id, Urn: mapURN})
	if err != nil || imp.Id != mcreated.Id {
		t.Fatalf("import: %v %+v", err, imp)
	}
	if in := unmarshal(t, imp.Inputs); in["serviceSid"].StringValue() != sid || in["uniqueName"].StringValue() != "cart" {
		t.Errorf("imported inputs %v", in)
	}

	for _, del := range []*rpc.DeleteRequest{
		{Id: mcreated.Id, Urn: mapURN, Properties: mcreated.Properties},
		{Id: created.Id, Urn: svcURN, Properties: created.Properties},
	} {
		if _, err := client.Delete(ctx, del); err != nil {
			t.Fatalf("delete %s: %v", del.Id, err)
		}
	}
	if inv := env.Server.Inventory(env.AccountSID); len(inv) != 0 {
		t.Errorf("inventory after delete: %+v", inv)
	}
}

// TestConfigureErrors checks that a missing credential names the variable
// and the setting to fix it, over the protocol.
func TestConfigureErrors(t *testing.T) {
	t.Parallel()
	client := grpcProvider(t, Options{Resources: builtin(), Getenv: func(string) string { return "" }})
	_, err := client.Configure(context.Background(), &rpc.ConfigureRequest{Args: marshal(t, props(map[string]any{"accountSid": "AC" + strings.Repeat("0", 32)}))})
	if err == nil || !strings.Contains(err.Error(), "TWILIO_AUTH_TOKEN") || !strings.Contains(err.Error(), "twilio:authToken") {
		t.Fatalf("configure without a token: %v", err)
	}
}
