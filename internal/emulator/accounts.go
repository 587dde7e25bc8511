package emulator

import (
	"net/http"
	"slices"
	"sort"
)

// serveAccount serves /2010-04-01/Accounts(.json|/{Sid}.json): accounts
// live outside the per-account stores because they own them.
func (c *call) serveAccount() *apiError {
	op, status := c.operation()
	if op == nil {
		return newErr(http.StatusMethodNotAllowed, CodeMethodNotAllowed, "Method %s not allowed on %s", c.r.Method, c.r.URL.Path)
	}
	fields, e := c.params(op, !c.instance && c.r.Method == http.MethodGet)
	if e != nil {
		return e
	}
	if !c.instance {
		if c.r.Method == http.MethodGet {
			return c.listAccounts(fields)
		}
		return c.createSubaccount(fields, status)
	}
	a := c.s.accounts[c.vals[0]]
	if a == nil || !canActOn(c.auth, a) {
		if a != nil && a.status != "closed" {
			return newErr(http.StatusUnauthorized, CodeAuthenticate, "Authentication Error - credentials cannot act on account %s", c.vals[0])
		}
		return errNotFound(c.r.URL.Path)
	}
	if c.r.Method == http.MethodPost {
		if e := c.updateAccount(a, fields); e != nil {
			return e
		}
	}
	writeJSON(c.w, status, c.s.render(c.s.accountObject(a)))
	return nil
}

func (c *call) listAccounts(filters map[string]any) *apiError {
	var accts []*account
	for _, a := range c.s.accounts {
		if canActOn(c.auth, a) {
			accts = append(accts, a)
		}
	}
	sort.Slice(accts, func(i, j int) bool {
		if !accts[i].created.Equal(accts[j].created) {
			return accts[i].created.Before(accts[j].created)
		}
		return accts[i].sid < accts[j].sid
	})
	items := make([]*object, len(accts))
	for i, a := range accts {
		items[i] = c.s.accountObject(a)
		items[i].seq = uint64(i + 1)
	}
	return c.writePage(filterItems(items, filters), maxPageSize)
}

func (c *call) createSubaccount(fields map[string]any, status int) *apiError {
	if c.auth.owner != "" {
		return newErr(http.StatusBadRequest, CodeNestedSubaccount, "Subaccounts cannot contain subaccounts: %s is a sub-account; use the main account's credentials", c.auth.sid)
	}
	n := 0
	for _, a := range c.s.accounts {
		if a.owner == c.auth.sid && a.status != "closed" {
			n++
		}
	}
	if n >= c.s.opts.MaxSubaccounts {
		return newErr(http.StatusBadRequest, CodeSubaccountLimit,
			"Reached maximum number of subaccounts (%[2]d) for account %[1]s; close one or ask Twilio Support to raise the limit", c.auth.sid, c.s.opts.MaxSubaccounts)
	}
	name, _ := fields["friendly_name"].(string)
	if name == "" {
		name = "SubAccount Created at " + c.now.Format("2006-01-02 03:04 pm")
	}
	a := &account{sid: c.s.newSID("AC"), token: c.s.newToken(), owner: c.auth.sid, friendlyName: name,
		status: "active", created: c.now, updated: c.now, store: newStore()}
	c.s.accounts[a.sid] = a
	writeJSON(c.w, status, c.s.render(c.s.accountObject(a)))
	return nil
}

func (c *call) updateAccount(a *account, fields map[string]any) *apiError {
	if st, ok := fields["status"].(string); ok && st != a.status {
		switch {
		case a.owner == "" || a.owner != c.auth.sid:
			return newErr(http.StatusForbidden, CodeForbidden, "Only the parent account can change the status of account %s", a.sid)
		case a.status == "closed":
			return errParam("Account %s is closed; a closed account cannot be reopened", a.sid)
		}
		a.status = st
		if st == "closed" {
			// Twilio releases a closed account's resources; its credentials
			// and API keys stop working.
			a.store = newStore()
			for sid, k := range c.s.keys {
				if k.account == a {
					delete(c.s.keys, sid)
				}
			}
		}
	}
	if name, ok := fields["friendly_name"].(string); ok {
		a.friendlyName = name
	}
	a.updated = c.now
	return nil
}

// accountObject renders an account as a resource of api/v2010:Account.
func (s *Server) accountObject(a *account) *object {
	in := s.rt.byTok["api/v2010:Account"]
	path := "/2010-04-01/Accounts/" + a.sid + ".json"
	owner := a.owner
	if owner == "" {
		owner = a.sid
	}
	return &object{info: in, key: "api.twilio.com" + path, path: path, vals: []string{a.sid}, id: a.sid,
		fields: map[string]any{
			"sid":               a.sid,
			"auth_token":        a.token,
			"friendly_name":     a.friendlyName,
			"owner_account_sid": owner,
			"status":            a.status,
			"type":              "Full",
		},
		created: a.created, updated: a.updated}
}

// subaccounts lists the sub-accounts of sid, oldest first.
func (s *Server) subaccounts(sid string) []*account {
	var out []*account
	for _, a := range s.accounts {
		if a.owner == sid {
			out = append(out, a)
		}
	}
	slices.SortFunc(out, func(x, y *account) int { return x.created.Compare(y.created) })
	return out
}
