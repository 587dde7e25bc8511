package provider

import (
	"context"
	"fmt"
	"maps"
	"net/http"
	"slices"

	"github.com/tdeploy/twilio-deploy-action/internal/provider/spec"
	"github.com/tdeploy/twilio-deploy-action/internal/twilio"
)

// target is an existing Twilio object whose fields a stack sets without
// owning the object: an adopted resource (twilio:index:AdoptedResource) or
// a settings object (spec.Settings). Recording the values the stack
// replaces and restoring them has its one home here: apply on create,
// change on update, restore on delete.
type target struct {
	r    *spec.Resource
	g    generic
	path map[string]string // the instance path's values, by Twilio name
}

func newTarget(r *spec.Resource, path map[string]string) target {
	return target{r: r, g: generic{r: r}, path: path}
}

func (t target) fetch(ctx context.Context, api API) (map[string]any, error) {
	inst, err := t.g.instancePath(t.path)
	if err != nil {
		return nil, err
	}
	return api.Do(ctx, Request{Method: http.MethodGet, Host: t.r.Catalog.Host(), Path: inst})
}

// current reads the values of the named inputs from a representation: the
// values to put back later.
func (t target) current(out map[string]any, names []string) spec.Values {
	vals := spec.Values{}
	for _, n := range names {
		in := t.r.Input(n)
		v := spec.FromResponse(in, out[in.Field])
		if v == nil && in.Type == "string" {
			v = "" // an unset URL is restored by sending it empty
		}
		vals[n] = v
	}
	return vals
}

func (t target) secret(k string) bool {
	in := t.r.Input(k)
	return in != nil && in.Secret
}

// send posts vals as one update, with the inputs Twilio wants in every
// update (a video setting's friendlyName) taken from also when vals lacks
// them. Values that are nil (a previous boolean that was never set) are
// not sent: there is nothing to put back.
func (t target) send(ctx context.Context, api API, vals, also spec.Values) (map[string]any, error) {
	vals = maps.Clone(vals)
	for k, v := range vals {
		if v == nil {
			delete(vals, k)
		}
	}
	for _, in := range t.r.Inputs {
		if _, ok := vals[in.Name]; !ok && in.RequiredOnUpdate && also[in.Name] != nil {
			vals[in.Name] = also[in.Name]
		}
	}
	return t.g.send(ctx, api, t.path, vals, slices.Sorted(maps.Keys(vals)))
}

// apply records the previous value of every setting from out (read first
// when out is nil) and sends the settings in one update. It returns the
// previous values and the update's response (out when there was nothing
// to send).
func (t target) apply(ctx context.Context, api API, out map[string]any, settings spec.Values) (previous spec.Values, resp map[string]any, err error) {
	if out == nil {
		if out, err = t.fetch(ctx, api); err != nil {
			return nil, nil, err
		}
	}
	previous = t.current(out, slices.Sorted(maps.Keys(settings)))
	if len(settings) == 0 {
		return previous, out, nil
	}
	var required []string
	for _, in := range t.r.Inputs {
		if in.RequiredOnUpdate && in.Field != "" {
			required = append(required, in.Name)
		}
	}
	resp, err = t.send(ctx, api, settings, t.current(out, required)) // unchanged where the program does not set them
	return previous, resp, err
}

// change moves from the old settings to the new ones: it sends the changed
// values, and the recorded previous value of each setting no longer set; a
// setting new to the stack has its previous value recorded first (one
// read). It returns the previous values now recorded and the update's
// response, nil when nothing changed.
func (t target) change(ctx context.Context, api API, olds, news, previous spec.Values) (spec.Values, map[string]any, error) {
	previous = maps.Clone(previous)
	if previous == nil {
		previous = spec.Values{}
	}
	send := spec.Values{}
	var added []string
	for k, v := range news {
		if ov, ok := olds[k]; !ok || !spec.Equal(ov, v) {
			send[k] = v
		}
		if _, ok := previous[k]; !ok {
			added = append(added, k)
		}
	}
	for k := range olds {
		if _, still := news[k]; !still {
			send[k] = previous[k] // put back what was there before
			delete(previous, k)
		}
	}
	if len(added) > 0 {
		out, err := t.fetch(ctx, api)
		if err != nil {
			return nil, nil, err
		}
		maps.Copy(previous, t.current(out, added))
	}
	if len(send) == 0 {
		return previous, nil, nil
	}
	resp, err := t.send(ctx, api, send, news)
	return previous, resp, err
}

// restore puts the recorded previous values back in one update. An object
// that is gone (its parent deleted) has nothing to restore.
func (t target) restore(ctx context.Context, api API, previous spec.Values) error {
	if len(previous) == 0 {
		return nil
	}
	_, err := t.send(ctx, api, previous, nil)
	if err != nil && !twilio.NotFound(err) {
		return fmt.Errorf("restore: %w", err)
	}
	return nil
}
