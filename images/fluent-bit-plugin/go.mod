module ouchi.dev/images/fluent-bit-plugin

// The minimum language version, not a toolchain pin.
go 1.19

require github.com/fluent/fluent-bit-go v0.0.0-20230731091245-a7a013e2473c

require github.com/ugorji/go/codec v1.1.7
