package fakegithub

import (
	"encoding/json"
	"net/http"
	"regexp"
	"time"
)

// PullRequest is a pull request the commits/{sha}/pulls route answers with.
type PullRequest struct {
	Number  int
	State   string // open or closed
	Merged  bool   // merged_at is set
	BaseRef string
	HeadSHA string
	Commits []string // SHAs it is associated with (its merge commit among them)
}

// AddPullRequest registers a pull request for GET commits/{sha}/pulls.
func (s *Server) AddPullRequest(owner, repo string, pr PullRequest) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.pulls == nil {
		s.pulls = map[string][]PullRequest{}
	}
	k := owner + "/" + repo
	s.pulls[k] = append(s.pulls[k], pr)
}

var commitPullsRE = regexp.MustCompile(`^/api/v3/repos/([^/]+)/([^/]+)/commits/([0-9a-fA-F]{4,40})/pulls$`)

// commitPulls serves GitHub's "List pull requests associated with a
// commit": a JSON array of pull request objects (200, [] when none),
// read-only, so a fork's token may call it.
func (s *Server) commitPulls(w http.ResponseWriter, r *http.Request, owner, repo, sha string) {
	if r.Method != http.MethodGet {
		s.fail(w, http.StatusMethodNotAllowed, "Method Not Allowed")
		return
	}
	if s.PullsForbidden {
		s.fail(w, http.StatusForbidden, "Resource not accessible by integration")
		return
	}
	s.mu.Lock()
	var out []map[string]any
	for _, pr := range s.pulls[owner+"/"+repo] {
		for _, c := range pr.Commits {
			if c != sha {
				continue
			}
			var merged any
			if pr.Merged {
				merged = s.clock.Format(time.RFC3339)
			}
			out = append(out, map[string]any{
				"number": pr.Number, "state": pr.State, "merged_at": merged,
				"base": map[string]any{"ref": pr.BaseRef}, "head": map[string]any{"sha": pr.HeadSHA},
			})
		}
	}
	s.mu.Unlock()
	if out == nil {
		out = []map[string]any{}
	}
	_ = json.NewEncoder(w).Encode(out)
}
