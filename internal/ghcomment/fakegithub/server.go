// Package fakegithub is a local GitHub API server for tests: the issue
// comment REST calls, the issues' (issues.go), the deployments' and
// their statuses' (deployments.go) and the GraphQL
// minimizeComment mutation, served
// under /api/v3/ (REST) and /api/graphql, as GitHub Enterprise Server
// lays them out, so a client that drops the base path (an absolute-URL
// bug) hits a 404 and fails the test.
//
// It behaves as GitHub documents: comments are paged (per_page default
// 30, at most 100) with Link headers (next, last, first, prev); a body over
// 65,536 characters gets 422 Validation Failed; requests without a token
// get 401; the token in ForkToken reads but gets 403 "Resource not
// accessible by integration" on writes, like a fork pull request's
// GITHUB_TOKEN. Every request is counted by method and route.
package fakegithub

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf8"
)

// MaxBody is GitHub's comment limit in characters.
const MaxBody = 65536

// Comment is a stored issue comment.
type Comment struct {
	ID        int64
	NodeID    string
	Owner     string
	Repo      string
	Issue     int
	User      string
	Body      string
	Minimized bool
	Created   time.Time
	Updated   time.Time
}

// Server is the fake. Use New.
type Server struct {
	// URL is the REST base to give clients (GITHUB_API_URL): server + /api/v3.
	URL string
	// GraphQLURL is server + /api/graphql.
	GraphQLURL string
	// ForkToken, when a request carries it, is refused writes with 403.
	ForkToken string
	// Login is the user comments are posted as.
	Login string
	// Members are logins answered with author_association MEMBER; other
	// people are NONE, and logins ending in [bot] have user type Bot.
	Members []string
	// DisableGraphQL answers 404 at /api/graphql, as a GitHub Enterprise
	// Server behind a proxy that only passes REST might.
	DisableGraphQL bool
	// PullsForbidden answers 403 at commits/{sha}/pulls, as GitHub does
	// for a token without contents: read (pulls.go).
	PullsForbidden bool

	srv *httptest.Server
	t   testing.TB

	mu       sync.Mutex
	comments []*Comment
	issues   issueStore  // issues.go
	deploys  deployStore // deployments.go
	nextID   int64
	calls    map[string]int
	clock    time.Time
	pulls    map[string][]PullRequest
	runs     map[runKey]RunAttempt // runs.go
}

// New starts a server that stops when the test ends.
func New(t testing.TB) *Server {
	t.Helper()
	s := &Server{
		t:      t,
		Login:  "github-actions[bot]",
		nextID: 1000,
		calls:  map[string]int{},
		clock:  time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC),
	}
	s.srv = httptest.NewServer(http.HandlerFunc(s.serve))
	t.Cleanup(s.srv.Close)
	s.URL = s.srv.URL + "/api/v3"
	s.GraphQLURL = s.srv.URL + "/api/graphql"
	return s
}

// Close stops the server (also done at the end of the test).
func (s *Server) Close() { s.srv.Close() }

// AddComment stores a comment as if user had posted it, and returns it.
func (s *Server) AddComment(owner, repo string, issue int, user, body string) Comment {
	s.mu.Lock()
	defer s.mu.Unlock()
	return *s.add(owner, repo, issue, user, body)
}

func (s *Server) add(owner, repo string, issue int, user, body string) *Comment {
	s.nextID++
	s.clock = s.clock.Add(time.Second)
	c := &Comment{
		ID: s.nextID, NodeID: fmt.Sprintf("IC_kwDO%08d", s.nextID), Owner: owner, Repo: repo, Issue: issue,
		User: user, Body: strings.ReplaceAll(body, "\r\n", "\n"), Created: s.clock, Updated: s.clock,
	}
	s.comments = append(s.comments, c)
	return c
}

// Comments returns the comments of one issue or pull request, oldest first.
func (s *Server) Comments(owner, repo string, issue int) []Comment {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []Comment
	for _, c := range s.comments {
		if c.Owner == owner && c.Repo == repo && c.Issue == issue {
			out = append(out, *c)
		}
	}
	return out
}

// Calls returns the request counts by "METHOD route", for example
// "GET /repos/{owner}/{repo}/issues/{number}/comments" or
// "POST /graphql minimizeComment".
func (s *Server) Calls() map[string]int {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make(map[string]int, len(s.calls))
	for k, v := range s.calls {
		out[k] = v
	}
	return out
}

// Reads and Writes total the counted requests (GET vs anything else).
func (s *Server) Reads() int  { return s.count(true) }
func (s *Server) Writes() int { return s.count(false) }

func (s *Server) count(reads bool) int {
	n := 0
	for k, v := range s.Calls() {
		if strings.HasPrefix(k, "GET ") == reads {
			n += v
		}
	}
	return n
}

// ResetCalls zeroes the counters (to measure one run after seeding).
func (s *Server) ResetCalls() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.calls = map[string]int{}
}

// CallSummary is the counters as sorted lines, for failure messages.
func (s *Server) CallSummary() string {
	c := s.Calls()
	keys := make([]string, 0, len(c))
	for k := range c {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var b strings.Builder
	for _, k := range keys {
		fmt.Fprintf(&b, "%s: %d\n", k, c[k])
	}
	return b.String()
}

var (
	listRE    = regexp.MustCompile(`^/api/v3/repos/([^/]+)/([^/]+)/issues/(\d+)/comments$`)
	commentRE = regexp.MustCompile(`^/api/v3/repos/([^/]+)/([^/]+)/issues/comments/(\d+)$`)
)

const docs = "https://docs.github.com/rest/issues/comments"

func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	token := bearer(r.Header.Get("Authorization"))
	write := r.Method != http.MethodGet
	switch {
	case s.serveIssues(w, r, token):
		return
	case s.deployments(w, r, token):
		return
	case s.runAttempts(w, r, token):
		return
	case r.URL.Path == "/api/graphql" && r.Method == http.MethodPost:
		if s.DisableGraphQL {
			s.record("POST /graphql disabled")
			s.fail(w, http.StatusNotFound, "Not Found")
			return
		}
		s.graphql(w, r, token)
		return
	case listRE.MatchString(r.URL.Path):
		m := listRE.FindStringSubmatch(r.URL.Path)
		n, _ := strconv.Atoi(m[3])
		route := "/repos/{owner}/{repo}/issues/{number}/comments"
		if !s.auth(w, r, route, token, write) {
			return
		}
		switch r.Method {
		case http.MethodGet:
			s.list(w, r, m[1], m[2], n)
		case http.MethodPost:
			s.create(w, r, m[1], m[2], n)
		default:
			s.fail(w, http.StatusMethodNotAllowed, "Method Not Allowed")
		}
		return
	case commitPullsRE.MatchString(r.URL.Path):
		m := commitPullsRE.FindStringSubmatch(r.URL.Path)
		if s.auth(w, r, "/repos/{owner}/{repo}/commits/{sha}/pulls", token, write) {
			s.commitPulls(w, r, m[1], m[2], m[3])
		}
		return
	case commentRE.MatchString(r.URL.Path):
		m := commentRE.FindStringSubmatch(r.URL.Path)
		id, _ := strconv.ParseInt(m[3], 10, 64)
		route := "/repos/{owner}/{repo}/issues/comments/{id}"
		if !s.auth(w, r, route, token, write) {
			return
		}
		switch r.Method {
		case http.MethodGet:
			s.get(w, m[1], m[2], id)
		case http.MethodPatch:
			s.edit(w, r, m[1], m[2], id)
		case http.MethodDelete:
			s.delete(w, m[1], m[2], id)
		default:
			s.fail(w, http.StatusMethodNotAllowed, "Method Not Allowed")
		}
		return
	}
	s.record(r.Method + " UNROUTED " + r.URL.Path)
	s.t.Errorf("fakegithub: unrouted request %s %s (a URL built without the /api/v3/ base?)", r.Method, r.URL.Path)
	s.fail(w, http.StatusNotFound, "Not Found")
}

func bearer(h string) string {
	for _, p := range []string{"Bearer ", "bearer ", "token "} {
		if strings.HasPrefix(h, p) {
			return strings.TrimPrefix(h, p)
		}
	}
	return ""
}

func (s *Server) record(key string) {
	s.mu.Lock()
	s.calls[key]++
	s.mu.Unlock()
}

func (s *Server) auth(w http.ResponseWriter, r *http.Request, route, token string, write bool) bool {
	s.record(r.Method + " " + route)
	if token == "" {
		s.fail(w, http.StatusUnauthorized, "Requires authentication")
		return false
	}
	if write && s.ForkToken != "" && token == s.ForkToken {
		s.fail(w, http.StatusForbidden, "Resource not accessible by integration")
		return false
	}
	return true
}

func (s *Server) fail(w http.ResponseWriter, status int, msg string) {
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(map[string]any{"message": msg, "documentation_url": docs, "status": strconv.Itoa(status)})
}

type apiUser struct {
	Login string `json:"login"`
	Type  string `json:"type"`
}

type apiComment struct {
	ID          int64   `json:"id"`
	Association string  `json:"author_association"`
	NodeID      string  `json:"node_id"`
	URL         string  `json:"url"`
	HTMLURL     string  `json:"html_url"`
	IssueURL    string  `json:"issue_url"`
	Body        string  `json:"body"`
	User        apiUser `json:"user"`
	CreatedAt   string  `json:"created_at"`
	UpdatedAt   string  `json:"updated_at"`
}

func (s *Server) json(c *Comment) apiComment {
	typ := "User"
	if strings.HasSuffix(c.User, "[bot]") {
		typ = "Bot"
	}
	assoc := "NONE"
	for _, m := range s.Members {
		if m == c.User {
			assoc = "MEMBER"
		}
	}
	return apiComment{
		ID: c.ID, NodeID: c.NodeID, Association: assoc,
		URL:       fmt.Sprintf("%s/repos/%s/%s/issues/comments/%d", s.URL, c.Owner, c.Repo, c.ID),
		HTMLURL:   fmt.Sprintf("%s/%s/%s/pull/%d#issuecomment-%d", s.srv.URL, c.Owner, c.Repo, c.Issue, c.ID),
		IssueURL:  fmt.Sprintf("%s/repos/%s/%s/issues/%d", s.URL, c.Owner, c.Repo, c.Issue),
		Body:      c.Body,
		User:      apiUser{Login: c.User, Type: typ},
		CreatedAt: c.Created.Format(time.RFC3339),
		UpdatedAt: c.Updated.Format(time.RFC3339),
	}
}

func (s *Server) list(w http.ResponseWriter, r *http.Request, owner, repo string, issue int) {
	per, page := pageParams(r.URL.Query().Get("per_page"), r.URL.Query().Get("page"))
	all := s.Comments(owner, repo, issue)
	lo := min((page-1)*per, len(all))
	hi := min(lo+per, len(all))
	out := make([]apiComment, 0, hi-lo)
	for i := lo; i < hi; i++ {
		out = append(out, s.json(&all[i]))
	}
	s.setLinks(w, r, page, per, len(all))
	_ = json.NewEncoder(w).Encode(out)
}

func readBody(w http.ResponseWriter, r *http.Request, s *Server) (string, bool) {
	var in struct {
		Body *string `json:"body"`
	}
	b, _ := io.ReadAll(io.LimitReader(r.Body, 4<<20))
	if err := json.Unmarshal(b, &in); err != nil {
		s.fail(w, http.StatusBadRequest, "Problems parsing JSON")
		return "", false
	}
	if in.Body == nil {
		s.validation(w, "missing_field", "body is missing")
		return "", false
	}
	if n := utf8.RuneCountInString(*in.Body); n > MaxBody {
		s.validation(w, "custom", fmt.Sprintf("body is too long (maximum is %d characters)", MaxBody))
		return "", false
	}
	return *in.Body, true
}

// validation answers GitHub's 422 shape.
func (s *Server) validation(w http.ResponseWriter, code, msg string) {
	w.WriteHeader(http.StatusUnprocessableEntity)
	_ = json.NewEncoder(w).Encode(map[string]any{
		"message":           "Validation Failed",
		"errors":            []map[string]string{{"resource": "IssueComment", "code": code, "field": "body", "message": msg}},
		"documentation_url": docs + "#create-an-issue-comment",
		"status":            "422",
	})
}

func (s *Server) create(w http.ResponseWriter, r *http.Request, owner, repo string, issue int) {
	body, ok := readBody(w, r, s)
	if !ok {
		return
	}
	s.mu.Lock()
	c := s.add(owner, repo, issue, s.Login, body)
	out := s.json(c)
	s.mu.Unlock()
	writeCreated(w, out.URL, out)
}

func (s *Server) find(owner, repo string, id int64) *Comment {
	for _, c := range s.comments {
		if c.ID == id && c.Owner == owner && c.Repo == repo {
			return c
		}
	}
	return nil
}

func (s *Server) get(w http.ResponseWriter, owner, repo string, id int64) {
	s.mu.Lock()
	c := s.find(owner, repo, id)
	var out apiComment
	if c != nil {
		out = s.json(c)
	}
	s.mu.Unlock()
	if c == nil {
		s.fail(w, http.StatusNotFound, "Not Found")
		return
	}
	_ = json.NewEncoder(w).Encode(out)
}

func (s *Server) edit(w http.ResponseWriter, r *http.Request, owner, repo string, id int64) {
	body, ok := readBody(w, r, s)
	if !ok {
		return
	}
	s.mu.Lock()
	c := s.find(owner, repo, id)
	var out apiComment
	if c != nil {
		s.clock = s.clock.Add(time.Second)
		c.Body, c.Updated = strings.ReplaceAll(body, "\r\n", "\n"), s.clock
		out = s.json(c)
	}
	s.mu.Unlock()
	if c == nil {
		s.fail(w, http.StatusNotFound, "Not Found")
		return
	}
	_ = json.NewEncoder(w).Encode(out)
}

func (s *Server) delete(w http.ResponseWriter, owner, repo string, id int64) {
	s.mu.Lock()
	found := false
	for i, c := range s.comments {
		if c.ID == id && c.Owner == owner && c.Repo == repo {
			s.comments = append(s.comments[:i], s.comments[i+1:]...)
			found = true
			break
		}
	}
	s.mu.Unlock()
	if !found {
		s.fail(w, http.StatusNotFound, "Not Found")
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// graphql serves the minimizeComment mutation as GitHub does: HTTP 200
// with data, or with an errors list.
func (s *Server) graphql(w http.ResponseWriter, r *http.Request, token string) {
	var in struct {
		Query     string            `json:"query"`
		Variables map[string]string `json:"variables"`
	}
	b, _ := io.ReadAll(io.LimitReader(r.Body, 1<<20))
	_ = json.Unmarshal(b, &in)
	if !strings.Contains(in.Query, "minimizeComment") {
		s.record("POST /graphql other")
		s.t.Errorf("fakegithub: unsupported GraphQL query %q", in.Query)
		s.fail(w, http.StatusBadRequest, "unsupported query")
		return
	}
	s.record("POST /graphql minimizeComment")
	if token == "" {
		w.WriteHeader(http.StatusUnauthorized)
		_ = json.NewEncoder(w).Encode(map[string]any{"message": "This endpoint requires you to be authenticated.", "documentation_url": "https://docs.github.com/graphql/guides/forming-calls-with-graphql#authenticating-with-graphql"})
		return
	}
	gqlErr := func(typ, msg string) {
		_ = json.NewEncoder(w).Encode(map[string]any{
			"data":   map[string]any{"minimizeComment": nil},
			"errors": []map[string]any{{"type": typ, "path": []string{"minimizeComment"}, "message": msg}},
		})
	}
	if s.ForkToken != "" && token == s.ForkToken {
		gqlErr("FORBIDDEN", "Resource not accessible by integration")
		return
	}
	id := in.Variables["id"]
	s.mu.Lock()
	var c *Comment
	for _, x := range s.comments {
		if x.NodeID == id {
			c = x
		}
	}
	if c != nil {
		c.Minimized = true
	}
	s.mu.Unlock()
	if c == nil {
		gqlErr("NOT_FOUND", fmt.Sprintf("Could not resolve to a node with the global id of '%s'", id))
		return
	}
	_ = json.NewEncoder(w).Encode(map[string]any{"data": map[string]any{"minimizeComment": map[string]any{"minimizedComment": map[string]any{"isMinimized": true}}}})
}

// writeCreated answers 201 with v, and a Location header when GitHub
// sends one (comments and issues; not deployments or statuses).
func writeCreated(w http.ResponseWriter, location string, v any) {
	if location != "" {
		w.Header().Set("Location", location)
	}
	w.WriteHeader(http.StatusCreated)
	_ = json.NewEncoder(w).Encode(v)
}
