package v2

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"net/http"
	"strconv"

	"github.com/opensav/savsdk/codes"
	"github.com/opensav/savsdk/ticket"
)

// IdempotencyHeader is the HTTP header a caller may set to name a
// state-changing request itself; a request sent again with the same value
// by the same operator gets the answer recorded for the first.
const IdempotencyHeader = "Idempotency-Key"

// MaxIdempotencyKey bounds the length of an [IdempotencyHeader] value; a
// longer one is refused with code 3 on that header.
const MaxIdempotencyKey = 256

// ErrInFlight is what a [RequestJournal] returns from Begin when the same
// request of the same operator is being processed: the server answers HTTP
// 503 with Retry-After, and the caller retries.
var ErrInFlight = errors.New("v2: the same request is being processed")

// RequestID identifies a state-changing request for its replay: who sent it
// (as authenticated, never as claimed) and what it is, in the protocol's
// own terms. Two requests are the same when all three fields are.
type RequestID struct {
	// Caller is the authenticated operator code of the caller.
	Caller string
	// Operation is createTroubleTicketByValue or setTroubleTicketByValue.
	Operation Operation
	// Key is the request's identity for that caller:
	//   - "key:" and the IdempotencyHeader when the request carries one;
	//   - for a create, "create:" and the OC's ticket reference
	//     (tt:customerTroubleNum, ReferenceSigSAVRaccoOC), which the OC
	//     never reuses (DOMAIN.md "Identifiers");
	//   - for a set, "set:", the OI's ticket id, "@" and the version the
	//     caller based it on (co:lastUpdateVersionNumber, "-" when absent),
	//     then the transaction and a digest of its decoded content, so two
	//     different steps sent on one version are two requests.
	Key string
}

// String returns "caller/operation/key".
func (id RequestID) String() string { return id.Caller + "/" + id.Operation.String() + "/" + id.Key }

// Answer is the HTTP answer to a request, as a [RequestJournal] records and
// replays it.
type Answer struct {
	// Status is the HTTP status (200, or 500 for a fault).
	Status int
	// Code is the return code: 0 for a response, the fault's otherwise.
	Code codes.ReturnCode
	// ContentType and Body are the answer's.
	ContentType string
	Body        []byte
}

// Transient reports whether the answer reflects a passing condition (an
// internal error, a store that is unavailable, a timeout, maintenance, an
// unknown ticket that the caller may yet come to know): such an answer must
// not be replayed, so that the retry is processed.
func (a Answer) Transient() bool {
	return a.Code.Temporary() || a.Code == codes.ReturnCodeUnknown
}

// RequestJournal makes the state-changing requests of a [Server]
// idempotent. The server calls Begin for createTroubleTicketByValue and
// setTroubleTicketByValue only, and only once the caller is authenticated,
// the request is addressed to this operator and its body is decoded; reads
// (get, search, query, introspection) and refused or unauthenticated
// requests never reach it.
type RequestJournal interface {
	// Begin starts request id. When an answer to id was recorded, Begin
	// returns it and the server sends it again without processing the
	// request. Otherwise it returns finish, which the server calls once
	// with the request's envelope (the bytes it read) and the answer it
	// sends, both valid only during the call: finish records them unless
	// [Answer.Transient], and ends the request. ErrInFlight: the same
	// request is being processed.
	Begin(ctx context.Context, id RequestID) (recorded *Answer, finish func(ctx context.Context, request []byte, a Answer), err error)
}

// requestID returns the identity of a state-changing request, or ok =
// false for a request that is not one.
func (x *exchange) requestID() (id RequestID, ok bool, rerr *rpcError) {
	id = RequestID{Caller: x.caller, Operation: x.op}
	if k := x.r.Header.Get(IdempotencyHeader); k != "" {
		if len(k) > MaxIdempotencyKey {
			return id, false, refuse(codes.ReturnCodeBadFormat, IdempotencyHeader,
				"at most "+strconv.Itoa(MaxIdempotencyKey)+" bytes")
		}
		switch x.msg.(type) {
		case *CreateTroubleTicketByValueRequest, *SetTroubleTicketByValueRequest:
			id.Key = "key:" + k
			return id, true, nil
		}
		return id, false, nil
	}
	switch m := x.msg.(type) {
	case *CreateTroubleTicketByValueRequest:
		ref, ok := m.Value.CustomerTroubleNum.Get()
		if !ok || ref == "" {
			// Refused by validation; nothing to replay.
			return id, false, nil
		}
		id.Key = "create:" + ref
		return id, true, nil
	case *SetTroubleTicketByValueRequest:
		key, tx, err := x.transaction(m)
		if err != nil || key == "" {
			return id, false, nil
		}
		version := "-"
		if v, ok := m.Value.LastUpdateVersionNumber.Get(); ok {
			version = strconv.FormatInt(v, 10)
		}
		id.Key = "set:" + key + "@" + version + ":" + tx.Kind.String() + ":" + digest(&tx)
		return id, true, nil
	}
	return id, false, nil
}

// transaction returns the set's transaction, decoded once for the journal's
// key and the set itself.
func (x *exchange) transaction(m *SetTroubleTicketByValueRequest) (string, ticket.Transaction, error) {
	if !x.setTx.done {
		x.setTx.key, x.setTx.tx, x.setTx.err = m.Transaction(x.s.p)
		x.setTx.done = true
	}
	return x.setTx.key, x.setTx.tx, x.setTx.err
}

// digest is a short digest of a decoded transaction's content: what the
// step says, never how its bytes were written.
func digest(tx *ticket.Transaction) string {
	b, err := json.Marshal(tx)
	if err != nil {
		return "-"
	}
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:12])
}

// beginJournal runs the journal's Begin for a state-changing request. It
// returns the recorded answer to replay, or sets x.finish.
func (x *exchange) beginJournal(ctx context.Context) (*Answer, *rpcError) {
	j := x.s.opts.Journal
	if j == nil {
		return nil, nil
	}
	id, ok, rerr := x.requestID()
	if rerr != nil || !ok {
		return nil, rerr
	}
	rec, finish, err := j.Begin(ctx, id)
	switch {
	case errors.Is(err, ErrInFlight):
		x.busy = true
		return nil, &rpcError{code: codes.ReturnCodeSaturation, reason: "the same request is being processed"}
	case err != nil:
		return nil, x.internal(err)
	case rec != nil:
		return rec, nil
	}
	x.finish = finish
	return nil, nil
}

// writeBusy answers a request whose twin is being processed.
func writeBusy(w http.ResponseWriter) {
	w.Header().Set("Retry-After", "1")
	http.Error(w, "the same request is being processed", http.StatusServiceUnavailable)
}
