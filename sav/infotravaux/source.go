package infotravaux

import "context"

// Source is where the server finds works notices: the OI's works database,
// implemented by the embedder. Search returns the notices published for
// the OC h.ServiceProviderID that match f. The server applies f and the OC
// scope again to what Search returns, so a simple Source may return more
// (all of the OC's notices, say); it may also return a [*Fault] (for
// example [ErrSaturation]) to refuse. Any other error is answered 10 ERREUR
// SI INTERNE without its text.
//
// The server calls Search concurrently from many requests.
type Source interface {
	Search(ctx context.Context, h Header, f Filter) ([]Travaux, error)
}

// SourceFunc adapts a function to the Source interface.
type SourceFunc func(ctx context.Context, h Header, f Filter) ([]Travaux, error)

// Search calls fn.
func (fn SourceFunc) Search(ctx context.Context, h Header, f Filter) ([]Travaux, error) {
	return fn(ctx, h, f)
}

var (
	_ Source = SourceFunc(nil)
	_ Source = (*MemSource)(nil)
	_ Source = (*Client)(nil)
)
