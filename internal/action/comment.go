package action

import (
	"context"
	"errors"
	"fmt"

	"github.com/tdeploy/twilio-deploy-action/internal/ghcomment"
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
		res, err := ghcomment.Upsert(ctx, api, marker, body, mode)
		if errors.Is(err, ghcomment.ErrPermission) {
			return "", fmt.Errorf("%w: %v", ErrForbidden, err)
		}
		return res.URL, err // a URL with an error: the comment was posted, the old one not hidden
	}
}
