package web

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"zhengzhi/app"
	"zhengzhi/domain"
)

// uiCloseout registers the closed loop's pages: the case page's block (via
// caseExtras), the sign page, the "待我审核" inbox with batch approval, the
// re-check due list and delegation management.
//
// Batch approval: each inbox row shows the case's key fields (unit,
// place, category, 现场整治, 停产或关闭, 两断三清, penalties, number of
// attachments) and the SHA-256 of its content, with a link to the full sign
// page. The batch posts, for each ticked row, the id, the version and the
// content hash shown; a case that changed since the inbox was rendered is
// refused (409) rather than signed unseen.
func (s *Server) uiCloseout(mux *http.ServeMux) {
	mux.HandleFunc("POST /cases/{id}/actions", s.page(s.caseActionSubmit))
	mux.HandleFunc("GET /cases/{id}/sign", s.page(s.signPage))
	mux.HandleFunc("GET /inbox", s.page(s.inboxPage))
	mux.HandleFunc("POST /inbox/approve", s.page(s.inboxApproveSubmit))
	mux.HandleFunc("GET /rechecks", s.page(s.rechecksPage))
	mux.HandleFunc("POST /sites/{id}/rechecks", s.page(s.recheckSubmit))
	mux.HandleFunc("GET /delegations", s.page(s.delegationsPage))
	mux.HandleFunc("POST /delegations", s.page(s.delegationCreate))
	mux.HandleFunc("POST /delegations/{id}/revoke", s.page(s.delegationRevoke))
}

// closeoutView is the case page's closed-loop block (.Data.Closeout).
type closeoutView struct {
	Case              *domain.Case
	Sign              []domain.CaseAction // approve, return: through the sign page
	Actions           []domain.CaseAction // the others: forms on the case page
	Delegation        *domain.Delegation
	SignOffs          []app.SignOffCheck
	Tampered          bool
	Overdue           bool
	SupervisedOverdue bool
	Reviewer          domain.Role
	Towns             []*domain.OrgUnit
	Villages          []*domain.OrgUnit
	ReopenReason      string
	// Returned is the return that sent the case back (domain.LastReturn):
	// its reason is the banner at the top of the case page.
	Returned *domain.SignOff
}

// NeedsReason reports whether an action's form asks for a reason: the
// transition table's (domain.NeedsReason).
func (v *closeoutView) NeedsReason(action domain.CaseAction) bool { return domain.NeedsReason(action) }

// closeoutExtras builds the case page's closed-loop block: the actions the
// actor may take now, the signatures checked against the content, and the
// overdue and 挂牌督办 flags.
func (s *Server) closeoutExtras(r *http.Request, a *domain.Actor, c *domain.Case) (any, error) {
	ctx := r.Context()
	acts, del, err := s.app.AllowedCaseActions(ctx, a, c)
	if err != nil {
		return nil, err
	}
	v := &closeoutView{Case: c, Delegation: del, Reviewer: domain.Reviewer(c)}
	for _, act := range acts {
		if act == domain.CaseApprove || act == domain.CaseReturn {
			v.Sign = append(v.Sign, act)
		} else {
			v.Actions = append(v.Actions, act)
		}
		if act == domain.CaseTransfer {
			if v.Towns, v.Villages, err = s.villages(r, a); err != nil {
				return nil, err
			}
		}
	}
	if v.SignOffs, err = s.app.CaseSignOffs(ctx, a, c.ID); err != nil {
		return nil, err
	}
	signed := make([]domain.SignOff, len(v.SignOffs))
	for i, so := range v.SignOffs {
		if !so.Valid {
			v.Tampered = true
		}
		signed[i] = so.SignOff
	}
	if ret, ok := domain.LastReturn(c, signed); ok {
		v.Returned = &ret
	}
	today := domain.DateOf(s.clock.Now(), shanghai)
	v.Overdue, v.SupervisedOverdue = domain.Overdue(c, today), domain.SupervisedOverdue(c, today)
	if r.URL.Query().Get("reopen") == "recheck" {
		v.ReopenReason = domain.ReopenReasonRecheck
	}
	return v, nil
}

// caseActionSubmit takes an action from the case page or the sign page.
// A refusal the user can fix is shown on the page it came from.
func (s *Server) caseActionSubmit(w http.ResponseWriter, r *http.Request, a *domain.Actor) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	in := app.CaseActionInput{Action: domain.CaseAction(r.FormValue("action")), Reason: r.FormValue("reason"), ContentHash: r.FormValue("content_hash")}
	if in.Version, err = formInt(r, "version"); err == nil {
		if in.OrgID, err = formInt(r, "org_id"); err == nil {
			in.VillageID, err = formInt(r, "village_id")
		}
	}
	var c *domain.Case
	if err == nil {
		c, err = s.app.ApplyCaseAction(r.Context(), a, id, in)
	}
	if err != nil {
		if !userError(err) {
			return err
		}
		fe := asFormError(err)
		if r.FormValue("from") == "sign" {
			return s.renderSign(w, r, a, id, in.Action, statusOf(domain.ErrorCode(err)), fe, in.Reason)
		}
		return s.renderCase(w, r, a, id, statusOf(domain.ErrorCode(err)), fe)
	}
	flash := translate(langOf(r), "co.done", translate(langOf(r), "co.act."+string(in.Action)), c.ProblemNo, domain.StatusNames[c.Status])
	next := safeNext(r.FormValue("next"))
	if next == "/" {
		next = fmt.Sprintf("/cases/%d", id)
		if domain.ErrorCode(s.canSee(r, a, id)) == domain.ENOTFOUND {
			next = "/cases" // transferred out of the actor's scope
		}
	}
	s.redirectFlash(w, r, next, flash)
	return nil
}

func (s *Server) canSee(r *http.Request, a *domain.Actor, id int64) error {
	_, err := s.app.Case(r.Context(), a, id)
	return err
}

// signData is the sign page: exactly what a signature covers.
type signData struct {
	Case        *domain.Case
	Campaign    *domain.Campaign
	Attachments []*domain.Attachment
	Hash        string
	Action      domain.CaseAction
	Allowed     bool
	Delegation  *domain.Delegation
	Error       *formError
	Reason      string
	Next        string
	KindNames   map[string]string
}

// PageTitle names the sign page's case.
func (d signData) PageTitle(tr func(string, ...any) string) string {
	return tr("co.sign.title") + " · " + d.Case.ProblemNo + " " + d.Case.UnitName
}

func (s *Server) signPage(w http.ResponseWriter, r *http.Request, a *domain.Actor) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	return s.renderSign(w, r, a, id, domain.CaseAction(r.URL.Query().Get("action")), http.StatusOK, nil, "")
}

func (s *Server) renderSign(w http.ResponseWriter, r *http.Request, a *domain.Actor, id int64, action domain.CaseAction, status int, fe *formError, reason string) error {
	if action != domain.CaseApprove && action != domain.CaseReturn {
		return domain.Invalid("action", "签字页只用于审核通过或退回")
	}
	ctx := r.Context()
	c, atts, hash, err := s.app.CaseContent(ctx, a, id)
	if err != nil {
		return err
	}
	d := signData{Case: c, Attachments: atts, Hash: hash, Action: action, Error: fe, Reason: reason,
		Next: safeNext(r.FormValue("next")), KindNames: domain.AttachmentKindNames}
	if d.Next == "/" {
		d.Next = ""
	}
	if d.Campaign, err = s.app.Campaign(ctx, a, c.CampaignID); err != nil {
		return err
	}
	acts, del, err := s.app.AllowedCaseActions(ctx, a, c)
	if err != nil {
		return err
	}
	d.Delegation = del
	for _, x := range acts {
		if x == action {
			d.Allowed = true
		}
	}
	s.render(w, r, status, "closeout_sign.html", "co.sign.title", d, "")
	return nil
}

// ---- inbox ----

type inboxData struct {
	Items   []app.InboxItem
	Results []app.ApproveResult
	Prompts []*domain.Case
	Due     int
	Overdue map[int64]bool // past 整改期限 (domain.Overdue)
	Clears  map[int64][]domain.ClearState
}

func (s *Server) inboxPage(w http.ResponseWriter, r *http.Request, a *domain.Actor) error {
	return s.renderInbox(w, r, a, http.StatusOK, nil)
}

func (s *Server) renderInbox(w http.ResponseWriter, r *http.Request, a *domain.Actor, status int, results []app.ApproveResult) error {
	ctx := r.Context()
	items, err := s.app.Inbox(ctx, a)
	if err != nil {
		return err
	}
	d := inboxData{Items: items, Results: results, Overdue: map[int64]bool{}, Clears: map[int64][]domain.ClearState{}}
	today := domain.DateOf(s.clock.Now(), shanghai)
	camps := map[int64]*domain.Campaign{}
	for _, it := range items {
		d.Overdue[it.ID] = domain.Overdue(it.Case, today)
		camp, ok := camps[it.CampaignID]
		if !ok {
			if camp, err = s.app.Campaign(ctx, a, it.CampaignID); err != nil {
				return err
			}
			camps[it.CampaignID] = camp
		}
		d.Clears[it.ID] = domain.OrderedClears(camp, it.Case)
	}
	if _, err := s.app.ResolveCampaign(ctx, 0); err == nil {
		due, err := s.app.DueRechecks(ctx, a, 0)
		if err != nil {
			return err
		}
		d.Due = len(due)
		if d.Prompts, err = s.app.RecheckPrompts(ctx, a, 0); err != nil {
			return err
		}
	}
	s.render(w, r, status, "inbox.html", "co.inbox.title", d, s.takeFlash(w, r))
	return nil
}

// inboxApproveSubmit approves the ticked rows: each "id:version:hash" as shown.
func (s *Server) inboxApproveSubmit(w http.ResponseWriter, r *http.Request, a *domain.Actor) error {
	if err := r.ParseForm(); err != nil {
		return domain.Invalid("cases", "表单格式错误")
	}
	var items []app.ApproveItem
	for _, v := range r.PostForm["case"] {
		parts := strings.Split(v, ":")
		if len(parts) != 3 {
			return domain.Invalid("cases", "表单格式错误")
		}
		id, err1 := strconv.ParseInt(parts[0], 10, 64)
		ver, err2 := strconv.ParseInt(parts[1], 10, 64)
		if err1 != nil || err2 != nil {
			return domain.Invalid("cases", "表单格式错误")
		}
		items = append(items, app.ApproveItem{ID: id, Version: ver, ContentHash: parts[2]})
	}
	if len(items) == 0 {
		return s.renderInbox(w, r, a, http.StatusBadRequest, []app.ApproveResult{{Error: translate(langOf(r), "co.inbox.none_ticked")}})
	}
	res, err := s.app.ApproveMany(r.Context(), a, items)
	if err != nil {
		return err
	}
	return s.renderInbox(w, r, a, http.StatusOK, res)
}

// ---- re-checks ----

type rechecksData struct {
	Due       []app.RecheckRow
	Prompts   []*domain.Case
	MayReopen bool
	MayRecord bool
	Error     *formError
}

func (s *Server) rechecksPage(w http.ResponseWriter, r *http.Request, a *domain.Actor) error {
	return s.renderRechecks(w, r, a, http.StatusOK, nil)
}

func (s *Server) renderRechecks(w http.ResponseWriter, r *http.Request, a *domain.Actor, status int, fe *formError) error {
	d := rechecksData{Error: fe, MayReopen: domain.RoleMay(a.User.Role, domain.ActReopen), MayRecord: domain.RoleMay(a.User.Role, domain.ActWriteSite)}
	var err error
	if d.Due, err = s.app.DueRechecks(r.Context(), a, 0); err != nil {
		return err
	}
	if d.Prompts, err = s.app.RecheckPrompts(r.Context(), a, 0); err != nil {
		return err
	}
	s.render(w, r, status, "closeout_rechecks.html", "co.recheck.title", d, s.takeFlash(w, r))
	return nil
}

func (s *Server) recheckSubmit(w http.ResponseWriter, r *http.Request, a *domain.Actor) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	res, err := s.app.RecordRecheck(r.Context(), a, id, r.FormValue("outcome"), r.FormValue("note"))
	if err != nil {
		if !userError(err) {
			return err
		}
		return s.renderRechecks(w, r, a, statusOf(domain.ErrorCode(err)), asFormError(err))
	}
	lang := langOf(r)
	if res.PromptReopen {
		if domain.RoleMay(a.User.Role, domain.ActReopen) {
			s.redirectFlash(w, r, fmt.Sprintf("/cases/%d?reopen=recheck#closeout", res.Case.ID), translate(lang, "co.recheck.prompt"))
			return nil
		}
		s.redirectFlash(w, r, "/rechecks", translate(lang, "co.recheck.prompt_others"))
		return nil
	}
	s.redirectFlash(w, r, "/rechecks", translate(lang, "co.recheck.saved"))
	return nil
}

// ---- delegations ----

type delegationsData struct {
	Items      []*domain.Delegation
	Candidates []*domain.User
	MayCreate  bool
	Me         int64
	Now        time.Time
	Today      domain.Date
	Error      *formError
}

func (s *Server) delegationsPage(w http.ResponseWriter, r *http.Request, a *domain.Actor) error {
	return s.renderDelegations(w, r, a, http.StatusOK, nil)
}

func (s *Server) renderDelegations(w http.ResponseWriter, r *http.Request, a *domain.Actor, status int, fe *formError) error {
	d := delegationsData{MayCreate: domain.RoleMay(a.User.Role, domain.ActDelegate), Me: a.User.ID, Now: s.clock.Now(),
		Today: domain.DateOf(s.clock.Now(), shanghai), Error: fe}
	var err error
	if d.Items, err = s.app.Delegations(r.Context(), a); err != nil {
		return err
	}
	if d.MayCreate {
		if d.Candidates, err = s.app.DelegateCandidates(r.Context(), a); err != nil {
			return err
		}
	}
	s.render(w, r, status, "closeout_delegations.html", "co.del.title", d, s.takeFlash(w, r))
	return nil
}

// delegationCreate reads the form's dates as whole days in Shanghai: from
// the start of the first day (now, when that is today) to the end of the last.
func (s *Server) delegationCreate(w http.ResponseWriter, r *http.Request, a *domain.Actor) error {
	in := app.DelegationInput{Reason: r.FormValue("reason")}
	var err error
	in.DelegateUserID, err = formInt(r, "delegate_user_id")
	var from, until domain.Date
	if err == nil {
		from, err = domain.ParseDate("from", strings.TrimSpace(r.FormValue("from")))
	}
	if err == nil {
		until, err = domain.ParseDate("until", strings.TrimSpace(r.FormValue("until")))
	}
	if err == nil && until == "" {
		err = domain.Invalid("until", "请填写授权结束日期")
	}
	if err == nil {
		today := domain.DateOf(s.clock.Now(), shanghai)
		if from != "" && from > today {
			in.From = dayStart(from)
		}
		in.Until = dayStart(until).AddDate(0, 0, 1)
		_, err = s.app.CreateDelegation(r.Context(), a, in)
	}
	if err != nil {
		if !userError(err) && domain.ErrorCode(err) != domain.EFORBIDDEN {
			return err
		}
		return s.renderDelegations(w, r, a, statusOf(domain.ErrorCode(err)), asFormError(err))
	}
	s.redirectFlash(w, r, "/delegations", translate(langOf(r), "co.del.created"))
	return nil
}

func dayStart(d domain.Date) time.Time {
	t, err := time.ParseInLocation("2006-01-02", string(d), shanghai)
	if err != nil {
		return time.Time{}
	}
	return t
}

func (s *Server) delegationRevoke(w http.ResponseWriter, r *http.Request, a *domain.Actor) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	if _, err := s.app.RevokeDelegation(r.Context(), a, id); err != nil {
		return err
	}
	s.redirectFlash(w, r, "/delegations", translate(langOf(r), "co.del.revoked"))
	return nil
}
