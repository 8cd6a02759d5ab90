module ouchi.dev/images/fluent-bit-plugin

// The minimum language version, not a toolchain pin.
go 1.19
