package main

import (
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
// the published WSDL's example path, on an in-memory source that starts
// empty.
func infoTravauxEndpoints(cfg *serveConfig) ([]endpoint, error) {
	if cfg.role != codes.RoleOI {
		return nil, nil
	}
	return []endpoint{{"/ftth/services/infoTravauxService",
		&infotravaux.Server{Source: &infotravaux.MemSource{}, Logger: cfg.logger}}}, nil
}
