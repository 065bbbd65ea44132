package plancharge

import "context"

// Planning is the OI's technicians' planning the [Server] delegates to. The
// embedder implements it over its own system; [MemPlanning] is an in-memory
// one. Requests reach it checked ([SearchRequest.Check] and the others) and
// with SirenOC set to the caller.
//
// A method refuses with a [*Fault] (other errors are answered as 10 ERREUR
// SI INTERNE without their text): [ErrRdvNonDisponible] (101) for a slot
// taken, gone or unknown, [ErrRdvInconnu] (8) for an unknown appointment id,
// including another OC's. The [Client] implements Planning too, so a
// planning can be another OI's service.
type Planning interface {
	// Search returns the free slots of the request's window. Each slot id
	// stays bookable until it is booked or its start passes, and remembers
	// the search's typeIntervention and defectPrelocalization.
	Search(ctx context.Context, r SearchRequest) ([]Creneau, error)
	// Book books a slot a search returned and returns the appointment id;
	// its status is CREE.
	Book(ctx context.Context, r BookRequest) (idRendezvous string, err error)
	// Consult describes an appointment.
	Consult(ctx context.Context, r ConsultRequest) (Rendezvous, error)
	// Report moves an appointment to another free slot and frees the old
	// one. For NOUVEAU_RDV it returns the new appointment id (the
	// contract's answer is empty, so the id reaches the OC through the
	// ticket); otherwise "".
	Report(ctx context.Context, r ReportRequest) (newID string, err error)
}
