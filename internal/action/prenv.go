package action

import (
	"context"
	"fmt"

	"github.com/tdeploy/twilio-deploy-action/internal/creds"
	"github.com/tdeploy/twilio-deploy-action/internal/event"
	"github.com/tdeploy/twilio-deploy-action/internal/prenv"
	"github.com/tdeploy/twilio-deploy-action/internal/stack"
	"github.com/tdeploy/twilio-deploy-action/internal/twilio"
)

// prEnvironment runs the pull request's own environment: its sub-account
// of the parent account (found or created), then Pulumi on stack
// pr-<number> with the sub-account's credentials; on close, the stack is
// destroyed and removed and the sub-account closed.
func (r *runner) prEnvironment(ctx context.Context, parentCreds creds.Credentials, apiURL string, cmdc <-chan cmdResult, secrets map[string]string) error {
	newParent := r.env.PRParent
	if newParent == nil {
		newParent = func(c creds.Credentials, apiURL string) (prenv.Parent, error) { return twilio.NewParent(c, apiURL) }
	}
	parent, err := newParent(parentCreds, apiURL)
	if err != nil {
		return err
	}
	pr := r.plan.PullRequest
	name := prenv.Name(r.getenv("GITHUB_REPOSITORY"), pr.Number)

	var sub prenv.Subaccount
	var found, created bool
	if r.plan.Operation == event.Up {
		sub, created, err = prenv.FindOrCreate(ctx, parent, name)
		found = err == nil
	} else {
		sub, found, err = prenv.Find(ctx, parent, name)
	}
	if err != nil {
		return fmt.Errorf("pull request #%d environment: %w", pr.Number, err)
	}
	r.mask(sub.AuthToken)
	r.phase("sub-account ready")
	if !found {
		return r.noSubaccount(ctx, parent, parentCreds, apiURL, cmdc, name)
	}
	verb := "reusing"
	if created {
		verb = "created"
	}
	fmt.Fprintf(r.out, "pull request #%d: %s sub-account %s (%s)\n", pr.Number, verb, sub.SID, name)
	r.subaccount = sub.SID

	cmd := <-cmdc
	if cmd.err != nil {
		return cmd.err
	}
	subCreds := creds.Credentials{Prefix: parentCreds.Prefix, AccountSID: sub.SID, AuthToken: sub.AuthToken}
	s, err := r.settings(subCreds, apiURL)
	if err != nil {
		return err
	}
	// A new sub-account under an existing stack (the old one was closed by
	// hand) leaves state naming resources Twilio deleted with it: refresh
	// drops them, so up creates them again instead of finding no change.
	s.Refresh = s.Refresh || created
	// The parent's secrets are scrubbed too: they are in the environment.
	if err := r.operate(ctx, cmd.cmd, s, subCreds, withParent(secrets, parentCreds)); err != nil {
		return err
	}
	if r.plan.Operation != event.Destroy {
		return nil
	}
	if err := parent.Close(ctx, sub.SID); err != nil {
		return fmt.Errorf("close sub-account %s of pull request #%d: %w", sub.SID, pr.Number, err)
	}
	fmt.Fprintf(r.out, "pull request #%d: sub-account %s closed\n", pr.Number, sub.SID)
	return nil
}

func withParent(secrets map[string]string, c creds.Credentials) map[string]string {
	out := make(map[string]string, len(secrets)+2)
	for k, v := range secrets {
		out[k] = v
	}
	for i, v := range c.Secrets() {
		out[fmt.Sprintf("parent secret %d", i)] = v
	}
	return out
}

// noSubaccount handles a pull request without an open sub-account. On
// close (nothing to destroy), when the parent shows the sub-account as
// closed (by hand: it took every resource with it) and the stack is still
// there, the stack is removed without touching Twilio. With no closed
// sub-account either (pr-parent changed, say), the stack is left alone:
// its resources may be alive elsewhere.
func (r *runner) noSubaccount(ctx context.Context, parent prenv.Parent, parentCreds creds.Credentials, apiURL string, cmdc <-chan cmdResult, name string) error {
	pr := r.plan.PullRequest
	if r.plan.Operation != event.Destroy {
		return r.skip(fmt.Sprintf("Pull request #%d has no sub-account %q: nothing to %s.", pr.Number, name, r.plan.Operation))
	}
	closed, err := parent.Closed(ctx, name)
	if err != nil {
		return fmt.Errorf("pull request #%d environment: %w", pr.Number, err)
	}
	if !closed {
		return r.skip(fmt.Sprintf("Pull request #%d has no sub-account %q under the parent (pr-parent %s): nothing to destroy. If stack %s still exists and its sub-account is gone, remove it with `pulumi stack rm %s --force`.",
			pr.Number, name, r.in.PRParent, r.target.Stack, r.target.Stack))
	}
	cmd := <-cmdc
	if cmd.err != nil {
		return cmd.err
	}
	s, err := r.settings(parentCreds, apiURL)
	if err != nil {
		return err
	}
	removed, err := stack.Remove(ctx, cmd.cmd, s)
	if err != nil {
		return fmt.Errorf("pull request #%d's sub-account %q is closed: %w", pr.Number, name, err)
	}
	if removed {
		return r.skip(fmt.Sprintf("Pull request #%d's sub-account %q was already closed, and Twilio deleted what it held: removed the stack %s it left behind.",
			pr.Number, name, r.target.Stack))
	}
	return r.skip(fmt.Sprintf("Pull request #%d's sub-account %q is closed and stack %s is gone: nothing to %s.", pr.Number, name, r.target.Stack, r.plan.Operation))
}
