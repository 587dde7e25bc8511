// Package mask removes secret values from text. It is the one masking
// implementation of the action: the job log (Writer), the job summary,
// the pull request comment and the step outputs all mask through a Set,
// so they cannot disagree on what a secret looks like once masked (two
// copies did: on overlapping secrets one left a fragment behind).
package mask

import (
	"bytes"
	"io"
	"slices"
	"strings"
	"sync"
)

// Text replaces a masked value.
const Text = "***"

// MinLen is the shortest value a Set masks. Shorter values would mask
// every occurrence of a common word or number, garbling the text, and
// are too short to be a credential.
const MinLen = 4

// Set is a set of secret values. It is safe for concurrent use; the zero
// value masks nothing.
type Set struct {
	mu     sync.RWMutex
	values []string
}

// New returns a Set of values (see Add).
func New(values ...string) *Set {
	s := &Set{}
	for _, v := range values {
		s.Add(v)
	}
	return s
}

// Add adds v; values shorter than MinLen are ignored. A multi-line value
// is also added line by line, so a line of it printed alone is masked
// too.
func (s *Set) Add(v string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.add(v)
	if strings.ContainsAny(v, "\r\n") {
		for _, line := range strings.FieldsFunc(v, func(r rune) bool { return r == '\n' || r == '\r' }) {
			s.add(line)
		}
	}
}

func (s *Set) add(v string) {
	if len(v) < MinLen || slices.Contains(s.values, v) {
		return
	}
	s.values = append(s.values, v)
}

// Values returns the values, in the order they were added.
func (s *Set) Values() []string {
	if s == nil {
		return nil
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	return slices.Clone(s.values)
}

// String returns text with every occurrence of the values replaced by
// Text. Occurrences that overlap or touch (of one value or of several)
// are masked as one span: masking one value first would cut the other
// and leave its rest readable.
func (s *Set) String(text string) string {
	if s == nil || text == "" {
		return text
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	return string(s.mask([]byte(text)))
}

type span struct{ lo, hi int }

// mask is String on bytes; the caller holds the lock.
func (s *Set) mask(text []byte) []byte {
	var spans []span
	for _, v := range s.values {
		for i := 0; ; {
			j := bytes.Index(text[i:], []byte(v))
			if j < 0 {
				break
			}
			spans = append(spans, span{i + j, i + j + len(v)})
			i += j + 1
		}
	}
	if len(spans) == 0 {
		return text
	}
	slices.SortFunc(spans, func(a, b span) int { return a.lo - b.lo })
	out := make([]byte, 0, len(text))
	pos := 0
	for k := 0; k < len(spans); {
		lo, hi := spans[k].lo, spans[k].hi
		for k++; k < len(spans) && spans[k].lo <= hi; k++ {
			hi = max(hi, spans[k].hi)
		}
		out = append(out, text[pos:lo]...)
		out = append(out, Text...)
		pos = hi
	}
	return append(out, text[pos:]...)
}

// Writer masks what is written through it. It passes on whole lines only,
// so a value split across two Writes is still whole when it is masked;
// Flush writes a last unterminated line. Lines for which Raw returns true
// (the ::add-mask:: command, which must carry the value to the runner)
// are passed on unmasked.
type Writer struct {
	mu  sync.Mutex
	w   io.Writer
	set *Set
	raw func(line []byte) bool
	buf []byte
}

// NewWriter returns a Writer to w that masks the values of set (values
// added later are masked from then on); raw may be nil.
func NewWriter(w io.Writer, set *Set, raw func(line []byte) bool) *Writer {
	if set == nil {
		set = &Set{}
	}
	return &Writer{w: w, set: set, raw: raw}
}

// Write buffers p and passes on the lines it completes.
func (m *Writer) Write(p []byte) (int, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.buf = append(m.buf, p...)
	end := bytes.LastIndexByte(m.buf, '\n')
	if end < 0 {
		return len(p), nil
	}
	err := m.emit(m.buf[:end+1])
	m.buf = append(m.buf[:0], m.buf[end+1:]...)
	if err != nil {
		return 0, err
	}
	return len(p), nil
}

// Flush passes on what is left of an unterminated line.
func (m *Writer) Flush() error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if len(m.buf) == 0 {
		return nil
	}
	err := m.emit(m.buf)
	m.buf = m.buf[:0]
	return err
}

// emit masks chunk (whole lines, but for Flush) as one text, so a
// multi-line value written at once is masked whole, and writes it.
func (m *Writer) emit(chunk []byte) error {
	var out []byte
	m.set.mu.RLock()
	if m.raw == nil {
		out = m.set.mask(chunk)
	} else {
		// Mask the runs of lines between raw ones, each as one text.
		start := 0
		for i := 0; i < len(chunk); {
			j := bytes.IndexByte(chunk[i:], '\n')
			next := len(chunk)
			if j >= 0 {
				next = i + j + 1
			}
			if m.raw(chunk[i:next]) {
				out = append(out, m.set.mask(chunk[start:i])...)
				out = append(out, chunk[i:next]...)
				start = next
			}
			i = next
		}
		out = append(out, m.set.mask(chunk[start:])...)
	}
	m.set.mu.RUnlock()
	_, err := m.w.Write(out)
	return err
}
