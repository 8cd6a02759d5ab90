package main

import (
	"encoding/binary"
	"testing"
	"time"
	"unsafe"

	"github.com/ugorji/go/codec"
)

// chunk encodes values as msgpack with ugorji's encoder (the one fluent-bit-go decodes with);
// the harness test feeds the built .so chunks from an independent encoder.
func chunk(t *testing.T, values ...interface{}) []byte {
	t.Helper()
	var out []byte
	h := &codec.MsgpackHandle{WriteExt: true}
	for _, v := range values {
		var b []byte
		if err := codec.NewEncoderBytes(&b, h).Encode(v); err != nil {
			t.Fatal(err)
		}
		out = append(out, b...)
	}
	return out
}

// eventTimeExt is Fluent Bit's EventTime: msgpack ext 0, seconds and nanoseconds, big-endian.
func eventTimeExt(at time.Time) codec.RawExt {
	data := make([]byte, 8)
	binary.BigEndian.PutUint32(data, uint32(at.Unix()))
	binary.BigEndian.PutUint32(data[4:], uint32(at.Nanosecond()))
	return codec.RawExt{Tag: 0, Data: data}
}

func TestDecodeBothEventFormats(t *testing.T) {
	at := time.Date(2025, 3, 1, 12, 0, 0, 250_000_000, time.UTC)
	body := map[string]interface{}{"log": "panic: x", "kubernetes": map[string]interface{}{"pod_name": "p"}}
	data := chunk(t,
		[]interface{}{eventTimeExt(at), body}, // the v1 format: [time, body]
		[]interface{}{[]interface{}{eventTimeExt(at.Add(time.Second)), map[string]interface{}{}}, body}, // v2: [[time, metadata], body]
		[]interface{}{uint64(at.Unix()), body},                                                          // integer seconds
		[]interface{}{"not", "an event", "at all"},
		[]interface{}{eventTimeExt(at), "a body that is not a map"},
	)
	records, skipped := decode(unsafe.Pointer(&data[0]), len(data))
	if len(records) != 3 || skipped != 2 {
		t.Fatalf("%d records, %d skipped", len(records), skipped)
	}
	for i, want := range []time.Time{at, at.Add(time.Second), at.Truncate(time.Second)} {
		if !records[i].Time.Equal(want) {
			t.Errorf("record %d at %v, want %v", i, records[i].Time, want)
		}
	}
	if got := string(records[1].Body["log"].([]byte)); got != "panic: x" {
		t.Errorf("log = %q", got)
	}
	pod := records[0].Body["kubernetes"].(map[interface{}]interface{})["pod_name"]
	if string(pod.([]byte)) != "p" {
		t.Errorf("pod_name = %v", pod)
	}
}
