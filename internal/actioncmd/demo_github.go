package actioncmd

import (
	"context"
	"errors"
	"fmt"
	"sync"

	"github.com/tdeploy/twilio-deploy-action/internal/ghcomment"
)

// demoPullRequest is the demo's one pull request, held in memory: the
// action writes its sticky comment here through the same Upsert it uses
// on GitHub, and the merge's push reads it back for the reviewed-change
// guard, so the demo shows both without leaving the machine.
type demoPullRequest struct {
	mu       sync.Mutex
	number   int
	mergeSHA string // the commit whose push merged it
	comments []ghcomment.Comment
}

var _ ghcomment.API = (*demoPullRequest)(nil)

// body is the sticky comment's body, "" before the first preview.
func (d *demoPullRequest) body() string {
	d.mu.Lock()
	defer d.mu.Unlock()
	if len(d.comments) == 0 {
		return ""
	}
	return d.comments[len(d.comments)-1].Body
}

// open is the OpenPullRequest of the demo: this pull request only.
func (d *demoPullRequest) open(_, _, _, _ string, number int) (ghcomment.API, error) {
	if number != d.number {
		return nil, fmt.Errorf("the demo has no pull request #%d", number)
	}
	return d, nil
}

// merged is the MergedPRFunc of the demo: the push of mergeSHA merged
// this pull request into main; any other push is a direct one.
func (d *demoPullRequest) merged(_ context.Context, _, _, _, _, sha, branch string) (int, error) {
	if sha == d.mergeSHA && branch == "main" {
		return d.number, nil
	}
	return 0, nil
}

func (d *demoPullRequest) ListComments(context.Context, int) (ghcomment.Page, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	return ghcomment.Page{Comments: append([]ghcomment.Comment(nil), d.comments...)}, nil
}

func (d *demoPullRequest) CreateComment(_ context.Context, body string) (ghcomment.Comment, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	c := ghcomment.Comment{ID: int64(len(d.comments) + 1), Body: body, Trusted: true}
	d.comments = append(d.comments, c)
	return c, nil
}

func (d *demoPullRequest) EditComment(_ context.Context, id int64, body string) (ghcomment.Comment, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	for i := range d.comments {
		if d.comments[i].ID == id {
			d.comments[i].Body = body
			return d.comments[i], nil
		}
	}
	return ghcomment.Comment{}, errors.New("no such comment")
}

func (d *demoPullRequest) DeleteComment(context.Context, int64) error {
	return errors.New("the demo never deletes a comment (comment-mode update)")
}

func (d *demoPullRequest) MinimizeComment(context.Context, string) error {
	return errors.New("the demo never hides a comment (comment-mode update)")
}
