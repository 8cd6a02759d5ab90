package main

import "encoding/binary"

// skip returns the encoded size of the msgpack value at b[i:], enough of the format to walk a chunk.
func skip(b []byte, i int) (int, bool) {
	if i >= len(b) {
		return 0, false
	}
	c := b[i]
	u := func(n int) (uint64, bool) {
		if i+1+n > len(b) {
			return 0, false
		}
		switch n {
		case 1:
			return uint64(b[i+1]), true
		case 2:
			return uint64(binary.BigEndian.Uint16(b[i+1:])), true
		default:
			return uint64(binary.BigEndian.Uint32(b[i+1:])), true
		}
	}
	container := func(header int, items uint64) (int, bool) {
		size := header
		for k := uint64(0); k < items; k++ {
			s, ok := skip(b, i+size)
			if !ok {
				return 0, false
			}
			size += s
		}
		return size, true
	}
	switch {
	case c <= 0x7f, c >= 0xe0, c == 0xc0, c == 0xc2, c == 0xc3:
		return 1, true
	case c >= 0x80 && c <= 0x8f:
		return container(1, uint64(c&0x0f)*2)
	case c >= 0x90 && c <= 0x9f:
		return container(1, uint64(c&0x0f))
	case c >= 0xa0 && c <= 0xbf:
		return 1 + int(c&0x1f), true
	case c == 0xcc || c == 0xd0:
		return 2, true
	case c == 0xcd || c == 0xd1:
		return 3, true
	case c == 0xca || c == 0xce || c == 0xd2:
		return 5, true
	case c == 0xcb || c == 0xcf || c == 0xd3:
		return 9, true
	case c == 0xd4:
		return 3, true
	case c == 0xd5:
		return 4, true
	case c == 0xd6:
		return 6, true
	case c == 0xd7:
		return 10, true
	case c == 0xd8:
		return 18, true
	case c == 0xd9 || c == 0xc4:
		n, ok := u(1)
		return 2 + int(n), ok
	case c == 0xda || c == 0xc5:
		n, ok := u(2)
		return 3 + int(n), ok
	case c == 0xdb || c == 0xc6:
		n, ok := u(4)
		return 5 + int(n), ok
	case c == 0xc7:
		n, ok := u(1)
		return 3 + int(n), ok
	case c == 0xc8:
		n, ok := u(2)
		return 4 + int(n), ok
	case c == 0xc9:
		n, ok := u(4)
		return 6 + int(n), ok
	case c == 0xdc:
		n, ok := u(2)
		if !ok {
			return 0, false
		}
		return container(3, n)
	case c == 0xdd:
		n, ok := u(4)
		if !ok {
			return 0, false
		}
		return container(5, n)
	case c == 0xde:
		n, ok := u(2)
		if !ok {
			return 0, false
		}
		return container(3, n*2)
	case c == 0xdf:
		n, ok := u(4)
		if !ok {
			return 0, false
		}
		return container(5, n*2)
	}
	return 0, false
}
