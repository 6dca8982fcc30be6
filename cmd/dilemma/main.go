// Command dilemma is the command line of the dilemma toolkit: causal graphs,
// panel data and Bayesian inference for international-relations research.
//
// Run "dilemma help" for the list of subcommands and "dilemma CMD -h" for one.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"sort"
	"strings"

	"dilemma/table"
)

// command is one subcommand. run gets the arguments after the subcommand's
// name and returns an error: a *usageError or an input error exits with 1,
// anything else with 2.
type command struct {
	name    string // e.g. "data describe"
	summary string // one line for the overview
	usage   string // full help text: synopsis, flags are appended, examples
	run     func(env *env, args []string) error
	hidden  bool
}

// env is what a command may touch: its streams, the chatter switch and,
// for long commands, a context that a signal cancels (see context).
type env struct {
	stdout, stderr io.Writer
	quiet          bool
	strict         bool   // --strict: unknown model attributes are errors (see lintModel)
	name           string // the command's name, for messages
	sig            *signals
}

// logf prints chatter (progress, notes) on stderr unless --quiet was given.
func (e *env) logf(format string, args ...any) {
	if e.quiet {
		return
	}
	fmt.Fprintf(e.stderr, format, args...)
}

var commands = map[string]*command{}

// register adds a subcommand; each command's file calls it from init.
func register(c *command) {
	if _, dup := commands[c.name]; dup {
		panic("dilemma: command registered twice: " + c.name)
	}
	commands[c.name] = c
}

// usageError is a mistake in how the command was called: exit status 1.
type usageError struct{ msg string }

func (e *usageError) Error() string { return e.msg }

func usagef(format string, args ...any) error {
	return &usageError{fmt.Sprintf(format, args...)}
}

// inputError wraps a problem with the user's input (a file, a model, a
// query): exit status 1.
type inputError struct{ err error }

func (e *inputError) Error() string { return e.err.Error() }
func (e *inputError) Unwrap() error { return e.err }

// inputErr marks err as the user's input's fault (exit status 1).
func inputErr(err error) error {
	if err == nil {
		return nil
	}
	return &inputError{err}
}

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

// Exit statuses: 0 success, 1 a usage or input error, 2 an internal
// fault; a run stopped by a signal exits 128 + the signal's number (130
// for SIGINT, 143 for SIGTERM, 129 for SIGHUP), as shells report it.
const (
	exitUsage    = 1
	exitInternal = 2
)

// run executes one command line and returns the exit status.
func run(args []string, stdout, stderr io.Writer) (status int) {
	e := &env{stdout: stdout, stderr: stderr}
	defer func() {
		if r := recover(); r != nil {
			msg := strings.ReplaceAll(fmt.Sprint(r), "\n", "; ")
			fmt.Fprintf(stderr, "dilemma: internal error (please report it): %s\n", msg)
			status = exitInternal
		}
	}()
	// --quiet and --strict may appear anywhere.
	var rest []string
	for _, a := range args {
		if a == "--quiet" || a == "-quiet" || a == "-q" {
			e.quiet = true
			continue
		}
		if a == "--strict" || a == "-strict" {
			e.strict = true
			continue
		}
		rest = append(rest, a)
	}
	args = rest
	if len(args) == 0 || isHelp(args[0]) || args[0] == "help" {
		if len(args) > 1 {
			if c, n := lookup(args[1:]); c != nil && n == len(args)-1 {
				fmt.Fprint(stdout, c.help())
				return 0
			}
			if g := groupOf(args[1]); g != "" && len(args) == 2 {
				printGroup(stdout, g)
				return 0
			}
			fmt.Fprintf(stderr, "dilemma help: no command %q (run 'dilemma help' for the list)\n", strings.Join(args[1:], " "))
			return exitUsage
		}
		printOverview(stdout)
		if len(args) == 0 {
			return exitUsage
		}
		return 0
	}
	c, n := lookup(args)
	if c == nil {
		// "dilemma graph", "dilemma graph -h": the group's subcommands.
		if g := groupOf(args[0]); g != "" {
			if len(args) == 2 && isHelp(args[1]) {
				printGroup(stdout, g)
				return 0
			}
			if len(args) == 1 {
				fmt.Fprintf(stderr, "dilemma %s: name a subcommand: %s\n", g, strings.Join(groupCommands(g), ", "))
				return exitUsage
			}
			fmt.Fprintf(stderr, "dilemma %s: unknown subcommand %q (the subcommands: %s)\n", g, args[1], strings.Join(groupCommands(g), ", "))
			return exitUsage
		}
		fmt.Fprintf(stderr, "dilemma: unknown command %q (run 'dilemma help' for the list)\n", strings.Join(args[:min(len(args), 2)], " "))
		return exitUsage
	}
	e.name = c.name
	err := c.run(e, args[n:])
	if sig := e.stopSignals(); sig != nil {
		if err == nil {
			fmt.Fprintf(stderr, "dilemma %s: %s arrived after the work was done; the output is complete\n", c.name, sig.name)
			return 0
		}
		if !errors.Is(err, context.Canceled) {
			fmt.Fprintf(stderr, "dilemma %s: %s\n", c.name, strings.ReplaceAll(err.Error(), "\n", "; "))
		}
		fmt.Fprintf(stderr, "dilemma %s: stopped by %s; nothing was written\n", c.name, sig.name)
		return 128 + sig.num
	}
	if err == nil {
		return 0
	}
	if errors.Is(err, flag.ErrHelp) {
		return 0
	}
	msg := table.Message(strings.ReplaceAll(err.Error(), "\n", "; "))
	fmt.Fprintf(stderr, "dilemma %s: %s\n", c.name, msg)
	return exitStatus(err)
}

// exitStatus classifies a command's error: the user's (a usage or input
// error, or a file the user named that cannot be read or written) exits
// with 1, anything else (an internal fault) with 2.
func exitStatus(err error) int {
	var (
		ue *usageError
		ie *inputError
		pe *fs.PathError
		le *os.LinkError
	)
	if errors.As(err, &ue) || errors.As(err, &ie) || errors.As(err, &pe) || errors.As(err, &le) {
		return exitUsage
	}
	return exitInternal
}

func isHelp(a string) bool { return a == "-h" || a == "--help" || a == "-help" }

// groupOf returns word when it is the first word of several commands
// (graph, data), else "".
func groupOf(word string) string {
	if len(groupCommands(word)) > 0 {
		return word
	}
	return ""
}

// groupCommands lists the subcommands of group g ("show", "export", …).
func groupCommands(g string) []string {
	var subs []string
	for name, c := range commands {
		if rest, ok := strings.CutPrefix(name, g+" "); ok && !c.hidden {
			subs = append(subs, rest)
		}
	}
	sort.Strings(subs)
	return subs
}

// printGroup lists a group's subcommands with their summaries.
func printGroup(w io.Writer, g string) {
	fmt.Fprintf(w, "Usage: dilemma %s SUBCOMMAND [flags] [args]    (dilemma %s SUBCOMMAND -h for details)\n\nSubcommands:\n", g, g)
	for _, sub := range groupCommands(g) {
		fmt.Fprintf(w, "  %-14s %s\n", sub, commands[g+" "+sub].summary)
	}
}

// lookup finds the longest registered command name that prefixes args and
// returns it with the number of words it took.
func lookup(args []string) (*command, int) {
	for n := min(len(args), 3); n >= 1; n-- {
		if c, ok := commands[strings.Join(args[:n], " ")]; ok {
			return c, n
		}
	}
	return nil, 0
}

func (c *command) help() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s\n", strings.TrimSpace(c.usage))
	return b.String()
}

func printOverview(w io.Writer) {
	fmt.Fprintln(w, "dilemma: causal graphs and Bayesian inference for panel data in international relations.")
	fmt.Fprintln(w)
	fmt.Fprintln(w, "Usage: dilemma COMMAND [flags] [args]    (dilemma COMMAND -h for details)")
	fmt.Fprintln(w)
	fmt.Fprintln(w, "Commands:")
	names := make([]string, 0, len(commands))
	for name, c := range commands {
		if !c.hidden {
			names = append(names, name)
		}
	}
	sort.Strings(names)
	for _, name := range names {
		fmt.Fprintf(w, "  %-22s %s\n", name, commands[name].summary)
	}
	fmt.Fprintln(w)
	fmt.Fprintln(w, "Global flags: --quiet silences progress and notes on stderr; --strict makes every")
	fmt.Fprintln(w, "model attribute that neither dilemma nor dagitty reads an error (commands that read a model).")
	fmt.Fprintln(w, "Exit status: 0 success, 1 a usage or input error, 2 an internal fault,")
	fmt.Fprintln(w, "128 + N when signal N stopped fit or paper (130 SIGINT, 143 SIGTERM, 129 SIGHUP).")
}

// newFlags returns a flag set for c whose -h prints c's help with the flags.
func newFlags(e *env, c *command) *flag.FlagSet {
	fs := flag.NewFlagSet(c.name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.Usage = func() {}
	return fs
}

// parseFitDir parses the flags of a command that takes one fit directory
// and returns it.
func parseFitDir(e *env, c *command, fs *flag.FlagSet, args []string) (string, error) {
	pos, err := parseFlags(e, c, fs, args)
	if err != nil {
		return "", err
	}
	if len(pos) != 1 {
		return "", usagef("give one FITDIR; see 'dilemma %s -h'", c.name)
	}
	return pos[0], nil
}

// parseFlags parses args with fs, allowing flags after positional arguments
// (dilemma fit fig2 --chains 2). -h prints the help on stdout and returns
// flag.ErrHelp; a bad flag returns a usage error.
func parseFlags(e *env, c *command, fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				fmt.Fprint(e.stdout, c.help())
				fmt.Fprintln(e.stdout, "\nFlags:")
				fs.SetOutput(e.stdout)
				fs.PrintDefaults()
				fs.SetOutput(io.Discard)
				return nil, flag.ErrHelp
			}
			return nil, usagef("%v (see 'dilemma %s -h')", err, c.name)
		}
		args = fs.Args()
		if len(args) == 0 {
			break
		}
		if args[0] == "--" {
			pos = append(pos, args[1:]...)
			break
		}
		pos = append(pos, args[0])
		args = args[1:]
	}
	// An empty path would silently mean "the default". (An empty --unit or
	// --time is meaningful: a CSV without that key, a cross-section.)
	for _, name := range []string{"out", "data", "from"} {
		if f := fs.Lookup(name); f != nil && setFlags(fs)[name] && f.Value.String() == "" {
			return nil, usagef("--%s: empty value (see 'dilemma %s -h')", name, c.name)
		}
	}
	return pos, nil
}
