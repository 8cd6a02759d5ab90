package alerts

import (
	"fmt"
	"sort"
	"strings"
	"time"
	"unicode/utf8"
)

// Record is one decoded log record: its time, and its body as fluent-bit-go decodes it (string
// values arrive as []byte, nested maps as map[interface{}]interface{}).
type Record struct {
	Time time.Time
	Body map[interface{}]interface{}
}

// maxLine bounds the matched line kept for the alert's description.
const maxLine = 1024

// match is one record that fired the rule.
type match struct {
	labels map[string]string
	line   string
	at     time.Time
}

// match reports whether the record's key matches the pattern, and the alert's labels when it does.
func (c *Config) match(r Record) (match, bool) {
	v, ok := lookup(r.Body, c.RecordKey)
	if !ok {
		return match{}, false
	}
	line, ok := scalar(v)
	if !ok || !c.Pattern.MatchString(line) {
		return match{}, false
	}
	labels := map[string]string{"alertname": c.AlertName, "severity": c.Severity}
	for name, value := range c.StaticLabels {
		labels[name] = value
	}
	for _, k := range c.LabelKeys {
		// A missing key leaves the label out, as Alertmanager treats an empty label.
		if v, ok := lookup(r.Body, k.Path); ok {
			if s, ok := scalar(v); ok && s != "" {
				labels[k.Label] = s
			}
		}
	}
	return match{labels: labels, line: truncate(strings.TrimRight(line, "\r\n"), maxLine), at: r.Time}, true
}

// lookup follows path through nested maps.
func lookup(body map[interface{}]interface{}, path []string) (interface{}, bool) {
	var cur interface{} = body
	for _, key := range path {
		switch m := cur.(type) {
		case map[interface{}]interface{}:
			v, ok := m[key]
			if !ok {
				return nil, false
			}
			cur = v
		case map[string]interface{}:
			v, ok := m[key]
			if !ok {
				return nil, false
			}
			cur = v
		default:
			return nil, false
		}
	}
	return cur, true
}

// scalar is a value as text; maps and arrays are not matched.
func scalar(v interface{}) (string, bool) {
	switch s := v.(type) {
	case string:
		return s, true
	case []byte:
		return string(s), true
	case nil, map[interface{}]interface{}, map[string]interface{}, []interface{}:
		return "", false
	default:
		return fmt.Sprint(s), true
	}
}

// truncate cuts s to at most n bytes on a rune boundary.
func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	cut := n
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + "…"
}

// fingerprint identifies an alert by its label set, as Alertmanager does.
func fingerprint(labels map[string]string) string {
	names := make([]string, 0, len(labels))
	for n := range labels {
		names = append(names, n)
	}
	sort.Strings(names)
	var b strings.Builder
	for _, n := range names {
		b.WriteString(n)
		b.WriteByte(0)
		b.WriteString(labels[n])
		b.WriteByte(0)
	}
	return b.String()
}
