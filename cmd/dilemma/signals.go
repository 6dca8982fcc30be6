package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"sync"
	"syscall"
)

// stopSignals are the signals a long command (fit, paper) turns into a
// clean stop: SIGINT (Ctrl-C), SIGTERM (kill, a batch system's time
// limit) and SIGHUP (the terminal closed).
var stopSigs = []os.Signal{os.Interrupt, syscall.SIGTERM, syscall.SIGHUP}

// signals records the first stop signal a command received.
type signals struct {
	cancel context.CancelFunc
	ch     chan os.Signal
	done   chan struct{}
	mu     sync.Mutex
	got    *caught
}

// caught is a received signal: its name and number.
type caught struct {
	name string
	num  int
}

func describeSignal(s os.Signal) *caught {
	switch s {
	case os.Interrupt:
		return &caught{"SIGINT", 2}
	case syscall.SIGTERM:
		return &caught{"SIGTERM", 15}
	case syscall.SIGHUP:
		return &caught{"SIGHUP", 1}
	}
	if n, ok := s.(syscall.Signal); ok {
		return &caught{s.String(), int(n)}
	}
	return &caught{s.String(), 1}
}

// context returns a context that the first SIGINT, SIGTERM or SIGHUP
// cancels: the command then stops its work, removes its temporary files
// and returns, and run exits with 128 + the signal's number. A second
// signal exits at once. Commands that do not call context keep the
// signals' default action (they write nothing that a signal could leave
// half-done: their output files are renamed into place whole).
func (e *env) context() context.Context {
	if e.sig != nil {
		panic("dilemma: env.context called twice")
	}
	ctx, cancel := context.WithCancel(context.Background())
	s := &signals{cancel: cancel, ch: make(chan os.Signal, 2), done: make(chan struct{})}
	e.sig = s
	signal.Notify(s.ch, stopSigs...)
	go func() {
		for {
			select {
			case <-s.done:
				return
			case sg := <-s.ch:
				c := describeSignal(sg)
				s.mu.Lock()
				first := s.got == nil
				if first {
					s.got = c
				}
				s.mu.Unlock()
				if !first {
					fmt.Fprintf(e.stderr, "dilemma %s: %s again: stopping at once\n", e.name, c.name)
					os.Exit(128 + c.num)
				}
				fmt.Fprintf(e.stderr, "dilemma %s: %s: stopping and removing temporary files (send it again to stop at once)\n", e.name, c.name)
				cancel()
			}
		}
	}()
	return ctx
}

// stopSignals restores the signals' default action and returns the signal
// that stopped the command, or nil.
func (e *env) stopSignals() *caught {
	s := e.sig
	if s == nil {
		return nil
	}
	signal.Stop(s.ch)
	close(s.done)
	s.cancel()
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.got
}
