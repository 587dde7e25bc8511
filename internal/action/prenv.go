package action

import (
	"context"
	"fmt"

	"github.com/tdeploy/twilio-deploy-action/internal/creds"
	"github.com/tdeploy/twilio-deploy-action/internal/event"
	"github.com/tdeploy/twilio-deploy-action/internal/prenv"
	"github.com/tdeploy/twilio-deploy-action/internal/prenv/twilioparent"
)

// prEnvironment runs the pull request's own environment: its sub-account
// of the parent account (found or created), then Pulumi on stack
// pr-<number> with the sub-account's credentials; on close, the stack is
// destroyed and removed and the sub-account closed.
func (r *runner) prEnvironment(ctx context.Context, parentCreds creds.Credentials, apiURL string, cmdc <-chan cmdResult, secrets map[string]string) error {
	newParent := r.env.PRParent
	if newParent == nil {
		newParent = func(c creds.Credentials, apiURL string) (prenv.Parent, error) { return twilioparent.New(c, apiURL) }
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
		return r.skip(fmt.Sprintf("Pull request #%d has no sub-account %q: nothing to %s; if stack %s still exists, remove it with `pulumi stack rm %s --force`.",
			pr.Number, name, r.plan.Operation, r.target.Stack, r.target.Stack))
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
