// Package ghcomment keeps one sticky pull request comment per (program
// path, stack): found by a hidden marker, edited in place, never
// duplicated, and not written at all when the body has not changed.
//
// The flow lives here over a narrow API interface bound to one pull
// request, and imports nothing of GitHub's: package github (the adapter)
// implements API with go-github v60, and fakegithub serves the same REST
// and GraphQL calls for tests.
//
//	api, err := github.NewPullRequest(httpClient, apiURL, token, owner, repo, pr)
//	marker := ghcomment.Marker(programPath, stack)
//	body := report.Markdown(rep, report.Options{Marker: marker, Secrets: creds})
//	res, err := ghcomment.Upsert(ctx, api, marker, body, mode)
//	var perm *ghcomment.PermissionError
//	if errors.As(err, &perm) { /* fork PR or read-only token: job summary + notice */ }
//
// Calls per run, with N comments on the PR and P = ceil(N/100) pages:
// reads are at most P (the first page, then from the last page backwards
// until the newest marked comment is found); writes are 0 when the body is
// unchanged, else 1 in update mode (edit or create) and 2 in recreate mode
// (create the new comment, then hide the old one).
//
// Only comments written by a bot or by a repository owner, member or
// collaborator count: an outsider cannot plant a marked comment for the
// Action to edit. Two runs of the same (path, stack) racing can leave two
// comments; later runs edit the newest.
//
// Recreate hides the old comment with the GraphQL minimizeComment mutation
// (classifier OUTDATED), posted to the GraphQL endpoint of the same host
// (…/api/graphql for GitHub Enterprise Server, /graphql for api.github.com);
// if that call fails for any reason but a permission error, it deletes the
// old comment instead. A minimized comment keeps its marker, so the newest
// marked comment is always the live one.
package ghcomment

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"
)

// MaxBody is GitHub's limit on a comment body, in characters.
const MaxBody = 65536

// Comment is the part of an issue comment the flow needs.
type Comment struct {
	ID     int64
	NodeID string // GraphQL id, for minimizeComment
	Body   string
	URL    string // html_url
	// Trusted is set for comments a bot or a repository owner, member or
	// collaborator wrote. Only those are taken as the sticky comment: an
	// outsider who posts a comment starting with the marker must not make
	// the Action edit it (GitHub would refuse, and the comment would be
	// lost to a permission error).
	Trusted bool
}

// Page is one page of a pull request's comments, oldest first.
type Page struct {
	Comments []Comment
	Next     int // next page number, 0 on the last page
	Last     int // last page number (from the Link header), 0 when this is the last
}

// API is the set of GitHub calls Upsert makes, bound to one pull request.
type API interface {
	ListComments(ctx context.Context, page int) (Page, error)
	CreateComment(ctx context.Context, body string) (Comment, error)
	EditComment(ctx context.Context, id int64, body string) (Comment, error)
	DeleteComment(ctx context.Context, id int64) error
	MinimizeComment(ctx context.Context, nodeID string) error
}

// Mode is the comment-mode input.
type Mode string

// Modes.
const (
	ModeUpdate   Mode = "update"   // edit the sticky comment in place (default)
	ModeRecreate Mode = "recreate" // post a new comment, hide the old one
	ModeOff      Mode = "off"      // do not comment
)

// ParseMode reads the comment-mode input; empty means update.
func ParseMode(s string) (Mode, error) {
	switch m := Mode(strings.ToLower(strings.TrimSpace(s))); m {
	case "":
		return ModeUpdate, nil
	case ModeUpdate, ModeRecreate, ModeOff:
		return m, nil
	}
	return "", fmt.Errorf("comment-mode %q is not one of update, recreate, off", s)
}

// Action says what Upsert did.
type Action string

// Actions.
const (
	Created   Action = "created"
	Updated   Action = "updated"
	Unchanged Action = "unchanged"
	Recreated Action = "recreated"
	Skipped   Action = "skipped" // mode off
)

// Result is the outcome of Upsert.
type Result struct {
	Action    Action
	URL       string // the live comment's html_url ("" when skipped)
	CommentID int64
}

// ErrPermission is matched (errors.Is) by every PermissionError.
var ErrPermission = errors.New("no permission to comment on the pull request")

// PermissionError is a 403 or 404 from GitHub: a pull request from a fork,
// a token without pull-requests: write, or a repository the token cannot
// see. The Action degrades to the job summary with a notice.
type PermissionError struct {
	Op     string // list comments, create comment, ...
	Status int
	Err    error
}

func (e *PermissionError) Error() string {
	return fmt.Sprintf("%s: GitHub answered %d (a fork pull request or a token without pull-requests: write?): %v", e.Op, e.Status, e.Err)
}

func (e *PermissionError) Unwrap() error        { return e.Err }
func (e *PermissionError) Is(target error) bool { return target == ErrPermission }

// StatusError is any other HTTP error from GitHub.
type StatusError struct {
	Op     string
	Status int
	Err    error
}

func (e *StatusError) Error() string {
	return fmt.Sprintf("%s: GitHub answered %d: %v", e.Op, e.Status, e.Err)
}

func (e *StatusError) Unwrap() error { return e.Err }

// ErrTooLarge is returned, before any call, for a body over MaxBody
// characters (report.Markdown never produces one).
var ErrTooLarge = errors.New("comment body is over GitHub's 65536 characters")

// Marker is the hidden HTML comment that identifies the sticky comment of
// one program path and stack. Characters that could end the HTML comment
// or the line are percent-encoded.
func Marker(path, stack string) string {
	p := strings.TrimPrefix(strings.Trim(path, "/"), "./")
	if p == "" {
		p = "."
	}
	return "<!-- twilio-deploy-action: " + markerEscape(p) + " " + markerEscape(stack) + " -->"
}

func markerEscape(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9',
			c == '.', c == '_', c == '/', c == '~', c == '+', c == '=', c == ':', c == '@', c == ',':
			b.WriteByte(c)
		case c == '-' && (i+1 >= len(s) || s[i+1] != '-'):
			b.WriteByte(c) // a lone hyphen; "--" is encoded so no "-->" can form
		default:
			fmt.Fprintf(&b, "%%%02X", c)
		}
	}
	return b.String()
}

// Upsert writes body as the sticky comment identified by marker. The
// marker is prepended to body unless body starts with it (as
// report.Markdown writes it with Options.Marker).
func Upsert(ctx context.Context, api API, marker, body string, mode Mode) (Result, error) {
	if mode == "" {
		mode = ModeUpdate
	}
	if mode == ModeOff {
		return Result{Action: Skipped}, nil
	}
	if mode != ModeUpdate && mode != ModeRecreate {
		return Result{}, fmt.Errorf("upsert comment: unknown mode %q", mode)
	}
	if !strings.HasPrefix(body, marker) {
		body = marker + "\n" + body
	}
	if n := utf8.RuneCountInString(body); n > MaxBody {
		return Result{}, fmt.Errorf("upsert comment: %w (%d)", ErrTooLarge, n)
	}
	old, found, err := findNewest(ctx, api, marker)
	if err != nil {
		return Result{}, err
	}
	if found && SameBody(old.Body, body) {
		return Result{Action: Unchanged, URL: old.URL, CommentID: old.ID}, nil
	}
	if found && mode == ModeUpdate {
		c, err := api.EditComment(ctx, old.ID, body)
		if err != nil {
			return Result{}, err
		}
		return Result{Action: Updated, URL: orURL(c.URL, old.URL), CommentID: old.ID}, nil
	}
	c, err := api.CreateComment(ctx, body)
	if err != nil {
		return Result{}, err
	}
	if !found {
		return Result{Action: Created, URL: c.URL, CommentID: c.ID}, nil
	}
	// Recreate: the new comment is up; now hide the old one. On failure
	// the result still describes the new comment.
	if err := hide(ctx, api, old); err != nil {
		return Result{Action: Recreated, URL: c.URL, CommentID: c.ID}, err
	}
	return Result{Action: Recreated, URL: c.URL, CommentID: c.ID}, nil
}

func orURL(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// SameBody compares a body as GitHub stores it (it normalizes CRLF to
// LF) with one about to be written: equal means no write is needed.
func SameBody(stored, body string) bool {
	return strings.ReplaceAll(stored, "\r\n", "\n") == strings.ReplaceAll(body, "\r\n", "\n")
}

// hide minimizes the old comment, or deletes it when minimizing fails
// (no GraphQL endpoint, no node id, or GraphQL refused).
func hide(ctx context.Context, api API, old Comment) error {
	err := api.MinimizeComment(ctx, old.NodeID)
	if err == nil {
		return nil
	}
	if derr := api.DeleteComment(ctx, old.ID); derr != nil {
		return fmt.Errorf("hide old comment: minimize: %v; delete: %w", err, derr)
	}
	return nil
}

// Find returns the newest trusted comment holding marker, as Upsert finds
// it (the guard reads the reviewed change set from it), with the same reads.
func Find(ctx context.Context, api API, marker string) (Comment, bool, error) {
	return findNewest(ctx, api, marker)
}

// findNewest returns the newest comment holding marker. It reads the
// first page, then the others from the last backwards, and stops at the
// first page (from the end) with a match: at most one read per page.
func findNewest(ctx context.Context, api API, marker string) (Comment, bool, error) {
	first, err := api.ListComments(ctx, 1)
	if err != nil {
		return Comment{}, false, err
	}
	last := first.Last
	if last == 0 && first.Next != 0 {
		// No rel="last" (GitHub omits it on some endpoints): walk forward.
		return walkForward(ctx, api, marker, first)
	}
	for p := last; p > 1; p-- {
		page, err := api.ListComments(ctx, p)
		if err != nil {
			return Comment{}, false, err
		}
		if c, ok := newestIn(page.Comments, marker); ok {
			return c, true, nil
		}
	}
	c, ok := newestIn(first.Comments, marker)
	return c, ok, nil
}

func walkForward(ctx context.Context, api API, marker string, page Page) (Comment, bool, error) {
	var best Comment
	found := false
	for seen := 1; ; seen++ {
		if c, ok := newestIn(page.Comments, marker); ok {
			best, found = c, true
		}
		if page.Next == 0 {
			return best, found, nil
		}
		if seen > 10000 {
			return Comment{}, false, errors.New("list comments: more than 10000 pages")
		}
		var err error
		if page, err = api.ListComments(ctx, page.Next); err != nil {
			return Comment{}, false, err
		}
	}
}

// newestIn returns the last trusted comment in page order whose body
// starts with the marker line (a quote of our comment does not count).
func newestIn(cs []Comment, marker string) (Comment, bool) {
	for i := len(cs) - 1; i >= 0; i-- {
		if cs[i].Trusted && strings.HasPrefix(strings.TrimLeft(cs[i].Body, " \t\r\n"), marker) {
			return cs[i], true
		}
	}
	return Comment{}, false
}
