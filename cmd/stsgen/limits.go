package main

import (
	"errors"
	"fmt"
	"runtime/metrics"
	"strconv"
	"time"
)

// The bounds on one evaluation, unless STSGEN_MAX_MEMORY (MiB) or
// STSGEN_TIMEOUT (a duration such as 90s or 10m) set others. CUE can be
// made to build a value that grows without bound (list.Range over
// millions, a comprehension that is quadratic): a pre-commit hook must
// stop with a message, not take the laptop with it. 10,000 apps take
// about 200 MiB and ten seconds; the bounds leave room for far more.
const (
	defaultMaxMemory = 4096 // MiB
	defaultTimeout   = 10 * time.Minute
)

// limits reads the bounds from the environment.
func limits(getenv func(string) string) (maxMemory int64, timeout time.Duration, err error) {
	maxMemory, timeout = defaultMaxMemory<<20, defaultTimeout
	if s := getenv("STSGEN_MAX_MEMORY"); s != "" {
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil || n < 1 {
			return 0, 0, fmt.Errorf("STSGEN_MAX_MEMORY=%s: write a number of MiB, such as 8192", s)
		}
		maxMemory = n << 20
	}
	if s := getenv("STSGEN_TIMEOUT"); s != "" {
		d, err := time.ParseDuration(s)
		if err != nil || d <= 0 {
			return 0, 0, fmt.Errorf("STSGEN_TIMEOUT=%s: write a duration, such as 90s or 20m", s)
		}
		timeout = d
	}
	return maxMemory, timeout, nil
}

// errInterrupted says that the run was interrupted while it evaluated.
var errInterrupted = errors.New("interrupted; nothing was written")

// evaluate runs compile, which cannot be stopped midway (CUE's evaluator
// takes no context), on a goroutine of its own, and returns when it is
// done, or at once when the run is interrupted, takes longer than
// e.timeout, or grows the heap past e.maxMemory. Returning early abandons
// compile: the command returns and the process exits. compile writes
// nothing, so nothing is written. A bound of zero is no bound.
func (e *env) evaluate(compile func()) error {
	done := make(chan struct{})
	go func() {
		defer close(done)
		compile()
	}()
	var expired <-chan time.Time
	if e.timeout > 0 {
		timer := time.NewTimer(e.timeout)
		defer timer.Stop()
		expired = timer.C
	}
	tick := time.NewTicker(50 * time.Millisecond)
	defer tick.Stop()
	heap := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	for {
		select {
		case <-done:
			return nil
		case <-e.ctx.Done():
			return errInterrupted
		case <-expired:
			return fmt.Errorf("stopped after %s: evaluating the input takes longer than STSGEN_TIMEOUT allows; a value that grows without bound (a large list.Range, a comprehension over one) is the usual cause; set STSGEN_TIMEOUT to allow more. Nothing was written", e.timeout)
		case <-tick.C:
			metrics.Read(heap)
			if used := int64(heap[0].Value.Uint64()); e.maxMemory > 0 && used > e.maxMemory {
				return fmt.Errorf("stopped: evaluating the input took more than %d MiB, the most STSGEN_MAX_MEMORY allows; a value that grows without bound (a large list.Range, strings.Repeat, a comprehension over one) is the usual cause; set STSGEN_MAX_MEMORY to allow more. Nothing was written", e.maxMemory>>20)
			}
		}
	}
}
