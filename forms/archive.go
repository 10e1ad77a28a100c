package forms

import (
	"archive/zip"
	"bufio"
	"compress/flate"
	"errors"
	"io"
	"sync/atomic"
	"time"
)

// Output pacing of an archive.
const (
	// holdBack is how much of the file is kept before the first byte goes
	// to the caller's writer: an error in the first rows can still be
	// answered as an error, since nothing has been written yet.
	holdBack = 64 << 10
	// chunkSize is how much XML is gathered before it is handed to the
	// compressor, so the zip layers see few large writes.
	chunkSize = 32 << 10
	// chunks is how many chunk buffers an archive has: one being filled,
	// the others queued for or being compressed. It bounds the memory.
	chunks = 4
	// deflateLevel: the fastest level deflates sheet XML about 8:1 (the
	// default level 12:1) in a fifth of the time (BENCHMARKS.md).
	deflateLevel = flate.BestSpeed
)

// archive is the zip side of a workbook being streamed to out: the small
// fixed parts are written at once, then the last part (the worksheet) is
// handed over in chunks as it is produced and deflated on a goroutine of
// its own, so producing the next rows and compressing the last ones
// overlap. From newArchive's return on, only that goroutine touches out;
// close and abort wait for it to end.
type archive struct {
	out   io.Writer
	bw    *bufio.Writer // holds back the first bytes, then batches writes to out
	zw    *zip.Writer
	fl    *flate.Writer // the compressor of the entry being written
	last  io.Writer     // the streamed entry
	work  chan chunk
	free  chan []byte
	done  chan struct{}
	ended bool // work is closed: by close, or by abort
	// failed is set once err is: the producer checks it at each hand-over
	// and reads err after done.
	failed atomic.Bool
	err    error
}

// chunk is a piece of the streamed entry with what to do after writing it.
type chunk struct {
	b     []byte
	flush bool // push everything through to out (and flush out)
	end   bool // end the archive
}

// part is a zip entry given whole.
type part struct{ name, body string }

// newArchive writes parts into a zip archive on out, then opens the entry
// named last for streaming with next, close or abort.
func newArchive(out io.Writer, parts []part, last string) (*archive, error) {
	a := &archive{out: out, bw: bufio.NewWriterSize(out, holdBack),
		work: make(chan chunk, chunks), free: make(chan []byte, chunks), done: make(chan struct{})}
	a.zw = zip.NewWriter(a.bw)
	a.zw.RegisterCompressor(zip.Deflate, func(dst io.Writer) (io.WriteCloser, error) {
		fl, err := flate.NewWriter(dst, deflateLevel)
		a.fl = fl
		return fl, err
	})
	for _, p := range parts {
		pw, err := a.create(p.name)
		if err != nil {
			return nil, err
		}
		if _, err := io.WriteString(pw, p.body); err != nil {
			return nil, err
		}
	}
	var err error
	if a.last, err = a.create(last); err != nil {
		return nil, err
	}
	for range chunks - 1 { // the producer holds the other one (newChunk)
		a.free <- newChunk()
	}
	go a.compress()
	return a, nil
}

// newChunk is an empty chunk buffer, with room for a row beyond chunkSize
// (a longer row grows it).
func newChunk() []byte { return make([]byte, 0, chunkSize+chunkSize/4) }

// create starts a deflated entry. The fixed DOS date keeps the archive free
// of the clock; spreadsheets ignore entry dates.
func (a *archive) create(name string) (io.Writer, error) {
	return a.zw.CreateHeader(&zip.FileHeader{Name: name, Method: zip.Deflate,
		Modified: time.Date(1980, 1, 1, 0, 0, 0, 0, time.UTC)})
}

// compress is the archive's goroutine: it writes each chunk into the entry
// and gives the buffer back. After an error it only gives buffers back.
func (a *archive) compress() {
	defer close(a.done)
	for c := range a.work {
		if a.err == nil {
			a.err = a.write(c)
			if a.err != nil {
				a.failed.Store(true)
			}
		}
		a.free <- c.b[:0]
	}
}

func (a *archive) write(c chunk) error {
	if _, err := a.last.Write(c.b); err != nil {
		return err
	}
	switch {
	case c.end:
		if err := a.zw.Close(); err != nil {
			return err
		}
	case c.flush:
		if err := a.fl.Flush(); err != nil {
			return err
		}
		if err := a.zw.Flush(); err != nil {
			return err
		}
	default:
		return nil
	}
	if err := a.bw.Flush(); err != nil {
		return err
	}
	return flushOut(a.out)
}

// next hands b over for writing (and, with flush, for pushing through to
// out) and returns an empty buffer to go on with. It waits while every
// buffer is queued, so a slow client slows the producer down instead of
// filling memory.
func (a *archive) next(b []byte, flush bool) ([]byte, error) {
	if a.ended {
		return b[:0], errors.New("archive already ended")
	}
	if a.failed.Load() {
		return b[:0], a.abort()
	}
	a.work <- chunk{b: b, flush: flush}
	return <-a.free, nil
}

// close writes b, ends the archive, flushes everything to out and waits
// for the goroutine.
func (a *archive) close(b []byte) error {
	if a.ended {
		return errors.New("archive already ended")
	}
	a.work <- chunk{b: b, end: true}
	return a.abort()
}

// abort stops the goroutine and waits for it; what it has not flushed
// stays unwritten. It returns the goroutine's error, if any. Calling it
// again is harmless.
func (a *archive) abort() error {
	if !a.ended {
		a.ended = true
		close(a.work)
	}
	<-a.done
	return a.err
}

// flushOut flushes out if it can be flushed (an http.ResponseWriter
// wrapper, a bufio.Writer).
func flushOut(out io.Writer) error {
	switch f := out.(type) {
	case interface{ Flush() error }:
		return f.Flush()
	case interface{ Flush() }:
		f.Flush()
	}
	return nil
}
