// Command goclient is the Go side of the httppool benchmarks: the same closed-loop trial as the JVM
// clients (warm-up rounds until throughput stops rising for two rounds, READY, wait for a line on stdin, N measured
// requests, one RESULT line), driving Go's own net/http Transport.
//
// Usage: goclient URL CONCURRENCY REQUESTS WARMUP_ROUND_MS MIN_ROUNDS MAX_ROUNDS MAX_IDLE_PER_HOST MAX_CONNS_PER_HOST
package main

import (
	"bufio"
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"io"
	"net/http"
	"os"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
)

const (
	stillRising = 1.03
	flatRounds  = 2
)

func atoi(s string) int {
	n, err := strconv.Atoi(s)
	if err != nil {
		fmt.Fprintln(os.Stderr, "bad number:", s)
		os.Exit(2)
	}
	return n
}

func call(client *http.Client, url string, scratch []byte) error {
	req, err := http.NewRequest("GET", url, nil)
	if err != nil {
		return err
	}
	resp, err := client.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	for {
		_, err := resp.Body.Read(scratch)
		if err == io.EOF {
			break
		}
		if err != nil {
			return err
		}
	}
	if resp.StatusCode != 200 {
		return fmt.Errorf("status %d", resp.StatusCode)
	}
	return nil
}

func timed(client *http.Client, url string, c int, d time.Duration) float64 {
	var done int64
	var wg sync.WaitGroup
	start := time.Now()
	deadline := start.Add(d)
	for i := 0; i < c; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			scratch := make([]byte, 8192)
			var n int64
			for time.Now().Before(deadline) {
				if call(client, url, scratch) == nil {
					n++
				}
			}
			atomic.AddInt64(&done, n)
		}()
	}
	wg.Wait()
	return float64(done) / time.Since(start).Seconds()
}

func cpuNanos() int64 {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return ru.Utime.Nano() + ru.Stime.Nano()
}

func main() {
	if len(os.Args) != 9 {
		fmt.Fprintln(os.Stderr, "usage: goclient URL C N WARMUP_ROUND_MS MIN_ROUNDS MAX_ROUNDS MAX_IDLE_PER_HOST MAX_CONNS_PER_HOST")
		os.Exit(2)
	}
	url := os.Args[1]
	c, n := atoi(os.Args[2]), atoi(os.Args[3])
	round := time.Duration(atoi(os.Args[4])) * time.Millisecond
	minRounds, maxRounds := atoi(os.Args[5]), atoi(os.Args[6])
	idlePerHost, connsPerHost := atoi(os.Args[7]), atoi(os.Args[8])

	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.MaxIdleConns = c
	if tr.MaxIdleConns < 100 {
		tr.MaxIdleConns = 100
	}
	tr.MaxIdleConnsPerHost = idlePerHost
	tr.MaxConnsPerHost = connsPerHost
	name := "go"
	// GOCLIENT_CA names a PEM certificate to trust: the HTTP/2 run (H2Bench) speaks TLS to nginx and Go's
	// Transport picks h2 by ALPN; GOCLIENT_NAME is the client name it reports.
	if ca := os.Getenv("GOCLIENT_CA"); ca != "" {
		pem, err := os.ReadFile(ca)
		if err != nil {
			fmt.Fprintln(os.Stderr, "reading GOCLIENT_CA:", err)
			os.Exit(2)
		}
		roots := x509.NewCertPool()
		roots.AppendCertsFromPEM(pem)
		tr.TLSClientConfig = &tls.Config{RootCAs: roots}
		tr.ForceAttemptHTTP2 = true
	}
	if v := os.Getenv("GOCLIENT_NAME"); v != "" {
		name = v
	}
	client := &http.Client{Transport: tr}

	var warm []string
	best := 0.0
	flat := 0
	for r := 1; r <= maxRounds; r++ {
		rps := timed(client, url, c, round)
		warm = append(warm, strconv.FormatFloat(rps, 'f', 0, 64))
		if rps > best*stillRising {
			flat = 0
		} else {
			flat++
		}
		if rps > best {
			best = rps
		}
		if r >= minRounds && flat >= flatRounds {
			break
		}
	}
	fmt.Println("READY")
	stdin := bufio.NewReader(os.Stdin)
	if _, err := stdin.ReadString('\n'); err != nil {
		fmt.Fprintln(os.Stderr, "runner went away")
		os.Exit(1)
	}

	lat := make([]int64, n)
	var next int64 = -1
	var errs int64
	var firstErr atomic.Value
	var wg sync.WaitGroup
	var ms0, ms1 runtime.MemStats
	runtime.ReadMemStats(&ms0)
	cpu0 := cpuNanos()
	start := time.Now()
	for i := 0; i < c; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			scratch := make([]byte, 8192)
			for {
				k := atomic.AddInt64(&next, 1)
				if k >= int64(n) {
					return
				}
				t0 := time.Now()
				if err := call(client, url, scratch); err != nil {
					atomic.AddInt64(&errs, 1)
					firstErr.CompareAndSwap(nil, err.Error())
				}
				lat[k] = int64(time.Since(t0))
			}
		}()
	}
	wg.Wait()
	elapsed := time.Since(start)
	cpu := cpuNanos() - cpu0
	runtime.ReadMemStats(&ms1)
	if e := firstErr.Load(); e != nil {
		fmt.Fprintf(os.Stderr, "error (%d in all): %v\n", errs, e)
	}
	sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
	pct := func(q float64) float64 {
		i := int(q*float64(n-1) + 0.5)
		if i > n-1 {
			i = n - 1
		}
		return float64(lat[i]) / 1e3
	}
	fmt.Printf("RESULT client=%s c=%d n=%d seconds=%.6f p50us=%.2f p99us=%.2f cpuns=%.1f allocb=%.1f errors=%d warmup=%s\n",
		name, c, n, elapsed.Seconds(), pct(0.50), pct(0.99), float64(cpu)/float64(n),
		float64(ms1.TotalAlloc-ms0.TotalAlloc)/float64(n), errs, strings.Join(warm, ";"))
	// The runner reads its counters now; connections close only after it answers.
	stdin.ReadString('\n')
}
