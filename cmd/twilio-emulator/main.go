// Command twilio-emulator serves the local Twilio API emulator
// (internal/emulator) on a loopback address:
//
//	twilio-emulator -addr 127.0.0.1:4010 -account-sid AC... -auth-token ...
//
// With no flags beyond the account it behaves as Twilio does for a client:
// a parameter an operation does not define is accepted, dropped, and
// logged (stderr and the request log), so clients nobody here wrote, such
// as Twilio's Serverless Toolkit, work against it. -strict rejects such
// parameters instead (400, 20001), as the project's own tests do.
//
// Point twilio-go at it with internal/twilio's Transport, or the provider with its
// API base override. The inspection API is under /__emulator/.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/tdeploy/twilio-deploy-action/internal/emulator"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Getenv, os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "twilio-emulator:", err)
		os.Exit(1)
	}
}

// pairs is a repeatable "A:B" flag.
type pairs [][2]string

func (p *pairs) String() string { return fmt.Sprint(len(*p)) }

func (p *pairs) Set(v string) error {
	a, b, ok := strings.Cut(v, ":")
	if !ok || a == "" || b == "" {
		return fmt.Errorf("want SID:SECRET, got %q", v)
	}
	*p = append(*p, [2]string{a, b})
	return nil
}

// config is the parsed command line.
type config struct {
	addr string
	opts emulator.Options
}

func parse(args []string, getenv func(string) string, stderr io.Writer) (*config, error) {
	fs := flag.NewFlagSet("twilio-emulator", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var (
		cfg      config
		sid      = fs.String("account-sid", getenv("TWILIO_ACCOUNT_SID"), "main account SID (AC + 32 hex digits; default $TWILIO_ACCOUNT_SID)")
		token    = fs.String("auth-token", getenv("TWILIO_AUTH_TOKEN"), "its auth token, alphanumeric (default $TWILIO_AUTH_TOKEN)")
		accounts pairs
		keys     pairs
		f        emulator.Faults
	)
	fs.StringVar(&cfg.addr, "addr", "127.0.0.1:4010", "listen address (port 0 picks a free port)")
	fs.Var(&accounts, "account", "another main account as SID:TOKEN (repeatable)")
	fs.Var(&keys, "api-key", "an API key of the main account as SKSID:SECRET (repeatable)")
	var lenient bool
	fs.BoolVar(&cfg.opts.Strict, "strict", false, "reject parameters the API description does not define (400, 20001), as our own tests do; by default they are accepted and logged, as Twilio ignores them")
	fs.BoolVar(&lenient, "lenient", false, "the default, spelled out: accept parameters the API description does not define and log them (Twilio ignores them)")
	fs.DurationVar(&cfg.opts.BuildDelay, "build-delay", 0, "how long Serverless builds stay building")
	fs.IntVar(&cfg.opts.MaxSubaccounts, "max-subaccounts", 1000, "sub-accounts allowed per main account")
	fs.Uint64Var(&cfg.opts.Seed, "seed", 0, "seed for SIDs and fault draws (0: random)")
	fs.DurationVar(&f.Latency, "latency", 0, "latency added to every API request")
	fs.Float64Var(&f.RateLimit, "rate-limit", 0, "fraction of API requests answered 429 (0..1)")
	fs.DurationVar(&f.RetryAfter, "retry-after", time.Second, "Retry-After of injected 429s")
	fs.Float64Var(&f.ServerError, "server-error", 0, "fraction of API requests answered 503 (0..1)")
	fs.Float64Var(&f.Drop, "drop", 0, "fraction of API connections closed without an answer (0..1)")
	fs.Float64Var(&f.LoseAnswer, "lose-answer", 0, "fraction of API requests served, then their connection closed without the answer (0..1)")
	if err := fs.Parse(args); err != nil {
		return nil, err
	}
	if fs.NArg() > 0 {
		return nil, fmt.Errorf("unexpected argument %q", fs.Arg(0))
	}
	if lenient && cfg.opts.Strict {
		return nil, errors.New("-strict and -lenient contradict each other; pass one (the default is -lenient)")
	}
	cfg.opts.IgnoredLog = stderr
	if *sid == "" || *token == "" {
		return nil, errors.New("no account: pass -account-sid and -auth-token (or set TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN)")
	}
	for _, r := range []float64{f.RateLimit, f.ServerError, f.Drop, f.LoseAnswer} {
		if r < 0 || r > 1 {
			return nil, fmt.Errorf("fault rate %v: want a fraction between 0 and 1", r)
		}
	}
	primary := emulator.Account{SID: *sid, AuthToken: *token}
	for _, k := range keys {
		primary.APIKeys = append(primary.APIKeys, emulator.APIKey{SID: k[0], Secret: k[1]})
	}
	cfg.opts.Accounts = append(cfg.opts.Accounts, primary)
	for _, a := range accounts {
		cfg.opts.Accounts = append(cfg.opts.Accounts, emulator.Account{SID: a[0], AuthToken: a[1]})
	}
	cfg.opts.Faults = f
	return &cfg, nil
}

func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	cfg, err := parse(args, getenv, stderr)
	if err != nil {
		return err
	}
	srv, err := emulator.New(cfg.opts)
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", cfg.addr)
	if err != nil {
		return fmt.Errorf("listen: %w", err)
	}
	hs := &http.Server{Handler: srv, ReadHeaderTimeout: 10 * time.Second}
	st := srv.Stats()
	mode := "lenient: parameters Twilio ignores are accepted and logged"
	if cfg.opts.Strict {
		mode = "strict: parameters Twilio ignores are rejected"
	}
	fmt.Fprintf(stdout, "twilio-emulator listening on http://%s (account %s, token from -auth-token; %d resources, %d paths; %s)\n",
		ln.Addr(), cfg.opts.Accounts[0].SID, st.Resources, st.Paths, mode)
	errc := make(chan error, 1)
	go func() { errc <- hs.Serve(ln) }()
	select {
	case err := <-errc:
		return fmt.Errorf("serve: %w", err)
	case <-ctx.Done():
	}
	shutdown, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := hs.Shutdown(shutdown); err != nil {
		return fmt.Errorf("shut down: %w", err)
	}
	return nil
}
