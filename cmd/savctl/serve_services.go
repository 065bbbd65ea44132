package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"

	"github.com/opensav/savsdk/codes"
	"github.com/opensav/savsdk/rdv/plancharge"
	"github.com/opensav/savsdk/sav/infotravaux"
)

// planChargeEndpoints serves the Plan de charge SAV web service of an OI
// at the published WSDL's example path, on an in-memory planning of two
// technicians with the default opening hours.
func planChargeEndpoints(cfg *serveConfig) ([]endpoint, error) {
	if cfg.role != codes.RoleOI {
		return nil, nil
	}
	p, err := plancharge.NewMemPlanning(plancharge.MemConfig{Technicians: []string{"TECH1", "TECH2"}})
	if err != nil {
		return nil, err
	}
	cfg.planning = p
	return []endpoint{{"/sav-ftth/services/rdvFtthSav", &plancharge.Server{Planning: p, Logger: cfg.logger}}}, nil
}

// infoTravauxEndpoints serves the InfoTravaux FTTH web service of an OI at
// the published WSDL's example path, on an in-memory source holding the
// notices of --travaux (none without it).
func infoTravauxEndpoints(cfg *serveConfig) ([]endpoint, error) {
	if cfg.role != codes.RoleOI {
		return nil, nil
	}
	src := &infotravaux.MemSource{}
	if cfg.travaux != "" {
		b, err := os.ReadFile(cfg.travaux)
		if err != nil {
			return nil, err
		}
		var ts []infotravaux.Travaux
		dec := json.NewDecoder(bytes.NewReader(b))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&ts); err != nil {
			return nil, fmt.Errorf("%s: want a JSON array of works notices: %w", cfg.travaux, err)
		}
		for i, t := range ts {
			if err := src.Put(t); err != nil {
				return nil, fmt.Errorf("%s: notice %d (%s): %w", cfg.travaux, i+1, t.Reference, err)
			}
		}
	}
	return []endpoint{{"/ftth/services/infoTravauxService", &infotravaux.Server{Source: src, Logger: cfg.logger}}}, nil
}
