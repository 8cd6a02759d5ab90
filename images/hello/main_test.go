package main

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

func TestEndpoints(t *testing.T) {
	m := &metrics{requests: map[string]uint64{}, started: time.Now()}
	m.ready.Store(true)
	srv := httptest.NewServer(handler(m))
	defer srv.Close()
	for _, path := range []string{"/healthz", "/readyz", "/"} {
		res, err := http.Get(srv.URL + path)
		if err != nil || res.StatusCode != 200 {
			t.Fatalf("GET %s: %v %v", path, err, res)
		}
	}
	res, err := http.Get(srv.URL + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if !strings.Contains(string(body), `hello_requests_total{path="/healthz"} 1`) {
		t.Fatalf("metrics: %s", body)
	}
	m.ready.Store(false)
	res, _ = http.Get(srv.URL + "/readyz")
	if res.StatusCode != http.StatusServiceUnavailable {
		t.Fatalf("readyz while shutting down: %d", res.StatusCode)
	}
}
