package action

import (
	"context"
	"errors"
	"fmt"
	"net/http"

	"github.com/tdeploy/twilio-deploy-action/internal/ghcomment"
	"github.com/tdeploy/twilio-deploy-action/internal/report"
)

// GitHubComment is the CommentFunc main passes: the sticky comment of
// (program path, stack) through the GitHub API, with hc. A permission
// error (a fork's read-only token, a token without pull-requests: write)
// wraps ErrForbidden so the flow degrades to the job summary.
func GitHubComment(hc *http.Client) CommentFunc {
	return func(ctx context.Context, req CommentRequest) (string, error) { return postComment(ctx, hc, req) }
}

func postComment(ctx context.Context, hc *http.Client, req CommentRequest) (string, error) {
	mode, err := ghcomment.ParseMode(req.Mode)
	if err != nil {
		return "", err
	}
	api, err := ghcomment.NewGitHub(hc, req.APIURL, req.Token, req.Owner, req.Repo, req.PR)
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
