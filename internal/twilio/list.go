package twilio

import (
	"context"
	"fmt"
	"iter"
	"net/http"
	"net/url"
	"strconv"
)

// Paging: every list asks for the largest page it accepts and is walked
// for at most MaxPages pages.
const (
	// MaxPageSize is the largest page most lists accept (Twilio's OpenAPI
	// maximum for 303 of its 338 lists; Sync's stop at 100, some
	// Conversations lists at 50 or 5: catalog Operation.PageSizeMax).
	MaxPageSize = 1000
	// MaxPages bounds one walk; a longer list is an error rather than a
	// silent cut.
	MaxPages = 50
)

// Doer sends one request; *Client is one, and so are callers' narrower
// interfaces and their fakes.
type Doer interface {
	Do(ctx context.Context, req Request) (map[string]any, error)
}

// Items walks the list at req.Host and req.Path (req.Form holds its
// filters), yielding the objects under key of every page, in order.
// pageSize is the largest page the list accepts, asked for so that most
// lists take one request (0: Twilio's default page of 50). It
// follows both of Twilio's paging styles: next_page_uri (the 2010 API) and
// meta.next_page_url (the newer APIs). An error ends the walk: Do's errors
// unchanged, the walk's own naming the page's path. Breaking out of the
// loop stops the requests.
func Items(ctx context.Context, api Doer, req Request, key string, pageSize int) iter.Seq2[map[string]any, error] {
	return func(yield func(map[string]any, error) bool) {
		path, form := req.Path, url.Values{}
		for k, v := range req.Form {
			form[k] = v
		}
		if pageSize > 0 {
			form.Set("PageSize", strconv.Itoa(pageSize))
		}
		for page := 0; path != ""; page++ {
			if page == MaxPages {
				yield(nil, fmt.Errorf("list %s: more than %d pages", req.Path, MaxPages))
				return
			}
			out, err := api.Do(ctx, Request{Method: http.MethodGet, Host: req.Host, Path: path, Form: form})
			if err != nil {
				yield(nil, err)
				return
			}
			items, _ := out[key].([]any)
			for _, it := range items {
				if m, ok := it.(map[string]any); ok && !yield(m, nil) {
					return
				}
			}
			next, err := nextPage(out)
			if err != nil {
				yield(nil, fmt.Errorf("next page of %s: %w", path, err))
				return
			}
			path, form = "", nil
			if next != nil {
				path, form = next.Path, next.Query()
			}
		}
	}
}

// nextPage is the next page's link in either paging style, nil on the last
// page.
func nextPage(out map[string]any) (*url.URL, error) {
	next, _ := out["next_page_uri"].(string)
	if meta, ok := out["meta"].(map[string]any); ok {
		next, _ = meta["next_page_url"].(string)
	}
	if next == "" {
		return nil, nil
	}
	return url.Parse(next)
}
