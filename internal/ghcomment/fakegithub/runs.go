package fakegithub

import (
	"cmp"
	"encoding/json"
	"fmt"
	"net/http"
	"regexp"
	"slices"
	"strconv"
	"time"
)

// RunAttempt is a workflow run attempt as GitHub reports it.
type RunAttempt struct {
	Status     string // queued, in_progress, completed
	Conclusion string // once completed: success, failure, cancelled, timed_out
	// Created is when the run was made (GitHub keeps the first attempt's
	// across re-runs), Started when this attempt started, Updated its
	// last change (once completed, about when it ended). Zero: left out.
	Created, Started, Updated time.Time
}

type runKey struct {
	owner, repo string
	id          int64
	n           int
}

var (
	runAttemptRE = regexp.MustCompile(`^/api/v3/repos/([^/]+)/([^/]+)/actions/runs/(\d+)/attempts/(\d+)$`)
	runsRE       = regexp.MustCompile(`^/api/v3/repos/([^/]+)/([^/]+)/actions/runs$`)
)

// SetRunAttempt records what GitHub says of owner/repo's run id, attempt n.
func (s *Server) SetRunAttempt(owner, repo string, id int64, n int, a RunAttempt) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.runs == nil {
		s.runs = map[runKey]RunAttempt{}
	}
	s.runs[runKey{owner, repo, id, n}] = a
}

func runJSON(owner, repo string, id int64, n int, a RunAttempt) map[string]any {
	var conclusion any
	if a.Conclusion != "" {
		conclusion = a.Conclusion
	}
	out := map[string]any{
		"id": id, "run_attempt": n, "status": a.Status, "conclusion": conclusion,
		"html_url": fmt.Sprintf("https://github.com/%s/%s/actions/runs/%d/attempts/%d", owner, repo, id, n),
	}
	for k, t := range map[string]time.Time{"created_at": a.Created, "run_started_at": a.Started, "updated_at": a.Updated} {
		if !t.IsZero() {
			out[k] = t.UTC().Format(time.RFC3339)
		}
	}
	return out
}

// runAttempts answers GET .../actions/runs/{id}/attempts/{n} (404 for a
// run it was not told of, as GitHub answers for a run that does not
// exist), and GET .../actions/runs: each run by its latest attempt, newest
// first, per_page of them (30 unless asked; at most 100).
func (s *Server) runAttempts(w http.ResponseWriter, r *http.Request, token string) bool {
	return s.handle(w, r, token, runAttemptRE, "/repos/{owner}/{repo}/actions/runs/{id}/attempts/{n}", map[string]func([]string){
		http.MethodGet: func(m []string) {
			id, _ := strconv.ParseInt(m[3], 10, 64)
			n, _ := strconv.Atoi(m[4])
			s.mu.Lock()
			a, ok := s.runs[runKey{m[1], m[2], id, n}]
			s.mu.Unlock()
			if !ok {
				s.fail(w, http.StatusNotFound, "Not Found")
				return
			}
			_ = json.NewEncoder(w).Encode(runJSON(m[1], m[2], id, n, a))
		},
	}) || s.handle(w, r, token, runsRE, "/repos/{owner}/{repo}/actions/runs", map[string]func([]string){
		http.MethodGet: func(m []string) {
			perPage, err := strconv.Atoi(r.URL.Query().Get("per_page"))
			if err != nil || perPage <= 0 {
				perPage = 30
			}
			perPage = min(perPage, 100)
			type run struct {
				key runKey
				a   RunAttempt
			}
			latest, first := map[int64]run{}, map[int64]runKey{}
			s.mu.Lock()
			for k := range s.runs {
				if k.owner != m[1] || k.repo != m[2] {
					continue
				}
				if l, ok := latest[k.id]; !ok || k.n > l.key.n {
					latest[k.id] = run{key: k}
				}
				if f, ok := first[k.id]; !ok || k.n < f.n {
					first[k.id] = k
				}
			}
			for id, l := range latest {
				l.a = s.runs[l.key]
				l.a.Created = cmp.Or(s.runs[first[id]].Created, l.a.Created) // a run keeps its first attempt's
				latest[id] = l
			}
			s.mu.Unlock()
			runs := make([]run, 0, len(latest))
			for _, r := range latest {
				runs = append(runs, r)
			}
			slices.SortFunc(runs, func(a, b run) int {
				return cmp.Or(b.a.Created.Compare(a.a.Created), cmp.Compare(b.key.id, a.key.id))
			})
			list := []map[string]any{}
			for _, r := range runs[:min(perPage, len(runs))] {
				list = append(list, runJSON(m[1], m[2], r.key.id, r.key.n, r.a))
			}
			_ = json.NewEncoder(w).Encode(map[string]any{"total_count": len(runs), "workflow_runs": list})
		},
	})
}
