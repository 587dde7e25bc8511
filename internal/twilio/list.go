package twilio

import (
	"context"
	"fmt"
	"iter"
	"net/http"
	"net/url"
	"strconv"
)

// Paging: every list asks for PageSize items a page and is walked for at
// most MaxPages pages.
const (
	// PageSize is Twilio's maximum page size, which every list accepts:
	// most lists then take one request.
	PageSize = 1000
	// MaxPages bounds one walk (PageSize·MaxPages = 50,000 items); a longer
	// list is an error rather than a silent cut.
	MaxPages = 50
)

// Doer sends one request; *Client is one, and so are callers' narrower
// interfaces and their fakes.
type Doer interface {
	Do(ctx context.Context, req Request) (map[string]any, error)
}

// Items walks the list at req.Host and req.Path (req.Form holds its
// filters), yielding the objects under key of every page, in order. It
// follows both of Twilio's paging styles: next_page_uri (the 2010 API) and
// meta.next_page_url (the newer APIs). An error ends the walk: Do's errors
// unchanged, the walk's own naming the page's path. Breaking out of the
// loop stops the requests.
func Items(ctx context.Context, api Doer, req Request, key string) iter.Seq2[map[string]any, error] {
	return func(yield func(map[string]any, error) bool) {
		path, form := req.Path, url.Values{}
		for k, v := range req.Form {
			form[k] = v
		}
		form.Set("PageSize", strconv.Itoa(PageSize))
		for page := 0; path != ""; page++ {
			if page == MaxPages {
				yield(nil, fmt.Errorf("list %s: more than %d pages of %d items", req.Path, MaxPages, PageSize))
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
