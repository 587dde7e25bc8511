package stack

import (
	"context"
	"sync"

	"github.com/pulumi/pulumi/sdk/v3/go/auto"
)

// CLI is the Pulumi CLI under a root folder (root/bin/pulumi), found once
// and then run for each operation: the engine the action's flow drives.
type CLI struct {
	root string
	once sync.Once
	cmd  auto.PulumiCommand
	err  error
}

// NewCLI returns the CLI under root (see Root); nothing is looked up yet.
func NewCLI(root string) *CLI { return &CLI{root: root} }

// Find looks the CLI up and reads its version (NewCommand), once: the
// flow starts it early, beside the credential check, and the operations
// wait for it.
func (c *CLI) Find() error {
	c.once.Do(func() { c.cmd, c.err = NewCommand(c.root) })
	return c.err
}

// Run is the package's Run with this CLI.
func (c *CLI) Run(ctx context.Context, s Settings, sinks ...Sink) (Result, error) {
	if err := c.Find(); err != nil {
		return Result{}, err
	}
	return Run(ctx, c.cmd, s, sinks...)
}

// Remove is the package's Remove with this CLI.
func (c *CLI) Remove(ctx context.Context, s Settings) (bool, error) {
	if err := c.Find(); err != nil {
		return false, err
	}
	return Remove(ctx, c.cmd, s)
}
