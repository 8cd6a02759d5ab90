// Package alerts turns log records that match a rule into Alertmanager alerts: the work of one
// Fluent Bit [OUTPUT] instance of the alertmanager plugin, without cgo, so it tests as plain Go.
package alerts

import (
	"fmt"
	"net/url"
	"regexp"
	"sort"
	"strings"
	"time"
)

// PluginName is the output's Name in Fluent Bit's configuration.
const PluginName = "alertmanager"

// Description is what Fluent Bit lists for the plugin.
const Description = "Log lines matching a pattern become Alertmanager alerts"

// The configuration keys of an [OUTPUT] section. Fluent Bit looks them up case-insensitively.
const (
	KeyURL          = "URL"
	KeyAlertName    = "Alert_Name"
	KeyRegex        = "Regex"
	KeyRecordKey    = "Key"
	KeySeverity     = "Severity"
	KeyLabels       = "Labels"
	KeyLabelKeys    = "Label_Keys"
	KeyResolveAfter = "Resolve_After"
	KeyTimeout      = "Timeout"
)

// Defaults of the optional keys.
const (
	DefaultRecordKey    = "log"
	DefaultSeverity     = "warning"
	DefaultResolveAfter = 15 * time.Minute
	DefaultTimeout      = 10 * time.Second
)

// LabelKey copies the value at Path in a record into the label Label.
type LabelKey struct {
	Label string
	Path  []string
}

// Config is one parsed [OUTPUT] section.
type Config struct {
	// Endpoint is Alertmanager's alerts API: <URL>/api/v2/alerts.
	Endpoint     string
	AlertName    string
	Severity     string
	RecordKey    []string
	Pattern      *regexp.Regexp
	StaticLabels map[string]string
	LabelKeys    []LabelKey
	ResolveAfter time.Duration
	Timeout      time.Duration
}

// Labels the plugin sets itself, and the key that sets each.
var reservedLabels = map[string]string{"alertname": KeyAlertName, "severity": KeySeverity}

// Alertmanager's label names (Prometheus' rule).
var labelName = regexp.MustCompile(`^[a-zA-Z_][a-zA-Z0-9_]*$`)

// ParseConfig reads an [OUTPUT] section through get (Fluent Bit's property lookup, "" when unset).
// Each error names the key, the value, the rule and the fix.
func ParseConfig(get func(key string) string) (Config, error) {
	value := func(key string) string { return strings.TrimSpace(get(key)) }
	var c Config

	raw := value(KeyURL)
	u, err := url.Parse(raw)
	if raw == "" || err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return c, fmt.Errorf("%s %q: must be Alertmanager's http(s) base URL, like http://alertmanager.monitoring.svc:9093", KeyURL, raw)
	}
	c.Endpoint = strings.TrimSuffix(u.String(), "/") + "/api/v2/alerts"

	c.AlertName = value(KeyAlertName)
	if !labelName.MatchString(c.AlertName) {
		return c, fmt.Errorf("%s %q: must be an alert name like GoPanic (letters, digits, _)", KeyAlertName, c.AlertName)
	}

	pattern := value(KeyRegex)
	if pattern == "" {
		return c, fmt.Errorf("%s is not set: give the RE2 pattern a record's %s must match to fire", KeyRegex, KeyRecordKey)
	}
	if c.Pattern, err = regexp.Compile(pattern); err != nil {
		return c, fmt.Errorf("%s %q: not an RE2 pattern (%v)", KeyRegex, pattern, err)
	}

	key := value(KeyRecordKey)
	if key == "" {
		key = DefaultRecordKey
	}
	if c.RecordKey, err = parsePath(key); err != nil {
		return c, fmt.Errorf("%s %q: %v", KeyRecordKey, key, err)
	}

	c.Severity = value(KeySeverity)
	if c.Severity == "" {
		c.Severity = DefaultSeverity
	}

	if c.StaticLabels, err = parsePairs(value(KeyLabels)); err != nil {
		return c, fmt.Errorf("%s %q: %v; write name=value,name=value", KeyLabels, value(KeyLabels), err)
	}
	for _, label := range sortedKeys(c.StaticLabels) {
		if owner, ok := reservedLabels[label]; ok {
			return c, fmt.Errorf("%s %q: label %s is set by %s; remove it", KeyLabels, value(KeyLabels), label, owner)
		}
	}

	keys, err := parsePairs(value(KeyLabelKeys))
	if err != nil {
		return c, fmt.Errorf("%s %q: %v; write label=record.path,label=record.path", KeyLabelKeys, value(KeyLabelKeys), err)
	}
	for _, label := range sortedKeys(keys) {
		_, static := c.StaticLabels[label]
		if _, reserved := reservedLabels[label]; static || reserved {
			return c, fmt.Errorf("%s %q: label %s is already set; give it another name", KeyLabelKeys, value(KeyLabelKeys), label)
		}
		path, err := parsePath(keys[label])
		if err != nil {
			return c, fmt.Errorf("%s %q: label %s: %v", KeyLabelKeys, value(KeyLabelKeys), label, err)
		}
		c.LabelKeys = append(c.LabelKeys, LabelKey{Label: label, Path: path})
	}

	if c.ResolveAfter, err = parseDuration(value(KeyResolveAfter), DefaultResolveAfter); err != nil {
		return c, fmt.Errorf("%s %q: %v", KeyResolveAfter, value(KeyResolveAfter), err)
	}
	if c.Timeout, err = parseDuration(value(KeyTimeout), DefaultTimeout); err != nil {
		return c, fmt.Errorf("%s %q: %v", KeyTimeout, value(KeyTimeout), err)
	}
	return c, nil
}

// parsePath splits `kubernetes.namespace_name` into the keys of nested maps.
func parsePath(path string) ([]string, error) {
	parts := strings.Split(path, ".")
	for _, p := range parts {
		if p == "" {
			return nil, fmt.Errorf("must be a record key or a dotted path like kubernetes.pod_name")
		}
	}
	return parts, nil
}

// parsePairs reads `a=1,b=2`; names must be label names.
func parsePairs(text string) (map[string]string, error) {
	pairs := map[string]string{}
	if text == "" {
		return pairs, nil
	}
	for _, item := range strings.Split(text, ",") {
		name, val, ok := strings.Cut(strings.TrimSpace(item), "=")
		name, val = strings.TrimSpace(name), strings.TrimSpace(val)
		if !ok || val == "" {
			return nil, fmt.Errorf("%q is not name=value", item)
		}
		if !labelName.MatchString(name) {
			return nil, fmt.Errorf("%q is not a label name (letters, digits, _)", name)
		}
		if _, dup := pairs[name]; dup {
			return nil, fmt.Errorf("%s is given twice", name)
		}
		pairs[name] = val
	}
	return pairs, nil
}

func parseDuration(text string, def time.Duration) (time.Duration, error) {
	if text == "" {
		return def, nil
	}
	d, err := time.ParseDuration(text)
	if err != nil || d <= 0 {
		return 0, fmt.Errorf("must be a positive duration like 15m or 30s")
	}
	return d, nil
}

func sortedKeys(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
