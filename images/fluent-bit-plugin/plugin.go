// out_ouchi is a Fluent Bit output plugin in Go. It exports the FLBPlugin* entry points itself,
// with cgo and the standard library only (the fluent-bit-go module is not needed): Fluent Bit's
// Go proxy calls FLBPluginRegister with a struct flb_plugin_proxy_def, then Init, Flush and Exit.
//
// It counts the records and bytes of every flushed chunk and writes one line per chunk to stderr,
// which is enough to prove the shared object loads and runs; real plugins forward the data.
package main

/*
#include <stdlib.h>

// From fluent-bit's flb_plugin_proxy.h: what the Go proxy passes to FLBPluginRegister.
struct flb_plugin_proxy_def {
    int type;
    int proxy;
    int flags;
    char *name;
    char *description;
};
*/
import "C"

import (
	"fmt"
	"os"
	"sync/atomic"
	"unsafe"
)

const (
	flbError = 0
	flbOK    = 1

	// flb_plugin_proxy.h: an output plugin, implemented in Go.
	flbProxyOutputPlugin = 2
	flbProxyGolang       = 11
)

var flushed atomic.Uint64

//export FLBPluginRegister
func FLBPluginRegister(def unsafe.Pointer) C.int {
	p := (*C.struct_flb_plugin_proxy_def)(def)
	p._type = flbProxyOutputPlugin
	p.proxy = flbProxyGolang
	p.flags = 0
	// Fluent Bit keeps these for the life of the process: never freed.
	p.name = C.CString("ouchi")
	p.description = C.CString("ouchi example Go output (counts records)")
	return 0
}

//export FLBPluginInit
func FLBPluginInit(plugin unsafe.Pointer) C.int {
	return flbOK
}

//export FLBPluginFlush
func FLBPluginFlush(data unsafe.Pointer, length C.int, tag *C.char) C.int {
	return flush(data, length, C.GoString(tag))
}

//export FLBPluginFlushCtx
func FLBPluginFlushCtx(ctx, data unsafe.Pointer, length C.int, tag *C.char) C.int {
	return flush(data, length, C.GoString(tag))
}

//export FLBPluginExit
func FLBPluginExit() C.int {
	fmt.Fprintf(os.Stderr, "[out_ouchi] exit after %d chunks\n", flushed.Load())
	return flbOK
}

func flush(data unsafe.Pointer, length C.int, tag string) C.int {
	if data == nil || length < 0 {
		return flbError
	}
	chunk := C.GoBytes(data, length)
	n := flushed.Add(1)
	fmt.Fprintf(os.Stderr, "[out_ouchi] chunk %d tag=%s records=%d bytes=%d\n", n, tag, countRecords(chunk), len(chunk))
	return flbOK
}

// countRecords counts the top-level msgpack values of a chunk: each record is one [timestamp, map]
// array (fixarray 0x92, or array16/array32 in newer event formats).
func countRecords(chunk []byte) int {
	count := 0
	for i := 0; i < len(chunk); {
		size, ok := skip(chunk, i)
		if !ok {
			break
		}
		count++
		i += size
	}
	return count
}

func main() {}
