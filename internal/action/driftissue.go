package action

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/tdeploy/twilio-deploy-action/internal/driftissue"
	"github.com/tdeploy/twilio-deploy-action/internal/ghcomment"
	"github.com/tdeploy/twilio-deploy-action/internal/report"
)

// OpenRepository opens the issues API of one repository: main passes the
// GitHub adapter's (package github), tests a fake.
type OpenRepository func(apiURL, token, owner, repo string) (driftissue.API, error)

// DriftIssueRequest is one drift check's outcome for the stack's issue.
type DriftIssueRequest struct {
	APIURL, Token string
	Owner, Repo   string
	Report        *report.Report // the drift run's
	Drifted       bool
	Secrets       []string
	RunURL        string
}

// DriftIssueFunc brings the stack's drift issue in line with a drift check.
type DriftIssueFunc func(ctx context.Context, req DriftIssueRequest) (driftissue.Result, error)

// ErrIssueForbidden is what a DriftIssueFunc wraps when GitHub refuses
// (403 or 404: a token without issues: write; 410: issues turned off),
// so the flow degrades to the job summary.
var ErrIssueForbidden = errors.New("GitHub refused the drift issue")

// DriftIssue is the DriftIssueFunc main passes: package driftissue's
// Sync through open's API.
func DriftIssue(open OpenRepository) DriftIssueFunc {
	return func(ctx context.Context, req DriftIssueRequest) (driftissue.Result, error) {
		api, err := open(req.APIURL, req.Token, req.Owner, req.Repo)
		if err != nil {
			return driftissue.Result{}, err
		}
		c := driftissue.Check{ProgramPath: req.Report.ProgramPath, Stack: req.Report.Stack, Drifted: req.Drifted, RunURL: req.RunURL}
		if req.Drifted {
			c.Body = driftissue.Body(req.Report, req.Secrets)
		}
		res, err := driftissue.Sync(ctx, api, c)
		var perm *ghcomment.PermissionError
		if errors.As(err, &perm) {
			hint := "the job's token needs the issues: write permission"
			if perm.Status == 410 {
				hint = "issues are turned off in this repository"
			}
			return res, fmt.Errorf("%w: %s: GitHub answered %d (%s)", ErrIssueForbidden, perm.Op, perm.Status, hint)
		}
		return res, err
	}
}

// syncDriftIssue opens, updates or closes the stack's drift issue after a
// drift check that ran to its end (a failed check says nothing of the
// drift, so it leaves the issue alone). It returns the job summary's
// Markdown, with a note prepended when GitHub refused, and runErr, or the
// error that failed the run here when runErr is nil.
func (r *runner) syncDriftIssue(ctx context.Context, rep *report.Report, scrub []string, md string, runErr error) (string, error) {
	if runErr != nil || rep.Result == report.ResultFailed || rep.Result == report.ResultCancelled {
		return md, runErr
	}
	var res driftissue.Result
	err := fmt.Errorf("%w: no github-token input", ErrIssueForbidden)
	if r.in.GitHubToken != "" {
		owner, repo, _ := strings.Cut(r.job.GitHub.Repository, "/")
		res, err = r.deps.DriftIssue(ctx, DriftIssueRequest{
			APIURL: orDefaultAPI(r.job.GitHub.APIURL), Token: r.in.GitHubToken, Owner: owner, Repo: repo,
			Report: rep, Drifted: len(rep.Changes()) > 0, Secrets: scrub, RunURL: r.runURL(),
		})
	}
	switch {
	case errors.Is(err, ErrIssueForbidden):
		msg := fmt.Sprintf("Could not open, update or close the drift issue of stack %s (%v); the report is in this job's summary.", rep.Stack, err)
		r.gha.Noticef("%s", msg)
		return "> [!NOTE]\n> " + msg + "\n\n" + md, runErr
	case err != nil:
		return md, fmt.Errorf("drift issue: %w", err)
	case res.Action != driftissue.None:
		fmt.Fprintf(r.out, "drift issue #%d %s: %s\n", res.Number, res.Action, res.URL)
	}
	return md, runErr
}
