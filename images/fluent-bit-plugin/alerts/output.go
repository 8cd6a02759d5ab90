package alerts

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log"
	"net/http"
	"sort"
	"sync"
	"time"
)

// Result is what Fluent Bit should do with a chunk.
type Result int

const (
	// Delivered: done with the chunk (also when nothing in it matched).
	Delivered Result = iota
	// Retry: Alertmanager could not take it now; Fluent Bit flushes the chunk again later.
	Retry
	// Drop: Alertmanager refused it; sending it again would not help.
	Drop
)

func (r Result) String() string {
	return [...]string{"delivered", "retry", "drop"}[r]
}

// Alert is Alertmanager's postable alert (POST /api/v2/alerts takes an array of them).
type Alert struct {
	Labels      map[string]string `json:"labels"`
	Annotations map[string]string `json:"annotations"`
	StartsAt    time.Time         `json:"startsAt"`
	EndsAt      time.Time         `json:"endsAt"`
}

// episode is one alert while it fires: from its first matching line until Resolve_After passes
// without another.
type episode struct {
	labels   map[string]string
	startsAt time.Time
	lastSeen time.Time
	count    int
	line     string
	tag      string
}

// Output is one [OUTPUT] instance. Fluent Bit may flush it from several threads at once; one flush
// at a time updates the episodes, and only after Alertmanager took them, so a retried chunk is
// not counted twice.
type Output struct {
	cfg    Config
	client *http.Client
	logger *log.Logger
	// now is the clock that expires episodes; tests set it.
	now func() time.Time

	mu     sync.Mutex
	firing map[string]episode
}

// NewOutput makes the instance for cfg, logging to logger.
func NewOutput(cfg Config, logger *log.Logger) *Output {
	return &Output{
		cfg:    cfg,
		client: &http.Client{Timeout: cfg.Timeout},
		logger: logger,
		now:    time.Now,
		firing: map[string]episode{},
	}
}

// Firing is how many alerts the instance holds as firing (for tests and the exit log).
func (o *Output) Firing() int {
	o.mu.Lock()
	defer o.mu.Unlock()
	return len(o.firing)
}

// Flush matches a chunk's records and posts one alert per label set that matched.
func (o *Output) Flush(tag string, records []Record) Result {
	var matches []match
	for _, r := range records {
		if m, ok := o.cfg.match(r); ok {
			matches = append(matches, m)
		}
	}
	o.mu.Lock()
	defer o.mu.Unlock()
	o.expire()
	if len(matches) == 0 {
		return Delivered
	}
	next := o.fold(tag, matches)
	alerts := o.alerts(next)
	if result, err := o.post(alerts); result != Delivered {
		o.logger.Printf("%s: %d alert(s) not delivered (%s): %v", o.cfg.AlertName, len(alerts), result, err)
		return result
	}
	for key, ep := range next {
		o.firing[key] = ep
	}
	return Delivered
}

// fold applies the matches to copies of the episodes they touch.
func (o *Output) fold(tag string, matches []match) map[string]episode {
	next := map[string]episode{}
	for _, m := range matches {
		key := fingerprint(m.labels)
		ep, ok := next[key]
		if !ok {
			ep, ok = o.firing[key]
		}
		if !ok || m.at.After(ep.lastSeen.Add(o.cfg.ResolveAfter)) {
			ep = episode{labels: m.labels, startsAt: m.at, lastSeen: m.at}
		}
		ep.count++
		if m.at.Before(ep.startsAt) {
			ep.startsAt = m.at
		}
		if !m.at.Before(ep.lastSeen) {
			ep.lastSeen, ep.line, ep.tag = m.at, m.line, tag
		}
		next[key] = ep
	}
	return next
}

// alerts renders episodes as Alertmanager alerts, in label order.
func (o *Output) alerts(episodes map[string]episode) []Alert {
	keys := make([]string, 0, len(episodes))
	for k := range episodes {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	out := make([]Alert, 0, len(keys))
	for _, k := range keys {
		ep := episodes[k]
		lines := "lines"
		if ep.count == 1 {
			lines = "line"
		}
		out = append(out, Alert{
			Labels: ep.labels,
			Annotations: map[string]string{
				"summary":     fmt.Sprintf("%d log %s matched %s", ep.count, lines, o.cfg.Pattern),
				"description": ep.line,
				"tag":         ep.tag,
			},
			StartsAt: ep.startsAt.UTC(),
			EndsAt:   ep.lastSeen.Add(o.cfg.ResolveAfter).UTC(),
		})
	}
	return out
}

// expire forgets episodes whose Resolve_After has passed: Alertmanager has resolved them.
func (o *Output) expire() {
	now := o.now()
	for k, ep := range o.firing {
		if now.After(ep.lastSeen.Add(o.cfg.ResolveAfter)) {
			delete(o.firing, k)
		}
	}
}

// post sends the alerts: 2xx is delivered, 429, 5xx and network errors are worth a retry, any
// other status is a refusal (a retry would send the same body).
func (o *Output) post(alerts []Alert) (Result, error) {
	body, err := json.Marshal(alerts)
	if err != nil {
		return Drop, err
	}
	ctx, cancel := context.WithTimeout(context.Background(), o.cfg.Timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, o.cfg.Endpoint, bytes.NewReader(body))
	if err != nil {
		return Drop, err
	}
	req.Header.Set("Content-Type", "application/json")
	res, err := o.client.Do(req)
	if err != nil {
		return Retry, err
	}
	defer res.Body.Close()
	answer, _ := io.ReadAll(io.LimitReader(res.Body, 512))
	switch {
	case res.StatusCode >= 200 && res.StatusCode < 300:
		return Delivered, nil
	case res.StatusCode == http.StatusTooManyRequests || res.StatusCode >= 500:
		return Retry, fmt.Errorf("POST %s: %s %s", o.cfg.Endpoint, res.Status, bytes.TrimSpace(answer))
	default:
		return Drop, fmt.Errorf("POST %s: %s %s", o.cfg.Endpoint, res.Status, bytes.TrimSpace(answer))
	}
}
