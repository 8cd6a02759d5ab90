package main

import "testing"

func TestCountRecords(t *testing.T) {
	// Two records: [int timestamp, {"log": "hi"}] each, then a truncated third.
	record := []byte{0x92, 0x01, 0x81, 0xa3, 'l', 'o', 'g', 0xa2, 'h', 'i'}
	chunk := append(append(append([]byte{}, record...), record...), 0x92, 0x01)
	if got := countRecords(chunk); got != 2 {
		t.Fatalf("countRecords = %d, want 2", got)
	}
	if got := countRecords(nil); got != 0 {
		t.Fatalf("countRecords(nil) = %d", got)
	}
}
