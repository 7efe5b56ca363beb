// Idle connection footprint of Go's net/http Transport (issue 15 item 3): opens -connections keep-alive
// connections to one server at once (each caller holds its response until all have one), lets them go idle,
// waits -idle-seconds, and prints the growth of the process's RSS (VmRSS) and of the Go heap in use, per
// connection, as "RESULT connections=N perConn=B heap=B direct=0 rss=B".
package main

import (
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"runtime"
	"runtime/debug"
	"strconv"
	"strings"
	"sync"
	"time"
)

func rss() int64 {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		panic(err)
	}
	for _, line := range strings.Split(string(b), "\n") {
		if strings.HasPrefix(line, "VmRSS:") {
			f := strings.Fields(line)
			kb, _ := strconv.ParseInt(f[1], 10, 64)
			return kb * 1024
		}
	}
	panic("no VmRSS")
}

func heapInuse() int64 {
	runtime.GC()
	debug.FreeOSMemory()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return int64(m.HeapInuse)
}

func active(port int) int {
	resp, err := http.Get(fmt.Sprintf("http://127.0.0.1:%d/nginx_status", port))
	if err != nil {
		panic(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	f := strings.Fields(strings.TrimPrefix(string(b), "Active connections:"))
	n, _ := strconv.Atoi(f[0])
	return n
}

func main() {
	port := flag.Int("port", 0, "nginx port")
	n := flag.Int("connections", 5000, "idle connections to open")
	idle := flag.Int("idle-seconds", 3, "seconds to wait before measuring")
	flag.Parse()
	tr := &http.Transport{MaxIdleConns: *n, MaxIdleConnsPerHost: *n, IdleConnTimeout: time.Hour}
	client := &http.Client{Transport: tr}
	url := fmt.Sprintf("http://127.0.0.1:%d/small", *port)
	get := func() *http.Response {
		r, err := client.Get(url)
		if err != nil {
			panic(err)
		}
		return r
	}
	r := get()
	io.ReadAll(r.Body)
	r.Body.Close()
	activeBefore := active(*port) // its own connection counted; the status request reuses the idle one
	rssBefore, heapBefore := rss(), heapInuse()
	var all, done sync.WaitGroup
	all.Add(*n)
	done.Add(*n)
	for i := 0; i < *n; i++ {
		go func() {
			defer done.Done()
			r := get()
			all.Done()
			all.Wait()
			io.ReadAll(r.Body)
			r.Body.Close()
		}()
	}
	done.Wait()
	time.Sleep(time.Duration(*idle) * time.Second)
	heap := heapInuse() - heapBefore
	grown := rss() - rssBefore
	conns := active(*port) - activeBefore
	fmt.Printf("RESULT connections=%d perConn=%d heap=%d direct=0 rss=%d\n", conns, grown/int64(conns), heap, grown)
}
