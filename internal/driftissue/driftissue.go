// Package driftissue keeps one GitHub issue per (program path, stack) for
// the scheduled drift check: opened when the check finds drift, its body
// edited while the drift persists (only when the drift changed), closed
// with a comment when the stack matches Twilio again.
//
// The issue has a fixed title (Title) and the label Label, and is found
// again by the hidden marker (Marker) that starts its body; only issues a
// bot or a repository owner, member or collaborator opened count, so an
// outsider cannot plant one for the Action to edit. The flow lives here
// over a narrow API bound to one repository and imports nothing of
// GitHub's: package github implements API, fakegithub serves it in tests.
//
//	api, _ := github.NewRepository(httpClient, apiURL, token, owner, repo)
//	body := driftissue.Body(rep, secrets) // rep: the drift run's report
//	res, err := driftissue.Sync(ctx, api, driftissue.Check{ProgramPath: p, Stack: s, Drifted: true, Body: body})
//
// Calls per run: reads are one list of the open issues with the label,
// newest first, plus one per further page until the marked one is found
// (one page of 100 in practice). Writes: drift and no issue, 1 (create);
// drift and a different body, 1 (edit); the same body, 0; no drift and an
// open issue, 2 (comment, then close); no drift and no issue, 0.
package driftissue

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"unicode/utf8"

	"github.com/tdeploy/twilio-deploy-action/internal/ghcomment"
	"github.com/tdeploy/twilio-deploy-action/internal/report"
)

// Label is the label every drift issue carries; the list call filters on
// it, so a repository's other open issues cost no reads.
const Label = "twilio-drift"

// MaxBody is GitHub's limit on an issue body, in characters.
const MaxBody = 65536

// maxPages bounds the walk through the open issues with the label.
const maxPages = 1000

// Issue is the part of a GitHub issue the flow needs.
type Issue struct {
	Number int
	Body   string
	URL    string // html_url
	// Trusted is set for issues a bot or a repository owner, member or
	// collaborator opened.
	Trusted bool
}

// Page is one page of open issues with a label, newest first.
type Page struct {
	Issues []Issue
	Next   int // next page number, 0 on the last page
}

// API is the set of GitHub calls Sync makes, bound to one repository.
type API interface {
	// ListOpen lists the open issues (not pull requests) with label.
	ListOpen(ctx context.Context, label string, page int) (Page, error)
	Create(ctx context.Context, title, body string, labels []string) (Issue, error)
	Edit(ctx context.Context, number int, body string) (Issue, error)
	Comment(ctx context.Context, number int, body string) error
	// Close closes the issue as completed.
	Close(ctx context.Context, number int) error
}

// Check is the outcome of one drift check of a stack.
type Check struct {
	ProgramPath string
	Stack       string
	Drifted     bool
	Body        string // the issue body when Drifted (Body builds it)
	RunURL      string // the workflow run, linked from the closing comment
}

// Action says what Sync did.
type Action string

// Actions.
const (
	Opened    Action = "opened"
	Updated   Action = "updated"
	Unchanged Action = "unchanged" // drift, the same body: no write
	Closed    Action = "closed"
	None      Action = "none" // no drift, no open issue: no write
)

// Result is the outcome of Sync.
type Result struct {
	Action Action
	Number int    // the issue's number (0 for None)
	URL    string // its html_url
}

// ErrTooLarge is returned, before any call, for a body over MaxBody
// characters (Body never produces one).
var ErrTooLarge = errors.New("issue body is over GitHub's 65536 characters")

// Title is the issue's fixed title.
func Title(path, stack string) string {
	if p := cleanPath(path); p != "." {
		return fmt.Sprintf("Drift: stack %s (%s) differs from Twilio", stack, p)
	}
	return fmt.Sprintf("Drift: stack %s differs from Twilio", stack)
}

// Marker is the hidden HTML comment that starts the issue's body. The
// path and the stack are path-escaped, so neither can end the comment.
func Marker(path, stack string) string {
	return "<!-- twilio-deploy-action drift: " + url.PathEscape(cleanPath(path)) + " " + url.PathEscape(stack) + " -->"
}

func cleanPath(path string) string {
	p := strings.TrimPrefix(strings.Trim(path, "/"), "./")
	if p == "" {
		return "."
	}
	return p
}

const intro = "The scheduled drift check found that Twilio differs from this stack's state. " +
	"This issue is updated while the drift persists and closed when the stack matches Twilio again: " +
	"run `up` to put Twilio back, or change the program to accept what changed.\n\n"

// Body is the issue body for the report of a drift run: the marker, a
// line saying what the issue is, and the report masked with secrets. The
// raw log, the commit and the run's link are left out: they change on
// every run, and the body must stay the same while the drift does, so
// that an unchanged drift costs no write.
func Body(rep *report.Report, secrets []string) string {
	r := *rep
	r.Log, r.Commit, r.RunURL = "", "", ""
	marker := Marker(r.ProgramPath, r.Stack)
	head := marker + "\n" + intro
	// Markdown's limit is in bytes, which are never fewer than characters.
	md := report.Markdown(&r, report.Options{Secrets: secrets, Limit: MaxBody - len(head)})
	return head + md
}

// Sync brings the stack's drift issue in line with c: see the package
// doc for the calls it makes.
func Sync(ctx context.Context, api API, c Check) (Result, error) {
	marker := Marker(c.ProgramPath, c.Stack)
	body := c.Body
	if c.Drifted {
		if !strings.HasPrefix(body, marker) {
			body = marker + "\n" + body
		}
		if n := utf8.RuneCountInString(body); n > MaxBody {
			return Result{}, fmt.Errorf("drift issue: %w (%d)", ErrTooLarge, n)
		}
	}
	old, found, err := find(ctx, api, marker)
	if err != nil {
		return Result{}, err
	}
	switch {
	case !c.Drifted && !found:
		return Result{Action: None}, nil
	case !c.Drifted:
		msg := fmt.Sprintf("The drift check found that stack `%s` matches Twilio again; closing.", c.Stack)
		if c.RunURL != "" {
			msg += " ([run](" + c.RunURL + "))"
		}
		// Comment first: a reader of the closed issue sees why.
		if err := api.Comment(ctx, old.Number, msg); err != nil {
			return Result{}, err
		}
		if err := api.Close(ctx, old.Number); err != nil {
			return Result{}, err
		}
		return Result{Action: Closed, Number: old.Number, URL: old.URL}, nil
	case !found:
		is, err := api.Create(ctx, Title(c.ProgramPath, c.Stack), body, []string{Label})
		if err != nil {
			return Result{}, err
		}
		return Result{Action: Opened, Number: is.Number, URL: is.URL}, nil
	case ghcomment.SameBody(old.Body, body):
		return Result{Action: Unchanged, Number: old.Number, URL: old.URL}, nil
	}
	is, err := api.Edit(ctx, old.Number, body)
	if err != nil {
		return Result{}, err
	}
	if is.URL == "" {
		is.URL = old.URL
	}
	return Result{Action: Updated, Number: old.Number, URL: is.URL}, nil
}

// find returns the newest trusted open issue whose body starts with
// marker, walking the pages until it has one.
func find(ctx context.Context, api API, marker string) (Issue, bool, error) {
	for p, n := 1, 0; p != 0; n++ {
		if n == maxPages {
			return Issue{}, false, fmt.Errorf("list issues: more than %d pages", maxPages)
		}
		page, err := api.ListOpen(ctx, Label, p)
		if err != nil {
			return Issue{}, false, err
		}
		for _, is := range page.Issues {
			if is.Trusted && strings.HasPrefix(strings.TrimLeft(is.Body, " \t\r\n"), marker) {
				return is, true, nil
			}
		}
		p = page.Next
	}
	return Issue{}, false, nil
}
