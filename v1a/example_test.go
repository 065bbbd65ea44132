package v1a_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/opensav/savsdk/codes"
	"github.com/opensav/savsdk/ticket"
	"github.com/opensav/savsdk/v1a"
)

// A partner's DEPOT file, as a spreadsheet saved it: the phone lost its
// leading 0.
const exampleDepot = "ReferencePrestationPrise;ReferencePrise;ReferenceSigSAVRaccoOC;DateIncidClientFinal;" +
	"NatureDefaut;PrelocDefaut;NomClient;PrenomClient;ContactClient1;ContactClient2;IdRdv;PropalRdv;Commentaire\r\n" +
	"VIA0A0000000BBBBBBBB;FI-XXXX-YYYY;BTGP-MG-OI-XXXXXX-ZZZZ;20120206;Pas de signal;COL MONTANTE;DUPONT;PAUL;" +
	"600000001;;;;Signal au PM : -19.43 dBm\r\n"

func ExampleReader() {
	r := v1a.NewReader(strings.NewReader(exampleDepot))
	flow, err := r.Header()
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("flow:", flow)
	for {
		rec, err := r.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if rec == nil { // a fatal error: the file cannot be read further
			fmt.Println(err)
			return
		}
		if re, ok := errors.AsType[*v1a.RecordError](err); ok {
			for _, w := range re.Warnings {
				fmt.Println("warning:", w)
			}
		}
		d := rec.(*v1a.Depot)
		fmt.Println(r.Line(), d.ReferenceSigSAVRaccoOC, d.NatureDefaut, d.PrelocDefaut, d.ContactClient1)
	}
	// Output:
	// flow: DEPOT
	// warning: line 2: ContactClient1: 3 INFO ContactClient1 INCORRECTE - FORMAT INVALIDE: "600000001" read as 0600000001 (a spreadsheet dropped its leading 0 or +)
	// 2 BTGP-MG-OI-XXXXXX-ZZZZ COUPURE PM-PBO 0600000001
}

func ExampleWriter() {
	var buf bytes.Buffer
	w := v1a.NewWriter(&buf, v1a.FlowCloture) // Windows-1252, CRLF, SpreadsheetSafe
	w.Charset = v1a.UTF8                      // for this example's output
	err := w.Write(&v1a.Cloture{
		ReferenceSigSAVOI: "FTEL-000001", ReferenceSigSAVRaccoOC: "BTGP-MG-OI-XXXXXX-ZZZZ", ReferencePrise: "FI-XXXX-YYYY",
		DateCloture: time.Date(2026, 1, 10, 16, 30, 0, 0, ticket.Paris), CodeCloture: "RET01",
		Responsabilite: codes.ResponsabiliteOI, LocalisationDefaut: codes.PrelocDefautPMPBO,
		Commentaire: "-18,2 dBm; soudure reprise",
	})
	if err != nil {
		fmt.Println(err)
	}
	w.Flush()
	if err := w.Error(); err != nil {
		fmt.Println(err)
	}
	fmt.Print(strings.ReplaceAll(buf.String(), "\r\n", "\n"))
	// Output:
	// ReferenceSigSAVOI;ReferenceSigSAVRaccoOC;ReferencePrestationPrise;ReferencePrise;DateCloture;CodeCloture;Responsabilite;LocalisationDefaut;Commentaire
	// FTEL-000001;BTGP-MG-OI-XXXXXX-ZZZZ;;FI-XXXX-YYYY;20260110163000;RET01;OI;COL MONTANTE;"'-18,2 dBm; soudure reprise"
}

func ExampleComputeAR() {
	in := exampleDepot + ";;BTGP-MG-OI-000002-AAAA;20120206;PANNE;PTO;;;;;;;\r\n"
	ack, err := v1a.ComputeAR(context.Background(), strings.NewReader(in), v1a.AckOptions{
		Validator: &v1a.Validator{Now: time.Date(2026, 1, 5, 9, 30, 0, 0, ticket.Paris)},
		IDPrefix:  "FTEL-",
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	w := v1a.NewWriter(os.Stdout, v1a.FlowAR)
	w.UseLF = true
	if err := ack.WriteTo(w); err != nil {
		fmt.Println(err)
	}
	// Output:
	// ReferenceSigSAVRaccoOC;ReferencePrestationPrise;ReferencePrise;StatutAR;ReferenceSigSAVOI;DatePriseEnCompte;CodeRetour;MotifRefus
	// BTGP-MG-OI-XXXXXX-ZZZZ;VIA0A0000000BBBBBBBB;FI-XXXX-YYYY;OK;FTEL-000001;20260105093000;0;
	// BTGP-MG-OI-000002-AAAA;;;KO;;;1;"INFO ReferencePrise OBLIGATOIRE: ReferencePrise or ReferencePrestationPrise is required | INFO NatureDefaut ERRONEE - HORS VALEURS PREVUEES: ""PANNE"" | INFO NomClient OBLIGATOIRE: an intervention at the customer's is needed | INFO ContactClient1 OBLIGATOIRE: an intervention at the customer's is needed | INFO PropalRdv OBLIGATOIRE: an intervention at the customer's is needed: IdRdv or PropalRdv"
}

func ExampleValidator() {
	v := &v1a.Validator{
		Now: time.Date(2026, 1, 5, 9, 30, 0, 0, ticket.Paris),
		// The embedder's qualitative check: is the access in our parc?
		Hook: v1a.HookFunc(func(ctx context.Context, line int, rec v1a.Record) []v1a.Finding {
			if d, ok := rec.(*v1a.Depot); ok && d.ReferencePrise == "FI-XXXX-YYYY" {
				return []v1a.Finding{{Field: "ReferencePrise", Code: codes.ReturnCodeUnknown}}
			}
			return nil
		}),
	}
	r := v1a.NewReader(strings.NewReader(exampleDepot))
	rec, err := r.Read()
	res := v.Check(context.Background(), r.Line(), rec, err)
	fmt.Println("valid:", res.Valid())
	for _, f := range res.Errors {
		fmt.Println(f)
	}
	// Output:
	// valid: false
	// line 2: ReferencePrise: 8 INFO ReferencePrise INCONNUE
}

func ExampleParseFileName() {
	n, err := v1a.ParseSubject("SAV FTTH - SAV_DEPOT_BYTL_FTEL_20260105093000_0001.csv")
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(n.Flow, n.Sender, n.Recipient, n.Time.Format(time.RFC3339), n.Seq)

	var seq v1a.Sequence
	ar := v1a.NewFileName(&seq, v1a.FlowAR, n.Recipient, n.Sender, time.Date(2026, 1, 5, 9, 45, 0, 0, ticket.Paris))
	fmt.Println(v1a.Subject(ar))
	// Output:
	// DEPOT BYTL FTEL 2026-01-05T09:30:00+01:00 1
	// SAV FTTH - SAV_AR_FTEL_BYTL_20260105094500_0001.csv
}

func ExampleLayout() {
	// A partner names the access id column "RefPTO".
	l := v1a.DefaultLayout(v1a.FlowDepot)
	l.Rename(v1a.FieldReferencePrise, "RefPTO")
	header := strings.Replace(strings.SplitN(exampleDepot, "\r\n", 2)[0], ";ReferencePrise;", ";RefPTO;", 1)
	r := v1a.NewReader(strings.NewReader(header + "\r\n" + strings.SplitN(exampleDepot, "\r\n", 2)[1]))
	r.Layouts = []*v1a.Layout{l}
	rec, _ := r.Read()
	fmt.Println(rec.(*v1a.Depot).ReferencePrise)
	// Output:
	// FI-XXXX-YYYY
}

func ExampleTicketOf() {
	r := v1a.NewReader(strings.NewReader(exampleDepot))
	rec, _ := r.Read()
	t, err := v1a.TicketOf(rec, "BYTL", "FTEL")
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(t.State, t.CodeOC, t.CodeOI, t.NatureDefaut, t.Client.Contact1)
	// Output:
	// SUBMITTED BYTL FTEL COUPURE 0600000001
}

func ExampleValidator_Next() {
	// Stream a planned-works file: one line per impacted address, checked as
	// it is read, in constant memory.
	const travaux = "ReferenceTravaux;Etat;ReferencePM;DateDebut;DateFin;NatureIntervention;InterventionRequiseOC;" +
		"NumeroVoie;Voie;CodePostal;Commune;CodeInsee;IdentifiantImmeuble;ContactOI;Commentaire\r\n" +
		"TRV-1;NOUVEAU;PM-1;202601200800;202601201800;DEPL;NON;12;Rue de l'Église;1000;Bourg-en-Bresse;;;;\r\n" +
		"TRV-1;CLOTURE;PM-1;202601200800;202601201800;DEPL;NON;12;Rue de l'Église;01000;Bourg-en-Bresse;;;;\r\n" +
		"TRV-1;MAJ;PM-1;202601200800;202601201800;DEPL;NON;14;Rue de l'Église;01000;Bourg-en-Bresse;;;;\r\n"
	r := v1a.NewReader(strings.NewReader(travaux))
	v := &v1a.Validator{Now: time.Date(2026, 1, 5, 9, 30, 0, 0, ticket.Paris)}
	for {
		res, err := v.Next(context.Background(), r)
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			fmt.Println(err)
			return
		}
		tr := res.Record.(*v1a.Travaux)
		fmt.Println(res.Line, tr.Etat, tr.CodePostal, res.Valid())
		for _, f := range append(res.Errors, res.Warnings...) {
			fmt.Println("  ", f.Field, int(f.Code))
		}
	}
	// Output:
	// 2 NOUVEAU 01000 true
	//    CodePostal 3
	// 3 CLOTURE 01000 true
	// 4 MAJ 01000 false
	//    Etat 13
}
