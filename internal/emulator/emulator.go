package emulator

import (
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/tdeploy/twilio-deploy-action/internal/catalog"
)

// Account is one Twilio account the emulator accepts.
type Account struct {
	SID       string
	AuthToken string
	APIKeys   []APIKey
}

// APIKey is an API key (SK...) and its secret, acting for its account.
type APIKey struct {
	SID    string
	Secret string
}

// Options configure a Server. The zero value (plus one Account) serves
// the emulator as Twilio behaves for a client, with immediate builds and
// no faults.
type Options struct {
	Accounts []Account
	// Strict rejects parameters the catalog does not define for an
	// operation (400, 20001, naming the parameter and the operation), and
	// a PageSize over the list's largest. Twilio ignores such parameters,
	// so clients nobody here wrote (Twilio's own Serverless Toolkit sends
	// FriendlyName to CreateEnvironment) work only without it; the
	// default accepts them and records each in Request.Ignored and on
	// IgnoredLog. Our own tests turn it on (emulatortest does): there a
	// parameter Twilio would drop is a mistake of our provider.
	Strict bool
	// IgnoredLog, when set, gets one line per request that carried
	// parameters Twilio ignores (not in strict mode, which rejects them).
	IgnoredLog io.Writer
	// BuildDelay is how long a Serverless build stays "building".
	BuildDelay time.Duration
	// Catalog describes the API; nil means catalog.MustLoad().
	Catalog *catalog.Catalog
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// Faults are injected into API requests (never into /__emulator/).
	Faults Faults
	// Seed makes generated SIDs, tokens and fault draws reproducible.
	// Zero picks a random seed.
	Seed uint64
	// MaxSubaccounts limits the sub-accounts of each main account
	// (Twilio's default limit, 1000, when zero). Closed ones do not count.
	MaxSubaccounts int
	// FailBuild, when set, decides whether a new Serverless build fails;
	// it is called with the build's SID and the contents of its function
	// versions. A build also fails, without a hook, when a function's
	// content contains FailBuildMarker.
	FailBuild func(buildSID string, functions map[string][]byte) bool
	// MaxUploadBytes rejects larger Function and Asset Version uploads
	// (400, 20001, naming the Path); zero means 25 MiB, the largest asset
	// Twilio Serverless takes as we understand its limits.
	MaxUploadBytes int64
	// RequestLogLimit caps the request log (oldest dropped first); zero
	// means 100,000 entries, negative means no log.
	RequestLogLimit int
}

// FailBuildMarker in a Function Version's content makes any build that
// includes it end "failed" instead of "completed".
const FailBuildMarker = "__EMULATOR_FAIL_BUILD__"

// Faults describe failures injected into API requests. Rates are
// fractions in [0, 1] drawn per request from a generator seeded by Seed.
type Faults struct {
	// RateLimit answers this fraction of requests 429 with Twilio error
	// 20429 and a Retry-After header of RetryAfter (1s when zero).
	RateLimit  float64       `json:"rate_limit"`
	RetryAfter time.Duration `json:"retry_after"`
	// ServerError answers this fraction 503 with a Twilio error body.
	ServerError float64 `json:"server_error"`
	// Drop closes this fraction of connections without a response.
	Drop float64 `json:"drop"`
	// LoseAnswer serves this fraction of requests, then closes the
	// connection instead of answering: Twilio applied the request and the
	// client cannot know it (the create whose answer was lost).
	LoseAnswer float64 `json:"lose_answer"`
	// Latency is added to every API request before it is served.
	Latency time.Duration `json:"latency"`
}

// Server is the emulator. It is an http.Handler; all methods are safe for
// concurrent use.
type Server struct {
	rt     *router
	strict bool
	now    func() time.Time
	opts   Options

	mu       sync.RWMutex
	accounts map[string]*account
	keys     map[string]*apiKey
	seq      uint64
	rng      *rand.Rand

	faultMu  sync.Mutex
	faults   Faults
	faultRng *rand.Rand

	logMu  sync.Mutex
	log    []Request
	logCap int
}

type account struct {
	sid, token   string
	owner        string // parent account SID; "" for a main account
	friendlyName string
	status       string // active, suspended, closed
	created      time.Time
	updated      time.Time
	store        *store
}

type apiKey struct {
	sid, secret string
	account     *account
}

var _ http.Handler = (*Server)(nil)

// New builds a Server from opts.
func New(opts Options) (*Server, error) {
	c := opts.Catalog
	if c == nil {
		var err error
		if c, err = catalog.Load(); err != nil {
			return nil, fmt.Errorf("load catalog: %w", err)
		}
	}
	if len(opts.Accounts) == 0 {
		return nil, errors.New("new emulator: no account configured; set Options.Accounts")
	}
	seed := opts.Seed
	if seed == 0 {
		seed = rand.Uint64()
	}
	s := &Server{
		rt:       buildRouter(c),
		strict:   opts.Strict,
		now:      opts.Now,
		opts:     opts,
		accounts: map[string]*account{},
		keys:     map[string]*apiKey{},
		rng:      rand.New(rand.NewPCG(seed, 1)),
		faults:   opts.Faults,
		faultRng: rand.New(rand.NewPCG(seed, 2)),
		logCap:   opts.RequestLogLimit,
	}
	if s.now == nil {
		s.now = time.Now
	}
	if s.logCap == 0 {
		s.logCap = 100_000
	}
	if s.opts.MaxUploadBytes == 0 {
		s.opts.MaxUploadBytes = 25 << 20
	}
	if s.opts.MaxSubaccounts == 0 {
		s.opts.MaxSubaccounts = 1000
	}
	now := s.now().UTC()
	for _, a := range opts.Accounts {
		if !validSID(a.SID, "AC") {
			return nil, fmt.Errorf("new emulator: account SID %q: want AC followed by 32 hex digits", a.SID)
		}
		if a.AuthToken == "" || !alnum(a.AuthToken) {
			return nil, fmt.Errorf("new emulator: account %s: auth token must be non-empty and alphanumeric", a.SID)
		}
		if s.accounts[a.SID] != nil {
			return nil, fmt.Errorf("new emulator: account %s configured twice", a.SID)
		}
		acct := &account{sid: a.SID, token: a.AuthToken, friendlyName: a.SID, status: "active",
			created: now, updated: now, store: newStore()}
		s.accounts[a.SID] = acct
		for _, k := range a.APIKeys {
			if !validSID(k.SID, "SK") || k.Secret == "" || !alnum(k.Secret) {
				return nil, fmt.Errorf("new emulator: API key %q: want SK + 32 hex digits and an alphanumeric secret", k.SID)
			}
			s.keys[k.SID] = &apiKey{sid: k.SID, secret: k.Secret, account: acct}
		}
	}
	return s, nil
}

// Stats describes what the emulator serves.
type Stats struct {
	Resources  int `json:"resources"`  // catalog resources
	Paths      int `json:"paths"`      // distinct path templates routed
	Products   int `json:"products"`   // product hosts
	Createable int `json:"createable"` // resources created by POST to a list
}

// Stats counts the routes built from the catalog.
func (s *Server) Stats() Stats {
	st := Stats{Resources: len(s.rt.infos), Paths: s.rt.paths, Products: len(s.rt.hosts)}
	for _, in := range s.rt.infos {
		if in.res.Createable() {
			st.Createable++
		}
	}
	return st
}

// SetFaults replaces the injected faults.
func (s *Server) SetFaults(f Faults) {
	s.faultMu.Lock()
	s.faults = f
	s.faultMu.Unlock()
}

// CurrentFaults returns the injected faults.
func (s *Server) CurrentFaults() Faults {
	s.faultMu.Lock()
	defer s.faultMu.Unlock()
	return s.faults
}

// ServeHTTP implements http.Handler.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if strings.HasPrefix(r.URL.Path, adminPrefix) {
		s.serveAdmin(w, r)
		return
	}
	start := time.Now()
	rec := &statusWriter{ResponseWriter: w}
	entry := Request{Method: r.Method, Host: productHost(r.Host), Path: r.URL.Path, Time: s.now().UTC()}
	defer func() {
		entry.Status = rec.status
		entry.Duration = time.Since(start)
		s.record(entry)
		if len(entry.Ignored) > 0 && s.opts.IgnoredLog != nil {
			s.logMu.Lock()
			fmt.Fprintf(s.opts.IgnoredLog, "twilio-emulator: %s %s%s: ignored %s, not defined for %s (Twilio ignores it; -strict rejects it)\n",
				entry.Method, entry.Host, entry.Path, strings.Join(entry.Ignored, ", "), entry.Operation)
			s.logMu.Unlock()
		}
	}()
	answered, lose := s.injectFault(rec, r, &entry)
	if answered {
		return
	}
	if lose {
		// Served in full, the answer thrown away, the connection cut.
		s.serveAPI(&statusWriter{ResponseWriter: discard{w.Header()}}, r, &entry)
		dropConn(rec)
		return
	}
	s.serveAPI(rec, r, &entry)
}

// discard is a response writer that keeps nothing: a lost answer's.
type discard struct{ h http.Header }

func (d discard) Header() http.Header         { return d.h }
func (d discard) Write(b []byte) (int, error) { return len(b), nil }
func (d discard) WriteHeader(int)             {}

// dropConn closes the connection under w without a response.
func dropConn(w *statusWriter) {
	if hj, ok := w.ResponseWriter.(http.Hijacker); ok {
		if conn, _, err := hj.Hijack(); err == nil {
			w.status = -1 // dropped
			_ = conn.Close()
			return
		}
	}
	panic(http.ErrAbortHandler) // HTTP/2 or no hijacking: abort the stream
}

// statusWriter remembers the status for the request log.
type statusWriter struct {
	http.ResponseWriter
	status int
}

func (w *statusWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	return w.ResponseWriter.Write(b)
}

func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// injectFault applies the configured faults; it reports whether the
// request was answered (or dropped), and whether it is to be served with
// its answer lost.
func (s *Server) injectFault(w *statusWriter, r *http.Request, entry *Request) (answered, lose bool) {
	s.faultMu.Lock()
	f := s.faults
	var drop, limit, fail bool
	if f.Drop > 0 || f.LoseAnswer > 0 || f.RateLimit > 0 || f.ServerError > 0 {
		// One roll, so the fractions add up: each request meets at most one.
		x := s.faultRng.Float64()
		switch {
		case x < f.Drop:
			drop = true
		case x < f.Drop+f.LoseAnswer:
			lose = true
		case x < f.Drop+f.LoseAnswer+f.RateLimit:
			limit = true
		case x < f.Drop+f.LoseAnswer+f.RateLimit+f.ServerError:
			fail = true
		}
	}
	s.faultMu.Unlock()
	if f.Latency > 0 {
		select {
		case <-time.After(f.Latency):
		case <-r.Context().Done():
			return true, false
		}
	}
	if drop || limit || fail {
		// Logged with what it asked, as a served request is: a retry is
		// told from another request to the same path by its parameters.
		if in, err := readInput(r); err == nil {
			entry.Params = in.logParams()
		}
	}
	switch {
	case drop:
		dropConn(w)
		return true, false
	case limit:
		ra := f.RetryAfter
		if ra <= 0 {
			ra = time.Second
		}
		secs := int((ra + time.Second - 1) / time.Second)
		w.Header().Set("Retry-After", fmt.Sprint(secs))
		writeErr(w, newErr(http.StatusTooManyRequests, CodeTooManyRequests, "Too Many Requests"))
		return true, false
	case fail:
		writeErr(w, newErr(http.StatusServiceUnavailable, CodeServiceUnavail, "Service Unavailable (injected fault)"))
		return true, false
	}
	return false, lose
}

// productHost keeps the product label: "sync.twilio.com:443" -> "sync.twilio.com".
func productHost(h string) string {
	if i := strings.LastIndexByte(h, ':'); i >= 0 && !strings.Contains(h[i:], "]") {
		h = h[:i]
	}
	first, _, _ := strings.Cut(h, ".")
	return first + ".twilio.com"
}

func validSID(s, prefix string) bool {
	if len(s) != 34 || !strings.HasPrefix(s, prefix) {
		return false
	}
	for _, c := range s[2:] {
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F') {
			return false
		}
	}
	return true
}

func alnum(s string) bool {
	for _, c := range s {
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z') {
			return false
		}
	}
	return true
}

// newSID draws a SID: prefix + 32 lower-case hex digits. Callers hold s.mu.
func (s *Server) newSID(prefix string) string {
	return fmt.Sprintf("%s%016x%016x", prefix, s.rng.Uint64(), s.rng.Uint64())
}

// newToken draws a 32-hex-digit auth token. Callers hold s.mu.
func (s *Server) newToken() string {
	return fmt.Sprintf("%016x%016x", s.rng.Uint64(), s.rng.Uint64())
}
