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

// OpenPullRequest opens the comment API of one pull request: main passes
// the GitHub adapter's (package github), tests a fake.
type OpenPullRequest func(apiURL, token, owner, repo string, number int) (ghcomment.API, error)

// StickyComment is the CommentFunc main passes: the sticky comment of
// (program path, stack), written through open's API. A permission error
// (a fork's read-only token, a token without pull-requests: write) wraps
// ErrForbidden so the flow degrades to the job summary.
func StickyComment(open OpenPullRequest) CommentFunc {
	return func(ctx context.Context, req CommentRequest) (string, error) {
		mode, err := ghcomment.ParseMode(req.Mode)
		if err != nil {
			return "", err
		}
		api, err := open(req.APIURL, req.Token, req.Owner, req.Repo, req.PR)
		if err != nil {
			return "", err
		}
		marker := ghcomment.Marker(req.ProgramPath, req.Stack)
		body := report.Markdown(req.Report, report.Options{Marker: marker, Secrets: req.Secrets})
		if req.Report.Operation == report.OpPreview && req.Report.Error == "" {
			// The reviewed change set, right after the marker line, for the
			// merge's up to compare with (package guard).
			line := guard.Line(guard.FromReport(req.Report))
			body = report.Markdown(req.Report, report.Options{Marker: marker, Secrets: req.Secrets, Limit: report.DefaultLimit - len(line) - 1})
			head, rest, _ := strings.Cut(body, "\n")
			body = head + "\n" + line + "\n" + rest
		}
		res, err := ghcomment.Upsert(ctx, api, marker, body, mode)
		if errors.Is(err, ghcomment.ErrPermission) {
			return "", fmt.Errorf("%w: %v", ErrForbidden, err)
		}
		return res.URL, err // a URL with an error: the comment was posted, the old one not hidden
	}
}
