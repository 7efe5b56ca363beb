module httppool.dev/benchmarks/go-footprint

go 1.19
