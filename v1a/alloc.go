package v1a

import "strings"

// The Reader allocates the records and the text of its lines in blocks
// rather than one by one: reading a file then costs a few allocations per
// block instead of two per line. Blocks start small and double up to a
// limit, so a short file costs no more than before. The price is that a
// record or a string kept after the Reader has moved on keeps its block
// alive (at most recordBlock records, or textBlock bytes), as a substring
// keeps its whole string: clone what you keep from a large file in a
// long-lived map (strings.Clone).
const (
	recordBlock = 32      // records per block, at most
	textBlock   = 8 << 10 // bytes of line text per block, at most
)

// block hands out pointers to zero values of T carved from a shared
// slice.
type block[T any] struct {
	free []T
	size int // of the last slice
}

func (b *block[T]) new() *T {
	if len(b.free) == 0 {
		b.size = min(max(2*b.size, 1), recordBlock)
		b.free = make([]T, b.size)
	}
	p := &b.free[0]
	b.free = b.free[1:]
	return p
}

// recordAlloc allocates the records of one Reader.
type recordAlloc struct {
	depots    block[Depot]
	acks      block[AR]
	clotures  block[Cloture]
	infos     block[Info]
	travaux   block[Travaux]
	dommages  block[Dommage]
	ardommage block[ARDommage]
}

// new returns a zero record of flow f.
func (a *recordAlloc) new(f Flow) Record {
	switch f {
	case FlowDepot:
		return a.depots.new()
	case FlowAR:
		return a.acks.new()
	case FlowCloture:
		return a.clotures.new()
	case FlowInfo:
		return a.infos.new()
	case FlowTravaux:
		return a.travaux.new()
	case FlowDommage:
		return a.dommages.new()
	case FlowARDommage:
		return a.ardommage.new()
	}
	return nil
}

// textAlloc turns line bytes into strings that share blocks. A
// strings.Builder only ever appends, so the strings it returned stay
// valid while it grows within its capacity.
type textAlloc struct{ b strings.Builder }

func (a *textAlloc) string(p []byte) string {
	if len(p) == 0 {
		return ""
	}
	if a.b.Cap()-a.b.Len() < len(p) {
		size := max(min(2*a.b.Cap(), textBlock), len(p))
		a.b = strings.Builder{}
		a.b.Grow(size)
	}
	n := a.b.Len()
	a.b.Write(p)
	return a.b.String()[n:]
}
