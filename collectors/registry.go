package collectors

import (
	"cmp"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"

	"github.com/kaiji-dev/kaiji/internal/parallel"
)

// File is one input file handed to a collector.
type File struct {
	Path string // slash-separated, as reachable from the working directory
	Data []byte
}

// Collector turns input files of one family into facts.
type Collector interface {
	// Name is the collector's stable name, recorded in every fact's source.
	Name() string
	// Accepts reports whether the collector reads the file at path; head is
	// the file's first bytes, for collectors that detect by content.
	Accepts(path string, head []byte) bool
	// Collect reads the accepted files. It never fails as a whole: problems
	// with the input come back as diagnostics and the rest is still read.
	Collect(ctx context.Context, files []File) ([]Fact, Diagnostics)
}

// Input records one file that a scan read, for reports and evidence manifests.
type Input struct {
	Path      string `json:"path"`
	SHA256    string `json:"sha256"`
	Size      int64  `json:"size"`
	Collector string `json:"collector"`
}

// Result is what the collectors saw.
type Result struct {
	Facts       []Fact      `json:"facts"`
	Diagnostics Diagnostics `json:"diagnostics"`
	Inputs      []Input     `json:"-"`
}

// Options bound what a scan reads.
type Options struct {
	// MaxFileSize is the largest file read, in bytes; larger files get a diagnostic.
	MaxFileSize int64
	// MaxPlanSize is the largest Terraform plan read, in bytes (never less
	// than MaxFileSize). terraform writes a plan, and it grows with the
	// infrastructure: a few KB per resource, tens of MB for 10,000.
	MaxPlanSize int64
}

// DefaultMaxFileSize is the default for Options.MaxFileSize.
const DefaultMaxFileSize = 32 << 20

// DefaultMaxPlanSize is the default for Options.MaxPlanSize: the plan of
// about 100,000 resources.
const DefaultMaxPlanSize = 512 << 20

// PlanReader is implemented by a collector that reads Terraform plans, so
// that the registry reads them under Options.MaxPlanSize.
type PlanReader interface {
	// IsPlan reports whether an accepted file is a plan.
	IsPlan(path string, head []byte) bool
}

// Registry holds collectors in priority order: a file goes to the first that accepts it.
type Registry struct {
	collectors []Collector
	opts       Options
}

// NewRegistry returns a registry of the given collectors.
func NewRegistry(opts Options, cs ...Collector) *Registry {
	if opts.MaxFileSize <= 0 {
		opts.MaxFileSize = DefaultMaxFileSize
	}
	if opts.MaxPlanSize <= 0 {
		opts.MaxPlanSize = DefaultMaxPlanSize
	}
	return &Registry{collectors: cs, opts: opts}
}

// Names lists the registered collectors.
func (r *Registry) Names() []string {
	names := make([]string, len(r.collectors))
	for i, c := range r.collectors {
		names[i] = c.Name()
	}
	return names
}

// skipDirs are never descended into: VCS metadata and tool caches. Collectors
// that need a cache (Terraform's .terraform/modules) read it themselves.
var skipDirs = map[string]bool{".git": true, ".terraform": true, "node_modules": true, ".hg": true, ".svn": true}

// Collect walks the given paths, hands each file to the first collector that
// accepts it, runs the collectors concurrently, and merges their facts and
// diagnostics in a deterministic order. A path that does not exist is a
// diagnostic, not an error; the error return is for cancellation only.
func (r *Registry) Collect(ctx context.Context, paths []string) (Result, error) {
	var res Result
	byCollector := make([][]File, len(r.collectors))
	seen := map[string]bool{}
	var reads []*fileRead
	for _, root := range paths {
		root = filepath.Clean(root)
		info, err := os.Stat(root)
		if err != nil {
			res.Diagnostics = append(res.Diagnostics, Errorf(filepath.ToSlash(root), 0, "cannot read input: %s", describe(err)))
			continue
		}
		explicit := !info.IsDir()
		err = filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
			if ctx.Err() != nil {
				return ctx.Err()
			}
			sp := filepath.ToSlash(p)
			if err != nil {
				res.Diagnostics = append(res.Diagnostics, Errorf(sp, 0, "cannot read input: %s", describe(err)))
				return nil
			}
			if d.IsDir() {
				if p != root && skipDirs[d.Name()] {
					return filepath.SkipDir
				}
				return nil
			}
			// Symbolic links and special files inside a tree are not
			// followed (a link may loop or leave the tree; a pipe may
			// block forever), but never silently: a path given on the
			// command line is the user's choice and is read.
			if !d.Type().IsRegular() && (p != root || !info.Mode().IsRegular()) {
				if diag := r.notFollowed(p, sp, d.Type(), p == root); diag != nil {
					res.Diagnostics = append(res.Diagnostics, *diag)
				}
				return nil
			}
			if seen[sp] {
				return nil
			}
			seen[sp] = true
			reads = append(reads, &fileRead{path: p, slash: sp, explicit: explicit})
			return nil
		})
		if err != nil {
			return res, err
		}
	}
	// The files are read and matched to a collector on every core, then
	// handed over in walk order. The thousand files of a 10k-object
	// Kubernetes estate took 22 ms one after the other and 15 ms on two
	// cores, 98-103 ms and 61-90 ms with the page cache dropped
	// (BENCHMARKS.md).
	parallel.For(len(reads), 0, func(i int) {
		if ctx.Err() != nil {
			return
		}
		f := reads[i]
		f.file, f.collector, f.diag, f.ok = r.read(f.path, f.slash, f.explicit)
	})
	if err := ctx.Err(); err != nil {
		return res, err
	}
	for _, f := range reads {
		if f.diag != nil {
			res.Diagnostics = append(res.Diagnostics, *f.diag)
		}
		if f.ok {
			byCollector[f.collector] = append(byCollector[f.collector], f.file)
		}
	}
	// The inputs are hashed while the collectors run, which only read
	// them: a plan of 49 MB took 40 ms of one core to hash before its
	// collector started, whose first step (cutting the plan) leaves the
	// other core idle.
	var hashed sync.WaitGroup
	hashed.Go(func() {
		parallel.For(len(reads), 0, func(i int) {
			if f := reads[i]; f.ok {
				f.sum = sum(f.file.Data)
			}
		})
	})

	type out struct {
		facts []Fact
		diags Diagnostics
	}
	outs := make([]out, len(r.collectors))
	var wg sync.WaitGroup
	for i, c := range r.collectors {
		if len(byCollector[i]) == 0 {
			continue
		}
		wg.Go(func() {
			facts, diags := c.Collect(ctx, byCollector[i])
			for j := range facts {
				facts[j].Source.Collector = cmp.Or(facts[j].Source.Collector, c.Name())
			}
			for j := range diags {
				diags[j].Source = cmp.Or(diags[j].Source, c.Name())
			}
			outs[i] = out{facts, diags}
		})
	}
	wg.Wait()
	hashed.Wait()
	if err := ctx.Err(); err != nil {
		return res, err
	}
	for _, f := range reads {
		if f.ok {
			res.Inputs = append(res.Inputs, Input{Path: f.slash, SHA256: f.sum, Size: int64(len(f.file.Data)), Collector: r.collectors[f.collector].Name()})
		}
	}
	for _, o := range outs {
		res.Facts = append(res.Facts, o.facts...)
		res.Diagnostics = append(res.Diagnostics, o.diags...)
	}
	if res.Facts == nil {
		res.Facts = []Fact{}
	}
	if res.Diagnostics == nil {
		res.Diagnostics = Diagnostics{}
	}
	SortFacts(res.Facts)
	res.Diagnostics.Sort()
	res.Diagnostics = capPerFile(res.Diagnostics, MaxDiagnosticsPerFile)
	slices.SortFunc(res.Inputs, func(a, b Input) int { return cmp.Compare(a.Path, b.Path) })
	return res, nil
}

// MaxDiagnosticsPerFile bounds the diagnostics kept for one file: a binary
// file read as HCL gets one per stray byte, which would bury the others.
const MaxDiagnosticsPerFile = 20

// capPerFile keeps the first max diagnostics of each file (ds sorted) and
// says how many more there were, at the worst severity dropped.
func capPerFile(ds Diagnostics, max int) Diagnostics {
	out := make(Diagnostics, 0, len(ds))
	for i := 0; i < len(ds); {
		j := i
		for j < len(ds) && ds[j].File == ds[i].File {
			j++
		}
		if ds[i].File == "" || j-i <= max {
			out = append(out, ds[i:j]...)
		} else {
			out = append(out, ds[i:i+max]...)
			sev := SeverityInfo
			for _, d := range ds[i+max : j] {
				if d.Severity == SeverityError || d.Severity == SeverityWarning && sev == SeverityInfo {
					sev = d.Severity
				}
			}
			last := ds[i+max-1]
			out = append(out, Diagnostic{File: ds[i].File, Line: last.Line, Column: last.Column + 1, Severity: sev, Source: last.Source,
				Message: fmt.Sprintf("%d more diagnostics in this file are not shown", j-i-max)})
		}
		i = j
	}
	return out
}

// notFollowed explains a symbolic link or special file that was not read,
// when it could have held input: a link to a directory or to nowhere, or a
// name a collector reads.
func (r *Registry) notFollowed(p, sp string, mode fs.FileMode, named bool) *Diagnostic {
	// A path named on the command line is always accounted for; inside a
	// tree, only files a collector would have read by their name.
	byName := named || slices.ContainsFunc(r.collectors, func(c Collector) bool { return c.Accepts(sp, nil) })
	if mode&fs.ModeSymlink == 0 {
		if !byName {
			return nil
		}
		d := Warnf(sp, 0, "not a regular file (%s); it was not scanned", mode.Type())
		return &d
	}
	target, err := os.Stat(p)
	var d Diagnostic
	switch {
	case err != nil:
		d = Warnf(sp, 0, "symbolic link not followed: its target cannot be read (%s)", describe(err))
	case target.IsDir():
		d = Warnf(sp, 0, "symbolic link to a directory not followed; scan the directory itself to read it")
	case named:
		d = Warnf(sp, 0, "not a regular file (%s); it was not scanned", target.Mode().Type())
	case byName:
		d = Warnf(sp, 0, "symbolic link not followed; scan its target to read it")
	default:
		return nil
	}
	return &d
}

// fileRead is one file the walk found, and what reading it gave.
type fileRead struct {
	path, slash string
	explicit    bool
	file        File
	collector   int
	diag        *Diagnostic
	ok          bool
	sum         string
}

// read loads one file and picks its collector. ok is false when no collector
// takes the file or it cannot be read.
func (r *Registry) read(p, sp string, explicit bool) (File, int, *Diagnostic, bool) {
	info, err := os.Stat(p)
	if err != nil {
		d := Errorf(sp, 0, "cannot read input: %s", describe(err))
		return File{}, 0, &d, false
	}
	head, err := readHead(p)
	if err != nil {
		d := Errorf(sp, 0, "cannot read input: %s", describe(err))
		return File{}, 0, &d, false
	}
	idx := slices.IndexFunc(r.collectors, func(c Collector) bool { return c.Accepts(sp, head) })
	if idx < 0 {
		if explicit {
			d := Warnf(sp, 0, "no collector reads this file; it was not scanned")
			return File{}, 0, &d, false
		}
		return File{}, 0, nil, false
	}
	limit, flag := r.opts.MaxFileSize, "--max-file-size"
	if pr, ok := r.collectors[idx].(PlanReader); ok && pr.IsPlan(sp, head) {
		limit, flag = max(r.opts.MaxPlanSize, r.opts.MaxFileSize), "--max-plan-size"
	}
	if info.Size() > limit {
		d := Errorf(sp, 0, "file is %d bytes, over the limit of %d bytes (%s); it was not scanned", info.Size(), limit, flag)
		return File{}, 0, &d, false
	}
	data, err := os.ReadFile(p)
	if err != nil {
		d := Errorf(sp, 0, "cannot read input: %s", describe(err))
		return File{}, 0, &d, false
	}
	return File{Path: sp, Data: data}, idx, nil, true
}

func readHead(p string) ([]byte, error) {
	f, err := os.Open(p)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	buf := make([]byte, 512)
	n, err := io.ReadFull(f, buf)
	if err != nil && !errors.Is(err, io.EOF) && !errors.Is(err, io.ErrUnexpectedEOF) {
		return nil, err
	}
	return buf[:n], nil
}

func sum(b []byte) string {
	h := sha256.Sum256(b)
	return hex.EncodeToString(h[:])
}

// describe strips the path from OS errors: diagnostics name the file already.
func describe(err error) string {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err.Error()
	}
	return strings.TrimSpace(fmt.Sprint(err))
}
