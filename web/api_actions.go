package web

import (
	"net/http"

	"zhengzhi/app"
	"zhengzhi/domain"
)

// apiActions registers the closed loop's JSON API (DESIGN.md §7): case
// actions, signatures, the "待我审核" inbox with batch approval,
// delegations and re-checks.
func (s *Server) apiActions(mux *http.ServeMux) {
	mux.HandleFunc("POST /api/v1/cases/{id}/actions", s.api(s.caseAction))
	mux.HandleFunc("GET /api/v1/cases/{id}/signoffs", s.api(s.caseSignOffs))
	mux.HandleFunc("GET /api/v1/inbox", s.api(s.inbox))
	mux.HandleFunc("POST /api/v1/inbox/approve", s.api(s.inboxApprove))
	mux.HandleFunc("POST /api/v1/delegations", s.api(s.createDelegation))
	mux.HandleFunc("GET /api/v1/delegations", s.api(s.listDelegations))
	mux.HandleFunc("DELETE /api/v1/delegations/{id}", s.api(s.revokeDelegation))
	mux.HandleFunc("GET /api/v1/rechecks", s.api(s.listRechecks))
	mux.HandleFunc("POST /api/v1/sites/{id}/rechecks", s.api(s.recordRecheck))
}

// caseAction: {"action","reason","version"?,"content_hash"?,"org_id"?,"village_id"?} → 200 case.
func (s *Server) caseAction(w http.ResponseWriter, r *http.Request, a *domain.Actor) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var in app.CaseActionInput
	if err := decodeJSON(w, r, &in); err != nil {
		return err
	}
	c, err := s.app.ApplyCaseAction(r.Context(), a, id, in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, c)
	return nil
}

// signOffsResult is a case's signatures, each checked, and the content hash
// a signature would cover now.
type signOffsResult struct {
	Items       []app.SignOffCheck `json:"items"`
	Total       int                `json:"total"`
	ContentHash string             `json:"content_hash"`
}

func (s *Server) caseSignOffs(w http.ResponseWriter, r *http.Request, a *domain.Actor) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	items, err := s.app.CaseSignOffs(r.Context(), a, id)
	if err != nil {
		return err
	}
	_, _, hash, err := s.app.CaseContent(r.Context(), a, id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, signOffsResult{Items: items, Total: len(items), ContentHash: hash})
	return nil
}

func (s *Server) inbox(w http.ResponseWriter, r *http.Request, a *domain.Actor) error {
	items, err := s.app.Inbox(r.Context(), a)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, list(items, len(items)))
	return nil
}

// inboxApprove: {"cases":[{"id","version","content_hash"?}]} → 200 {"results":[…]}
// with one outcome per case; refusals do not stop the others.
func (s *Server) inboxApprove(w http.ResponseWriter, r *http.Request, a *domain.Actor) error {
	var in struct {
		Cases []app.ApproveItem `json:"cases"`
	}
	if err := decodeJSON(w, r, &in); err != nil {
		return err
	}
	res, err := s.app.ApproveMany(r.Context(), a, in.Cases)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"results": res})
	return nil
}

func (s *Server) createDelegation(w http.ResponseWriter, r *http.Request, a *domain.Actor) error {
	var in app.DelegationInput
	if err := decodeJSON(w, r, &in); err != nil {
		return err
	}
	x, err := s.app.CreateDelegation(r.Context(), a, in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, x)
	return nil
}

func (s *Server) listDelegations(w http.ResponseWriter, r *http.Request, a *domain.Actor) error {
	items, err := s.app.Delegations(r.Context(), a)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, list(items, len(items)))
	return nil
}

func (s *Server) revokeDelegation(w http.ResponseWriter, r *http.Request, a *domain.Actor) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	x, err := s.app.RevokeDelegation(r.Context(), a, id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, x)
	return nil
}

func (s *Server) listRechecks(w http.ResponseWriter, r *http.Request, a *domain.Actor) error {
	campID, err := queryID(r, "campaign_id")
	if err != nil {
		return err
	}
	items, err := s.app.DueRechecks(r.Context(), a, campID)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, list(items, len(items)))
	return nil
}

// recordRecheck: {"outcome": "still_shut|running", "note"} → 201
// {"inspection","case","prompt_reopen"}.
func (s *Server) recordRecheck(w http.ResponseWriter, r *http.Request, a *domain.Actor) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var in struct {
		Outcome string `json:"outcome"`
		Note    string `json:"note"`
	}
	if err := decodeJSON(w, r, &in); err != nil {
		return err
	}
	res, err := s.app.RecordRecheck(r.Context(), a, id, in.Outcome, in.Note)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, res)
	return nil
}
