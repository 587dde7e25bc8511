package provider

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/tdeploy/twilio-deploy-action/internal/catalog"
	"github.com/tdeploy/twilio-deploy-action/internal/provider/spec"
	"github.com/tdeploy/twilio-deploy-action/internal/twilio"
)

// InterruptedCreatesEnv names the resources a killed run left being
// created, and since when: {"since": RFC 3339, "urns": [...]}. The action
// reads them from the state's pending operations (package stack, which
// has the same name: it cannot import this package) when it releases the
// killed run's lock. Their Create looks for what that run made before
// creating anything, so that no kill leaves an orphan or a duplicate.
const InterruptedCreatesEnv = "TWILIO_DEPLOY_INTERRUPTED_CREATES"

// createdSlack widens a creation window at its start: Twilio's clock and
// the runner's may differ, and Twilio keeps whole seconds.
const createdSlack = 30 * time.Second

type interruptedKey struct{}

// interrupted reads InterruptedCreatesEnv once.
type interrupted struct {
	once  sync.Once
	since time.Time
	urns  map[string]bool
}

func (in *interrupted) lookup(getenv func(string) string, urn string) (time.Time, bool) {
	in.once.Do(func() {
		var v struct {
			Since time.Time `json:"since"`
			URNs  []string  `json:"urns"`
		}
		if json.Unmarshal([]byte(getenv(InterruptedCreatesEnv)), &v) != nil {
			return
		}
		in.since, in.urns = v.Since, map[string]bool{}
		for _, u := range v.URNs {
			in.urns[u] = true
		}
	})
	return in.since, in.urns[urn]
}

// withInterrupted marks a Create as one a killed run started at since.
func withInterrupted(ctx context.Context, since time.Time) context.Context {
	return context.WithValue(ctx, interruptedKey{}, since)
}

func interruptedSince(ctx context.Context) (time.Time, bool) {
	t, ok := ctx.Value(interruptedKey{}).(time.Time)
	return t, ok
}

// errCannotTell is a create that may have happened and cannot be found
// for certain: the run names the resource rather than risk a second one.
func errCannotTell(token, why string) error {
	return fmt.Errorf("%w; %s: check the Console, then `pulumi import %s <name> <sid>` it, or delete it there, and run the job again",
		ErrUnknownOutcome, why, token)
}

// findCreated looks in Twilio for what an interrupted create of vals made
// since since: by the ID the program chose (a map item's key), by unique
// name, or else by every input the program gave it that Twilio shows back
// and a creation time in the window, adopted only when exactly one
// matches. nil and no error: it was not made.
func (g generic) findCreated(ctx context.Context, api API, path map[string]string, vals spec.Values, since time.Time) (map[string]any, error) {
	if in := g.r.Input(g.r.IDName()); in != nil && in.In == "body" {
		if own, ok := vals[in.Name].(string); ok && own != "" && g.r.Catalog.Fetch != nil {
			at := copyPath(path)
			at[g.r.Catalog.IDParam()] = own
			inst, err := g.instancePath(at)
			if err != nil {
				return nil, err
			}
			out, err := api.Do(ctx, Request{Method: "GET", Host: g.r.Catalog.Host(), Path: inst})
			if twilio.NotFound(err) {
				return nil, nil
			}
			return out, err
		}
	}
	if un, ok := vals["uniqueName"].(string); ok && un != "" && g.r.Catalog.List != nil {
		return g.findByField(ctx, api, path, "unique_name", un)
	}
	if g.r.Catalog.List == nil || g.r.Catalog.ListKey == "" {
		return nil, errCannotTell(g.r.Token, "the resource has no unique name and Twilio cannot list its kind")
	}
	list, err := catalog.Expand(g.r.Catalog.ListPath, path)
	if err != nil {
		return nil, err
	}
	var found []map[string]any
	for m, err := range twilio.Items(ctx, api, Request{Host: g.r.Catalog.Host(), Path: list}, g.r.Catalog.ListKey, g.r.Catalog.List.PageSizeMax) {
		if err != nil {
			return nil, err
		}
		same, compared := g.sameInputs(m, vals)
		if compared == 0 {
			return nil, errCannotTell(g.r.Token, "the resource has no unique name, and Twilio shows back none of its inputs to find it by")
		}
		if !same {
			continue
		}
		created, ok := createdAt(m)
		if !ok {
			return nil, errCannotTell(g.r.Token, "Twilio does not say when "+idString(m[g.r.Catalog.IDField])+", which has the same inputs, was created")
		}
		if !created.Before(since.Add(-createdSlack)) {
			found = append(found, m)
		}
	}
	switch len(found) {
	case 0:
		return nil, nil
	case 1:
		return found[0], nil
	}
	var sids []string
	for _, m := range found {
		sids = append(sids, idString(m[g.r.Catalog.IDField]))
	}
	return nil, errCannotTell(g.r.Token, fmt.Sprintf("%d resources with its inputs were created since %s (%s)",
		len(found), since.UTC().Format(time.RFC3339), strings.Join(sids, ", ")))
}

// sameInputs compares the program's scalar body inputs with the fields
// Twilio shows back; compared counts those it could compare.
func (g generic) sameInputs(m map[string]any, vals spec.Values) (same bool, compared int) {
	same = true
	for _, in := range g.r.Inputs {
		v, ok := vals[in.Name]
		if !ok || in.In != "body" || in.Field == "" {
			continue
		}
		var want string
		switch x := v.(type) {
		case string, bool, float64:
			want = fmt.Sprint(x)
		default:
			continue
		}
		compared++
		if got, ok := m[in.Field]; !ok || fmt.Sprint(got) != want {
			same = false
		}
	}
	return same, compared
}

// createdAt reads date_created: ISO 8601, or RFC 2822 in the 2010 API.
func createdAt(m map[string]any) (time.Time, bool) {
	s, _ := m["date_created"].(string)
	for _, layout := range []string{time.RFC3339, time.RFC1123Z} {
		if t, err := time.Parse(layout, s); err == nil {
			return t, true
		}
	}
	return time.Time{}, false
}
