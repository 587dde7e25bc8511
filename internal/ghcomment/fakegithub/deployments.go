package fakegithub

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"regexp"
	"slices"
	"strconv"
	"time"
)

// The deployments endpoints, as GitHub documents them
// (https://docs.github.com/rest/deployments): create answers 201 (422
// without a ref), the list is newest first, filtered by sha, ref, task and
// environment, and paged like the comments; a status is one of GitHub's
// states (else 422), its log_url is also its target_url, and a success
// adds, unless auto_inactive is false, an inactive status to the prior
// non-transient, non-production deployments of its environment whose
// latest status is success. Writes with ForkToken get 403.

// Deployment is a stored deployment with its statuses, oldest first.
type Deployment struct {
	ID          int64
	Owner, Repo string
	Ref, Task   string
	Environment string
	Description string
	Transient   bool
	Production  bool
	AutoMerge   bool
	Contexts    []string // nil when the request left required_contexts out
	Created     time.Time
	Statuses    []DeploymentStatus
}

// DeploymentStatus is one status of a deployment.
type DeploymentStatus struct {
	ID             int64
	State          string
	Description    string
	LogURL         string
	EnvironmentURL string
	Created        time.Time
}

// State is the deployment's latest state, "" without a status.
func (d Deployment) State() string {
	if len(d.Statuses) == 0 {
		return ""
	}
	return d.Statuses[len(d.Statuses)-1].State
}

type deployStore struct {
	list []*Deployment
}

var (
	deploymentsRE = regexp.MustCompile(`^/api/v3/repos/([^/]+)/([^/]+)/deployments$`)
	statusesRE    = regexp.MustCompile(`^/api/v3/repos/([^/]+)/([^/]+)/deployments/(\d+)/statuses$`)
)

var deploymentStates = []string{"error", "failure", "inactive", "in_progress", "queued", "pending", "success"}

// Deployments returns the repository's deployments, oldest first.
func (s *Server) Deployments(owner, repo string) []Deployment {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []Deployment
	for _, d := range s.deploys.list {
		if d.Owner == owner && d.Repo == repo {
			c := *d
			c.Statuses = slices.Clone(d.Statuses)
			out = append(out, c)
		}
	}
	return out
}

// deployments serves the two routes; it reports whether the path was one.
func (s *Server) deployments(w http.ResponseWriter, r *http.Request, token string) bool {
	return s.handle(w, r, token, deploymentsRE, "/repos/{owner}/{repo}/deployments", map[string]func([]string){
		http.MethodGet:  func(m []string) { s.listDeployments(w, r, m[1], m[2]) },
		http.MethodPost: func(m []string) { s.createDeployment(w, r, m[1], m[2]) },
	}) || s.handle(w, r, token, statusesRE, "/repos/{owner}/{repo}/deployments/{id}/statuses", map[string]func([]string){
		http.MethodGet:  func(m []string) { s.listStatuses(w, r, m[1], m[2], deploymentID(m[3])) },
		http.MethodPost: func(m []string) { s.createStatus(w, r, m[1], m[2], deploymentID(m[3])) },
	})
}

// handle answers r when its path matches re: counted and authorized as
// route, then passed with the path's submatches to the handler of its
// method (405 for another method). It reports whether the path matched.
func (s *Server) handle(w http.ResponseWriter, r *http.Request, token string, re *regexp.Regexp, route string, byMethod map[string]func(m []string)) bool {
	m := re.FindStringSubmatch(r.URL.Path)
	if m == nil {
		return false
	}
	if !s.auth(w, r, route, token, r.Method != http.MethodGet) {
		return true
	}
	if h, ok := byMethod[r.Method]; ok {
		h(m)
	} else {
		s.fail(w, http.StatusMethodNotAllowed, "Method Not Allowed")
	}
	return true
}

func deploymentID(s string) int64 {
	id, _ := strconv.ParseInt(s, 10, 64)
	return id
}

func (s *Server) deploymentJSON(d *Deployment) map[string]any {
	url := fmt.Sprintf("%s/repos/%s/%s/deployments/%d", s.URL, d.Owner, d.Repo, d.ID)
	return map[string]any{
		"id": d.ID, "node_id": fmt.Sprintf("DE_kwDO%08d", d.ID), "url": url, "statuses_url": url + "/statuses",
		"sha": d.Ref, "ref": d.Ref, "task": d.Task, "payload": map[string]any{}, "environment": d.Environment,
		"original_environment": d.Environment, "description": d.Description,
		"transient_environment": d.Transient, "production_environment": d.Production,
		"creator":    apiUser{Login: s.Login, Type: "Bot"},
		"created_at": d.Created.Format(time.RFC3339), "updated_at": d.Created.Format(time.RFC3339),
	}
}

func (s *Server) statusJSON(d *Deployment, st DeploymentStatus) map[string]any {
	url := fmt.Sprintf("%s/repos/%s/%s/deployments/%d", s.URL, d.Owner, d.Repo, d.ID)
	return map[string]any{
		"id": st.ID, "state": st.State, "description": st.Description, "environment": d.Environment,
		"target_url": st.LogURL, "log_url": st.LogURL, "environment_url": st.EnvironmentURL,
		"deployment_url": url, "url": fmt.Sprintf("%s/statuses/%d", url, st.ID),
		"creator":    apiUser{Login: s.Login, Type: "Bot"},
		"created_at": st.Created.Format(time.RFC3339), "updated_at": st.Created.Format(time.RFC3339),
	}
}

func (s *Server) createDeployment(w http.ResponseWriter, r *http.Request, owner, repo string) {
	var in struct {
		Ref         string    `json:"ref"`
		Task        *string   `json:"task"`
		AutoMerge   *bool     `json:"auto_merge"`
		Contexts    *[]string `json:"required_contexts"`
		Environment *string   `json:"environment"`
		Description string    `json:"description"`
		Transient   bool      `json:"transient_environment"`
		Production  *bool     `json:"production_environment"`
	}
	b, _ := io.ReadAll(io.LimitReader(r.Body, 1<<20))
	if err := json.Unmarshal(b, &in); err != nil {
		s.fail(w, http.StatusBadRequest, "Problems parsing JSON")
		return
	}
	if in.Ref == "" {
		s.deployValidation(w, "Deployment", "ref", "missing_field", "ref is missing")
		return
	}
	d := &Deployment{Owner: owner, Repo: repo, Ref: in.Ref, Task: "deploy", Environment: "production", Description: in.Description,
		Transient: in.Transient, AutoMerge: true}
	if in.Task != nil {
		d.Task = *in.Task
	}
	if in.Environment != nil {
		d.Environment = *in.Environment
	}
	if in.AutoMerge != nil {
		d.AutoMerge = *in.AutoMerge
	}
	if in.Contexts != nil {
		d.Contexts = *in.Contexts
	}
	d.Production = d.Environment == "production"
	if in.Production != nil {
		d.Production = *in.Production
	}
	s.mu.Lock()
	s.nextID++
	s.clock = s.clock.Add(time.Second)
	d.ID, d.Created = s.nextID, s.clock
	s.deploys.list = append(s.deploys.list, d)
	out := s.deploymentJSON(d)
	s.mu.Unlock()
	writeCreated(w, "", out)
}

func (s *Server) listDeployments(w http.ResponseWriter, r *http.Request, owner, repo string) {
	q := r.URL.Query()
	s.mu.Lock()
	var all []map[string]any
	for i := len(s.deploys.list) - 1; i >= 0; i-- {
		d := s.deploys.list[i]
		if d.Owner != owner || d.Repo != repo || !matches(q.Get("sha"), d.Ref) || !matches(q.Get("ref"), d.Ref) ||
			!matches(q.Get("task"), d.Task) || !matches(q.Get("environment"), d.Environment) {
			continue
		}
		all = append(all, s.deploymentJSON(d))
	}
	s.mu.Unlock()
	s.writePage(w, r, all)
}

func matches(filter, v string) bool { return filter == "" || filter == v }

func (s *Server) findDeployment(owner, repo string, id int64) *Deployment {
	for _, d := range s.deploys.list {
		if d.ID == id && d.Owner == owner && d.Repo == repo {
			return d
		}
	}
	return nil
}

func (s *Server) listStatuses(w http.ResponseWriter, r *http.Request, owner, repo string, id int64) {
	s.mu.Lock()
	d := s.findDeployment(owner, repo, id)
	var all []map[string]any
	if d != nil {
		for i := len(d.Statuses) - 1; i >= 0; i-- {
			all = append(all, s.statusJSON(d, d.Statuses[i]))
		}
	}
	s.mu.Unlock()
	if d == nil {
		s.fail(w, http.StatusNotFound, "Not Found")
		return
	}
	s.writePage(w, r, all)
}

func (s *Server) createStatus(w http.ResponseWriter, r *http.Request, owner, repo string, id int64) {
	var in struct {
		State          string `json:"state"`
		TargetURL      string `json:"target_url"`
		LogURL         string `json:"log_url"`
		Description    string `json:"description"`
		EnvironmentURL string `json:"environment_url"`
		AutoInactive   *bool  `json:"auto_inactive"`
	}
	b, _ := io.ReadAll(io.LimitReader(r.Body, 1<<20))
	if err := json.Unmarshal(b, &in); err != nil {
		s.fail(w, http.StatusBadRequest, "Problems parsing JSON")
		return
	}
	if !slices.Contains(deploymentStates, in.State) {
		s.deployValidation(w, "DeploymentStatus", "state", "invalid", fmt.Sprintf("state is not included in the list: %q", in.State))
		return
	}
	if len([]rune(in.Description)) > 140 {
		s.deployValidation(w, "DeploymentStatus", "description", "custom", "description is too long (maximum is 140 characters)")
		return
	}
	if in.LogURL == "" {
		in.LogURL = in.TargetURL
	}
	s.mu.Lock()
	d := s.findDeployment(owner, repo, id)
	var out map[string]any
	if d != nil {
		st := s.addStatus(d, in.State, in.Description, in.LogURL, in.EnvironmentURL)
		if in.State == "success" && (in.AutoInactive == nil || *in.AutoInactive) {
			for _, p := range s.deploys.list {
				if p != d && p.ID < d.ID && p.Owner == owner && p.Repo == repo && p.Environment == d.Environment &&
					!p.Transient && !p.Production && p.State() == "success" {
					s.addStatus(p, "inactive", "", "", "")
				}
			}
		}
		out = s.statusJSON(d, st)
	}
	s.mu.Unlock()
	if d == nil {
		s.fail(w, http.StatusNotFound, "Not Found")
		return
	}
	writeCreated(w, "", out)
}

// addStatus appends a status; s.mu is held.
func (s *Server) addStatus(d *Deployment, state, desc, logURL, envURL string) DeploymentStatus {
	s.nextID++
	s.clock = s.clock.Add(time.Second)
	st := DeploymentStatus{ID: s.nextID, State: state, Description: desc, LogURL: logURL, EnvironmentURL: envURL, Created: s.clock}
	d.Statuses = append(d.Statuses, st)
	return st
}

func (s *Server) deployValidation(w http.ResponseWriter, resource, field, code, msg string) {
	w.WriteHeader(http.StatusUnprocessableEntity)
	_ = json.NewEncoder(w).Encode(map[string]any{
		"message":           "Validation Failed",
		"errors":            []map[string]string{{"resource": resource, "code": code, "field": field, "message": msg}},
		"documentation_url": "https://docs.github.com/rest/deployments",
		"status":            "422",
	})
}

// writePage answers one page of all (per_page default 30, at most 100)
// with GitHub's Link header.
func (s *Server) writePage(w http.ResponseWriter, r *http.Request, all []map[string]any) {
	per, page := pageParams(r.URL.Query().Get("per_page"), r.URL.Query().Get("page"))
	lo := min((page-1)*per, len(all))
	hi := min(lo+per, len(all))
	s.setLinks(w, r, page, per, len(all))
	out := all[lo:hi]
	if out == nil {
		out = []map[string]any{}
	}
	_ = json.NewEncoder(w).Encode(out)
}
