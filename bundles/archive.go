package bundles

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"errors"
	"fmt"
	"io"
	"path"
	"sort"
	"strings"
	"time"
)

// DefaultMaxBytes bounds a bundle kaiji reads, compressed and uncompressed
// alike: kaiji's own bundles are well under 1 MiB, and OPA's own default (1
// GiB) is far too generous for a file fetched from a URL.
const DefaultMaxBytes = 32 << 20

// File is one file of a bundle archive, at its path inside the archive
// (always with a leading slash, as OPA writes them).
type File struct {
	Path string
	Data []byte
}

// Archive is a bundle as files, in archive order. It is what kaiji writes,
// signs and hashes; OPA's bundle.Reader turns it into policies and data.
type Archive struct {
	Files []File
}

// Get returns the file at p (with or without its leading slash).
func (a *Archive) Get(p string) (File, bool) {
	p = "/" + strings.TrimPrefix(p, "/")
	for _, f := range a.Files {
		if f.Path == p {
			return f, true
		}
	}
	return File{}, false
}

// Put adds or replaces the file at p.
func (a *Archive) Put(p string, data []byte) {
	p = "/" + strings.TrimPrefix(p, "/")
	for i := range a.Files {
		if a.Files[i].Path == p {
			a.Files[i].Data = data
			return
		}
	}
	a.Files = append(a.Files, File{Path: p, Data: data})
}

// Remove deletes the file at p if present.
func (a *Archive) Remove(p string) {
	p = "/" + strings.TrimPrefix(p, "/")
	out := a.Files[:0]
	for _, f := range a.Files {
		if f.Path != p {
			out = append(out, f)
		}
	}
	a.Files = out
}

// sort orders files the way kaiji writes them: the manifest and signatures
// first, then by path, so that the same inputs give the same bytes.
func (a *Archive) sort() {
	rank := func(p string) int {
		switch p {
		case "/.manifest":
			return 0
		case "/.signatures.json":
			return 1
		}
		return 2
	}
	sort.SliceStable(a.Files, func(i, j int) bool {
		ri, rj := rank(a.Files[i].Path), rank(a.Files[j].Path)
		if ri != rj {
			return ri < rj
		}
		return a.Files[i].Path < a.Files[j].Path
	})
}

// epoch is the modification time of every archive entry, so builds are
// reproducible (same inputs, same bytes, same digest).
var epoch = time.Unix(0, 0).UTC()

// WriteTo writes the archive as a gzip-compressed tarball, reproducibly.
func (a *Archive) WriteTo(w io.Writer) (int64, error) {
	a.sort()
	cw := &countWriter{w: w}
	gw, err := gzip.NewWriterLevel(cw, gzip.BestCompression)
	if err != nil {
		return 0, err
	}
	tw := tar.NewWriter(gw)
	for _, f := range a.Files {
		hdr := &tar.Header{
			Name:     f.Path,
			Mode:     0o644,
			Size:     int64(len(f.Data)),
			ModTime:  epoch,
			Typeflag: tar.TypeReg,
			Format:   tar.FormatPAX,
		}
		if err := tw.WriteHeader(hdr); err != nil {
			return cw.n, fmt.Errorf("write %s: %w", f.Path, err)
		}
		if _, err := tw.Write(f.Data); err != nil {
			return cw.n, fmt.Errorf("write %s: %w", f.Path, err)
		}
	}
	if err := tw.Close(); err != nil {
		return cw.n, err
	}
	if err := gw.Close(); err != nil {
		return cw.n, err
	}
	return cw.n, nil
}

// Bytes returns the archive as a .tar.gz.
func (a *Archive) Bytes() ([]byte, error) {
	var buf bytes.Buffer
	if _, err := a.WriteTo(&buf); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

type countWriter struct {
	w io.Writer
	n int64
}

func (c *countWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}

// ReadArchive reads a .tar.gz bundle, refusing more than maxBytes of
// uncompressed content (DefaultMaxBytes when maxBytes <= 0), entries that
// are not regular files or directories, and paths that escape the root.
func ReadArchive(r io.Reader, maxBytes int64) (*Archive, error) {
	if maxBytes <= 0 {
		maxBytes = DefaultMaxBytes
	}
	gr, err := gzip.NewReader(r)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrNotBundle, err)
	}
	defer gr.Close()
	tr := tar.NewReader(gr)
	a := &Archive{}
	seen := map[string]bool{}
	var total int64
	for {
		hdr, err := tr.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("%w: %w", ErrNotBundle, err)
		}
		switch hdr.Typeflag {
		case tar.TypeDir:
			continue
		case tar.TypeReg:
		default:
			return nil, fmt.Errorf("%s: unsupported archive entry type %q", hdr.Name, hdr.Typeflag)
		}
		for _, seg := range strings.Split(hdr.Name, "/") {
			if seg == ".." {
				return nil, fmt.Errorf("%s: path escapes the bundle root", hdr.Name)
			}
		}
		name := path.Clean("/" + hdr.Name)
		if seen[name] {
			return nil, fmt.Errorf("%s: duplicate file in archive", name)
		}
		seen[name] = true
		if hdr.Size > maxBytes-total {
			return nil, fmt.Errorf("%w: more than %d bytes uncompressed", ErrTooLarge, maxBytes)
		}
		data, err := io.ReadAll(io.LimitReader(tr, maxBytes-total+1))
		if err != nil {
			return nil, fmt.Errorf("read %s: %w", name, err)
		}
		total += int64(len(data))
		if total > maxBytes {
			return nil, fmt.Errorf("%w: more than %d bytes uncompressed", ErrTooLarge, maxBytes)
		}
		a.Files = append(a.Files, File{Path: name, Data: data})
	}
	return a, nil
}
