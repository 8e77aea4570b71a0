// Command probe is the real-node suite's test image: a static program that
// serves HTTP and, run again with exec, looks names up, makes requests and
// reads and writes files, so that a test can see the cluster from inside a
// pod without a shell.
//
//	probe [serve]          serve HTTP on :8080; / answers the host name
//	probe lookup NAME      print NAME's addresses, sorted, one a line
//	probe get URL          print the body URL answers with 200
//	probe write FILE TEXT  write TEXT to FILE
//	probe read FILE        print FILE
package main

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/signal"
	"slices"
	"syscall"
	"time"
)

func main() {
	if err := run(os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "probe:", err)
		os.Exit(1)
	}
}

func run(args []string) error {
	if len(args) == 0 {
		args = []string{"serve"}
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	switch {
	case args[0] == "serve" && len(args) == 1:
		return serve()
	case args[0] == "lookup" && len(args) == 2:
		addrs, err := net.DefaultResolver.LookupHost(ctx, args[1])
		if err != nil {
			return err
		}
		slices.Sort(addrs)
		for _, a := range addrs {
			fmt.Println(a)
		}
		return nil
	case args[0] == "get" && len(args) == 2:
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, args[1], nil)
		if err != nil {
			return err
		}
		// A new connection each time, so that a Service's requests
		// spread over its endpoints.
		resp, err := (&http.Client{Transport: &http.Transport{DisableKeepAlives: true}}).Do(req)
		if err != nil {
			return err
		}
		defer resp.Body.Close()
		body, err := io.ReadAll(resp.Body)
		if err != nil {
			return err
		}
		if resp.StatusCode != http.StatusOK {
			return fmt.Errorf("%s: %s", args[1], resp.Status)
		}
		_, err = os.Stdout.Write(body)
		return err
	case args[0] == "write" && len(args) == 3:
		return os.WriteFile(args[1], []byte(args[2]), 0o644)
	case args[0] == "read" && len(args) == 2:
		data, err := os.ReadFile(args[1])
		if err != nil {
			return err
		}
		_, err = os.Stdout.Write(data)
		return err
	}
	return fmt.Errorf("usage: probe [serve | lookup NAME | get URL | write FILE TEXT | read FILE]")
}

func serve() error {
	host, err := os.Hostname()
	if err != nil {
		return err
	}
	srv := &http.Server{Addr: ":8080", Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, host)
	})}
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, os.Interrupt)
	defer stop()
	go func() {
		<-ctx.Done()
		srv.Shutdown(context.Background())
	}()
	l, err := net.Listen("tcp", srv.Addr)
	if err != nil {
		return err
	}
	fmt.Printf("probe %s serving on %s\n", host, l.Addr())
	if err := srv.Serve(l); err != http.ErrServerClosed {
		return err
	}
	return nil
}
