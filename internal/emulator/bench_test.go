package emulator_test

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"runtime"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/tdeploy/twilio-deploy-action/internal/emulator"
	"github.com/tdeploy/twilio-deploy-action/internal/emulator/emulatortest"
)

func TestStats(t *testing.T) {
	t.Parallel()
	env := emulatortest.New(t)
	st := env.Server.Stats()
	t.Logf("serving %d resources (%d createable) on %d path templates across %d products", st.Resources, st.Createable, st.Paths, st.Products)
	if st.Resources < 400 || st.Paths < 700 || st.Products < 30 || st.Createable < 200 {
		t.Errorf("stats %+v: the catalog should give hundreds of resources and paths", st)
	}
}

// BenchmarkCreateFetch measures a create+fetch mix over a real loopback
// HTTP server: each op is one POST (create a Sync Document) and one GET of
// it. Run with -cpu to vary client concurrency.
func BenchmarkCreateFetch(b *testing.B) {
	env := emulatortest.New(b, func(o *emulator.Options) { o.RequestLogLimit = -1 })
	c := newAPIClient(b, env)
	_, svc, _ := c.do("POST", "sync.twilio.com", "/v1/Services", url.Values{"FriendlyName": {"bench"}}, nil)
	docs := "/v1/Services/" + svc["sid"].(string) + "/Documents"
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 64}}
	send := func(method, path string, body string) (map[string]any, error) {
		req, _ := http.NewRequest(method, env.URL+path, strings.NewReader(body))
		req.Host = "sync.twilio.com"
		req.SetBasicAuth(env.AccountSID, env.AuthToken)
		if body != "" {
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		}
		resp, err := client.Do(req)
		if err != nil {
			return nil, err
		}
		defer resp.Body.Close()
		var out map[string]any
		if method == "POST" {
			err = json.NewDecoder(resp.Body).Decode(&out)
		} else {
			_, err = io.Copy(io.Discard, resp.Body)
		}
		return out, err
	}
	var failures atomic.Int64
	b.ResetTimer()
	start := time.Now()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			out, err := send("POST", docs, `Data=%7B%22a%22%3A1%7D`)
			if err != nil || out["sid"] == nil {
				failures.Add(1)
				continue
			}
			if _, err := send("GET", docs+"/"+out["sid"].(string), ""); err != nil {
				failures.Add(1)
			}
		}
	})
	elapsed := time.Since(start)
	b.StopTimer()
	if n := failures.Load(); n > 0 {
		b.Fatalf("%d failed operations", n)
	}
	b.ReportMetric(float64(2*b.N)/elapsed.Seconds(), "req/s")
}

// BenchmarkMemory100k stores 100,000 Sync Documents (in-process, without
// the request log) and reports the heap held per stored resource.
func BenchmarkMemory100k(b *testing.B) {
	const n = 100_000
	for range b.N {
		b.StopTimer()
		s, err := emulator.New(emulator.Options{RequestLogLimit: -1,
			Accounts: []emulator.Account{{SID: "AC0123456789abcdef0123456789abcdef", AuthToken: "tok"}}})
		if err != nil {
			b.Fatal(err)
		}
		do := func(path, body string) map[string]any {
			req := httptest.NewRequest("POST", path, strings.NewReader(body))
			req.Host = "sync.twilio.com"
			req.SetBasicAuth("AC0123456789abcdef0123456789abcdef", "tok")
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			w := httptest.NewRecorder()
			s.ServeHTTP(w, req)
			if w.Code != 201 {
				b.Fatalf("POST %s: %d %s", path, w.Code, w.Body)
			}
			var out map[string]any
			_ = json.Unmarshal(w.Body.Bytes(), &out)
			return out
		}
		svc := do("/v1/Services", "FriendlyName=mem")
		docs := "/v1/Services/" + svc["sid"].(string) + "/Documents"
		var before, after runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)
		b.StartTimer()
		for i := range n {
			do(docs, "UniqueName=doc-"+itoa(i)+"&Data=%7B%22n%22%3A1%7D")
		}
		b.StopTimer()
		runtime.GC()
		runtime.ReadMemStats(&after)
		b.ReportMetric(float64(after.HeapAlloc-before.HeapAlloc)/n, "bytes/resource")
		b.ReportMetric(float64(after.HeapAlloc-before.HeapAlloc)/(1<<20), "MiB/100k")
		if inv := s.Inventory("AC0123456789abcdef0123456789abcdef"); len(inv) != n+1 {
			b.Fatalf("inventory %d, want %d", len(inv), n+1)
		}
		runtime.KeepAlive(s)
	}
}

func itoa(i int) string {
	var buf [20]byte
	p := len(buf)
	for {
		p--
		buf[p] = byte('0' + i%10)
		i /= 10
		if i == 0 {
			break
		}
	}
	return string(buf[p:])
}
