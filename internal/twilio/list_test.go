package twilio

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// pagedList serves n items named "0".."n-1", per pages of the PageSize
// asked (Twilio's default of 50 when none), in the 2010 API's style (next_page_uri, relative) or the newer
// APIs' (meta.next_page_url, absolute), and logs each request's query.
func pagedList(n int, style2010 bool, log *[]string, mu *sync.Mutex) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		mu.Lock()
		*log = append(*log, r.URL.Path+"?"+q.Encode())
		mu.Unlock()
		size, _ := strconv.Atoi(q.Get("PageSize"))
		if size == 0 {
			size = 50
		}
		page, _ := strconv.Atoi(q.Get("Page"))
		var items []any
		for i := page * size; i < min(n, (page+1)*size); i++ {
			items = append(items, map[string]any{"sid": strconv.Itoa(i), "friendly_name": q.Get("FriendlyName")})
		}
		next := ""
		if (page+1)*size < n {
			next = fmt.Sprintf("%s?FriendlyName=%s&PageSize=%d&Page=%d&PageToken=PT%d", r.URL.Path, q.Get("FriendlyName"), size, page+1, page+1)
		}
		body := map[string]any{"items": items}
		if style2010 {
			body["next_page_uri"] = next
		} else {
			if next != "" {
				next = "https://" + r.Host + next
			}
			body["meta"] = map[string]any{"next_page_url": next, "key": "items"}
		}
		json.NewEncoder(w).Encode(body)
	}
}

func TestItemsFollowsBothPagingStyles(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		style2010 bool
		pageSize  int
		n         int
		pages     int
		first     string
	}{
		{"2010 API, one page", true, MaxPageSize, 3, 1, "FriendlyName=x&PageSize=1000"},
		{"2010 API, three pages", true, MaxPageSize, 2*MaxPageSize + 1, 3, "FriendlyName=x&PageSize=1000"},
		{"newer API, empty", false, MaxPageSize, 0, 1, "FriendlyName=x&PageSize=1000"},
		{"newer API, two pages", false, MaxPageSize, MaxPageSize + 1, 2, "FriendlyName=x&PageSize=1000"},
		{"a list that stops at 100 (Sync)", false, 100, 250, 3, "FriendlyName=x&PageSize=100"},
		{"no page size: Twilio's default", true, 0, 120, 3, "FriendlyName=x"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var log []string
			var mu sync.Mutex
			cl, _ := fakeTwilio(t, tokenCreds(), pagedList(tt.n, tt.style2010, &log, &mu))
			req := Request{Host: "sync.twilio.com", Path: "/v1/Things", Form: map[string][]string{"FriendlyName": {"x"}}}
			got := 0
			for m, err := range Items(t.Context(), cl, req, "items", tt.pageSize) {
				if err != nil {
					t.Fatal(err)
				}
				if m["sid"] != strconv.Itoa(got) || m["friendly_name"] != "x" {
					t.Fatalf("item %d = %v", got, m)
				}
				got++
			}
			if got != tt.n {
				t.Errorf("%d items, want %d", got, tt.n)
			}
			if len(log) != tt.pages {
				t.Fatalf("%d requests, want %d: %v", len(log), tt.pages, log)
			}
			if want := "/v1/Things?" + tt.first; log[0] != want {
				t.Errorf("first request %s, want %s", log[0], want)
			}
			if req.Form.Get("PageSize") != "" {
				t.Error("Items changed the caller's form")
			}
		})
	}
}

func TestItemsStopsWhenTheLoopDoes(t *testing.T) {
	t.Parallel()
	var log []string
	var mu sync.Mutex
	cl, _ := fakeTwilio(t, tokenCreds(), pagedList(3*MaxPageSize, false, &log, &mu))
	for m, err := range Items(t.Context(), cl, Request{Host: "sync.twilio.com", Path: "/v1/Things"}, "items", MaxPageSize) {
		if err != nil {
			t.Fatal(err)
		}
		if m["sid"] == "1" {
			break
		}
	}
	if len(log) != 1 {
		t.Errorf("%d requests after breaking on the first page, want 1", len(log))
	}
}

func TestItemsErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		handler http.HandlerFunc
		want    string
		calls   int
	}{
		{"Twilio's error, unchanged", func(w http.ResponseWriter, r *http.Request) { twilioError(w, 404, 20404, "not found") },
			"Twilio error 20404 (HTTP 404): not found", 1},
		{"bad next link names the page", func(w http.ResponseWriter, r *http.Request) {
			json.NewEncoder(w).Encode(map[string]any{"items": []any{}, "meta": map[string]any{"next_page_url": "https://sync.twilio.com/v1/%zz"}})
		}, "next page of /v1/Things: ", 1},
		{"endless list", func(w http.ResponseWriter, r *http.Request) {
			json.NewEncoder(w).Encode(map[string]any{"items": []any{}, "next_page_uri": "/v1/Things?Page=1"})
		}, fmt.Sprintf("list /v1/Things: more than %d pages", MaxPages), MaxPages},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var mu sync.Mutex
			calls := 0
			cl, _ := fakeTwilio(t, tokenCreds(), func(w http.ResponseWriter, r *http.Request) {
				mu.Lock()
				calls++
				mu.Unlock()
				tt.handler(w, r)
			})
			var errs []error
			for _, err := range Items(t.Context(), cl, Request{Host: "sync.twilio.com", Path: "/v1/Things"}, "items", MaxPageSize) {
				errs = append(errs, err)
			}
			if len(errs) != 1 || errs[0] == nil || !strings.Contains(errs[0].Error(), tt.want) {
				t.Fatalf("yielded %v, want one error containing %q", errs, tt.want)
			}
			if d := cmp.Diff(tt.calls, calls); d != "" {
				t.Errorf("calls (-want +got):\n%s", d)
			}
		})
	}
}
