module ouchi.dev/images/hello

// The minimum language version, not a toolchain pin: Debian's Go 1.19 builds it, and so does any newer Go.
go 1.19
