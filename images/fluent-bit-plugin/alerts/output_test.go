package alerts

import (
	"encoding/json"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"
)

// alertmanager is a stand-in for Alertmanager's POST /api/v2/alerts (the real one runs in the
// harness test): it records each posted batch and answers with status().
type alertmanager struct {
	mu      sync.Mutex
	batches [][]Alert
	status  func() int
	server  *httptest.Server
}

func newAlertmanager(t *testing.T) *alertmanager {
	am := &alertmanager{status: func() int { return http.StatusOK }}
	am.server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost || r.URL.Path != "/api/v2/alerts" || r.Header.Get("Content-Type") != "application/json" {
			t.Errorf("unexpected %s %s (%s)", r.Method, r.URL.Path, r.Header.Get("Content-Type"))
		}
		body, _ := io.ReadAll(r.Body)
		var batch []Alert
		if err := json.Unmarshal(body, &batch); err != nil {
			t.Errorf("body %s: %v", body, err)
		}
		status := am.status()
		if status == http.StatusOK {
			am.mu.Lock()
			am.batches = append(am.batches, batch)
			am.mu.Unlock()
		}
		w.WriteHeader(status)
		_, _ = w.Write([]byte("answer"))
	}))
	t.Cleanup(am.server.Close)
	return am
}

func (am *alertmanager) received() [][]Alert {
	am.mu.Lock()
	defer am.mu.Unlock()
	return append([][]Alert(nil), am.batches...)
}

var t0 = time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)

func newOutput(t *testing.T, url string, extra props) (*Output, *strings.Builder) {
	p := with(with(minimal(), "URL", url), "Label_Keys", "namespace=kubernetes.namespace_name,pod=kubernetes.pod_name")
	for k, v := range extra {
		p = with(p, k, v)
	}
	cfg, err := ParseConfig(p.get)
	if err != nil {
		t.Fatal(err)
	}
	var logs strings.Builder
	o := NewOutput(cfg, log.New(&logs, "", 0))
	o.now = func() time.Time { return t0 }
	return o, &logs
}

// record is what fluent-bit-go hands over: string values as []byte, nested maps untyped.
func record(at time.Time, line, namespace, pod string) Record {
	return Record{Time: at, Body: map[interface{}]interface{}{
		"log":    []byte(line),
		"stream": []byte("stderr"),
		"kubernetes": map[interface{}]interface{}{
			"namespace_name": []byte(namespace),
			"pod_name":       []byte(pod),
		},
	}}
}

func TestOneAlertPerLabelSetPerChunk(t *testing.T) {
	am := newAlertmanager(t)
	o, _ := newOutput(t, am.server.URL, nil)
	chunk := []Record{
		record(t0, "panic: runtime error: index out of range\n", "mysql", "crawler-0"),
		record(t0.Add(time.Second), "goroutine 1 [running]:", "mysql", "crawler-0"),
		record(t0.Add(2*time.Second), "panic: nil map", "mysql", "crawler-0"),
		record(t0.Add(3*time.Second), "panic: boom", "argocd", "server-1"),
	}
	if got := o.Flush("kube.var.log.containers.x", chunk); got != Delivered {
		t.Fatalf("Flush = %s", got)
	}
	batches := am.received()
	if len(batches) != 1 || len(batches[0]) != 2 {
		t.Fatalf("posted %+v", batches)
	}
	// In label order: argocd before mysql.
	argo, mysql := batches[0][0], batches[0][1]
	if want := map[string]string{"alertname": "GoPanic", "severity": "warning", "namespace": "mysql", "pod": "crawler-0"}; !equal(mysql.Labels, want) {
		t.Errorf("labels %v, want %v", mysql.Labels, want)
	}
	if mysql.Annotations["summary"] != "2 log lines matched ^panic:" || mysql.Annotations["description"] != "panic: nil map" || mysql.Annotations["tag"] != "kube.var.log.containers.x" {
		t.Errorf("annotations %v", mysql.Annotations)
	}
	if !mysql.StartsAt.Equal(t0) || !mysql.EndsAt.Equal(t0.Add(2*time.Second+15*time.Minute)) {
		t.Errorf("mysql %v .. %v", mysql.StartsAt, mysql.EndsAt)
	}
	if argo.Labels["namespace"] != "argocd" || argo.Annotations["summary"] != "1 log line matched ^panic:" {
		t.Errorf("argo %+v", argo)
	}
	if o.Firing() != 2 {
		t.Errorf("Firing = %d", o.Firing())
	}
}

func TestAnEpisodeLastsUntilResolveAfterPassesWithoutAMatch(t *testing.T) {
	am := newAlertmanager(t)
	o, _ := newOutput(t, am.server.URL, props{"Resolve_After": "10m"})
	flush := func(at time.Time) Alert {
		t.Helper()
		o.now = func() time.Time { return at }
		if got := o.Flush("kube.x", []Record{record(at, "panic: x", "ns", "p")}); got != Delivered {
			t.Fatalf("Flush = %s", got)
		}
		b := am.received()
		return b[len(b)-1][0]
	}
	first := flush(t0)
	second := flush(t0.Add(9 * time.Minute))
	if !second.StartsAt.Equal(first.StartsAt) || !second.EndsAt.Equal(t0.Add(19*time.Minute)) || second.Annotations["summary"] != "2 log lines matched ^panic:" {
		t.Errorf("second %+v", second)
	}
	third := flush(t0.Add(30 * time.Minute))
	if !third.StartsAt.Equal(t0.Add(30*time.Minute)) || third.Annotations["summary"] != "1 log line matched ^panic:" {
		t.Errorf("a match after Resolve_After starts a new alert: %+v", third)
	}
}

func TestNothingMatchedPostsNothingAndExpiresOldAlerts(t *testing.T) {
	am := newAlertmanager(t)
	o, _ := newOutput(t, am.server.URL, nil)
	o.Flush("kube.x", []Record{record(t0, "panic: x", "ns", "p")})
	o.now = func() time.Time { return t0.Add(time.Hour) }
	if got := o.Flush("kube.x", []Record{record(t0.Add(time.Hour), "all good", "ns", "p"), {Time: t0, Body: map[interface{}]interface{}{"other": 1}}}); got != Delivered {
		t.Fatalf("Flush = %s", got)
	}
	if len(am.received()) != 1 || o.Firing() != 0 {
		t.Errorf("posted %d batches, %d firing", len(am.received()), o.Firing())
	}
}

func TestARefusedOrFailedPostChangesNothing(t *testing.T) {
	am := newAlertmanager(t)
	o, logs := newOutput(t, am.server.URL, nil)
	status := http.StatusServiceUnavailable
	am.status = func() int { return status }
	chunk := []Record{record(t0, "panic: x", "ns", "p")}
	if got := o.Flush("kube.x", chunk); got != Retry {
		t.Errorf("503: %s", got)
	}
	status = http.StatusTooManyRequests
	if got := o.Flush("kube.x", chunk); got != Retry {
		t.Errorf("429: %s", got)
	}
	status = http.StatusBadRequest
	if got := o.Flush("kube.x", chunk); got != Drop {
		t.Errorf("400: %s", got)
	}
	if o.Firing() != 0 {
		t.Errorf("an undelivered alert was recorded as firing")
	}
	status = http.StatusOK
	o.Flush("kube.x", chunk)
	if got := am.received()[0][0].Annotations["summary"]; got != "1 log line matched ^panic:" {
		t.Errorf("the retried chunk was counted more than once: %s", got)
	}
	want := "GoPanic: 1 alert(s) not delivered (drop): POST " + am.server.URL + "/api/v2/alerts: 400 Bad Request answer\n"
	if !strings.Contains(logs.String(), want) {
		t.Errorf("log %q lacks %q", logs.String(), want)
	}
}

func TestAnUnreachableAlertmanagerIsARetry(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	o, _ := newOutput(t, "http://"+addr, props{"Timeout": "2s"})
	if got := o.Flush("kube.x", []Record{record(t0, "panic: x", "ns", "p")}); got != Retry {
		t.Errorf("Flush = %s", got)
	}
}

func TestLabelsFromMissingKeysAreLeftOutAndLongLinesCut(t *testing.T) {
	am := newAlertmanager(t)
	o, _ := newOutput(t, am.server.URL, props{"Labels": "team=platform"})
	long := "panic: " + strings.Repeat("é", maxLine)
	o.Flush("host.x", []Record{{Time: t0, Body: map[interface{}]interface{}{"log": long}}})
	a := am.received()[0][0]
	if want := map[string]string{"alertname": "GoPanic", "severity": "warning", "team": "platform"}; !equal(a.Labels, want) {
		t.Errorf("labels %v", a.Labels)
	}
	d := a.Annotations["description"]
	if len(d) > maxLine+len("…") || !strings.HasSuffix(d, "é…") {
		t.Errorf("description of %d bytes ends %q", len(d), d[len(d)-8:])
	}
}

// Fluent Bit flushes an instance from several threads; run with -race.
func TestConcurrentFlushesCountEveryLineOnce(t *testing.T) {
	am := newAlertmanager(t)
	o, _ := newOutput(t, am.server.URL, nil)
	const flushes = 16
	var wg sync.WaitGroup
	for i := 0; i < flushes; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			o.Flush("kube.x", []Record{record(t0.Add(time.Duration(i)*time.Second), "panic: x", "ns", "p")})
		}(i)
	}
	wg.Wait()
	counts := map[string]bool{}
	for _, b := range am.received() {
		counts[b[0].Annotations["summary"]] = true
	}
	if len(am.received()) != flushes || !counts["16 log lines matched ^panic:"] || !counts["1 log line matched ^panic:"] {
		t.Errorf("%d posts, summaries %v", len(am.received()), counts)
	}
}

func equal(a, b map[string]string) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}
