// out_alertmanager is a Fluent Bit output plugin in Go, on Fluent Bit's own library
// (github.com/fluent/fluent-bit-go): records whose key matches a pattern become Alertmanager alerts.
// Every [OUTPUT] section that names it is one instance with its own rule (package alerts).
//
// Fluent Bit's Go proxy dlopens the shared object and calls, in order: FLBPluginRegister once,
// FLBPluginInit per instance, FLBPluginFlushCtx per chunk (from its flush threads), FLBPluginExitCtx
// per instance, FLBPluginUnregister once. It prefers the *Ctx entry points when they exist, so the
// context-free FLBPluginFlush and FLBPluginExit are not exported.
package main

import "C"

import (
	"log"
	"math"
	"os"
	"strings"
	"time"
	"unsafe"

	"github.com/fluent/fluent-bit-go/output"

	"ouchi.dev/images/fluent-bit-plugin/alerts"
)

// Fluent Bit writes the plugin's stderr into its own log.
var logger = log.New(os.Stderr, "[out_"+alerts.PluginName+"] ", 0)

//export FLBPluginRegister
func FLBPluginRegister(def unsafe.Pointer) C.int {
	return C.int(output.FLBPluginRegister(def, alerts.PluginName, alerts.Description))
}

//export FLBPluginInit
func FLBPluginInit(plugin unsafe.Pointer) C.int {
	cfg, err := alerts.ParseConfig(func(key string) string { return output.FLBPluginConfigKey(plugin, key) })
	if err != nil {
		logger.Printf("[OUTPUT] %s: %v", alerts.PluginName, err)
		return output.FLB_ERROR
	}
	output.FLBPluginSetContext(plugin, alerts.NewOutput(cfg, logger))
	logger.Printf("%s: alerts %s when %s matches %s, to %s", cfg.AlertName, cfg.Severity, strings.Join(cfg.RecordKey, "."), cfg.Pattern, cfg.Endpoint)
	return output.FLB_OK
}

//export FLBPluginFlushCtx
func FLBPluginFlushCtx(ctx, data unsafe.Pointer, length C.int, tag *C.char) C.int {
	out, ok := output.FLBPluginGetContext(ctx).(*alerts.Output)
	if !ok {
		logger.Printf("flush for an instance that did not initialize")
		return output.FLB_ERROR
	}
	records, skipped := decode(data, int(length))
	if skipped > 0 {
		logger.Printf("skipped %d record(s) that are not [time, map] events", skipped)
	}
	switch out.Flush(C.GoString(tag), records) {
	case alerts.Delivered:
		return output.FLB_OK
	case alerts.Retry:
		return output.FLB_RETRY
	default:
		return output.FLB_ERROR
	}
}

//export FLBPluginExitCtx
func FLBPluginExitCtx(ctx unsafe.Pointer) C.int {
	if out, ok := output.FLBPluginGetContext(ctx).(*alerts.Output); ok {
		logger.Printf("exit with %d alert(s) firing", out.Firing())
	}
	return output.FLB_OK
}

//export FLBPluginUnregister
func FLBPluginUnregister(def unsafe.Pointer) {
	output.FLBPluginUnregister(def)
}

// decode reads a chunk with fluent-bit-go's decoder: records in either event format
// ([time, body] or [[time, metadata], body]); ones of another shape are counted and skipped.
func decode(data unsafe.Pointer, length int) (records []alerts.Record, skipped int) {
	dec := output.NewDecoder(data, length)
	for {
		ret, ts, body := output.GetRecord(dec)
		if ret == -1 {
			// The end of the chunk (or bytes that are not msgpack at all).
			return records, skipped
		}
		if ret != 0 {
			skipped++
			continue
		}
		records = append(records, alerts.Record{Time: eventTime(ts), Body: body})
	}
}

// eventTime is a record's time: Fluent Bit's EventTime extension, or whole or fractional seconds.
func eventTime(ts interface{}) time.Time {
	switch t := ts.(type) {
	case output.FLBTime:
		return t.Time
	case uint64:
		return time.Unix(int64(t), 0)
	case int64:
		return time.Unix(t, 0)
	case float64:
		sec, frac := math.Modf(t)
		return time.Unix(int64(sec), int64(frac*1e9))
	default:
		return time.Now()
	}
}

func main() {}
