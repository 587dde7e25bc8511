package fakegithub

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// Issue is a stored issue.
type Issue struct {
	Number      int
	Owner       string
	Repo        string
	User        string
	Title       string
	Body        string
	Labels      []string
	State       string // open or closed
	StateReason string // completed, not_planned, reopened or ""
	Created     time.Time
	Updated     time.Time
}

// issueStore is the server's issues. Their numbers start at 100, clear of
// the pull request numbers tests use (GitHub numbers both alike).
type issueStore struct {
	list     []*Issue
	next     int
	disabled bool
}

const issuesDocs = "https://docs.github.com/rest/issues/issues"

var (
	issuesRE = regexp.MustCompile(`^/api/v3/repos/([^/]+)/([^/]+)/issues$`)
	issueRE  = regexp.MustCompile(`^/api/v3/repos/([^/]+)/([^/]+)/issues/(\d+)$`)
)

// DisableIssues turns the repositories' issues off: creating or editing
// one gets 410 Gone, as GitHub answers then.
func (s *Server) DisableIssues() {
	s.mu.Lock()
	s.issues.disabled = true
	s.mu.Unlock()
}

// AddIssue stores an open issue as if user had opened it, and returns it.
func (s *Server) AddIssue(owner, repo, user, title, body string, labels ...string) Issue {
	s.mu.Lock()
	defer s.mu.Unlock()
	return *s.addIssue(owner, repo, user, title, body, labels)
}

func (s *Server) addIssue(owner, repo, user, title, body string, labels []string) *Issue {
	if s.issues.next == 0 {
		s.issues.next = 100
	}
	s.issues.next++
	s.clock = s.clock.Add(time.Second)
	is := &Issue{Number: s.issues.next, Owner: owner, Repo: repo, User: user, Title: title,
		Body: strings.ReplaceAll(body, "\r\n", "\n"), Labels: slices.Clone(labels), State: "open", Created: s.clock, Updated: s.clock}
	s.issues.list = append(s.issues.list, is)
	return is
}

// Issues returns the issues of a repository, oldest first.
func (s *Server) Issues(owner, repo string) []Issue {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []Issue
	for _, is := range s.issues.list {
		if is.Owner == owner && is.Repo == repo {
			c := *is
			c.Labels = slices.Clone(is.Labels)
			out = append(out, c)
		}
	}
	return out
}

// serveIssues answers the issues routes (list, create, edit) and
// reports whether r was one of them.
func (s *Server) serveIssues(w http.ResponseWriter, r *http.Request, token string) bool {
	write := r.Method != http.MethodGet
	if m := issuesRE.FindStringSubmatch(r.URL.Path); m != nil {
		if !s.auth(w, r, "/repos/{owner}/{repo}/issues", token, write) {
			return true
		}
		switch r.Method {
		case http.MethodGet:
			s.listIssues(w, r, m[1], m[2])
		case http.MethodPost:
			s.createIssue(w, r, m[1], m[2])
		default:
			s.fail(w, http.StatusMethodNotAllowed, "Method Not Allowed")
		}
		return true
	}
	if m := issueRE.FindStringSubmatch(r.URL.Path); m != nil {
		if !s.auth(w, r, "/repos/{owner}/{repo}/issues/{number}", token, write) {
			return true
		}
		n, _ := strconv.Atoi(m[3])
		if r.Method != http.MethodPatch {
			s.fail(w, http.StatusMethodNotAllowed, "Method Not Allowed")
			return true
		}
		s.editIssue(w, r, m[1], m[2], n)
		return true
	}
	return false
}

type apiLabel struct {
	Name string `json:"name"`
}

type apiIssue struct {
	ID          int64      `json:"id"`
	NodeID      string     `json:"node_id"`
	Number      int        `json:"number"`
	Title       string     `json:"title"`
	Body        string     `json:"body"`
	State       string     `json:"state"`
	StateReason *string    `json:"state_reason"`
	Labels      []apiLabel `json:"labels"`
	User        apiUser    `json:"user"`
	Association string     `json:"author_association"`
	URL         string     `json:"url"`
	HTMLURL     string     `json:"html_url"`
	CreatedAt   string     `json:"created_at"`
	UpdatedAt   string     `json:"updated_at"`
}

func (s *Server) issueJSON(is *Issue) apiIssue {
	typ, assoc := "User", "NONE"
	if strings.HasSuffix(is.User, "[bot]") {
		typ = "Bot"
	}
	if slices.Contains(s.Members, is.User) {
		assoc = "MEMBER"
	}
	out := apiIssue{
		ID: int64(is.Number) * 1000, NodeID: fmt.Sprintf("I_kwDO%08d", is.Number), Number: is.Number, Title: is.Title, Body: is.Body,
		State: is.State, Labels: []apiLabel{}, User: apiUser{Login: is.User, Type: typ}, Association: assoc,
		URL:       fmt.Sprintf("%s/repos/%s/%s/issues/%d", s.URL, is.Owner, is.Repo, is.Number),
		HTMLURL:   fmt.Sprintf("%s/%s/%s/issues/%d", s.srv.URL, is.Owner, is.Repo, is.Number),
		CreatedAt: is.Created.Format(time.RFC3339), UpdatedAt: is.Updated.Format(time.RFC3339),
	}
	if is.StateReason != "" {
		out.StateReason = &is.StateReason
	}
	for _, l := range is.Labels {
		out.Labels = append(out.Labels, apiLabel{Name: l})
	}
	return out
}

// listIssues serves GET /repos/{owner}/{repo}/issues as GitHub documents
// it: state (open, closed, all; default open), labels (comma-separated,
// all required), sort created and direction (default desc), paged like
// the comments.
func (s *Server) listIssues(w http.ResponseWriter, r *http.Request, owner, repo string) {
	q := r.URL.Query()
	state := q.Get("state")
	if state == "" {
		state = "open"
	}
	if state != "open" && state != "closed" && state != "all" {
		s.issueValidation(w, "invalid", "state", "state must be one of open, closed, all")
		return
	}
	var labels []string
	for _, l := range strings.Split(q.Get("labels"), ",") {
		if l = strings.TrimSpace(l); l != "" {
			labels = append(labels, l)
		}
	}
	var match []Issue
	for _, is := range s.Issues(owner, repo) {
		if state != "all" && is.State != state {
			continue
		}
		ok := true
		for _, l := range labels {
			ok = ok && slices.ContainsFunc(is.Labels, func(x string) bool { return strings.EqualFold(x, l) })
		}
		if ok {
			match = append(match, is)
		}
	}
	if q.Get("direction") != "asc" {
		slices.Reverse(match) // newest first
	}
	per, page := pageParams(q.Get("per_page"), q.Get("page"))
	lo := min((page-1)*per, len(match))
	hi := min(lo+per, len(match))
	out := make([]apiIssue, 0, hi-lo)
	s.mu.Lock()
	for i := lo; i < hi; i++ {
		out = append(out, s.issueJSON(&match[i]))
	}
	s.mu.Unlock()
	s.setLinks(w, r, page, per, len(match))
	_ = json.NewEncoder(w).Encode(out)
}

// pageParams reads per_page (default 30, at most 100) and page (from 1).
func pageParams(perPage, page string) (int, int) {
	per, p := 30, 1
	if n, err := strconv.Atoi(perPage); err == nil && n > 0 {
		per = min(n, 100)
	}
	if n, err := strconv.Atoi(page); err == nil && n > 0 {
		p = n
	}
	return per, p
}

// setLinks writes GitHub's Link header for page of total items.
func (s *Server) setLinks(w http.ResponseWriter, r *http.Request, page, per, total int) {
	last := max(1, (total+per-1)/per)
	link := func(p int, rel string) string {
		u := *r.URL
		u.Scheme, u.Host = "http", r.Host
		v := u.Query()
		v.Set("page", strconv.Itoa(p))
		v.Set("per_page", strconv.Itoa(per))
		u.RawQuery = v.Encode()
		return fmt.Sprintf(`<%s>; rel="%s"`, u.String(), rel)
	}
	var links []string
	if page < last {
		links = append(links, link(page+1, "next"), link(last, "last"))
	}
	if page > 1 {
		links = append(links, link(1, "first"), link(page-1, "prev"))
	}
	if len(links) > 0 {
		w.Header().Set("Link", strings.Join(links, ", "))
	}
}

type issueRequest struct {
	Title       *string   `json:"title"`
	Body        *string   `json:"body"`
	Labels      *[]string `json:"labels"`
	State       *string   `json:"state"`
	StateReason *string   `json:"state_reason"`
}

func (s *Server) readIssue(w http.ResponseWriter, r *http.Request) (issueRequest, bool) {
	var in issueRequest
	b, _ := io.ReadAll(io.LimitReader(r.Body, 4<<20))
	if err := json.Unmarshal(b, &in); err != nil {
		s.fail(w, http.StatusBadRequest, "Problems parsing JSON")
		return in, false
	}
	if in.Body != nil && utf8.RuneCountInString(*in.Body) > MaxBody {
		s.issueValidation(w, "custom", "body", fmt.Sprintf("body is too long (maximum is %d characters)", MaxBody))
		return in, false
	}
	return in, true
}

func (s *Server) issueValidation(w http.ResponseWriter, code, field, msg string) {
	w.WriteHeader(http.StatusUnprocessableEntity)
	_ = json.NewEncoder(w).Encode(map[string]any{
		"message":           "Validation Failed",
		"errors":            []map[string]string{{"resource": "Issue", "code": code, "field": field, "message": msg}},
		"documentation_url": issuesDocs,
		"status":            "422",
	})
}

// gone is GitHub's answer to an issue write when issues are turned off.
func (s *Server) gone(w http.ResponseWriter) bool {
	s.mu.Lock()
	off := s.issues.disabled
	s.mu.Unlock()
	if off {
		s.fail(w, http.StatusGone, "Issues are disabled for this repo")
	}
	return off
}

func (s *Server) createIssue(w http.ResponseWriter, r *http.Request, owner, repo string) {
	in, ok := s.readIssue(w, r)
	if !ok || s.gone(w) {
		return
	}
	if in.Title == nil || strings.TrimSpace(*in.Title) == "" {
		s.issueValidation(w, "missing_field", "title", "title is missing")
		return
	}
	var body string
	var labels []string
	if in.Body != nil {
		body = *in.Body
	}
	if in.Labels != nil {
		labels = *in.Labels // GitHub creates labels that do not exist yet
	}
	s.mu.Lock()
	is := s.addIssue(owner, repo, s.Login, *in.Title, body, labels)
	out := s.issueJSON(is)
	s.mu.Unlock()
	writeCreated(w, out.URL, out)
}

func (s *Server) findIssue(owner, repo string, n int) *Issue {
	for _, is := range s.issues.list {
		if is.Number == n && is.Owner == owner && is.Repo == repo {
			return is
		}
	}
	return nil
}

// editIssue serves PATCH /repos/{owner}/{repo}/issues/{number}: title,
// body, labels, state (open, closed) and state_reason.
func (s *Server) editIssue(w http.ResponseWriter, r *http.Request, owner, repo string, n int) {
	in, ok := s.readIssue(w, r)
	if !ok || s.gone(w) {
		return
	}
	if in.State != nil && *in.State != "open" && *in.State != "closed" {
		s.issueValidation(w, "invalid", "state", "state must be open or closed")
		return
	}
	s.mu.Lock()
	is := s.findIssue(owner, repo, n)
	var out apiIssue
	if is != nil {
		s.clock = s.clock.Add(time.Second)
		is.Updated = s.clock
		if in.Title != nil {
			is.Title = *in.Title
		}
		if in.Body != nil {
			is.Body = strings.ReplaceAll(*in.Body, "\r\n", "\n")
		}
		if in.Labels != nil {
			is.Labels = slices.Clone(*in.Labels)
		}
		if in.State != nil {
			is.State = *in.State
			is.StateReason = ""
			if is.State == "closed" {
				is.StateReason = "completed"
			}
		}
		if in.StateReason != nil {
			is.StateReason = *in.StateReason
		}
		out = s.issueJSON(is)
	}
	s.mu.Unlock()
	if is == nil {
		s.fail(w, http.StatusNotFound, "Not Found")
		return
	}
	_ = json.NewEncoder(w).Encode(out)
}
