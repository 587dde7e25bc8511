package fakegithub

import (
	"encoding/json"
	"fmt"
	"net/http"
	"regexp"
	"strconv"
)

// RunAttempt is a workflow run attempt as GitHub reports it.
type RunAttempt struct {
	Status     string // queued, in_progress, completed
	Conclusion string // once completed: success, failure, cancelled, timed_out
}

var runAttemptRE = regexp.MustCompile(`^/api/v3/repos/([^/]+)/([^/]+)/actions/runs/(\d+)/attempts/(\d+)$`)

// SetRunAttempt records what GitHub says of owner/repo's run id, attempt n.
func (s *Server) SetRunAttempt(owner, repo string, id int64, n int, a RunAttempt) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.runs == nil {
		s.runs = map[string]RunAttempt{}
	}
	s.runs[runKey(owner, repo, id, n)] = a
}

func runKey(owner, repo string, id int64, n int) string {
	return fmt.Sprintf("%s/%s/%d/%d", owner, repo, id, n)
}

// runs answers GET .../actions/runs/{id}/attempts/{n} (404 for a run it
// was not told of, as GitHub answers for a run that does not exist).
func (s *Server) runAttempts(w http.ResponseWriter, r *http.Request, token string) bool {
	return s.handle(w, r, token, runAttemptRE, "/repos/{owner}/{repo}/actions/runs/{id}/attempts/{n}", map[string]func([]string){
		http.MethodGet: func(m []string) {
			id, _ := strconv.ParseInt(m[3], 10, 64)
			n, _ := strconv.Atoi(m[4])
			s.mu.Lock()
			a, ok := s.runs[runKey(m[1], m[2], id, n)]
			s.mu.Unlock()
			if !ok {
				s.fail(w, http.StatusNotFound, "Not Found")
				return
			}
			var conclusion any
			if a.Conclusion != "" {
				conclusion = a.Conclusion
			}
			_ = json.NewEncoder(w).Encode(map[string]any{
				"id": id, "run_attempt": n, "status": a.Status, "conclusion": conclusion,
				"html_url": fmt.Sprintf("https://github.com/%s/%s/actions/runs/%d/attempts/%d", m[1], m[2], id, n),
			})
		},
	})
}
