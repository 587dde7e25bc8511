package twilio

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	api "github.com/twilio/twilio-go/rest/api/v2010"

	"github.com/tdeploy/twilio-deploy-action/internal/creds"
	"github.com/tdeploy/twilio-deploy-action/internal/prenv"
)

// Twilio error codes the messages explain.
const (
	codeNested = 21101
	codeLimit  = 21480
	codeAuth   = 20003
)

// Parent is prenv.Parent over the parent account's 2010 Accounts API. Each
// call runs under its ctx (no client timeout stands in for it) and is sent
// once: a retried create could leave two sub-accounts.
type Parent struct {
	auth  auth
	rt    http.RoundTripper
	self  string
	names []string
}

var _ prenv.Parent = (*Parent)(nil)

// NewParent is the parent account of c; apiURL, when set, is the emulator.
func NewParent(c creds.Credentials, apiURL string) (*Parent, error) {
	rt, err := NewTransport(apiURL, nil)
	if err != nil {
		return nil, fmt.Errorf("twilio-api-url input: %w", err)
	}
	return &Parent{auth: authOf(c), rt: rt, self: c.AccountSID, names: c.Names()}, nil
}

func (p *Parent) accounts(ctx context.Context) *api.ApiService { return p.auth.accounts(ctx, p.rt) }

// explain turns Twilio's refusals into errors that say what to do.
func (p *Parent) explain(err error) error {
	var te *APIError
	if !errors.As(decode(err), &te) {
		return err
	}
	switch te.Code {
	case codeNested:
		return fmt.Errorf("%w (Twilio error %d): put the credentials of a main account in %s", prenv.ErrNested, te.Code, strings.Join(p.names, " and "))
	case codeLimit:
		return fmt.Errorf("%w (Twilio error %d): close the sub-accounts of pull requests that are gone, or ask Twilio support to raise the limit", prenv.ErrLimit, te.Code)
	case codeAuth:
		return fmt.Errorf("Twilio rejected the parent account's credentials in %s (error %d: %s); check the secrets' values", strings.Join(p.names, " and "), te.Code, te.Message)
	}
	return fmt.Errorf("Twilio error %d (HTTP %d): %s", te.Code, te.Status, te.Message)
}

// Active lists the parent's active sub-accounts named name. The name is
// also checked here: the filter is Twilio's, the exact match is ours.
func (p *Parent) Active(ctx context.Context, name string) ([]prenv.Subaccount, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	accts, err := p.accounts(ctx).ListAccount((&api.ListAccountParams{}).SetFriendlyName(name).SetStatus("active").SetPageSize(100))
	if err != nil {
		return nil, p.explain(err)
	}
	var out []prenv.Subaccount
	for _, a := range accts {
		if a.Sid == nil || *a.Sid == p.self || a.FriendlyName == nil || *a.FriendlyName != name || a.Status == nil || *a.Status != "active" {
			continue
		}
		s := prenv.Subaccount{SID: *a.Sid}
		if a.AuthToken != nil {
			s.AuthToken = *a.AuthToken
		}
		if a.DateCreated != nil {
			s.Created, _ = time.Parse(time.RFC1123Z, *a.DateCreated)
		}
		if s.AuthToken == "" {
			// Some list responses leave the token out; the fetch has it.
			f, err := p.accounts(ctx).FetchAccount(s.SID)
			if err != nil {
				return nil, p.explain(err)
			}
			if f.AuthToken != nil {
				s.AuthToken = *f.AuthToken
			}
		}
		out = append(out, s)
	}
	return out, nil
}

// Create creates a sub-account named name.
func (p *Parent) Create(ctx context.Context, name string) (prenv.Subaccount, error) {
	if err := ctx.Err(); err != nil {
		return prenv.Subaccount{}, err
	}
	a, err := p.accounts(ctx).CreateAccount((&api.CreateAccountParams{}).SetFriendlyName(name))
	if err != nil {
		return prenv.Subaccount{}, p.explain(err)
	}
	if a.Sid == nil || a.AuthToken == nil {
		return prenv.Subaccount{}, errors.New("Twilio returned a sub-account without SID or auth token")
	}
	s := prenv.Subaccount{SID: *a.Sid, AuthToken: *a.AuthToken}
	if a.DateCreated != nil {
		s.Created, _ = time.Parse(time.RFC1123Z, *a.DateCreated)
	}
	return s, nil
}

// Close closes the sub-account sid for good.
func (p *Parent) Close(ctx context.Context, sid string) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if _, err := p.accounts(ctx).UpdateAccount(sid, (&api.UpdateAccountParams{}).SetStatus("closed")); err != nil {
		return p.explain(err)
	}
	return nil
}

// Closed reports whether a closed sub-account is named name.
func (p *Parent) Closed(ctx context.Context, name string) (bool, error) {
	if err := ctx.Err(); err != nil {
		return false, err
	}
	accts, err := p.accounts(ctx).ListAccount((&api.ListAccountParams{}).SetFriendlyName(name).SetStatus("closed").SetPageSize(20))
	if err != nil {
		return false, p.explain(err)
	}
	for _, a := range accts {
		if a.Sid != nil && *a.Sid != p.self && a.FriendlyName != nil && *a.FriendlyName == name && a.Status != nil && *a.Status == "closed" {
			return true, nil
		}
	}
	return false, nil
}
