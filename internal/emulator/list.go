package emulator

import (
	"fmt"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"

	"github.com/tdeploy/twilio-deploy-action/internal/catalog"
)

const (
	defaultPageSize = 50
	maxPageSize     = 1000
)

// list serves a page of a collection. Page tokens are "PA<seq>" (items
// after seq) and "PB<seq>" (the page before seq), so paging stays stable
// while items are added or removed.
func (c *call) list(op *catalog.Operation) *apiError {
	fields, e := c.params(op, true)
	if e != nil {
		return e
	}
	var items []*object
	if col := c.acct.store.colls[c.collKey()]; col != nil {
		items = col.items
	}
	return c.writePage(filterItems(items, fields), op.PageSizeMax)
}

// writePage answers one page of items in the resource's envelope. most is
// the list's largest PageSize (catalog Operation.PageSizeMax; 0: Twilio's
// usual 1000). Strict mode refuses a larger one, so a client that asks
// Sync for 1000 learns here, not from Twilio; otherwise (as Twilio does) it
// gets the largest page.
func (c *call) writePage(items []*object, most int) *apiError {
	q := c.in.form
	if most <= 0 {
		most = maxPageSize
	}
	size, page := defaultPageSize, 0
	if v := q.Get("PageSize"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || (n > most && c.s.strict) {
			return errParam("Invalid value %q for parameter PageSize: want an integer between 1 and %d", v, most)
		}
		size = min(n, most)
	}
	if v := q.Get("Page"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 {
			return errParam("Invalid value %q for parameter Page: want a non-negative integer", v)
		}
		page = n
	}
	start := page * size
	if tok := q.Get("PageToken"); tok != "" {
		if len(tok) < 3 || (tok[:2] != "PA" && tok[:2] != "PB") {
			return errParam("Invalid value %q for parameter PageToken", tok)
		}
		seq, err := strconv.ParseUint(tok[2:], 10, 64)
		if err != nil {
			return errParam("Invalid value %q for parameter PageToken", tok)
		}
		i := sort.Search(len(items), func(i int) bool { return items[i].seq > seq })
		if tok[:2] == "PB" {
			i = sort.Search(len(items), func(i int) bool { return items[i].seq >= seq })
			i = max(i-size, 0)
		}
		start = i
	}
	start = min(start, len(items))
	end := min(start+size, len(items))
	pageItems := items[start:end]

	rendered := make([]any, len(pageItems))
	for i, o := range pageItems {
		extra, e := c.readTime(o)
		if e != nil {
			return e
		}
		rendered[i] = c.s.renderWith(o, extra)
	}
	base := url.Values{}
	for k, v := range q {
		if k != "Page" && k != "PageSize" && k != "PageToken" {
			base[k] = v
		}
	}
	filters := base.Encode()
	if filters != "" {
		filters += "&"
	}
	// Twilio's order: filters, PageSize, Page, PageToken.
	pageURL := func(p int, token string) string {
		u := c.r.URL.Path + "?" + filters + "PageSize=" + strconv.Itoa(size) + "&Page=" + strconv.Itoa(p)
		if token != "" {
			u += "&PageToken=" + url.QueryEscape(token)
		}
		return u
	}
	var next, prev any
	if end < len(items) {
		next = pageURL(page+1, fmt.Sprintf("PA%d", pageItems[len(pageItems)-1].seq))
	}
	if start > 0 && page > 0 {
		prev = pageURL(page-1, fmt.Sprintf("PB%d", items[start].seq))
	}
	key := c.info.res.ListKey
	if key == "" {
		key = "results"
	}
	self := pageURL(page, q.Get("PageToken"))
	first := pageURL(0, "")
	if c.info.res.Paging == "2010" || c.info.is2010 {
		out := map[string]any{
			key:                 rendered,
			"uri":               self,
			"first_page_uri":    first,
			"next_page_uri":     next,
			"previous_page_uri": prev,
			"page":              page,
			"page_size":         size,
			"start":             start,
			"end":               max(end-1, start),
		}
		writeJSON(c.w, http.StatusOK, out)
		return nil
	}
	abs := func(v any) any {
		if s, ok := v.(string); ok {
			return "https://" + c.info.host + s
		}
		return nil
	}
	writeJSON(c.w, http.StatusOK, map[string]any{
		key: rendered,
		"meta": map[string]any{
			"page":              page,
			"page_size":         size,
			"first_page_url":    abs(first),
			"previous_page_url": abs(prev),
			"url":               abs(self),
			"next_page_url":     abs(next),
			"key":               key,
		},
	})
	return nil
}

// filterItems keeps the items whose fields equal the list's filter
// parameters that name a property (FriendlyName, PhoneNumber, Status...).
func filterItems(items []*object, filters map[string]any) []*object {
	if len(filters) == 0 {
		return items
	}
	var out []*object
	for _, o := range items {
		ok := true
		for k, want := range filters {
			got, has := o.fields[k]
			if _, isProp := o.info.props[k]; !isProp {
				continue // not a stored property (a date range, a flag): ignore
			}
			if !has || !filterMatch(k, fmt.Sprint(got), fmt.Sprint(want)) {
				ok = false
				break
			}
		}
		if ok {
			out = append(out, o)
		}
	}
	return out
}

// filterMatch is how Twilio compares a filter with a field: equal, ignoring
// case, except for a phone number, which the filter may give in part, with
// "*" for any one digit ("You can specify partial numbers and use '*' as a
// wildcard for any digit", IncomingPhoneNumbers' PhoneNumber).
func filterMatch(field, got, want string) bool {
	if field != "phone_number" {
		return strings.EqualFold(got, want)
	}
	for i := 0; i+len(want) <= len(got); i++ {
		ok := true
		for j := 0; j < len(want) && ok; j++ {
			g, w := got[i+j], want[j]
			ok = g == w || (w == '*' && g >= '0' && g <= '9')
		}
		if ok {
			return true
		}
	}
	return false
}
