package action

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/tdeploy/twilio-deploy-action/internal/ghcomment"
	"github.com/tdeploy/twilio-deploy-action/internal/guard"
	"github.com/tdeploy/twilio-deploy-action/internal/report"
)

// ReviewRequest asks for the reviewed change of a push: the sticky
// comment of (ProgramPath, Stack) on the pull request merged into Branch
// with commit SHA.
type ReviewRequest struct {
	APIURL, Token, Owner, Repo string
	SHA, Branch                string
	ProgramPath, Stack         string
}

// Review is what ReviewFunc found. PR is 0 for a direct push; Found is
// false when the pull request has no comment of ours.
type Review struct {
	PR    int
	Found bool
	Body  string
}

// ReviewFunc finds the reviewed change (ReviewedComment). A permission
// error wraps ErrForbidden.
type ReviewFunc func(ctx context.Context, req ReviewRequest) (Review, error)

// MergedPRFunc is the GitHub adapter's github.MergedPullRequest.
type MergedPRFunc func(ctx context.Context, apiURL, token, owner, repo, sha, branch string) (int, error)

// ReviewedComment is the ReviewFunc main passes: the merged pull request
// (one read), then its sticky comment through ghcomment.Find (the reads
// Upsert makes: ceil(N/100) at most).
func ReviewedComment(merged MergedPRFunc, open OpenPullRequest) ReviewFunc {
	return func(ctx context.Context, req ReviewRequest) (Review, error) {
		n, err := merged(ctx, req.APIURL, req.Token, req.Owner, req.Repo, req.SHA, req.Branch)
		if err != nil || n == 0 {
			return Review{}, forbidden(err)
		}
		api, err := open(req.APIURL, req.Token, req.Owner, req.Repo, n)
		if err != nil {
			return Review{PR: n}, err
		}
		c, ok, err := ghcomment.Find(ctx, api, ghcomment.Marker(req.ProgramPath, req.Stack))
		return Review{PR: n, Found: ok, Body: c.Body}, forbidden(err)
	}
}

func forbidden(err error) error {
	if errors.Is(err, ghcomment.ErrPermission) {
		return fmt.Errorf("%w: %v", ErrForbidden, err)
	}
	return err
}

// UnreviewedError stops an up whose change was not reviewed, with
// on-unreviewed-change: fail.
type UnreviewedError struct{ Why string }

func (e *UnreviewedError) Error() string {
	return e.Why + "; nothing was changed (on-unreviewed-change: fail). Review the change in a pull request, or rerun with on-unreviewed-change: warn."
}

// reviewed is what the guard knows before the up: rec when a comment
// recorded a change set, else why there is none.
type reviewed struct {
	pr  int
	rec guard.Recorded
	ok  bool
	why string
}

// lookUpReview runs the guard's GitHub reads. Nothing it meets fails the
// job by itself: a refused read (a fork's token) is a notice, and the
// missing review is then judged by the policy like any other.
func (r *runner) lookUpReview(ctx context.Context, rep report.Report) reviewed {
	if r.in.GitHubToken == "" {
		return reviewed{why: "no github-token input, so the reviewed change could not be read"}
	}
	owner, repo, _ := strings.Cut(r.job.GitHub.Repository, "/")
	rv, err := r.deps.Reviewed(ctx, ReviewRequest{
		APIURL: orDefaultAPI(r.job.GitHub.APIURL), Token: r.in.GitHubToken, Owner: owner, Repo: repo,
		SHA: r.plan.SHA, Branch: rep.Branch, ProgramPath: rep.ProgramPath, Stack: rep.Stack,
	})
	switch {
	case errors.Is(err, ErrForbidden):
		r.gha.Noticef("could not read the reviewed change (%v); the guard's result is in this job's summary", err)
		return reviewed{pr: rv.PR, why: "GitHub refused to show the pull request or its comment"}
	case err != nil:
		return reviewed{pr: rv.PR, why: fmt.Sprintf("the reviewed change could not be read: %v", err)}
	case rv.PR == 0:
		return reviewed{why: fmt.Sprintf("commit %s was pushed to %s directly, not merged from a pull request", short(r.plan.SHA), rep.Branch)}
	case !rv.Found:
		return reviewed{pr: rv.PR, why: fmt.Sprintf("pull request #%d has no preview comment for %s (comment-mode off, or a fork's read-only token)", rv.PR, rep.Stack)}
	}
	rec, ok, err := guard.Parse(rv.Body)
	switch {
	case err != nil:
		return reviewed{pr: rv.PR, why: fmt.Sprintf("pull request #%d's preview comment: %v", rv.PR, err)}
	case !ok:
		return reviewed{pr: rv.PR, why: fmt.Sprintf("pull request #%d's preview comment records no change set (written by an older version)", rv.PR)}
	}
	return reviewed{pr: rv.PR, rec: rec, ok: true}
}

// gate is the BeforeUp of a push's up: the preview's change set against
// the reviewed one, judged by the on-unreviewed-change input. It sets
// r.guardSummary, the side-by-side table the job summary shows.
func (r *runner) gate(rv reviewed, preview func() *report.Report) func() error {
	// The gate judges each preview (an up refused by a lock is previewed
	// again), and says each verdict once.
	said := map[string]bool{}
	tell := func(say func(string, ...any), msg string) {
		if !said[msg] {
			said[msg] = true
			say("%s", msg)
		}
	}
	return func() error {
		r.guardSummary = "" // the last preview's verdict is the one shown
		actual := guard.FromReport(preview())
		if len(actual) == 0 {
			return nil // the up changes nothing in Twilio: nothing unreviewed to ship
		}
		if rv.ok && rv.rec.Matches(actual) {
			tell(r.gha.Noticef, fmt.Sprintf("the change matches the one reviewed in pull request #%d (change set %s)", rv.pr, rv.rec.Digest))
			return nil
		}
		why := rv.why
		if rv.ok {
			why = fmt.Sprintf("the change (set %s) is not the one reviewed in pull request #%d (set %s): Twilio or the branch changed since the preview",
				guard.Digest(actual), rv.pr, rv.rec.Digest)
		}
		title := "Unreviewed change"
		r.guardSummary = fmt.Sprintf("### %s\n\n%s.\n\n%s\n", title, why, guard.SideBySide(rv.rec.Set, rv.rec.Full, actual))
		if r.in.OnUnreviewedChange == guard.Fail {
			return &UnreviewedError{Why: why}
		}
		tell(r.gha.Warningf, why+"; the up proceeds (on-unreviewed-change: warn)")
		return nil
	}
}

// orDefaultAPI is the REST base every GitHub request of the flow names:
// the job's (GITHUB_API_URL), else api.github.com.
func orDefaultAPI(u string) string {
	if u == "" {
		return "https://api.github.com"
	}
	return u
}

func short(sha string) string {
	if len(sha) > 7 {
		return sha[:7]
	}
	return sha
}
