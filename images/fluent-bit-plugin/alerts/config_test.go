package alerts

import (
	"reflect"
	"strings"
	"testing"
	"time"
)

// props is an [OUTPUT] section; lookups ignore case, as Fluent Bit's do.
type props map[string]string

func (p props) get(key string) string {
	for k, v := range p {
		if strings.EqualFold(k, key) {
			return v
		}
	}
	return ""
}

func minimal() props {
	return props{"url": "http://am.monitoring.svc:9093/", "alert_name": "GoPanic", "regex": "^panic:"}
}

func with(p props, key, value string) props {
	out := props{key: value}
	for k, v := range p {
		if !strings.EqualFold(k, key) {
			out[k] = v
		}
	}
	return out
}

func TestParseConfigDefaults(t *testing.T) {
	c, err := ParseConfig(minimal().get)
	if err != nil {
		t.Fatal(err)
	}
	if c.Endpoint != "http://am.monitoring.svc:9093/api/v2/alerts" {
		t.Errorf("Endpoint = %q", c.Endpoint)
	}
	if c.AlertName != "GoPanic" || c.Severity != "warning" || c.Pattern.String() != "^panic:" {
		t.Errorf("got %+v", c)
	}
	if !reflect.DeepEqual(c.RecordKey, []string{"log"}) || len(c.StaticLabels) != 0 || len(c.LabelKeys) != 0 {
		t.Errorf("got %+v", c)
	}
	if c.ResolveAfter != 15*time.Minute || c.Timeout != 10*time.Second {
		t.Errorf("durations %v %v", c.ResolveAfter, c.Timeout)
	}
}

func TestParseConfigEverything(t *testing.T) {
	p := with(with(with(with(with(with(minimal(),
		"Key", "kubernetes.labels.app"),
		"Severity", "critical"),
		"Labels", "team=platform, source=logs"),
		"Label_Keys", "pod=kubernetes.pod_name,namespace=kubernetes.namespace_name"),
		"Resolve_After", "5m"),
		"Timeout", "2s")
	c, err := ParseConfig(p.get)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(c.RecordKey, []string{"kubernetes", "labels", "app"}) {
		t.Errorf("RecordKey = %v", c.RecordKey)
	}
	if !reflect.DeepEqual(c.StaticLabels, map[string]string{"team": "platform", "source": "logs"}) {
		t.Errorf("StaticLabels = %v", c.StaticLabels)
	}
	want := []LabelKey{
		{Label: "namespace", Path: []string{"kubernetes", "namespace_name"}},
		{Label: "pod", Path: []string{"kubernetes", "pod_name"}},
	}
	if !reflect.DeepEqual(c.LabelKeys, want) {
		t.Errorf("LabelKeys = %v", c.LabelKeys)
	}
	if c.Severity != "critical" || c.ResolveAfter != 5*time.Minute || c.Timeout != 2*time.Second {
		t.Errorf("got %+v", c)
	}
}

func TestParseConfigErrors(t *testing.T) {
	cases := []struct {
		props props
		want  string
	}{
		{props{}, `URL "": must be Alertmanager's http(s) base URL, like http://alertmanager.monitoring.svc:9093`},
		{with(minimal(), "URL", "am:9093"), `URL "am:9093": must be Alertmanager's http(s) base URL, like http://alertmanager.monitoring.svc:9093`},
		{with(minimal(), "Alert_Name", "go panic"), `Alert_Name "go panic": must be an alert name like GoPanic (letters, digits, _)`},
		{with(minimal(), "Regex", ""), `Regex is not set: give the RE2 pattern a record's Key must match to fire`},
		{with(minimal(), "Regex", "(?=x)"), "Regex \"(?=x)\": not an RE2 pattern (error parsing regexp: invalid or unsupported Perl syntax: `(?=`)"},
		{with(minimal(), "Key", "kubernetes..pod"), `Key "kubernetes..pod": must be a record key or a dotted path like kubernetes.pod_name`},
		{with(minimal(), "Labels", "team"), `Labels "team": "team" is not name=value; write name=value,name=value`},
		{with(minimal(), "Labels", "team-a=x"), `Labels "team-a=x": "team-a" is not a label name (letters, digits, _); write name=value,name=value`},
		{with(minimal(), "Labels", "a=1,a=2"), `Labels "a=1,a=2": a is given twice; write name=value,name=value`},
		{with(minimal(), "Labels", "severity=page"), `Labels "severity=page": label severity is set by Severity; remove it`},
		{with(with(minimal(), "Labels", "pod=x"), "Label_Keys", "pod=kubernetes.pod_name"), `Label_Keys "pod=kubernetes.pod_name": label pod is already set; give it another name`},
		{with(minimal(), "Label_Keys", "alertname=log"), `Label_Keys "alertname=log": label alertname is already set; give it another name`},
		{with(minimal(), "Label_Keys", "pod=.x"), `Label_Keys "pod=.x": label pod: must be a record key or a dotted path like kubernetes.pod_name`},
		{with(minimal(), "Resolve_After", "15"), `Resolve_After "15": must be a positive duration like 15m or 30s`},
		{with(minimal(), "Timeout", "-1s"), `Timeout "-1s": must be a positive duration like 15m or 30s`},
	}
	for _, tc := range cases {
		_, err := ParseConfig(tc.props.get)
		if err == nil || err.Error() != tc.want {
			t.Errorf("%v:\n got  %v\n want %s", tc.props, err, tc.want)
		}
	}
}
