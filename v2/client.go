package v2

import (
	"bytes"
	"context"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"iter"
	"net/http"
	"time"

	"github.com/opensav/savsdk/codes"
	"github.com/opensav/savsdk/internal/soap"
	"github.com/opensav/savsdk/ticket"
)

// Doer sends HTTP requests; *http.Client is one. Give it the timeouts,
// TLS client certificate and proxy settings the partner needs.
type Doer interface {
	Do(*http.Request) (*http.Response, error)
}

// DoerFunc adapts a function to [Doer]: a transport of the embedder's, or
// a test's.
type DoerFunc func(*http.Request) (*http.Response, error)

// Do calls f.
func (f DoerFunc) Do(r *http.Request) (*http.Response, error) { return f(r) }

var (
	_ Doer = (*http.Client)(nil)
	_ Doer = DoerFunc(nil)
)

// ClientOptions configures [NewClient].
type ClientOptions struct {
	// Role is the role of the operator using the client: OC to call its
	// OI's services, OI to call its OC's. Required.
	Role codes.Role
	// CodeOC and CodeOI are written in the sav:entete of every request and
	// in the tickets; both required.
	CodeOC string
	CodeOI string
	// SirenOC and SirenOI are optional sav:entete fields.
	SirenOC string
	SirenOI string
	// Profile holds the wire decisions; nil means DefaultProfile().
	Profile *Profile
	// MaxResponseSize caps response bodies; 0 means DefaultMaxBodySize.
	MaxResponseSize int64
	// Now is the clock of the sav:entete horodatage and of the
	// transactions the caller does not date; nil means time.Now.
	Now func() time.Time
}

// Client calls a partner's protocol 2.0 web service: an OC calls its OI
// (create, set with CO transactions, get, search, query, introspection), an
// OI calls its OC (set with SU transactions, introspection). Every method
// takes a context that bounds the whole exchange. Faults come back as
// [*FaultError], HTTP failures as [*StatusError]. A Client is safe for
// concurrent use.
type Client struct {
	doer Doer
	url  string
	opts ClientOptions
	p    *Profile
	enc  *soap.Encoder
}

// NewClient returns a client of the web service at url, sending its
// requests through doer (nil means http.DefaultClient).
func NewClient(doer Doer, url string, opts ClientOptions) (*Client, error) {
	if !opts.Role.Valid() {
		return nil, fmt.Errorf("v2: NewClient: Role %q: want OC or OI", opts.Role)
	}
	for _, c := range []struct{ name, v string }{{"CodeOC", opts.CodeOC}, {"CodeOI", opts.CodeOI}} {
		if err := codes.ValidOperatorCode(c.v); err != nil {
			return nil, fmt.Errorf("v2: NewClient: %s: %w", c.name, err)
		}
	}
	if doer == nil {
		doer = http.DefaultClient
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	p := opts.Profile.orDefault()
	return &Client{doer: doer, url: url, opts: opts, p: p, enc: &soap.Encoder{HeaderSpace: p.NamespaceSAV}}, nil
}

// response is what call read besides the message.
type response struct {
	msg    Message
	entete *soap.Entete
}

// call sends req (with a sav:pagination header when page >= 0) and returns
// the response message, or the fault as a *FaultError.
func (c *Client) call(ctx context.Context, req Message, page int) (*response, error) {
	h := soap.Header{Entete: &soap.Entete{
		VersionProtocole: ProtocolVersion, Horodatage: c.opts.Now().In(c.p.Location),
		CodeOC: c.opts.CodeOC, CodeOI: c.opts.CodeOI, SirenOC: c.opts.SirenOC, SirenOI: c.opts.SirenOI,
	}}
	if page >= 0 {
		h.Pagination = &soap.Pagination{Sequence: page}
	}
	var body bytes.Buffer
	if err := c.enc.Encode(&body, h, func(w io.Writer) error { return WriteBody(w, req, c.p) }); err != nil {
		return nil, err
	}
	hr, err := soap.NewRequest(ctx, c.url, body.Bytes())
	if err != nil {
		return nil, err
	}
	resp, err := c.doer.Do(hr)
	if err != nil {
		return nil, fmt.Errorf("v2: %s: %w", req.Operation(), err)
	}
	raw, err := soap.ResponseBody(resp, c.opts.MaxResponseSize)
	if err != nil {
		var he *soap.HTTPError
		if errors.As(err, &he) {
			return nil, &StatusError{StatusCode: he.StatusCode, Status: he.Status, ContentType: he.ContentType,
				Snippet: he.Snippet}
		}
		return nil, fmt.Errorf("v2: %s: %w", req.Operation(), err)
	}
	out := &response{}
	var exc Exception
	limit := c.opts.MaxResponseSize
	if limit <= 0 {
		limit = DefaultMaxBodySize
	}
	dec := &soap.Decoder{
		HeaderSpace: c.p.NamespaceSAV,
		Location:    c.p.Location,
		Limits:      soap.Limits{}.Sized(limit),
		Body: func(d soap.TokenReader, start xml.StartElement) error {
			m, err := readBody(d, start, c.p)
			out.msg = m
			return err
		},
		Detail: func(d soap.TokenReader, start xml.StartElement) error {
			return readFaultDetail(d, start, c.p, &exc)
		},
	}
	m, err := dec.Decode(bytes.NewReader(raw))
	if err != nil {
		return nil, fmt.Errorf("v2: %s: reading the response: %w", req.Operation(), err)
	}
	out.entete = m.Header.Entete
	if f := m.Fault; f != nil {
		fe := &FaultError{Op: req.Operation(), FaultCode: f.Code.Local, FaultString: f.String}
		if exc.Op.Valid() || exc.Erreur != nil {
			if !exc.Op.Valid() {
				exc.Op = req.Operation()
			}
			fe.Exception = &exc
		}
		return nil, fe
	}
	if out.msg == nil || out.msg.Operation() != req.Operation() || out.msg.Part() != PartResponse {
		return nil, fmt.Errorf("%w: {%s}%s to %s", ErrUnexpectedResponse, m.Root.Space, m.Root.Local,
			req.Operation())
	}
	return out, nil
}

// CreateOptions tunes [Client.Create].
type CreateOptions struct {
	// Retries is how many times to send the request again after a failure
	// that may be temporary ([Temporary]): a lost response, a timeout, a
	// temporary fault. A retry that meets a duplicate fault (100) carrying
	// a key recovers that key: the earlier attempt created the ticket.
	Retries int
	// Backoff is the wait before the first retry, doubled for each next
	// one; 0 means one second.
	Backoff time.Duration
	// RecoverDuplicate takes a duplicate fault carrying a key as success
	// on the first attempt too: use it when re-sending a deposit whose
	// answer was lost before this call (for example by a process that
	// stopped before recording it).
	RecoverDuplicate bool
}

// CreateResult is the outcome of [Client.Create].
type CreateResult struct {
	// Key is the OI's id of the ticket (ReferenceSigSAVOI).
	Key string
	// Ticket is the OC's copy of the ticket: the filing acknowledged
	// (QUEUED, version 0, receipt time = the OI's sav:entete horodatage),
	// or, when Recovered, the OI's ticket as getTroubleTicketByKey returns
	// it.
	Ticket *ticket.Ticket
	// Recovered reports that the key came from a duplicate fault.
	Recovered bool
	// Attempts is the number of requests sent.
	Attempts int
}

// Create files a ticket with the OI (createTroubleTicketByValue). The
// filing is first checked against the lifecycle's filing rules; a filing
// they refuse is not sent. CodeOC and CodeOI default to the client's.
func (c *Client) Create(ctx context.Context, f *ticket.Filing, opts *CreateOptions) (*CreateResult, error) {
	if opts == nil {
		opts = &CreateOptions{}
	}
	filing := *f
	if filing.CodeOC == "" {
		filing.CodeOC = c.opts.CodeOC
	}
	if filing.CodeOI == "" {
		filing.CodeOI = c.opts.CodeOI
	}
	local := &ticket.Ticket{}
	if err := local.Apply(ticket.Transaction{Kind: ticket.KindCreate, Sender: codes.RoleOC, At: c.opts.Now(),
		Filing: &filing}); err != nil {
		return nil, err
	}
	req := NewCreateRequest(&filing, c.p)
	backoff := opts.Backoff
	if backoff <= 0 {
		backoff = time.Second
	}
	for attempt := 1; ; attempt++ {
		resp, err := c.call(ctx, req, -1)
		if err == nil {
			key := resp.msg.(*CreateTroubleTicketByValueResponse).Key.PrimaryKey
			at := c.opts.Now()
			if resp.entete != nil && !resp.entete.Horodatage.IsZero() {
				at = resp.entete.Horodatage
			}
			if aerr := local.Apply(ticket.Transaction{Kind: ticket.KindAcknowledge, Sender: codes.RoleOI, At: at,
				ReferenceSigSAVOI: key}); aerr != nil {
				return nil, fmt.Errorf("v2: create: the OI's answer: %w", aerr)
			}
			return &CreateResult{Key: key, Ticket: local, Attempts: attempt}, nil
		}
		var fe *FaultError
		if errors.As(err, &fe) && errors.Is(fe, ErrDuplicate) && fe.Key() != "" && (attempt > 1 || opts.RecoverDuplicate) {
			t, gerr := c.Get(ctx, fe.Key(), nil)
			if gerr != nil {
				return nil, fmt.Errorf("v2: create: recovering ticket %s: %w", fe.Key(), gerr)
			}
			if t.ReferenceSigSAVRaccoOC != filing.ReferenceSigSAVRaccoOC {
				return nil, fmt.Errorf("v2: create: duplicate key %s names ticket %q, not %q: %w", fe.Key(),
					t.ReferenceSigSAVRaccoOC, filing.ReferenceSigSAVRaccoOC, err)
			}
			return &CreateResult{Key: fe.Key(), Ticket: t, Recovered: true, Attempts: attempt}, nil
		}
		if attempt > opts.Retries || !Temporary(err) {
			return nil, err
		}
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-time.After(backoff):
		}
		backoff *= 2
	}
}

// SetOptions tunes [Client.Set].
type SetOptions struct {
	// Resync, when the partner refuses the transaction for a stale version
	// (resyncRequiredException, code 6), gets the ticket, checks the
	// transaction against its current state with the lifecycle and, if it
	// is still allowed, sends it again with the current version. Only an OC
	// can resync (its OI serves getTroubleTicketByKey).
	Resync bool
	// ReferenceSigSAVRaccoOC, when set, goes in tt:customerTroubleNum: the
	// partner then refuses (code 13) a set whose OI id names another of
	// its tickets, instead of applying it there.
	ReferenceSigSAVRaccoOC string
}

// SetResult is the outcome of [Client.Set].
type SetResult struct {
	// Resynced reports that the transaction was sent again after a resync.
	Resynced bool
	// Ticket, when Resynced, is the partner's ticket with the transaction
	// applied: the caller's new copy.
	Ticket *ticket.Ticket
}

// setRequest composes the set request of tx on key.
func (c *Client) setRequest(key string, tx *ticket.Transaction, opts *SetOptions) (*SetTroubleTicketByValueRequest, error) {
	req, err := NewSetRequest(key, c.opts.CodeOC, c.opts.CodeOI, tx, c.p)
	if err != nil {
		return nil, err
	}
	if opts != nil && opts.ReferenceSigSAVRaccoOC != "" {
		req.Value.CustomerTroubleNum = Some(opts.ReferenceSigSAVRaccoOC)
	}
	return req, nil
}

// Set sends one transaction on the ticket the OI knows as key
// (setTroubleTicketByValue): CO transactions from an OC, SU transactions
// from an OI. tx.Version is the version the caller last saw and
// tx.ResyncRequired asks the partner to refuse a different one (DOMAIN.md
// "Versions"); tx.Sender defaults to the client's role and tx.At to now.
func (c *Client) Set(ctx context.Context, key string, tx ticket.Transaction, opts *SetOptions) (*SetResult, error) {
	if tx.Sender == "" {
		tx.Sender = c.opts.Role
	}
	if tx.At.IsZero() {
		tx.At = c.opts.Now()
	}
	req, err := c.setRequest(key, &tx, opts)
	if err != nil {
		return nil, err
	}
	_, err = c.call(ctx, req, -1)
	if err == nil {
		return &SetResult{}, nil
	}
	if opts == nil || !opts.Resync || c.opts.Role != codes.RoleOC || !errors.Is(err, ticket.ErrResync) {
		return nil, err
	}
	current, gerr := c.Get(ctx, key, nil)
	if gerr != nil {
		return nil, fmt.Errorf("v2: resync of %s: %w (after %w)", key, gerr, err)
	}
	tx.Version = current.Version
	next := current.Clone()
	if aerr := next.Apply(tx); aerr != nil {
		return nil, &ResyncError{Ticket: current, Err: aerr}
	}
	req, err = c.setRequest(key, &tx, opts)
	if err != nil {
		return nil, err
	}
	if _, err := c.call(ctx, req, -1); err != nil {
		return nil, err
	}
	return &SetResult{Resynced: true, Ticket: next}, nil
}

// GetOptions tunes [Client.Get].
type GetOptions struct {
	// AttrNames limits the attributes returned (element names); empty
	// means all.
	AttrNames []string
}

// Get returns the OI's copy of a ticket (getTroubleTicketByKey), the
// resynchronisation of DOMAIN.md: state, version, filing and what the OI
// said, without history. An unknown ticket, or another OC's, is a
// [*FaultError] matching [ErrNotFound].
func (c *Client) Get(ctx context.Context, key string, opts *GetOptions) (*ticket.Ticket, error) {
	req := NewGetRequest(key, c.p)
	if opts != nil && len(opts.AttrNames) > 0 {
		req.AttrNames = Some(Strings(opts.AttrNames...))
	}
	resp, err := c.call(ctx, req, -1)
	if err != nil {
		return nil, err
	}
	v := &resp.msg.(*GetTroubleTicketByKeyResponse).Value
	return v.Ticket(c.p)
}

// PageOptions selects a page of a search or query.
type PageOptions struct {
	// HowMany is the page size; 0 lets the partner choose (100 by
	// default, at most 1000).
	HowMany int
	// Sequence is the index of the page, from 0.
	Sequence int
}

// Page is one page of results, ordered by key.
type Page struct {
	Tickets    []*ticket.Ticket
	Sequence   int
	EndOfReply bool
}

// SearchPage returns one page of the tickets matching f
// (getTroubleTicketsByTemplate); see [TemplateFromFilter] for the criteria
// a template carries.
func (c *Client) SearchPage(ctx context.Context, f *Filter, opts *PageOptions) (*Page, error) {
	tmpl, err := TemplateFromFilter(f, c.p)
	if err != nil {
		return nil, err
	}
	o := pageOptions(opts)
	req := &GetTroubleTicketsByTemplateRequest{Template: tmpl}
	if o.HowMany > 0 {
		req.HowMany = Some(uint32(o.HowMany))
	}
	resp, err := c.call(ctx, req, o.Sequence)
	if err != nil {
		return nil, err
	}
	r := resp.msg.(*GetTroubleTicketsByTemplateResponse)
	return c.page(o.Sequence, r.Sequence, r.EndOfReply, r.Values)
}

// QueryPage returns one page of the caller's open tickets
// (queryTroubleTickets with QueryAllOpenTroubleTicketsValue).
func (c *Client) QueryPage(ctx context.Context, opts *PageOptions) (*Page, error) {
	o := pageOptions(opts)
	resp, err := c.call(ctx, NewQueryRequest(o.HowMany), o.Sequence)
	if err != nil {
		return nil, err
	}
	r := resp.msg.(*QueryTroubleTicketsResponse)
	return c.page(o.Sequence, r.Sequence, r.EndOfReply, r.Values)
}

func pageOptions(opts *PageOptions) PageOptions {
	if opts == nil {
		return PageOptions{}
	}
	return *opts
}

func (c *Client) page(asked int, seq int32, end bool, values Field[[]Field[TroubleTicketValue]]) (*Page, error) {
	if int(seq) != asked {
		return nil, fmt.Errorf("%w: page %d answered for page %d", ErrUnexpectedResponse, seq, asked)
	}
	pg := &Page{Sequence: int(seq), EndOfReply: end}
	for _, v := range Values(values.Or(nil)) {
		t, err := v.Ticket(c.p)
		if err != nil {
			return nil, err
		}
		pg.Tickets = append(pg.Tickets, t)
	}
	return pg, nil
}

// SearchOptions tunes [Client.Search] and [Client.Query].
type SearchOptions struct {
	// HowMany is the page size; 0 lets the partner choose.
	HowMany int
}

// Search iterates over every ticket matching f, fetching pages as needed.
// Iteration stops at the first error, which is yielded with a nil ticket.
func (c *Client) Search(ctx context.Context, f *Filter, opts *SearchOptions) iter.Seq2[*ticket.Ticket, error] {
	return c.iterate(func(seq, howMany int) (*Page, error) {
		return c.SearchPage(ctx, f, &PageOptions{HowMany: howMany, Sequence: seq})
	}, opts)
}

// Query iterates over every open ticket of the caller, fetching pages as
// needed. Iteration stops at the first error, which is yielded with a nil
// ticket.
func (c *Client) Query(ctx context.Context, opts *SearchOptions) iter.Seq2[*ticket.Ticket, error] {
	return c.iterate(func(seq, howMany int) (*Page, error) {
		return c.QueryPage(ctx, &PageOptions{HowMany: howMany, Sequence: seq})
	}, opts)
}

func (c *Client) iterate(fetch func(seq, howMany int) (*Page, error), opts *SearchOptions) iter.Seq2[*ticket.Ticket, error] {
	howMany := 0
	if opts != nil {
		howMany = opts.HowMany
	}
	return func(yield func(*ticket.Ticket, error) bool) {
		for seq := 0; ; seq++ {
			pg, err := fetch(seq, howMany)
			if err != nil {
				yield(nil, err)
				return
			}
			for _, t := range pg.Tickets {
				if !yield(t, nil) {
					return
				}
			}
			if pg.EndOfReply {
				return
			}
			if len(pg.Tickets) == 0 {
				yield(nil, fmt.Errorf("%w: empty page %d without endOfReply", ErrUnexpectedResponse, seq))
				return
			}
		}
	}
}

// ManagedEntityTypes returns the entity types the partner manages
// (getManagedEntityTypes): tt:TroubleTicketValue, sav:SAVTroubleTicketValue.
func (c *Client) ManagedEntityTypes(ctx context.Context) ([]string, error) {
	resp, err := c.call(ctx, &GetManagedEntityTypesRequest{}, -1)
	if err != nil {
		return nil, err
	}
	return resp.msg.(*GetManagedEntityTypesResponse).Types, nil
}

// QueryTypes returns the queries the partner serves (getQueryTypes).
func (c *Client) QueryTypes(ctx context.Context) ([]string, error) {
	resp, err := c.call(ctx, &GetQueryTypesRequest{}, -1)
	if err != nil {
		return nil, err
	}
	return resp.msg.(*GetQueryTypesResponse).Types, nil
}

// EventTypes returns the event types the partner emits (getEventTypes).
func (c *Client) EventTypes(ctx context.Context) ([]string, error) {
	resp, err := c.call(ctx, &GetEventTypesRequest{}, -1)
	if err != nil {
		return nil, err
	}
	return resp.msg.(*GetEventTypesResponse).Types, nil
}

// SupportedOptionalOperations returns the operations the partner serves
// beyond introspection (getSupportedOptionalOperations).
func (c *Client) SupportedOptionalOperations(ctx context.Context) ([]string, error) {
	resp, err := c.call(ctx, &GetSupportedOptionalOperationsRequest{}, -1)
	if err != nil {
		return nil, err
	}
	return resp.msg.(*GetSupportedOptionalOperationsResponse).Operations, nil
}
