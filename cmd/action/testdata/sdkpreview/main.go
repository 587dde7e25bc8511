// Command sdkpreview is the least a tool built on the Automation API does
// for a preview, with the same CLI adapter and lazy stack selection as the
// action: open the workspace, run Preview with an engine event stream,
// print the change summary. BenchmarkPreview measures it as the floor
// that any Automation API tool pays over a bare `pulumi preview`, so the
// action's own overhead can be told apart from the SDK's.
//
//	sdkpreview PULUMI_ROOT WORK_DIR STACK
package main

import (
	"context"
	"fmt"
	"os"

	"github.com/pulumi/pulumi/sdk/v3/go/auto"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/events"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/optpreview"

	"github.com/tdeploy/twilio-deploy-action/internal/stack"
)

// lazy skips `pulumi stack select` (a CLI start), as the action does:
// Preview names the stack.
type lazy struct{ auto.Workspace }

func (lazy) SelectStack(context.Context, string) error { return nil }

func main() {
	if len(os.Args) != 4 {
		fmt.Fprintln(os.Stderr, "usage: sdkpreview PULUMI_ROOT WORK_DIR STACK")
		os.Exit(2)
	}
	if err := run(context.Background(), os.Args[1], os.Args[2], os.Args[3]); err != nil {
		fmt.Fprintln(os.Stderr, "sdkpreview:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, root, dir, name string) error {
	cmd, err := stack.NewCommand(root)
	if err != nil {
		return err
	}
	ws, err := auto.NewLocalWorkspace(ctx, auto.WorkDir(dir), auto.Pulumi(cmd))
	if err != nil {
		return err
	}
	st, err := auto.SelectStack(ctx, name, lazy{ws})
	if err != nil {
		return err
	}
	ch := make(chan events.EngineEvent)
	n := 0
	done := make(chan struct{})
	go func() {
		defer close(done)
		for range ch {
			n++
		}
	}()
	res, err := st.Preview(ctx, optpreview.EventStreams(ch))
	if err != nil {
		return err
	}
	<-done // the SDK closes ch after a run
	fmt.Printf("%d events, changes %v\n", n, res.ChangeSummary)
	return nil
}
