package emulator

import (
	"encoding/json"
	"fmt"
	"maps"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"time"
)

// Request is one entry of the request log. Credentials are never kept.
type Request struct {
	Method   string        `json:"method"`
	Host     string        `json:"host"` // "sync.twilio.com"
	Path     string        `json:"path"`
	Params   url.Values    `json:"params"`
	Status   int           `json:"status"` // -1 when the connection was dropped
	Time     time.Time     `json:"time"`
	Duration time.Duration `json:"duration"`
	Account  string        `json:"account,omitempty"` // authenticated account SID
	// Ignored are the parameters the operation does not define, which
	// the emulator (as Twilio) accepted and dropped; Operation names it.
	// Strict mode rejects such a request instead.
	Ignored   []string `json:"ignored,omitempty"`
	Operation string   `json:"operation,omitempty"`
}

// Object is one stored resource.
type Object struct {
	Token  string         `json:"token"` // catalog token: "sync/v1:Service"
	Host   string         `json:"host"`
	Path   string         `json:"path"`
	SID    string         `json:"sid"` // the instance ID (a SID, or a key/identity)
	Fields map[string]any `json:"fields"`
	// Builtin marks what Twilio creates by itself, not at a request (a
	// workspace's default activities): no program's state holds it, and
	// it goes with its parent.
	Builtin bool `json:"builtin,omitempty"`
}

func (s *Server) record(r Request) {
	if s.logCap < 0 {
		return
	}
	s.logMu.Lock()
	defer s.logMu.Unlock()
	if len(s.log) >= s.logCap {
		n := copy(s.log, s.log[len(s.log)-s.logCap+1:])
		s.log = s.log[:n]
	}
	s.log = append(s.log, r)
}

// Requests returns a copy of the request log, oldest first.
func (s *Server) Requests() []Request {
	s.logMu.Lock()
	defer s.logMu.Unlock()
	out := make([]Request, len(s.log))
	copy(out, s.log)
	return out
}

// ResetRequests empties the request log.
func (s *Server) ResetRequests() {
	s.logMu.Lock()
	s.log = nil
	s.logMu.Unlock()
}

// Inventory lists the resources stored for an account (its sub-accounts
// included, as api/v2010:Account objects), sorted by host and path.
func (s *Server) Inventory(accountSID string) []Object {
	s.mu.RLock()
	defer s.mu.RUnlock()
	a := s.accounts[accountSID]
	if a == nil {
		return nil
	}
	var out []Object
	for _, o := range a.store.objs {
		out = append(out, s.export(o))
	}
	for _, sub := range s.subaccounts(accountSID) {
		out = append(out, s.export(s.accountObject(sub)))
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Host != out[j].Host {
			return out[i].Host < out[j].Host
		}
		return out[i].Path < out[j].Path
	})
	return out
}

// Get returns the stored resource at a path, in any account. The path may
// be "https://sync.twilio.com/v1/Services/IS...", "sync.twilio.com/v1/..."
// or, for the 2010 API, "/2010-04-01/Accounts/AC.../Calls/CA....json".
func (s *Server) Get(path string) (Object, bool) {
	key := strings.TrimPrefix(strings.TrimPrefix(path, "https://"), "http://")
	if strings.HasPrefix(key, "/") {
		key = "api.twilio.com" + key
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	for _, a := range s.accounts {
		if o := a.store.objs[key]; o != nil {
			return s.export(o), true
		}
		if o := s.accountObject(a); o.key == key {
			return s.export(o), true
		}
	}
	return Object{}, false
}

func (s *Server) export(o *object) Object {
	var now map[string]any
	if o.info.token == tokSlBuild { // a build's status is its status now, as a fetch reads it
		now = map[string]any{"status": buildStatus(o, s.now())}
	}
	fields := s.renderWith(o, now)
	for k, v := range o.fields { // write-only parameters too (Twilio hides them)
		if _, ok := fields[k]; !ok {
			fields[k] = v
		}
	}
	delete(fields, "auth_token")
	return Object{Token: o.info.token, Host: o.info.host, Path: o.path, SID: o.id, Fields: maps.Clone(fields), Builtin: o.builtin}
}

const adminPrefix = "/__emulator/"

// serveAdmin is the inspection API for processes that do not share the
// Server value (the standalone binary):
//
//	GET    /__emulator/requests             the request log
//	DELETE /__emulator/requests             empty it
//	GET    /__emulator/inventory?account=AC the account's resources
//	GET    /__emulator/faults               the injected faults
//	PUT    /__emulator/faults               replace them (JSON Faults; durations in ns)
//	POST   /__emulator/reset                empty the log and all stores
//	GET    /__emulator/stats                routes served
func (s *Server) serveAdmin(w http.ResponseWriter, r *http.Request) {
	switch name := strings.TrimPrefix(r.URL.Path, adminPrefix); {
	case name == "requests" && r.Method == http.MethodGet:
		writeJSON(w, http.StatusOK, s.Requests())
	case name == "requests" && r.Method == http.MethodDelete:
		s.ResetRequests()
		w.WriteHeader(http.StatusNoContent)
	case name == "inventory" && r.Method == http.MethodGet:
		acct := r.URL.Query().Get("account")
		if acct == "" {
			writeErr(w, errParam("Missing required parameter account in the request"))
			return
		}
		inv := s.Inventory(acct)
		if inv == nil {
			inv = []Object{}
		}
		writeJSON(w, http.StatusOK, inv)
	case name == "faults" && r.Method == http.MethodGet:
		writeJSON(w, http.StatusOK, s.CurrentFaults())
	case name == "faults" && (r.Method == http.MethodPut || r.Method == http.MethodPost):
		var f Faults
		if err := json.NewDecoder(r.Body).Decode(&f); err != nil {
			writeErr(w, errParam("Invalid faults body: %v", err))
			return
		}
		s.SetFaults(f)
		writeJSON(w, http.StatusOK, f)
	case name == "reset" && r.Method == http.MethodPost:
		s.Reset()
		w.WriteHeader(http.StatusNoContent)
	case name == "stats" && r.Method == http.MethodGet:
		writeJSON(w, http.StatusOK, s.Stats())
	default:
		writeErr(w, errNotFound(r.URL.Path))
	}
}

// Reset empties the request log and every account's resources; configured
// accounts stay, sub-accounts go.
func (s *Server) Reset() {
	s.mu.Lock()
	for sid, a := range s.accounts {
		if a.owner != "" {
			delete(s.accounts, sid)
			continue
		}
		a.store = newStore()
	}
	clear(s.keys) // keys created through the API go; configured ones stay
	for _, a := range s.opts.Accounts {
		for _, k := range a.APIKeys {
			s.keys[k.SID] = &apiKey{sid: k.SID, secret: k.Secret, account: s.accounts[a.SID]}
		}
	}
	s.mu.Unlock()
	s.ResetRequests()
}

// Traffic is what a request log asked of Twilio, as a deploy's cost is
// told: every request, the writes among them (non-GET and answered below
// 400), and of those the Serverless uploads (Function and Asset Versions,
// on serverless-upload.twilio.com), builds and deployments.
type Traffic struct {
	Requests, Writes, Uploads, Builds, Deployments int
}

// Tally counts log.
func Tally(log []Request) Traffic {
	var t Traffic
	for _, r := range log {
		t.Requests++
		if r.Method == http.MethodGet || r.Status >= 400 || r.Status < 0 {
			continue
		}
		t.Writes++
		switch {
		case r.Host == "serverless-upload.twilio.com":
			t.Uploads++
		case r.Method == http.MethodPost && strings.HasSuffix(r.Path, "/Builds"):
			t.Builds++
		case r.Method == http.MethodPost && strings.HasSuffix(r.Path, "/Deployments"):
			t.Deployments++
		}
	}
	return t
}

func (t Traffic) String() string {
	return fmt.Sprintf("requests=%d writes=%d uploads=%d builds=%d deployments=%d",
		t.Requests, t.Writes, t.Uploads, t.Builds, t.Deployments)
}
