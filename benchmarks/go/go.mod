module httppool.dev/benchmarks/goclient

go 1.19
