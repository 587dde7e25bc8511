// Package yamlhost is the Pulumi YAML language host's command, so that the
// image's multi-call binary (cmd/twilio-deploy) can serve it: the engine
// starts `pulumi-language-yaml`, which evaluates Pulumi.yaml and registers
// its resources. pulumi-yaml ships the host only as a main package
// (cmd/pulumi-language-yaml), which Go cannot import, so Main is that main,
// v1.38.1's, with its exits turned into a returned code; the host itself is
// pulumi-yaml's server.NewLanguageHost. scripts/tools.sh builds it with
// tools/pulumi-yaml.patch applied to pulumi-yaml, as it built the separate
// host before.
//
// The engine's arguments are read from os.Args by the global flag set, as
// upstream does: the multi-call main hands it os.Args with the program's
// own name first.
//
// Copyright 2022, Pulumi Corporation; Apache License 2.0, as pulumi-yaml's
// cmd/pulumi-language-yaml/main.go, from which Main and healthCheck are taken.
package yamlhost

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"time"

	"github.com/pulumi/pulumi-yaml/pkg/server"
	"github.com/pulumi/pulumi/sdk/v3/go/common/diag"
	"github.com/pulumi/pulumi/sdk/v3/go/common/util/cmdutil"
	"github.com/pulumi/pulumi/sdk/v3/go/common/util/logging"
	"github.com/pulumi/pulumi/sdk/v3/go/common/util/rpcutil"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
	"google.golang.org/grpc"
)

// Main serves the language host to the engine that started it, printing
// its port, and returns the exit code once the engine is gone.
func Main() int {
	var tracing, root, compiler string
	flag.StringVar(&tracing, "tracing", "", "Emit tracing to a Zipkin-compatible tracing endpoint")
	flag.StringVar(&root, "root", "", "Root of the program execution")
	flag.StringVar(&compiler, "compiler", "", "[obsolete] Compiler to use to pre-process YAML")
	flag.Parse()
	args := flag.Args()
	logging.InitLogging(false, 0, false)

	// OTel when the CLI gives an OTLP endpoint, else OpenTracing: one
	// system only, so no span is sent twice.
	if endpoint := os.Getenv("PULUMI_OTEL_EXPORTER_OTLP_ENDPOINT"); endpoint == "" {
		cmdutil.InitTracing("pulumi-language-yaml", "pulumi-language-yaml", tracing)
	} else {
		if err := cmdutil.InitOtelTracing("pulumi-language-yaml", endpoint); err != nil {
			logging.V(3).Infof("failed to initialize OTel tracing: %v", err)
		}
		defer cmdutil.CloseOtelTracing()
	}

	// The engine's address, when given, is health-checked: the host stops
	// serving once the engine is gone.
	var engineAddress string
	var cancel chan bool
	if len(args) > 0 {
		engineAddress = args[0]
		var err error
		if cancel, err = healthCheck(engineAddress); err != nil {
			return fail("could not start health check host RPC server", err)
		}
	}

	handle, err := rpcutil.ServeWithOptions(rpcutil.ServeOptions{
		Cancel: cancel,
		Init: func(srv *grpc.Server) error {
			pulumirpc.RegisterLanguageRuntimeServer(srv, server.NewLanguageHost(engineAddress, tracing))
			return nil
		},
		Options: rpcutil.TracingServerInterceptorOptions(nil),
	})
	if err != nil {
		return fail("could not start language host RPC server", err)
	}
	// The port, so that the engine that started the host can reach it.
	fmt.Printf("%d\n", handle.Port)
	if err := <-handle.Done; err != nil {
		return fail("language host RPC stopped serving", err)
	}
	return 0
}

// fail reports err as upstream's cmdutil.Exit does (the engine shows a
// plugin's stderr), but returns the exit code, so deferred calls still run.
func fail(what string, err error) int {
	cmdutil.Diag().Errorf(diag.Message("", "%s: %v"), what, err)
	return cmdutil.ExitCodeError
}

// healthCheck returns a channel closed when the engine at engineAddress
// stops answering or the process gets SIGINT.
func healthCheck(engineAddress string) (chan bool, error) {
	ctx, cancel := signal.NotifyContext(context.Background(), os.Interrupt)
	done := make(chan bool)
	go func() {
		<-ctx.Done()
		cancel() // deregister the signal handler
		close(done)
	}()
	if err := rpcutil.Healthcheck(ctx, engineAddress, 5*time.Minute, cancel); err != nil {
		return nil, err
	}
	return done, nil
}
