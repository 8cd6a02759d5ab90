// hello is ouchi's example app: a small HTTP service with health, readiness and Prometheus metrics,
// standard library only, so it cross-compiles for any platform without cgo.
package main

import (
	"context"
	"errors"
	"fmt"
	"log"
	"net/http"
	"os"
	"os/signal"
	"runtime"
	"sort"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
)

// version is set at build time with -ldflags "-X main.version=...".
var version = "dev"

type metrics struct {
	mu       sync.Mutex
	requests map[string]uint64
	ready    atomic.Bool
	started  time.Time
}

func (m *metrics) count(path string) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.requests[path]++
}

func (m *metrics) write(w http.ResponseWriter) {
	m.mu.Lock()
	defer m.mu.Unlock()
	w.Header().Set("Content-Type", "text/plain; version=0.0.4")
	fmt.Fprintln(w, "# HELP hello_requests_total Requests served, by path.")
	fmt.Fprintln(w, "# TYPE hello_requests_total counter")
	paths := make([]string, 0, len(m.requests))
	for p := range m.requests {
		paths = append(paths, p)
	}
	sort.Strings(paths)
	for _, p := range paths {
		fmt.Fprintf(w, "hello_requests_total{path=%q} %d\n", p, m.requests[p])
	}
	fmt.Fprintln(w, "# HELP hello_build_info Build of the running binary.")
	fmt.Fprintln(w, "# TYPE hello_build_info gauge")
	fmt.Fprintf(w, "hello_build_info{version=%q,goos=%q,goarch=%q} 1\n", version, runtime.GOOS, runtime.GOARCH)
	fmt.Fprintln(w, "# HELP hello_uptime_seconds Seconds since start.")
	fmt.Fprintln(w, "# TYPE hello_uptime_seconds gauge")
	fmt.Fprintf(w, "hello_uptime_seconds %.0f\n", time.Since(m.started).Seconds())
}

func handler(m *metrics) http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		m.count("/")
		host, _ := os.Hostname()
		fmt.Fprintf(w, "hello from ouchi (%s/%s on %s)\n", runtime.GOOS, runtime.GOARCH, host)
	})
	mux.HandleFunc("/healthz", func(w http.ResponseWriter, r *http.Request) {
		m.count("/healthz")
		fmt.Fprintln(w, "ok")
	})
	mux.HandleFunc("/readyz", func(w http.ResponseWriter, r *http.Request) {
		m.count("/readyz")
		if !m.ready.Load() {
			http.Error(w, "shutting down", http.StatusServiceUnavailable)
			return
		}
		fmt.Fprintln(w, "ready")
	})
	mux.HandleFunc("/metrics", func(w http.ResponseWriter, r *http.Request) { m.write(w) })
	return mux
}

func main() {
	addr := ":8080"
	if port := os.Getenv("PORT"); port != "" {
		addr = ":" + port
	}
	m := &metrics{requests: map[string]uint64{}, started: time.Now()}
	m.ready.Store(true)
	server := &http.Server{Addr: addr, Handler: handler(m), ReadHeaderTimeout: 5 * time.Second}

	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, os.Interrupt)
	defer stop()
	go func() {
		<-ctx.Done()
		// Fail readiness first so the Service stops sending traffic, then drain.
		m.ready.Store(false)
		shutdown, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		_ = server.Shutdown(shutdown)
	}()
	log.Printf("hello %s listening on %s (%s/%s)", version, addr, runtime.GOOS, runtime.GOARCH)
	if err := server.ListenAndServe(); err != nil && !errors.Is(err, http.ErrServerClosed) {
		log.Fatal(err)
	}
}
